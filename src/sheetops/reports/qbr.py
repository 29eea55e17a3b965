"""The quarterly business review tab (``QBR``).

The quarter is the calendar quarter holding the last day of the last closed period, counted
to that day ("to date": the period in progress is left out). It is compared like for like:
a quarter in progress with the same number of days at the start of the quarter before
(labelled "first N days"), a closed quarter with the whole quarter before. Sales are cut by Order date, as in every rollup (money.md, "GMV rollups"); brand
payouts count by their payout period's start and sample costs by their Shipped date.

Sections: headline numbers, Net GMV by creator tier, by campaign, and creator segments,
each segment with the rule that puts a creator in it written next to it. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable

import pandas as pd

from ..workbook import schema
from ..backends.base import TabWrite
from ..workbook.periods import is_closed, period_end
from .layout import (ZERO_ROW, Layout, blank, change, day_text, headline_table, kpi_tiles, money, ratio, report_page,
                     roster, share, who)
from ..money.rollups import sales_lines
from ..workbook.validate import Program

if TYPE_CHECKING:
    from ..compute import Computed

SEGMENT_ROWS = 10
"""At most this many creators are listed per segment; the count says how many there are."""
CAMPAIGN_ROWS = 15
"""At most this many campaigns are listed (the most Net GMV first); a line says how many more."""
REVIEW_PAGES = 4
"""The review prints one page wide and at most this many pages tall."""
NO_TIER = "(no tier)"
NO_CAMPAIGN = "(no campaign)"


@dataclass(frozen=True)
class Window:
    """A span of order days, both ends inclusive, with its name."""

    label: str
    first: pd.Timestamp
    last: pd.Timestamp

    def holds(self, days: pd.Series) -> pd.Series:
        return (days >= self.first) & (days <= self.last)

    @property
    def span(self) -> str:
        return f"{self.label} ({day_text(self.first)} to {day_text(self.last)})"


def quarter_windows(cut: pd.Timestamp) -> tuple[Window, Window]:
    """The quarter holding ``cut``, to ``cut``, and the part of the quarter before it that
    compares like for like: the whole quarter when ``cut`` closes its quarter, else its
    first as many days.

    >>> now, before = quarter_windows(pd.Timestamp("2026-11-15"))
    >>> now.span, before.span
    ('Q4 2026 to date (2026-10-01 to 2026-11-15)', 'Q3 2026, first 46 days (2026-07-01 to 2026-08-15)')
    >>> quarter_windows(pd.Timestamp("2026-12-31"))[1].span
    'Q3 2026 (2026-07-01 to 2026-09-30)'
    """
    q = pd.Period(cut, freq="Q")
    p = q - 1
    day = cut.normalize()
    full = day == q.end_time.normalize()
    now = Window(f"Q{q.quarter} {q.year}" + ("" if full else " to date"), q.start_time, day)
    if full:
        return now, Window(f"Q{p.quarter} {p.year}", p.start_time, p.end_time.normalize())
    days = (day - q.start_time).days + 1
    last = min(p.start_time + pd.Timedelta(days=days - 1), p.end_time.normalize())
    return now, Window(f"Q{p.quarter} {p.year}, first {days} days", p.start_time, last)


@dataclass(frozen=True)
class Segment:
    name: str
    rule: str
    member: Callable[[pd.DataFrame], pd.Series]


def _top_decile(c: pd.DataFrame) -> pd.Series:
    sellers = c[c["now"] > 0].sort_values(["now", "Creator"], ascending=[False, True])
    keep = sellers.index[: (len(sellers) + 9) // 10]
    return pd.Series(c.index.isin(keep), index=c.index)


SEGMENTS = (
    Segment("Top performers", "the top 10% of creators by Net GMV this quarter (at least one; only creators with "
            "Net GMV above 0)", _top_decile),
    Segment("Rising", "Net GMV up 25% or more on last quarter (last quarter's Net GMV above 0)",
            lambda c: (c["before"] > 0) & (c["now"] * 4 >= c["before"] * 5)),
    Segment("New or returning", "sold this quarter, nothing last quarter",
            lambda c: (c["sold_before"] == 0) & (c["sold_now"] > 0)),
    Segment("Declining", "still selling, Net GMV down 25% or more on last quarter",
            lambda c: (c["before"] > 0) & (c["sold_now"] > 0) & (c["now"] * 4 <= c["before"] * 3)),
    Segment("Dormant", "sold last quarter, nothing this quarter",
            lambda c: (c["sold_before"] > 0) & (c["sold_now"] == 0)),
)


def quarterly_review(done: Computed, *, sales: pd.DataFrame | None = None) -> TabWrite:
    """The QBR tab: this quarter to date against the quarter before.

    ``sales`` are ``rollups.sales_lines(done.program)``, passed in when already at hand."""
    program, settings = done.program, done.program.settings
    now, before = quarter_windows(period_end(done.rollups.last_closed, settings))
    sales = sales_lines(program) if sales is None else sales
    items = done.items[is_closed(done.items["period_start"], done.as_of, settings)]
    lay = Layout()
    lay.title("Quarterly business review")
    lay.facts([("Client", settings.client or None), ("Quarter", now.span), ("Compared with", before.span),
               ("Prepared by", f"SheetOps on {day_text(done.as_of)}; amounts in {settings.currency}")])
    lay.note("Sales are counted by order date, up to the end of the last closed period; a quarter in progress "
             "is compared with the same number of days of the quarter before.")
    lay.blank()
    this, last = window_totals(program, sales, items, now), window_totals(program, sales, items, before)
    lay.tiles(kpi_tiles(this, last))
    lay.note(f"Changes compare with {before.span}.")
    lay.blank()

    lay.heading("Headline numbers")
    headline_table(lay, ["Measure", "This quarter", "Last quarter", "Change"], this, last)
    lay.blank()

    creators = creator_quarters(program, sales, now, before)
    _by_tier(lay, creators)
    lay.blank()
    _by_campaign(lay, program, done.rollups.by_campaign, sales, now, before)
    lay.blank()
    _segments(lay, creators)
    return lay.tab(schema.QBR, page=replace(report_page(settings.client, "Quarterly business review",
                                                        settings.currency), fit_height=REVIEW_PAGES))


def window_totals(program: Program, sales: pd.DataFrame, items: pd.DataFrame, window: Window) -> dict[str, Any]:
    """The sums of a GMV rollup row over ``window``, in integer cents and counts."""
    lines = sales[window.holds(sales["day"])]
    row = dict(ZERO_ROW)
    row["GMV"], row["Refunds"] = int(lines["gmv"].sum()), int(lines["refund"].sum())
    row["Net GMV"] = row["GMV"] - row["Refunds"]
    row["Orders"] = int(lines.loc[lines["gmv"] > 0, "order_id"].nunique())
    row["Units"], row["TikTok commission"] = int(lines["units"].sum()), int(lines["tiktok"].sum())
    row["Brand payouts"] = int(items.loc[window.holds(items["period_start"]), "amount_cents"].sum())
    samples = program.samples.valid
    shipped = samples[window.holds(samples["Shipped"].dt.normalize())]
    row["Sample cost"] = int((shipped["Units"].fillna(1).astype("int64") * shipped["Unit cost"].astype("int64")).sum())
    row["Creator cost"] = row["TikTok commission"] + row["Brand payouts"] + row["Sample cost"]
    return row


def creator_quarters(program: Program, sales: pd.DataFrame, now: Window, before: Window) -> pd.DataFrame:
    """Per creator who sold in either quarter: Net GMV (``now``, ``before``) and GMV sold
    (``sold_now``, ``sold_before``) in cents, with handle, name and tier."""
    def sums(window: Window) -> pd.DataFrame:
        lines = sales[window.holds(sales["day"])]
        return pd.DataFrame({"net": (lines["gmv"] - lines["refund"]).groupby(lines["creator"]).sum(),
                             "sold": lines["gmv"].groupby(lines["creator"]).sum()})

    a, b = sums(now), sums(before)
    keys = a.index.union(b.index)
    a, b = a.reindex(keys, fill_value=0), b.reindex(keys, fill_value=0)
    out = pd.DataFrame({"now": a["net"], "before": b["net"], "sold_now": a["sold"], "sold_before": b["sold"]},
                       index=keys).astype("int64")
    directory = roster(program)
    people = [who(directory, k) for k in keys]
    out["Creator"] = [p[0] for p in people]
    out["Name"] = [p[1] for p in people]
    out["Tier"] = [p[2] or NO_TIER for p in people]
    return out.sort_values(["now", "Creator"], ascending=[False, True])


def _by_tier(lay: Layout, creators: pd.DataFrame) -> None:
    lay.heading("Net GMV by creator tier", "each creator counted under the tier on the Creators tab today")
    total = int(creators["now"].sum())
    g = creators.groupby("Tier").agg(now=("now", "sum"), before=("before", "sum"),
                                     selling=("sold_now", lambda s: int((s > 0).sum())))
    g = g.sort_values(["now"], ascending=False, kind="stable")
    body = [[tier, int(r["selling"]), money(r["now"]), money(r["before"]), change(r["now"], r["before"]),
             share(int(r["now"]), total)] for tier, r in g.iterrows()]
    block = lay.table(["Tier", "Creators selling", "This quarter", "Last quarter", "Change", "Share"], body)
    if block.empty:
        lay.note(None, "No sales in either quarter.")
    lay.chart("column", "Net GMV by creator tier", block, "Tier", ["This quarter", "Last quarter"])


def _by_campaign(lay: Layout, program: Program, by_campaign: pd.DataFrame, sales: pd.DataFrame, now: Window,
                 before: Window) -> None:
    lay.heading("Net GMV by campaign", "Target and progress cover each campaign's whole Start to End")
    camps = program.campaigns.valid.reset_index(drop=True)
    info: dict[str, dict[str, Any]] = {}
    if not by_campaign.empty and len(by_campaign) == len(camps):
        info = dict(zip(camps["_campaign"].tolist(), by_campaign.to_dict("records")))
    key = sales["campaign"].fillna("").astype(str)
    net = sales["gmv"] - sales["refund"]
    a = net[now.holds(sales["day"])].groupby(key).sum()
    b = net[before.holds(sales["day"])].groupby(key).sum()
    keys = a.index.union(b.index)
    a, b = a.reindex(keys, fill_value=0), b.reindex(keys, fill_value=0)
    order = sorted(keys, key=lambda k: (k == "", -int(a[k]), str(k)))
    body = []
    for k in order:
        camp = info.get(k, {})
        body.append([camp.get("Campaign", k or NO_CAMPAIGN), blank(camp.get("Name")), money(int(a[k])), money(int(b[k])),
                     change(int(a[k]), int(b[k])), money(camp.get("Target GMV")), ratio(camp.get("Progress"))])
    block = lay.table(["Campaign", "Name", "This quarter", "Last quarter", "Change", "Target GMV", "Progress"],
                      body[:CAMPAIGN_ROWS])
    if block.empty:
        lay.note(None, "No sales in either quarter.")
    elif len(body) > CAMPAIGN_ROWS:
        lay.note(None, f"and {len(body) - CAMPAIGN_ROWS} more (see GMV by Campaign)")
    lay.chart("bar", "Net GMV by campaign", block, "Campaign", ["This quarter", "Last quarter"])


def segment_members(creators: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Segment name -> its creators (rows of ``creator_quarters``), best first."""
    return {s.name: creators[s.member(creators).to_numpy()] for s in SEGMENTS}


def _segments(lay: Layout, creators: pd.DataFrame) -> None:
    members = segment_members(creators)
    lay.below_charts()  # the segments' rules are long lines of text
    lay.heading("Creator segments", "a creator may be in more than one segment")
    lay.table(["Segment", "Creators", "Net GMV this quarter", "Rule"],
              [[s.name, len(members[s.name]), money(int(members[s.name]["now"].sum())), s.rule] for s in SEGMENTS])
    for s in SEGMENTS:
        group = members[s.name]
        lay.blank()
        lay.heading(f"{s.name}: {s.rule}")
        body = [[r["Creator"], r["Name"], r["Tier"], money(r["now"]), money(r["before"]), change(r["now"], r["before"])]
                for _, r in group.head(SEGMENT_ROWS).iterrows()]
        block = lay.table(["Creator", "Name", "Tier", "This quarter", "Last quarter", "Change"], body)
        if block.empty:
            lay.note(None, "No creator in this segment.")
        elif len(group) > SEGMENT_ROWS:
            lay.note(None, f"and {len(group) - SEGMENT_ROWS} more")
