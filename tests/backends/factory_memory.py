from __future__ import annotations

from pathlib import Path

from sheetops.backends.base import Grid, Workbook
from sheetops.backends.memory import MemoryWorkbook


def make(tmp_path: Path, tabs: dict[str, Grid]) -> Workbook:
    return MemoryWorkbook(tabs)


def reopen(workbook: Workbook) -> Workbook:
    assert isinstance(workbook, MemoryWorkbook)
    twin = MemoryWorkbook(workbook.tabs, label=workbook.label)
    twin._lock = workbook._lock  # same storage, same run lock
    return twin
