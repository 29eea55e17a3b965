"""Workbook backends and ``open_workbook``, which picks one from what a person typed."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BadArguments, WorkbookNotFound
from .base import Workbook

if TYPE_CHECKING:
    from .memory import MemoryWorkbook

_SHEET_URL = re.compile(r"docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]+)")


def spreadsheet_id(target: str) -> str | None:
    """The Google spreadsheet ID in a URL or ``gsheet:<ID>``, else None."""
    if target.startswith("gsheet:"):
        return target.removeprefix("gsheet:").strip() or None
    m = _SHEET_URL.search(target)
    return m.group(1) if m else None


def open_workbook(target: "str | os.PathLike[str] | Workbook") -> Workbook:
    """A backend for an ``.xlsx``/``.xlsm`` path, a Google Sheets URL, ``gsheet:<ID>``,
    or a backend object (returned as it is)."""
    if isinstance(target, Workbook) and not isinstance(target, (str, os.PathLike)):
        return target
    text = os.fspath(target)
    sheet_id = spreadsheet_id(text)
    if sheet_id:
        from .gsheets import GoogleSheetsWorkbook

        return GoogleSheetsWorkbook.open(sheet_id)
    path = Path(text)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise BadArguments(
            f"{text} is not a workbook SheetOps can open; give an .xlsx or .xlsm file, "
            "a Google Sheets URL, or gsheet:<ID>."
        )
    if not path.exists():
        raise WorkbookNotFound(f"There is no file {text}; check the path, or create one with 'sheetops init {text}'.")
    from .xlsx import XlsxWorkbook

    return XlsxWorkbook(path)


def __getattr__(name: str) -> Any:
    """``MemoryWorkbook`` on first use (PEP 562): it loads pandas, which opening a path does not need yet."""
    if name == "MemoryWorkbook":
        from .memory import MemoryWorkbook

        return MemoryWorkbook
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["MemoryWorkbook", "Workbook", "open_workbook", "spreadsheet_id"]
