"""``import_files``: TikTok Shop affiliate order exports -> the Orders tab, in one write.

1. Read the Orders and Settings tabs (time zone, date order) through the backend.
2. Scan every file (layout, separators, date order); a file that cannot be read at all
   stops the import before anything is written.
3. Read every file again, line by line, and upsert each line by (Order ID, SKU ID), files
   in the order given (the later file wins for the same line).
4. Write one ``TabEdit`` for Orders, unless ``dry_run`` or nothing changed.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow as pa

from ..backends.base import Grid, WritePlan, Workbook
from ..workbook.cells import DateOrder, handle_key, parse_text
from ..errors import BadArguments, ImportFileError, NotASheetOpsWorkbook
from ..workbook.schema import CREATORS, ORDERS, SETTINGS_TAB, normalize_header, normalize_tab
from .column_lines import SkipState, column_lines, skipped_rows
from .csv_table import NotColumnWise
from .lines import OWNED, OrderLine, Problem, map_row
from .orders_tab import OrdersTab
from .result import FileResult, ImportIssue, ImportResult
from .scan import FilePlan, data_rows, scan_file
from .sources import ExportSource

Progress = Callable[[int, "int | None"], None]
"""Called with (rows done, total rows or None) while files are imported: first with
``None`` while the files are scanned (total unknown), then with the total of all files."""

PROGRESS_EVERY = 5_000
_STATUS = [name for name, _kind in OWNED].index("Status")
_SETTLED_DATE = [name for name, _kind in OWNED].index("Settled date")
_CREATOR = [name for name, _kind in OWNED].index("Creator")
_GMV = [name for name, _kind in OWNED].index("GMV")


def import_files(
    workbook: Workbook,
    files: Sequence["str | os.PathLike[str]"],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    creator: str | None = None,
) -> ImportResult:
    """Import TikTok Shop affiliate order exports (CSV or XLSX) into ``Orders``.

    New lines are appended, changed lines are updated in place (only the cells that really
    changed), and importing the same file again changes nothing. ``creator`` names the
    creator of creator-layout exports, which carry no creator column. With ``dry_run``
    nothing is written but the counts are the same. Raises ``ImportFileError`` when a file
    cannot be read at all (nothing is written then).

    >>> result = import_files(workbook, [Path("affiliate_orders.csv")])   # doctest: +SKIP
    >>> result.summary_lines()[0]                                          # doctest: +SKIP
    'affiliate_orders.csv (Seller Center affiliate orders export): 120 rows read: ...'
    """
    if not files:
        raise BadArguments("Give at least one TikTok Shop export file to import.")
    with workbook.lock(), _collector_paused():
        orders_name, settings_name, creators_name = _tab_names(workbook)
        grids = workbook.read([n for n in (orders_name, settings_name, creators_name) if n])
        tz, date_order, currency = _settings(grids.get(settings_name or "", []))
        roster = _roster(grids.get(creators_name or "")) if creators_name else None
        plans = [
            scan_file(ExportSource(Path(f)), tz=tz, date_order=date_order, creator=creator, progress=progress,
                      currency=currency)
            for f in files
        ]
        orders = OrdersTab(orders_name, grids.get(orders_name, []), tz=tz, date_order=date_order)
        result = ImportResult(workbook=workbook.label, dry_run=dry_run)
        total = sum(p.data_rows for p in plans)
        done = 0
        for plan in plans:
            file_result, done = _import_file(plan, orders, progress, done, total, roster, result.unknown_creators)
            result.files.append(file_result)
        if progress is not None:
            progress(done, total)
        edit = orders.edit()
        result.headers_added = orders.headers_to_add
        result.cells_changed = len(edit.set_cells)
        if not dry_run and (edit.set_cells or edit.append):
            workbook.apply(WritePlan(edits=[edit]))
    return result


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while millions of rows are built: imports create no
    reference cycles, and full collections over a large Orders tab cost more than the import."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import_file(
    plan: FilePlan, orders: OrdersTab, progress: Progress | None, done: int, total: int,
    roster: set[str] | None = None, unknown: dict[str, list[int]] | None = None,
) -> tuple[FileResult, int]:
    name = plan.source.name
    outcome = FileResult(file=name, layout=plan.layout.label)
    if plan.assumed:
        outcome.issues.append(ImportIssue("Info", name, plan.header_line, "", "", plan.assumed.rstrip(".")))
    known: dict[str, bool] = {}
    if plan.delimiter is not None:
        rows: Iterator[tuple[int, "list | None", str | None, OrderLine | None]] = _column_rows(plan)
    else:
        rows = ((line_no, cells, skipped, None) for line_no, cells, skipped in data_rows(plan))
    for line_no, cells, skipped, line in rows:
        outcome.rows_read += 1
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
        if skipped:
            outcome.skipped += 1
            continue
        problems: list[Problem] = []
        if line is None:
            line, problems = map_row(cells or [], plan.ctx)
        if line is None:
            outcome.rejected += 1
            outcome.issues.extend(
                ImportIssue("Error", name, line_no, column, value, problem, "Fix the line in the file and import it again.")
                for column, value, problem in problems
            )
            continue
        if line[_STATUS] == "Settled" and line[_SETTLED_DATE] is None:
            outcome.issues.append(ImportIssue(
                "Warning", name, line_no, plan.ctx.detected.headers.get("settled_date", "Time Commission Paid"), "",
                "TikTok says the line is settled but gives no commission paid time",
                "Type the Settled date in Orders, or import a newer export.",
            ))
        outcome.count(orders.upsert(line))
        if roster is not None and unknown is not None and not _on_roster(line[_CREATOR], roster, known):
            tally = unknown.setdefault(str(line[_CREATOR] or "").strip() or "(no creator)", [0, 0])
            tally[0] += 1
            tally[1] += int(line[_GMV] or 0)
    return outcome, done


def _on_roster(creator: str | None, roster: set[str], known: dict[str, bool]) -> bool:
    """Whether the creator is on Creators (asked once per creator: lines repeat creators)."""
    key = creator or ""
    found = known.get(key)
    if found is None:
        found = known[key] = handle_key(creator) in roster
    return found


def _column_rows(plan: FilePlan) -> Iterator[tuple[int, "list | None", str | None, OrderLine | None]]:
    """The rows of a file read column-wise, a batch at a time: (line, the cells when ``map_row``
    must read the row, why it is skipped, the line made column-wise)."""
    state, rows = SkipState(), 0
    try:
        for batch in plan.batches():
            skipped = skipped_rows(batch, plan.ctx, state)
            for i, line in enumerate(column_lines(batch, plan.ctx, skipped)):
                why = skipped.get(i)
                yield batch.first_line + i, batch.cells(i) if line is None and why is None else None, why, line
            rows += batch.rows
            pa.default_memory_pool().release_unused()  # the batch's Arrow memory back to the system
    except NotColumnWise:
        rows = -1
    if rows != plan.data_rows:
        raise ImportFileError(f"{plan.source.name} changed while it was being imported; import it again.")


def _roster(grid: Grid | None) -> set[str] | None:
    """The handle keys on the Creators tab (None when it has no Creator column)."""
    if not grid:
        return None
    header = [normalize_header(str(h or "")) for h in grid[0]]
    if "creator" not in header:
        return None
    at = header.index("creator")
    return {handle_key(r[at]) for r in grid[1:] if at < len(r) and r[at] not in (None, "")}


def _tab_names(workbook: Workbook) -> tuple[str, str | None, str | None]:
    by_key = {normalize_tab(n): n for n in workbook.tab_names()}
    orders = by_key.get(normalize_tab(ORDERS.name))
    if orders is None:
        raise NotASheetOpsWorkbook(
            f"{workbook.label} has no Orders tab; add a tab named Orders (or start from 'sheetops init') and import again."
        )
    return orders, by_key.get(normalize_tab(SETTINGS_TAB.name)), by_key.get(normalize_tab(CREATORS.name))


def _settings(grid: Grid) -> tuple[dt.tzinfo, DateOrder | None, str | None]:
    """Settings ``Timezone`` (default UTC), ``Date order`` and ``Currency`` (default none)."""
    values: dict[str, str] = {}
    for row in grid[1:] if grid else []:
        if len(row) >= 2 and (key := parse_text(row[0]).value):
            values.setdefault(normalize_header(key), parse_text(row[1]).value or "")
    zone_name = values.get("timezone") or "UTC"
    try:
        tz: dt.tzinfo = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImportFileError(
            f"Settings Timezone {zone_name} is not a time zone name; set it to a name such as "
            "America/New_York or Europe/London and import again."
        ) from None
    order = values.get("date order", "").strip().upper() or None
    currency = values.get("currency", "").strip().upper() or None
    return tz, order if order in ("YMD", "MDY", "DMY") else None, currency  # type: ignore[return-value]
