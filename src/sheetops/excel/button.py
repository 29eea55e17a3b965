"""The Excel door: what the SheetOps ribbon button runs.

The add-in (``sheetops.excel.xlam``, see ``addin.py``) runs
``import sheetops.excel;sheetops.excel.main()`` through xlwings' ``RunPython``. ``main``
refreshes the workbook that is open in Excel (``xw.Book.caller()``) with
``sheetops.refresh(ExcelLiveWorkbook(book), trigger="excel")``; the as-of date comes from the
workbook's Settings ``As of`` (blank = today), which the engine reads itself. The person
then sees one short message box: done, how many errors and warnings, how many payouts are
ready. Whatever goes wrong reaches them as the same kind of short message, never as a
traceback: a ``SheetOpsError`` shows its own plain sentence; anything else shows
"SheetOps could not finish: <reason>; ..." and the details go to the log file
(``~/.sheetops/excel.log``, or ``$SHEETOPS_EXCEL_LOG``).

Nothing here imports xlwings, pandas or the engine until the button is clicked.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..errors import SheetOpsError

if TYPE_CHECKING:
    from ..refresh import RunResult

TITLE = "SheetOps"
LOG_LIMIT_BYTES = 1_000_000


def main() -> None:
    """Entry point of the ribbon button (called by the add-in's VBA, never by people).

    Exits 0 whenever a message could be shown in Excel, so xlwings shows no error dialog;
    when Excel itself cannot be reached it prints one sentence to standard error (which
    xlwings shows) and exits 1."""
    try:
        import xlwings as xw

        book = xw.Book.caller()
    except Exception as exc:
        log_path = write_log("could not reach the calling workbook", exc)
        print(f"SheetOps could not reach the workbook in Excel ({_reason(exc)}); details are in {log_path}.",
              file=sys.stderr)
        raise SystemExit(1) from None
    run(book)


def run(
    book: Any,
    *,
    refresh: "Callable[..., RunResult] | None" = None,
    log_path: Path | None = None,
) -> str:
    """Refresh ``book`` (an xlwings Book), show the outcome in Excel and return that message.

    ``refresh`` defaults to ``sheetops.refresh``; tests pass a stand-in."""
    try:
        app = book.app
    except Exception:  # no Excel to talk to: messages go nowhere, the log still gets them
        app = None
    backend = None
    mode = "info"
    _set_status(app, "SheetOps is running...")
    try:
        from ..backends.excel_live import ExcelLiveWorkbook

        backend = ExcelLiveWorkbook(book)
        if refresh is None:
            from ..refresh import refresh as refresh_workbook

            refresh = refresh_workbook
        result = refresh(backend, trigger="excel")
        message = success_message(result)
        if result.result != "ok":
            mode = "critical"
        if backend.notes:
            write_log("formatting skipped: " + "; ".join(backend.notes), None, log_path)
    except SheetOpsError as exc:
        mode = "critical"
        message = str(exc)
        write_log(message, exc, log_path)
    except Exception as exc:
        mode = "critical"
        where = write_log("unexpected failure", exc, log_path)
        touched = bool(getattr(backend, "touched", False))
        after = (
            "some tabs may already be updated, so close the workbook without saving to get back what you had"
            if touched
            else "nothing was written"
        )
        message = f"SheetOps could not finish: {_reason(exc)}; {after}. Details are in {where}."
    finally:
        _set_status(app, False)
    show(app, message, mode=mode)
    return message


def success_message(result: "RunResult") -> str:
    """The short message of a finished run, e.g. ``SheetOps is done for 2026-11-18: 2 errors,
    1 warning; 3 payouts ready (total 1234.50). See the Issues tab, fix ..., then run again.``"""
    if result.result == "failed":
        return result.message or "SheetOps could not finish; see the Run Log tab."
    errors = result.issues.get("error", 0)
    warnings = result.issues.get("warning", 0)
    ready = result.payouts.get("draft", 0)
    from ..backends.base import money_text

    counts = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}; {_plural(ready, 'payout')} ready"
    if ready:
        counts += f" (total {money_text(result.draft_total_cents)})"
    head = f"SheetOps is done for {result.as_of.isoformat()}: {counts}."
    if result.payouts.get("on_hold") or result.payouts.get("not_locked"):
        head += " " + result.payouts_sentence()
    if result.not_paid_sentence():
        head += " " + result.not_paid_sentence()
    if result.dry_run:
        return head + " This was a dry run: nothing was written."
    if errors:
        return head + " See the Issues tab, fix the rows it lists, then click Run again."
    if warnings:
        return head + " See the Issues tab for the warnings; save the workbook to keep the results."
    return head + " Save the workbook to keep the results."


def show(app: Any, message: str, *, mode: str = "info") -> None:
    """A message box in Excel; the status bar when a box cannot be shown."""
    try:
        app.alert(message, title=TITLE, mode=mode)
    except Exception:
        _set_status(app, message)


def log_file() -> Path:
    """Where the button writes details of failures (``$SHEETOPS_EXCEL_LOG`` overrides)."""
    return Path(os.environ.get("SHEETOPS_EXCEL_LOG") or Path.home() / ".sheetops" / "excel.log")


def write_log(what: str, exc: BaseException | None, path: Path | None = None) -> Path:
    """Append one dated entry (with the traceback, if any) to the log; never raises."""
    path = path or log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > LOG_LIMIT_BYTES:
            path.replace(path.with_suffix(".old.log"))
        detail = "".join(traceback.format_exception(exc)) if exc is not None else ""
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        with path.open("a", encoding="utf-8") as log:
            log.write(f"{stamp} {what}\n{detail}\n")
    except OSError:
        pass
    return path


def _reason(exc: BaseException) -> str:
    from ..backends.excel_live import one_line

    return one_line(exc)


def _plural(n: int, word: str) -> str:
    return f"{'no' if n == 0 else n} {word}{'' if n == 1 else 's'}"


def _set_status(app: Any, value: str | bool) -> None:
    try:
        app.status_bar = value
    except Exception:
        pass
