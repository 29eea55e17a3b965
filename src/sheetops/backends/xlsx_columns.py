"""Worksheet rows built a whole column at a time, in Arrow (issue #21: columnar write).

The cell XML of a text, money, amount, rate, int, date or datetime column is made by Arrow
compute functions over the column (escaping, number formatting, joining the ``<c>``
element around each value), and a chunk's rows by one element-wise join of its columns; the
chunk's bytes are then the joined array's data buffer, without a Python string per cell.
The output is byte for byte what ``xlsx_sheet._cells`` writes cell by cell (a hypothesis test
compares the two), which stays the path for report tabs (mixed columns, links, own styles,
row heights) and for rare values (control characters, ``_x`` escapes, spaces at an end),
whose cells are made one at a time by ``t_element`` and put into the column by position.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .base import RATE_SCALE, money_text, rate_text
from .xlsx_xml import t_element

COLUMN_KINDS = frozenset({"text", "money", "amount", "rate", "int", "date", "datetime"})
"""The column kinds made here; any other kind (and a styled column) goes cell by cell."""

_SPACE = ("\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}"
          "\\x{202f}\\x{205f}\\x{3000}")
"""Every character Python's ``str.isspace`` is true for, as an RE2 class body."""
_RARE = (f"^[{_SPACE}]|[{_SPACE}]$|[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\r\\x{{fffe}}\\x{{ffff}}]|_x")
"""Values ``t_element`` treats specially: spaces at an end, control characters, ``_x``."""

DAY_NS = 86_400_000_000_000
EPOCH_DAYS = 25_569
"""Days from Excel's day 0 (1899-12-30) to 1970-01-01."""


def vectorised(kind: str) -> bool:
    return kind in COLUMN_KINDS


def column_cells(letter: str, kind: str, part: pd.Series, numbers: pa.Array, style: int) -> pa.Array:
    """The cell XML of one column's rows (``""`` for a blank cell), as an Arrow string array."""
    s = f' s="{style}"' if style else ""
    if kind == "text":
        values = _text_values(part)
        head = f'"{s} t="inlineStr"><is>'
        tail = "</is></c>"
    else:
        values = _number_values(kind, part)
        head = f'"{s}><v>'
        tail = "</v></c>"
    cells = pc.binary_join_element_wise(f'<c r="{letter}', numbers, head, values, tail, "",
                                        null_handling="emit_null")
    return pc.fill_null(cells, "")


def rows_bytes(numbers: pa.Array, columns: list[pa.Array]) -> memoryview:
    """``<row r="N">cells</row>`` for each row, all rows as one contiguous buffer."""
    joined = pc.binary_join_element_wise('<row r="', numbers, '">', *columns, "</row>", "")
    joined = joined.cast(pa.large_string()) if not isinstance(joined, pa.ChunkedArray) else \
        pa.concat_arrays(joined.chunks).cast(pa.large_string())
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int64, count=len(joined) + 1, offset=joined.offset * 8)
    data = joined.buffers()[2]
    if data is None:
        return memoryview(b"")
    return memoryview(data)[int(offsets[0]):int(offsets[-1])]


def _text_values(part: pd.Series) -> pa.Array:
    """``<t>`` elements of a text column: escaped in bulk; rare values one at a time."""
    array = _as_strings(part)
    array = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)  # "" is a blank cell
    escaped = array
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        if pc.any(pc.match_substring(escaped, raw)).as_py():
            escaped = pc.replace_substring(escaped, raw, entity)
    wrapped = pc.binary_join_element_wise("<t>", escaped, "</t>", "", null_handling="emit_null")
    rare = pc.fill_null(pc.match_substring_regex(array, _RARE), False)
    if pc.any(rare).as_py():
        at = np.flatnonzero(rare.to_numpy(zero_copy_only=False))
        originals = array.take(pa.array(at)).to_pylist()
        wrapped = pc.replace_with_mask(wrapped, rare, pa.array([t_element(v) for v in originals], pa.string()))
    return wrapped


