"""Every bad cell is an Issue at that cell, never an abort (issue #17, point 3 and 4)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

import sheetops
from sheetops.backends.base import CellError
from sheetops.backends.memory import MemoryWorkbook
from sheetops.workbook import schema

from ..builders import order, rows, workbook

AS_OF = "2026-11-18"
EXTREMES: list[Any] = [1e308, -1e308, math.inf, -math.inf, math.nan, 10**30, -(10**30), 1e20, 2**63, -(2**63),
                       dt.date(1, 1, 1), dt.date(1899, 12, 31), dt.datetime(9999, 12, 31, 23, 59), dt.date(2262, 1, 1),
                       "1e308", "-1e308", "inf", "NaN", "9" * 30, "0001-01-01", "9999-12-31 23:59:59", "1899-12-31",
                       dt.time(12, 0), CellError("#REF!"), True, "", "   ", "=1+1", "@x", "Approvd"]


def _issues(wb: MemoryWorkbook) -> list[dict[str, Any]]:
    return rows(wb, "Issues") if "Issues" in wb.tabs else []


def _at_cell(wb: MemoryWorkbook, tab: str, row: int, column: str) -> list[dict[str, Any]]:
    return [i for i in _issues(wb) if i["Tab"] == tab and i["Row"] == row and i["Column"] == column]


def test_extreme_numbers_in_a_money_cell_are_an_issue_at_the_cell() -> None:
    for bad in (1e308, -1e308, math.inf, 10**30, -(10**30)):
        wb = workbook(orders=[order("O1", "@glowwithmia", bad), order("O2", "@glowwithmia", 100)])
        result = sheetops.refresh(wb, as_of=AS_OF)
        assert result.result == "errors", bad
        found = _at_cell(wb, "Orders", 2, "GMV")
        assert len(found) == 1 and found[0]["Severity"] == "Error", (bad, _issues(wb))
        assert len(found[0]["Value"]) < 40, "a huge number is shown short, never as 300 digits"


def test_dates_before_1900_and_after_9999_are_an_issue_at_the_cell() -> None:
    for bad in (dt.date(1, 1, 1), dt.datetime(1850, 5, 1), "1899-12-31", dt.date(9999, 12, 31), 1e308, 10**30):
        wb = workbook(orders=[order("O1", "@glowwithmia", 100, ordered=bad), order("O2", "@glowwithmia", 100)])
        result = sheetops.refresh(wb, as_of=AS_OF)
        assert result.result == "errors", bad
        assert len(_at_cell(wb, "Orders", 2, "Order date")) == 1, (bad, _issues(wb))


def test_unknown_currency_is_one_issue_at_the_settings_cell_not_one_per_order() -> None:
    lines = [order(f"O{n}", "@glowwithmia", 100) + ["USD"] for n in range(5)]
    wb = workbook(orders=lines, currency="XYZ")
    wb.tabs["Orders"][0].append("Currency")
    result = sheetops.refresh(wb, as_of=AS_OF)
    errors = [i for i in _issues(wb) if i["Severity"] == "Error"]
    assert len(errors) == 1 and errors[0]["Tab"] == "Settings" and errors[0]["Column"] == "Value", errors
    assert errors[0]["Row"] == 2 and "XYZ" in errors[0]["Problem"] and "assumed USD" in errors[0]["Problem"]
    assert "EUR" in errors[0]["How to fix"], "the allowed values are named"
    assert result.payouts["draft"] == 1, "the orders are still paid, in the assumed currency"


def test_unknown_time_zone_is_one_issue_at_the_settings_cell() -> None:
    wb = workbook(orders=[order("O1", "@glowwithmia", 100)], timezone="Mars/Olympus")
    sheetops.refresh(wb, as_of=AS_OF)
    errors = [i for i in _issues(wb) if i["Severity"] == "Error"]
    assert len(errors) == 1 and errors[0]["Tab"] == "Settings" and "assumed UTC" in errors[0]["Problem"]
    assert "Europe/London" in errors[0]["How to fix"]


# -- the fuzz test -------------------------------------------------------------------------------

CELL = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.dates(), st.datetimes(), st.times(), st.sampled_from(EXTREMES),
    st.sampled_from([CellError(c) for c in ("#REF!", "#N/A", "#DIV/0!", "#VALUE!")]),
)


def _base() -> MemoryWorkbook:
    """A small, complete workbook with one row in every tab people edit, and a Payouts row."""
    wb = workbook(orders=[order("O1", "@glowwithmia", 120), order("O2", "dadjokesdan", 80, status="Pending")])
    wb.tabs["Content"] = [["Content ID", "Creator", "Campaign", "Type", "Posted", "URL", "Approved"],
                          ["V1", "@glowwithmia", "FALL26", "Video", "2026-11-04", "http://v", "Yes"]]
    wb.tabs["Samples"] = [["Creator", "Campaign", "Product ID", "Shipped", "Units", "Unit cost"],
                          ["@glowwithmia", "FALL26", "P100", "2026-11-03", 2, 12.5]]
    wb.tabs["Adjustments"] = [["Creator", "Date", "Amount", "Reason"], ["dadjokesdan", "2026-11-06", -5, "Late post"]]
    sheetops.refresh(wb, as_of=AS_OF)
    assert rows(wb, "Payouts"), "the base workbook has payouts to approve"
    return wb


_BASE = _base()


def _targets() -> list[tuple[str, int, str]]:
    """Every people-edited cell of the base workbook: (tab, 0-based grid row, header)."""
    out = []
    for tab in [t.name for t in schema.EDITED_TABS] + [schema.PAYOUTS.name]:
        grid = _BASE.tabs.get(tab) or []
        headers = [str(h) for h in grid[0]] if grid else []
        for r in range(1, len(grid)):
            for h in headers:
                if tab == "Settings" and h == "Setting":
                    continue
                if tab == schema.PAYOUTS.name and h not in schema.PAYOUT_PEOPLE_COLUMNS:
                    continue
                out.append((tab, r, h))
    return out


TARGETS = _targets()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(TARGETS), CELL), min_size=1, max_size=8))
def test_random_values_in_people_cells_never_abort_a_run(edits: list[tuple[tuple[str, int, str], Any]]) -> None:
    wb = MemoryWorkbook(_BASE.tabs)
    for (tab, r, header), value in edits:
        grid = wb.tabs[tab]
        grid[r][grid[0].index(header)] = value
    before = {t: [list(row) for row in g] for t, g in wb.tabs.items()}
    result = sheetops.refresh(wb, as_of=AS_OF)  # no exception may escape
    assert result.result in ("ok", "errors")
    for spec in schema.INPUT_TABS:  # Settings is read as settings, not counted as rows
        grid = before.get(spec.name) or []
        filled = [row for row in grid[1:] if any(v is not None and not (isinstance(v, str) and not v.strip()) and
                                                  not (isinstance(v, float) and math.isnan(v)) for v in row)]
        assert result.rows.get(spec.name, 0) == len(filled), f"{spec.name}: every row is accounted for"
    for issue in _issues(wb):
        tab, row, column = issue["Tab"], issue["Row"], issue["Column"]
        if tab in (None, ""):
            continue
        assert tab in before, f"an Issue names the tab {tab!r}, which the workbook does not have"
        if row in (None, ""):
            continue
        assert 1 <= int(row) <= max(len(before[tab]), 1), f"{tab} row {row} does not exist"
        if column not in (None, ""):
            assert column in [str(h) for h in before[tab][0]], f"{tab} has no column {column!r}"
