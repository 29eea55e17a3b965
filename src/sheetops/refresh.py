"""The one use case: read the workbook, check every row, compute, write the tool's tabs.

Every door (CLI, Excel button, cloud functions, Python) calls ``refresh``; the command behind
``sheetops export-payouts`` (``export_payouts``) is here too. The computing is in ``compute.py``.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from .backends import open_workbook
from .backends.base import Column, Grid, RemembersRuns, TabWrite, WritePlan, Workbook, money_text
from .errors import NotASheetOpsWorkbook, SheetOpsError
from .result import NOT_PAID_CAUSES, RunResult, Trigger, grouped, run_row
from .unchanged import log_failure, log_unchanged, remember, unchanged_since
from .workbook import schema

__all__ = ["NOT_PAID_CAUSES", "READ_TABS", "RunResult", "Trigger", "build_plan", "export_payouts", "grouped",
           "refresh", "resolve_tabs", "run_refresh"]

if TYPE_CHECKING:  # the computing modules (and pandas) load on the first run, so every door starts fast
    import pandas as pd

    from .compute import Computed
    from .late_edits import LateEdits

def refresh(
    workbook: "str | os.PathLike[str] | Workbook",
    as_of: "dt.date | str | None" = None,
    dry_run: bool = False,
    *,
    trigger: Trigger = "api",
    on_step: "Callable[[str], None] | None" = None,
    full: bool = False,
) -> RunResult:
    """Refresh one workbook: read, check, compute and (unless ``dry_run``) write.

    ``workbook`` is a path, a Google Sheets URL, ``gsheet:<ID>`` or an open backend.
    ``as_of`` defaults to the Settings ``As of`` value, else today in the Settings time zone.
    ``on_step`` is told the name of each long step as it starts (the CLI shows them).
    When nothing changed since the last refresh (same workbook contents, as-of date and
    SheetOps version), only a Run Log row is written (``RunResult.unchanged``); ``full`` refreshes
    every tab anyway. Raises ``SheetOpsError`` subclasses when the run cannot happen at all."""
    with _collector_paused():  # from the start: the first run's imports (pandas) make many objects too
        backend = open_workbook(workbook)
        started = time.perf_counter()
        result = run_refresh(backend, as_of=as_of, dry_run=dry_run, trigger=trigger, on_step=on_step, full=full)
    result.seconds = time.perf_counter() - started
    return result


READ_TABS = frozenset([t.name for t in schema.EDITED_TABS] + [schema.PAYOUTS.name, schema.COMMISSION_LINES,
                                                             schema.LEDGER, schema.RUN_LOG])
"""What a refresh reads: the tabs people edit, and the tool tabs that carry state between runs
(Payouts, Commission Lines and Ledger for locking, Run Log to append to); never the reports."""
CHECKED_TOOL_TABS = frozenset([schema.COMMISSION_LINES, schema.PAYOUT_EXPORT])
"""The tool tabs money is locked or paid from: a backend that fingerprints contents (Google
Sheets) checks them too before skipping a run, so that a hand edit there is put back by the
next run (docs/reliability.md says which retyped edits it cannot see)."""


def resolve_tabs(backend: Workbook) -> dict[str, str]:
    """Canonical tab name -> the name as spelled in the workbook (case and spaces ignored)."""
    actual = {schema.normalize_tab(n): n for n in backend.tab_names()}
    wanted = [t.name for t in schema.EDITED_TABS] + list(schema.TOOL_TABS)
    found = {name: actual[schema.normalize_tab(name)] for name in wanted if schema.normalize_tab(name) in actual}
    missing = [name for name in schema.REQUIRED_TABS if name not in found]
    if missing:
        raise NotASheetOpsWorkbook(
            f"{backend.label} is not a SheetOps workbook: it has no {' or '.join(missing)} tab; "
            "start from the template ('sheetops init') or add the missing tab."
        )
    return found


def run_refresh(backend: Workbook, *, as_of: dt.date | str | None, dry_run: bool, trigger: Trigger,
                on_step: Callable[[str], None] | None = None, full: bool = False) -> RunResult:
    """One refresh of ``backend``. Python's cycle collector is paused meanwhile: a million-row
    tab is tens of millions of live objects, which it would otherwise scan again and again
    (a refresh makes no reference cycles worth collecting)."""
    with _collector_paused():
        return _run_refresh(backend, as_of=as_of, dry_run=dry_run, trigger=trigger, on_step=on_step, full=full)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off meanwhile, as it was afterwards (nested pauses are fine)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run_refresh(backend: Workbook, *, as_of: dt.date | str | None, dry_run: bool, trigger: Trigger,
                 on_step: Callable[[str], None] | None, full: bool = False) -> RunResult:
    from .compute import compute, parse_as_of

    step = on_step or (lambda _name: None)
    started_wall = dt.datetime.now().replace(microsecond=0)
    started = time.perf_counter()
    parse_as_of(as_of)
    with nullcontext() if dry_run else backend.lock() as lock_note:
        tabs = resolve_tabs(backend)  # under the lock: a Google Sheet's lock take lists the tabs too
        as_read: tuple[str, dict[str, Any] | None] | None = None  # the fingerprint of what is read, the last state
        if not dry_run and isinstance(backend, RemembersRuns):
            reads = [actual for canon, actual in tabs.items() if canon in READ_TABS and canon != schema.COMMISSION_LINES]
            tools = [actual for canon, actual in tabs.items() if canon in CHECKED_TOOL_TABS]
            rewritten = [tabs[canon] for canon in (schema.PAYOUTS.name, schema.LEDGER) if canon in tabs]
            as_read = backend.last_run(tabs.get(schema.RUN_LOG, schema.RUN_LOG), reads, tools, rewritten)
        if as_read is not None and not full:
            same = unchanged_since(as_read[0], as_read[1], as_of)
            if same is not None:
                step(f"Nothing changed in {backend.label} since the last refresh")
                return log_unchanged(backend, tabs, same, started_wall=started_wall, started=started,
                                      trigger=trigger, lock_note=lock_note)
        step(f"Reading {backend.label}")
        grids = read_tabs(backend, tabs, everything=dry_run)
        result = RunResult(workbook=backend.label, as_of=parse_as_of(as_of) or dt.date.today(), dry_run=dry_run)
        step("Checking every row and computing payouts")
        try:
            done = compute(grids, as_of, release=True)
        except Exception as exc:  # still leave a trace in the Run Log, then let the door report it
            if not dry_run:
                log_failure(backend, tabs, grids.get(schema.RUN_LOG), started_wall, started, trigger, exc)
            raise
        notes = [lock_note] if lock_note else []
        if lock_note:
            done.log.add("Info", schema.RUN_LOG, None, "Notes", "", lock_note,
                         "Nothing to do; if refreshes keep stopping half-way, look at the earlier Run Log rows.")
        result.as_of = done.as_of
        _summarise(result, done)
        plan = build_plan(done, grids, tabs, started_wall=started_wall, started=started, trigger=trigger,
                          result=result.result, notes=notes, summary=result.summary())
        if dry_run:
            result.changes = describe_changes(plan, grids, tabs)
        else:
            plan.late_edits = _late_edits(plan, done, grids, tabs, backend, started_wall=started_wall, started=started,
                                          trigger=trigger, result=result.result, notes=notes,
                                          summary=result.summary())
            step("Writing the tool tabs")
            plan.last = True
            if as_read is not None:  # what the run read, so a save made meanwhile voids the result
                remember(plan, tabs, result, done, as_of, read=as_read[0])
            try:
                backend.apply(plan)
            except Exception as exc:  # the workbook is as it was; try to leave a Run Log row
                log_failure(backend, tabs, grids.get(schema.RUN_LOG), started_wall, started, trigger, exc)
                raise
            if plan.late_edits is not None and plan.late_edits.kept:
                _summarise(result, done)
    result.seconds = time.perf_counter() - started
    return result


def read_tabs(backend: Workbook, tabs: dict[str, str], *, everything: bool = False) -> dict[str, Grid | None]:
    """The tabs a refresh reads (``READ_TABS``; None for the others), by canonical name.

    Commission Lines, the largest tab a refresh reads, is read (in a second read) only when a
    payout waits to be locked, a Payouts row set to Approved or Paid that the Ledger does not
    hold yet: only then is it needed (``ledger.approvals.awaiting_lock``). ``everything``
    reads it anyway (a dry run compares every tool tab)."""
    from .ledger.approvals import awaiting_lock

    wanted = {canon: actual for canon, actual in tabs.items() if canon in READ_TABS}
    lines = None if everything else wanted.pop(schema.COMMISSION_LINES, None)
    got = backend.read(list(wanted.values()))
    grids = {canon: got.get(actual) for canon, actual in tabs.items()}
    del got
    if lines is not None and awaiting_lock(grids.get(schema.PAYOUTS.name), grids.get(schema.LEDGER)):
        grids[schema.COMMISSION_LINES] = backend.read([lines]).get(lines)
    return grids


def _summarise(result: RunResult, done: Computed) -> None:
    import pandas as pd

    log = done.log
    result.issues = {"error": log.count("Error"), "warning": log.count("Warning"), "info": log.count("Info")}
    result.result = "errors" if result.issues["error"] else "ok"
    result.rows = {t.name: t.rows_read for t in done.program.tables}
    payouts = done.ledger.payouts
    status = payouts["Status"] if not payouts.empty else pd.Series([], dtype=object)
    result.payouts = {
        "draft": int((status == "Draft").sum()),
        "below_minimum": int((status == "Below minimum").sum()),
        "on_hold": int((status == "On hold").sum()),
        "locked": int(payouts["Payout ID"].isin(done.ledger.book.ids).sum()) if not payouts.empty else 0,
        "not_locked": len(done.ledger.refused),
    }
    totals = payouts["Total"] if not payouts.empty else pd.Series([], dtype="Int64")
    result.draft_total_cents = int(totals[status == "Draft"].sum())
    held = status == "On hold"
    result.on_hold_total_cents = int(totals[held].sum())
    result.on_hold_creators = sorted({str(c) for c in payouts.loc[held, "Creator"]}) if held.any() else []
    result.not_paid = {k: (int(v[0]), int(v[1])) for k, v in done.log.not_paid.items()}
    if done.program.blocking:
        result.message = "A required column is missing, so payouts were not written; see the Issues tab."
    elif done.ledger.blocked:
        result.message = ("Payouts were not written: the Ledger tab (the tool's record of locked payouts) is damaged; "
                          "restore it from version history, see the Issues tab.")


def build_plan(done: Computed, grids: dict[str, Grid | None], tabs: dict[str, str], *, started_wall: dt.datetime,
               started: float, trigger: Trigger, result: str, notes: list[str] | None = None,
               summary: str = "") -> WritePlan:
    from .ledger.locks import book_tab
    from .ledger.paypal import export_tab
    from .reports.weekly import report_tabs
    from .tool_tabs import lines_tab, payouts_tab, rollup_tabs

    plan = WritePlan()
    if not done.program.blocking and not done.ledger.blocked:
        plan.tabs += [payouts_tab(done.ledger), lines_tab(done.ledger, done.program), book_tab(done.ledger.book),
                      export_tab(done.ledger.export)]
    plan.tabs += rollup_tabs(done.rollups)
    plan.tabs += report_tabs(done)
    plan.tabs += _other_period_reports(plan, tabs, done.program.settings.payout_period)
    plan.tabs += _log_tabs(done, grids, started_wall=started_wall, started=started, trigger=trigger, result=result,
                           notes=list(notes or []), summary=summary)
    for tab in plan.tabs:  # keep the person's spelling of an existing tool tab
        tab.name = tabs.get(tab.name, tab.name)
    return plan


def _other_period_reports(plan: WritePlan, tabs: dict[str, str], period: str) -> list[TabWrite]:
    """The report tab of the other period kind (a Weekly Report once Payout period is
    Monthly, or the other way round) says it is not refreshed, instead of showing stale figures."""
    import pandas as pd

    written = {t.name for t in plan.tabs}
    out = []
    for name, kind in ((schema.WEEKLY_REPORT, "Weekly"), (schema.MONTHLY_REPORT, "Monthly")):
        if name in tabs and name not in written:
            current = schema.MONTHLY_REPORT if name == schema.WEEKLY_REPORT else schema.WEEKLY_REPORT
            note = (f"Not refreshed: Settings Payout period is {period}, so SheetOps writes the {current} tab instead "
                    f"of this one. This tab is used when Payout period is {kind}; you may delete it.")
            frame = pd.DataFrame({"A": [note]}, dtype=object)
            out.append(TabWrite(name, [Column("A", "text", 110)], frame, header=False))
    return out


def _log_tabs(done: Computed, grids: dict[str, Grid | None], *, started_wall: dt.datetime, started: float,
              trigger: Trigger, result: str, notes: list[str], summary: str = "") -> list[TabWrite]:
    """The Issues tab and the Run Log with this run's row."""
    from .tool_tabs import issues_tab, run_log_tab

    rows = {t.name: t.rows_read for t in done.program.tables}
    row = run_row(started_wall, started, trigger, result, rows, done.log.count("Error"), done.log.count("Warning"),
                   summary)
    row["Notes"] = " ".join(notes) or None
    return [issues_tab(done.log), run_log_tab(grids.get(schema.RUN_LOG), row)]


