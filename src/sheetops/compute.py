"""One refresh, step by step: find tabs, read once, check, compute, write once."""

from __future__ import annotations

import datetime as dt
import gc
import time
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from . import __version__, schema
from .backends.base import Grid, WritePlan, Workbook
from .commissions import payable_items
from .errors import BadArguments, NotASheetOpsWorkbook
from .issues import IssueLog
from .ledger import Ledger, build_payouts
from .locks import book_tab
from .payout_export import export_tab, payees
from .periods import is_closed
from .refresh import RunResult, Trigger
from .reports import report_tabs
from .rollups import Rollups, build_rollups
from .tool_tabs import issues_tab, lines_tab, payouts_tab, rollup_tabs, run_log_tab
from .validate import Program, check_program


@dataclass
class Computed:
    """Everything a refresh computes, before anything is written."""

    program: Program
    log: IssueLog
    as_of: dt.date
    items: pd.DataFrame
    ledger: Ledger
    rollups: Rollups


READ_TABS = frozenset([t.name for t in schema.EDITED_TABS] + [schema.PAYOUTS.name, schema.COMMISSION_LINES,
                                                             schema.LEDGER, schema.RUN_LOG])
"""What a refresh reads: the tabs people edit, and the tool tabs that carry state between runs
(Payouts, Commission Lines and Ledger for locking, Run Log to append to); never the reports."""


PAID_COLUMNS = ["creator", "period_start", "Campaign", "Product ID", "amount_cents"]
"""What the rollups need of the items of closed periods (a narrow frame is fast to select)."""


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


def parse_as_of(as_of: dt.date | str | None) -> dt.date | None:
    if as_of is None or isinstance(as_of, dt.date):
        return as_of
    try:
        return dt.date.fromisoformat(str(as_of).strip())
    except ValueError:
        raise BadArguments(f"--as-of {as_of} is not a date; write it as YYYY-MM-DD, for example 2026-11-18.") from None


def compute(grids: dict[str, Grid | None], as_of: dt.date | str | None, *, release: bool = False) -> Computed:
    """The pure core of a refresh: typed tables, items, payouts and rollups.

    With ``release``, the raw grids of the tabs people edit are dropped from ``grids`` once
    they are typed, so a million-line Orders tab is not held twice."""
    log = IssueLog()
    program = check_program(grids, log)
    if release:
        for spec in schema.EDITED_TABS:
            grids[spec.name] = None
    return compute_program(program, log, grids, as_of)


def compute_program(program: Program, log: IssueLog, previous: dict[str, Grid | None],
                    as_of: dt.date | str | None) -> Computed:
    """The money and the rollups of a checked ``program``; ``previous`` holds the tool tabs
    of the last run (Payouts, Commission Lines, Ledger) for locking."""
    day = parse_as_of(as_of) or program.settings.as_of or program.settings.today()
    items = payable_items(program, log, day)
    names = program.creators.valid.set_index("_creator")["Creator"].astype(str).str.strip().str.lstrip("@").to_dict()
    ledger = build_payouts(items, settings=program.settings, as_of=day, on_hold=program.creators_on_hold(), names=names,
                           previous=previous, recipients=payees(program.creators.valid), log=log)
    closed = items.loc[is_closed(items["period_start"], day, program.settings), PAID_COLUMNS]
    rollups = build_rollups(program, closed, day)
    return Computed(program, log, day, items, ledger, rollups)


