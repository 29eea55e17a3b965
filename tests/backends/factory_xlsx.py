"""The ``.xlsx`` backend in the contract suite: workbooks made by openpyxl, as people's are."""

from __future__ import annotations

import itertools
from pathlib import Path

import openpyxl

from sheetops.backends.base import Grid, Workbook
from sheetops.backends.xlsx import XlsxWorkbook

_COUNTER = itertools.count()


def write_grid_workbook(path: Path, tabs: dict[str, Grid]) -> Path:
    """An openpyxl workbook holding ``tabs``; text is stored as text even when it looks
    like a formula (``=1+1``), as a person's typed text would be."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in tabs.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(r, c)
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"
    book.save(path)
    return path


def make(tmp_path: Path, tabs: dict[str, Grid]) -> Workbook:
    tmp_path.mkdir(parents=True, exist_ok=True)
    return XlsxWorkbook(write_grid_workbook(tmp_path / f"book{next(_COUNTER)}.xlsx", tabs))


def reopen(workbook: Workbook) -> Workbook:
    assert isinstance(workbook, XlsxWorkbook)
    return XlsxWorkbook(workbook.path)
