"""The Weekly (Monthly) Report on small workbooks with known numbers."""

from __future__ import annotations

import pytest

import sheetops

from ..builders import order, workbook
from .helpers import AS_OF, after_section, grid, measure, section, tab_dicts

TOP = "Top 10 creators by Net GMV"
NEW = "New creators"
DROPS = "Biggest drops"
CAMPAIGNS = "Campaigns against target"


def week(day: str) -> str:
    return f"{day} 10:00:00"


def two_weeks() -> sheetops.backends.memory.MemoryWorkbook:  # type: ignore[name-defined]
    """Mia and Dan sell in the reported week and in the week before."""
    return workbook(client="Lumi Beauty", orders=[
        order("A1", "glowwithmia", 300, refund=50, ordered=week("2026-11-10"), settled="2026-11-11"),
        order("A2", "dadjokesdan", 100, ordered=week("2026-11-12"), settled="2026-11-13"),
        order("B1", "glowwithmia", 200, ordered=week("2026-11-03"), settled="2026-11-04"),
        order("B2", "dadjokesdan", 200, ordered=week("2026-11-04"), settled="2026-11-05"),
    ])


def test_headline_numbers_and_their_changes() -> None:
    wb = two_weeks()
    sheetops.refresh(wb, as_of=AS_OF)
    rows = grid(wb, "Weekly Report")
    assert rows[0][0] == "Weekly Report"
    assert rows[1][:2] == ["Client", "Lumi Beauty"]
    assert rows[2][:2] == ["Reported week", "2026-11-09 to 2026-11-15"]
    assert rows[3][:2] == ["Compared with", "2026-11-02 to 2026-11-08"]
    assert measure(rows, "GMV")[:3] == [400.0, 400.0, 0.0]
    assert measure(rows, "Net GMV")[:3] == [350.0, 400.0, pytest.approx(-0.125)]
    assert measure(rows, "Orders")[:3] == [2, 2, 0.0]
    assert measure(rows, "Units")[:3] == [2, 2, 0.0]
    assert measure(rows, "AOV")[:3] == [200.0, 200.0, 0.0]
    assert measure(rows, "Refund rate") == [0.125, 0.0, pytest.approx(0.125), "change in points"]
    # 10% of (GMV - refund) on lines settled in each week: 25 + 10 now, 20 + 20 before
    assert measure(rows, "Brand payouts")[:3] == [35.0, 40.0, pytest.approx(-0.125)]
    assert measure(rows, "TikTok commission")[:3] == [0.0, 0.0, None]
    assert measure(rows, "Creator cost")[:2] == [35.0, 40.0]
    assert measure(rows, "ROI (Net GMV / creator cost)")[:3] == [10.0, 10.0, 0.0]


def test_headline_equals_the_gmv_by_period_tab() -> None:
    wb = two_weeks()
    sheetops.refresh(wb, as_of=AS_OF)
    rows = grid(wb, "Weekly Report")
    periods = {r["Period start"].isoformat(): r for r in tab_dicts(wb, "GMV by Period")}
    for name in ("GMV", "Net GMV", "Orders", "Units", "TikTok commission", "Brand payouts", "Creator cost"):
        now, before = measure(rows, name)[:2]
        assert (now, before) == (periods["2026-11-09"][name], periods["2026-11-02"][name]), name
    trend = section(rows, "Net GMV by week")
    assert len(trend) == 12 and trend[-1]["Week starting"] == "2026-11-09"
    assert trend[0]["Week starting"] == "2026-08-24"
    for row in trend:
        known = periods.get(row["Week starting"])
        want = (known["GMV"], known["Net GMV"], known["Orders"]) if known else (0.0, 0.0, 0)
        assert (row["GMV"], row["Net GMV"], row["Orders"]) == want


def roster_of_twelve() -> list[list[str]]:
    return [[f"creator{i:02d}", f"Name {i}", "Active", "Gold" if i < 4 else "Silver", "2026-01-01"]
            for i in range(1, 13)]


def net_of(i: int) -> int:
    """creator01 sells 1200, creator02 1100, ...; creator05 and creator06 tie at 800."""
    return 800 if i == 6 else (13 - i) * 100


