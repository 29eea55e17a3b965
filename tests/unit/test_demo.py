"""Demo data: deterministic per seed, the promised mix, and only the known bad rows."""

from __future__ import annotations

import collections
import datetime as dt
import re
import time
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sheetops.workbook import schema
from sheetops.workbook.cells import handle_key, parse_money, split_ids
from sheetops.demo.data import GHOST_CREATOR, make_demo

TODAY = dt.date(2026, 11, 18)


@pytest.fixture(scope="module")
def demo():
    return make_demo(orders=3000, seed=11, today=TODAY)


def _rows(demo, tab: str) -> list[dict[str, Any]]:
    grid = demo[tab]
    return [dict(zip(grid[0], row)) for row in grid[1:]]


def test_same_seed_same_data_other_seed_other_data() -> None:
    a = make_demo(orders=500, seed=5, today=TODAY)
    b = make_demo(orders=500, seed=5, today=TODAY)
    c = make_demo(orders=500, seed=6, today=TODAY)
    for tab in a:
        assert a[tab] == b[tab], tab
    assert a["Orders"] != c["Orders"]
    assert a.bad_rows == b.bad_rows
    pd.testing.assert_frame_equal(a.orders_frame(), b.orders_frame())


def test_tabs_have_schema_headers(demo) -> None:
    assert list(demo) == ["Settings", "Creators", "Campaigns", "Rules", "Orders", "Content", "Samples", "Adjustments"]
    for tab in demo:
        if tab == "Settings":
            assert demo.header(tab) == ["Setting", "Value"]
        else:
            assert demo.header(tab) == [c.name for c in schema.ALL_TABS[tab].columns]
        assert all(len(row) == len(demo.header(tab)) for row in demo[tab][1:]), tab


def test_frame_and_rows_agree(demo) -> None:
    frame = demo.orders_frame()
    assert list(frame.columns) == demo.header("Orders")
    grid = demo["Orders"][1:]
    assert len(frame) == len(grid) == demo.row_count("Orders") == 3000
    for i in (0, 1, 1000, 2999, *(b.row - 2 for b in demo.bad_rows)):
        for name, value in zip(demo.header("Orders"), grid[i]):
            got = frame.at[i, name]
            if value is None:
                assert got is None or pd.isna(got), (i, name)
            else:
                assert got == value, (i, name)


def test_creators_roster(demo) -> None:
    creators = _rows(demo, "Creators")
    assert 30 <= len(creators) <= 48
    assert collections.Counter(c["Tier"] for c in creators).keys() == {"Gold", "Silver", "Bronze"}
    statuses = collections.Counter(c["Status"] for c in creators)
    assert statuses["Active"] > statuses["Paused"] > 0 and statuses["Offboarded"] > 0
    assert len({c["Manager"] for c in creators}) >= 2
    for c in creators:
        assert c["Email"].endswith("@example.com")
        if c["Payout method"] == "PayPal":
            assert c["Payout account"].endswith("@example.com")
        assert isinstance(c["Joined"], dt.date) and c["Joined"] < TODAY - dt.timedelta(days=84)
        assert re.fullmatch(r"@?[A-Za-z0-9._]{3,30}", c["Creator"])
    keys = [handle_key(c["Creator"]) for c in creators]
    assert len(set(keys)) == len(keys)


def test_campaigns_products_and_rules(demo) -> None:
    campaigns = _rows(demo, "Campaigns")
    codes = {c["Campaign"] for c in campaigns}
    assert {"FALL26", "BFCM26", "HOLIDAY26", "GLOW-Q4"} <= codes
    seen: set[str] = set()
    for c in campaigns:
        ids = split_ids(c["Products"])
        assert ids and all(re.fullmatch(r"\d{19}", p) for p in ids)
        assert not seen & set(ids), "campaign product lists overlap: a line could match two campaigns"
        seen |= set(ids)
        assert c["Start"] <= c["End"] and c["Target GMV"] > 0
    products = set(demo.orders_frame()["Product ID"])
    assert 20 <= len(products) <= 40
    rules = _rows(demo, "Rules")
    assert {r["Type"] for r in rules} == set(schema.RULE_TYPES)
    percent = [r for r in rules if r["Type"] == "Percent"]
    assert any(not (r["Creator"] or r["Campaign"]) for r in percent)
    assert any(r["Campaign"] and not r["Creator"] for r in percent)
    assert any(r["Creator"] for r in percent)
    assert any(r["Type"] == "Per video" and r["Tier"] for r in rules)
    bonus = [r for r in rules if r["Type"] == "Bonus"]
    assert len(bonus) >= 2 and all(r["Min GMV"] is not None for r in bonus)
    roster = {handle_key(c["Creator"]) for c in _rows(demo, "Creators")}
    assert {handle_key(r["Creator"]) for r in rules if r["Creator"]} <= roster
    assert {r["Campaign"] for r in rules if r["Campaign"]} <= codes


def test_content_samples_adjustments(demo) -> None:
    content = _rows(demo, "Content")
    assert {c["Approved"] for c in content} == {"Yes", "No", "Pending"}
    assert {c["Type"] for c in content} == {"Video", "LIVE"}
    assert len({c["Content ID"] for c in content}) == len(content)
    samples = _rows(demo, "Samples")
    assert samples and all(s["Unit cost"] > 0 and s["Units"] >= 1 for s in samples)
    adjustments = _rows(demo, "Adjustments")
    assert any(a["Amount"] < 0 for a in adjustments) and any(a["Amount"] > 0 for a in adjustments)


