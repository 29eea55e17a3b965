"""Excel's cell rules for the xlwings fake: what a cell keeps when a value is sent to it
(typing rules: ``=`` starts a formula in a General cell, ``@`` cells keep text, a leading
apostrophe means text), the few formulas SheetOps could produce, and how xlwings reads a
cell back (floats, datetimes, ``None``, error values)."""

from __future__ import annotations

import ast
import datetime as dt
import math
import operator
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

ERROR_HRESULT = {
    "#NULL!": -2146826288,
    "#DIV/0!": -2146826281,
    "#VALUE!": -2146826273,
    "#REF!": -2146826265,
    "#NAME?": -2146826259,
    "#NUM!": -2146826252,
    "#N/A": -2146826246,
    "#SPILL!": -2146826243,
    "#CALC!": -2146826238,
}
XLWINGS_KNOWN_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")


class ComError(Exception):
    """What pywin32 raises when Excel refuses a call (``pywintypes.com_error``)."""


@dataclass(frozen=True)
class Err:
    code: str


@dataclass
class Cell:
    value: Any = None
    formula: str | None = None
    fmt: str = "General"
    validation: tuple[str, ...] | None = None

    @property
    def used(self) -> bool:
        return self.value is not None or self.formula is not None or self.fmt != "General"


# ---------------------------------------------------------------- typing into a cell

_NUMBER = re.compile(r"^[+-]?\$?(\d{1,3}(,\d{3})+|\d*)(\.\d+)?([eE][+-]?\d+)?%?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def typed(text: str, fmt: str) -> tuple[Any, str | None]:
    """(value, formula) of ``text`` typed into a cell of number format ``fmt``."""
    if text == "":
        return None, None
    if text.startswith("'"):
        return text[1:], None
    if fmt == "@":
        return text, None
    if text.startswith("="):
        return evaluate(text), text
    if text.startswith("@"):
        return evaluate("=" + text), "=" + text
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE", None
    if _NUMBER.match(text) and any(ch.isdigit() for ch in text):
        number = float(text.replace(",", "").replace("$", "").rstrip("%"))
        return (number / 100 if text.endswith("%") else number), None
    if text[0] in "+-":
        return evaluate("=" + text), "=" + text
    if m := _ISO.match(text):
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
        try:
            return dt.datetime(y, mo, d, h, mi, s), None
        except ValueError:
            return text, None
    if m := _US.match(text):
        try:
            return dt.datetime(int(m[3]), int(m[1]), int(m[2])), None
        except ValueError:
            return text, None
    return text, None


def evaluate(formula: str) -> Any:
    """The few formulas SheetOps could produce: HYPERLINK and plain arithmetic."""
    body = formula[1:].strip()
    if m := re.fullmatch(r'HYPERLINK\(\s*"((?:[^"]|"")*)"\s*(?:,\s*"((?:[^"]|"")*)"\s*)?\)', body, re.I):
        return (m[2] if m[2] is not None else m[1]).replace('""', '"')
    try:
        return _arith(ast.parse(body, mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError):
        return Err("#NAME?") if not re.fullmatch(r"[\d.+\-*/() ]+", body) else Err("#DIV/0!")


def _arith(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        value = _arith(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
        return _ARITH[type(node.op)](_arith(node.left), _arith(node.right))
    raise ValueError("not arithmetic")


def stored(value: Any, fmt: str) -> tuple[Any, str | None]:
    """What Excel keeps when xlwings sends ``value`` to a cell."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
        return (None, None) if math.isnan(number) else (number, None)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None), None
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day), None
    if isinstance(value, str):
        return typed(value, fmt)
    raise ComError(f"Excel cannot hold a {type(value).__name__} value")


def read_cell(cell: Cell | None, err_to_str: bool) -> Any:
    if cell is None or cell.value is None:
        return None
    if isinstance(cell.value, Err):
        if cell.value.code in XLWINGS_KNOWN_ERRORS:
            return cell.value.code if err_to_str else None
        return ERROR_HRESULT[cell.value.code]
    return cell.value


def parse_a1(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref.strip())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    col = 0
    for ch in m[1].upper():
        col = col * 26 + ord(ch) - 64
    return int(m[2]), col
