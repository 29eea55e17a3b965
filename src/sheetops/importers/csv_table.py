"""A CSV export's data rows read column-wise (pyarrow), cell for cell as ``sources.py`` reads them.

``sources.ExportSource.rows`` streams a CSV through Python's ``csv`` module, one list of
cells per row. For a large export that is slow, and everything after it (the scan, the
mapping to Orders lines) pays a Python call per cell. ``column_batches`` reads the rows under
the header into Arrow text columns instead, a block of the file at a time.

The two reads must give the same cells and the same line numbers, so the column-wise read is
used only when it provably does (else ``NotColumnWise``, and the import reads row by row):

- every data row has as many cells as the header (pyarrow refuses ragged rows);
- one row per physical line: the file's line breaks number exactly the header's line plus the
  rows read, so no quoted value spans lines and no blank line was skipped (pyarrow skips blank
  lines, where the ``csv`` module gives an empty row). Line ``header_line + 1 + i`` is row ``i``;
- no cell is longer than the ``csv`` module's field limit (it stops with an error there);
- the file is UTF-8 (pyarrow checks; the row-wise read then says what to do).

Quoting is read alike (doubled quotes, a quote inside an unquoted value kept, text after a
closing quote joined), which ``tests/importers/test_csv_columns.py`` holds against the ``csv``
module on random files. Byte order marks are dropped from cells as the row-wise read does.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

BLOCK_BYTES = 1 << 22
"""How much of the file one batch reads (about 15,000 export lines): memory stays bounded."""


class NotColumnWise(Exception):
    """The column-wise read cannot promise the row-wise read's cells; read the file row by row."""


@dataclass
class CsvBatch:
    """Consecutive data rows of one CSV export: ``columns[j][i]`` is cell ``j`` of row ``i`` (text)."""

    columns: list[pa.Array]
    first_line: int
    """The file line of row 0."""

    @property
    def rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def cells(self, i: int) -> list[str]:
        """Row ``i`` as the row-wise read gives it."""
        return [column[i].as_py() for column in self.columns]


def column_batches(path: Path, *, delimiter: str, header_line: int, width: int) -> Iterator[CsvBatch]:
    """The rows under line ``header_line`` of ``path``, ``width`` cells each, a batch at a time.

    Raises ``NotColumnWise`` (possibly after some batches) when a batch might read otherwise than
    the ``csv`` module; ``reads_alike`` checks the line count once every batch was read.

    The file is read in pieces of about ``BLOCK_BYTES``, cut after a line break, into Arrow
    memory, each parsed by ``pyarrow.csv.read_csv`` on both cores. (pyarrow's own streaming reader reads up to 32 blocks ahead, which held 300 MB for
    a million lines.) A piece with an odd number of quote marks might end inside a quoted
    value: the file is then read row by row."""
    if width < 1:
        raise NotColumnWise("no columns")
    names = [f"c{j}" for j in range(width)]
    parse = pa_csv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True, escape_char=False,
                                newlines_in_values=False, ignore_empty_lines=True)
    convert = pa_csv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                                    quoted_strings_can_be_null=False)
    read = pa_csv.ReadOptions(column_names=names)
    line = header_line + 1
    limit = csv.field_size_limit()
    try:
        for piece in _pieces(path, header_line):
            if _quotes(piece) % 2:
                raise NotColumnWise("a piece ends inside quotes")
            if piece.slice(0, min(3, piece.size)).to_pybytes() == "\ufeff".encode():
                raise NotColumnWise("a line starts with a byte order mark")  # read_csv would drop it
            table = pa_csv.read_csv(pa.BufferReader(piece), parse_options=parse, convert_options=convert,
                                    read_options=read)
            if table.num_columns != width:
                raise NotColumnWise("another width")
            columns: list[pa.Array] = []
            for column in table.columns:
                column = column.combine_chunks()
                if len(column) and (pc.max(pc.binary_length(column)).as_py() or 0) > limit:
                    raise NotColumnWise("a cell the csv module refuses")  # let it say so
                if pc.any(pc.match_substring(column, "\ufeff")).as_py():
                    column = pc.replace_substring(column, "\ufeff", "")
                columns.append(column)
            if table.num_rows:
                yield CsvBatch(columns, line)
            line += table.num_rows
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        raise NotColumnWise(str(exc)) from None


def _quotes(piece: pa.Buffer) -> int:
    """How many ``"`` a piece holds, counted a quarter megabyte at a time."""
    data, step = np.frombuffer(piece, dtype=np.uint8), 1 << 18
    return sum(int(np.count_nonzero(data[i:i + step] == 34)) for i in range(0, len(data), step))


def _line_end(data: bytes, start: int) -> int:
    """Where the line starting at ``start`` ends (after its ``\\n``, ``\\r\\n`` or ``\\r``), or -1."""
    ends = [i for i in (data.find(b"\n", start), data.find(b"\r", start)) if i >= 0]
    if not ends or min(ends) == len(data) - 1 and data[-1:] == b"\r":
        return -1  # no break yet (a \r at the end may be the first half of \r\n)
    end = min(ends)
    return end + 2 if data[end:end + 2] == b"\r\n" else end + 1


def _data_start(handle: BinaryIO, header_line: int) -> int | None:
    """The byte offset of the line after line ``header_line``, or None when the file ends before."""
    data, start = b"", 0
    for _ in range(header_line):
        while (end := _line_end(data, start)) < 0:
            more = handle.read(1 << 16)
            if not more:
                return len(data) if start < len(data) and data.endswith(b"\r") else None
            data += more
        start = end
    return start


def _last_break(window: np.ndarray) -> int:
    """The index after the last line break in ``window``, or 0."""
    size = 1 << 16
    while True:
        tail = window[-size:]
        found = np.flatnonzero((tail == 10) | (tail == 13))
        if len(found):
            return len(window) - len(tail) + int(found[-1]) + 1
        if len(tail) == len(window):
            return 0
        size *= 4


def _pieces(path: Path, header_line: int) -> Iterator[pa.Buffer]:
    """The data under line ``header_line`` in pieces of about ``BLOCK_BYTES``, each ending
    after a line break (the last one perhaps not), read into Arrow memory."""
    with open(path, "rb") as handle:
        start = _data_start(handle, header_line)
        if start is None:
            return
        handle.seek(start)
        carry = np.empty(0, dtype=np.uint8)
        while True:
            buffer = pa.allocate_buffer(len(carry) + BLOCK_BYTES)
            data = np.frombuffer(buffer, dtype=np.uint8)
            data[:len(carry)] = carry
            got = handle.readinto(memoryview(buffer)[len(carry):])  # type: ignore[attr-defined]
            filled = len(carry) + (got or 0)
            if not got:
                if filled:
                    yield buffer.slice(0, filled)
                return
            cut = _last_break(data[:filled])
            if cut:
                yield buffer.slice(0, cut)
            carry = data[cut:filled]  # a line longer than a block waits for the next


def reads_alike(path: Path, *, header_line: int, rows: int) -> bool:
    """Whether ``rows`` data rows under line ``header_line`` are one per physical line: the
    file's line breaks (``\r\n``, ``\n`` or ``\r``) number exactly that many."""
    breaks, last, carriage_before = 0, b"", False
    with open(path, "rb") as handle:
        while block := handle.read(1 << 18):
            breaks += block.count(b"\n") + block.count(b"\r") - block.count(b"\r\n")
            if carriage_before and block.startswith(b"\n"):
                breaks -= 1  # a \r\n split between two blocks
            carriage_before = block.endswith(b"\r")
            last = block
    return breaks + (0 if last.endswith((b"\n", b"\r")) else 1) == header_line + rows
