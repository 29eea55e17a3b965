"""``spreadsheets.batchUpdate`` requests that change cells, formats, validation and
dimensions: updateCells, repeatCell, appendCells, setDataValidation,
updateDimensionProperties, autoResizeDimensions, insert/delete/appendDimension.

Known simplification: inserting or deleting rows/columns shifts values and per-cell
formats/notes, but not range layers (repeatCell formats, validation rules).
"""

from __future__ import annotations

from typing import Any

from sheetops.testing.sheet_requests import Handler
from sheetops.testing.sheets_state import (MAX_CELL_CHARS, Rect, Sheet, Spreadsheet, bad, covers,
                                            merge_format, merge_masked, rect_of)
from sheetops.testing.sheets_values import Formula, Value, plain_number_text


def expand_mask(fields: str) -> list[str]:
    """A field mask as dotted paths: ``a(b,c.d),e`` -> ``[a.b, a.c.d, e]``."""
    out: list[str] = []
    prefix_stack, token = [""], ""
    for ch in fields.replace("/", ".") + ",":
        if ch == "(":
            prefix_stack.append(prefix_stack[-1] + token.strip() + ".")
            token = ""
        elif ch in ",)":
            if token.strip():
                out.append(prefix_stack[-1] + token.strip())
            token = ""
            if ch == ")" and len(prefix_stack) > 1:
                prefix_stack.pop()
        else:
            token += ch
    return out


def split_mask(fields: str) -> dict[str, str]:
    """CellData mask -> {top-level field: sub-mask} (``*`` means the whole field)."""
    paths = expand_mask(fields or "")
    if not paths:
        raise bad("At least one field must be updated.")
    if "*" in paths:
        return {k: "*" for k in ("userEnteredValue", "userEnteredFormat", "note", "dataValidation")}
    out: dict[str, str] = {}
    for p in paths:
        head, _, rest = p.partition(".")
        if head not in ("userEnteredValue", "userEnteredFormat", "note", "dataValidation",
                        "textFormatRuns", "hyperlink", "pivotTable", "formattedValue", "effectiveValue",
                        "effectiveFormat"):
            raise bad(f"Invalid field mask: {p}")
        if rest and out.get(head) != "*":
            out[head] = ",".join(x for x in (out.get(head), rest) if x)
        else:
            out[head] = "*"
    return out


def extended_value(ev: dict[str, Any] | None) -> Value:
    """An ExtendedValue as a stored value; stringValue is never a formula."""
    if not ev:
        return None
    if "formulaValue" in ev:
        return Formula(ev["formulaValue"])
    if "stringValue" in ev:
        s = ev["stringValue"]
        if len(s) > MAX_CELL_CHARS:
            raise bad(f"Your input contains more than the maximum of {MAX_CELL_CHARS} characters in a single cell.")
        return s if s != "" else None
    if "numberValue" in ev:
        n = float(ev["numberValue"])
        return int(n) if n.is_integer() and abs(n) < 2**53 else n
    if "boolValue" in ev:
        return bool(ev["boolValue"])
    if "errorValue" in ev:
        return str((ev["errorValue"] or {}).get("type", "#ERROR!"))
    raise bad(f"Invalid ExtendedValue: {ev}")


def _inside(rect: Rect, outer: Rect) -> bool:
    r0, r1, c0, c1 = rect
    o0, o1, p0, p1 = outer
    return (o0 <= r0 and p0 <= c0 and (o1 is None or (r1 is not None and r1 <= o1))
            and (p1 is None or (c1 is not None and c1 <= p1)))


