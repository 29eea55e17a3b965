"""Reading tabs of an ``.xlsx`` file fast: column-wise with fastexcel, else with python-calamine.

A tab is read **column-wise** (fastexcel: calamine straight into typed Arrow arrays, a
``ColumnGrid``) when nothing about it needs a cell-by-cell look:
- its row 1 holds the header, all text (checked on the first row's XML, a few bytes);
- every column holds one kind of value below the header (numbers, text, dates or
  true/false), which fastexcel's strict typing checks;
- it has no error cells, no durations and no date before 1900-03-01 (Excel's 1900 leap-year
  quirk and time-only cells are left to calamine's own conversion);
- no two header cells are the same text (fastexcel would rename one).
Anything else, such as a typed "N/A" in a column of amounts, reads the tab **row-wise** as
before: calamine's ``to_python``, one Python value per cell. Both give the same cells
(tests/backends/test_column_read.py holds them to it).

calamine gives numbers, text, booleans and date cells (as ``date``/``datetime``/``time``),
but shows error cells (``#REF!``, ``#N/A``) as empty text. So each sheet part is also
scanned, decompressing it in chunks, for the bytes ``t="e"``; only where they occur is the
cell parsed and its value replaced by a ``CellError``. Most sheets have none, and the scan
runs at memory speed.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from python_calamine import CalamineError, CalamineWorkbook

from ..errors import NotASheetOpsWorkbook
from .base import CellError, Grid, RawCell, Rows, column_letter
from .column_grid import ColumnGrid, day_or_time, python_cells
from .xlsx_scan import NUMBER_SHOWN, SHOWN_NOT_TEXT, T_ATTR, Peeked, error_cells, peek, scan, stacked

if TYPE_CHECKING:
    import pyarrow as pa




COLUMNS_FROM_BYTES = 1 << 20
"""Tabs whose sheet XML is smaller than this (about ten thousand cells) are read row-wise:
for them the column-wise read's fixed costs (a thread, a pass over the XML) outweigh what it
saves. Both reads give the same cells, so this changes time only."""


def read_grids(path: Path, zip_file: zipfile.ZipFile, parts: dict[str, str], *,
               columns: bool = True, min_bytes: int = COLUMNS_FROM_BYTES) -> dict[str, Grid]:
    """The raw cells of each named tab (``parts`` maps tab name -> sheet part); column-wise
    where the tab allows it and its XML holds at least ``min_bytes`` (``columns=False``:
    always row-wise)."""
    out: dict[str, Grid] = {}
    reader: Any = None
    book: CalamineWorkbook | None = None
    columns = columns and _formats_read_alike(zip_file)
    try:
        for name, part in parts.items():
            large = bool(part) and zip_file.getinfo(part).file_size >= min_bytes
            seen = peek(zip_file, part) if columns and large else None
            if seen is not None:
                if reader is None:
                    reader = _fast_reader(path)
                fast = _column_grid(reader, name, zip_file, part, seen) if reader is not False else None
                if fast is not None:
                    out[name] = fast
                    continue
            if book is None:
                book = _calamine(path)
            out[name] = _row_grid(book, name, list(error_cells(zip_file, part)) if part else [])
    finally:
        if book is not None:
            book.close()
    return out


def _calamine(path: Path) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_path(str(path))
    except CalamineError as exc:  # pragma: no cover - the zip opened, so this is rare
        raise NotASheetOpsWorkbook(f"{path.name} cannot be read as a workbook ({exc}); open and save it in Excel.") from exc


def _row_grid(book: CalamineWorkbook, name: str, errors: list[tuple[tuple[int, int], CellError]]) -> Rows:
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    # calamine: "" is an empty cell; a duration becomes Excel serial days; a date-time that
    # is midnight to the millisecond is a date (as the column-wise read sees it)
    grid: Rows = [[None if v == "" else _days(v) if type(v) is dt.timedelta else
                   v.date() if type(v) is dt.datetime and v.time() == _MIDNIGHT else v for v in row]  # type: ignore[misc]
                  for row in rows]
    _trim(grid)
    for (r, c), error in errors:
        _put(grid, r, c, error)
    return grid


_EAST_ASIAN_DATES = {*range(27, 37), *range(50, 59)}
_NUMBER_FORMAT = re.compile(rb"""numFmtId\s*=\s*["']\s*(\d+)""")


