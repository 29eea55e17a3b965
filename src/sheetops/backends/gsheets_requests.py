"""Pure builders of Sheets API v4 ``batchUpdate`` requests for one tab.

``tab_requests`` turns a ``TabWrite`` into the requests that replace a tab whole in place
(keeping its sheetId, so links into it survive): delete its old charts and protections,
clear every cell, resize the grid (dropping stale rows and columns), write the cells with
explicit types, then number formats per column, widths, dropdowns, protection and charts.
``edit_requests`` turns a ``TabEdit`` into cell updates and ``appendCells``.

The number of requests depends on columns, charts and dropdowns, never on rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from .base import EDITABLE_FILL, ChartSpec, TabEdit, TabWrite
from .gsheets_cells import NUMBER_FORMATS, GidMap, edit_cell, frame_cell

Request = dict[str, Any]
CM_PIXELS = 37.8
CHART_TYPES = {"line": "LINE", "column": "COLUMN", "bar": "BAR"}
PROTECTION_NOTE = "SheetOps: this tab is rewritten on every refresh"


@dataclass
class SheetInfo:
    """One tab as the metadata read describes it."""

    sheet_id: int
    title: str
    index: int = 0
    hidden: bool = False
    row_count: int = 1000
    column_count: int = 26
    protections: list[int] = field(default_factory=list)
    charts: list[int] = field(default_factory=list)
    conditional_formats: int = 0
    """How many conditional format rules the tab has (a rewrite deletes them first)."""


def parse_sheets(data: dict[str, Any]) -> list[SheetInfo]:
    """The ``sheets`` of a ``spreadsheets.get`` answer, in tab order."""
    out: list[SheetInfo] = []
    for sheet in data.get("sheets") or []:
        props = sheet.get("properties") or {}
        grid = props.get("gridProperties") or {}
        out.append(
            SheetInfo(
                sheet_id=int(props.get("sheetId", 0)),
                title=str(props.get("title", "")),
                index=int(props.get("index", len(out))),
                hidden=bool(props.get("hidden", False)),
                row_count=int(grid.get("rowCount", 1000)),
                column_count=int(grid.get("columnCount", 26)),
                protections=[int(p["protectedRangeId"]) for p in sheet.get("protectedRanges") or [] if "protectedRangeId" in p],
                charts=[int(c["chartId"]) for c in sheet.get("charts") or [] if "chartId" in c],
                conditional_formats=len(sheet.get("conditionalFormats") or []),
            )
        )
    return out


def a1_index(a1: str) -> tuple[int, int]:
    """``"H2"`` -> 0-based (row, column) ``(1, 7)``."""
    letters = "".join(ch for ch in a1 if ch.isalpha()).upper()
    digits = "".join(ch for ch in a1 if ch.isdigit())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(digits or 1) - 1, max(col - 1, 0)


def grid_size(tab: TabWrite) -> tuple[int, int]:
    """Rows and columns of the tab's grid: its data, one spare row, and its chart anchors."""
    rows = len(tab.frame) + (1 if tab.header else 0)
    row_count, col_count = max(rows + 1, 2), max(len(tab.columns), 1)
    for chart in tab.charts:
        r, c = a1_index(chart.anchor)
        row_count, col_count = max(row_count, r + 1), max(col_count, c + 1)
    return row_count, col_count


def data_rows(tab: TabWrite, gids: GidMap) -> list[dict[str, Any]]:
    """The ``RowData`` of the header and every frame row, each cell explicitly typed."""
    rows: list[dict[str, Any]] = []
    if tab.header:
        rows.append({"values": [{"userEnteredValue": {"stringValue": c.name}} for c in tab.columns]})
    series = [tab.frame[c.name].tolist() for c in tab.columns]
    kinds = [c.kind for c in tab.columns]
    for i in range(len(tab.frame)):
        rows.append({"values": [frame_cell(values[i], kind, gids) for values, kind in zip(series, kinds)]})
    return rows


def grid_properties(tab: TabWrite) -> dict[str, int]:
    row_count, col_count = grid_size(tab)
    return {"rowCount": row_count, "columnCount": col_count, "frozenRowCount": 1 if tab.header else 0}


def add_sheet(sheet_id: int, title: str, tab: TabWrite | None = None, *, hidden: bool | None = None) -> Request:
    props: dict[str, Any] = {"sheetId": sheet_id, "title": title}
    if tab is not None:
        props["gridProperties"] = grid_properties(tab)
        props["hidden"] = tab.hidden if hidden is None else hidden
    elif hidden is not None:
        props["hidden"] = hidden
    return {"addSheet": {"properties": props}}


def clear_requests(info: SheetInfo) -> list[Request]:
    """Remove what a previous write left: charts, protections, then every cell's content."""
    out: list[Request] = [{"deleteEmbeddedObject": {"objectId": c}} for c in info.charts]
    out += [{"deleteProtectedRange": {"protectedRangeId": p}} for p in info.protections]
    out += [{"deleteConditionalFormatRule": {"sheetId": info.sheet_id, "index": 0}}] * info.conditional_formats
    out.append({"updateCells": {"range": {"sheetId": info.sheet_id}, "fields": "*"}})
    return out