def clear_rect(book: Spreadsheet, sheet: Sheet, rect: Rect, masks: dict[str, str]) -> None:
    """Clear the masked fields of every cell in a rectangle, without per-cell work."""
    r0, r1, c0, c1 = rect
    if "userEnteredValue" in masks:
        for r in range(r0, min(len(sheet.rows), r1 if r1 is not None else len(sheet.rows))):
            row = sheet.rows[r]
            end = len(row) if c1 is None else min(c1, len(row))
            if c0 < end:
                row[c0:end] = [None] * (end - c0)
    if "userEnteredFormat" in masks:
        sub = masks["userEnteredFormat"]
        if sub == "*":
            sheet.cell_formats = {k: v for k, v in sheet.cell_formats.items() if not covers(rect, *k)}
            sheet.format_layers = [layer for layer in sheet.format_layers if not _inside(layer[1], rect)]
        if sheet.format_layers or (sub != "*" and sheet.cell_formats):
            sheet.format_layers.append((book.next_seq(), rect, {}, sub))
    if "note" in masks:
        sheet.notes = {k: v for k, v in sheet.notes.items() if not covers(rect, *k)}
    if "dataValidation" in masks:
        sheet.validations = [v for v in sheet.validations if not _inside(v[0], rect)]
        if sheet.validations:
            sheet.validations.append((rect, None))


def _set_cell(book: Spreadsheet, sheet: Sheet, r: int, c: int, data: dict[str, Any],
              masks: dict[str, str]) -> None:
    if "userEnteredValue" in masks:
        value = extended_value(data.get("userEnteredValue"))
        while len(sheet.rows) <= r:
            sheet.rows.append([])
        row = sheet.rows[r]
        if len(row) <= c:
            row.extend([None] * (c + 1 - len(row)))
        row[c] = value
        if type(value) is Formula:
            sheet.has_formulas = True
    if "userEnteredFormat" in masks:
        fmt = merge_format(sheet.format_at(r, c), data.get("userEnteredFormat") or {}, masks["userEnteredFormat"])
        sheet.cell_formats[(r, c)] = (book.next_seq(), fmt)
    if "note" in masks:
        if data.get("note"):
            sheet.notes[(r, c)] = data["note"]
        else:
            sheet.notes.pop((r, c), None)
    if "dataValidation" in masks:
        sheet.validations.append(((r, r + 1, c, c + 1), data.get("dataValidation")))


def _check_box(sheet: Sheet, r0: int, c0: int, height: int, width: int) -> None:
    if r0 < 0 or c0 < 0 or r0 + height > sheet.row_count or c0 + width > sheet.col_count:
        raise bad(f"Range ({sheet.title}!R{r0 + 1}C{c0 + 1}:R{r0 + height}C{c0 + width}) exceeds grid limits. "
                  f"Max rows: {sheet.row_count}, max columns: {sheet.col_count}")


def _write_values(sheet: Sheet, r: int, c0: int, cells: list[Any]) -> None:
    values = [extended_value(cd.get("userEnteredValue")) if cd else None for cd in cells]
    while len(sheet.rows) <= r:
        sheet.rows.append([])
    row = sheet.rows[r]
    if len(row) < c0 + len(values):
        row.extend([None] * (c0 + len(values) - len(row)))
    row[c0 : c0 + len(values)] = values
    if not sheet.has_formulas and Formula in set(map(type, values)):
        sheet.has_formulas = True


def _write_formats(book: Spreadsheet, sheet: Sheet, r: int, c0: int, cells: list[Any], sub: str, seq: int) -> None:
    formats = sheet.cell_formats
    layered = bool(sheet.format_layers)
    for j, cd in enumerate(cells):
        patch = (cd or {}).get("userEnteredFormat")
        key = (r, c0 + j)
        if patch is None and not layered and key not in formats:
            continue  # nothing to set and nothing to clear
        current = sheet.format_at(*key) if layered or key in formats else {}
        formats[key] = (seq, merge_format(current, patch or {}, sub))


def _write_rows(book: Spreadsheet, sheet: Sheet, r0: int, c0: int, rows: list[dict[str, Any]],
                masks: dict[str, str]) -> None:
    """Write RowData at (r0, c0): values and formats row by row, other fields per cell."""
    sub = masks.get("userEnteredFormat")
    seq = book.next_seq()
    others = {k: v for k, v in masks.items() if k not in ("userEnteredValue", "userEnteredFormat")}
    for i, rd in enumerate(rows):
        cells = (rd or {}).get("values") or []
        if not cells:
            continue
        if "userEnteredValue" in masks:
            _write_values(sheet, r0 + i, c0, cells)
        if sub is not None:
            _write_formats(book, sheet, r0 + i, c0, cells, sub, seq)
        if others:
            for j, cd in enumerate(cells):
                _set_cell(book, sheet, r0 + i, c0 + j, cd or {}, others)


