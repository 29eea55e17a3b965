"""The ``spreadsheets.values`` methods (get, batchGet, update, batchUpdate, append, clear,
batchClear) over a :class:`Spreadsheet`, answering Google's JSON shapes.

Writes validate everything first (range, grid limits, cell size) and only then change
cells, so a failed call leaves the spreadsheet as it was.
"""

from __future__ import annotations

from typing import Any

from sheetops.testing.a1 import column_letters, format_a1
from sheetops.testing.formulas import evaluate
from sheetops.testing.sheets_state import MAX_CELL_CHARS, Sheet, Spreadsheet, bad, grid_error
from sheetops.testing.sheets_values import (DATE_TYPES, Formula, format_value, parse_user_entered,
                                             plain_number_text)

RENDERS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
INPUTS = ("RAW", "USER_ENTERED")


def _option(value: str | None, allowed: tuple[str, ...], default: str, name: str) -> str:
    if value is None or value == "":
        return default
    if value not in allowed:
        raise bad(f"Invalid value at '{name}' ({value})")
    return value


def _trim(row: list[Any]) -> list[Any]:
    n = len(row)
    while n and (row[n - 1] is None or row[n - 1] == ""):
        n -= 1
    return row[:n] if n != len(row) else row


def render_cell(book: Spreadsheet, sheet: Sheet, r: int, c: int, v: Any, render: str,
                dt_render: str) -> Any:
    """One stored value as the API shows it under the render options."""
    if v is None:
        return ""
    if type(v) is Formula:
        if render == "FORMULA":
            return str(v)
        v = evaluate(book, sheet, str(v))
    if render == "FORMULA" or isinstance(v, bool) or isinstance(v, str):
        if render == "FORMATTED_VALUE" and isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        return v
    fmt = sheet.number_format_at(r, c)
    if render == "FORMATTED_VALUE":
        return format_value(v, fmt)
    if dt_render == "FORMATTED_STRING" and fmt and fmt.get("type") in DATE_TYPES:
        return format_value(v, fmt)
    return v


def _formatted(book: Spreadsheet, sheet: Sheet, r: int, c: int, v: Any, memo: dict[tuple[Any, Any, Any], str]) -> Any:
    """FORMATTED_VALUE of one cell, with the common cases first; ``memo`` caches the text
    of (value, format type, pattern) for one response."""
    t = type(v)
    if t is str:
        return v
    if v is None:
        return ""
    if t is int or t is float:
        fmt = sheet.number_format_at(r, c)
        if fmt is None:
            return plain_number_text(v)
        key = (v, fmt.get("type"), fmt.get("pattern"))
        shown = memo.get(key)
        if shown is None:
            shown = memo[key] = format_value(v, fmt)
        return shown
    return render_cell(book, sheet, r, c, v, "FORMATTED_VALUE", "SERIAL_NUMBER")


def render_rows(book: Spreadsheet, sheet: Sheet, box: tuple[int, int, int, int], render: str,
                dt_render: str) -> list[list[Any]]:
    """The values of a closed box, trimmed of trailing empty cells and rows."""
    r0, r1, c0, c1 = box
    fast = not sheet.has_formulas and (
        render == "FORMULA"
        or (render == "UNFORMATTED_VALUE" and (dt_render == "SERIAL_NUMBER" or not (sheet.cell_formats or sheet.format_layers)))
    )
    out: list[list[Any]] = []
    memo: dict[tuple[Any, Any, Any], str] = {}
    for r in range(r0, min(r1, len(sheet.rows))):
        cells = _trim(sheet.rows[r][c0:c1])
        if fast:
            out.append([("" if v is None else v) for v in cells])
        elif render == "FORMATTED_VALUE":
            out.append([_formatted(book, sheet, r, c0 + i, v, memo) for i, v in enumerate(cells)])
        else:
            out.append([render_cell(book, sheet, r, c0 + i, v, render, dt_render) for i, v in enumerate(cells)])
    while out and not out[-1]:
        out.pop()
    return out


def value_range(book: Spreadsheet, text: str, params: dict[str, Any]) -> dict[str, Any]:
    """values.get: a ValueRange for one A1 range."""
    render = _option(params.get("valueRenderOption"), RENDERS, "FORMATTED_VALUE", "value_render_option")
    dt_render = _option(params.get("dateTimeRenderOption"), ("SERIAL_NUMBER", "FORMATTED_STRING"),
                        "SERIAL_NUMBER", "date_time_render_option")
    major = _option(params.get("majorDimension"), ("ROWS", "COLUMNS"), "ROWS", "major_dimension")
    sheet, rect = book.resolve(text)
    box = book.clip(sheet, rect, text)
    values = render_rows(book, sheet, box, render, dt_render)
    out: dict[str, Any] = {"range": format_a1(sheet.title, *box), "majorDimension": major}
    if values:
        if major == "COLUMNS":
            width = max(len(r) for r in values)
            values = [_trim([r[i] if i < len(r) else "" for r in values]) for i in range(width)]
        out["values"] = values
    return out


