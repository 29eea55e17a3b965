"""Payout periods by the calendar's definition: weeks from Settings' first day, or months."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sheetops.workbook.periods import period_end, period_start
from sheetops.workbook.settings import Settings


def _days() -> pd.Series:
    """Every hour-and-a-bit across leap years and the 1970 epoch, unsorted, with a blank."""
    times = pd.date_range("1968-12-25", "1972-03-05", freq="7h").append(pd.DatetimeIndex([pd.NaT]))
    return pd.Series(times.astype("datetime64[ns]"), index=np.arange(len(times))[::-1] + 3)


@pytest.mark.parametrize("week_starts", range(7))
def test_a_week_starts_on_the_settings_day_within_the_seven_days_before(week_starts: int) -> None:
    settings = dataclasses.replace(Settings(), payout_period="Weekly", week_starts=week_starts)
    days = _days()
    starts = period_start(days, settings)
    assert starts.index.equals(days.index) and starts.dtype == "datetime64[ns]"
    assert pd.isna(starts.iloc[-1])
    d, s = days.iloc[:-1].dt.normalize(), starts.iloc[:-1]
    assert (s.dt.day_of_week == week_starts).all()
    assert ((d - s) >= pd.Timedelta(0)).all() and ((d - s) < pd.Timedelta(days=7)).all()
    assert (period_end(s, settings) >= d).all()


def test_a_month_starts_on_its_first_day() -> None:
    settings = dataclasses.replace(Settings(), payout_period="Monthly")
    days = _days()
    starts = period_start(days, settings)
    assert pd.isna(starts.iloc[-1])
    d, s = days.iloc[:-1], starts.iloc[:-1]
    assert (s.dt.day == 1).all() and (s.dt.month == d.dt.month).all() and (s.dt.year == d.dt.year).all()
    assert (s == s.dt.normalize()).all()


def test_dates_given_as_python_objects() -> None:
    settings = dataclasses.replace(Settings(), payout_period="Weekly", week_starts=0)
    out = period_start(pd.Series([dt.datetime(2026, 11, 18, 13, 5), None], dtype=object), settings)
    assert out.iloc[0] == pd.Timestamp("2026-11-16") and pd.isna(out.iloc[1])
