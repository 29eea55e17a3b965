"""The ``sheetops`` command: each subcommand parses its arguments and calls one library
function. Errors reach the person as one plain sentence on standard error (exit 2), never a
traceback unless ``--debug``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, NoReturn, Sequence

from . import __version__
from .errors import BadArguments, SheetOpsError

if TYPE_CHECKING:
    from .refresh import RunResult


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except SheetOpsError as exc:
        if args.debug:
            import traceback

            traceback.print_exc()
        print(f"sheetops: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # output piped into a command that stopped reading (| head)
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("sheetops: stopped; nothing was written.", file=sys.stderr)
        return 2
    except Exception as exc:  # the person gets a sentence, the developer gets --debug
        if args.debug:
            import traceback

            traceback.print_exc()
        print(f"sheetops: could not finish ({type(exc).__name__}: {exc}); nothing was written. "
              "Run again with --debug for details.", file=sys.stderr)
        return 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # exit 2 with one sentence, like every other failure
        self.print_usage(sys.stderr)
        print(f"sheetops: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="sheetops", description="SheetOps: creator commissions, payouts and GMV reports in your spreadsheet.")
    p.add_argument("--version", action="version", version=f"sheetops {__version__}")
    p.add_argument("--debug", action="store_true", help="show the full traceback when something fails")
    sub = p.add_subparsers(title="commands", parser_class=_Parser)

    def cmd(name: str, func: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help, description=help)
        sp.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        sp.set_defaults(func=func)
        return sp

    init = cmd("init", _init, "write a fresh SheetOps template (Excel file, or a new Google Sheet)")
    init.add_argument("path", nargs="?", help="where to write the .xlsx")
    init.add_argument("--demo", action="store_true", help="fill it with realistic demo data")
    init.add_argument("--orders", type=int, default=2000, help="demo order lines (default 2000)")
    init.add_argument("--seed", type=int, default=1, help="demo data seed (default 1)")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.add_argument("--google", action="store_true", help="create a new Google Sheet instead of a file")
    init.add_argument("--title", help="title of the new Google Sheet")
    init.add_argument("--share", help="email to share the new Google Sheet with")
    init.add_argument("--folder", help="Drive folder ID to create the new Google Sheet in (a shared drive folder "
                                       "when SheetOps runs as a service account)")

    login = cmd("login", _login, "sign in to Google in the browser, with only the scopes SheetOps needs, "
                                 "and keep the sign-in for later runs")
    login.add_argument("--client-secrets", help="the OAuth client file (Desktop app) from the Google Cloud console "
                                                "(default: client_secrets.json in the SheetOps config folder)")
    login.add_argument("--no-browser", action="store_true", help="print the sign-in URL instead of opening a browser")

    run = cmd("run", _run, "refresh a workbook: check every row, compute payouts and reports, write them back")
    run.add_argument("workbook", help="an .xlsx/.xlsm path, a Google Sheets URL, or gsheet:<ID>")
    run.add_argument("--as-of", help="run as if today were this date (YYYY-MM-DD)")
    run.add_argument("--dry-run", action="store_true", help="write nothing; say what would change")
    run.add_argument("--json", action="store_true", help="print one JSON object with the results")
    run.add_argument("--full", action="store_true",
                     help="refresh every tab even when nothing changed since the last refresh")

    imp = cmd("import", _import, "import TikTok Shop affiliate order exports into the Orders tab")
    imp.add_argument("workbook")
    imp.add_argument("files", nargs="+", help="CSV or XLSX export files")
    imp.add_argument("--dry-run", action="store_true", help="write nothing; say what would change")
    imp.add_argument("--creator", help="the creator's handle, for creator-side exports (they name no creator)")

    exp = cmd("export-payouts", _export, "write approved, unpaid payouts as PayPal Payouts CSV files")
    exp.add_argument("workbook")
    exp.add_argument("-o", "--output", required=True, help="the CSV file to write")

    rep = cmd("report", _report, "the client report (weekly or monthly, or the QBR) as a PDF")
    rep.add_argument("workbook", help="an .xlsx/.xlsm path, a Google Sheets URL, or gsheet:<ID>")
    which = rep.add_mutually_exclusive_group()
    which.add_argument("--period", help="the report of the period holding this date (YYYY-MM-DD); default: the last closed one")
    which.add_argument("--qbr", action="store_true", help="the quarterly business review instead")
    rep.add_argument("--pdf", required=True, help="the PDF file to write")

    st = cmd("statements", _statements, "one statement per creator with a payout in a period (PDF; CSV too with --csv)")
    st.add_argument("workbook", help="an .xlsx/.xlsm path, a Google Sheets URL, or gsheet:<ID>")
    st.add_argument("--period", required=True, help="a date in the period (YYYY-MM-DD)")
    st.add_argument("-o", "--output", required=True, help="the folder to write the statements into")
    st.add_argument("--csv", action="store_true", help="write a CSV of each statement's lines too")

    addin = cmd("excel-addin", _addin, "build the Excel add-in with the SheetOps ribbon tab")
    addin.add_argument("-o", "--output", default=".", help="folder to write the add-in into (default: here)")

    dep = cmd("addon-deployment", _addon_deployment,
              "print the Google Sheets add-on's deployment resource (JSON for gcloud workspace-add-ons)")
    dep.add_argument("--url", required=True, help="the https URL of the deployed addon function")
    dep.add_argument("--name", default="SheetOps", help="the add-on's name in Sheets (default: SheetOps)")
    dep.add_argument("--logo", help="the https URL of the add-on's logo")
    return p


def _init(args: argparse.Namespace) -> int:
    if args.google:
        if not args.title:
            raise BadArguments("Give the new Google Sheet a name with --title, for example --title 'Lumi creators'.")
        from .backends.gsheets import create_spreadsheet

        _, url = create_spreadsheet(args.title, share=args.share, folder=args.folder)
        print(url)
        return 0
    if not args.path:
        raise BadArguments("Say where to write the template, for example: sheetops init program.xlsx")
    path = Path(args.path)
    if path.suffix.lower() != ".xlsx":
        raise BadArguments(f"{path} should end in .xlsx.")
    if path.exists() and not args.force:
        raise BadArguments(f"{path} already exists; choose another name, or add --force to overwrite it.")
    if args.orders < 0:
        raise BadArguments("--orders must be 0 or more.")
    from .templates import write_excel_template

    demo = None
    if args.demo:
        import datetime as dt

        from .demo.data import make_demo

        demo = make_demo(orders=args.orders, seed=args.seed, today=dt.date.today())
    path.parent.mkdir(parents=True, exist_ok=True)
    write_excel_template(path, demo=demo)
    print(f"Wrote {path}" + (f" with demo data ({args.orders} order lines)." if args.demo else "."))
    return 0


def _login(args: argparse.Namespace) -> int:
    from .backends.google_login import login

    path = login(Path(args.client_secrets) if args.client_secrets else None, open_browser=not args.no_browser)
    print(f"Signed in; SheetOps keeps the sign-in in {path} (readable by you only) and uses it for Google Sheets "
          "from now on. Share each sheet with the account you signed in as.")
    return 0


def _run(args: argparse.Namespace) -> int:
    from . import refresh
    from .progress import step_printer

    result = refresh(args.workbook, as_of=args.as_of, dry_run=args.dry_run, trigger="cli",
                     on_step=None if args.json else step_printer(), full=args.full)
    if args.json:
        import json

        print(json.dumps(result.to_json()))
    else:
        print(summary(result))
    return result.exit_code


def summary(result: RunResult) -> str:
    """A few plain lines about a run, for people."""
    verb = "Checked (dry run, nothing written)" if result.dry_run else "Refreshed"
    i = result.issues
    lines = [
        f"{verb} {result.workbook} as of {result.as_of.isoformat()} in {result.seconds:.1f} s."
        + (" Nothing had changed since the last refresh, so the tool tabs were left as they were "
           "(run with --full to rewrite them)." if result.unchanged else ""),
        "Rows read: " + ", ".join(f"{k} {v}" for k, v in result.rows.items()) + ".",
        f"Issues: {i['error']} errors, {i['warning']} warnings, {i['info']} notes"
        + (" - see the Issues tab." if sum(i.values()) else "."),
        result.payouts_sentence(),
    ]
    if result.not_paid_sentence():
        lines.append(result.not_paid_sentence())
    if result.message:
        lines.append(result.message)
    if result.dry_run and result.changes:
        lines.append("Would write: " + ", ".join(f"{k} ({v['rows_after']} rows)" for k, v in result.changes.items()) + ".")
        payouts = next((v for k, v in result.changes.items() if "new_payouts" in v), None)
        if payouts:
            lines.append(f"Payouts: {payouts['new_payouts']} new rows, {payouts['changed_totals']} with a different Total.")
    return "\n".join(lines)


def _import(args: argparse.Namespace) -> int:
    from .backends import open_workbook
    from .importers import import_files
    from .progress import progress_bar

    workbook = open_workbook(args.workbook)
    with progress_bar("Importing") as bar:
        result = import_files(workbook, [Path(f) for f in args.files], dry_run=args.dry_run, progress=bar,
                              creator=args.creator)
    print("\n".join(result.summary_lines()))
    return result.exit_code


def _export(args: argparse.Namespace) -> int:
    from .refresh import export_payouts

    files = export_payouts(args.workbook, Path(args.output))
    for line in files:
        print(line)
    return 0


def _report(args: argparse.Namespace) -> int:
    from .documents import report_pdf

    print(report_pdf(args.workbook, Path(args.pdf), period=args.period, qbr=args.qbr))
    return 0


def _statements(args: argparse.Namespace) -> int:
    from .documents import write_statements

    for line in write_statements(args.workbook, Path(args.output), period=args.period, csv_too=args.csv):
        print(line)
    return 0


def _addin(args: argparse.Namespace) -> int:
    from .excel.addin import build_addin, install_instructions

    path = build_addin(Path(args.output))
    print(install_instructions(path))
    return 0


def _addon_deployment(args: argparse.Namespace) -> int:
    from .addon.deployment import LOGO_URL, deployment_json

    print(deployment_json(args.url, name=args.name, logo_url=args.logo or LOGO_URL))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