def _late_edits(plan: WritePlan, done: Computed, grids: dict[str, Grid | None], tabs: dict[str, str],
                backend: Workbook, *,
                notes: list[str], **run: Any) -> "LateEdits | None":
    """What the backend needs to keep people's Payouts edits made while this run computed."""
    from .late_edits import LateEdits

    name = tabs.get(schema.PAYOUTS.name, schema.PAYOUTS.name)
    if not any(t.name == name for t in plan.tabs):
        return None

    def rebuild(log: object, more: list[str]) -> None:
        fresh = _log_tabs(done, grids, notes=notes + more, **run)
        for tab in fresh:
            tab.name = tabs.get(tab.name, tab.name)
            plan.tabs[[t.name for t in plan.tabs].index(tab.name)] = tab

    lines_tab = tabs.get(schema.COMMISSION_LINES, schema.COMMISSION_LINES)
    start = grids.get(schema.COMMISSION_LINES)
    return LateEdits(tab=name, start=grids.get(schema.PAYOUTS.name), plan=plan, log=done.log, rebuild=rebuild,
                     lines_tab=lines_tab, lines_start=start,
                     # not read at the start (nothing waited to be locked): only the tool writes it, so
                     # it is read when someone approves during the run, just before the write
                     read_lines=(lambda: backend.read([lines_tab]).get(lines_tab)) if start is None else None)


