"""Export files as streams of (line number, cells), read again as often as needed.

CSV files are streamed with the ``csv`` module (UTF-8, with or without a byte order mark;
comma, semicolon or tab separated), so a file of a million lines is never held in memory.
XLSX files are read with python-calamine, row by row. Line numbers are 1-based lines of
the file (for a CSV field that spans lines, the line where the row starts) or sheet rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..backends.base import RawCell
from ..errors import ImportFileError
from .layouts import HEADER_SEARCH_ROWS, header_key

Row = tuple[int, list[RawCell]]

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
_DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_BYTES = 64 * 1024


@dataclass(frozen=True)
class ExportSource:
    """One export file; ``rows()`` starts a fresh pass over it each time."""

    path: Path
    sheet: int = 0

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def is_csv(self) -> bool:
        return self.path.suffix.lower() not in XLSX_SUFFIXES

    def sheet_count(self) -> int:
        if self.is_csv:
            return 1
        return len(_calamine(self.path).sheet_names)

    def rows(self) -> Iterator[Row]:
        if not self.path.exists():
            raise ImportFileError(f"There is no file {self.path}; check the path and import again.")
        if self.path.is_dir():
            raise ImportFileError(f"{self.path} is a folder; give the export files themselves.")
        return self._csv_rows() if self.is_csv else self._xlsx_rows()

    def _csv_rows(self) -> Iterator[Row]:
        delimiter = sniff_delimiter(self.path)
        try:
            with open(self.path, encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle, delimiter=delimiter)
                next_line = 1
                for cells in reader:
                    yield next_line, [c.replace("\ufeff", "") if "\ufeff" in c else c for c in cells]
                    next_line = reader.line_num + 1
        except UnicodeDecodeError:
            raise ImportFileError(
                f"{self.name} is not UTF-8 text; export it again from TikTok Shop as CSV or XLSX, "
                "or save it as 'CSV UTF-8' before importing."
            ) from None
        except csv.Error as exc:
            raise ImportFileError(
                f"{self.name} is not a readable CSV file ({exc}); export it again from TikTok Shop."
            ) from None

    def _xlsx_rows(self) -> Iterator[Row]:
        book = _calamine(self.path)
        sheet = book.get_sheet_by_index(self.sheet)
        first_row = sheet.start[0] if sheet.start else 0
        first_col = sheet.start[1] if sheet.start else 0
        for i, cells in enumerate(sheet.iter_rows()):
            yield first_row + i + 1, [None] * first_col + list(cells)


def _calamine(path: Path):  # type: ignore[no-untyped-def]
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types per format
        raise ImportFileError(
            f"{path.name} could not be opened as a spreadsheet ({exc}); export it again as CSV or XLSX."
        ) from None


def sniff_delimiter(path: Path) -> str:
    """The separator that splits the header row (the one with ``Order ID``) into the most
    cells; without such a row, the one giving the widest rows (comma when unsure)."""
    with open(path, "rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
    text = sample.decode("utf-8-sig", errors="ignore")
    if len(sample) == _SAMPLE_BYTES and "\n" in text:
        text = text[: text.rfind("\n")]
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))[:HEADER_SEARCH_ROWS]
        except csv.Error:
            continue
        header_width = max((len(r) for r in rows if any(header_key(c) == "order id" for c in r)), default=0)
        score = (header_width, max((len(r) for r in rows), default=0))
        if score > best_score:
            best, best_score = delimiter, score
    return best