def text_cells(sheet: Sheet, r0: int, c0: int, values: list[list[Any]]) -> set[tuple[int, int]]:
    """The (row, column) offsets of a block whose cells are formatted as plain text (number
    format type ``TEXT``, pattern ``@``): USER_ENTERED input stays text there, as in Sheets."""
    def is_text(fmt: dict[str, Any] | None) -> bool:
        return bool(fmt) and (fmt or {}).get("type") == "TEXT"

    if not (any(is_text(f.get("numberFormat")) for _, f in sheet.cell_formats.values())
            or any(is_text(patch.get("numberFormat")) for _, _, patch, _ in sheet.format_layers)):
        return set()
    return {(i, j) for i, row in enumerate(values) for j in range(len(row))
            if is_text(sheet.number_format_at(r0 + i, c0 + j))}


def _convert(values: list[list[Any]], mode: str, text: set[tuple[int, int]] | None = None
             ) -> tuple[list[list[Any]], list[tuple[int, int, dict[str, Any]]]]:
    """Incoming JSON values to stored values: (rows, cells needing a number format).

    ``None`` (JSON null) means "leave the cell alone" and becomes ``_SKIP``; ``""``
    clears the cell and becomes ``None``; cells in ``text`` keep USER_ENTERED strings as typed.
    """
    rows: list[list[Any]] = []
    formats: list[tuple[int, int, dict[str, Any]]] = []
    cache: dict[str, tuple[Any, dict[str, Any] | None]] = {}
    user = mode == "USER_ENTERED"
    for i, row in enumerate(values):
        if not isinstance(row, list):
            raise bad("Invalid values: each row must be a list.")
        out: list[Any] = []
        add = out.append
        for v in row:
            t = type(v)
            if t is str:
                if not v:
                    add(None)
                    continue
                if len(v) > MAX_CELL_CHARS:
                    raise _too_long()
                if user and text and (i, len(out)) in text:
                    add(v)
                elif user:
                    hit = cache.get(v)
                    if hit is None:
                        hit = parse_user_entered(v)
                        if len(v) < 40:
                            cache[v] = hit
                    if hit[1] is not None:
                        formats.append((i, len(out), hit[1]))
                    add(hit[0])
                else:
                    add(v)
            elif v is None:
                add(_SKIP)
            elif t is int or t is float or t is bool:
                add(v)
            else:
                raise bad(f"Invalid values[{i}][{len(out)}]: {v!r}")
        rows.append(out)
    return rows, formats


class _Skip:
    __slots__ = ()


_SKIP = _Skip()


def _too_long() -> Exception:
    return bad(f"Your input contains more than the maximum of {MAX_CELL_CHARS} characters in a single cell.")


def write_block(book: Spreadsheet, sheet: Sheet, r0: int, c0: int, rows: list[list[Any]],
                formats: list[tuple[int, int, dict[str, Any]]]) -> None:
    """Store converted rows at (r0, c0); the caller has checked the grid."""
    grid_rows = sheet.rows
    while len(grid_rows) < r0 + len(rows):
        grid_rows.append([])
    for i, data in enumerate(rows):
        if not data:
            continue
        row = grid_rows[r0 + i]
        end = c0 + len(data)
        if len(row) < end:
            row.extend([None] * (end - len(row)))
        if any(v is _SKIP or type(v) is Formula for v in data):
            for j, v in enumerate(data):
                if v is not _SKIP:
                    row[c0 + j] = v
                    if type(v) is Formula:
                        sheet.has_formulas = True
        else:
            row[c0:end] = data
    if not formats:
        return
    seq = book.next_seq()
    shared: dict[tuple[str, str], dict[str, Any]] = {}
    for i, j, fmt in formats:
        key = (fmt["type"], fmt["pattern"])
        current = sheet.format_at(r0 + i, c0 + j)
        if current.get("numberFormat") == fmt and not sheet.format_layers:
            continue
        fmt = shared.setdefault(key, fmt)  # format dicts are never changed in place
        sheet.cell_formats[(r0 + i, c0 + j)] = (seq, {**current, "numberFormat": fmt} if current else {"numberFormat": fmt})


def _orient(body: dict[str, Any]) -> list[list[Any]]:
    values = body.get("values") or []
    if not isinstance(values, list):
        raise bad("Invalid JSON payload: 'values' must be a list of lists.")
    if body.get("majorDimension", "ROWS") == "COLUMNS":
        height = max((len(c) for c in values), default=0)
        values = [[c[i] if i < len(c) else None for c in values] for i in range(height)]
    return values


