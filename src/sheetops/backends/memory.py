"""An in-memory workbook: the reference backend, used by tests and by anyone embedding
SheetOps. It stores what a spreadsheet would store (numbers, text, dates), not frames."""

from __future__ import annotations

import copy
import threading
from contextlib import contextmanager
from typing import Any, Iterator, Mapping, Sequence

from ..errors import RefreshRunning
from .base import Grid, Link, Rows, TabEdit, TabWrite, WritePlan
from .grid import mixed_cell, tab_rows


class MemoryWorkbook:
    """A workbook held in a dict of tab name -> grid (row 0 is the header)."""

    def __init__(self, tabs: Mapping[str, Grid] | None = None, *, label: str = "memory") -> None:
        self.label = label
        self.tabs: dict[str, Grid] = {name: [list(r) for r in rows] for name, rows in (tabs or {}).items()}
        self.meta: dict[str, TabWrite] = {}
        self.applied: int = 0
        self._lock = threading.Lock()

    def tab_names(self) -> list[str]:
        return list(self.tabs)

    def read(self, tabs: Sequence[str]) -> dict[str, Grid]:
        return {name: [list(r) for r in self.tabs[name]] for name in tabs if name in self.tabs}

    def apply(self, plan: WritePlan) -> None:
        if plan.late_edits is not None:  # people's edits made while the run computed are kept
            plan.late_edits.keep(self.read([plan.late_edits.tab]).get(plan.late_edits.tab))
        staged = copy.deepcopy(self.tabs)
        for tab in plan.tabs:
            staged[tab.name] = [[_stored(v) for v in row] for row in tab_rows(tab)]
        for edit in plan.edits:
            staged[edit.name] = _edited(staged.get(edit.name, [[]]), edit)
        self.tabs = staged
        for tab in plan.tabs:
            self.meta[tab.name] = tab
        self.applied += 1

    @contextmanager
    def lock(self) -> Iterator[str | None]:
        if not self._lock.acquire(blocking=False):
            raise RefreshRunning(f"Another refresh of {self.label} is running; try again when it has finished.")
        try:
            yield None
        finally:
            self._lock.release()


def _stored(value: Any) -> Any:
    if isinstance(value, Link):
        return value.text
    return value


def _edited(grid: Grid, edit: TabEdit) -> Rows:
    rows = [list(r) for r in grid] or [[]]
    for col, name in edit.add_headers.items():
        _put(rows, 0, col, name)
    for (r, c), value in edit.set_cells.items():
        _put(rows, r, c, _stored(mixed_cell(value)))
    last = len(rows)
    while last > 1 and all(v is None or v == "" for v in rows[last - 1]):
        last -= 1
    rows = rows[:last]
    for new in edit.append:
        rows.append([_stored(mixed_cell(v)) for v in new])
    return rows


def _put(rows: Rows, r: int, c: int, value: Any) -> None:
    while len(rows) <= r:
        rows.append([])
    row = rows[r]
    while len(row) <= c:
        row.append(None)
    row[c] = value