def tab_requests(tab: TabWrite, sheet_id: int, existing: SheetInfo | None, gids: GidMap, *, editor: str | None) -> list[Request]:
    """Every request that makes ``sheet_id`` hold exactly ``tab`` (see the module doc)."""
    out: list[Request] = []
    if existing is None:
        out.append(add_sheet(sheet_id, tab.name, tab))
    else:
        out += clear_requests(existing)
        out.append(
            {
                "updateSheetProperties": {
                    "properties": {"sheetId": sheet_id, "hidden": tab.hidden, "gridProperties": grid_properties(tab)},
                    "fields": "hidden,gridProperties.rowCount,gridProperties.columnCount,gridProperties.frozenRowCount",
                }
            }
        )
    out.append(
        {
            "updateCells": {
                "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                "rows": data_rows(tab, gids),
                "fields": "userEnteredValue,userEnteredFormat.numberFormat",
            }
        }
    )
    out += dressing_requests(tab, sheet_id, editor=editor)
    return out


def dressing_requests(tab: TabWrite, sheet_id: int, *, editor: str | None) -> list[Request]:
    """Header style, number formats, widths, dropdowns, protection and charts (no cells)."""
    first = 1 if tab.header else 0
    end = first + len(tab.frame)
    out: list[Request] = []
    if tab.header:
        out.append(_repeat(sheet_id, 0, 1, 0, len(tab.columns), {"textFormat": {"bold": True}}, "userEnteredFormat.textFormat.bold"))
        if tab.protected:  # the headers of the columns people may edit are marked (green fill)
            out += [_repeat(sheet_id, 0, 1, c, c + 1, {"backgroundColorStyle": {"rgbColor": _rgb(EDITABLE_FILL)}},
                            "userEnteredFormat.backgroundColorStyle")
                    for c, column in enumerate(tab.columns) if column.name in tab.editable]
    for c, column in enumerate(tab.columns):
        fmt = NUMBER_FORMATS.get(column.kind)
        if fmt is not None and end > first:
            out.append(_repeat(sheet_id, first, end, c, c + 1, {"numberFormat": fmt}, "userEnteredFormat.numberFormat"))
        if column.width:
            out.append(_width(sheet_id, c, column.width))
    names = [c.name for c in tab.columns]
    for name, choices in tab.dropdowns.items():
        if name in names and choices and end > first:
            out.append(_dropdown(sheet_id, first, end, names.index(name), choices))
    if tab.header and tab.filter and tab.columns:
        out.append({"setBasicFilter": {"filter": {"range": _grid_range(sheet_id, 0, max(end, 1), 0, len(tab.columns))}}})
    for name, fills in tab.highlights.items():
        if name in names:
            out += [_highlight(sheet_id, first, names.index(name), value, fill) for value, fill in fills.items()]
    out.append({"updateSheetProperties": {"properties": {"sheetId": sheet_id, "tabColorStyle": {"rgbColor": _rgb(TOOL_TAB)}},
                                          "fields": "tabColorStyle"}})
    if tab.protected:
        out.append(_protect(sheet_id, tab, first, editor=editor))
    out += [_chart(sheet_id, tab, chart) for chart in tab.charts]
    return out


TOOL_TAB = "9E9E9E"
"""The grey of the tabs the tool writes (the templates colour them so too)."""


def _rgb(hex_color: str) -> dict[str, float]:
    return {k: int(hex_color[i:i + 2], 16) / 255 for k, i in (("red", 0), ("green", 2), ("blue", 4))}


def _highlight(sheet_id: int, first: int, col: int, value: str, fill: str) -> Request:
    """A conditional format: cells of ``col`` equal to ``value`` get the ``fill`` background."""
    return {"addConditionalFormatRule": {"index": 0, "rule": {
        "ranges": [{"sheetId": sheet_id, "startRowIndex": first, "startColumnIndex": col, "endColumnIndex": col + 1}],
        "booleanRule": {"condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": value}]},
                        "format": {"backgroundColorStyle": {"rgbColor": _rgb(fill)}}}}}}


def _grid_range(sheet_id: int, r0: int, r1: int, c0: int, c1: int) -> dict[str, int]:
    return {"sheetId": sheet_id, "startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}


def _repeat(sheet_id: int, r0: int, r1: int, c0: int, c1: int, fmt: dict[str, Any], fields: str) -> Request:
    return {"repeatCell": {"range": _grid_range(sheet_id, r0, r1, c0, c1), "cell": {"userEnteredFormat": fmt}, "fields": fields}}


def _width(sheet_id: int, col: int, width: float) -> Request:
    """Column width in characters (as in Excel) to pixels."""
    return {
        "updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": col, "endIndex": col + 1},
            "properties": {"pixelSize": int(round(width * 7 + 5))},
            "fields": "pixelSize",
        }
    }