def update(book: Spreadsheet, text: str, body: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """values.update: write a block of values at a range; never grows the grid."""
    mode = params.get("valueInputOption")
    if mode not in INPUTS:
        raise bad("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED" if not mode
                  else f"Invalid value at 'value_input_option' ({mode})")
    if body.get("range") and _norm(body["range"]) != _norm(text):
        raise bad(f'Requested range "{text}" does not match the range in the body "{body["range"]}".')
    values = _orient(body)
    sheet, rect = book.resolve(text)
    r0, r1, c0, c1 = rect
    height, width = len(values), max((len(r) for r in values), default=0)
    single = r1 == r0 + 1 and c1 == c0 + 1
    if not single:
        if r1 is not None and r0 + height > r1:
            raise bad(f"Requested writing within range [{text}], but tried writing to row [{r1 + 1}]")
        if c1 is not None and c0 + width > c1:
            raise bad(f"Requested writing within range [{text}], but tried writing to column [{_col(c1)}]")
    if r0 >= sheet.row_count or c0 >= sheet.col_count or r0 + height > sheet.row_count or c0 + width > sheet.col_count:
        raise grid_error(sheet, text)
    rows, formats = _convert(values, mode, text_cells(sheet, r0, c0, values) if mode == "USER_ENTERED" else None)
    write_block(book, sheet, r0, c0, rows, formats)
    return _updated(book, sheet, (r0, c0, height, width), params)


def _col(c: int) -> str:
    return column_letters(c)


def _norm(text: str) -> str:
    return text.replace("'", "").strip()


def _updated(book: Spreadsheet, sheet: Sheet, block: tuple[int, int, int, int],
             params: dict[str, Any]) -> dict[str, Any]:
    r0, c0, height, width = block
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if height and width:
        rng = format_a1(sheet.title, r0, r0 + height, c0, c0 + width)
        out.update(updatedRange=rng, updatedRows=height, updatedColumns=width,
                   updatedCells=height * width)
        if str(params.get("includeValuesInResponse", "")).lower() == "true":
            out["updatedData"] = value_range(book, rng, {"valueRenderOption": params.get("responseValueRenderOption"),
                                                         "dateTimeRenderOption": params.get("responseDateTimeRenderOption")})
    else:
        out["updatedRange"] = format_a1(sheet.title, r0, r0 + 1, c0, c0 + 1)
    return out


def batch_update(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    """values.batchUpdate: several ValueRanges in one call (the caller makes it atomic)."""
    params = {k: body.get(k) for k in ("valueInputOption", "includeValuesInResponse",
                                      "responseValueRenderOption", "responseDateTimeRenderOption")}
    responses = [update(book, vr.get("range", ""), vr, params) for vr in body.get("data") or []]
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if responses:
        touched = {r["updatedRange"].rsplit("!", 1)[0] for r in responses if "updatedCells" in r}
        out.update(totalUpdatedRows=sum(r.get("updatedRows", 0) for r in responses),
                   totalUpdatedColumns=sum(r.get("updatedColumns", 0) for r in responses),
                   totalUpdatedCells=sum(r.get("updatedCells", 0) for r in responses),
                   totalUpdatedSheets=len(touched), responses=responses)
    return out


def _table_end(sheet: Sheet, r0: int, r1: int | None, c0: int, c1: int | None) -> int:
    """The last row of the table values.append finds in a range (-1 when none).

    A single-cell range anchors a table that runs down from it while rows hold data
    (so ``Sheet1!A1`` appends after the block starting at A1); a larger range takes its
    last row holding data."""
    def filled(r: int, hi: int | None) -> bool:
        return r < len(sheet.rows) and any(v is not None for v in sheet.rows[r][c0:hi])

    if r1 == r0 + 1 and c1 == (c0 + 1):
        last = r0 - 1
        while filled(last + 1, None):
            last += 1
        return last
    for r in range(min(len(sheet.rows), r1 if r1 is not None else len(sheet.rows)) - 1, r0 - 1, -1):
        if filled(r, c1):
            return r
    return -1


def append(book: Spreadsheet, text: str, body: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """values.append: write after the last row of the table in the range, growing the grid."""
    mode = params.get("valueInputOption")
    if mode not in INPUTS:
        raise bad("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
    values = _orient(body)
    sheet, (r0, r1, c0, c1) = book.resolve(text)
    last = _table_end(sheet, r0, r1, c0, c1)
    start = r0 if last < 0 else last + 1
    height, width = len(values), max((len(r) for r in values), default=0)
    rows, formats = _convert(values, mode, text_cells(sheet, start, c0, values) if mode == "USER_ENTERED" else None)
    table = format_a1(sheet.title, r0, last + 1, c0, c1 or sheet.col_count) if last >= 0 else None
    if params.get("insertDataOption") == "INSERT_ROWS" and start < len(sheet.rows):
        sheet.rows[start:start] = [[] for _ in range(height)]
        sheet.row_count += height
    if start + height > sheet.row_count:
        sheet.row_count = start + height
    if c0 + width > sheet.col_count:
        sheet.col_count = c0 + width
    book.check_cell_limit()
    write_block(book, sheet, start, c0, rows, formats)
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if table:
        out["tableRange"] = table
    out["updates"] = _updated(book, sheet, (start, c0, height, width), params)
    return out


def clear(book: Spreadsheet, text: str) -> str:
    """values.clear of one range: values go, formats stay. Returns the cleared range."""
    sheet, rect = book.resolve(text)
    r0, r1, c0, c1 = book.clip(sheet, rect, text)
    for r in range(r0, min(r1, len(sheet.rows))):
        row = sheet.rows[r]
        if c0 < len(row):
            end = min(c1, len(row))
            row[c0:end] = [None] * (end - c0)
    return format_a1(sheet.title, r0, r1, c0, c1)