def _formats_read_alike(zip_file: zipfile.ZipFile) -> bool:
    """Whether fastexcel's calamine and python-calamine's agree on which cells are dates: they
    disagree on Excel's East Asian built-in date formats (ids 27-36, 50-58), so a workbook
    using one is read row-wise."""
    for name in zip_file.namelist():
        if name.lower().endswith("styles.xml"):
            used = {int(m.group(1)) for m in _NUMBER_FORMAT.finditer(zip_file.read(name))}
            if used & _EAST_ASIAN_DATES:
                return False
    return True


def _fast_reader(path: Path) -> Any:
    """fastexcel's reader of the file, or False when it cannot open it (then calamine reads)."""
    try:
        import fastexcel

        logging.getLogger("fastexcel").setLevel(logging.ERROR)  # "falling back to string" for empty columns
        return fastexcel.read_excel(str(path))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - any refusal (a Rust panic too) means: read row-wise
        return False


_DEDUP = re.compile(r"(.*)_\d+", re.S)
def _column_grid(reader: Any, name: str, zip_file: zipfile.ZipFile, part: str, seen: Peeked) -> ColumnGrid | None:
    """The tab as typed Arrow columns, or None when it must be read row-wise.

    fastexcel types each column from all its cells; a column holding more than one kind of
    value comes back as text (numbers and dates turned into text), and true/false cells in a
    column of numbers as numbers. So one pass over the sheet's XML (the same pass that finds
    error cells) lists every cell of the text columns that is not text, with its stored
    value: those cells get their own value back (the column then holds Python values, as
    the row-wise read gives), and a sheet with true/false cells is read row-wise.

    fastexcel lets go of the GIL while it parses, so the pass over the XML runs meanwhile,
    for the columns ``seen.guess`` says will be text. It also watches the columns of numbers
    or dates (``seen.typed``) for a text cell: such a column (a typed word among amounts, the
    usual mistake) will come back text: from the block of XML where its first text cell is,
    the same pass takes its cells as a text column's, and a second pass over the blocks before
    that one runs at once, still while fastexcel parses. A column that turns out text
    otherwise gets a second pass of its own afterwards."""
    import pyarrow as pa
    import pyarrow.compute as pc

    loaded: list[Any] = []

    def load() -> None:
        try:
            sheet = reader.load_sheet(name, header_row=0, schema_sample_rows=None)
            loaded.extend((*sheet.to_arrow_with_errors(), sheet.available_columns()))
        except BaseException:  # noqa: BLE001 - a mix fastexcel refuses (durations), a panic: row-wise
            pass

    guess = seen.guess
    worker = threading.Thread(target=load, name="sheetops-read", daemon=True)
    worker.start()
    try:
        found = scan(zip_file, part, sorted(guess), watch=seen.typed)
        early = [] if found is None else [
            scan(zip_file, part, [letter], errors=False, upto=block) for letter, block in found.worded.items() if block]
    finally:
        worker.join()
    if found is None or not loaded:
        return None
    batch, refused, infos = loaded
    names = [c.name for c in infos if c.column_name_from == "looked_up"]
    known = set(names)
    if any((m := _DEDUP.fullmatch(n)) and m.group(1) in known for n in names):
        return None  # two header cells alike: fastexcel renamed one
    width = max((c.absolute_index for c in infos), default=-1) + 1
    header: list[RawCell] = [None] * width
    arrays: dict[int, pa.Array] = {}
    for info, array in zip(infos, batch.columns):
        if info.column_name_from == "looked_up":
            header[info.absolute_index] = info.name or None
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        kind = array.type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            array = pc.if_else(pc.equal(array, ""), pa.scalar(None, kind), array)
        elif pa.types.is_timestamp(kind):
            span = pc.min_max(array.cast(pa.int64()))
            if kind.tz is not None or kind.unit != "ms" or (
                    span["min"].is_valid and not _FIRST_MS <= span["min"].as_py() <= span["max"].as_py() <= _LAST_MS):
                return None  # time-only cells, 1900's leap-day quirk, past 9999: calamine's own conversion
        elif pa.types.is_floating(kind):
            if pc.any(pc.is_nan(array)).as_py():
                return None  # a typed "nan", which fastexcel makes a number
        elif not (pa.types.is_boolean(kind) or pa.types.is_null(kind)):
            return None  # durations, whole numbers (not in .xlsx), dates without time: row-wise
        arrays[info.absolute_index] = array
    words = _refused_words(refused, infos, found.errors)
    if words is None:
        return None
    scanned = guess | set(found.worded)
    # text columns that may hide cells that are not text; a scanned one counts as such
    # without looking (its cells that are not text are in ``odd``, all of them)
    texts = {letter: i for i, a in arrays.items()
             if (pa.types.is_string(a.type) or pa.types.is_large_string(a.type))
             and ((letter := column_letter(i)) in scanned or pc.any(pc.match_substring_regex(a, SHOWN_NOT_TEXT)).as_py())}
    errors, odds = found.errors, [found.odd]
    for again in early:
        if again is None:
            return None
        odds.append(again.odd)
    more = sorted(set(texts) - scanned)
    if more:
        again = scan(zip_file, part, more, errors=False)
        if again is None:
            return None
        odds.append(again.odd)
    odd = stacked(odds)
    if any(g not in texts for g in scanned):  # scanned, came typed: its cells are its own
        odd = odd[np.isin(odd[:, 0], [k.encode() for k in texts])]
    cells: dict[int, list[RawCell]] = {}
    for col, (rows, values) in _odd_values(odd, texts, arrays).items():
        if values is None:
            return None
        if len(rows):  # none: only error cells, put in below
            cells[col] = _put_back(arrays[col], rows - 1, values)
    # typed words in columns of numbers or dates, then error cells: one cell each
    for (row, col), value in [*words.items(), *errors]:
        if col not in arrays or not 1 <= row <= len(arrays[col]):
            return None
        if col not in cells:
            cells[col] = python_cells(arrays[col])
        cells[col][row - 1] = value
    columns: dict[int, pa.Array | list[RawCell]] = {**arrays, **cells}
    last = 0
    for i, cells_of in list(columns.items()):
        filled = _last_filled(cells_of)
        if filled == 0:
            del columns[i]
        last = max(last, filled)
    return ColumnGrid(header, {i: c[:last] for i, c in columns.items()}, last)


