"""A tab read a column at a time: the header row's cells and one Arrow array per column.

The ``.xlsx`` backend reads the tabs people edit this way (``xlsx_read``): one typed Arrow
array per column instead of one Python object per cell, which is what makes a million order
lines cheap to read and to check (``workbook.tables.read_table`` works on the columns).

A ``ColumnGrid`` is also an ordinary ``Grid``: asked for rows, it makes them once, cell for
cell what the row-wise read gives (empty cells ``None``, numbers ``float``, date cells
``date`` when the time is midnight and ``datetime`` otherwise), so every other reader of a
tab works unchanged.

Columns hold the cells below the header, one per body row: an Arrow array of one of these
types (anything else is read row-wise instead): ``double``, ``bool``, ``string`` (no empty
strings: those are nulls), ``timestamp[ms]`` (no value before 1900-03-01) and ``null``; or,
for a column that holds more than one kind of value (numbers and a typed "N/A", say), a
list of the Python values the row-wise read gives.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Iterator, Sequence, overload

from .base import RawCell, Rows

if TYPE_CHECKING:
    import pyarrow as pa


class ColumnGrid(Sequence[list[RawCell]]):
    """Row 0 is the header (sheet row 1); ``columns`` maps a 0-based sheet column to its
    cells in rows 2 .. ``height`` + 1; a column not in ``columns`` is empty below the header."""

    def __init__(self, header: list[RawCell], columns: dict[int, "pa.Array | list[RawCell]"], height: int) -> None:
        self.header = header
        self.columns = columns
        self.height = height
        self._rows: Rows | None = None

    @property
    def width(self) -> int:
        return len(self.header)

    def column(self, index: int) -> "pa.Array | list[RawCell] | None":
        """The cells of one sheet column below the header (None: all empty)."""
        return self.columns.get(index)

    def rows(self) -> Rows:
        """The tab as plain rows (made once, on first use)."""
        if self._rows is None:
            cells = [python_cells(self.columns[i]) if i in self.columns else [None] * self.height
                     for i in range(self.width)]
            body: Rows = [list(row) for row in zip(*cells)] if self.width else [[] for _ in range(self.height)]
            self._rows = [list(self.header)] + body
        return self._rows

    def __len__(self) -> int:
        return 1 + self.height

    @overload
    def __getitem__(self, index: int) -> list[RawCell]: ...

    @overload
    def __getitem__(self, index: slice) -> Rows: ...

    def __getitem__(self, index: int | slice) -> list[RawCell] | Rows:
        if isinstance(index, int) and index in (0, -1 - self.height):
            return self.header
        return self.rows()[index]

    def __iter__(self) -> Iterator[list[RawCell]]:
        return iter(self.rows())

    def __eq__(self, other: object) -> bool:
        """Equal to the same rows, plain or column-wise."""
        if isinstance(other, ColumnGrid):
            return self.rows() == other.rows()
        return isinstance(other, list) and self.rows() == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ColumnGrid({self.rows()!r})"


def python_cells(array: "pa.Array | list[RawCell]") -> list[RawCell]:
    """One column's cells as the row-wise read gives them."""
    import pyarrow as pa

    if isinstance(array, list):
        return array
    values = array.to_pylist()
    if pa.types.is_timestamp(array.type):
        return [day_or_time(v) for v in values]
    return values


def day_or_time(value: dt.datetime | None) -> dt.datetime | dt.date | None:
    """A date cell as the row-wise read gives it: a ``date`` at midnight, else the date-time."""
    if value is None:
        return None
    if value.hour == value.minute == value.second == value.microsecond == 0:
        return value.date()
    return value
