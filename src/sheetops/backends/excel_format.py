"""Formatting a live Excel sheet through xlwings' COM objects: filter buttons, colour rules,
the tab colour. Best effort: ``excel_live`` runs each step so that a platform that refuses one
(Excel for Mac's AppleScript bridge names some members differently) only notes it."""

from __future__ import annotations

from typing import Any

MAX_ROWS = 1_048_576


TOOL_TAB_COLOR = "9E9E9E"
"""The grey of the tabs the tool writes (the templates and the Google backend use it too)."""


def excel_color(hex_rgb: str) -> int:
    """``RRGGBB`` as Excel's colour integer (red + 256 green + 65536 blue)."""
    r, g, b = (int(hex_rgb[i:i + 2], 16) for i in (0, 2, 4))
    return r + 256 * g + 65536 * b


def apply_filter(sheet: Any, columns: int, last_row: int) -> None:
    """Filter buttons on the header (a sheet has one AutoFilter: an old one is removed first)."""
    if sheet.api.AutoFilterMode:
        sheet.api.AutoFilterMode = False
    sheet.range((1, 1), (max(last_row, 2), columns)).api.AutoFilter()


def highlight(sheet: Any, first_row: int, col: int, fills: dict[str, str]) -> None:
    """One conditional format per value (cell value equals it), replacing the column's old ones."""
    rng = sheet.range((first_row, col), (MAX_ROWS, col))
    rng.api.FormatConditions.Delete()
    for value, fill in fills.items():
        condition = rng.api.FormatConditions.Add(Type=1, Operator=3, Formula1='="' + value.replace('"', '""') + '"')
        condition.Interior.Color = excel_color(fill)
