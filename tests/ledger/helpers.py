"""Small helpers for ledger tests: set a Status as a person would, read tabs by Payout ID."""

from __future__ import annotations

from typing import Any

import sheetops
from sheetops.backends.memory import MemoryWorkbook
from sheetops.workbook.cells import parse_money

from ..builders import rows


def cents(value: Any) -> int:
    return parse_money(value).value or 0


def payouts(wb: MemoryWorkbook) -> dict[str, dict[str, Any]]:
    return {r["Payout ID"]: r for r in rows(wb, "Payouts")}


def lines_of(wb: MemoryWorkbook, pid: str) -> list[dict[str, Any]]:
    return [r for r in rows(wb, "Commission Lines") if r["Payout ID"] == pid]


def errors(wb: MemoryWorkbook) -> list[dict[str, Any]]:
    return [r for r in rows(wb, "Issues") if r["Severity"] == "Error"]


def set_cell(wb: MemoryWorkbook, tab: str, pid: str, column: str, value: Any, *, key: str = "Payout ID") -> None:
    grid = wb.tabs[tab]
    head = grid[0]
    for row in grid[1:]:
        if row[head.index(key)] == pid:
            row[head.index(column)] = value
            return
    raise KeyError(pid)


def approve(wb: MemoryWorkbook, pid: str, status: str = "Approved") -> None:
    set_cell(wb, "Payouts", pid, "Status", status)


def run(wb: MemoryWorkbook, as_of: str) -> sheetops.RunResult:
    return sheetops.refresh(wb, as_of=as_of)
