"""The QBR tab: quarter windows, tiers, campaigns and creator segments with their rules."""

from __future__ import annotations

import pandas as pd
import pytest

import sheetops
from sheetops.reports.qbr import SEGMENTS, quarter_windows

from ..builders import order, workbook
from .helpers import AS_OF, after_section, find_row, grid, measure, section

Q3 = "2026-08-10 10:00:00"
Q4 = "2026-10-12 10:00:00"

# creator: (Net GMV last quarter, Net GMV this quarter, tier)
PLAN = {
    "ana": (100, 125, "Gold"),    # exactly +25%: rising
    "ben": (100, 124, "Gold"),    # +24%: not rising
    "cat": (100, 75, "Silver"),   # exactly -25%: declining
    "dov": (100, 76, "Silver"),   # -24%: not declining
    "eve": (100, 0, "Silver"),    # dormant
    "fay": (0, 50, ""),           # new or returning
    "gus": (10000, 10000, "Gold"),  # top performer (1 of 6 sellers: the top 10% rounds up to one)
}


def segment_workbook() -> sheetops.backends.memory.MemoryWorkbook:  # type: ignore[name-defined]
    creators = [[h, h.title(), "Active", tier, "2026-01-01"] for h, (_, _, tier) in PLAN.items()]
    orders = []
    for h, (before, now, _) in PLAN.items():
        if before:
            orders.append(order(f"{h}-q3", h, before, ordered=Q3, settled=None, status="Pending"))
        if now:
            orders.append(order(f"{h}-q4", h, now, ordered=Q4, settled=None, status="Pending"))
    orders += [
        order("edge-q3", "ben", 0.5, ordered="2026-09-30 23:59:00", settled=None, status="Pending", sku="S2"),
        order("in-progress", "eve", 999, ordered="2026-11-16 09:00:00", settled=None, status="Pending"),
    ]
    return workbook(creators=creators, orders=orders, client="Lumi Beauty")


def test_quarter_windows() -> None:
    now, before = quarter_windows(pd.Timestamp("2026-11-15"))
    assert (now.label, now.first, now.last) == ("Q4 2026 to date", pd.Timestamp("2026-10-01"), pd.Timestamp("2026-11-15"))
    # a quarter in progress (46 days) against the same 46 days of the quarter before: like for like
    assert (before.label, before.first, before.last) == ("Q3 2026, first 46 days", pd.Timestamp("2026-07-01"),
                                                         pd.Timestamp("2026-08-15"))
    now, before = quarter_windows(pd.Timestamp("2026-03-31"))  # a closed quarter: the whole quarter before
    assert now.span == "Q1 2026 (2026-01-01 to 2026-03-31)" and before.span == "Q4 2025 (2025-10-01 to 2025-12-31)"
    now, before = quarter_windows(pd.Timestamp("2026-12-30"))  # 91 days of Q4; Q3 has 92
    assert before.span == "Q3 2026, first 91 days (2026-07-01 to 2026-09-29)"
    now, before = quarter_windows(pd.Timestamp("2026-05-31"))  # Q2 day 61; Q1 2026 has 90 days
    assert before.span == "Q1 2026, first 61 days (2026-01-01 to 2026-03-02)"


def test_headline_counts_the_quarter_to_the_last_closed_period() -> None:
    wb = segment_workbook()
    sheetops.refresh(wb, as_of=AS_OF)
    rows = grid(wb, "QBR")
    assert rows[2][:2] == ["Quarter", "Q4 2026 to date (2026-10-01 to 2026-11-15)"]
    assert rows[3][:2] == ["Compared with", "Q3 2026, first 46 days (2026-07-01 to 2026-08-15)"]
    now = sum(n for _, n, _ in PLAN.values())
    before = sum(b for b, _, _ in PLAN.values())
    gmv = measure(rows, "Net GMV")
    assert gmv[:2] == [now, before] and gmv[2] == pytest.approx(now / before - 1)
    assert measure(rows, "Orders")[:2] == [6, 6]  # the 0.50 line on 2026-09-30 is after Q3's first 46 days


def test_segments_follow_their_written_rules() -> None:
    wb = segment_workbook()
    sheetops.refresh(wb, as_of=AS_OF)
    rows = grid(wb, "QBR")
    members = {s.name: [r["Creator"] for r in section(rows, f"{s.name}: ")] for s in SEGMENTS}
    assert members == {"Top performers": ["gus"], "Rising": ["ana"], "New or returning": ["fay"],
                       "Declining": ["cat"], "Dormant": ["eve"]}
    summary = {r["Segment"]: r for r in section(rows, "Creator segments")}
    for s in SEGMENTS:
        assert summary[s.name]["Rule"] == s.rule and summary[s.name]["Creators"] == len(members[s.name])
        assert rows[find_row(rows, f"{s.name}: ")][0] == f"{s.name}: {s.rule}"
    assert "top 10%" in summary["Top performers"]["Rule"] and "25%" in summary["Rising"]["Rule"]


def test_tiers_and_campaigns_add_up_to_the_headline() -> None:
    wb = segment_workbook()
    sheetops.refresh(wb, as_of=AS_OF)
    rows = grid(wb, "QBR")
    tiers = section(rows, "Net GMV by creator tier")
    assert [t["Tier"] for t in tiers] == ["Gold", "Silver", "(no tier)"]
    assert tiers[0]["This quarter"] == 125 + 124 + 10000 and tiers[0]["Creators selling"] == 3
    assert sum(t["This quarter"] for t in tiers) == measure(rows, "Net GMV")[0]
    assert sum(t["Last quarter"] for t in tiers) == measure(rows, "Net GMV")[1]
    assert sum(t["Share"] for t in tiers) == pytest.approx(1.0)
    camps = section(rows, "Net GMV by campaign")
    assert sum(c["This quarter"] for c in camps) == measure(rows, "Net GMV")[0]
    fall = next(c for c in camps if c["Campaign"] == "FALL26")  # P100 inside FALL26 from 2026-10-01
    assert fall["This quarter"] == measure(rows, "Net GMV")[0] and fall["Last quarter"] == 0.0


def test_long_segments_are_cut_with_a_count() -> None:
    creators = [[f"c{i:03d}", "", "Active", "", "2026-01-01"] for i in range(60)]
    orders = [order(f"O{i}", f"c{i:03d}", 10, ordered=Q3, settled=None, status="Pending") for i in range(60)]
    wb = workbook(creators=creators, orders=orders)
    sheetops.refresh(wb, as_of=AS_OF)
    rows = grid(wb, "QBR")
    assert len(section(rows, "Dormant: ")) == 10
    assert after_section(rows, "Dormant: ")[0][1] == "and 50 more"
    assert {r["Segment"]: r["Creators"] for r in section(rows, "Creator segments")}["Dormant"] == 60
