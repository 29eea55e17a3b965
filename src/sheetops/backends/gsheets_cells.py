"""Pure conversions between SheetOps values and Google Sheets API v4 cell JSON.

Writing: every value becomes a ``CellData`` with an explicit ``userEnteredValue`` type, so
text is always ``stringValue`` (``=1+1`` stays text), numbers and dates are
``numberValue`` (dates as serial days), and only ``Link`` cells become a ``formulaValue``
that we build ourselves. Reading: ``values.batchGet`` answers with
``UNFORMATTED_VALUE`` / ``SERIAL_NUMBER``; error strings such as ``#REF!`` become
``CellError``.

No I/O here; the backend and the tests both use these functions.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Mapping

from .base import CellError, Link, RawCell
from .grid import OutCell, mixed_cell, mixed_kind, out_cell

SERIAL_EPOCH = dt.datetime(1899, 12, 30)

NUMBER_FORMATS: dict[str, dict[str, str]] = {
    "money": {"type": "NUMBER", "pattern": "#,##0.00"},
    "amount": {"type": "NUMBER", "pattern": "0.00"},
    "times": {"type": "NUMBER", "pattern": '0.0"×"'},
    "rate": {"type": "PERCENT", "pattern": "0.00%"},
    "ratio": {"type": "PERCENT", "pattern": "0.0%"},
    "number": {"type": "NUMBER", "pattern": "0.00"},
    "int": {"type": "NUMBER", "pattern": "0"},
    "date": {"type": "DATE", "pattern": "yyyy-mm-dd"},
    "datetime": {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"},
}
"""The number format each column kind is shown with (kinds not listed have none)."""

ERROR_CODES = frozenset(
    {"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#ERROR!"}
)

GidMap = Mapping[str, int]
"""Tab title -> sheetId, for building links (tabs missing from it get plain text)."""


def serial(value: dt.date | dt.datetime) -> float | int:
    """A date or datetime as Google serial days: ``serial(date(1899, 12, 31)) == 1``."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        delta = value - SERIAL_EPOCH
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
    return (value - SERIAL_EPOCH.date()).days


def quote_tab(title: str) -> str:
    """A tab title quoted for A1 notation: ``O'Hara`` -> ``'O''Hara'``."""
    return "'" + title.replace("'", "''") + "'"


def formula_text(text: str) -> str:
    """A string literal inside a formula: quotes doubled, wrapped in quotes."""
    return '"' + text.replace('"', '""') + '"'


def link_formula(link: Link, gids: GidMap) -> str | None:
    """``=HYPERLINK("#gid=<sheetId>&range=<A1>","label")``, or None when the tab is unknown."""
    gid = gids.get(link.tab)
    if gid is None:
        return None
    return f"=HYPERLINK({formula_text(f'#gid={gid}&range={link.cell}')},{formula_text(link.text)})"


def user_value(value: OutCell | bool, gids: GidMap) -> dict[str, Any] | None:
    """The ``ExtendedValue`` of one plain value; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, Link):
        formula = link_formula(value, gids)
        return {"formulaValue": formula} if formula else {"stringValue": value.text}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return {"numberValue": value}
    if isinstance(value, (dt.date, dt.datetime)):
        return {"numberValue": serial(value)}
    return {"stringValue": str(value)}


def cell_data(value: OutCell | bool, gids: GidMap, *, kind: str | None = None) -> dict[str, Any]:
    """One ``CellData``: the value, plus a number format when ``kind`` has one."""
    cell: dict[str, Any] = {}
    uv = user_value(value, gids)
    if uv is not None:
        cell["userEnteredValue"] = uv
    fmt = NUMBER_FORMATS.get(kind or "")
    if fmt is not None and uv is not None and "numberValue" in uv:
        cell["userEnteredFormat"] = {"numberFormat": fmt}
    return cell


def frame_cell(value: Any, kind: str, gids: GidMap) -> dict[str, Any]:
    """A frame value of a column of ``kind``; formats only for ``mixed`` cells (typed
    columns get theirs once per column)."""
    if kind == "mixed":
        plain = mixed_cell(value)
        return cell_data(plain, gids, kind=mixed_kind(value))
    return cell_data(out_cell(value, kind), gids)


def edit_cell(value: Any, gids: GidMap) -> dict[str, Any]:
    """A value of a ``TabEdit`` (a ``mixed`` value). Only money, rates, ratios and dates
    bring a format; plain numbers keep whatever format people gave the cell."""
    kind = mixed_kind(value)
    return cell_data(mixed_cell(value), gids, kind=None if kind in ("int", "number") else kind)


def raw_value(value: OutCell | bool) -> Any:
    """A plain value for ``values.batchUpdate`` with ``valueInputOption=RAW`` (staging):
    text stays text, dates are serials; links are written separately (None here)."""
    if value is None or isinstance(value, Link):
        return None
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (dt.date, dt.datetime)):
        return serial(value)
    return str(value)


def read_cell(value: Any) -> RawCell:
    """One value of a ``values.batchGet`` answer as a ``RawCell``."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return CellError(value) if value in ERROR_CODES else value
    if isinstance(value, (bool, int, float)):
        return value
    return str(value)


def read_rows(rows: list[list[Any]] | None) -> list[list[RawCell]]:
    """A ``ValueRange.values`` block as a grid of ``RawCell``s."""
    return [[read_cell(v) for v in row] for row in rows or []]
