"""Reading tabs of an ``.xlsx`` file fast, with python-calamine.

calamine gives numbers, text, booleans and date cells (as ``date``/``datetime``/``time``),
but shows error cells (``#REF!``, ``#N/A``) as empty text. So each sheet part is also
scanned, decompressing it in chunks, for the bytes ``t="e"``; only where they occur is the
cell parsed and its value replaced by a ``CellError``. Most sheets have none, and the scan
runs at memory speed.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Iterator

from python_calamine import CalamineError, CalamineWorkbook

from ..errors import NotASheetOpsWorkbook
from .base import CellError, Grid, RawCell
from .xlsx_xml import attrs, split_ref

_ERROR_MARKS = (b't="e"', b"t='e'")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)</(?:[\w.-]+:)?v>")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c>")


def read_grids(path: Path, zip_file: zipfile.ZipFile, parts: dict[str, str]) -> dict[str, Grid]:
    """The raw cells of each named tab (``parts`` maps tab name -> sheet part)."""
    try:
        book = CalamineWorkbook.from_path(str(path))
    except CalamineError as exc:  # pragma: no cover - the zip opened, so this is rare
        raise NotASheetOpsWorkbook(f"{path.name} cannot be read as a workbook ({exc}); open and save it in Excel.") from exc
    out: dict[str, Grid] = {}
    try:
        for name, part in parts.items():
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            # calamine: "" is an empty cell; a duration becomes Excel serial days
            grid: Grid = [[None if v == "" else _days(v) if type(v) is dt.timedelta else v for v in row]  # type: ignore[misc]
                          for row in rows]
            _trim(grid)
            if part:
                for (r, c), error in _error_cells(zip_file, part):
                    _put(grid, r, c, error)
            out[name] = grid
    finally:
        book.close()
    return out


def _days(value: dt.timedelta) -> float:
    return value.total_seconds() / 86400


def _trim(grid: Grid) -> None:
    while grid and all(v is None for v in grid[-1]):
        grid.pop()


def _put(grid: Grid, r: int, c: int, value: RawCell) -> None:
    width = max((len(row) for row in grid), default=0)
    while len(grid) <= r:
        grid.append([None] * width)
    row = grid[r]
    while len(row) <= c:
        row.append(None)
    row[c] = value


def _error_cells(zip_file: zipfile.ZipFile, part: str) -> Iterator[tuple[tuple[int, int], CellError]]:
    """Error cells of a sheet part, found without parsing the rest of it."""
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
            if any(mark in block for mark in _ERROR_MARKS):
                yield from _errors_in(block)
            if not chunk:
                return


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
