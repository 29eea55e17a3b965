"""The SheetOps template as Google Sheets API v4 ``spreadsheets.batchUpdate`` requests.

``google_template_requests`` is pure: it returns the list of request dicts and calls
nothing. The caller (the gspread backend's ``init --google``) creates a spreadsheet and
sends them in one ``batchUpdate``, which Google applies atomically. Each tab is added with
a fixed ``sheetId`` (``template_sheet_ids``) so the later requests of the same batch can
point at it; pass ``delete_sheet_id`` to drop the default ``Sheet1`` of a new spreadsheet.

    sh = gc.create("SheetOps")
    sh.batch_update({"requests": google_template_requests(delete_sheet_id=sh.sheet1.id)})
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any, Mapping

from .excel import HEADER_FILLS, TAB_COLORS
from .layout import LIST_ROWS, ColumnLayout, TabLayout, TemplateLayout, quote_tab, template_layout

if TYPE_CHECKING:  # pragma: no cover
    from ..demo.data import DemoData

Request = dict[str, Any]
GOOGLE_EPOCH = dt.datetime(1899, 12, 30)

SHEET_ID_BASE = 100
DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26

GOOGLE_FORMAT_TYPES: dict[str, str] = {
    "#,##0.00": "NUMBER",
    "0.00%": "PERCENT",
    "yyyy-mm-dd": "DATE",
    "yyyy-mm-dd hh:mm": "DATE_TIME",
    "0": "NUMBER",
    "@": "TEXT",
}
"""Google's number format type for each Excel-style pattern the schema uses."""


def template_sheet_ids(layout: TemplateLayout | None = None, *, base: int = SHEET_ID_BASE) -> dict[str, int]:
    """A fixed sheet ID per template tab, in tab order: ``{"Start Here": 100, ...}``."""
    layout = layout or template_layout()
    return {name: base + i for i, name in enumerate(layout.tab_names)}


def google_template_requests(
    *,
    sheet_ids: Mapping[str, int] | None = None,
    delete_sheet_id: int | None = None,
    warning_only: bool = False,
    layout: TemplateLayout | None = None,
) -> list[Request]:
    """Every request that builds the SheetOps template in an empty spreadsheet.

    ``sheet_ids`` gives each tab its ``sheetId`` (default ``template_sheet_ids()``);
    ``warning_only`` protects tool tabs with a warning instead of a lock (use it when the
    people editing the sheet own it and the tool runs as another account).
    """
    layout = layout or template_layout()
    ids = dict(sheet_ids or template_sheet_ids(layout))
    missing = [t for t in layout.tab_names if t not in ids]
    if missing:
        raise ValueError(f"no sheet ID given for tabs {missing}")
    requests: list[Request] = [_add_sheet(tab, ids[tab.name], i) for i, tab in enumerate(layout.tabs)]
    if delete_sheet_id is not None:
        if delete_sheet_id in ids.values():
            raise ValueError(f"sheet ID {delete_sheet_id} is both kept and deleted")
        requests.append({"deleteSheet": {"sheetId": delete_sheet_id}})
    for tab in layout.tabs:
        sid = ids[tab.name]
        requests.extend(_widths(tab, sid))
        requests.extend(_content(tab, sid))
        requests.extend(_formats(tab, sid))
        requests.extend(_validations(tab, sid, layout))
    for named in layout.named_lists:
        requests.append(
            {
                "addNamedRange": {
                    "namedRange": {
                        "name": named.name,
                        "range": _grid(ids[named.tab], 1, named.last_row, named.col, named.col + 1),
                    }
                }
            }
        )
    for tab in layout.tabs:
        if tab.protected:
            requests.append(_protect(tab, ids[tab.name], warning_only))
    return requests


def _grid(
    sheet_id: int, row0: int | None = None, row1: int | None = None, col0: int | None = None, col1: int | None = None
) -> dict[str, int]:
    """A GridRange; omitted ends are unbounded."""
    grid = {"sheetId": sheet_id}
    for key, value in (
        ("startRowIndex", row0), ("endRowIndex", row1), ("startColumnIndex", col0), ("endColumnIndex", col1)
    ):
        if value is not None:
            grid[key] = value
    return grid


