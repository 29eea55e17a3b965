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
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

BLOCK_BYTES = 1 << 24
"""How much of the file one batch reads (about 50,000 export lines): memory stays bounded."""


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
    the ``csv`` module; ``reads_alike`` checks the line count once every batch was read."""
    if width < 1:
        raise NotColumnWise("no columns")
    names = [f"c{j}" for j in range(width)]
    try:
        reader = pa_csv.open_csv(
            path,
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=header_line, block_size=BLOCK_BYTES),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                              escape_char=False, newlines_in_values=False,
                                              ignore_empty_lines=True),
            convert_options=pa_csv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
        line = header_line + 1
        limit = csv.field_size_limit()
        for batch in reader:
            if batch.num_columns != width:
                raise NotColumnWise("another width")
            columns: list[pa.Array] = []
            for column in batch.columns:
                if len(column) and (pc.max(pc.binary_length(column)).as_py() or 0) > limit:
                    raise NotColumnWise("a cell the csv module refuses")  # let it say so
                if pc.any(pc.match_substring(column, "\ufeff")).as_py():
                    column = pc.replace_substring(column, "\ufeff", "")
                columns.append(column)
            yield CsvBatch(columns, line)
            line += batch.num_rows
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        raise NotColumnWise(str(exc)) from None


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
