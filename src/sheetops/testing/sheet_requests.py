"""``spreadsheets.batchUpdate`` requests that change tabs and their properties.

Each handler takes the spreadsheet (a transaction copy) and the request body and returns
the reply JSON (``{}`` when Google answers nothing). Cell-level requests are in
:mod:`cell_requests`; :func:`apply_requests` runs them all in order.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from sheetops.testing.sheets_state import (ApiError, Sheet, Spreadsheet, bad, merge_masked,
                                            rect_of)

Handler = Callable[[Spreadsheet, dict[str, Any]], dict[str, Any]]


def _unique_title(book: Spreadsheet, title: str, skip: Sheet | None = None) -> None:
    if not title.strip():
        raise bad("The sheet name cannot be empty.")
    for s in book.sheets:
        if s is not skip and s.title.lower() == title.lower():
            raise bad(f'A sheet with the name "{title}" already exists. Please enter another name.')


def _place(book: Spreadsheet, sheet: Sheet, index: Any) -> None:
    if sheet in book.sheets:
        book.sheets.remove(sheet)
    pos = len(book.sheets) if index is None else max(0, min(int(index), len(book.sheets)))
    book.sheets.insert(pos, sheet)


def _reply_props(book: Spreadsheet, sheet: Sheet) -> dict[str, Any]:
    return sheet.properties(book.sheets.index(sheet))


def add_sheet(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    props = dict(req.get("properties") or {})
    taken = book.all_ids()
    sheet_id = props.get("sheetId")
    if sheet_id is not None and int(sheet_id) in taken:
        raise bad(f"A sheet with ID {sheet_id} already exists.")
    n = len(book.sheets) + 1
    default_title = f"Sheet{n}"
    while book.sheet_by_title(default_title):
        n += 1
        default_title = f"Sheet{n}"
    title = props.get("title", default_title)
    _unique_title(book, title)
    grid = props.get("gridProperties") or {}
    sheet = Sheet(int(sheet_id) if sheet_id is not None else book.new_id(taken), title,
                  int(grid.get("rowCount", 1000)), int(grid.get("columnCount", 26)))
    merged = merge_masked(sheet.properties(0), props, ",".join(_paths(props)))
    sheet.set_properties(merged)
    _place(book, sheet, props.get("index"))
    book.check_cell_limit()
    return {"addSheet": {"properties": _reply_props(book, sheet)}}


def _paths(d: dict[str, Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for k, v in d.items():
        if k == "gridProperties" and isinstance(v, dict):
            out.extend(_paths(v, prefix + k + "."))
        elif k not in ("sheetId", "index", "sheetType"):
            out.append(prefix + k)
    return out


def delete_sheet(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    sheet = book.sheet_by_id(req.get("sheetId"))
    if len(book.sheets) == 1:
        raise bad("You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)
    book.named_ranges = [n for n in book.named_ranges if n["range"].get("sheetId", 0) != sheet.sheet_id]
    if all(s.hidden for s in book.sheets):
        raise bad("You can't remove all the visible sheets in a document.")
    return {}


def update_sheet_properties(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    props = req.get("properties") or {}
    fields = req.get("fields")
    if not fields:
        raise bad("At least one field must be updated.")
    sheet = book.sheet_by_id(props.get("sheetId", 0))
    index = book.sheets.index(sheet)
    merged = merge_masked(sheet.properties(index), props, fields)
    merged["sheetId"], merged["sheetType"] = sheet.sheet_id, "GRID"
    if merged.get("title") != sheet.title:
        _unique_title(book, merged.get("title") or "", skip=sheet)
    grid = merged.setdefault("gridProperties", {})
    grid.setdefault("rowCount", sheet.row_count)
    grid.setdefault("columnCount", sheet.col_count)
    if grid.get("frozenRowCount", 0) >= grid["rowCount"]:
        raise bad("You can't freeze all visible rows on the sheet.")
    sheet.set_properties(merged)
    if "index" in merged and merged["index"] != index:
        # indexes count "before the move": moving S1 after S2 in S1,S2,S3 takes index 2
        target = int(merged["index"])
        _place(book, sheet, target - 1 if target > index else target)
    if all(s.hidden for s in book.sheets):
        raise bad("You can't hide all the sheets in a document.")
    book.check_cell_limit()
    return {}


def duplicate_sheet(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    source = book.sheet_by_id(req.get("sourceSheetId"))
    taken = book.all_ids()
    new_id = req.get("newSheetId")
    if new_id is not None and int(new_id) in taken:
        raise bad(f"A sheet with ID {new_id} already exists.")
    sheet = source.clone()
    sheet.sheet_id = int(new_id) if new_id is not None else book.new_id(taken)
    title = req.get("newSheetName") or f"Copy of {source.title}"
    _unique_title(book, title)
    sheet.title = title
    for pr in sheet.protected_ranges:
        pr["protectedRangeId"] = book.new_id(taken | {sheet.sheet_id})
        pr["range"]["sheetId"] = sheet.sheet_id
    for chart in sheet.charts:
        chart["chartId"] = book.new_id(taken | {sheet.sheet_id})
        _retarget(chart, source.sheet_id, sheet.sheet_id)
    for rule in sheet.conditional_formats:
        _retarget(rule, source.sheet_id, sheet.sheet_id)
    _place(book, sheet, req.get("insertSheetIndex"))
    book.check_cell_limit()
    return {"duplicateSheet": {"properties": _reply_props(book, sheet)}}


def _retarget(obj: Any, old: int, new: int) -> None:
    """Point every ``sheetId`` inside a chart or rule at the duplicated sheet."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "sheetId" and v == old:
                obj[k] = new
            else:
                _retarget(v, old, new)
    elif isinstance(obj, list):
        for v in obj:
            _retarget(v, old, new)