def twelve_creators() -> sheetops.backends.memory.MemoryWorkbook:  # type: ignore[name-defined]
    orders = [order(f"N{i}", f"creator{i:02d}", net_of(i), ordered=week("2026-11-11"), settled="2026-11-12")
              for i in range(1, 13)]
    orders.append(order("P1", "creator01", 600, ordered=week("2026-11-03"), settled="2026-11-04"))
    return workbook(creators=roster_of_twelve(), orders=orders)


def test_top_ten_ordering_shares_and_totals() -> None:
    wb = twelve_creators()
    sheetops.refresh(wb, as_of=AS_OF)
    rows = grid(wb, "Weekly Report")
    top = section(rows, TOP)
    assert [r["Creator"] for r in top] == [f"creator{i:02d}" for i in range(1, 11)]
    assert [r["Rank"] for r in top] == [1, 2, 3, 4, 5, 5, 7, 8, 9, 10]
    assert [r["Net GMV"] for r in top] == [float(net_of(i)) for i in range(1, 11)]
    total = sum(net_of(i) for i in range(1, 13))
    assert [r["Share"] for r in top] == pytest.approx([net_of(i) / total for i in range(1, 11)])
    assert top[0]["Change"] == pytest.approx(1.0) and top[1]["Change"] is None
    top_total, everyone = after_section(rows, TOP)
    assert top_total[1] == "Top 10 total" and top_total[4] == sum(r["Net GMV"] for r in top)
    assert top_total[5] == pytest.approx(sum(r["Share"] for r in top))
    assert everyone[1] == "All creators" and everyone[4] == total and everyone[5] == 1.0
    by_creator = {r["Creator"]: r for r in tab_dicts(wb, "GMV by Creator")}
    for r in top:
        want = by_creator[r["Creator"]]
        assert (r["Net GMV"], r["Share"], r["Rank"]) == (want["Net GMV"], want["Share"], want["Rank"])


def test_new_creators_and_biggest_drops() -> None:
    creators = [[h, h.title(), "Active", "Gold", "2026-01-01"] for h in ("mia", "dan", "zoe", "sam", "lee")]
    wb = workbook(creators=creators, orders=[
        order("M0", "mia", 40, ordered=week("2026-10-20"), settled="2026-10-21"),
        order("M1", "mia", 300, ordered=week("2026-11-03"), settled="2026-11-04"),
        order("M2", "mia", 50, ordered=week("2026-11-10"), settled="2026-11-11"),
        order("D1", "dan", 250, ordered=week("2026-11-10"), settled="2026-11-11"),
        order("D2", "dan", 100, ordered=week("2026-11-17"), settled=None, status="Pending"),
        order("Z1", "zoe", 0, ordered=week("2026-11-10"), settled="2026-11-11"),
        order("Z2", "zoe", 70, ordered=week("2026-11-16"), settled=None, status="Pending"),
        order("S1", "sam", 80, ordered=week("2026-11-05"), settled="2026-11-06"),
        order("L1", "lee", 500, ordered=week("2026-11-06"), settled="2026-11-07"),
        order("L2", "lee", 100, ordered=week("2026-11-14"), settled="2026-11-15"),
    ])
    sheetops.refresh(wb, as_of=AS_OF)
    rows = grid(wb, "Weekly Report")
    new = section(rows, NEW)
    assert [(r["Creator"], r["First sale"], r["Net GMV"], r["Orders"]) for r in new] == [("dan", "2026-11-10", 250.0, 1)]
    drops = section(rows, DROPS)
    assert [(r["Creator"], r["Week before"], r["Reported week"], r["Change"]) for r in drops] == [
        ("lee", 500.0, 100.0, -400.0), ("mia", 300.0, 50.0, -250.0), ("sam", 80.0, 0.0, -80.0)]
    assert [r["Change %"] for r in drops] == pytest.approx([-0.8, -250 / 300, -1.0])


def test_empty_sections_say_so() -> None:
    wb = two_weeks()
    sheetops.refresh(wb, as_of=AS_OF)
    rows = grid(wb, "Weekly Report")
    assert section(rows, NEW) == []
    assert after_section(rows, NEW)[0][1] == "No creator made a first sale this week."