def _rgb(hex_color: str) -> dict[str, float]:
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": round(r, 4), "green": round(g, 4), "blue": round(b, 4)}


def _grid_rows(tab: TabLayout) -> int:
    return LIST_ROWS if tab.name in ("Creators", "Campaigns") else DEFAULT_ROWS


def _add_sheet(tab: TabLayout, sheet_id: int, index: int) -> Request:
    rows = _grid_rows(tab)
    grid: dict[str, int] = {"rowCount": rows, "columnCount": max(DEFAULT_COLUMNS, len(tab.columns))}
    if tab.frozen_rows:
        grid["frozenRowCount"] = tab.frozen_rows
    props: dict[str, Any] = {
        "sheetId": sheet_id,
        "title": tab.name,
        "index": index,
        "gridProperties": grid,
        "tabColorStyle": {"rgbColor": _rgb(TAB_COLORS[tab.color])},
    }
    if tab.hidden:
        props["hidden"] = True
    return {"addSheet": {"properties": props}}


def _widths(tab: TabLayout, sheet_id: int) -> list[Request]:
    return [
        {
            "updateDimensionProperties": {
                "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": i, "endIndex": i + 1},
                "properties": {"pixelSize": pixels(col.width)},
                "fields": "pixelSize",
            }
        }
        for i, col in enumerate(tab.columns)
    ]


def pixels(width_chars: float) -> int:
    """An Excel column width (characters) in screen pixels, as Google sizes columns."""
    return int(round(width_chars * 7 + 5))


def _text_cell(text: str, *, bold: bool = False, size: int | None = None, fill: str | None = None,
               note: str = "") -> dict[str, Any]:
    cell: dict[str, Any] = {}
    if text:
        cell["userEnteredValue"] = {"stringValue": text}
    fmt: dict[str, Any] = {}
    if bold or size:
        fmt["textFormat"] = {"bold": bold, **({"fontSize": size} if size else {})}
    if fill:
        fmt["backgroundColorStyle"] = {"rgbColor": _rgb(fill)}
    if fmt:
        cell["userEnteredFormat"] = fmt
    if note:
        cell["note"] = note
    return cell


def _content(tab: TabLayout, sheet_id: int) -> list[Request]:
    rows: list[dict[str, Any]] = []
    if tab.header:
        fill = HEADER_FILLS[tab.color]
        rows.append({"values": [_text_cell(c.name, bold=True, fill=fill, note=c.help) for c in tab.columns]})
    for r, row in enumerate(tab.rows):
        bold = r in tab.bold_rows
        size = 14 if bold and r == 0 and not tab.header else None
        values = [_text_cell(text, bold=bold, size=size) for text in row]
        for c in (c for rr, c in tab.numbers if rr == r):
            values[c] = {"userEnteredValue": {"numberValue": float(row[c])},
                         "userEnteredFormat": {"numberFormat": {"type": "NUMBER", "pattern": "#,##0.00"}}}
        rows.append({"values": values})
    if not rows:
        return []
    return [
        {
            "updateCells": {
                "rows": rows,
                "fields": "userEnteredValue,userEnteredFormat(textFormat,backgroundColorStyle,numberFormat),note",
                "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
            }
        }
    ]


def _formats(tab: TabLayout, sheet_id: int) -> list[Request]:
    if not tab.header:
        return []
    requests: list[Request] = []
    for i, col in enumerate(tab.columns):
        if not col.number_format:
            continue
        requests.append(
            {
                "repeatCell": {
                    "range": _grid(sheet_id, 1, None, i, i + 1),
                    "cell": {"userEnteredFormat": {"numberFormat": _number_format(col)}},
                    "fields": "userEnteredFormat.numberFormat",
                }
            }
        )
    return requests


def _number_format(col: ColumnLayout) -> dict[str, str]:
    pattern = col.number_format or ""
    return {"type": GOOGLE_FORMAT_TYPES[pattern], "pattern": pattern}