def update_spreadsheet_properties(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    fields = req.get("fields")
    if not fields:
        raise bad("At least one field must be updated.")
    book.properties = merge_masked(book.properties, req.get("properties") or {}, fields)
    if not book.properties.get("title"):
        raise bad("The spreadsheet title cannot be empty.")
    return {}


def add_named_range(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    named = copy.deepcopy(req.get("namedRange") or {})
    name = named.get("name") or ""
    if not name or not name.replace("_", "a").replace(".", "a").isalnum() or name[0].isdigit():
        raise bad(f"Invalid name for named range: {name!r}")
    if any(n["name"].lower() == name.lower() for n in book.named_ranges):
        raise bad(f"Named range with name {name} already exists.")
    grid = named.setdefault("range", {})
    sheet = book.sheet_by_id(grid.get("sheetId", 0))
    grid["sheetId"] = sheet.sheet_id
    named.setdefault("namedRangeId", f"nr{book.new_id(set())}")
    book.named_ranges.append(named)
    return {"addNamedRange": {"namedRange": named}}


def delete_named_range(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    rid = req.get("namedRangeId")
    for n in book.named_ranges:
        if n["namedRangeId"] == rid:
            book.named_ranges.remove(n)
            return {}
    raise bad(f"No named range with id: {rid}")


def _find_protected(book: Spreadsheet, rid: Any) -> tuple[Sheet, dict[str, Any]]:
    for s in book.sheets:
        for pr in s.protected_ranges:
            if pr["protectedRangeId"] == rid:
                return s, pr
    raise bad(f"No protected range with id: {rid}")


def add_protected_range(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    pr = copy.deepcopy(req.get("protectedRange") or {})
    if "namedRangeId" in pr:
        named = [n for n in book.named_ranges if n["namedRangeId"] == pr["namedRangeId"]]
        if not named:
            raise bad(f"No named range with id: {pr['namedRangeId']}")
        grid = named[0]["range"]
    else:
        grid = pr.setdefault("range", {})
    sheet = book.sheet_by_id(grid.get("sheetId", 0))
    if "range" in pr:
        pr["range"]["sheetId"] = sheet.sheet_id
    if any(p.get("range", {}) == {"sheetId": sheet.sheet_id} for p in sheet.protected_ranges) \
            and pr.get("range") == {"sheetId": sheet.sheet_id}:
        raise bad("This sheet is already protected.")
    rid = pr.get("protectedRangeId")
    if rid is None or rid in book.all_ids():
        pr["protectedRangeId"] = book.new_id(book.all_ids())
    pr.setdefault("requestingUserCanEdit", True)
    sheet.protected_ranges.append(pr)
    return {"addProtectedRange": {"protectedRange": pr}}


def update_protected_range(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    patch = req.get("protectedRange") or {}
    sheet, pr = _find_protected(book, patch.get("protectedRangeId"))
    merged = merge_masked(pr, patch, req.get("fields") or "*")
    merged["protectedRangeId"] = pr["protectedRangeId"]
    sheet.protected_ranges[sheet.protected_ranges.index(pr)] = merged
    return {}


def delete_protected_range(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    sheet, pr = _find_protected(book, req.get("protectedRangeId"))
    sheet.protected_ranges.remove(pr)
    return {}


def add_conditional_format_rule(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    rule = copy.deepcopy(req.get("rule") or {})
    ranges = rule.get("ranges") or []
    if not ranges:
        raise bad("A conditional format rule must have at least one range.")
    if ("booleanRule" in rule) == ("gradientRule" in rule):
        raise bad("A conditional format rule must have exactly one of booleanRule or gradientRule.")
    sheet = book.sheet_by_id(ranges[0].get("sheetId", 0))
    for r in ranges:
        book.sheet_by_id(r.get("sheetId", 0))
        rect_of(r)
    index = int(req.get("index", len(sheet.conditional_formats)))
    sheet.conditional_formats.insert(index, rule)
    return {}


def delete_conditional_format_rule(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    sheet = book.sheet_by_id(req.get("sheetId", 0))
    index = int(req.get("index", 0))
    if not 0 <= index < len(sheet.conditional_formats):
        raise bad(f"No conditional format on sheet: {sheet.sheet_id} at index: {index}")
    rule = sheet.conditional_formats.pop(index)
    return {"deleteConditionalFormatRule": {"rule": rule}}


def add_chart(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    chart = copy.deepcopy(req.get("chart") or {})
    if "spec" not in chart:
        raise bad("A chart needs a spec.")
    position = chart.setdefault("position", {})
    taken = book.all_ids()
    if position.get("newSheet"):
        title = chart["spec"].get("title") or "Chart"
        sheet = Sheet(book.new_id(taken), title, 1, 1)
        _place(book, sheet, None)
        position.clear()
        position["sheetId"] = sheet.sheet_id
    elif "sheetId" in position:
        sheet = book.sheet_by_id(position["sheetId"])
    else:
        anchor = (position.get("overlayPosition") or {}).get("anchorCell") or {}
        sheet = book.sheet_by_id(anchor.get("sheetId", 0))
    cid = chart.get("chartId")
    if cid is None or cid in taken:
        chart["chartId"] = book.new_id(taken | {sheet.sheet_id})
    sheet.charts.append(chart)
    return {"addChart": {"chart": chart}}


def delete_embedded_object(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    oid = req.get("objectId")
    for s in book.sheets:
        for chart in s.charts:
            if chart["chartId"] == oid:
                s.charts.remove(chart)
                return {}
    raise bad(f"No embedded object with id: {oid}")


def set_basic_filter(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    flt = copy.deepcopy(req.get("filter") or {})
    sheet = book.sheet_by_id((flt.get("range") or {}).get("sheetId", 0))
    sheet.basic_filter = flt
    return {}


def clear_basic_filter(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    book.sheet_by_id(req.get("sheetId", 0)).basic_filter = None
    return {}


def apply_requests(book: Spreadsheet, requests: list[Any], handlers: dict[str, Handler]) -> list[dict[str, Any]]:
    """Run requests in order; a failure names the request like Google does."""
    if not isinstance(requests, list) or not requests:
        raise bad("Must specify at least one request.")
    replies = []
    for i, req in enumerate(requests):
        if not isinstance(req, dict) or len(req) != 1:
            raise bad(f"Invalid requests[{i}]: exactly one kind of request must be set.")
        (kind, body), = req.items()
        handler = handlers.get(kind)
        if handler is None:
            raise bad(f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': Cannot find field.")
        try:
            replies.append(handler(book, body or {}))
        except ApiError as e:
            raise ApiError(e.code, f"Invalid requests[{i}].{kind}: {e.message}", e.status, e.details) from None
        except (KeyError, TypeError, ValueError) as e:
            raise bad(f"Invalid requests[{i}].{kind}: {e}") from None
    return replies


SHEET_HANDLERS: dict[str, Handler] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "updateSheetProperties": update_sheet_properties,
    "duplicateSheet": duplicate_sheet,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "addNamedRange": add_named_range,
    "deleteNamedRange": delete_named_range,
    "addProtectedRange": add_protected_range,
    "updateProtectedRange": update_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "addConditionalFormatRule": add_conditional_format_rule,
    "deleteConditionalFormatRule": delete_conditional_format_rule,
    "addChart": add_chart,
    "deleteEmbeddedObject": delete_embedded_object,
    "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter,
}
