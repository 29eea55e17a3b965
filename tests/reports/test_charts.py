"""Every chart of every report tab points at real, non-empty data inside its tab."""

from __future__ import annotations

import re

import pytest

import sheetops
from sheetops.backends.base import Money, Ratio, TabWrite
from sheetops.reports.layout import ROW_CM, WIDTH

from ..builders import order, workbook
from .helpers import AS_OF, find_row
from .test_qbr import segment_workbook
from .test_period_report import twelve_creators


def check_charts(tab: TabWrite) -> None:
    frame = tab.frame
    letters = [c.name for c in tab.columns]
    assert not tab.header and all(c.kind == "mixed" for c in tab.columns)
    tops = []
    for chart in tab.charts:
        assert 0 <= chart.first_row <= chart.last_row < len(frame), chart
        assert chart.categories in letters and all(s.column in letters for s in chart.series)
        labels = frame[chart.categories].iloc[chart.first_row:chart.last_row + 1].tolist()
        assert all(isinstance(v, str) and v for v in labels), (chart.title, labels)
        for s in chart.series:
            values = frame[s.column].iloc[chart.first_row:chart.last_row + 1].tolist()
            assert all(v is None or isinstance(v, (Money, int, float)) and not isinstance(v, (bool, Ratio))
                       for v in values), (chart.title, values)
            assert any(v is not None for v in values)
            assert chart.header_row == chart.first_row - 1
            header_row = frame.iloc[chart.header_row].tolist()
            assert header_row[letters.index(s.column)] == s.name  # named by its block's header cell
        col, row = re.fullmatch(r"([A-Z]+)(\d+)", chart.anchor).groups()  # type: ignore[union-attr]
        assert len(col) > 1 or ord(col) - ord("A") >= WIDTH, "charts sit to the right of the report"
        tops.append((int(row), round(chart.height_cm / ROW_CM)))
    assert all(b - a >= rows for (a, rows), (b, _) in zip(tops, tops[1:])), "charts never overlap"


@pytest.mark.parametrize("make", [twelve_creators, segment_workbook, workbook], ids=["twelve", "segments", "empty"])
def test_report_charts_reference_data_inside_the_tab(make) -> None:
    wb = make()
    sheetops.refresh(wb, as_of=AS_OF)
    for name in ("Weekly Report", "QBR"):
        check_charts(wb.meta[name])


def test_weekly_report_has_its_three_charts() -> None:
    wb = twelve_creators()
    wb.tabs["Campaigns"] = [["Campaign", "Start", "End", "Products", "Target GMV"],
                            ["FALL26", "2026-10-01", "2026-12-31", "P100", 20000]]
    sheetops.refresh(wb, as_of=AS_OF)
    tab = wb.meta["Weekly Report"]
    assert [(c.kind, c.title) for c in tab.charts] == [
        ("line", "Net GMV by week"), ("bar", "Top creators by Net GMV"), ("bar", "Campaign progress against target")]
    trend, top, camps = tab.charts
    assert trend.last_row - trend.first_row + 1 == 12
    assert top.last_row - top.first_row + 1 == 10
    rows = wb.tabs["Weekly Report"]
    assert top.first_row == find_row(rows, "Rank") + 1
    assert [s.name for s in camps.series] == ["Net GMV to date", "Target GMV"]


def test_charts_of_nothing_are_left_out() -> None:
    wb = workbook(orders=[order("O1", "glowwithmia", 0, ordered="2026-11-10 10:00:00")])
    sheetops.refresh(wb, as_of=AS_OF)
    assert [c.title for c in wb.meta["Weekly Report"].charts] == ["Net GMV by week", "Campaign progress against target"]
    campaign_chart = wb.meta["Weekly Report"].charts[1]
    assert [s.name for s in campaign_chart.series] == ["Net GMV to date"]  # no target anywhere: no empty series
    check_charts(wb.meta["QBR"])
