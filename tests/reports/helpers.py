"""Reading a report tab back the way a person scans it: find a heading, read its table."""

from __future__ import annotations

from typing import Any

from sheetops.backends.memory import MemoryWorkbook

AS_OF = "2026-11-18"  # last closed week 2026-11-09..15; the week before 2026-11-02..08


def grid(wb: MemoryWorkbook, tab: str) -> list[list[Any]]:
    return wb.tabs[tab]


def find_row(rows: list[list[Any]], first_cell: str, *, exact: bool = False) -> int:
    """The index of the first row whose column A starts with (or is) ``first_cell``."""
    for i, row in enumerate(rows):
        if isinstance(row[0], str) and (row[0] == first_cell if exact else row[0].startswith(first_cell)):
            return i
    raise AssertionError(f"no row starting with {first_cell!r}")


def section(rows: list[list[Any]], heading: str) -> list[dict[str, Any]]:
    """The table under ``heading``: its header row, then rows until a blank column A."""
    h = find_row(rows, heading)
    header = [c for c in rows[h + 1] if c is not None]
    out = []
    for row in rows[h + 2:]:
        if row[0] is None or row[0] == "":
            break
        out.append(dict(zip(header, row)))
    return out


def after_section(rows: list[list[Any]], heading: str) -> list[list[Any]]:
    """The rows that follow the table under ``heading`` up to the next blank row (totals, notes)."""
    h = find_row(rows, heading)
    i = h + 2
    while i < len(rows) and rows[i][0] not in (None, ""):
        i += 1
    out = []
    while i < len(rows) and any(v not in (None, "") for v in rows[i]):
        out.append(rows[i])
        i += 1
    return out


def measure(rows: list[list[Any]], name: str) -> list[Any]:
    """A row of the Headline numbers table: [this period, the period before, change, note]."""
    start = find_row(rows, "Headline numbers", exact=True)
    return rows[start + find_row(rows[start:], name, exact=True)][1:5]


def tab_dicts(wb: MemoryWorkbook, tab: str) -> list[dict[str, Any]]:
    g = wb.tabs[tab]
    return [dict(zip(g[0], r)) for r in g[1:]]
