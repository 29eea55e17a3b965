"""``TabEdit`` on a tab people use: change cells and append rows, at the byte level.

The worksheet part is searched, never parsed into a tree: one pass finds where each
``<row>`` starts; only the rows that change are rewritten, and every other byte of the
part (other rows, styles of untouched cells, validations, conditional formats, merged
cells, extension lists) is copied as it was. A changed cell keeps its style; a new cell
takes the style of the cell above it in the last filled row (so imported orders look like
the rows people typed), or a number format fitting its value.

Cost: the whole part is held in memory as bytes (a 1,000,000-row ``Orders`` part is about
150-250 MB uncompressed) and scanned once; expect a few seconds for such a tab.
"""

from __future__ import annotations

import bisect
import re
from array import array
from typing import Any, Callable, Iterator

from ..errors import SheetOpsError
from .base import Link, TabEdit
from .xlsx_append import appended_rows
from .xlsx_styles import Styles
from .xlsx_xml import bool_cell, cell_ref, is_na, kind_of, number_cell, split_ref, text_cell, value_text

_SHEET_DATA = re.compile(rb"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>")
_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row\b[^>]*>")
_R_ATTR = re.compile(rb'\sr="(\d+)"')
_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?c>)", re.S)
_CELL_R = re.compile(rb'\sr="([A-Z]+\d+)"')
_CELL_S = re.compile(rb'\ss="(\d+)"')
_HAS_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>[^<]|<(?:[\w.-]+:)?f[\s>/]|<(?:[\w.-]+:)?t(?:\s[^>]*)?>[^<]")
_DIMENSION = re.compile(rb'(<(?:[\w.-]+:)?dimension\b[^>]*?\sref=")([^"]*)(")')
_PREFIXABLE = re.compile(r"<(/?)(c|v|is|t|row)\b")

_CLEAR = object()


def edit_sheet(xml: bytes, edit: TabEdit, styles: Styles) -> tuple[bytes, bool]:
    """The edited worksheet part, and whether a formula cell was overwritten."""
    parts, replaced_formula = edit_sheet_parts(xml, edit, styles)
    return b"".join(parts), replaced_formula


class SheetParts:
    """An edited worksheet in pieces, to be written one after the other (and again, if asked):
    bytes, and appended rows made a chunk at a time as they are written, so a million appended
    rows are never held as XML at once, nor joined into one more copy of the whole sheet."""

    def __init__(self, parts: list["bytes | Callable[[], Iterator[bytes]]"]) -> None:
        self.parts = parts

    def __iter__(self) -> Iterator[bytes]:
        for part in self.parts:
            if isinstance(part, bytes):
                yield part
            else:
                yield from part()


def edit_sheet_parts(xml: bytes, edit: TabEdit, styles: Styles) -> tuple[SheetParts, bool]:
    """``edit_sheet`` in pieces (``SheetParts``)."""
    sd = _SHEET_DATA.search(xml)
    if sd is None:
        raise SheetOpsError(f"The tab {edit.name} has no cell data section; open and save the workbook in Excel.")
    prefix = sd.group(1).decode()
    if sd.group(2):  # <sheetData/>: open it up
        close = f"</{prefix}sheetData>".encode()
        xml = xml[: sd.end() - 2] + b">" + close + xml[sd.end():]
        sd = _SHEET_DATA.search(xml)
        assert sd is not None
    body_start = sd.end()
    body_end = xml.index(f"</{prefix}sheetData>".encode(), body_start)
    rows = _RowIndex(xml, body_start, body_end)

    changes: dict[int, dict[int, Any]] = {}
    for col, name in edit.add_headers.items():
        changes.setdefault(0, {})[col] = name
    for (r, c), value in edit.set_cells.items():
        changes.setdefault(r, {})[c] = _CLEAR if is_na(value) else value
    last = rows.last_filled()
    filled_edits = [r for r, cells in changes.items() if any(v is not _CLEAR for v in cells.values())]
    last = max([last, *filled_edits])
    template: dict[int, int] = {}
    if edit.append:
        # new rows look like the last data row; below the header alone, they take each
        # column's own format (the template's date, money and percent columns), never the header's
        template = _styles_of(rows.segment(last)) if last > 0 and rows.find(last) is not None else _column_styles(xml)
    block: Callable[[], Iterator[bytes]] | None = None
    if edit.append and _appends_in_bulk(rows, changes, last, len(edit.append), prefix):
        # new rows below every other change and every existing row: made a column at a time
        block = appended_rows(last + 1, edit.append, template, styles,
                              lambda r, c, v: _new_cell(r, c, v, template, styles))
        widest = _last_filled_column(edit.append)
        extent = {last + len(edit.append): {widest: True} if widest is not None else {}}
    else:
        for i, values in enumerate(edit.append):
            changes.setdefault(last + 1 + i, {}).update({c: v for c, v in enumerate(values) if not is_na(v)})
        extent = {}
    header_style = _styles_of(rows.segment(0)) if edit.add_headers and rows.find(0) is not None else {}

    out: list[bytes | Callable[[], Iterator[bytes]]] = [xml[:body_start]]
    cursor = body_start
    replaced_formula = False
    for r in sorted(changes):
        index = rows.find(r)
        if index is None:
            pos = rows.insert_position(r)
            out.append(xml[cursor:pos])
            cells = {c: _new_cell(r, c, v, template, styles) for c, v in changes[r].items() if v is not _CLEAR}
            out.append(_prefixed(f'<row r="{r + 1}">{"".join(cells[c] for c in sorted(cells))}</row>', prefix))
            cursor = pos
            continue
        start, end = rows.bounds(index)
        out.append(xml[cursor:start])
        defaults = header_style if r == 0 else template
        merged, had_formula = _merge_row(xml[start:end], r, changes[r], defaults, styles, prefix)
        replaced_formula |= had_formula
        out.append(merged)
        cursor = end
    if block is not None:
        pos = rows.insert_position(last + 1)
        out.append(xml[cursor:pos])
        out.append(block)
        cursor = pos
    out.append(xml[cursor:])
    head = out[0]
    assert isinstance(head, bytes)
    out[0] = _grow_dimension(head, {**changes, **extent})  # the <dimension> comes before <sheetData>
    return SheetParts(out), replaced_formula


