"""What the sheet XML itself says, read in passes over a sheet part: the few things neither
calamine reader gives as the row-wise read needs them (``xlsx_read`` uses these).

- ``peek``: is row 1 an all-text header, and which columns look like text holding numbers;
- ``scan``: error cells (``#N/A``: both readers show them empty), the cells of text columns
  that are not text, with their stored values, and whether the part is written in a way
  these passes read (else the tab is read row-wise);
- ``error_cells``: the error cells alone, for the row-wise read.
"""

from __future__ import annotations

import re
import zipfile
from typing import Iterator

from .base import CellError
from .xlsx_xml import attrs, split_ref

_ERROR_MARKS = (b't="e"', b"t='e'")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)</(?:[\w.-]+:)?v>")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c>")

_ROW_START = re.compile(rb"<(?:[\w.-]+:)?row\b([^>]*?)(/?)>")
_ROW_END = re.compile(rb"</(?:[\w.-]+:)?row>")
_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c>)", re.S)
_HAS_VALUE = re.compile(rb"<(?:[\w.-]+:)?(?:v>[^<]|is\b)")
_TEXT_TYPES = {"s", "inlineStr", "str"}


def peek(zip_file: zipfile.ZipFile, part: str) -> set[str] | None:
    """None unless the sheet's first row with cells is row 1 and every filled cell in it is
    text (read from the start of the part only); else the columns (letters) that hold a text
    cell looking like a number or a date (shared strings: any text cell) in the rows read
    with it: a guess of which columns fastexcel will make text that may hide numbers."""
    data = b""
    with zip_file.open(part) as stream:
        while True:
            chunk = stream.read(1 << 16)
            data += chunk
            start = _ROW_START.search(data)
            if start and (start.group(2) or _ROW_END.search(data, start.end())):
                break
            if not chunk or len(data) > 1 << 24:
                return None
        data += stream.read(1 << 18)
    a = attrs(start.group(1).decode("utf-8", "replace"))
    if start.group(2) or a.get("r", "1") != "1":
        return None
    end = _ROW_END.search(data, start.end())
    assert end is not None
    filled = 0
    for cell in _CELL.finditer(data, start.end(), end.start()):
        body = cell.group(2) or b""
        if not _HAS_VALUE.search(body):
            continue
        if attrs(cell.group(1).decode("utf-8", "replace")).get("t", "n") not in _TEXT_TYPES:
            return None
        filled += 1
    if not filled:
        return None
    return {m.group(1).decode() for m in _TEXT_CELL.finditer(data, end.end())
            if m.group(2) != b"inlineStr" or m.group(3) is None or _SHAPED.match(m.group(3))}


_TEXT_CELL = re.compile(rb'<c r="([A-Z]+)\d+"[^>]*?\bt="(s|inlineStr|str)"[^>]*>(?:<is><t>([^<]*)</t>)?')
_NUMBER = r"-?(?:\d+(?:\.\d*)?|inf|NaN)"
NUMBER_SHOWN = rf"^{_NUMBER}$"
"""How fastexcel shows a number cell in a column it made text."""
SHOWN_NOT_TEXT = rf"^(?:{_NUMBER}|[+-]?\d{{4,}}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)$"
"""How fastexcel shows a number or a date cell in a column it made text: only text columns
holding such a value can hide cells that are not text, so only those are scanned."""
_SHAPED = re.compile(SHOWN_NOT_TEXT.encode())


def scan(zip_file: zipfile.ZipFile, part: str, letters: list[str], *, errors: bool = True
         ) -> tuple[list[tuple[bytes, bytes, bytes, bytes]], list[tuple[tuple[int, int], CellError]]] | None:
    """One pass over a sheet part: the cells of the ``letters`` columns that are not text
    ((column letters, row, attributes, stored value), as bytes) and the error cells ((data
    row from 1, sheet column), error). None when the part holds true/false cells, or when it
    is written in a way this scan does not read (a cell without ``r="..."`` first, single
    quotes, prefixed tags): then the tab is read row-wise. How cells are written is the
    writer's, the same through the whole part, so that is checked on the first block.
    ``errors=False``: only the cells of ``letters`` (a second pass)."""
    odd: list[tuple[bytes, bytes, bytes, bytes]] = []
    found: list[tuple[tuple[int, int], CellError]] = []
    first = errors
    pattern = _odd_cells(letters) if letters else None
    for block in _blocks(zip_file, part):
        if first and (b"='" in block or b':c r="' in block or b"<c>" in block
                      or _SPACED.search(block) or block.count(b"<c ") != block.count(b'<c r="')):
            return None
        first = False
        if errors and _MARKED.search(block):  # rare: one search for the three marks first
            if b't="b"' in block or b't="d"' in block:
                return None
            if b't="e"' in block:
                found.extend(_errors_in(block))
        if pattern is not None:
            odd.extend(pattern.findall(block))
    return odd, found


_MARKED = re.compile(rb't="[bde]"')


def _blocks(zip_file: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """A sheet part decompressed in blocks of about 8 MB, each ending after a whole row."""
    carry = b""
    with zip_file.open(part) as stream:
        while True:
            chunk = stream.read(1 << 23)
            data = carry + chunk
            if not chunk:
                cut = len(data)
            else:
                cut = data.rfind(b"</row>") + 6 if b"</row>" in data else 0
            block, carry = data[:cut], data[cut:]
            if block:
                yield block
            if not chunk:
                return


_SPACED = re.compile(rb"<(?:c|v|f|row)\b[^>]*>[ \t\r\n]+<|</(?:v|f|c|is|row)>[ \t\r\n]+<"
                     rb"|<c[\t\r\n]|</?v[\s/]|<!--|<c r=\"[a-z$]|<c\b[^>]*[-.:]t=\"")
"""XML written in ways the passes do not read: white space between or inside the tags of
cells (pretty-printed), comments, lower-case or absolute cell references, an attribute
whose name ends in ``t``: the tab is read row-wise."""


def _odd_cells(letters: list[str]) -> "re.Pattern[bytes]":
    columns = b"|".join(x.encode() for x in sorted(letters, key=len, reverse=True))
    return re.compile(rb'<c r="(' + columns + rb')(\d+)"(?![^>]*\bt="(?:s|inlineStr|str)")([^>]*)>'
                      rb"(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?<v>([^<]*)</v>")


T_ATTR = re.compile(rb'\bt="([^"]*)"')


def error_cells(zip_file: zipfile.ZipFile, part: str) -> Iterator[tuple[tuple[int, int], CellError]]:
    """Error cells of a sheet part, found without parsing the rest of it."""
    for block in _blocks(zip_file, part):
        if any(mark in block for mark in _ERROR_MARKS):
            yield from _errors_in(block)


def _errors_in(block: bytes) -> Iterator[tuple[tuple[int, int], CellError]]:
    for mark in _ERROR_MARKS:
        pos = block.find(mark)
        while pos >= 0:
            start = block.rfind(b"<", 0, pos)
            tag_end = block.find(b">", pos)
            a = attrs(block[start:tag_end].decode("utf-8", "replace"))
            end = None if block[tag_end - 1: tag_end] == b"/" else _CELL_END.search(block, tag_end)
            body = block[tag_end + 1: end.start()] if end else b""
            v = _VALUE.search(body)
            if "r" in a and v:
                try:
                    yield split_ref(a["r"]), CellError(v.group(1).decode("utf-8"))
                except ValueError:
                    pass
            pos = block.find(mark, pos + 1)
