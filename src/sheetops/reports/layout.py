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
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Sequence

import pandas as pd

from ..backends.base import money_text
from ..backends.base import (CellStyle, ChartSeries, ChartSpec, Column, Money, PageSetup, Ratio, TabWrite, cell_a1,
                             column_letter)
from ..workbook.validate import Program

WIDTH = 8
"""Report content uses columns A..H; charts sit to the right of the tables, from column J."""
CHART_COLUMN = 9
CHART_WIDTH_CM = 13.0
ROW_CM = 0.53
"""Height of a default row (15 points) in centimetres, to size a chart to its table."""
LETTERS = tuple(column_letter(i) for i in range(WIDTH))
WIDTHS = (24.0, 20.0, 14.0, 14.0, 13.0, 13.0, 13.0, 13.0)
NOTE_COLUMN = 2
"""A section's note sits in column C, leaving A and B to the heading."""
TITLE_ROWS = (0, 1)
"""The title and the line under it are printed at the top of every page."""

# -- the one place that says how a report looks --------------------------------------------
ACCENT, INK, MUTED, RULE, TILE, HEAD = "0F4C81", "1F2937", "6B7280", "9CA3AF", "EEF3F9", "DCE6F2"
UP, DOWN = "1B7F3B", "B42318"
CHART_COLORS = (ACCENT, "F59E0B", "9CA3AF")
"""Series colours of every report chart, in order."""
STYLES: dict[str, CellStyle] = {
    "title": CellStyle(bold=True, size=18, color=ACCENT),
    "section": CellStyle(bold=True, size=12, color=ACCENT),
    "section_note": CellStyle(italic=True, size=9, color=MUTED),
    "header": CellStyle(bold=True, fill=HEAD, border_bottom=RULE, wrap=True),
    "header_number": CellStyle(bold=True, fill=HEAD, border_bottom=RULE, align="right", wrap=True),
    "total": CellStyle(bold=True),
    "fact_label": CellStyle(bold=True, color=MUTED),
    "fact": CellStyle(color=INK),
    "note": CellStyle(italic=True, size=9, color=MUTED),
    "tile_label": CellStyle(bold=True, size=9, color=MUTED, fill=TILE, align="center"),
    "tile_value": CellStyle(bold=True, size=15, color=INK, fill=TILE, align="center"),
    "tile_flat": CellStyle(size=9, color=MUTED, fill=TILE, align="center"),
    "times": CellStyle(number_format='0.0"×"'),
    "times_change": CellStyle(number_format='+0.0"×";-0.0"×";0.0"×"'),
}
PERCENT_CHANGE = '"▲ "0.0%;"▼ "0.0%;"= "0.0%'
POINTS_CHANGE = '"▲ "0.0" pts";"▼ "0.0" pts";"= "0.0" pts"'
TIMES_CHANGE = '"▲ "0.0"×";"▼ "0.0"×";"= "0.0"×"'
TILE_FORMATS = {"money": '#,##0', "count": '#,##0', "aov": '#,##0.00', "ratio": '0.0%', "times": '0.0"×"'}
ROW_HEIGHTS = {"title": 30.0, "tile_value": 26.0}


def tile_change_style(value: float | None, fmt: str, *, lower_is_better: bool = False) -> CellStyle:
    """The change line of a KPI tile: green when it moved the good way, red the bad way."""
    if value is None or value == 0:
        color = MUTED
    else:
        color = UP if (value > 0) != lower_is_better else DOWN
    return CellStyle(size=9, color=color, fill=TILE, align="center", number_format=fmt)


def paper_for(currency: str) -> Literal["A4", "Letter"]:
    """US Letter where that is the usual paper (US, Canadian, Mexican dollars/pesos), else A4."""
    return "Letter" if currency.upper() in ("USD", "CAD", "MXN") else "A4"


