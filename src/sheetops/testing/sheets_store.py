"""All spreadsheets of the local Sheets API server, behind one lock, with the JSON of
``spreadsheets.get`` and a Python API for tests to seed and inspect state directly.

Every write runs as a transaction: it is applied to a copy of the spreadsheet that is
swapped in only when every part succeeded, so a failed batchUpdate changes nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sheetops.testing import values_ops
from sheetops.testing.a1 import column_letters, format_a1
from sheetops.testing.cell_requests import CELL_HANDLERS, expand_mask
from sheetops.testing.metadata_requests import METADATA_HANDLERS
from sheetops.testing.sheet_requests import SHEET_HANDLERS, apply_requests
from sheetops.testing.sheets_state import ApiError, Sheet, Spreadsheet, bad, new_spreadsheet
from sheetops.testing.sheets_values import Formula
from sheetops.testing.strict_masks import mask_selects

HANDLERS = {**SHEET_HANDLERS, **CELL_HANDLERS, **METADATA_HANDLERS}


def filter_fields(obj: Any, fields: str | None) -> Any:
    """Keep only the parts of a JSON object named by a field mask (``a.b,c(d,e)``)."""
    if not fields or fields.strip() == "*":
        return obj
    tree: dict[str, Any] = {}
    for path in expand_mask(fields):
        node: Any = tree
        parts = path.split(".")
        for i, part in enumerate(parts):
            if node is True:
                break
            if i == len(parts) - 1 or part == "*":
                node[part] = True
            else:
                nxt = node.setdefault(part, {})
                node = nxt
    return _apply_tree(obj, tree)


def _apply_tree(obj: Any, tree: Any) -> Any:
    if tree is True or "*" in tree:
        return obj
    if isinstance(obj, list):
        return [_apply_tree(x, tree) for x in obj]
    if not isinstance(obj, dict):
        return obj
    return {k: _apply_tree(obj[k], sub) for k, sub in tree.items() if k in obj}


class SheetsStore:
    """The spreadsheets held by a server, keyed by spreadsheet id."""

    def __init__(self) -> None:
        self.books: dict[str, Spreadsheet] = {}
        self.created: dict[str, str] = {}
        self.permissions: dict[str, list[dict[str, Any]]] = {}  # Drive sharing, by spreadsheet
        self.lock = threading.RLock()

    # -- access -----------------------------------------------------------------------
    def book(self, spreadsheet_id: str) -> Spreadsheet:
        found = self.books.get(spreadsheet_id)
        if found is None:
            raise ApiError(404, "Requested entity was not found.")
        return found

    @contextmanager
    def transaction(self, spreadsheet_id: str) -> Iterator[Spreadsheet]:
        """A copy of the spreadsheet to change; swapped in only if the block succeeds."""
        with self.lock:
            work = self.book(spreadsheet_id).clone()
            yield work
            work.check_cell_limit()
            self.books[spreadsheet_id] = work

    def read(self, spreadsheet_id: str, fn: Callable[[Spreadsheet], Any]) -> Any:
        with self.lock:
            return fn(self.book(spreadsheet_id))

    # -- spreadsheets -----------------------------------------------------------------
    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        """spreadsheets.create: a new spreadsheet from a Spreadsheet JSON body."""
        props = body.get("properties") or {}
        book = new_spreadsheet(props.get("title") or "Untitled spreadsheet", sheets=body.get("sheets"),
                               locale=props.get("locale", "en_US"), time_zone=props.get("timeZone", "Etc/GMT"))
        with self.lock:
            self.books[book.spreadsheet_id] = book
            now = dt.datetime.now(dt.timezone.utc)
            self.created[book.spreadsheet_id] = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
            return self.spreadsheet_json(book)

    def spreadsheet_json(self, book: Spreadsheet, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """spreadsheets.get: properties, sheets (properties, protected ranges, rules,
        charts, optional grid data) and named ranges, filtered by ``fields``."""
        params = params or {}
        ranges = params.get("ranges") or []
        if isinstance(ranges, str):
            ranges = [ranges]
        fields = params.get("fields")
        if fields:  # a field mask wins: grid data comes when the mask asks for sheets.data
            with_data = mask_selects(fields, "sheets.data")
        else:
            with_data = str(params.get("includeGridData", "false")).lower() in ("true", "1")
        wanted: dict[int, list[tuple[int, int, int, int]]] = {}
        for text in ranges:
            sheet, rect = book.resolve(text)
            wanted.setdefault(sheet.sheet_id, []).append(book.clip(sheet, rect, text))
        sheets = []
        for i, s in enumerate(book.sheets):
            if ranges and s.sheet_id not in wanted:
                continue
            entry: dict[str, Any] = {"properties": s.properties(i)}
            if with_data:
                boxes = wanted.get(s.sheet_id) or [(0, s.row_count, 0, s.col_count)]
                entry["data"] = [grid_data(book, s, box) for box in boxes]
            for key, value in (("protectedRanges", s.protected_ranges), ("conditionalFormats", s.conditional_formats),
                               ("charts", s.charts), ("basicFilter", s.basic_filter)):
                if value:
                    entry[key] = copy.deepcopy(value)
            sheets.append(entry)
        out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id, "properties": copy.deepcopy(book.properties),
                               "sheets": sheets}
        if book.named_ranges:
            out["namedRanges"] = copy.deepcopy(book.named_ranges)
        if book.developer_metadata:
            out["developerMetadata"] = copy.deepcopy(book.developer_metadata)
        out["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit"
        filtered: dict[str, Any] = filter_fields(out, params.get("fields"))
        return filtered

    def get(self, spreadsheet_id: str, params: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = self.read(spreadsheet_id, lambda b: self.spreadsheet_json(b, params))
        return answer

    def batch_update(self, spreadsheet_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """spreadsheets.batchUpdate, all or nothing."""
        with self.transaction(spreadsheet_id) as book:
            replies = apply_requests(book, body.get("requests") or [], HANDLERS)
        out: dict[str, Any] = {"spreadsheetId": spreadsheet_id, "replies": replies}
        if body.get("includeSpreadsheetInResponse"):
            ranges = body.get("responseRanges") or []
            with_data = "true" if body.get("responseIncludeGridData") else "false"
            out["updatedSpreadsheet"] = self.get(spreadsheet_id, {"ranges": ranges, "includeGridData": with_data})
        return out

    def delete(self, spreadsheet_id: str) -> None:
        with self.lock:
            self.book(spreadsheet_id)
            del self.books[spreadsheet_id]

    # -- values -----------------------------------------------------------------------
    def values_get(self, spreadsheet_id: str, text: str, params: dict[str, Any]) -> Any:
        return self.read(spreadsheet_id, lambda b: values_ops.value_range(b, text, params))

    def values_batch_get(self, spreadsheet_id: str, params: dict[str, Any]) -> Any:
        ranges = params.get("ranges") or []
        if isinstance(ranges, str):
            ranges = [ranges]
        return self.read(spreadsheet_id, lambda b: {
            "spreadsheetId": spreadsheet_id,
            "valueRanges": [values_ops.value_range(b, r, params) for r in ranges]})

    def values_update(self, spreadsheet_id: str, text: str, body: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:  # update validates before it writes, so no copy is needed
            book = self.book(spreadsheet_id)
            return values_ops.update(book, text, body, params)

    def values_batch_update(self, spreadsheet_id: str, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("valueInputOption") not in values_ops.INPUTS:
            raise bad("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
        with self.transaction(spreadsheet_id) as book:
            return values_ops.batch_update(book, body)

    def values_append(self, spreadsheet_id: str, text: str, body: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        with self.transaction(spreadsheet_id) as book:
            return values_ops.append(book, text, body, params)

    def values_clear(self, spreadsheet_id: str, text: str) -> dict[str, Any]:
        with self.transaction(spreadsheet_id) as book:
            return {"spreadsheetId": spreadsheet_id, "clearedRange": values_ops.clear(book, text)}

    def values_batch_clear(self, spreadsheet_id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.transaction(spreadsheet_id) as book:
            cleared = [values_ops.clear(book, r) for r in body.get("ranges") or []]
            return {"spreadsheetId": spreadsheet_id, "clearedRanges": cleared}

    # -- the Python API for tests -----------------------------------------------------
    def seed(self, title: str, tabs: dict[str, list[list[Any]]] | None = None, *,
             input_option: str = "USER_ENTERED", rows: int = 1000, cols: int = 26) -> str:
        """Create a spreadsheet with tabs (name -> rows of values) and return its id.

        Values go in as with values.update (``USER_ENTERED`` by default); each tab's grid
        is at least ``rows`` x ``cols`` and grows to fit its values.
        """
        tabs = tabs or {"Sheet1": []}
        specs = []
        for i, (name, grid) in enumerate(tabs.items()):
            height = max(rows, len(grid))
            width = max(cols, max((len(r) for r in grid), default=0))
            specs.append({"properties": {"sheetId": i, "title": name,
                                         "gridProperties": {"rowCount": height, "columnCount": width}}})
        created = self.create({"properties": {"title": title}, "sheets": specs})
        sid = str(created["spreadsheetId"])
        for name, grid in tabs.items():
            if grid:
                self.values_update(sid, format_a1(name, 0, 1, 0, 1), {"values": grid},
                                   {"valueInputOption": input_option})
        return sid

    def sheet(self, spreadsheet_id: str, title: str) -> Sheet:
        """The live :class:`Sheet` object of a tab (inspect it; do not keep it across writes)."""
        with self.lock:
            found = self.book(spreadsheet_id).sheet_by_title(title)
            if found is None:
                raise KeyError(title)
            return found

    def cells(self, spreadsheet_id: str, title: str) -> list[list[Any]]:
        """A tab's stored values, trimmed; formulas as their text (``=...``)."""
        with self.lock:
            sheet = self.sheet(spreadsheet_id, title)
            out = [[None if v is None else (str(v) if type(v) is Formula else v) for v in r] for r in sheet.rows]
            while out and not any(v is not None for v in out[-1]):
                out.pop()
            return out

    def formulas(self, spreadsheet_id: str, title: str) -> dict[str, str]:
        """A tab's formula cells, A1 -> formula text; text that merely starts with ``=``
        (written RAW) is not a formula and is not listed."""
        with self.lock:
            sheet = self.sheet(spreadsheet_id, title)
            return {f"{column_letters(c)}{r + 1}": str(v) for r, row in enumerate(sheet.rows)
                    for c, v in enumerate(row) if type(v) is Formula}

    def snapshot(self) -> dict[str, Any]:
        """The whole state as plain data, for comparing before and after."""
        with self.lock:
            return {sid: _book_snapshot(self, b) for sid, b in sorted(self.books.items())}


