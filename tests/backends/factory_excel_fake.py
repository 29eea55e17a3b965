"""The live-Excel backend over the xlwings fake (``sheetops.testing.fake_xlwings``)."""

from __future__ import annotations

from pathlib import Path

from sheetops.backends.base import Grid, Workbook
from sheetops.backends.excel_live import ExcelLiveWorkbook
from sheetops.testing import fake_xlwings as xw


def make(tmp_path: Path, tabs: dict[str, Grid]) -> Workbook:
    # tmp_path keeps books of different tests apart (the run lock is keyed by full name)
    book = xw.Book(f"{tmp_path.name}.xlsx", tabs={name: [list(r) for r in rows] for name, rows in tabs.items()})
    return ExcelLiveWorkbook(book)


def reopen(workbook: Workbook) -> Workbook:
    assert isinstance(workbook, ExcelLiveWorkbook)
    return ExcelLiveWorkbook(workbook.book)