@dataclass(frozen=True)
class Tile:
    """One KPI tile: a label, a value, and its change against the period before.

    ``kind``: money | count | aov | ratio | times (the value's look). ``change`` is already in
    the unit ``change_format`` shows (a ratio for percent, points x 100, or a difference in x)."""

    label: str
    value: Any
    kind: str
    change: float | None
    change_format: str = PERCENT_CHANGE
    lower_is_better: bool = False


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
    """Rows of ``mixed`` values, written top to bottom, each cell's look, and the charts
    placed beside the tables (never over one another)."""

    rows: list[list[Any]] = field(default_factory=list)
    charts: list[ChartSpec] = field(default_factory=list)
    styles: dict[tuple[int, int], CellStyle] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    breaks: list[int] = field(default_factory=list)
    _next_chart_row: int = 0
    _section_row: int = 0

    def line(self, *cells: Any, style: str | None = None) -> int:
        """Append one row (at most ``WIDTH`` cells); return its frame row. ``style`` names an
        entry of ``STYLES`` for every filled cell of the row."""
        if len(cells) > WIDTH:
            raise ValueError(f"a report row holds at most {WIDTH} cells")
        self.rows.append(list(cells) + [None] * (WIDTH - len(cells)))
        row = len(self.rows) - 1
        if style:
            for col, value in enumerate(cells):
                if value is not None:
                    self.styles[(row, col)] = STYLES[style]
        return row

    def blank(self) -> None:
        self.line()

    def title(self, title: str) -> None:
        """The report's name, large, on the first row (printed on every page)."""
        row = self.line(title, style="title")
        self.heights[row] = ROW_HEIGHTS["title"]

    def facts(self, pairs: Sequence[tuple[str, Any]]) -> None:
        """Label and value rows under the title: the client, the period, who prepared it."""
        for label, value in pairs:
            row = self.line(label, value)
            self.styles[(row, 0)] = STYLES["fact_label"]
            if value is not None:
                self.styles[(row, 1)] = STYLES["fact"]

    def heading(self, text: str, note: str | None = None) -> int:
        """A section heading (and a short note beside it); charts of the section start here."""
        cells: list[Any] = [text] + [None] * NOTE_COLUMN
        cells[NOTE_COLUMN] = note
        row = self.line(*cells)
        self.styles[(row, 0)] = STYLES["section"]
        if note is not None:
            self.styles[(row, NOTE_COLUMN)] = STYLES["section_note"]
        self._section_row = row
        return row

    def note(self, *cells: Any) -> int:
        return self.line(*cells, style="note")

    def total(self, *cells: Any) -> int:
        return self.line(*cells, style="total")

    def below_charts(self) -> None:
        """Blank rows until the charts placed so far end: for a section whose long text runs
        to the right, where a chart would cover it."""
        while len(self.rows) < self._next_chart_row:
            self.blank()

    def page_break(self) -> None:
        """Start the next row on a new printed page."""
        self.breaks.append(len(self.rows))

    def tiles(self, tiles: Sequence[Tile]) -> None:
        """KPI tiles in a row: a label, the value, the change; one column each."""
        if len(tiles) > WIDTH:
            raise ValueError(f"at most {WIDTH} tiles fit a row")
        label = self.line(*[t.label.upper() for t in tiles])
        value = self.line(*[t.value for t in tiles])
        moved = self.line(*[t.change for t in tiles])
        self.heights[value] = ROW_HEIGHTS["tile_value"]
        for col, t in enumerate(tiles):
            self.styles[(label, col)] = STYLES["tile_label"]
            self.styles[(value, col)] = replace(STYLES["tile_value"], number_format=TILE_FORMATS[t.kind])
            self.styles[(moved, col)] = (tile_change_style(t.change, t.change_format, lower_is_better=t.lower_is_better)
                                         if t.change is not None else STYLES["tile_flat"])
            if t.change is None:
                self.rows[moved][col] = "n/a"

    def table(self, header: Sequence[str], body: Sequence[Sequence[Any]]) -> Block:
        """A header row, then one row per item of ``body``."""
        header_row = self.line(*header)
        numeric = [any(isinstance(r[i], (int, float, Money, Ratio)) and not isinstance(r[i], bool)
                       for r in body if i < len(r)) for i in range(len(header))]
        for col in range(len(header)):
            self.styles[(header_row, col)] = STYLES["header_number" if numeric[col] else "header"]
        for row in body:
            self.line(*row)
        return Block(tuple(header), header_row, header_row + 1, header_row + len(body))

    def chart(self, kind: Literal["line", "column", "bar"], title: str, block: Block, categories: str,
              series: Sequence[str], *, first: int | None = None, last: int | None = None) -> None:
        """A native chart of ``series`` (block column names) against ``categories``, placed to
        the right of the tables from the heading of its section, as tall as the section (at
        least 6 cm), never over an earlier chart. A series with no value at all (say, no
        campaign has a target) is left out, and the chart is skipped when nothing is left to
        draw: a chart of nothing helps no one."""
        lo = block.first if first is None else first
        hi = block.last if last is None else last
        series = [name for name in series
                  if any(self.rows[r][block.header.index(name)] is not None for r in range(lo, hi + 1))]
        if hi < lo or not series:
            return
        top = max(min(self._section_row, block.header_row), self._next_chart_row, 0)
        rows = max(block.last + 1 - top, 12)
        self._next_chart_row = top + rows + 1
        self.charts.append(ChartSpec(
            kind=kind, title=title, categories=block.letter(categories),
            series=tuple(ChartSeries(name, block.letter(name)) for name in series),
            first_row=lo, last_row=hi, anchor=cell_a1(top, CHART_COLUMN), width_cm=CHART_WIDTH_CM,
            height_cm=round(rows * ROW_CM, 2), header_row=block.header_row if lo == block.first else None,
            colors=CHART_COLORS,
        ))

    def tab(self, name: str, *, page: PageSetup | None = None) -> TabWrite:
        """The finished report as a tool tab: no header row, columns A..H of kind ``mixed``,
        printed as ``page`` says (with the title rows on every page and our page breaks)."""
        frame = pd.DataFrame(self.rows, columns=list(LETTERS), dtype=object)
        frame = frame.astype(object).where(frame.notna(), None)
        columns = [Column(letter, "mixed", width) for letter, width in zip(LETTERS, WIDTHS)]
        if page is not None:
            page = replace(page, title_rows=TITLE_ROWS if len(self.rows) > TITLE_ROWS[1] else None,
                           row_breaks=tuple(b for b in self.breaks if 0 < b < len(self.rows)))
        return TabWrite(name, columns, frame, header=False, charts=list(self.charts), styles=dict(self.styles),
                        row_heights=dict(self.heights), page=page, gridlines=page is None)