def describe_changes(plan: WritePlan, grids: dict[str, Grid | None], tabs: dict[str, str]) -> dict[str, dict[str, int]]:
    """For --dry-run: the rows each tool tab would hold; for the tabs a refresh reads, the rows
    it holds now; for Payouts, how many rows would be new and how many would change."""
    actual_to_canon = {actual: canon for canon, actual in tabs.items()}
    out: dict[str, dict[str, int]] = {}
    for tab in plan.tabs:
        canon = actual_to_canon.get(tab.name, tab.name)
        entry = {"rows_after": _data_rows(tab)}
        before = grids.get(canon)
        if canon in READ_TABS:
            entry["rows_now"] = sum(1 for r in before[1:] if not schema.is_empty_note(r)) if before else 0
        if canon == schema.PAYOUTS.name:
            entry.update(_payout_changes(before, tab.frame))
        out[tab.name] = entry
    return out


def _data_rows(tab: TabWrite) -> int:
    """Rows a tool tab would hold, its "nothing to show" line aside."""
    if len(tab.frame) == 1 and schema.is_empty_note(list(tab.frame.iloc[0])):
        return 0
    return len(tab.frame)


def _payout_changes(before: Grid | None, after: pd.DataFrame) -> dict[str, int]:
    import pandas as pd

    from .workbook.cells import parse_money

    old: dict[str, int | None] = {}
    if before:
        header = [str(h or "").strip() for h in before[0]]
        if "Payout ID" in header and "Total" in header:
            i, t = header.index("Payout ID"), header.index("Total")
            old = {str(r[i]): parse_money(r[t] if t < len(r) else None).value for r in before[1:]
                   if i < len(r) and r[i] and not schema.is_empty_note(r)}
    notes = set(schema.EMPTY_NOTES.values())
    new = {pid: (None if pd.isna(v) else int(v)) for pid, v in zip(after["Payout ID"].astype(str), after["Total"])
           if pid not in notes} if not after.empty else {}
    return {"new_payouts": sum(1 for k in new if k not in old),
            "changed_totals": sum(1 for k, v in new.items() if k in old and old[k] != v)}