_FIRST_MS = int((dt.datetime(1900, 3, 1) - dt.datetime(1970, 1, 1)).total_seconds() * 1000)
_LAST_MS = int((dt.datetime(9999, 12, 31, 23, 59, 59, 999000) - dt.datetime(1970, 1, 1)).total_seconds() * 1000)
_REFUSED_TEXT = re.compile(r"Expected \w+ but got 'String\(\"(.*)\"\)'", re.S)
_RUST_ESCAPE = re.compile(r"\\(?:u\{([0-9a-fA-F]{1,6})\}|(.))", re.S)
_RUST_CHARS = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


def _refused_words(refused: Any, infos: list[Any], errors: list[tuple[tuple[int, int], CellError]]
                   ) -> dict[tuple[int, int], str | None] | None:
    """The text cells fastexcel left empty in a column it typed as numbers or dates (it takes
    "N/A", "null", "NaN" and the like for missing values), by (data row from 1, sheet column),
    with their text; None when a refused cell is anything else (a date past what it holds):
    read row-wise. Error cells are the XML pass's own."""
    if refused is None:
        return {}
    words: dict[tuple[int, int], str | None] = {}
    errored = {at for at, _ in errors}
    for cell in refused.errors:
        row, index = cell.offset_position
        if not 0 <= index < len(infos):
            return None
        at = (row + 1, infos[index].absolute_index)
        if at in errored:
            continue
        text = _REFUSED_TEXT.fullmatch(cell.detail)
        if text is None:
            return None
        try:
            words[at] = _unescape_rust(text.group(1)) or None  # an empty text cell is empty
        except ValueError:
            return None
    return words


def _unescape_rust(text: str) -> str:
    """A string as Rust's ``{:?}`` escapes it, back to itself."""
    def one(m: "re.Match[str]") -> str:
        if m.group(1):
            return chr(int(m.group(1), 16))
        if m.group(2) not in _RUST_CHARS:
            raise ValueError(f"unknown escape \\{m.group(2)}")
        return _RUST_CHARS[m.group(2)]
    return _RUST_ESCAPE.sub(one, text)


def _last_filled(column: "pa.Array | list[RawCell]") -> int:
    """1 + the index of the last non-empty cell (0: none)."""
    if isinstance(column, list):
        return next((i + 1 for i in range(len(column) - 1, -1, -1) if column[i] is not None), 0)
    if column.null_count == len(column):
        return 0
    import pyarrow.compute as pc

    return int(pc.indices_nonzero(column.is_valid())[-1].as_py()) + 1


