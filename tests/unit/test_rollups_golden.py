"""The fast ``build_rollups`` gives exactly the frames of the frozen reference implementation
(tests/unit/rollups_reference.py): same values, dtypes, row order, column order and NaNs, on
demo programs (weekly and monthly), the reports' demo, small edge cases, and with the key
columns carried as object, Arrow ``str`` or ``category`` dtype."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any, Callable

import pandas as pd
import pytest

from sheetops.money import rollups
from sheetops.money.commissions import payable_items
from sheetops.demo.data import make_demo
from sheetops.workbook.issues import IssueLog
from sheetops.workbook.periods import is_closed
from sheetops.workbook.validate import Program, check_program

from ..builders import ORDER_HEADER, order, workbook
from ..reports.demo import demo_tabs
from . import rollups_reference as reference

Grids = dict[str, list[list[Any]]]
TODAY = dt.date(2026, 11, 18)
FRAMES = ("by_creator", "by_campaign", "by_product", "by_period")


def _prepare(grids: Grids, as_of: dt.date) -> tuple[Program, pd.DataFrame]:
    """A checked program and its payable items of closed periods, as compute_program makes them."""
    log = IssueLog()
    program = check_program(grids, log)
    items = payable_items(program, log, as_of)
    return program, items[is_closed(items["period_start"], as_of, program.settings)]


def _assert_same(program: Program, closed: pd.DataFrame, as_of: dt.date) -> None:
    want = reference.build_rollups(copy.deepcopy(program), closed.copy(), as_of)
    got = rollups.build_rollups(program, closed, as_of)
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(got, name), getattr(want, name), check_dtype=True, check_exact=True,
                                      check_index_type=True, check_column_type=True, obj=name)
    assert (got.last_closed, got.previous) == (want.last_closed, want.previous)
    assert type(got.last_closed) is type(want.last_closed) and type(got.previous) is type(want.previous)


def _demo_grids(orders: int, seed: int, **settings: str) -> Grids:
    demo = make_demo(orders=orders, seed=seed, today=TODAY)
    grids = {name: demo[name] for name in demo}
    grids["Settings"] = [[k, settings.get(k, v)] for k, v in grids["Settings"]]
    return grids


def _edge_grids(**settings_values: Any) -> Grids:
    """Campaigns without End or Target, blank Product IDs, Refunded lines without a Refund,
    zero-GMV lines, one order with two lines, excluded statuses, an in-progress week."""
    orders = [
        order("A1", "glowwithmia", 100, campaign="FALL26", ordered="2026-11-10 09:00:00", settled="2026-11-12"),
        ["A1", "S2", "P200", "glowwithmia", "FALL26", "2026-11-10 09:00:00", "2026-11-12", "Settled", 2, 50, ""],
        order("A2", "glowwithmia", 0, ordered="2026-11-11 09:00:00", settled="2026-11-13"),
        order("A3", "dadjokesdan", 80, product="", ordered="2026-11-12 09:00:00", settled="2026-11-14"),
        order("A4", "dadjokesdan", 60, status="Refunded", settled=None, ordered="2026-11-13 10:00:00"),
        order("A5", "dadjokesdan", 40, status="Refunded", refund=15, settled=None, ordered="2026-11-13 10:00:00",
              product="  P300 "),
        order("A6", "glowwithmia", 70, status="Pending", settled=None, ordered="2026-11-16 10:00:00"),
        order("A7", "glowwithmia", 30, status="Ineligible", settled=None, ordered="2026-11-10 10:00:00"),
        order("A8", "dadjokesdan", 25, status="Frozen", settled=None, ordered="2026-09-20 10:00:00",
              campaign="SPRING"),
        order("A9", "glowwithmia", 0, status="Refunded", settled=None, ordered="2026-11-14 10:00:00", product=""),
        order("A10", "dadjokesdan", 55, ordered="2026-10-20 10:00:00", settled="2026-10-22", qty=""),
        order("A11", "glowwithmia", 12.34, ordered="2026-11-15 23:59:59", settled="2026-11-16", campaign="FALL26",
              product="P100"),
    ]
    extra = {
        "Campaigns": [["Campaign", "Name", "Brand", "Start", "End", "Products", "Target GMV", "Status"],
                      ["FALL26", "Fall", "Lumi", "2026-10-01", "", "P100", 500, "Live"],
                      ["SPRING", "Spring", "Lumi", "2026-09-01", "2026-09-30", "P300", "", "Ended"],
                      ["NOTHING", "Nothing yet", "Lumi", "2027-01-01", "2027-01-31", "P900", 0, "Planned"]],
        "Samples": [["Creator", "Campaign", "Product ID", "Shipped", "Units", "Unit cost"],
                    ["glowwithmia", "FALL26", "P100", "2026-11-10", 2, 4.5],
                    ["dadjokesdan", "", " P300", "2026-11-03", "", 3],
                    ["dadjokesdan", "SPRING", "", "2026-09-10", 1, 7.25]],
    }
    return workbook(orders=orders, extra=extra, **settings_values).tabs


CASES: dict[str, tuple[Callable[[], Grids], dt.date]] = {
    "demo weekly": (lambda: _demo_grids(4000, 11), TODAY),
    "demo monthly": (lambda: _demo_grids(3000, 5, **{"Payout period": "Monthly"}), TODAY),
    "demo sunday weeks": (lambda: _demo_grids(2000, 7, **{"Week starts": "Sunday"}), dt.date(2026, 10, 7)),
    "reports demo": (demo_tabs, TODAY),
    "edges weekly": (_edge_grids, TODAY),
    "edges monthly": (lambda: _edge_grids(payout_period="Monthly"), dt.date(2026, 12, 3)),
    "edges, empty last and previous": (_edge_grids, dt.date(2027, 2, 10)),
    "edges, before any sale": (_edge_grids, dt.date(2026, 8, 1)),
    "no sales": (lambda: workbook(orders=[order("Z1", "glowwithmia", 10, status="Ineligible")]).tabs, TODAY),
    "no orders": (lambda: {**workbook().tabs, "Orders": [ORDER_HEADER]}, TODAY),
}


@pytest.fixture(scope="module", params=list(CASES), ids=list(CASES))
def prepared(request: pytest.FixtureRequest) -> tuple[Program, pd.DataFrame, dt.date]:
    make, as_of = CASES[request.param]
    program, closed = _prepare(make(), as_of)
    return program, closed, as_of


def _recast(program: Program, closed: pd.DataFrame, dtype: str) -> tuple[Program, pd.DataFrame]:
    """The same program with its string key columns carried as ``dtype``."""
    program = copy.deepcopy(program)
    for table, cols in ((program.orders, ["_creator", "_campaign", "Campaign", "Product ID", "Product", "Order ID",
                                           "Status"]),
                        (program.samples, ["_creator", "_campaign", "Product ID"]),
                        (program.campaigns, ["_campaign", "Campaign", "Name", "Brand", "Status"]),
                        (program.creators, ["_creator", "Creator", "Name", "Tier"])):
        for col in cols:
            if col in table.frame:
                table.frame[col] = table.frame[col].astype(dtype)
    closed = closed.copy()
    for col in ("creator", "Campaign", "Product ID", "kind"):
        closed[col] = closed[col].astype(dtype)
    return program, closed


def test_same_frames_as_reference(prepared: tuple[Program, pd.DataFrame, dt.date]) -> None:
    _assert_same(*prepared)


@pytest.mark.parametrize("dtype", ["object", "str", "category"])
def test_same_frames_for_any_key_dtype(prepared: tuple[Program, pd.DataFrame, dt.date], dtype: str) -> None:
    program, closed, as_of = prepared
    program, closed = _recast(program, closed, dtype)
    _assert_same(program, closed, as_of)


def test_sales_lines_unchanged(prepared: tuple[Program, pd.DataFrame, dt.date]) -> None:
    program = prepared[0]
    pd.testing.assert_frame_equal(rollups.sales_lines(program), reference.sales_lines(program), check_exact=True)


def test_same_frames_with_a_repeated_campaign_and_missing_order_dates() -> None:
    """Programs the checks would not pass, built by hand: a campaign key twice, an Order date
    missing on a sales line, a Product ID that is a number."""
    program, closed = _prepare(_edge_grids(), TODAY)
    camps = program.campaigns.frame
    program.campaigns.frame = pd.concat([camps, camps.iloc[[0]].assign(End=pd.Timestamp("2026-11-11"))],
                                        ignore_index=True)
    orders = program.orders.frame
    orders.loc[orders.index[-1], "Order date"] = pd.NaT
    orders["Product ID"] = orders["Product ID"].astype(object)
    orders.loc[orders.index[0], "Product ID"] = 100
    _assert_same(program, closed, TODAY)
