"""Stream many rows straight into a worksheet's XML, for demo tabs too big for openpyxl.

openpyxl builds a Python object per cell, which takes minutes for a million order lines.
Here each row becomes one string of ``<c>`` elements written the way openpyxl writes them
(inline strings, Excel serial dates, each column's own cell style), spliced into the
``<sheetData>`` of the sheet openpyxl already wrote with its header, widths, dropdowns and
frozen row. Text stays text: strings are always inline strings, never formulas.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import IO, Any, Iterable, Sequence
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.datetime import to_excel

from ..backends.base import column_letter
from .layout import TabLayout

_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')
_CHUNK_ROWS = 2000


def splice_rows(
    sheet_xml: bytes,
    sink: IO[bytes],
    *,
    tab: TabLayout,
    style_ids: dict[int, int],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    count: int,
) -> None:
    """Write ``sheet_xml`` to ``sink`` with ``rows`` added after its header row.

    ``style_ids`` maps 0-based column positions to the cell style index data cells use;
    ``count`` is the number of rows (for the sheet's ``dimension``).
    """
    close = sheet_xml.rfind(b"</sheetData>")
    if close < 0:
        raise ValueError(f"{tab.name}: sheet XML has no </sheetData> to add rows to")
    positions = [tab.column_index(h) for h in header]
    last_col = column_letter(max(len(tab.columns), max(positions) + 1) - 1)
    head = _DIMENSION.sub(f'<dimension ref="A1:{last_col}{count + 1}"/>'.encode(), sheet_xml[:close], count=1)
    sink.write(head)
    letters = [column_letter(p) for p in positions]
    styles = [f' s="{style_ids[p]}"' if style_ids.get(p) else "" for p in positions]
    cols = list(zip(letters, styles))
    buffer: list[str] = []
    texts: dict[str, str] = {}
    for r, row in enumerate(rows, start=2):
        buffer.append(_row_xml(r, row, cols, texts))
        if len(buffer) >= _CHUNK_ROWS:
            sink.write("".join(buffer).encode("utf-8"))
            buffer.clear()
    if buffer:
        sink.write("".join(buffer).encode("utf-8"))
    sink.write(sheet_xml[close:])


_EPOCH = dt.datetime(1899, 12, 30)
_NEEDS_CARE = re.compile(r"[<>&\x00-\x1f\ud800-\udfff\ufffe\uffff]|^\s|\s$")
_TEXT_CACHE_LIMIT = 200_000


def _row_xml(r: int, row: Sequence[Any], cols: list[tuple[str, str]], texts: dict[str, str]) -> str:
    rs = str(r)
    parts = [f'<row r="{rs}">']
    for value, (letter, style) in zip(row, cols):
        if value is None:
            continue
        cls = type(value)
        if cls is str:
            if value == "":
                continue
            body = texts.get(value)
            if body is None:
                body = _text_xml(value)
                if len(texts) > _TEXT_CACHE_LIMIT:
                    texts.clear()
                texts[value] = body
            parts.append(f'<c r="{letter}{rs}"{style} t="inlineStr"><is>{body}</is></c>')
        elif cls is float or cls is int:
            if cls is float and not math.isfinite(value):
                continue
            parts.append(f'<c r="{letter}{rs}"{style} t="n"><v>{value!r}</v></c>')
        elif cls is dt.datetime or cls is dt.date:
            parts.append(f'<c r="{letter}{rs}"{style} t="n"><v>{_serial(value)!r}</v></c>')
        elif isinstance(value, (dt.datetime, dt.date)):
            parts.append(f'<c r="{letter}{rs}"{style} t="n"><v>{to_excel(value)!r}</v></c>')
        elif isinstance(value, bool):
            parts.append(f'<c r="{letter}{rs}"{style} t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, (int, float)):
            parts.append(_number_xml(letter + rs, style, value))
        else:
            raise TypeError(f"cannot write {value!r} ({cls.__name__}) to a cell")
    parts.append("</row>")
    return "".join(parts)


def _serial(value: dt.date) -> float:
    """Excel serial day, computed exactly as openpyxl's ``to_excel`` does (same floats)."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
    if moment.tzinfo is not None:
        raise TypeError("Excel cells cannot hold time zones; give naive datetimes")
    delta: dt.timedelta = moment - _EPOCH
    days: int = delta.days
    if 0 < days <= 60:
        return float(to_excel(moment))
    return days + (delta.seconds + delta.microseconds / 10**6) / 86400


def _number_xml(ref: str, style: str, value: int | float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    number = int(value) if isinstance(value, int) else float(value)
    return f'<c r="{ref}"{style} t="n"><v>{number!r}</v></c>'


def _text_xml(text: str) -> str:
    if not _NEEDS_CARE.search(text):
        return f"<t>{text}</t>"
    if ILLEGAL_CHARACTERS_RE.search(text):
        raise ValueError(f"text holds characters a spreadsheet cannot store: {text!r}")
    body = escape(text)
    if text != text.strip() or "\n" in text:
        return f'<t xml:space="preserve">{body}</t>'
    return f"<t>{body}</t>"
