"""The Orders tab as an import sees it: find lines by (Order ID, SKU ID), add or update them.

Only ``TabEdit``s are produced: new lines are appended, and on an existing line only the
cells whose value really changed are set (compared as values, not as text: ``12.5`` and
``$12.50`` are the same amount, ``@Mia`` and ``mia`` the same creator). Columns the import
does not own (Campaign, and any column people added) are never touched. Lines are
applied in the order they come, so for one key the last file (and last row) wins.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from ..backends.base import Grid, Money, Rate, RawCell, TabEdit
from ..workbook.cells import (
    ORDER_STATUS_WORDS,
    DateOrder,
    handle_key,
    parse_choice,
    parse_datetime,
    parse_int,
    parse_money,
    parse_rate,
    parse_text,
)
from ..workbook.schema import ORDER_STATUSES, normalize_header
from .lines import OWNED, Key, Kind, OrderLine, line_key
from .result import Outcome

def _datetime_key(value: dt.datetime) -> dt.datetime:
    """Date-times compared to the second (spreadsheet serials carry float noise)."""
    return (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)


class OrdersTab:
    """Pending changes to one Orders grid, plus the index of its lines."""

    def __init__(self, name: str, grid: Grid, *, tz: dt.tzinfo, date_order: DateOrder | None) -> None:
        self.name = name
        self.grid = grid
        self.tz, self.date_order = tz, date_order
        header = list(grid[0]) if grid else []
        while header and (header[-1] is None or str(header[-1]).strip() == ""):
            header.pop()
        positions: dict[str, int] = {}
        for i, cell in enumerate(header):
            positions.setdefault(normalize_header(cell), i)
        self.add_headers: dict[int, str] = {}
        self.columns: list[int] = []
        for name_, _kind in OWNED:
            col = positions.get(normalize_header(name_))
            if col is None:
                col = len(header) + len(self.add_headers)
                self.add_headers[col] = name_
            self.columns.append(col)
        # Campaign is never written, but a new tab gets its header so the layout is whole.
        if normalize_header("Campaign") not in positions:
            self.add_headers[len(header) + len(self.add_headers)] = "Campaign"
        self.width = max([len(header) + len(self.add_headers), *[c + 1 for c in self.columns]])
        self.index: dict[Key, int] = {}
        for r in range(1, len(grid)):
            key = self._grid_key(grid[r])
            if key is not None:
                self.index.setdefault(key, r)
        self.set_cells: dict[tuple[int, int], Any] = {}
        self._set_canon: dict[tuple[int, int], Any] = {}
        self.append: list[list[Any]] = []
        self._appended: dict[Key, int] = {}
        self._comparers: list[Callable[[RawCell], Any]] = [
            self._comparer(k) if n in _ONE_PER_LINE or k == "datetime" else _remembered(self._comparer(k))
            for n, k in OWNED
        ]
        self._in_order = self.columns == list(range(len(OWNED)))
        self._tail: list[Any] = [None] * (self.width - len(OWNED))
        self._pooled = [(self.columns[i], _money_objects if kind == "money" else _rate_objects,
                         Money if kind == "money" else Rate)
                        for i, (_n, kind) in enumerate(OWNED) if kind in ("money", "rate")]

    def _grid_key(self, row: list[RawCell]) -> Key | None:
        order_id = parse_text(row[self.columns[0]] if self.columns[0] < len(row) else None).value
        if not order_id:
            return None
        sku = parse_text(row[self.columns[1]] if self.columns[1] < len(row) else None).value
        return order_id, sku or ""

    def upsert(self, line: OrderLine) -> Outcome:
        """Add ``line``, or bring the line with its key up to date; say which it was."""
        key = line_key(line)
        row = self.index.get(key)
        if row is not None:
            return self._update_existing(row, line)
        if key in self._appended:
            return self._update_appended(key, line)
        self._appended[key] = len(self.append)
        self.append.append(self._cells_of(line))
        return "added"

    def _cells_of(self, line: OrderLine) -> list[Any]:
        """A new row's cells: ``_mixed`` of each value, in its column (in a loop per kind, not
        per value: a million new lines go through here)."""
        if self._in_order:
            cells = [*line, *self._tail]
        else:
            cells = [None] * self.width
            for col, value in zip(self.columns, line):
                cells[col] = value
        for col, pool, make in self._pooled:
            value = cells[col]
            if value is not None:
                found = pool.get(value)
                cells[col] = found if found is not None else _shared(pool, int(value), make)
        return cells

    def _update_existing(self, row: int, line: OrderLine) -> Outcome:
        grid_row = self.grid[row]
        changed = False
        for i in _COMPARED:  # Order ID and SKU ID found the row: they are the same
            value = line[i]
            if value is None:
                continue
            kind = OWNED[i][1]
            col = self.columns[i]
            new = value if kind in _AS_IS else _canonical(kind, value)
            pos = (row, col)
            original_raw = grid_row[col] if col < len(grid_row) else None
            original = self._comparers[i](original_raw)
            current = self._set_canon.get(pos, original)
            if new == current:
                continue
            changed = True
            if new == original:
                del self.set_cells[pos], self._set_canon[pos]
            else:
                self.set_cells[pos] = _mixed(kind, value)
                self._set_canon[pos] = new
        return "updated" if changed else "unchanged"

    def _update_appended(self, key: Key, line: OrderLine) -> Outcome:
        cells = self.append[self._appended[key]]
        changed = False
        for i, ((_n, kind), value) in enumerate(zip(OWNED, line)):
            if value is None:
                continue
            col = self.columns[i]
            if _canonical(kind, value) != _canonical(kind, _unmixed(cells[col])):
                cells[col] = _mixed(kind, value)
                changed = True
        return "updated" if changed else "unchanged"

    def edit(self) -> TabEdit:
        """The changes as one ``TabEdit`` (new headers only when something is written)."""
        if not self.set_cells and not self.append:
            return TabEdit(self.name)
        return TabEdit(self.name, dict(self.set_cells), list(self.append), dict(self.add_headers))

    @property
    def headers_to_add(self) -> list[str]:
        return list(self.add_headers.values()) if (self.set_cells or self.append) else []

    def _comparer(self, kind: Kind) -> Callable[[RawCell], Any]:
        """How a cell already in Orders is read, to compare it with an imported value."""
        if kind == "money":
            return lambda raw: parse_money(raw).value
        if kind == "rate":
            return lambda raw: parse_rate(raw).value
        if kind == "int":
            return lambda raw: parse_int(raw).value
        if kind == "datetime":
            def read(raw: RawCell) -> Any:
                value = parse_datetime(raw, tz=self.tz, date_order=self.date_order).value
                return _datetime_key(value) if value is not None else None
            return read
        if kind == "status":
            return lambda raw: parse_choice(raw, ORDER_STATUSES, ORDER_STATUS_WORDS).value
        if kind == "handle":
            return lambda raw: handle_key(raw) or None
        if kind == "content":
            return lambda raw: (parse_text(raw).value or "").casefold() or None
        return lambda raw: parse_text(raw).value


_COMPARED = tuple(range(2, len(OWNED)))
"""The values compared with a line found by its key (Order ID, SKU ID: ``OWNED``'s first two)."""
_AS_IS = frozenset({"text", "status", "int", "money", "rate"})
"""Kinds whose imported value is compared as it is (``_canonical`` gives it back)."""
_ONE_PER_LINE = frozenset({"Order ID", "SKU ID", "Content ID"})
"""Columns whose values differ from line to line: reading them is not worth remembering."""
_REMEMBER = 100_000
_MISSING = object()


def _remembered(read: Callable[[RawCell], Any]) -> Callable[[RawCell], Any]:
    """``read``, remembering its answer per cell value (prices, rates, statuses, creators and
    products repeat on many lines of Orders). Keyed by type too: 1, 1.0 and True differ."""
    seen: dict[tuple[type, Any], Any] = {}

    def remembered(raw: RawCell) -> Any:
        key = (type(raw), raw)
        try:
            found = seen.get(key, _MISSING)
        except TypeError:  # a value that cannot be a key
            return read(raw)
        if found is _MISSING:
            found = read(raw)
            if len(seen) < _REMEMBER:
                seen[key] = found
        return found
    return remembered


def _canonical(kind: Kind, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return _datetime_key(value)
    if kind == "handle":
        return handle_key(value) or None
    if kind == "content":
        return str(value).casefold()
    return value


def _unmixed(value: Any) -> Any:
    if isinstance(value, Money):
        return value.cents
    if isinstance(value, Rate):
        return value.millionths
    return value


_SHARED_LIMIT = 100_000
_money_objects: dict[int, Money] = {}
_rate_objects: dict[int, Rate] = {}


def _mixed(kind: Kind, value: Any) -> Any:
    """An imported value as a ``mixed`` cell value (text stays ``str``: never a formula).

    ``Money`` and ``Rate`` are immutable, so equal amounts share one object: a million
    appended lines repeat the same prices and rates, and memory stays proportional to the
    distinct values."""
    if value is None:
        return None
    if kind == "money":
        return _shared(_money_objects, int(value), Money)
    if kind == "rate":
        return _shared(_rate_objects, int(value), Rate)
    return value


def _shared(pool: dict[int, Any], number: int, make: Callable[[int], Any]) -> Any:
    found = pool.get(number)
    if found is None:
        found = make(number)
        if len(pool) < _SHARED_LIMIT:
            pool[number] = found
    return found