def _appends_in_bulk(rows: "_RowIndex", changes: dict[int, dict[int, Any]], last: int, n: int, prefix: str) -> bool:
    """Whether appended rows can go in as one block: no other change and no existing row
    (an empty, formatted one) falls where they go, and the sheet uses no namespace prefix."""
    if prefix or any(r > last for r in changes):
        return False
    i = bisect.bisect_left(rows.rows, last + 1)
    return i >= len(rows.rows) or rows.rows[i] > last + n


class _RowIndex:
    """Where each ``<row>`` of a sheetData body starts, and its 0-based row number."""

    def __init__(self, xml: bytes, start: int, end: int) -> None:
        self.xml, self.end = xml, end
        self.starts = array("q")
        self.rows = array("q")
        previous = -1
        for m in _ROW_TAG.finditer(xml, start, end):
            r = _R_ATTR.search(m.group(0))
            previous = int(r.group(1)) - 1 if r else previous + 1
            self.starts.append(m.start())
            self.rows.append(previous)

    def find(self, r: int) -> int | None:
        i = bisect.bisect_left(self.rows, r)
        return i if i < len(self.rows) and self.rows[i] == r else None

    def bounds(self, index: int) -> tuple[int, int]:
        stop = self.starts[index + 1] if index + 1 < len(self.starts) else self.end
        return self.starts[index], stop

    def segment(self, r: int) -> bytes:
        index = self.find(r)
        if index is None:
            return b""
        start, stop = self.bounds(index)
        return self.xml[start:stop]

    def insert_position(self, r: int) -> int:
        i = bisect.bisect_left(self.rows, r)
        return self.starts[i] if i < len(self.starts) else self.end

    def last_filled(self) -> int:
        """The 0-based number of the last row holding any value (0 when none)."""
        for index in range(len(self.starts) - 1, -1, -1):
            start, stop = self.bounds(index)
            if _HAS_VALUE.search(self.xml, start, stop):
                return self.rows[index]
        return 0


_COL = re.compile(rb"<(?:[\w.-]+:)?col\b([^>]*?)/?>")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')


def _column_styles(xml: bytes) -> dict[int, int]:
    """Column (0-based) -> the default style index its ``<col>`` declares."""
    out: dict[int, int] = {}
    for m in _COL.finditer(xml):
        a = {k.decode(): v.decode() for k, v in _ATTR.findall(m.group(1))}
        if "style" in a and "min" in a and "max" in a:
            for c in range(int(a["min"]) - 1, min(int(a["max"]), int(a["min"]) + 16_384)):
                out[c] = int(a["style"])
    return out


def _styles_of(row_xml: bytes) -> dict[int, int]:
    """Column -> style index of the cells of one row."""
    out: dict[int, int] = {}
    col = -1
    for m in _CELL.finditer(row_xml):
        tag = m.group(0).split(b">", 1)[0]
        r = _CELL_R.search(tag)
        col = split_ref(r.group(1).decode())[1] if r else col + 1
        s = _CELL_S.search(tag)
        if s and s.group(1) != b"0":
            out[col] = int(s.group(1))
    return out