def run_refresh(backend: Workbook, *, as_of: dt.date | str | None, dry_run: bool, trigger: Trigger,
                on_step: Callable[[str], None] | None = None) -> RunResult:
    """One refresh of ``backend``. Python's cycle collector is paused meanwhile: a million-row
    tab is tens of millions of live objects, which it would otherwise scan again and again
    (a refresh makes no reference cycles worth collecting)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_refresh(backend, as_of=as_of, dry_run=dry_run, trigger=trigger, on_step=on_step)
    finally:
        if enabled:
            gc.enable()


def _run_refresh(backend: Workbook, *, as_of: dt.date | str | None, dry_run: bool, trigger: Trigger,
                 on_step: Callable[[str], None] | None) -> RunResult:
    step = on_step or (lambda _name: None)
    started_wall = dt.datetime.now().replace(microsecond=0)
    started = time.perf_counter()
    tabs = resolve_tabs(backend)
    parse_as_of(as_of)
    with nullcontext() if dry_run else backend.lock():
        step(f"Reading {backend.label}")
        grids_actual = backend.read([actual for canon, actual in tabs.items() if canon in READ_TABS])
        grids = {canon: grids_actual.get(actual) for canon, actual in tabs.items()}
        del grids_actual
        result = RunResult(workbook=backend.label, as_of=parse_as_of(as_of) or dt.date.today(), dry_run=dry_run)
        step("Checking every row and computing payouts")
        try:
            done = compute(grids, as_of, release=True)
        except Exception as exc:  # still leave a trace in the Run Log, then let the door report it
            if not dry_run:
                _log_failure(backend, tabs, grids, started_wall, started, trigger, exc)
            raise
        result.as_of = done.as_of
        _summarise(result, done)
        plan = build_plan(done, grids, tabs, started_wall=started_wall, started=started, trigger=trigger,
                          result=result.result)
        if dry_run:
            result.changes = describe_changes(plan, grids, tabs)
        else:
            step("Writing the tool tabs")
            try:
                backend.apply(plan)
            except Exception as exc:  # the workbook is as it was; try to leave a Run Log row
                _log_failure(backend, tabs, grids, started_wall, started, trigger, exc)
                raise
    result.seconds = time.perf_counter() - started
    return result


def _summarise(result: RunResult, done: Computed) -> None:
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
        "locked": int(status.isin(schema.LOCKED_STATUSES).sum()),
    }
    result.draft_total_cents = int(payouts.loc[status == "Draft", "Total"].sum()) if not payouts.empty else 0
    if done.program.blocking:
        result.message = "A required column is missing, so payouts were not written; see the Issues tab."
    elif done.ledger.blocked:
        result.message = "Payouts were not written: the Ledger or an approval needs a person; see the Issues tab."


def build_plan(done: Computed, grids: dict[str, Grid | None], tabs: dict[str, str], *, started_wall: dt.datetime,
               started: float, trigger: Trigger, result: str) -> WritePlan:
    plan = WritePlan()
    if not done.program.blocking and not done.ledger.blocked:
        plan.tabs += [payouts_tab(done.ledger), lines_tab(done.ledger), book_tab(done.ledger.book),
                      export_tab(done.ledger.export)]
    plan.tabs += rollup_tabs(done.rollups)
    plan.tabs += report_tabs(done)
    plan.tabs.append(issues_tab(done.log))
    rows = {t.name: t.rows_read for t in done.program.tables}
    plan.tabs.append(run_log_tab(grids.get(schema.RUN_LOG), _run_row(
        started_wall, started, trigger, result, rows, done.log.count("Error"), done.log.count("Warning"))))
    for tab in plan.tabs:  # keep the person's spelling of an existing tool tab
        tab.name = tabs.get(tab.name, tab.name)
    return plan


def _run_row(started_wall: dt.datetime, started: float, trigger: str, result: str, rows: dict[str, int],
             errors: int, warnings: int) -> dict[str, object]:
    return {
        "Started": started_wall, "Finished": dt.datetime.now().replace(microsecond=0), "Trigger": trigger,
        "Result": result, "Rows read": ", ".join(f"{k} {v}" for k, v in rows.items()),
        "Errors": errors, "Warnings": warnings, "Seconds": round(time.perf_counter() - started, 2),
        "Version": __version__,
    }


def _log_failure(backend: Workbook, tabs: dict[str, str], grids: dict[str, Grid | None], started_wall: dt.datetime,
                 started: float, trigger: Trigger, exc: Exception) -> None:
    row = _run_row(started_wall, started, trigger, f"failed: {type(exc).__name__}", {}, 0, 0)
    tab = run_log_tab(grids.get(schema.RUN_LOG), row)
    tab.name = tabs.get(tab.name, tab.name)
    try:
        backend.apply(WritePlan(tabs=[tab]))
    except Exception:  # the original failure matters more than the log row
        pass


def describe_changes(plan: WritePlan, grids: dict[str, Grid | None], tabs: dict[str, str]) -> dict[str, dict[str, int]]:
    """For --dry-run: the rows each tool tab would hold; for the tabs a refresh reads, the rows
    it holds now; for Payouts, how many rows would be new and how many would change."""
    actual_to_canon = {actual: canon for canon, actual in tabs.items()}
    out: dict[str, dict[str, int]] = {}
    for tab in plan.tabs:
        canon = actual_to_canon.get(tab.name, tab.name)
        entry = {"rows_after": len(tab.frame)}
        before = grids.get(canon)
        if canon in READ_TABS:
            entry["rows_now"] = max(len(before) - 1, 0) if before else 0
        if canon == schema.PAYOUTS.name:
            entry.update(_payout_changes(before, tab.frame))
        out[tab.name] = entry
    return out


def _payout_changes(before: Grid | None, after: pd.DataFrame) -> dict[str, int]:
    from .cells import parse_money

    old: dict[str, int | None] = {}
    if before:
        header = [str(h or "").strip() for h in before[0]]
        if "Payout ID" in header and "Total" in header:
            i, t = header.index("Payout ID"), header.index("Total")
            old = {str(r[i]): parse_money(r[t] if t < len(r) else None).value for r in before[1:] if i < len(r) and r[i]}
    new = dict(zip(after["Payout ID"].astype(str), after["Total"])) if not after.empty else {}
    return {"new_payouts": sum(1 for k in new if k not in old),
            "changed_totals": sum(1 for k, v in new.items() if k in old and old[k] != int(v))}