def _dropdown(sheet_id: int, r0: int, r1: int, col: int, choices: tuple[str, ...]) -> Request:
    return {
        "setDataValidation": {
            "range": _grid_range(sheet_id, r0, r1, col, col + 1),
            "rule": {
                "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in choices]},
                "strict": True,
                "showCustomUi": True,
            },
        }
    }


def _protect(sheet_id: int, tab: TabWrite, first: int, *, editor: str | None) -> Request:
    names = [c.name for c in tab.columns]
    free = [names.index(n) for n in tab.editable if n in names]
    protected: dict[str, Any] = {
        "range": {"sheetId": sheet_id},
        "description": PROTECTION_NOTE,
        "warningOnly": False,
        "unprotectedRanges": [
            {"sheetId": sheet_id, "startRowIndex": first, "startColumnIndex": c, "endColumnIndex": c + 1} for c in free
        ],
    }
    if editor:
        protected["editors"] = {"users": [editor]}
    return {"addProtectedRange": {"protectedRange": protected}}


def _chart(sheet_id: int, tab: TabWrite, chart: ChartSpec) -> Request:
    """A native ``basicChart``; the header row names the series when the range starts at it."""
    names = [c.name for c in tab.columns]
    first = 1 if tab.header else 0
    r0, r1 = first + chart.first_row, first + chart.last_row + 1
    header = (tab.header and chart.first_row == 0) or (
        chart.header_row is not None and chart.header_row == chart.first_row - 1)  # a report table's own header
    if header:
        r0 -= 1

    def source(column: str) -> dict[str, Any]:
        c = names.index(column)
        return {"sourceRange": {"sources": [_grid_range(sheet_id, r0, r1, c, c + 1)]}}

    value_axis = "BOTTOM_AXIS" if chart.kind == "bar" else "LEFT_AXIS"
    row, col = a1_index(chart.anchor)
    return {
        "addChart": {
            "chart": {
                "spec": {
                    "title": chart.title,
                    "basicChart": {
                        "chartType": CHART_TYPES[chart.kind],
                        "legendPosition": "BOTTOM_LEGEND",
                        "headerCount": 1 if header else 0,
                        "domains": [{"domain": source(chart.categories)}],
                        "series": [{"series": source(s.column), "targetAxis": value_axis} for s in chart.series],
                    },
                },
                "position": {
                    "overlayPosition": {
                        "anchorCell": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": col},
                        "widthPixels": int(chart.width_cm * CM_PIXELS),
                        "heightPixels": int(chart.height_cm * CM_PIXELS),
                    }
                },
            }
        }
    }


def edit_requests(edit: TabEdit, info: SheetInfo, gids: GidMap) -> list[Request]:
    """Cell changes and appended rows for a tab people edit; formats only where the value
    carries one (money, rates, dates), so people's own formats elsewhere stay."""
    cells: dict[tuple[int, int], dict[str, Any]] = {
        (0, c): {"userEnteredValue": {"stringValue": str(name)}} for c, name in edit.add_headers.items()
    }
    cells.update({pos: edit_cell(v, gids) for pos, v in edit.set_cells.items()})
    need_rows = max((r + 1 for r, _ in cells), default=0)
    need_cols = max([c + 1 for _, c in cells] + [len(r) for r in edit.append] + [0])
    out: list[Request] = []
    if need_cols > info.column_count:
        out.append(_append_dimension(info.sheet_id, "COLUMNS", need_cols - info.column_count))
    if need_rows > info.row_count:
        out.append(_append_dimension(info.sheet_id, "ROWS", need_rows - info.row_count))
    out += [_cell_run(info.sheet_id, r, c, run) for r, c, run in _runs(cells)]
    if edit.append:
        rows = [{"values": [edit_cell(v, gids) for v in row]} for row in edit.append]
        out.append({"appendCells": {"sheetId": info.sheet_id, "rows": rows, "fields": "userEnteredValue,userEnteredFormat.numberFormat"}})
    return out


def _append_dimension(sheet_id: int, dimension: str, length: int) -> Request:
    return {"appendDimension": {"sheetId": sheet_id, "dimension": dimension, "length": length}}


def _runs(cells: dict[tuple[int, int], dict[str, Any]]) -> Iterable[tuple[int, int, list[dict[str, Any]]]]:
    """Cells grouped into horizontal runs of neighbours that agree on having a format."""
    run: list[dict[str, Any]] = []
    start = (-1, -1)
    for r, c in sorted(cells):
        cell = cells[(r, c)]
        if run and (r == start[0] and c == start[1] + len(run)) and _formatted(cell) == _formatted(run[0]):
            run.append(cell)
            continue
        if run:
            yield start[0], start[1], run
        run, start = [cell], (r, c)
    if run:
        yield start[0], start[1], run


def _formatted(cell: dict[str, Any]) -> bool:
    return "userEnteredFormat" in cell


def _cell_run(sheet_id: int, row: int, col: int, run: list[dict[str, Any]]) -> Request:
    fields = "userEnteredValue,userEnteredFormat.numberFormat" if _formatted(run[0]) else "userEnteredValue"
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": col},
            "rows": [{"values": run}],
            "fields": fields,
        }
    }