def _as_strings(part: pd.Series) -> pa.Array:
    """A text column as an Arrow string array (nulls for blanks), without a copy when the
    column is Arrow text already; other values are shown with ``str`` as the cell writer does."""
    if isinstance(part.dtype, pd.ArrowDtype) or (isinstance(part.dtype, pd.StringDtype)
                                                 and getattr(part.dtype, "storage", "") == "pyarrow"):
        array = pa.array(part)
        if isinstance(array, pa.ChunkedArray):
            array = pa.concat_arrays(array.chunks) if array.num_chunks else pa.array([], pa.string())
        if pa.types.is_large_string(array.type) or pa.types.is_string_view(array.type):
            array = array.cast(pa.string())
        if pa.types.is_string(array.type):
            return array
    values = part.tolist()
    blank = part.isna().tolist()
    return pa.array([None if b else v if type(v) is str else str(v) for v, b in zip(values, blank)], pa.string())


def _number_values(kind: str, part: pd.Series) -> pa.Array:
    """The ``<v>`` text of a money, amount, rate, int, date or datetime column (null = blank)."""
    if kind in ("date", "datetime"):
        return serials(part, dates_only=kind == "date")
    blank = part.isna().to_numpy()
    ints = pa.array(part.fillna(0).astype("int64").to_numpy(), pa.int64())
    mask = pa.array(blank)
    if kind == "int":
        return pc.if_else(mask, pa.scalar(None, pa.string()), pc.cast(ints, pa.string()))
    if len(ints) and pc.min(ints).as_py() == -(2**63):  # no int64 magnitude: made one at a time
        fmt = money_text if kind in ("money", "amount") else rate_text
        return pa.array([None if b else fmt(v) for v, b in zip(ints.to_pylist(), blank.tolist())], pa.string())
    scale, width = (100, 2) if kind in ("money", "amount") else (RATE_SCALE, 6)
    sign = pc.if_else(pc.less(ints, 0), "-", "")
    magnitude = pc.abs_checked(ints)
    whole = pc.cast(pc.divide(magnitude, scale), pa.string())
    frac = pc.utf8_lpad(pc.cast(pc.subtract(magnitude, pc.multiply(pc.divide(magnitude, scale), scale)), pa.string()),
                        width, "0")
    if kind == "rate":  # "0.125000" -> "0.125"; "1.000000" -> "1"; "0.000000" -> "0"
        frac = pc.utf8_rtrim(frac, "0")
        text = pc.if_else(pc.equal(frac, ""), pc.binary_join_element_wise(sign, whole, ""),
                          pc.binary_join_element_wise(sign, whole, ".", frac, ""))
        text = pc.if_else(pc.equal(text, "-0"), "0", text)
    else:
        text = pc.binary_join_element_wise(sign, whole, ".", frac, "")
    return pc.if_else(mask, pa.scalar(None, pa.string()), text)


def serials(part: pd.Series, *, dates_only: bool) -> pa.Array:
    """Excel serial day texts of a datetime64 column (null for a blank): exactly what
    ``date_serial`` / ``datetime_serial`` give one value at a time."""
    ns = part.to_numpy(dtype="datetime64[ns]")
    blank = np.isnat(ns)
    # days since 1970 first, then Excel's 1899-12-30 epoch: no int64 overflow for any date pandas holds
    days, rest = np.divmod(np.where(blank, 0, ns.view("int64")), DAY_NS)
    days = days + EPOCH_DAYS
    day_text = pc.cast(pa.array(days), pa.string())
    if dates_only or not rest.any():
        return pc.if_else(pa.array(blank), pa.scalar(None, pa.string()), day_text)
    # a time of day: the float serial in its shortest round-trip form, as Python's repr gives it
    micros = rest // 1000
    seconds = (micros // 1_000_000) + (micros % 1_000_000) / 1_000_000
    serial = pc.cast(pa.array(days + seconds / 86400), pa.string())
    text = pc.if_else(pa.array(micros == 0), day_text, serial)
    return pc.if_else(pa.array(blank), pa.scalar(None, pa.string()), text)
