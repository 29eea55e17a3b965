"""A refresh reads Commission Lines, the largest tab it reads, only when a payout waits to be
locked (issue #21): a Payouts row set to Approved or Paid that the Ledger does not hold yet."""

from __future__ import annotations

from typing import Any, Sequence

import sheetops
from sheetops.backends.base import Grid
from sheetops.backends.memory import MemoryWorkbook

from ..builders import order, rows, workbook

AS_OF = "2026-11-18"


class Counting(MemoryWorkbook):
    """A memory workbook that notes every tab it is asked to read."""

    def __init__(self, tabs: dict[str, Any]) -> None:
        super().__init__(tabs)
        self.asked: list[str] = []

    def read(self, tabs: Sequence[str]) -> dict[str, Grid]:
        self.asked += list(tabs)
        return super().read(tabs)


def _program() -> Counting:
    wb = Counting(workbook(orders=[order("O1", "@glowwithmia", 120), order("O2", "dadjokesdan", 80)]).tabs)
    sheetops.refresh(wb, as_of=AS_OF)
    return wb


def _approve(wb: MemoryWorkbook, n: int = 0) -> str:
    grid = wb.tabs["Payouts"]
    head = [str(h) for h in grid[0]]
    row = [r for r in grid[1:] if r[head.index("Status")] == "Draft"][n]
    row[head.index("Status")] = "Approved"
    return str(row[head.index("Payout ID")])


def test_commission_lines_are_read_only_while_a_payout_waits_to_be_locked() -> None:
    wb = _program()
    wb.asked.clear()
    sheetops.refresh(wb, as_of=AS_OF)  # nothing approved: not read
    assert "Commission Lines" not in wb.asked and "Ledger" in wb.asked

    pid = _approve(wb)
    wb.asked.clear()
    result = sheetops.refresh(wb, as_of=AS_OF)  # an approval to lock: read, and locked as shown
    assert "Commission Lines" in wb.asked
    assert result.payouts["locked"] == 1 and not result.payouts.get("not_locked")
    assert [r["Status"] for r in rows(wb, "Payouts") if r["Payout ID"] == pid] == ["Approved"]

    wb.asked.clear()
    again = sheetops.refresh(wb, as_of=AS_OF)  # locked now: the Ledger holds it, not read again
    assert "Commission Lines" not in wb.asked
    assert again.payouts["locked"] == 1
    assert any(r["Payout ID"] == pid for r in rows(wb, "Commission Lines"))  # its lines still shown


def test_a_dry_run_reads_every_tab_it_compares() -> None:
    wb = _program()
    wb.asked.clear()
    sheetops.refresh(wb, as_of=AS_OF, dry_run=True)
    assert "Commission Lines" in wb.asked


def test_a_dry_run_of_a_workbook_with_nothing_to_pay_counts_no_rows() -> None:
    wb = Counting(workbook(orders=[]).tabs)
    sheetops.refresh(wb, as_of=AS_OF)  # Payouts now says "No payouts yet"
    dry = sheetops.refresh(wb, as_of=AS_OF, dry_run=True)
    payouts = dry.changes["Payouts"]
    assert payouts["rows_after"] == 0 and payouts["rows_now"] == 0 and payouts["new_payouts"] == 0