def numbered(out: Path, n: int) -> Path:
    """``FILE.csv`` for the first file, ``FILE-2.csv``, ``FILE-3.csv`` ... after it."""
    return out if n == 1 else out.with_name(f"{out.stem}-{n}{out.suffix}")


def write_files(frame: pd.DataFrame, out: Path) -> list[str]:
    """Write the export rows as PayPal CSV files; returns one line per file written."""
    from .ledger.paypal import MAX_ROWS

    if frame.empty:
        return ["There are no approved, unpaid payouts to export; no file was written."]
    lines, n = [], 0
    for currency, group in sorted(frame.groupby("Currency", sort=False), key=lambda g: str(g[0])):
        for first in range(0, len(group), MAX_ROWS):
            chunk = group.iloc[first:first + MAX_ROWS]
            n += 1
            path = numbered(out, n)
            _write_csv(path, [[r["Recipient"], money_text(int(r["Amount"])), r["Currency"], r["Customer ID"], r["Note"],
                               r["Wallet"]] for r in chunk.to_dict("records")])
            total = money_text(int(chunk["Amount"].sum()))
            lines.append(f"Wrote {len(chunk)} payout{'s' if len(chunk) != 1 else ''} ({currency} {total}) to {path}.")
    stale = n + 1
    while numbered(out, stale).exists():
        numbered(out, stale).unlink()
        lines.append(f"Removed {numbered(out, stale)}, left from an earlier export, so nothing is paid twice.")
        stale += 1
    return lines


def _write_csv(path: Path, rows: list[list[object]]) -> None:
    import csv
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".payouts-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_payouts(workbook: "str | os.PathLike[str] | Workbook", out: Path) -> list[str]:
    """Read a workbook and write its approved, unpaid payouts as PayPal Payouts CSV files.

    Returns human lines saying what was written and which approved payouts were left out."""
    from .compute import compute

    backend = open_workbook(workbook)
    tabs = resolve_tabs(backend)
    read = backend.read(list(tabs.values()))
    done = compute({canon: read.get(actual) for canon, actual in tabs.items()}, None)
    if done.program.blocking or done.ledger.blocked:
        raise SheetOpsError(f"{backend.label} has problems that stop payouts; run 'sheetops run' and fix the "
                            "Errors in the Issues tab, then export again. No file was written.")
    lines = write_files(done.ledger.export, Path(out))
    left_out = [i.problem for i in done.log.issues if i.tab == schema.PAYOUTS.name and "Payout Export" in i.problem]
    return lines + left_out