def update_cells(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    masks = split_mask(req.get("fields", ""))
    rows = req.get("rows") or []
    width = max((len(r.get("values") or []) for r in rows), default=0)
    if "start" in req:
        start = req["start"]
        sheet = book.sheet_by_id(start.get("sheetId", 0))
        r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        _check_box(sheet, r0, c0, len(rows), width)
    elif "range" in req:
        sheet = book.sheet_by_id(req["range"].get("sheetId", 0))
        r0, r1, c0, c1 = rect_of(req["range"])
        r1 = sheet.row_count if r1 is None else r1
        c1 = sheet.col_count if c1 is None else c1
        _check_box(sheet, r0, c0, r1 - r0, c1 - c0)
        if len(rows) > r1 - r0 or width > c1 - c0:
            raise bad("The rows provided do not fit the range.")
        clear_rect(book, sheet, (r0, r1, c0, c1), masks)  # cells of the range not given are cleared
    else:
        raise bad("updateCells needs a start or a range.")
    _write_rows(book, sheet, r0, c0, rows, masks)
    return {}


def repeat_cell(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    masks = split_mask(req.get("fields", ""))
    grid = req.get("range") or {}
    sheet = book.sheet_by_id(grid.get("sheetId", 0))
    rect: Rect = rect_of(grid)
    cell = req.get("cell") or {}
    r0, r1, c0, c1 = rect
    if r0 >= sheet.row_count or c0 >= sheet.col_count:
        raise bad("The range is outside the grid.")
    if "userEnteredFormat" in masks:
        sheet.format_layers.append((book.next_seq(), rect, cell.get("userEnteredFormat") or {}, masks["userEnteredFormat"]))
    if "dataValidation" in masks:
        sheet.validations.append((rect, cell.get("dataValidation")))
    rest = {k: v for k, v in masks.items() if k in ("userEnteredValue", "note")}
    if rest:
        for r in range(r0, min(r1 if r1 is not None else sheet.row_count, sheet.row_count)):
            for c in range(c0, min(c1 if c1 is not None else sheet.col_count, sheet.col_count)):
                _set_cell(book, sheet, r, c, cell, rest)
    return {}


def append_cells(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    masks = split_mask(req.get("fields", ""))
    sheet = book.sheet_by_id(req.get("sheetId", 0))
    rows = req.get("rows") or []
    start = sheet.used_rows()
    width = max((len(r.get("values") or []) for r in rows), default=0)
    sheet.row_count = max(sheet.row_count, start + len(rows))
    sheet.col_count = max(sheet.col_count, width)
    book.check_cell_limit()
    _write_rows(book, sheet, start, 0, rows, masks)
    return {}


def set_data_validation(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    grid = req.get("range") or {}
    sheet = book.sheet_by_id(grid.get("sheetId", 0))
    rule = req.get("rule")
    if rule is not None and "condition" not in rule:
        raise bad("A data validation rule needs a condition.")
    sheet.validations.append((rect_of(grid), rule))
    return {}


def _dimension(book: Spreadsheet, rng: dict[str, Any]) -> tuple[Sheet, str, int, int]:
    sheet = book.sheet_by_id(rng.get("sheetId", 0))
    dim = rng.get("dimension")
    if dim not in ("ROWS", "COLUMNS"):
        raise bad(f"Invalid dimension: {dim}")
    size = sheet.row_count if dim == "ROWS" else sheet.col_count
    start, end = int(rng.get("startIndex", 0)), int(rng.get("endIndex", size))
    if not 0 <= start < end or end > size:
        raise bad(f"Invalid dimension range [{start}, {end}) for a sheet with {size} {dim.lower()}.")
    return sheet, dim, start, end


def update_dimension_properties(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    sheet, dim, start, end = _dimension(book, req.get("range") or {})
    fields = req.get("fields")
    if not fields:
        raise bad("At least one field must be updated.")
    meta = sheet.row_meta if dim == "ROWS" else sheet.col_meta
    props = req.get("properties") or {}
    for i in range(start, end):
        meta[i] = merge_masked(meta.get(i, {}), props, fields)
    return {}


def auto_resize_dimensions(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    """Sets a pixel size from the longest text, about 7 pixels a character."""
    sheet, dim, start, end = _dimension(book, req.get("dimensions") or {})
    if dim == "COLUMNS":
        for c in range(start, end):
            longest = max((len(_shown(r[c])) for r in sheet.rows if c < len(r)), default=0)
            sheet.col_meta[c] = {**sheet.col_meta.get(c, {}), "pixelSize": max(21, 7 * longest + 10)}
    else:
        for r in range(start, end):
            sheet.row_meta[r] = {**sheet.row_meta.get(r, {}), "pixelSize": 21}
    return {}


def _shown(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return plain_number_text(v)
    return str(v)


def insert_dimension(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    rng = req.get("range") or {}
    sheet = book.sheet_by_id(rng.get("sheetId", 0))
    dim, start, end = rng.get("dimension"), int(rng.get("startIndex", 0)), int(rng.get("endIndex", 0))
    n = end - start
    if n <= 0:
        raise bad("Invalid dimension range.")
    if dim == "ROWS":
        if start < len(sheet.rows):
            sheet.rows[start:start] = [[] for _ in range(n)]
        sheet.row_count += n
        sheet.cell_formats = {((r + n if r >= start else r), c): v for (r, c), v in sheet.cell_formats.items()}
        sheet.notes = {((r + n if r >= start else r), c): v for (r, c), v in sheet.notes.items()}
    else:
        for row in sheet.rows:
            if start < len(row):
                row[start:start] = [None] * n
        sheet.col_count += n
        sheet.cell_formats = {(r, (c + n if c >= start else c)): v for (r, c), v in sheet.cell_formats.items()}
        sheet.notes = {(r, (c + n if c >= start else c)): v for (r, c), v in sheet.notes.items()}
    book.check_cell_limit()
    return {}


def delete_dimension(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    sheet, dim, start, end = _dimension(book, req.get("range") or {})
    n = end - start
    if dim == "ROWS":
        if n >= sheet.row_count:
            raise bad("You can't delete all the rows on the sheet.")
        del sheet.rows[start:end]
        sheet.row_count -= n
        sheet.cell_formats = {((r - n if r >= end else r), c): v for (r, c), v in sheet.cell_formats.items() if not start <= r < end}
        sheet.notes = {((r - n if r >= end else r), c): v for (r, c), v in sheet.notes.items() if not start <= r < end}
    else:
        if n >= sheet.col_count:
            raise bad("You can't delete all the columns on the sheet.")
        for row in sheet.rows:
            del row[start:end]
        sheet.col_count -= n
        sheet.cell_formats = {(r, (c - n if c >= end else c)): v for (r, c), v in sheet.cell_formats.items() if not start <= c < end}
        sheet.notes = {(r, (c - n if c >= end else c)): v for (r, c), v in sheet.notes.items() if not start <= c < end}
    return {}


def append_dimension(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    sheet = book.sheet_by_id(req.get("sheetId", 0))
    length = int(req.get("length", 0))
    if length <= 0:
        raise bad("length must be positive.")
    if req.get("dimension") == "ROWS":
        sheet.row_count += length
    elif req.get("dimension") == "COLUMNS":
        sheet.col_count += length
    else:
        raise bad(f"Invalid dimension: {req.get('dimension')}")
    book.check_cell_limit()
    return {}


CELL_HANDLERS: dict[str, Handler] = {
    "updateCells": update_cells,
    "repeatCell": repeat_cell,
    "appendCells": append_cells,
    "setDataValidation": set_data_validation,
    "updateDimensionProperties": update_dimension_properties,
    "autoResizeDimensions": auto_resize_dimensions,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "appendDimension": append_dimension,
}