def test_orders_mix(demo) -> None:
    df = demo.orders_frame()
    bad = {b.row - 2 for b in demo.bad_rows}
    ok = df.drop(index=list(bad))
    counts = ok["Status"].value_counts()
    assert set(counts.index) == set(schema.ORDER_STATUSES)
    assert counts["Settled"] > 0.6 * len(ok)
    start = pd.Timestamp(TODAY - dt.timedelta(days=84))
    assert ok["Order date"].min() >= start and ok["Order date"].max() < pd.Timestamp(TODAY)
    old = ok[ok["Order date"] < pd.Timestamp(TODAY - dt.timedelta(days=21))]
    recent = ok[ok["Order date"] >= pd.Timestamp(TODAY - dt.timedelta(days=6))]
    assert (old["Status"] == "Settled").mean() > 0.8 and (old["Status"] == "Pending").sum() == 0
    assert (recent["Status"] == "Pending").mean() > 0.7
    settled = ok[ok["Status"] == "Settled"]
    delay = (pd.to_datetime(settled["Settled date"]) - settled["Order date"]).dt.days
    assert delay.between(7, 15).all()
    assert ok.loc[ok["Status"] != "Settled", "Settled date"].isna().all()
    refunded = ok[ok["Status"] == "Refunded"]
    assert (refunded["Refund"].fillna(0) > 0).any() and refunded["Refund"].isna().any()
    gmv = ok["GMV"].astype(float)
    assert gmv.map(lambda v: round(v, 2) == v).all()
    free = ok[gmv == 0]
    assert len(free) > 0 and (free["Quantity"] == 1).all()
    assert set(ok["Quantity"]) <= {1, 2, 3, 4, 5} and (ok["Quantity"] > 1).any()
    assert set(ok["Content type"]) == set(schema.CONTENT_TYPES)
    assert ok["TikTok rate"].between(0.05, 0.3).all()
    earning = ok[ok["Status"].isin(["Settled", "Pending", "Frozen"])]
    base = earning["GMV"].astype(float) - earning["Refund"].astype(float)
    assert (abs(earning["TikTok commission"].astype(float) - base * earning["TikTok rate"]) <= 0.006).all()
    assert not df.duplicated(["Order ID", "SKU ID"]).any()
    assert df["Order ID"].duplicated().any(), "some orders have several lines"
    assert df["Order ID"].str.fullmatch(r"\d{18}").all() and df["Product ID"].str.fullmatch(r"\d{19}").all()
    assert (df["Currency"] == "USD").all()


def test_only_the_known_rows_are_bad(demo) -> None:
    """An independent check of every order line: the three bad rows and nothing else."""
    roster = {handle_key(c["Creator"]) for c in _rows(demo, "Creators")}
    codes = {c["Campaign"] for c in _rows(demo, "Campaigns")}
    problems: set[tuple[int, str]] = set()
    for i, line in enumerate(_rows(demo, "Orders"), start=2):
        if handle_key(line["Creator"]) not in roster:
            problems.add((i, "Creator"))
        gmv, refund = parse_money(line["GMV"]), parse_money(line["Refund"])
        if not gmv.ok:
            problems.add((i, "GMV"))
        elif refund.value is not None and refund.value > gmv.value:
            problems.add((i, "Refund"))
        if line["Status"] == "Settled" and line["Settled date"] is None:
            problems.add((i, "Settled date"))
        if line["Campaign"] is not None and line["Campaign"] not in codes:
            problems.add((i, "Campaign"))
    assert problems == {(b.row, b.column) for b in demo.bad_rows}
    assert [b.column for b in demo.bad_rows] == ["Creator", "GMV", "Refund"]
    assert demo.bad_rows[0].value == GHOST_CREATOR and demo.bad_rows[1].value == "12O.00"


def test_no_percent_rule_ties(demo) -> None:
    """Every line finds at most one best Percent rule (no 'rules R1 and R2 both apply')."""
    rules = [r for r in _rows(demo, "Rules") if r["Type"] == "Percent"]
    tiers = {handle_key(c["Creator"]): c["Tier"] for c in _rows(demo, "Creators")}
    combos = {(handle_key(c), camp) for c in tiers for camp in [None, *(x["Campaign"] for x in _rows(demo, "Campaigns"))]}
    for creator, campaign in combos:
        matching = [
            r for r in rules
            if (not r["Creator"] or handle_key(r["Creator"]) == creator)
            and (not r["Campaign"] or r["Campaign"] == campaign)
            and (not r["Tier"] or r["Tier"] == tiers[creator])
        ]
        if not matching:
            continue
        rank = [(sum(bool(r[k]) for k in ("Creator", "Campaign", "Product", "Tier")), r["Priority"] or 0) for r in matching]
        assert rank.count(max(rank)) == 1, (creator, campaign)


def test_tiny_and_empty_demo() -> None:
    for n in (0, 1, 2, 5):
        demo = make_demo(orders=n, seed=1, today=TODAY)
        assert demo.row_count("Orders") == n == len(demo["Orders"]) - 1
        assert len(demo.bad_rows) <= min(n, 3)
    with pytest.raises(ValueError):
        make_demo(orders=-1, seed=1, today=TODAY)


@pytest.mark.slow
def test_a_million_orders_quickly() -> None:
    started = time.perf_counter()
    demo = make_demo(orders=1_000_000, seed=2, today=TODAY)
    assert demo.row_count("Orders") == 1_000_000
    assert time.perf_counter() - started < 20
    statuses = np.bincount(demo.orders.status, minlength=6)
    assert statuses.min() > 0
    assert len(demo.bad_rows) == 3