def report_page(client: str, report: str, currency: str) -> PageSetup:
    """How a report tab prints: landscape, one page wide, the client and page numbers below."""
    footer = f"{client} · {report}" if client else report
    return PageSetup(landscape=True, fit_width=1, fit_height=0, paper=paper_for(currency), footer_left=footer)


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
    rows.append(["ROI (Net GMV / creator cost)", _finite(roi_now), _finite(roi_before), _difference(roi_now, roi_before),
                 "change in ×"])
    return rows


def _finite(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _difference(now: float, before: float) -> float | None:
    a, b = _finite(now), _finite(before)
    return None if a is None or b is None else a - b


def headline_table(lay: Layout, header: Sequence[str], now: dict[str, Any], before: dict[str, Any]) -> Block:
    """The headline numbers as a table (``headline_rows``), ROI shown as a multiple (4.2×)."""
    block = lay.table(header, headline_rows(now, before))
    roi = block.last
    lay.styles[(roi, 1)] = lay.styles[(roi, 2)] = STYLES["times"]
    lay.styles[(roi, 3)] = STYLES["times_change"]
    lay.styles[(roi, 4)] = lay.styles[(roi - 4, 4)] = STYLES["note"]
    return block


def kpi_tiles(now: dict[str, Any], before: dict[str, Any]) -> list[Tile]:
    """GMV, Net GMV, Orders, AOV, refund rate, creator cost and ROI, each with its change."""
    aov_now, aov_before = aov_cents(now["GMV"], now["Orders"]), aov_cents(before["GMV"], before["Orders"])
    rate_now, rate_before = safe_div(now["Refunds"], now["GMV"]), safe_div(before["Refunds"], before["GMV"])
    roi_now = safe_div(now["Net GMV"], now["Creator cost"])
    roi_before = safe_div(before["Net GMV"], before["Creator cost"])
    rate_change = _difference(rate_now, rate_before)

    def pct(a: Any, b: Any) -> float | None:
        moved = change(a, b)
        return None if moved is None else moved.value

    return [
        Tile("GMV", money(now["GMV"]), "money", pct(now["GMV"], before["GMV"])),
        Tile("Net GMV", money(now["Net GMV"]), "money", pct(now["Net GMV"], before["Net GMV"])),
        Tile("Orders", int(now["Orders"]), "count", pct(now["Orders"], before["Orders"])),
        Tile("AOV", money(aov_now), "aov", pct(aov_now, aov_before)),
        Tile("Refund rate", ratio(rate_now), "ratio", None if rate_change is None else rate_change * 100,
             POINTS_CHANGE, lower_is_better=True),
        Tile("Creator cost", money(now["Creator cost"]), "money", pct(now["Creator cost"], before["Creator cost"]),
             lower_is_better=True),
        Tile("ROI", _finite(roi_now), "times", _difference(roi_now, roi_before), TIMES_CHANGE),
    ]


def left_out(program: Program, start: pd.Timestamp, end: pd.Timestamp) -> str | None:
    """What a report of the orders dated ``start`` .. ``end`` (inclusive) leaves out, in
    words: lines of creators not on Creators, and lines with an Error (issue #14); None
    when nothing is left out."""
    orders = program.orders.frame
    if orders.empty:
        return None
    day = orders["Order date"].dt.normalize()
    inside = (day >= start) & (day <= end) & orders["_error"]
    if not inside.any():
        return None
    unknown = inside & program.not_on_creators(program.orders)
    parts = []
    for mask, why in ((unknown, "for creators not on the Creators tab"), (inside & ~unknown, "with Errors")):
        n = int(mask.sum())
        if n:
            known = orders.loc[mask, "GMV"].dropna()
            gmv = f"{money_text(int(known.sum()), grouped=True)} GMV" if len(known) else "GMV not readable"
            parts.append(f"{n} order line{'s' if n != 1 else ''} ({gmv}) {why}")
    return "Not in this report: " + " and ".join(parts) + "; see the Issues tab."