def _odd_values(odd: np.ndarray, texts: dict[str, int], arrays: dict[int, "pa.Array"]
                ) -> dict[int, tuple[np.ndarray, np.ndarray | None]]:
    """The values of the cells in text columns that are not text, as the row-wise read gives
    them, per sheet column: (data rows from 1, values); values None: read the tab row-wise.
    ``odd`` holds (column letters, row, attributes, stored value) per row, as found in the XML."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out: dict[int, tuple[np.ndarray, np.ndarray | None]] = {}
    if not len(odd):
        return out
    letters, row_texts, attributes, stored_texts = (odd[:, i] for i in range(4))
    distinct, which = np.unique(attributes, return_inverse=True)
    kind = np.array([_kind(a) for a in distinct.tolist()], dtype=object)[which.reshape(-1)]
    numbers = (kind == "n") & (stored_texts != b"")
    for letter in set(letters.tolist()):
        col = texts[letter.decode()]
        mine = letters == letter
        if ((kind[mine] != "n") & (kind[mine] != "e")).any():
            out[col] = (np.zeros(0, dtype=np.int64), None)  # a kind this read does not take
            continue
        take = mine & numbers
        rows = row_texts[mine].astype(np.int64) - 1  # data rows from 1 (sheet row 2 -> 1)
        if rows.size and (rows.min() < 1 or rows.max() > len(arrays[col])):
            out[col] = (rows, None)  # a header cell that is not text, or past the last row
            continue
        rows = row_texts[take].astype(np.int64) - 1
        try:
            stored = stored_texts[take].astype(np.float64)
        except ValueError:  # a number cell holding something else: calamine's own reading
            out[col] = (rows, None)
            continue
        values = np.empty(rows.size, dtype=object)
        values[:] = stored.tolist()
        shown = arrays[col].take(pa.array(rows - 1))
        dates = ~pc.fill_null(pc.match_substring_regex(shown, NUMBER_SHOWN), True).to_numpy(zero_copy_only=False)
        if dates.any():
            if (stored[dates] < 61).any():  # time-only cells, 1900's leap-day quirk: calamine's own
                out[col] = (rows, None)
                continue
            try:
                when = [dt.datetime.fromisoformat(x) for x in shown.filter(pa.array(dates)).to_pylist()]
            except ValueError:  # past the year 9999: calamine gives the number
                out[col] = (rows, None)
                continue
            values[dates] = [day_or_time(w) for w in when]
        blank = mine & (kind == "n") & (stored_texts == b"")
        if blank.any():  # a number cell with no stored value is empty
            rows = np.concatenate([rows, row_texts[blank].astype(np.int64) - 1])
            values = np.concatenate([values, np.full(int(blank.sum()), None, dtype=object)])
        out[col] = (rows, values)
    return out


def _put_back(shown: "pa.Array", at: np.ndarray, values: np.ndarray) -> list[RawCell]:
    """A text column's cells as the row-wise read gives them: ``values`` at the 0-based rows
    ``at``, fastexcel's text everywhere else. A column of numbers with a typed word (most
    cells in ``at``) takes only its few other cells from the text."""
    import pyarrow as pa

    if 2 * len(at) < len(shown):
        mixed = np.array(shown.to_pylist(), dtype=object)
    else:
        mixed = np.full(len(shown), None, dtype=object)
        others = shown.is_valid().to_numpy(zero_copy_only=False).copy()
        others[at] = False
        where = np.flatnonzero(others)
        if where.size:
            texts = np.empty(where.size, dtype=object)
            texts[:] = shown.take(pa.array(where)).to_pylist()
            mixed[where] = texts
    mixed[at] = values
    return mixed.tolist()


def _kind(attributes: bytes) -> str:
    t = T_ATTR.search(attributes)
    return t.group(1).decode() if t else "n"


_MIDNIGHT = dt.time()


def _days(value: dt.timedelta) -> float:
    return value.total_seconds() / 86400


def _trim(grid: Rows) -> None:
    while grid and all(v is None for v in grid[-1]):
        grid.pop()


def _put(grid: Rows, r: int, c: int, value: RawCell) -> None:
    width = max((len(row) for row in grid), default=0)
    while len(grid) <= r:
        grid.append([None] * width)
    row = grid[r]
    while len(row) <= c:
        row.append(None)
    row[c] = value


