"""Pure conversions between SheetOps cell values and what xlwings sends to / gets from Excel.

Kept apart from ``excel_live.py`` so they are tested without any Excel or fake:

- reading: xlwings gives ``float`` numbers, naive ``datetime`` dates, ``None`` for empty
  cells, ``bool``; error cells come as ``"#N/A"``-style strings when read with
  ``err_to_str=True``, and errors xlwings does not know (``#SPILL!``, ``#CALC!`` ...) as the
  raw COM integer on Windows; cells formatted as Currency may come as ``Decimal``.
  ``from_excel`` maps all of these onto ``RawCell`` (errors to ``CellError``).
- writing: Excel treats a string sent to a cell like something typed, so ``=1+1``, ``+1``,
  ``-2``, ``@x``, ``TRUE``, ``2026-11-09`` would become formulas, numbers or dates. Columns
  of kind ``text`` are formatted ``@`` (Text) before values are assigned, which Excel
  honours; text anywhere else (``mixed`` columns, edits of tabs people own) is sent with a
  leading apostrophe when Excel could read it as anything but text (``quoted``).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from .base import CellError, Link, RawCell

NUMBER_FORMATS: dict[str, str] = {
    "text": "@",
    "money": "#,##0.00",
    "amount": "0.00",
    "times": '0.0"×"',
    "rate": "0.00%",
    "ratio": "0.0%",
    "number": "0.00",
    "int": "0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm:ss",
    "link": "General",
    "mixed": "General",
}
"""Excel number format per column kind (``NumberFormat`` codes are always US-style)."""

ERROR_CODES: dict[int, str] = {
    2000: "#NULL!", 2007: "#DIV/0!", 2015: "#VALUE!", 2023: "#REF!", 2029: "#NAME?",
    2036: "#NUM!", 2042: "#N/A", 2043: "#GETTING_DATA", 2045: "#SPILL!", 2046: "#CONNECT!",
    2047: "#BLOCKED!", 2048: "#UNKNOWN!", 2049: "#FIELD!", 2050: "#CALC!",
}
"""Excel's CVErr numbers; COM delivers them as ``-2146828288 + number``."""
_COM_ERROR_BASE = -2146828288
ERROR_TEXTS = frozenset(ERROR_CODES.values())

_PLAIN_TEXT = re.compile(r"[^\W\d_][^\d]*", re.UNICODE)
_DATE_WORDS = re.compile(
    r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[\s\-/.,]", re.IGNORECASE
)


def from_excel(value: Any) -> RawCell:
    """One cell as xlwings read it (``err_to_str=True``) -> a ``RawCell``."""
    if value is None or isinstance(value, (bool, float, str, dt.datetime)):
        if isinstance(value, str) and value in ERROR_TEXTS:
            return CellError(value)
        return value
    if isinstance(value, int):
        code = value - _COM_ERROR_BASE
        if code in ERROR_CODES:
            return CellError(ERROR_CODES[code])
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.time)):
        return value
    return str(value)


def needs_quote(text: str) -> bool:
    """Whether Excel could read ``text`` as something other than text (a formula, a
    number, a date, a boolean, an error) when it is assigned to a ``General`` cell.

    Errs on the side of quoting: only text that starts with a letter, holds no digit and is
    not a boolean, error or month-name date is sent as it is.
    """
    if not text or text[0] in "'=+-@#":
        return True
    if text.strip().upper() in ("TRUE", "FALSE"):
        return True
    if _DATE_WORDS.match(text):
        return True
    return not _PLAIN_TEXT.fullmatch(text)


def quoted(text: str) -> str:
    """``text`` as it must be sent to a ``General`` cell to stay exactly that text."""
    return "'" + text if needs_quote(text) else text


def hyperlink_formula(link: Link) -> str:
    """An in-workbook link as a ``HYPERLINK`` formula; both parts are escaped, so the label
    (which may come from what a person typed) can never become part of the formula."""
    sheet = link.tab.replace("'", "''")
    target = f"#'{sheet}'!{link.cell}".replace('"', '""')
    label = link.text.replace('"', '""')
    return f'=HYPERLINK("{target}","{label}")'


def to_excel(value: Any, *, text_cell: bool) -> Any:
    """One plain value (``grid.out_cell``) as it is assigned through xlwings.

    ``text_cell`` says the cell is formatted ``@``: strings then go as they are; otherwise
    they are quoted when needed. Links become ``HYPERLINK`` formulas (only in non-text
    cells: the caller never formats link columns ``@``)."""
    if isinstance(value, Link):
        return hyperlink_formula(value) if not text_cell else value.text
    if isinstance(value, str):
        if text_cell:  # Excel still takes a leading apostrophe as "text follows"
            return "'" + value if value.startswith("'") else value
        return quoted(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    return value