def _merge_row(segment: bytes, r: int, values: dict[int, Any], defaults: dict[int, int], styles: Styles,
               prefix: str) -> tuple[bytes, bool]:
    """One existing row with some cells replaced or added (in column order)."""
    tag_match = _ROW_TAG.match(segment)
    assert tag_match is not None
    tag = tag_match.group(0)
    self_closing = tag.endswith(b"/>")
    close = f"</{prefix}row>".encode()
    body_end = len(segment) if self_closing else segment.rfind(close)
    body = b"" if self_closing else segment[len(tag):body_end]
    rest = b"" if self_closing else segment[body_end + len(close):]
    tag = re.sub(rb'\sspans="[^"]*"', b"", tag)
    if self_closing:
        tag = tag[:-2].rstrip() + b">"
    pending = dict(values)
    had_formula = False
    pieces: list[bytes] = []
    cursor, col = 0, -1
    for m in _CELL.finditer(body):
        cell_tag = m.group(0).split(b">", 1)[0]
        ref = _CELL_R.search(cell_tag)
        col = split_ref(ref.group(1).decode())[1] if ref else col + 1
        pieces.append(body[cursor:m.start()])
        cursor = m.end()
        for c in sorted(k for k in pending if k < col):
            pieces.append(_cell_bytes(r, c, pending.pop(c), defaults.get(c, 0), styles, prefix))
        if col in pending:
            if b"<f" in m.group(0) or (prefix and f"<{prefix}f".encode() in m.group(0)):
                if b't="shared"' in m.group(0) and b"ref=" in m.group(0):
                    raise SheetOpsError(
                        f"Cell {cell_ref(r, col)} holds a shared formula that other cells copy; "
                        "SheetOps will not overwrite it. Change or clear that cell by hand and run again."
                    )
                had_formula = True
            s = _CELL_S.search(cell_tag)
            pieces.append(_cell_bytes(r, col, pending.pop(col), int(s.group(1)) if s else 0, styles, prefix))
        else:
            pieces.append(m.group(0))
    tail = body[cursor:]
    for c in sorted(pending):
        pieces.append(_cell_bytes(r, c, pending[c], defaults.get(c, 0), styles, prefix))
    return tag + b"".join(pieces) + tail + close + rest, had_formula


def _cell_bytes(r: int, c: int, value: Any, style: int, styles: Styles, prefix: str) -> bytes:
    ref = cell_ref(r, c)
    if value is _CLEAR:
        return _prefixed(f'<c r="{ref}" s="{style}"/>' if style else "", prefix)
    return _prefixed(_value_cell(ref, value, style, styles), prefix)


def _new_cell(r: int, c: int, value: Any, template: dict[int, int], styles: Styles) -> str:
    return _value_cell(cell_ref(r, c), value, template.get(c, 0), styles)


def _value_cell(ref: str, value: Any, style: int, styles: Styles) -> str:
    """A cell for one ``mixed`` value; ``style`` (the cell's own, or a template's) wins
    over a fitting number format, which wins over none."""
    kind = kind_of(value)
    if not style and kind not in ("text", "bool", "link", "number", "int"):
        style = styles.xf(kind)
    if kind == "link" and isinstance(value, Link):
        return text_cell(ref, value.text, style)
    if kind == "bool":
        return bool_cell(ref, bool(value), style)
    if kind == "text":
        return text_cell(ref, value if isinstance(value, str) else str(value), style)
    number = value_text(value, kind)
    return number_cell(ref, number, style) if number is not None else (f'<c r="{ref}" s="{style}"/>' if style else "")


def _prefixed(xml: str, prefix: str) -> bytes:
    if prefix:
        xml = _PREFIXABLE.sub(lambda m: f"<{m.group(1)}{prefix}{m.group(2)}", xml)
    return xml.encode("utf-8")


def _grow_dimension(xml: bytes, changes: dict[int, dict[int, Any]]) -> bytes:
    m = _DIMENSION.search(xml)
    if m is None or not changes:
        return xml
    ref = m.group(2).decode()
    try:
        first, _, last = ref.partition(":")
        top, left = split_ref(first)
        bottom, right = split_ref(last or first)
    except ValueError:
        return xml
    bottom = max(bottom, max(changes))
    right = max(right, max(c for cells in changes.values() for c in cells) if any(changes.values()) else right)
    new = f"{cell_ref(top, left)}:{cell_ref(bottom, right)}".encode()
    return xml[: m.start(2)] + new + xml[m.end(2):]


def _last_filled_column(rows: list[list[Any]]) -> int | None:
    """The rightmost column holding a value in any of ``rows`` (None: all blank), looked for
    from the right, so a filled last column ends the search at once."""
    for c in range(max((len(r) for r in rows), default=0) - 1, -1, -1):
        if any(c < len(r) and not is_na(r[c]) for r in rows):
            return c
    return None
