"""Documents people send: the client report as a PDF, and creator statements (PDF and CSV).

The use cases behind ``sheetops report`` and ``sheetops statements`` (and the cloud's PDF
answer). Each reads the workbook through its backend (an ``.xlsx`` file, a live Excel
workbook, a Google Sheet), computes exactly as a refresh does, and writes nothing back:
the report tab or statement is written into a new temporary ``.xlsx`` (``backends.xlsx_new``)
and printed by LibreOffice (``backends.libreoffice``), so a PDF looks like the tab.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from .backends import open_workbook
from .backends.base import TabWrite, Workbook
from .errors import BadArguments, SheetOpsError
from .refresh import READ_TABS, resolve_tabs

if TYPE_CHECKING:
    from .compute import Computed

Report = Literal["weekly", "qbr"]


def computed(backend: Workbook, *, period: dt.date | None = None, as_of: dt.date | None = None) -> Computed:
    """Read and compute ``backend`` as a refresh would, without writing. With ``period``, as
    of the day after the period holding it ends, so that period is the last closed one."""
    from .compute import compute_program
    from .workbook.issues import IssueLog
    from .workbook.periods import period_end, start_of
    from .workbook.validate import check_program

    tabs = resolve_tabs(backend)
    read = backend.read([actual for canon, actual in tabs.items() if canon in READ_TABS])
    grids = {canon: read.get(actual) for canon, actual in tabs.items()}
    log = IssueLog()
    program = check_program(grids, log)
    settings = program.settings
    if period is not None:
        start = pd.Timestamp(start_of(period, settings))
        end = pd.Timestamp(period_end(start, settings)).date()
        today = as_of or settings.as_of or settings.today()
        if end >= today:
            raise BadArguments(f"The {'week' if settings.weekly else 'month'} {start.date()} to {end} has not closed "
                               f"yet (today is {today}); choose a period that has ended, or leave out --period for "
                               "the last closed one.")
        as_of = end + dt.timedelta(days=1)
    return compute_program(program, log, grids, as_of)


def report_tab(done: Computed, report: Report) -> TabWrite:
    from .reports.qbr import quarterly_review
    from .reports.weekly import period_report

    return quarterly_review(done) if report == "qbr" else period_report(done)


def print_tabs(tabs: list[TabWrite], out: Path) -> Path:
    """Print ``tabs`` (one workbook, in order) to the PDF ``out``, through a temporary ``.xlsx``."""
    from .backends.libreoffice import to_pdf
    from .backends.xlsx_new import write_new_xlsx

    with tempfile.TemporaryDirectory(prefix="sheetops-pdf-") as tmp:
        book = write_new_xlsx(Path(tmp) / f"{out.stem or 'report'}.xlsx", tabs)
        pdf = to_pdf([book], Path(tmp))[0]
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(pdf), out)
    return out


def report_pdf(workbook: "str | os.PathLike[str] | Workbook", out: "str | os.PathLike[str]", *,
               period: "str | dt.date | None" = None, qbr: bool = False) -> str:
    """Write the client report (the Weekly or Monthly Report, or with ``qbr`` the QBR) of
    ``workbook`` as the PDF ``out``; returns a sentence saying what was written.

    Without ``period``, the last closed period (and its quarter to date for the QBR)."""
    if qbr and period is not None:
        raise BadArguments("Give either --period or --qbr, not both.")
    out = Path(out)
    if out.suffix.lower() != ".pdf":
        raise BadArguments(f"{out} should end in .pdf.")
    from .backends.libreoffice import soffice

    soffice()  # say what is missing before reading a large workbook
    from .compute import parse_as_of

    done = computed(open_workbook(workbook), period=parse_as_of(period, "--period"))
    tab = report_tab(done, "qbr" if qbr else "weekly")
    print_tabs([tab], out)
    return f"Wrote the {tab.name} of {done.program.settings.client or 'the workbook'} to {out}."


def report_pdf_bytes(backend: Workbook, report: Report) -> tuple[bytes, str]:
    """The report PDF of an open backend, and a file name for it (for the cloud function)."""
    done = computed(backend)
    tab = report_tab(done, report)
    with tempfile.TemporaryDirectory(prefix="sheetops-pdf-") as tmp:
        pdf = print_tabs([tab], Path(tmp) / "report.pdf")
        data = pdf.read_bytes()
    return data, f"{tab.name.replace(' ', '-')}-{done.rollups.last_closed.date()}.pdf"


# -- creator statements ----------------------------------------------------------------


def statements_of(done: Computed, period: dt.date) -> list[Any]:
    """The statements of every payout of the period holding ``period`` (``reports.statements``)."""
    from .reports.statements import build_statements
    from .workbook.periods import start_of

    program, ledger = done.program, done.ledger
    creators = program.creators.valid
    names = {}
    if len(creators):
        handles = creators["Creator"].astype(str).str.strip().str.lstrip("@")
        names = {h: n for h, n in zip(handles, creators["Name"]) if isinstance(n, str) and n.strip()}
    orders = program.orders.valid[["Order ID", "SKU ID", "Product ID", "Product", "Order date", "Settled date"]]
    return build_statements(
        ledger.payouts, ledger.lines, period_start=start_of(period, program.settings), orders=orders,
        content=program.content.valid, rules=program.rules.valid[["Rule", "Min GMV", "Max GMV", "Amount", "Rate"]],
        locked=ledger.book.items[["Payout ID", "key"]], names=names)


def write_statements(workbook: "str | os.PathLike[str] | Workbook", out_dir: "str | os.PathLike[str]", *,
                     period: "str | dt.date", csv_too: bool = False, pdf: bool = True) -> list[str]:
    """One statement per creator with a payout in the period holding ``period``: a PDF (and
    with ``csv_too`` a CSV) named ``statement-<period start>-<handle>`` in ``out_dir``.

    Returns lines for people: what was written, or why nothing was."""
    from .compute import parse_as_of

    day = parse_as_of(period, "--period")
    assert day is not None
    started = time.perf_counter()
    if pdf:
        from .backends.libreoffice import soffice

        soffice()
    done = computed(open_workbook(workbook))
    if done.program.blocking or done.ledger.blocked:
        raise SheetOpsError("The workbook has problems that stop payouts; run 'sheetops run' and fix the Errors in "
                            "the Issues tab, then make the statements again. No file was written.")
    found = statements_of(done, day)
    from .workbook.periods import start_of

    start = start_of(day, done.program.settings)
    if not found:
        return [f"No creator has a payout for the period starting {start} (a period gets payouts once it has "
                "closed); no file was written."]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stems = _unique([s.file_stem for s in found])
    if csv_too:
        from .reports.statements import statement_csv

        for st, stem in zip(found, stems):
            with open(out / f"{stem}.csv", "w", newline="", encoding="utf-8") as f:
                csv.writer(f).writerows(statement_csv(st))
    if pdf:
        print_statements(found, stems, out, client=done.program.settings.client, prepared_on=done.as_of)
    kinds = " and ".join((["PDF"] if pdf else []) + (["CSV"] if csv_too else []))
    total = sum(s.total_cents for s in found)
    from .refresh import grouped

    return [f"Wrote {len(found)} statement{'s' if len(found) != 1 else ''} ({kinds}) for the period starting "
            f"{start} to {out} in {time.perf_counter() - started:.1f} s; their Totals add up to {grouped(total)} "
            f"{found[0].currency}."]


def print_statements(found: list[Any], stems: list[str], out: Path, *, client: str = "",
                     prepared_on: Any = None) -> list[Path]:
    """Each statement as its own small ``.xlsx``, all printed by one LibreOffice process."""
    from .backends.libreoffice import to_pdf
    from .backends.xlsx_new import write_new_xlsx
    from .reports.statements import statement_tab

    with tempfile.TemporaryDirectory(prefix="sheetops-statements-") as tmp:
        books = [write_new_xlsx(Path(tmp) / f"{stem}.xlsx", [statement_tab(st, client=client, prepared_on=prepared_on)])
                 for st, stem in zip(found, stems)]
        pdfs = to_pdf(books, Path(tmp) / "pdf")
        for pdf in pdfs:
            shutil.move(str(pdf), out / pdf.name)
    return [out / p.name for p in pdfs]


def _unique(stems: list[str]) -> list[str]:
    """Two handles that clean up to the same file name get -2, -3 ... (never overwrite)."""
    seen: dict[str, int] = {}
    out = []
    for stem in stems:
        n = seen.get(stem.casefold(), 0) + 1
        seen[stem.casefold()] = n
        out.append(stem if n == 1 else f"{stem}-{n}")
    return out
