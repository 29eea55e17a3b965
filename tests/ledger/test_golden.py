"""Golden test: the live ``build_payouts`` gives exactly what the frozen reference gives.

``ledger_reference.py`` is a copy of corrections.py, carry.py and ledger.py from before the
speed work. Every call the engine makes to ``build_payouts`` during a demo season (approvals,
payments, refunds after payment, late settlements, a minimum payout with carries, creators on
hold) and during hypothesis-played histories is run through both, and every output is compared:
Payouts, Commission Lines, Payout Export, waiting items, the Ledger book, the issues, with
dtypes and row order. The live code is also fed the items with their text columns as
``object``, Arrow-backed ``str`` and ``category``: the output must not depend on it.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any, Callable, Iterator

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import sheetops
from sheetops import compute as engine

from sheetops.ledger import payouts as ledger
from sheetops.backends.memory import MemoryWorkbook
from sheetops.money.commissions import _empty
from sheetops.demo.data import make_demo
from sheetops.workbook.issues import IssueLog
from sheetops.ledger.locks import book_tab
from sheetops.ledger.paypal import export_tab
from sheetops.workbook.settings import Settings
from sheetops.tool_tabs import lines_tab, payouts_tab

from . import ledger_reference as reference
from .test_history import RULES, WEEK, play

TEXT_COLUMNS = ["key", "creator", "kind", "Rule", "Campaign", "Order ID", "SKU ID", "Content ID", "Product ID"]
TODAY = dt.date(2026, 11, 18)


def _as(dtype: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def convert(items: pd.DataFrame) -> pd.DataFrame:
        out = items.copy()
        for c in TEXT_COLUMNS:
            out[c] = out[c].astype(object).where(out[c].notna(), None) if dtype == "object" else out[c].astype(dtype)
        return out
    return convert


VARIANTS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "as given": lambda items: items.copy(), "object": _as("object"), "str": _as("str"), "category": _as("category"),
}


def _frames(result: Any) -> dict[str, pd.DataFrame]:
    return {"payouts": result.payouts, "export": result.export, "waiting": result.waiting,
            "book.payouts": result.book.payouts, "book.items": result.book.items}


def _tabs(result: Any) -> dict[str, Any]:
    """What reaches the tool tabs: each ``TabWrite`` (its columns' kinds and its frame)."""
    return {"Payouts tab": payouts_tab(result), "Commission Lines tab": lines_tab(result),
            "Payout Export tab": export_tab(result.export), "Ledger tab": book_tab(result.book)}


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Values as Python objects, every missing value None (NaN, NA and None alike)."""
    return frame.astype(object).where(frame.notna(), None)


def assert_same_ledger(want: Any, got: Any, want_log: IssueLog, got_log: IssueLog, label: str) -> None:
    """Every output frame identical, dtypes included; the Commission Lines frame identical in
    values and order (its dtypes followed from which frames ``pd.concat`` happened to join,
    e.g. Base as floats in an object column, and only ``lines_tab`` reads them); every tool tab
    identical cell for cell, with the same column kinds and integer money."""
    assert got.blocked == want.blocked, label
    assert got.extra_columns == want.extra_columns, label
    assert got.book.damaged == want.book.damaged, label
    for name, frame in _frames(want).items():
        pd.testing.assert_frame_equal(_frames(got)[name], frame, check_dtype=True, check_exact=True,
                                      check_index_type=True, check_column_type=True, obj=f"{label}: {name}")
    pd.testing.assert_frame_equal(_plain(got.lines), _plain(want.lines), check_exact=True, obj=f"{label}: lines")
    assert list(got.lines.columns) == list(want.lines.columns), label
    if not want.blocked:
        for name, tab in _tabs(want).items():  # text may be Python or Arrow strings: the cells are the same
            mine = _tabs(got)[name]
            assert [(c.name, c.kind) for c in mine.columns] == [(c.name, c.kind) for c in tab.columns], label
            pd.testing.assert_frame_equal(_plain(mine.frame), _plain(tab.frame), check_exact=True,
                                          obj=f"{label}: {name}")
            numbers = [c.name for c in tab.columns if c.kind in ("money", "int", "rate")]
            pd.testing.assert_frame_equal(mine.frame[numbers], tab.frame[numbers], check_dtype=True,
                                          check_exact=True, obj=f"{label}: {name} numbers")
    assert list(got_log.issues) == list(want_log.issues), label


def compare(items: pd.DataFrame, kwargs: dict[str, Any]) -> None:
    """Run the reference and the live code on copies of one call's arguments; compare."""
    kwargs = {k: v for k, v in kwargs.items() if k != "log"}
    want_log = IssueLog()
    want = reference.build_payouts(items.copy(), **copy.deepcopy(kwargs), log=want_log)
    for label, variant in VARIANTS.items():
        got_log = IssueLog()
        got = ledger.build_payouts(variant(items), **copy.deepcopy(kwargs), log=got_log)
        assert_same_ledger(want, got, want_log, got_log, label)


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Every engine call to ``build_payouts`` is first compared against the reference."""
    calls: list[int] = []
    live = ledger.build_payouts

    def both(items: pd.DataFrame, **kwargs: Any) -> ledger.Ledger:
        compare(items, kwargs)
        calls.append(len(items))
        return live(items, **kwargs)

    monkeypatch.setattr(engine, "build_payouts", both)
    yield calls


def _set_statuses(wb: MemoryWorkbook, every: int, status: str, among: set[str]) -> None:
    grid = wb.tabs["Payouts"]
    head = grid[0]
    found = [r for r in grid[1:] if r[head.index("Status")] in among]
    for row in found[::every]:
        row[head.index("Status")] = status
        if status == "Paid":
            row[head.index("Paid on")] = TODAY


def _orders(wb: MemoryWorkbook, every: int, change: Callable[[list[Any], dict[str, int]], None]) -> None:
    grid = wb.tabs["Orders"]
    head = {h: i for i, h in enumerate(grid[0])}
    for row in grid[1::every]:
        change(row, head)


def _refund(row: list[Any], head: dict[str, int]) -> None:
    if row[head["Status"]] == "Settled":
        row[head["Status"]] = "Refunded"


def _part_refund(row: list[Any], head: dict[str, int]) -> None:
    if row[head["Status"]] == "Settled" and isinstance(row[head["GMV"]], (int, float)):
        row[head["Refund"]] = round(row[head["GMV"]] / 3, 2)


def _settle(row: list[Any], head: dict[str, int]) -> None:
    if row[head["Status"]] == "Pending":
        row[head["Status"]] = "Settled"
        row[head["Settled date"]] = row[head["Order date"]]


@pytest.mark.parametrize("minimum", [pytest.param("0", marks=pytest.mark.slow), "40"])  # 40: carries too
def test_a_demo_season_matches_the_reference(checked: list[int], minimum: str) -> None:
    demo = make_demo(orders=2500, seed=11, today=TODAY)
    wb = MemoryWorkbook(dict(demo))
    wb.tabs["Settings"] = [r if r[0] != "Minimum payout" else ["Minimum payout", minimum] for r in wb.tabs["Settings"]]
    sheetops.refresh(wb, as_of=TODAY - dt.timedelta(days=35))
    _set_statuses(wb, 3, "Approved", {"Draft", "Below minimum"})
    sheetops.refresh(wb, as_of=TODAY - dt.timedelta(days=21))
    _set_statuses(wb, 2, "Paid", {"Approved"})
    _set_statuses(wb, 4, "Approved", {"Draft", "Below minimum"})
    _orders(wb, 17, _refund)
    _orders(wb, 23, _part_refund)
    _orders(wb, 5, _settle)
    wb.tabs["Adjustments"].append(["glowwithmia", TODAY - dt.timedelta(days=60), 12.5, "Late fix"])
    sheetops.refresh(wb, as_of=TODAY)
    _set_statuses(wb, 3, "Approved", {"Draft", "Below minimum"})
    _orders(wb, 13, _refund)
    sheetops.refresh(wb, as_of=TODAY + dt.timedelta(days=14))
    sheetops.refresh(wb, as_of=TODAY + dt.timedelta(days=14))
    assert len(checked) == 5 and min(checked) > 1000


HISTORY = (st.sampled_from([0, 2_000]), st.lists(WEEK, min_size=3, max_size=5), RULES)
QUICK = dict(deadline=None, derandomize=True, phases=[Phase.generate],
             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])


@settings(max_examples=2, **QUICK)  # type: ignore[arg-type]
@given(*HISTORY)
def test_histories_match_the_reference(checked: list[int], minimum_cents: int, weeks: list[tuple],
                                       rules: tuple[list, list, str]) -> None:
    play(minimum_cents, weeks, rules)


@pytest.mark.slow
@settings(max_examples=30, **{**QUICK, "derandomize": False})  # type: ignore[arg-type]
@given(*HISTORY)
def test_many_histories_match_the_reference(checked: list[int], minimum_cents: int, weeks: list[tuple],
                                            rules: tuple[list, list, str]) -> None:
    play(minimum_cents, weeks, rules)


def test_no_items_and_no_history_match_the_reference() -> None:
    compare(_empty(), {"settings": Settings(), "as_of": TODAY, "on_hold": set(), "names": {}})
