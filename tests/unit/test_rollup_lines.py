"""The integer helpers behind the GMV rollups: periods and days as numbers, codes for keys,
exact cents per code, distinct orders per group."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sheetops.money import rollup_lines as rl
from sheetops.workbook.periods import period_start
from sheetops.workbook.settings import Settings

WEEKLY, MONTHLY = Settings(), Settings(payout_period="Monthly")


@pytest.mark.parametrize("settings", [WEEKLY, MONTHLY, Settings(week_starts=6), Settings(week_starts=3)],
                         ids=["monday", "monthly", "sunday", "thursday"])
def test_period_numbers_group_as_period_start_does(settings: Settings) -> None:
    days = pd.Series(pd.date_range("1969-12-01", "1970-02-15", freq="7h").append(
        pd.date_range("2026-10-25", "2027-01-10", freq="5h")))
    numbers = rl.period_numbers(days.to_numpy(), settings)
    starts = period_start(days, settings)
    assert (pd.factorize(numbers)[0] == pd.factorize(starts)[0]).all()
    gap = np.diff(np.unique(numbers))
    assert sorted(set(gap.tolist()))[0] == 1 and (gap != 1).sum() == 1  # the next period is one more
    assert rl.period_number(starts.iloc[-1], settings) == numbers[-1]


def test_missing_dates_have_no_period() -> None:
    dates = np.array(["2026-11-09", "NaT"], dtype="datetime64[ns]")
    assert rl.period_numbers(dates, WEEKLY)[1] == rl.NO_PERIOD
    assert rl.period_numbers(dates, MONTHLY)[1] == rl.NO_PERIOD


def test_day_number_floor_and_ceil() -> None:
    midnight = pd.Timestamp("2026-11-09")
    assert rl.day_number(midnight, ceil=True) == rl.day_number(midnight, ceil=False) == 20766
    assert rl.day_number(midnight + pd.Timedelta(hours=1), ceil=True) == 20767
    assert rl.day_number(midnight + pd.Timedelta(hours=1), ceil=False) == 20766
    assert rl.day_number(pd.Timestamp("1969-12-31 12:00"), ceil=False) == -1


def test_first_seen_and_first_rows() -> None:
    codes, _ = pd.factorize(np.array(["b", "a", "b", "c", "a"], dtype=object))
    assert rl.first_seen(codes).tolist() == [0, 1, 3]
    assert rl.first_seen(np.array([], dtype=np.intp)).tolist() == []
    assert rl.first_rows(np.array([2, 0, 2, 1, 0]), 3).tolist() == [1, 3, 0]


@pytest.mark.parametrize("dtype", ["object", "str", "category"])
def test_key_codes_keep_dtype_and_merge_after_transform(dtype: str) -> None:
    values = pd.Series([" P1", "P2", "P1 ", None, "P2"], dtype=dtype)
    codes, keys = rl.key_codes(values)
    assert keys.dtype == values.dtype and len(keys) == 4
    assert keys.iloc[codes].astype(object).tolist() == values.astype(object).tolist()
    codes, keys = rl.key_codes(values, lambda s: s.astype(object).where(s.notna(), "").astype(str).str.strip())
    assert keys.tolist() == ["P1", "P2", ""] and codes.tolist() == [0, 1, 0, 2, 1]


def test_add_at_is_exact_int64() -> None:
    big = np.array([2**62, 5, 2**62, -3], dtype=np.int64)
    out = rl.add_at(np.array([0, 1, 0, 1]), big - np.array([0, 0, 1, 0]), 2)
    assert out.dtype == np.int64 and out.tolist() == [2**63 - 1, 2]


def _lines(frame: pd.DataFrame, settings: Settings = WEEKLY) -> rl.SalesArrays:
    base = {"_error": False, "Status": "Settled", "Refund": pd.NA, "Quantity": 1, "TikTok commission": pd.NA,
            "Order date": pd.Timestamp("2026-11-10 10:00")}
    for name, value in base.items():
        if name not in frame:
            frame[name] = value
    for name in ("GMV", "Refund", "Quantity", "TikTok commission"):
        frame[name] = frame[name].astype("Int64")
    return rl.sales_arrays(frame, settings)


def test_sales_arrays_keep_gmv_lines_and_fill_refunds() -> None:
    lines = _lines(pd.DataFrame({
        "GMV": [1000, 500, 700, 300, 900], "Refund": [pd.NA, pd.NA, 100, pd.NA, pd.NA],
        "Status": ["Settled", "Refunded", "Refunded", "Ineligible", "Pending"],
        "_error": [False, False, False, False, True], "Quantity": [2, pd.NA, 1, 1, 1],
        "TikTok commission": [10, pd.NA, 5, 1, 1]}))
    assert lines.pos.tolist() == [0, 1, 2]
    assert lines.refund.tolist() == [0, 500, 100]  # a Refunded line without a Refund refunds its GMV
    assert lines.units.tolist() == [2, 1, 1] and lines.tiktok.tolist() == [10, 0, 5]
    assert lines.gmv.dtype == np.int64


def test_sales_arrays_refuse_a_missing_gmv_like_astype() -> None:
    with pytest.raises((ValueError, TypeError)):
        _lines(pd.DataFrame({"GMV": [100, pd.NA]}))


def test_group_sums_match_a_pandas_groupby() -> None:
    frame = pd.DataFrame({"GMV": [100, 200, 300, 400], "Refund": [0, 50, 0, 0], "Quantity": [1, 2, 3, 4],
                          "TikTok commission": [1, 2, 3, 4]})
    lines = _lines(frame)
    keys_in = pd.Series(["b", "a", "b", "c"], name="creator")
    codes, keys = rl.key_codes(keys_in)
    g = rl.group_sums(codes, keys.rename("creator"), lines, np.arange(4), np.array([2, 1, 1]))
    assert g.index.tolist() == ["a", "b", "c"] and g.index.name == "creator"
    assert g.loc["b"].tolist() == [400, 0, 4, 4, 2, 400]
    assert list(g.columns) == ["GMV", "Refunds", "Units", "TikTok commission", "Orders", "Net GMV"]


@pytest.mark.parametrize("dtype", ["object", "str", "category"])
def test_order_ids_count_as_text_and_never_count_missing(dtype: str) -> None:
    column = pd.Series(["A1", "A1", "A2", None, "A3", "A2"], dtype=dtype)
    ids = rl.OrderIds(column, np.arange(6))
    assert ids.count(np.arange(6)) == 3
    assert ids.count(np.array([0, 1, 3])) == 1
    assert ids.count(np.array([], dtype=np.intp)) == 0
    codes, n = ids.codes(np.array([0, 2, 3, 1]))
    assert codes[0] == codes[3] != codes[1] and codes[2] == -1 and n >= 2


def test_order_ids_compare_numbers_as_text() -> None:
    ids = rl.OrderIds(pd.Series([1, "1", 2.0, "2.0", "2"], dtype=object), np.arange(5))
    assert ids.count(np.arange(5)) == 3  # "1", "2.0", "2"


def test_distinct_pairs_and_by_code() -> None:
    assert rl.distinct_pairs(np.array([0, 0, 1, 1, 1]), 2, np.array([5, 5, 5, -1, 6]), 7).tolist() == [1, 2]
    ids = rl.OrderIds(pd.Series(["A", "B", "A", "C", "A"]), np.arange(5))
    counts = rl.distinct_by_code(np.array([1, 1, 1, 0, 0]), 3, np.arange(5), ids)
    assert counts.tolist() == [2, 2, 0]
    assert rl.distinct_by_code(np.array([], dtype=np.intp), 2, np.array([], dtype=np.intp), ids).tolist() == [0, 0]


def test_period_numbers_for_a_date_column_of_another_unit() -> None:
    days = np.array([dt.datetime(2026, 11, 9, 10), dt.datetime(2026, 11, 16)], dtype="datetime64[s]")
    assert rl.period_numbers(days, WEEKLY).tolist() == rl.period_numbers(days.astype("datetime64[ns]"), WEEKLY).tolist()