def test_campaigns_that_ran_in_the_week_against_target() -> None:
    campaigns = [["Campaign", "Name", "Start", "End", "Products", "Target GMV", "Status"],
                 ["FALL26", "Fall Glow", "2026-10-01", "2026-12-31", "P100", 5000, "Live"],
                 ["SUMMER", "Summer", "2026-06-01", "2026-08-31", "P200", 1000, "Ended"],
                 ["XMAS", "Holiday", "2026-11-12", "", "P300", "", "Live"]]
    wb = workbook(extra={"Campaigns": campaigns}, orders=[
        order("F1", "glowwithmia", 1000, ordered=week("2026-11-10"), settled="2026-11-11"),
        order("F2", "dadjokesdan", 500, ordered=week("2026-10-20"), settled="2026-10-21"),
        order("X1", "dadjokesdan", 200, product="P300", ordered=week("2026-11-13"), settled="2026-11-14"),
    ])
    sheetops.refresh(wb, as_of=AS_OF)
    camps = section(grid(wb, "Weekly Report"), CAMPAIGNS)
    got = [(r["Campaign"], r["Net GMV this week"], r["Net GMV to date"], r["Target GMV"], r["Progress"], r["Ends"])
           for r in camps]
    assert got == [("FALL26", 1000.0, 1500.0, 5000.0, 0.3, "2026-12-31"), ("XMAS", 200.0, 200.0, None, None, None)]
    rollup = {r["Campaign"]: r for r in tab_dicts(wb, "GMV by Campaign")}
    for r in camps:
        assert r["Net GMV to date"] == rollup[r["Campaign"]]["Net GMV"]


def test_monthly_report_by_settings() -> None:
    wb = workbook(payout_period="Monthly", orders=[
        order("A1", "glowwithmia", 300, ordered=week("2026-10-10"), settled="2026-10-11"),
        order("B1", "glowwithmia", 100, ordered=week("2026-09-10"), settled="2026-09-11"),
    ])
    sheetops.refresh(wb, as_of=AS_OF)
    assert "Weekly Report" not in wb.tabs
    rows = grid(wb, "Monthly Report")
    assert rows[2][:2] == ["Reported month", "2026-10-01 to 2026-10-31"]
    assert measure(rows, "Net GMV")[:3] == [300.0, 100.0, 2.0]
    trend = section(rows, "Net GMV by month")
    assert [r["Month"] for r in trend][-3:] == ["2026-08", "2026-09", "2026-10"] and len(trend) == 12


def test_text_from_people_stays_text() -> None:
    wb = workbook(client="=1+1")
    sheetops.refresh(wb, as_of=AS_OF)
    assert grid(wb, "Weekly Report")[1][1] == "=1+1"
    assert section(grid(wb, "Weekly Report"), TOP) == []


def test_spec_examples_report_the_rollup_numbers(example: dict) -> None:
    """On the spec's worked examples, the report's headline equals the GMV by Period tab."""
    from sheetops.backends.memory import MemoryWorkbook

    wb = MemoryWorkbook(example["tabs"])
    sheetops.refresh(wb, as_of=example["as_of"])
    name = "Weekly Report" if "Weekly Report" in wb.tabs else "Monthly Report"
    rows = grid(wb, name)
    periods = {r["Period start"].isoformat(): r for r in tab_dicts(wb, "GMV by Period")}
    now_start, before_start = rows[2][1].split(" to ")[0], rows[3][1].split(" to ")[0]
    for measure_name in ("GMV", "Net GMV", "Orders", "Units", "Brand payouts", "Creator cost"):
        now, before = measure(rows, measure_name)[:2]
        assert now == (periods[now_start][measure_name] if now_start in periods else 0)
        assert before == (periods[before_start][measure_name] if before_start in periods else 0)


def test_the_report_says_what_it_leaves_out() -> None:
    """Issue #14: lines of creators not on Creators and lines in Error are counted under the
    report's opening lines, with their GMV, instead of vanishing without a note."""
    import sys
    from pathlib import Path

    from sheetops.compute import compute
    from sheetops.reports.weekly import period_report

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.conftest import EXAMPLES, load_example

    example = load_example(EXAMPLES[0])  # ghostcreator's O8 (90.00) and O10's 12O.00, both in the reported week
    tab = period_report(compute(example["tabs"], example["as_of"]))
    notes = [v for row in tab.frame.itertuples(index=False) for v in row if isinstance(v, str) and v.startswith("Not in")]
    assert notes == ["Not in this report: 1 order line (90.00 GMV) for creators not on the Creators tab and 1 order "
                     "line (GMV not readable) with Errors; see the Issues tab."]
