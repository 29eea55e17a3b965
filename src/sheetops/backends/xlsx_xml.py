"""Small text-level helpers for SpreadsheetML: escaping, attributes, cells, serial dates.

The ``.xlsx`` backend edits XML as text (never through a DOM that would reorder or drop
what it does not know), so these helpers stay deliberately small and exact.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pandas as pd

from .base import RATE_SCALE, CellError, Link, Money, Rate, Ratio, column_letter, money_text, rate_text
from .grid import mixed_kind

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

EXCEL_EPOCH = dt.datetime(1899, 12, 30)

_ATTR = re.compile(r"""([\w.-]+(?::[\w.-]+)?)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_X_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def attrs(tag: str) -> dict[str, str]:
    """The attributes of one start tag (text), values unescaped."""
    return {m.group(1): html.unescape(m.group(2) if m.group(2) is not None else m.group(3)) for m in _ATTR.finditer(tag)}


def esc_attr(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def esc_text(value: str) -> str:
    """Text for a ``<t>`` element: XML-escaped, with Excel's ``_xHHHH_`` escapes protected
    (so a literal ``_x0041_`` stays literal) and characters XML cannot hold encoded."""
    if "_x" in value:
        value = _X_ESCAPE.sub(r"_x005F_\1", value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value


def t_element(value: str) -> str:
    """A ``<t>`` element holding ``value`` literally (spaces at the ends preserved)."""
    body = esc_text(value)
    if value[:1].isspace() or value[-1:].isspace():
        return f'<t xml:space="preserve">{body}</t>'
    return f"<t>{body}</t>"


def text_cell(ref: str, value: str, style: int = 0) -> str:
    """An inline-string cell: always literal text, never a formula."""
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is>{t_element(value)}</is></c>'


def number_cell(ref: str, number_text: str, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s}><v>{number_text}</v></c>'


def bool_cell(ref: str, value: bool, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'


def empty_cell(ref: str, style: int = 0) -> str:
    return f'<c r="{ref}" s="{style}"/>' if style else ""


def float_text(value: float) -> str:
    """Shortest round-trip text of a finite float (``repr``), as SpreadsheetML accepts."""
    return repr(float(value))


def date_serial(value: dt.date) -> str:
    """A date as an exact Excel serial day number: 2026-11-09 -> "46335"."""
    if isinstance(value, dt.datetime):
        return datetime_serial(value)
    return str((value - EXCEL_EPOCH.date()).days)


def datetime_serial(value: dt.datetime) -> str:
    """A date-time as Excel serial days; exact to well under a millisecond."""
    naive = value.replace(tzinfo=None)
    delta = naive - EXCEL_EPOCH
    seconds = delta.seconds + delta.microseconds / 1_000_000
    if not seconds:
        return str(delta.days)
    return repr(delta.days + seconds / 86400)


def split_ref(ref: str) -> tuple[int, int]:
    """An A1 reference to 0-based (row, column): "K10" -> (9, 10)."""
    m = _CELL_REF.fullmatch(ref.replace("$", "").upper())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def is_na(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, (str, Link, Money, Rate, Ratio, CellError, dt.date)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def sheet_location(tab: str, cell: str) -> str:
    """A same-workbook location such as ``'Order Lines'!K10`` (quotes always, doubled inside)."""
    return "'" + tab.replace("'", "''") + "'!" + cell.replace("$", "")


def kind_of(value: Any) -> str:
    """The column kind a single ``mixed`` value is written as (booleans as real booleans)."""
    return "bool" if isinstance(value, bool) else mixed_kind(value)


def value_text(value: Any, kind: str) -> str | None:
    """The ``<v>`` text of a numeric value of ``kind`` (None when it cannot be a number)."""
    if kind in ("money", "amount"):
        return money_text(value.cents if isinstance(value, Money) else int(value))
    if kind == "rate":
        return rate_text(value.millionths if isinstance(value, Rate) else int(value))
    if kind in ("ratio", "times", "number"):
        number = float(value.value if isinstance(value, Ratio) else value)
        return float_text(number) if number == number and abs(number) != float("inf") else None
    if kind == "int":
        return str(int(value))
    if kind == "date":
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        return date_serial(value.date() if isinstance(value, dt.datetime) else value)
    if kind == "datetime":
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        if not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time())
        return datetime_serial(value)
    return None


def cell_ref(row0: int, col0: int) -> str:
    return f"{column_letter(col0)}{row0 + 1}"


__all__ = [
    "MAIN_NS",
    "REL_NS",
    "RATE_SCALE",
    "XML_DECL",
    "attrs",
    "bool_cell",
    "cell_ref",
    "date_serial",
    "datetime_serial",
    "empty_cell",
    "esc_attr",
    "esc_text",
    "float_text",
    "is_na",
    "kind_of",
    "number_cell",
    "sheet_location",
    "split_ref",
    "t_element",
    "text_cell",
    "value_text",
]
