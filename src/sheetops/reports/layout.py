"""Building blocks of the report tabs: a free-form grid of ``mixed`` cells with small
tables and native charts, and the value helpers the reports share.

A report tab is one ``TabWrite`` without a header row whose columns are named by their
letters (``A``..``H``). Sections are stacked top to bottom, separated by blank rows; each
small table (``Block``) is a header row followed by data rows, so a ``ChartSpec`` can point
at a block's columns (by letter) and rows (0-based frame rows, which are sheet rows minus
one because the tab has no header row). Pure: no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal, Sequence

import pandas as pd

from ..backends.base import ChartSeries, ChartSpec, Column, Money, Ratio, TabWrite, cell_a1, column_letter
from ..workbook.validate import Program

WIDTH = 8
"""Report content uses columns A..H; charts sit to the right, from column J."""
CHART_COLUMN = 9
CHART_ROWS = 18
"""Rows a chart of the default height covers, with a little air below it."""
LETTERS = tuple(column_letter(i) for i in range(WIDTH))
WIDTHS = (26.0, 18.0, 18.0, 16.0, 16.0, 16.0, 16.0, 16.0)


@dataclass(frozen=True)
class Block:
    """A small table inside a report: its header row and its data rows (0-based frame rows)."""

    header: tuple[str, ...]
    header_row: int
    first: int
    last: int
    """``last < first`` when the table has no data rows."""

    @property
    def empty(self) -> bool:
        return self.last < self.first

    def letter(self, name: str) -> str:
        """The column letter (the frame column name) of the block column headed ``name``."""
        return LETTERS[self.header.index(name)]


@dataclass
class Layout:
    """Rows of ``mixed`` values, written top to bottom, and the charts placed beside them."""

    rows: list[list[Any]] = field(default_factory=list)
    charts: list[ChartSpec] = field(default_factory=list)
    _next_chart_row: int = 0

    def line(self, *cells: Any) -> int:
        """Append one row (at most ``WIDTH`` cells); return its frame row."""
        if len(cells) > WIDTH:
            raise ValueError(f"a report row holds at most {WIDTH} cells")
        self.rows.append(list(cells) + [None] * (WIDTH - len(cells)))
        return len(self.rows) - 1

    def blank(self) -> None:
        self.line()

    def table(self, header: Sequence[str], body: Sequence[Sequence[Any]]) -> Block:
        """A header row, then one row per item of ``body``."""
        header_row = self.line(*header)
        for row in body:
            self.line(*row)
        return Block(tuple(header), header_row, header_row + 1, header_row + len(body))

    def chart(self, kind: Literal["line", "column", "bar"], title: str, block: Block, categories: str,
              series: Sequence[str], *, first: int | None = None, last: int | None = None) -> None:
        """A native chart of ``series`` (block column names) against ``categories``, placed to
        the right of the report at the height of the block, never over an earlier chart.
        A series with no value at all (say, no campaign has a target) is left out, and the
        chart is skipped when nothing is left to draw: a chart of nothing helps no one."""
        lo = block.first if first is None else first
        hi = block.last if last is None else last
        series = [name for name in series
                  if any(self.rows[r][block.header.index(name)] is not None for r in range(lo, hi + 1))]
        if hi < lo or not series:
            return
        top = max(block.header_row - 1, self._next_chart_row, 0)
        self._next_chart_row = top + CHART_ROWS
        self.charts.append(ChartSpec(
            kind=kind, title=title, categories=block.letter(categories),
            series=tuple(ChartSeries(name, block.letter(name)) for name in series),
            first_row=lo, last_row=hi, anchor=cell_a1(top, CHART_COLUMN),
            header_row=block.header_row if lo == block.first else None,
        ))

    def tab(self, name: str) -> TabWrite:
        """The finished report as a tool tab: no header row, columns A..H of kind ``mixed``."""
        frame = pd.DataFrame(self.rows, columns=list(LETTERS), dtype=object)
        frame = frame.astype(object).where(frame.notna(), None)
        columns = [Column(letter, "mixed", width) for letter, width in zip(LETTERS, WIDTHS)]
        return TabWrite(name, columns, frame, header=False, charts=list(self.charts))


def money(cents: Any) -> Money | None:
    """Integer cents as a ``Money`` cell; blank for a missing value."""
    if cents is None or (isinstance(cents, float) and math.isnan(cents)) or pd.isna(cents):
        return None
    return Money(int(cents))


def ratio(value: Any) -> Ratio | None:
    """A display-only ratio cell; blank when it cannot be computed (NaN, infinite)."""
    if value is None or pd.isna(value) or not math.isfinite(float(value)):
        return None
    return Ratio(float(value))


def change(now: float | None, before: float | None) -> Ratio | None:
    """Relative change from ``before`` to ``now`` (0.25 is +25%); blank when ``before`` is 0."""
    if before is None or now is None or pd.isna(before) or pd.isna(now) or before == 0:
        return None
    return Ratio((float(now) - float(before)) / abs(float(before)))


def points(now: Any, before: Any) -> Ratio | None:
    """Change of a rate in percentage points (0.012 is +1.2 points); blank when either is missing."""
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    return ratio(float(now) - float(before))


def share(part: int, whole: int) -> Ratio | None:
    return Ratio(part / whole) if whole else None


def safe_div(numerator: int, denominator: int) -> float:
    """``numerator / denominator`` as a display float; NaN when the denominator is 0."""
    return numerator / denominator if denominator else math.nan


def aov_cents(gmv_cents: int, orders: int) -> int | None:
    """Average order value in whole cents (halves rounded up); blank without orders."""
    if not orders:
        return None
    return (2 * int(gmv_cents) + int(orders)) // (2 * int(orders))


def roster(program: Program) -> pd.DataFrame:
    """Creator key -> ``Creator`` (the handle as written, without @), ``Name``, ``Tier``."""
    creators = program.creators.valid
    if creators.empty:
        return pd.DataFrame(columns=["Creator", "Name", "Tier"])
    out = pd.DataFrame({
        "Creator": creators["Creator"].astype(str).str.strip().str.lstrip("@").to_numpy(),
        "Name": creators["Name"].astype(object).where(creators["Name"].notna(), None).to_numpy(),
        "Tier": creators["Tier"].astype(object).where(creators["Tier"].notna(), None).to_numpy(),
    }, index=creators["_creator"].to_numpy())
    return out[~out.index.duplicated()]


def who(directory: pd.DataFrame, key: str) -> tuple[str, str | None, str | None]:
    """(handle, name, tier) of a creator key; the key itself when it is not on the roster."""
    if key in directory.index:
        row = directory.loc[key]
        return str(row["Creator"]), _text(row["Name"]), _text(row["Tier"])
    return str(key), None, None


def _text(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def day_text(day: Any) -> str:
    """A date as ISO text (``2026-11-09``): unambiguous for every reader."""
    return pd.Timestamp(day).date().isoformat()


def blank(value: Any) -> Any:
    """``None`` for a missing value (None, NaN, NaT), else the value itself."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