def _book_snapshot(store: SheetsStore, book: Spreadsheet) -> dict[str, Any]:
    meta = store.spreadsheet_json(book)
    for entry, sheet in zip(meta["sheets"], book.sheets):
        entry["cells"] = [[({"formula": str(v)} if type(v) is Formula else v) for v in r] for r in sheet.rows]
        while entry["cells"] and not any(v is not None for v in entry["cells"][-1]):
            entry["cells"].pop()
        entry["cells"] = [r[: max((i + 1 for i, v in enumerate(r) if v is not None), default=0)] for r in entry["cells"]]
        entry["formats"] = {f"{r},{c}": sheet.format_at(r, c) for (r, c) in sorted(sheet.cell_formats)}
        entry["formatLayers"] = [[list(rect), patch, fields] for _, rect, patch, fields in sheet.format_layers]
        entry["validations"] = [[list(rect), rule] for rect, rule in sheet.validations]
        entry["notes"] = {f"{r},{c}": n for (r, c), n in sorted(sheet.notes.items())}
        entry["rowMeta"] = {str(k): v for k, v in sorted(sheet.row_meta.items())}
        entry["colMeta"] = {str(k): v for k, v in sorted(sheet.col_meta.items())}
    return meta


def _extended(v: Any) -> dict[str, Any] | None:
    if v is None:
        return None
    if type(v) is Formula:
        return {"formulaValue": str(v)}
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, (int, float)):
        return {"numberValue": v}
    return {"stringValue": v}


