"""The workbook open in Excel, through xlwings (the ribbon button's backend).

Reading: each requested tab is read in one call (``sheet.used_range`` with
``options(ndim=2, err_to_str=True)``); ``excel_values.from_excel`` turns the values into
``RawCell``s (error cells become ``CellError``).

Writing a plan, in three steps, so that Excel refuses as early as possible:

1. prepare every tab in memory (all conversions; nothing in Excel changes yet), refuse a
   ``TabWrite`` aimed at a tab people edit, and check every edited tab exists;
2. preflight in Excel: unprotect the tool tabs to be written (a tab protected with a
   password stops the run here, before any cell changes) and add missing tool tabs at the
   end of the workbook;
3. write: per tool tab, clear it, set the number formats of its columns (``@`` for text,
   so ``=1+1`` stays text), assign all its values in one ``range("A1").value = rows``, then
   column widths, dropdowns, charts, visibility, frozen header (new tabs) and protection.
   Edits of people tabs (imports only) come last.

Excel has no transactions. If Excel refuses a write in step 3 (it is busy, out of memory,
a tab was protected meanwhile), ``apply`` raises ``ExcelWriteStopped`` saying which tabs
were already updated; the workbook on disk is unchanged until the person saves, so closing
without saving restores it. Formatting extras (protection, frozen header, dropdowns,
charts, hiding a tab's name) use Windows COM calls through ``.api`` where xlwings has no
open-source call; on macOS they are skipped and listed in ``notes``.

``lock()`` holds a per-process lock and a defined name ``SheetOps_RunLock`` in the workbook
(pid, host, time of the last heartbeat: the marker is renewed when the run reads and when it
writes). A marker left by a process that no longer runs on this computer is taken over at
once; one of another computer after ``stale_after`` (a minute) without a beat; one of a live
process on this computer after ten minutes. The run says so in the Run Log.
Removing the marker is retried; one that cannot be removed goes stale within a minute.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

import pandas as pd

from ..errors import NotASheetOpsWorkbook, RefreshRunning, SheetOpsError
from ..workbook.schema import EDITED_TABS, normalize_tab
from .base import EDITABLE_FILL, ChartSpec, Grid, Rows, TabEdit, TabWrite, WritePlan, column_letter
from .excel_format import TOOL_TAB_COLOR, apply_filter, excel_color, highlight
from .excel_values import NUMBER_FORMATS, from_excel, quoted, to_excel
from .grid import mixed_cell, mixed_kind, out_cell

LOCK_NAME = "SheetOps_RunLock"
LIVE_STALE_AFTER = dt.timedelta(minutes=10)
MAX_ROWS = 1_048_576
_PEOPLE_TABS = frozenset(normalize_tab(t.name) for t in EDITED_TABS)
_PROCESS_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()
_CHART_TYPES = {"line": "line", "column": "column_clustered", "bar": "bar_clustered"}


class ExcelWriteStopped(SheetOpsError):
    """Excel refused a write after some tool tabs were already updated."""


@dataclass
class _PreparedTab:
    """A ``TabWrite`` turned into what xlwings assigns, before Excel is touched."""

    tab: TabWrite
    rows: list[list[Any]]
    column_formats: list[str]
    cell_formats: dict[tuple[int, int], str] = field(default_factory=dict)
    """1-based (row, column) -> number format, for ``mixed`` cells."""

    @property
    def first_data_row(self) -> int:
        return 2 if self.tab.header else 1

    @property
    def data_rows(self) -> int:
        return len(self.tab.frame)


class ExcelLiveWorkbook:
    """A ``Workbook`` over an xlwings ``Book`` (``xw.Book.caller()`` from the button)."""

    def __init__(self, book: Any, *, stale_after: dt.timedelta = dt.timedelta(seconds=60)) -> None:
        self.book = book
        self._marker: str | None = None
        self.label: str = book.name
        self.stale_after = stale_after
        self.notes: list[str] = []
        """Formatting extras that could not be applied (e.g. protection on macOS)."""
        self.touched = False
        """True once ``apply`` has started changing cells (used by the door's message)."""

    # ------------------------------------------------------------------ reading

    def tab_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def read(self, tabs: Sequence[str]) -> dict[str, Grid]:
        self._beat()
        sheets = {sheet.name: sheet for sheet in self.book.sheets}
        return {name: read_sheet(sheets[name]) for name in tabs if name in sheets}

    # ------------------------------------------------------------------ writing

    def apply(self, plan: WritePlan) -> None:
        self._beat()
        if plan.late_edits is not None:  # what people typed in Payouts while the run computed is kept
            name = plan.late_edits.tab
            plan.late_edits.keep(self.read([name]).get(name) if self._sheet(name) is not None else None)
        prepared = [prepare_tab(tab) for tab in plan.tabs]
        for edit in plan.edits:
            if self._sheet(edit.name) is None:
                raise NotASheetOpsWorkbook(f"The workbook has no {edit.name} tab; add it back, then run again.")
        if plan.is_empty:
            return
        app = self.book.app
        active = _safe(lambda: self.book.sheets.active)
        updating = _safe(lambda: app.screen_updating)
        _safe(lambda: setattr(app, "screen_updating", False))
        try:
            created = self._preflight(prepared)
            self._write_all(prepared, plan.edits, created)
        finally:
            if updating is not None:
                _safe(lambda: setattr(app, "screen_updating", updating))
            if active is not None:
                _safe(active.activate)

    def _preflight(self, prepared: list[_PreparedTab]) -> set[str]:
        unprotected: list[Any] = []
        for prep in prepared:
            sheet = self._sheet(prep.tab.name)
            if sheet is None or not _is_protected(sheet):
                continue
            try:
                sheet.api.Unprotect()
                unprotected.append(sheet)
            except Exception as exc:
                for other in unprotected:
                    _safe(lambda: other.api.Protect(Contents=True, DrawingObjects=False))
                raise ExcelWriteStopped(
                    f"The {prep.tab.name} tab is protected with a password ({one_line(exc)}); "
                    "unprotect it with Review > Unprotect Sheet, then click Run again."
                ) from exc
        created: set[str] = set()
        for prep in prepared:
            if self._sheet(prep.tab.name) is None:
                sheets = self.book.sheets
                sheets.add(prep.tab.name, after=sheets[len(sheets) - 1])
                created.add(prep.tab.name)
        return created

    def _write_all(self, prepared: list[_PreparedTab], edits: list[TabEdit], created: set[str]) -> None:
        done: list[str] = []
        current = ""
        try:
            for prep in prepared:
                current = prep.tab.name
                self.touched = True
                self._write_tab(prep, new=prep.tab.name in created)
                done.append(current)
            for edit in edits:
                current = edit.name
                self.touched = True
                self._apply_edit(edit)
                done.append(current)
        except Exception as exc:
            already = " and ".join(done) if done else "nothing"
            raise ExcelWriteStopped(
                f"Excel stopped SheetOps while it wrote the {current} tab ({one_line(exc)}), "
                f"after {already} had been updated; close the workbook without saving to get "
                "back what you had, then click Run again."
            ) from exc

    def _write_tab(self, prep: _PreparedTab, *, new: bool) -> None:
        tab = prep.tab
        sheet = self._sheet(tab.name)
        assert sheet is not None, "created in preflight"
        for chart in list(sheet.charts):
            chart.delete()
        sheet.clear()
        first, count = prep.first_data_row, prep.data_rows
        if count:
            for col, fmt in enumerate(prep.column_formats, start=1):
                if fmt != "General":
                    sheet.range((first, col), (first + count - 1, col)).number_format = fmt
            for (row, col), fmt in prep.cell_formats.items():
                sheet.range((row, col)).number_format = fmt
        if prep.rows and prep.rows[0]:
            sheet.range("A1").value = prep.rows
        for col, column in enumerate(tab.columns, start=1):
            if column.width:
                sheet.range((1, col)).column_width = column.width
        self._extras(sheet, prep, new=new)

    def _extras(self, sheet: Any, prep: _PreparedTab, *, new: bool) -> None:
        """Best-effort formatting: each step that Excel or the platform refuses is noted."""
        tab = prep.tab
        names = [c.name for c in tab.columns]
        last = prep.first_data_row + max(prep.data_rows, 1) - 1
        for column, values in tab.dropdowns.items():
            col = names.index(column) + 1
            self._try(f"dropdown on {tab.name} {column}",
                      lambda: sheet.range((prep.first_data_row, col), (last, col)).data_validation.set_list(list(values)))
        for spec in tab.charts:
            self._try(f"chart on {tab.name}", lambda: _add_chart(sheet, prep, spec))
        if new and tab.header and not tab.hidden:
            self._try(f"frozen header on {tab.name}", lambda: self._freeze_header(sheet))
        self._try(f"tab colour of {tab.name}", lambda: setattr(sheet.api.Tab, "Color", excel_color(TOOL_TAB_COLOR)))
        if tab.header and tab.filter:
            self._try(f"filter buttons on {tab.name}", lambda: apply_filter(sheet, len(tab.columns), last))
        for column, fills in tab.highlights.items():
            if column in names:
                self._try(f"colours of {tab.name} {column}", lambda: highlight(sheet, prep.first_data_row, names.index(column) + 1, fills))
        if tab.protected and tab.header:
            for column in tab.editable:
                if column in names:
                    col = names.index(column) + 1
                    self._try(f"marking {tab.name} {column}",
                              lambda: setattr(sheet.range((1, col)).api.Interior, "Color", excel_color(EDITABLE_FILL)))
        if sheet.visible == tab.hidden:
            sheet.visible = not tab.hidden
        if tab.protected:
            self._try(f"protection of {tab.name}", lambda: _protect(sheet, prep))

    def _freeze_header(self, sheet: Any) -> None:
        sheet.activate()
        window = self.book.app.api.ActiveWindow
        window.FreezePanes = False
        window.SplitColumn = 0
        window.SplitRow = 1
        window.FreezePanes = True

    def _apply_edit(self, edit: TabEdit) -> None:
        sheet = self._sheet(edit.name)
        assert sheet is not None, f"{edit.name} was checked to exist before writing"
        for col, header in edit.add_headers.items():
            sheet.range((1, col + 1)).value = quoted(header)
        for (row, col), value in edit.set_cells.items():
            sheet.range((row + 1, col + 1)).value = to_excel(mixed_cell(value), text_cell=False)
        if edit.append:
            last = max(len(read_sheet(sheet)), 1)
            width = max(len(r) for r in edit.append)
            rows = [[to_excel(mixed_cell(v), text_cell=False) for v in r] + [None] * (width - len(r))
                    for r in edit.append]
            sheet.range((last + 1, 1)).value = rows

    def _sheet(self, name: str) -> Any | None:
        key = normalize_tab(name)
        for sheet in self.book.sheets:
            if normalize_tab(sheet.name) == key:
                return sheet
        return None

    def _try(self, what: str, action: Any) -> None:
        try:
            action()
        except Exception as exc:  # platform-specific extras never stop a run
            self.notes.append(f"{what} skipped: {one_line(exc)}")

    # ------------------------------------------------------------------ locking

    @contextmanager
    def lock(self) -> Iterator[str | None]:
        key = str(_safe(lambda: self.book.fullname) or self.label).lower()
        with _GUARD:
            process_lock = _PROCESS_LOCKS.setdefault(key, threading.Lock())
        if not process_lock.acquire(blocking=False):
            raise RefreshRunning(f"Another refresh of {self.label} is running; wait for it to finish, then click Run again.")
        try:
            note = self._take_marker()
            try:
                yield note
            finally:
                self._drop_marker()
        finally:
            process_lock.release()

    def _take_marker(self) -> str | None:
        """Put our marker in the workbook; a sentence when a dead run's marker was taken over."""
        names = self.book.names
        note = None
        if LOCK_NAME in names:
            holder = parse_marker(names[LOCK_NAME].refers_to)
            if holder is not None and not self._stale(*holder):
                started = holder[2].astimezone().strftime("%H:%M")
                raise RefreshRunning(
                    f"Another SheetOps run on {self.label} started at {started} and is still going; "
                    "wait for it to finish, then click Run again."
                )
            if holder is not None:
                note = (f"A SheetOps run on {self.label} (process {holder[0]} on {holder[1]}) stopped without "
                        "finishing and had left its run marker; this run took it over.")
            names[LOCK_NAME].delete()
        self._put_marker()
        return note

    def _put_marker(self) -> None:
        token = f"{os.getpid()}|{socket.gethostname()}|{dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')}"
        name = self.book.names.add(LOCK_NAME, f'="{token}"')
        self._marker = token
        self._try("hiding the run marker", lambda: setattr(name.api, "Visible", False))

    def _ours(self) -> bool:
        names = self.book.names
        return self._marker is not None and LOCK_NAME in names and self._marker in names[LOCK_NAME].refers_to

    def _beat(self) -> None:
        """Renew our marker's time (the heartbeat of a live run), when we hold it."""
        try:
            if self._ours():
                self.book.names[LOCK_NAME].delete()
                self._put_marker()
        except Exception:  # a missed beat only lets the marker go stale sooner
            pass

    def _drop_marker(self) -> None:
        for _ in range(3):  # retried: Excel may be busy for a moment
            try:
                if self._ours():
                    self.book.names[LOCK_NAME].delete()
                break
            except Exception:
                continue
        self._marker = None

    def _stale(self, pid: int, host: str, beat: dt.datetime) -> bool:
        """A marker of a process gone from this computer is stale at once; one of a live process
        here after ``LIVE_STALE_AFTER`` (its beats come only at each step, and computing a big
        workbook takes a while); one from another computer after ``stale_after``."""
        age = dt.datetime.now(dt.timezone.utc) - beat
        if host == socket.gethostname():
            return pid == os.getpid() or not pid_alive(pid) or age > LIVE_STALE_AFTER
        return age > self.stale_after


# ---------------------------------------------------------------------- helpers


def read_sheet(sheet: Any) -> Grid:
    """A sheet's cells from A1 in one read of its used range (which may not start at A1),
    with trailing empty rows and cells trimmed."""
    used = sheet.used_range
    values = used.options(ndim=2, err_to_str=True).value
    lead = [None] * (used.column - 1)
    grid: Rows = [[] for _ in range(used.row - 1)]
    grid += [lead + [from_excel(v) for v in row] for row in values]
    for row in grid:
        while row and row[-1] is None:
            row.pop()
    while grid and not grid[-1]:
        grid.pop()
    return grid


def prepare_tab(tab: TabWrite) -> _PreparedTab:
    """Everything one tool tab writes, converted for xlwings; raises before Excel changes."""
    if normalize_tab(tab.name) in _PEOPLE_TABS:
        raise ValueError(f"refusing to replace {tab.name!r}: people edit that tab (use a TabEdit)")
    kinds = [c.kind for c in tab.columns]
    rows: list[list[Any]] = [[quoted(c.name) for c in tab.columns]] if tab.header else []
    first = 2 if tab.header else 1
    cell_formats: dict[tuple[int, int], str] = {}
    series = [tab.frame[c.name].tolist() for c in tab.columns]
    for i in range(len(tab.frame)):
        row: list[Any] = []
        for j, kind in enumerate(kinds):
            value = series[j][i]
            if kind == "mixed":
                value_kind = "text" if _is_na(value) else mixed_kind(value)
                if NUMBER_FORMATS[value_kind] not in ("General", "@"):
                    cell_formats[(first + i, j + 1)] = NUMBER_FORMATS[value_kind]
                row.append(to_excel(mixed_cell(value), text_cell=False))
            else:
                row.append(to_excel(out_cell(value, kind), text_cell=kind == "text"))
        rows.append(row)
    return _PreparedTab(tab, rows, [NUMBER_FORMATS[k] for k in kinds], cell_formats)


def _is_na(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _add_chart(sheet: Any, prep: _PreparedTab, spec: ChartSpec) -> None:
    names = [c.name for c in prep.tab.columns]
    top = prep.first_data_row + spec.first_row
    bottom = prep.first_data_row + spec.last_row
    if prep.tab.header and spec.first_row == 0:
        top = 1  # the header row names the series
    elif spec.header_row is not None and spec.header_row == spec.first_row - 1:
        top -= 1  # a report table's own header row names the series
    columns = [names.index(spec.categories)] + [names.index(s.column) for s in spec.series]
    address = ",".join(f"{column_letter(c)}{top}:{column_letter(c)}{bottom}" for c in columns)
    chart = sheet.charts.add(
        width=spec.width_cm * 28.35, height=spec.height_cm * 28.35,
        chart_type=_CHART_TYPES[spec.kind], source=sheet.range(address), anchor=sheet.range(spec.anchor),
    )
    chart.title = spec.title


def _protect(sheet: Any, prep: _PreparedTab) -> None:
    names = [c.name for c in prep.tab.columns]
    for column in prep.tab.editable:
        col = names.index(column) + 1
        sheet.range((prep.first_data_row, col), (MAX_ROWS, col)).api.Locked = False
    sheet.api.Protect(Contents=True, DrawingObjects=False, AllowFormattingColumns=True,
                      AllowSorting=True, AllowFiltering=True)


def _is_protected(sheet: Any) -> bool:
    return bool(_safe(lambda: sheet.api.ProtectContents))


def parse_marker(refers_to: str) -> tuple[int, str, dt.datetime] | None:
    """(pid, host, start) from the lock name's ``="pid|host|iso-time"``, or None."""
    m = re.search(r'"(\d+)\|([^|]*)\|([^"]+)"', refers_to or "")
    if not m:
        return None
    try:
        started = dt.datetime.fromisoformat(m[3])
    except ValueError:
        return None
    if started.tzinfo is None:
        started = started.replace(tzinfo=dt.timezone.utc)
    return int(m[1]), m[2], started


def pid_alive(pid: int) -> bool:
    """Whether a process runs on this computer (True when it cannot be told)."""
    if sys.platform.startswith("win"):
        try:
            import ctypes

            kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
            handle = kernel.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
            if not handle:
                return False
            code = ctypes.c_ulong()
            kernel.GetExitCodeProcess(handle, ctypes.byref(code))
            kernel.CloseHandle(handle)
            return code.value == 259  # STILL_ACTIVE
        except Exception:
            return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def one_line(exc: BaseException) -> str:
    """A short, single-line reason for an exception (COM errors carry it in ``args[2]``)."""
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    text = ""
    detail = args[2] if len(args) >= 3 else None
    if isinstance(detail, tuple) and len(detail) >= 3 and detail[2]:
        text = str(detail[2])
    text = text or str(exc) or type(exc).__name__
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:157] + "..."


def _safe(action: Any) -> Any:
    try:
        return action()
    except Exception:
        return None