ZERO_ROW: dict[str, int] = {"GMV": 0, "Refunds": 0, "Net GMV": 0, "Orders": 0, "Units": 0, "TikTok commission": 0,
                            "Brand payouts": 0, "Sample cost": 0, "Creator cost": 0}


def headline_rows(now: dict[str, Any], before: dict[str, Any]) -> list[list[Any]]:
    """Measure, this period, the period before, change: amounts and counts change in percent,
    refund rate and ROI in percentage points (said in the row's last cell)."""
    rows: list[list[Any]] = []
    for name in ("GMV", "Net GMV"):
        rows.append([name, money(now[name]), money(before[name]), change(now[name], before[name])])
    for name in ("Orders", "Units"):
        rows.append([name, now[name], before[name], change(now[name], before[name])])
    aov_now, aov_before = aov_cents(now["GMV"], now["Orders"]), aov_cents(before["GMV"], before["Orders"])
    rows.append(["AOV", money(aov_now), money(aov_before), change(aov_now, aov_before)])
    rate_now, rate_before = safe_div(now["Refunds"], now["GMV"]), safe_div(before["Refunds"], before["GMV"])
    rows.append(["Refund rate", ratio(rate_now), ratio(rate_before), points(rate_now, rate_before),
                 "change in points"])
    for name in ("TikTok commission", "Brand payouts", "Creator cost"):
        rows.append([name, money(now[name]), money(before[name]), change(now[name], before[name])])
    roi_now = safe_div(now["Net GMV"], now["Creator cost"])
    roi_before = safe_div(before["Net GMV"], before["Creator cost"])
    rows.append(["ROI (Net GMV / creator cost)", ratio(roi_now), ratio(roi_before), points(roi_now, roi_before),
                 "change in points"])
    return rows
