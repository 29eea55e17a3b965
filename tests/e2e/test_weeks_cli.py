"""A program run week after week from the command line, with a manager typing approvals,
payments and a late refund into the .xlsx between runs: over the whole history, what was
paid or is due equals what the creators earned, to the cent."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from sheetops.backends.base import TabEdit, WritePlan
from sheetops.backends.memory import MemoryWorkbook
from sheetops.backends.xlsx import XlsxWorkbook
from sheetops.workbook.cells import parse_money

from ..backends.factory_xlsx import write_grid_workbook
from ..builders import ORDER_HEADER, order, settings
from .conftest import sheetops

RULES = [["Rule", "Type", "Creator", "Campaign", "Product", "Tier", "Rate", "Amount", "Min GMV", "Max GMV",
          "Valid from", "Valid to", "Priority"],
         ["R-BASE", "Percent", "", "", "", "", "10%", "", "", "", "", "", ""],
         ["B-GOLD", "Bonus", "", "", "", "Gold", "2%", "", "500", "", "", "", ""]]
CREATORS = [["Creator", "Name", "Status", "Tier", "Email"],
            ["@glowwithmia", "Mia Tran", "Active", "Gold", "mia@example.com"],
            ["dadjokesdan", "Dan Ruiz", "Active", "Silver", "dan@example.com"]]
ORDERS = [order("O1", "glowwithmia", 800, settled="2026-11-10"),
          order("O2", "dadjokesdan", 120, settled="2026-11-11"),
          order("O3", "glowwithmia", 300, settled="2026-11-18", ordered="2026-11-12 09:00:00"),
          order("O4", "dadjokesdan", 60, settled="2026-11-24", ordered="2026-11-16 09:00:00")]


def _tabs() -> dict[str, list[list[Any]]]:
    return {"Settings": settings(minimum_payout=20), "Creators": CREATORS, "Rules": RULES,
            "Orders": [ORDER_HEADER, *ORDERS]}


def _run(book: Path, as_of: str) -> dict[str, Any]:
    done = sheetops("run", str(book), "--as-of", as_of, "--json")
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def _payouts(book: Path) -> tuple[list[str], list[list[Any]]]:
    grid = XlsxWorkbook(book).read(["Payouts"])["Payouts"]
    return grid[0], [r for r in grid[1:] if r and r[0]]


def _type(book: Path, tab: str, cells: dict[tuple[int, int], Any]) -> None:
    """A person typing into cells (row/column 0-based; row 0 is the header)."""
    XlsxWorkbook(book).apply(WritePlan(edits=[TabEdit(tab, set_cells=cells)]))


def _set_status(book: Path, payout_id: str, status: str) -> None:
    header, rows = _payouts(book)
    row = next(i for i, r in enumerate(rows, start=1) if r[0] == payout_id)
    _type(book, "Payouts", {(row, header.index("Status")): status, (row, header.index("Approved by")): "Ana"})


def _totals(header: list[str], rows: list[list[Any]]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for r in rows:
        out[str(r[header.index("Creator")]).lstrip("@").lower()] += parse_money(r[header.index("Total")]).value or 0
    return dict(out)


def test_weeks_of_approvals_payments_and_a_late_refund(tmp_path: Path) -> None:
    book = write_grid_workbook(tmp_path / "lumi.xlsx", _tabs())

    _run(book, "2026-11-18")                      # week of 11-09 closes
    _set_status(book, "2026-11-09/glowwithmia", "Approved")
    _set_status(book, "2026-11-09/dadjokesdan", "Approved")
    first = _run(book, "2026-11-25")              # locks both; week of 11-16 closes
    assert first["payouts"]["locked"] == 2
    header, rows = _payouts(book)
    locked_before = {r[0]: r for r in rows if r[header.index("Status")] in ("Approved", "Paid")}

    _set_status(book, "2026-11-09/glowwithmia", "Paid")
    # TikTok reports a full refund of O1 after Mia was paid: the manager types it in.
    orders = XlsxWorkbook(book).read(["Orders"])["Orders"]
    o1 = next(i for i, r in enumerate(orders) if r and r[0] == "O1")
    _type(book, "Orders", {(o1, ORDER_HEADER.index("Status")): "Refunded", (o1, ORDER_HEADER.index("Refund")): 800})
    _run(book, "2026-12-02")
    again = _run(book, "2026-12-02")              # a second run changes nothing
    header, rows = _payouts(book)

    for pid, before in locked_before.items():     # locked rows never change their amounts
        now = next(r for r in rows if r[0] == pid)
        assert now[: header.index("Currency") + 1] == before[: header.index("Currency") + 1]
    lines = XlsxWorkbook(book).read(["Commission Lines"])["Commission Lines"]
    kinds = [dict(zip(lines[0], r)).get("Kind") for r in lines[1:]]
    assert "Correction" in kinds, "the refund after payment comes back as a Correction"

    # What everyone is owed, over the whole history, equals what the items earn today:
    fresh = MemoryWorkbook({**_tabs(), "Orders": [ORDER_HEADER, *[r if r[0] != "O1" else
                            order("O1", "glowwithmia", 800, settled="2026-11-10", status="Refunded", refund=800)
                            for r in ORDERS]]})
    import sheetops

    sheetops.refresh(fresh, as_of="2026-12-02")
    earned = _totals(fresh.tabs["Payouts"][0], fresh.tabs["Payouts"][1:])
    assert _totals(header, rows) == earned
    assert again["payouts"] == _run(book, "2026-12-02")["payouts"]


def test_switching_to_monthly_marks_the_weekly_report_not_refreshed(tmp_path: Path) -> None:
    """No stale tab: after Payout period turns Monthly, the Weekly Report says it is not
    refreshed and which tab is (issue #15)."""
    book = write_grid_workbook(tmp_path / "lumi.xlsx", _tabs())
    _run(book, "2026-11-25")
    weekly = XlsxWorkbook(book).read(["Weekly Report"])["Weekly Report"]
    assert any("Net GMV" in str(v) for row in weekly for v in row)
    grid = XlsxWorkbook(book).read(["Settings"])["Settings"]
    at = next(i for i, r in enumerate(grid) if r and r[0] == "Payout period")
    _type(book, "Settings", {(at, 1): "Monthly"})
    _run(book, "2026-12-02")
    tabs = XlsxWorkbook(book).read(["Weekly Report", "Monthly Report"])
    stale = [v for row in tabs["Weekly Report"] for v in row if v]
    assert len(stale) == 1 and "Not refreshed" in stale[0] and "Monthly Report" in stale[0]
    assert any("Net GMV" in str(v) for row in tabs["Monthly Report"] for v in row)
