"""Rows an import appends to a tab, made a whole column at a time (issue #21: import at the
floor).

An import appends up to a million new order lines. Their cells are made per column with the
columnar builder of ``xlsx_columns``: a column whose values are all of one kind (text, money,
rate, whole numbers, dates, date-times) is escaped and formatted in Arrow; any other column
(mixed kinds, empty strings, booleans, links) cell by cell with ``cell_one_by_one``, as before.
The bytes are exactly those of the cell-by-cell path (a hypothesis test compares them).
"""

from __future__ import annotations

import datetime as dt
from operator import itemgetter
from typing import Any, Callable, Iterator

import pandas as pd
import pyarrow as pa

from .base import Money, Rate, column_letter
from .xlsx_columns import column_cells, rows_bytes
from .xlsx_styles import Styles
from .xlsx_xml import is_na, kind_of

_INT64 = (-(2**63), 2**63 - 1)
_KINDS_WITH_FORMAT = ("money", "rate", "date", "datetime")
"""Kinds whose cell takes the kind's own number format when the template column has none
(as ``xlsx_edit._value_cell`` does); text and whole numbers keep the template's, or none."""


CHUNK_ROWS = 10_000
"""Rows made at once: the column arrays and XML of a chunk are freed before the next is made
(at most two chunks wait for the deflate, ``xlsx_package.ahead``), so a million-line import
never holds its new cells twice over. 10,000 rows was as fast as 50,000 and peaked 100 MiB
lower at 100,000 lines."""


def appended_rows(first: int, rows: list[list[Any]], template: dict[int, int], styles: Styles,
                  cell_one_by_one: Callable[[int, int, Any], str]) -> Callable[[], Iterator[bytes]]:
    """What makes the ``<row>`` elements for ``rows``, the first being 0-based row ``first``, in
    chunks of ``CHUNK_ROWS`` rows, each made only when the writer asks for it (a million new rows
    are never all held as XML at once); it can be asked again. Blank values (None, NaN, NA) make no cell, as in a row
    merged cell by cell.

    The number formats the rows need are added to ``styles`` now, before ``styles.xml`` is
    written, in the order the cell-by-cell path first needs them (row by row, left to right)."""
    _formats_in_row_order(rows, template, styles)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(rows), CHUNK_ROWS):
            yield _chunk(first + start, rows[start:start + CHUNK_ROWS], template, styles, cell_one_by_one)
    return chunks


def _chunk(first: int, rows: list[list[Any]], template: dict[int, int], styles: Styles,
           cell_one_by_one: Callable[[int, int, Any], str]) -> bytes:
    width = max(len(r) for r in rows)
    labels = pa.array([str(first + 1 + i) for i in range(len(rows))], pa.string())
    values_of = [[r[c] if c < len(r) else None for r in rows] for c in range(width)]
    kinds = [_kind_of_all(values) for values in values_of]
    columns = []
    for c, values in enumerate(values_of):
        made = _column(c, kinds[c], values, labels, template, styles)
        if made is None:
            made = pa.array(["" if is_na(v) else cell_one_by_one(first + i, c, v) for i, v in enumerate(values)],
                            pa.string())
        columns.append(made)
    return bytes(rows_bytes(labels, columns))


def _formats_in_row_order(rows: list[list[Any]], template: dict[int, int], styles: Styles) -> None:
    """Ask ``styles`` for each number format ``rows`` need, in the order the cell-by-cell path
    first needs it (row by row, left to right), so both paths number the formats alike.

    A value's kind follows from its type (``kind_of``), so each column is looked at once for
    the types it holds, then only as far as the first value of each type."""
    width = max((len(r) for r in rows), default=0)
    even = all(len(r) == width for r in rows)
    firsts: list[tuple[int, int, str]] = []
    for c in range(width):
        if template.get(c, 0):
            continue
        values = list(map(itemgetter(c), rows)) if even else [r[c] if c < len(r) else None for r in rows]
        wanted: dict[type, str] = {}
        for kind_type in set(map(type, values)) - {type(None)}:
            if kind_type in _NEVER_NA and kind_type not in (Money, Rate, dt.date, dt.datetime):
                continue  # text, whole numbers and booleans take no number format
            wanted[kind_type] = ""
        seen: set[str] = set()
        for i, v in enumerate(values) if wanted else ():
            if type(v) not in wanted or wanted[type(v)] or is_na(v):
                continue
            kind = wanted[type(v)] = kind_of(v)
            if kind in _KINDS_WITH_FORMAT + ("ratio", "times", "amount") and kind not in seen:
                seen.add(kind)
                firsts.append((i, c, kind))
            if all(wanted.values()):
                break
    for _, _, kind in sorted(firsts):
        styles.xf(kind)


def _column(c: int, kind: str | None, values: list[Any], labels: pa.Array, template: dict[int, int],
            styles: Styles) -> pa.Array | None:
    """One column's cells in bulk, or None when its values are not all of one simple kind."""
    if kind is None:
        return None
    style = template.get(c, 0)
    if not style and kind in _KINDS_WITH_FORMAT:
        style = styles.xf(kind)
    blank = _blanks(values)
    if kind == "text":
        series = pd.Series([None if b else v for v, b in zip(values, blank)], dtype=object)
    elif kind in ("money", "rate", "int"):
        attr = "cents" if kind == "money" else "millionths" if kind == "rate" else None
        ints = [None if b else (getattr(v, attr) if attr else v) for v, b in zip(values, blank)]
        if any(i is not None and not _INT64[0] <= int(i) <= _INT64[1] for i in ints):
            return None
        series = pd.Series(pd.array(ints, dtype="Int64"))
    else:
        try:
            series = pd.Series(pd.to_datetime(pd.Series([None if b else v for v, b in zip(values, blank)],
                                                        dtype=object)), dtype="datetime64[ns]")
        except (ValueError, OverflowError):  # out of pandas' range: cell by cell
            return None
    return column_cells(column_letter(c), kind, series, labels, style)


_NEVER_NA = frozenset({str, int, bool, Money, Rate, dt.date, dt.datetime})
"""Types whose values are never blank (``is_na`` is False for every one), so a column of
only these (and None) needs no call per value to find its blanks."""


def _blanks(values: list[Any]) -> list[bool]:
    """``is_na`` of each value, without a call per value when the types allow it."""
    if set(map(type, values)) - {type(None)} <= _NEVER_NA:
        return [v is None for v in values]
    return [is_na(v) for v in values]


def _kind_of_all(values: list[Any]) -> str | None:
    """The one kind every non-blank value has (as ``mixed_kind`` names it), else None."""
    present = set(map(type, values)) - {type(None)}
    types = present if present <= _NEVER_NA else {type(v) for v in values if not is_na(v)}
    if not types:
        return None
    if types == {str}:
        return None if any(v == "" for v in values) else "text"
    if types == {Money}:
        return "money"
    if types == {Rate}:
        return "rate"
    if types == {int}:
        return "int"
    if types == {dt.datetime}:
        return None if any(v.tzinfo for v in values if isinstance(v, dt.datetime)) else "datetime"
    if types == {dt.date}:
        return "date"
    return None