def grid_data(book: Spreadsheet, sheet: Sheet, box: tuple[int, int, int, int]) -> dict[str, Any]:
    """GridData for a box of a sheet: each cell's entered and effective value, formatted
    value, format, note and validation rule."""
    r0, r1, c0, c1 = box
    row_data = []
    for r in range(r0, r1):
        cells = []
        for c in range(c0, c1):
            v = sheet.value(r, c)
            cell: dict[str, Any] = {}
            if v is not None:
                cell["userEnteredValue"] = _extended(v)
                shown = values_ops.render_cell(book, sheet, r, c, v, "UNFORMATTED_VALUE", "SERIAL_NUMBER")
                cell["effectiveValue"] = _extended(shown) or {}
                cell["formattedValue"] = values_ops.render_cell(book, sheet, r, c, v, "FORMATTED_VALUE", "SERIAL_NUMBER")
            fmt = sheet.format_at(r, c) if (sheet.cell_formats or sheet.format_layers) else {}
            if fmt:
                cell["userEnteredFormat"] = fmt
            if (r, c) in sheet.notes:
                cell["note"] = sheet.notes[(r, c)]
            rule = sheet.validation_at(r, c) if sheet.validations else None
            if rule:
                cell["dataValidation"] = rule
            cells.append(cell)
        while cells and not cells[-1]:
            cells.pop()
        row_data.append({"values": cells} if cells else {})
    while row_data and not row_data[-1]:
        row_data.pop()
    out: dict[str, Any] = {"rowMetadata": [dict(sheet.row_meta.get(r, {"pixelSize": 21})) for r in range(r0, r1)],
                           "columnMetadata": [dict(sheet.col_meta.get(c, {"pixelSize": 100})) for c in range(c0, c1)]}
    if r0:
        out["startRow"] = r0
    if c0:
        out["startColumn"] = c0
    if row_data:
        out["rowData"] = row_data
    return out