def _validations(tab: TabLayout, sheet_id: int, layout: TemplateLayout) -> list[Request]:
    requests: list[Request] = []
    lists = {n.name: n for n in layout.named_lists}
    for i, col in enumerate(tab.columns):
        if col.choices:
            requests.append(_one_of_list(_grid(sheet_id, 1, None, i, i + 1), col.choices))
        elif col.list_name:
            named = lists[col.list_name]
            condition = {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": "=" + named.excel_ref}]}
            requests.append(
                {
                    "setDataValidation": {
                        "range": _grid(sheet_id, 1, None, i, i + 1),
                        "rule": {
                            "condition": condition,
                            "inputMessage": f"Pick from the {named.tab} tab.",
                            "strict": False,
                            "showCustomUi": True,
                        },
                    }
                }
            )
    for choice in tab.cell_choices:
        grid = _grid(sheet_id, choice.row, choice.row + 1, choice.col, choice.col + 1)
        if choice.list_name:
            named = lists[choice.list_name]
            requests.append({"setDataValidation": {"range": grid, "rule": {
                "condition": {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": "=" + named.excel_ref}]},
                "inputMessage": "Pick from the list.", "strict": False, "showCustomUi": True}}})
        else:
            requests.append(_one_of_list(grid, choice.choices))
    return requests


def _one_of_list(grid: dict[str, int], choices: tuple[str, ...]) -> Request:
    return {
        "setDataValidation": {
            "range": grid,
            "rule": {
                "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in choices]},
                "inputMessage": "Pick one of: " + ", ".join(choices),
                "strict": True,
                "showCustomUi": True,
            },
        }
    }


def _protect(tab: TabLayout, sheet_id: int, warning_only: bool) -> Request:
    protected: dict[str, Any] = {
        "range": {"sheetId": sheet_id},
        "description": f"SheetOps writes {tab.name}; edits are replaced on the next run.",
        "warningOnly": warning_only,
    }
    editable = tab.editable_columns
    if editable:
        protected["unprotectedRanges"] = [_grid(sheet_id, 1, None, i, i + 1) for i in editable]
    return {"addProtectedRange": {"protectedRange": protected}}


def google_demo_requests(
    demo: "DemoData",
    *,
    sheet_ids: Mapping[str, int] | None = None,
    layout: TemplateLayout | None = None,
) -> list[Request]:
    """Requests that fill a template built by ``google_template_requests`` with ``demo``.

    Text is sent as ``stringValue`` (so ``=VIP`` stays text), numbers as ``numberValue``,
    dates and times as serial numbers that the template's column formats show as dates.
    Rows are appended to a tab first when the demo needs more than the template's grid.
    Meant for small demos: a Google Sheet holds at most 10 million cells.
    """
    layout = layout or template_layout()
    ids = dict(sheet_ids or template_sheet_ids(layout))
    requests: list[Request] = []
    for name in demo.tab_names:
        tab = layout.tab(name)
        positions = [tab.column_index(h) for h in demo.header(name)]
        count = demo.row_count(name)
        extra = count + 1 - _grid_rows(tab)
        if extra > 0:
            requests.append({"appendDimension": {"sheetId": ids[name], "dimension": "ROWS", "length": extra}})
        width = max(positions) + 1
        rows = []
        for values in demo.iter_rows(name):
            cells: list[dict[str, Any]] = [{} for _ in range(width)]
            for pos, value in zip(positions, values):
                cells[pos] = _google_value(value)
            rows.append({"values": cells})
        if rows:
            requests.append(
                {
                    "updateCells": {
                        "rows": rows,
                        "fields": "userEnteredValue",
                        "start": {"sheetId": ids[name], "rowIndex": 1, "columnIndex": 0},
                    }
                }
            )
    return requests


def _google_value(value: Any) -> dict[str, Any]:
    """One raw demo value as a Google ``CellData`` (``{}`` for a blank cell)."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        return {"userEnteredValue": {"stringValue": value}}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - GOOGLE_EPOCH
        return {"userEnteredValue": {"numberValue": delta.days + delta.seconds / 86400}}
    if isinstance(value, dt.date):
        return {"userEnteredValue": {"numberValue": (value - GOOGLE_EPOCH.date()).days}}
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return {}
        return {"userEnteredValue": {"numberValue": value}}
    raise TypeError(f"cannot send {value!r} to Google Sheets")


__all__ = [
    "google_demo_requests","google_template_requests", "template_sheet_ids", "pixels", "quote_tab"]
