"""Run Log: one row per run, also when the run fails after reading the workbook."""

from __future__ import annotations

import pytest

import sheetops
from sheetops.backends.base import WritePlan
from sheetops.backends.memory import MemoryWorkbook

from ..builders import order, rows, workbook


class FailsOnBigWrites(MemoryWorkbook):
    """Refuses any plan with more than one tab, as a full disk or a dropped connection would."""

    def apply(self, plan: WritePlan) -> None:
        if len(plan.tabs) > 1:
            raise OSError("No space left on device")
        super().apply(plan)


def test_each_run_appends_one_row() -> None:
    wb = workbook(orders=[order("O1", "glowwithmia", 100)])
    sheetops.refresh(wb, as_of="2026-11-18", trigger="cli")
    sheetops.refresh(wb, as_of="2026-11-18", trigger="schedule")
    log = rows(wb, "Run Log")
    assert [r["Trigger"] for r in log] == ["cli", "schedule"]
    assert all(r["Result"] == "ok" and r["Version"] == sheetops.__version__ for r in log)
    assert "Orders 1" in log[0]["Rows read"]


def test_a_failed_write_still_leaves_a_row_and_nothing_else() -> None:
    good = workbook(orders=[order("O1", "glowwithmia", 100)])
    failing = FailsOnBigWrites(good.tabs)
    with pytest.raises(OSError):
        sheetops.refresh(failing, as_of="2026-11-18")
    assert "Payouts" not in failing.tabs, "nothing but the Run Log was written"
    log = rows(failing, "Run Log")
    assert len(log) == 1 and log[0]["Result"].startswith("failed")


def test_a_title_typed_above_the_header_keeps_the_earlier_runs() -> None:
    """Someone typed a title row above the Run Log's header: the earlier runs are still read
    by their header (not blanked through the title row), and the title is kept."""
    wb = workbook(orders=[order("O1", "glowwithmia", 100)])
    sheetops.refresh(wb, as_of="2026-11-18", trigger="cli")
    sheetops.refresh(wb, as_of="2026-11-18", trigger="schedule")
    wb.tabs["Run Log"].insert(0, ["Refresh history of the Lumi program"])
    sheetops.refresh(wb, as_of="2026-11-18", trigger="excel")
    grid = wb.tabs["Run Log"]
    assert [r[2] for r in grid[1:] if len(r) > 2 and r[2]] == ["cli", "schedule", "excel"]
    assert any(r and r[0] == "Refresh history of the Lumi program" for r in grid)
    errors = grid[0].index("Errors")
    assert all(type(r[errors]) is int for r in grid[1:] if len(r) > 2 and r[2])  # counts stay counts, not 0.00


def test_a_run_log_whose_header_was_deleted_keeps_every_run() -> None:
    wb = workbook(orders=[order("O1", "glowwithmia", 100)])
    sheetops.refresh(wb, as_of="2026-11-18", trigger="cli")
    sheetops.refresh(wb, as_of="2026-11-18", trigger="schedule")
    del wb.tabs["Run Log"][0]  # the header row deleted
    sheetops.refresh(wb, as_of="2026-11-18", trigger="excel")
    grid = wb.tabs["Run Log"]
    assert [r[2] for r in grid[1:]] == ["cli", "schedule", "excel"]  # by position, nothing blanked
