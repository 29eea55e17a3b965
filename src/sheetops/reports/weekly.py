"""The client-ready report tabs: ``Weekly Report`` (or ``Monthly Report``) and ``QBR``.

``period_report`` summarises the last closed period against the one before, from the same
numbers as the GMV rollup tabs (money.md, "GMV rollups": sales are cut by Order date),
with three native charts: Net GMV over the last 12 periods, the top creators, and campaign
progress against target. ``report_tabs`` returns every report tab a refresh writes; the
quarterly review lives in ``qbr.py``. Pure: computed frames in, ``TabWrite``s out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..workbook import schema
from ..backends.base import TabWrite
from ..workbook.periods import period_end
from .qbr import quarterly_review
from .layout import (ZERO_ROW, Layout, left_out, blank, change, day_text, headline_table, kpi_tiles, money, ratio, report_page,
                     roster, share, who)
from ..money.rollups import sales_lines
from ..workbook.settings import Settings
from ..workbook.validate import Program

if TYPE_CHECKING:  # engine imports this module
    from ..compute import Computed

TOP_CREATORS = 10
LISTED = 8
"""At most this many campaigns or new creators are listed; a line says how many more."""
REPORT_PAGES = 2
"""The report prints on two pages: the numbers and the trend, then creators and campaigns
(every list is capped, so the second page never overflows)."""
TREND_PERIODS = 12
DROPS = 5


@dataclass(frozen=True)
class Words:
    """How the report names its period: week or month."""

    tab: str
    period: str
    plural: str

    @classmethod
    def of(cls, settings: Settings) -> Words:
        if settings.weekly:
            return cls(schema.WEEKLY_REPORT, "week", "weeks")
        return cls(schema.MONTHLY_REPORT, "month", "months")


def report_tabs(done: Computed) -> list[TabWrite]:
    """Every report tab of a refresh: the Weekly (or Monthly) Report, then the QBR."""
    sales = sales_lines(done.program)
    return [period_report(done, sales=sales), quarterly_review(done, sales=sales)]


def period_report(done: Computed, *, sales: pd.DataFrame | None = None) -> TabWrite:
    """The Weekly Report (or Monthly Report, by Settings Payout period) as one tab.

    ``sales`` are ``rollups.sales_lines(done.program)``, passed in when already at hand."""
    program, rollups = done.program, done.rollups
    settings = program.settings
    words = Words.of(settings)
    last, prev = rollups.last_closed, rollups.previous
    sales = sales_lines(program) if sales is None else sales
    periods = period_rows(rollups.by_period)
    directory = roster(program)
    lay = Layout()

    lay.title(words.tab)
    lay.facts([("Client", settings.client or None), (f"Reported {words.period}", _span(last, settings)),
               ("Compared with", _span(prev, settings)),
               ("Prepared by", f"SheetOps on {day_text(done.as_of)}; amounts in {settings.currency}")])
    lay.note("Sales are counted by order date; the period in progress is not included.")
    if (missing := left_out(program, last, pd.Timestamp(period_end(last, settings)))) is not None:
        lay.note(missing)
    lay.blank()

    now_row, before_row = periods.get(last, ZERO_ROW), periods.get(prev, ZERO_ROW)
    lay.tiles(kpi_tiles(now_row, before_row))
    lay.note(f"Changes compare with the {words.period} before ({_span(prev, settings)}).")
    lay.blank()

    lay.heading("Headline numbers")
    headline_table(lay, ["Measure", f"Reported {words.period}", f"{words.period.capitalize()} before", "Change"],
                   now_row, before_row)
    lay.blank()

    lay.heading(f"Net GMV by {words.period}, last {TREND_PERIODS} {words.plural}")
    trend = lay.table(["Week starting" if settings.weekly else "Month", "GMV", "Net GMV", "Orders"],
                      _trend_rows(periods, last, settings))
    lay.chart("line", f"Net GMV by {words.period}", trend, trend.header[0], ["Net GMV"])
    lay.blank()

    lay.page_break()
    _top_creators(lay, rollups.by_creator, now_row, before_row, words)
    lay.blank()
    _campaigns(lay, program, rollups.by_campaign, sales, last, settings, words)
    lay.blank()
    _new_creators(lay, sales, last, directory, words)
    lay.blank()
    _drops(lay, sales, last, prev, directory, words)
    return lay.tab(words.tab, page=report_page(settings.client, words.tab, settings.currency))


def _span(start: pd.Timestamp, settings: Settings) -> str:
    return f"{day_text(start)} to {day_text(period_end(start, settings))}"


def period_rows(by_period: pd.DataFrame) -> dict[pd.Timestamp, dict[str, int]]:
    """The sums of each GMV by Period row, by period start (a missing period is all zeros)."""
    if by_period.empty:
        return {}
    sums = by_period[["Period start", *ZERO_ROW]].to_dict("records")
    return {pd.Timestamp(r.pop("Period start")): {k: int(v) for k, v in r.items()} for r in sums}


def trend_starts(last: pd.Timestamp, settings: Settings, count: int = TREND_PERIODS) -> list[pd.Timestamp]:
    """The ``count`` period starts ending with ``last``, oldest first."""
    freq = "7D" if settings.weekly else "MS"
    return list(pd.date_range(end=last, periods=count, freq=freq))


def _trend_rows(periods: dict[pd.Timestamp, dict[str, int]], last: pd.Timestamp,
                settings: Settings) -> list[list[Any]]:
    rows = []
    for start in trend_starts(last, settings):
        row = periods.get(start, ZERO_ROW)
        label = day_text(start) if settings.weekly else start.strftime("%Y-%m")
        rows.append([label, money(row["GMV"]), money(row["Net GMV"]), row["Orders"]])
    return rows


def _top_creators(lay: Layout, by_creator: pd.DataFrame, now: dict[str, Any], before: dict[str, Any],
                  words: Words) -> None:
    lay.heading(f"Top {TOP_CREATORS} creators by Net GMV",
                f"share of the {words.period}'s Net GMV; change on the {words.period} before")
    top = by_creator[by_creator["Net GMV"] > 0].head(TOP_CREATORS) if not by_creator.empty else by_creator
    body = [[int(r["Rank"]), r["Creator"], blank(r["Name"]), blank(r["Tier"]), money(r["Net GMV"]),
             ratio(r["Share"]), ratio(r["Change"]), int(r["Orders"])] for r in top.to_dict("records")]
    block = lay.table(["Rank", "Creator", "Name", "Tier", "Net GMV", "Share", "Change", "Orders"], body)
    if block.empty:
        lay.note(None, f"No creator had Net GMV above zero this {words.period}.")
    else:
        top_net = int(top["Net GMV"].sum())
        lay.total(None, f"Top {len(top)} total", None, None, money(top_net), share(top_net, now["Net GMV"]), None,
                 int(top["Orders"].sum()))
    lay.total(None, "All creators", None, None, money(now["Net GMV"]), share(now["Net GMV"], now["Net GMV"]),
             change(now["Net GMV"], before["Net GMV"]), now["Orders"])
    lay.chart("bar", "Top creators by Net GMV", block, "Creator", ["Net GMV"])


def _campaigns(lay: Layout, program: Program, by_campaign: pd.DataFrame, sales: pd.DataFrame, last: pd.Timestamp,
               settings: Settings, words: Words) -> None:
    """Campaigns that ran during the reported period: Net GMV in it, to date, and progress."""
    lay.heading("Campaigns against target", "Net GMV to date covers each campaign's whole Start to End")
    camps = program.campaigns.valid.reset_index(drop=True)
    end = period_end(last, settings)
    body = []
    if not by_campaign.empty and len(by_campaign) == len(camps):
        for key, row in zip(camps["_campaign"].tolist(), by_campaign.to_dict("records")):
            if row["Start"] > end or (not pd.isna(row["End"]) and row["End"] < last):
                continue
            in_period = sales["campaign"].eq(key) & (sales["period"] == last) & (sales["day"] >= row["Start"])
            if not pd.isna(row["End"]):
                in_period &= sales["day"] <= row["End"]
            net = int((sales.loc[in_period, "gmv"] - sales.loc[in_period, "refund"]).sum())
            body.append([row["Campaign"], blank(row["Name"]), blank(row["Status"]), money(net),
                         money(row["Net GMV"]), money(row["Target GMV"]), ratio(row["Progress"]),
                         day_text(row["End"]) if not pd.isna(row["End"]) else None])
    body.sort(key=lambda r: -(r[4].cents if r[4] is not None else 0))
    block = lay.table(["Campaign", "Name", "Status", f"Net GMV this {words.period}", "Net GMV to date",
                       "Target GMV", "Progress", "Ends"], body[:LISTED])
    if block.empty:
        lay.note(None, f"No campaign ran during this {words.period}.")
    elif len(body) > LISTED:
        lay.note(None, f"and {len(body) - LISTED} more (see GMV by Campaign)")
    lay.chart("bar", "Campaign progress against target", block, "Campaign", ["Net GMV to date", "Target GMV"])


def creator_net(sales: pd.DataFrame, mask: pd.Series) -> pd.Series:
    """Net GMV in cents per creator key over the sales lines selected by ``mask``."""
    picked = sales[mask]
    return (picked["gmv"] - picked["refund"]).groupby(picked["creator"]).sum().astype("int64")


def first_sales(sales: pd.DataFrame) -> pd.DataFrame:
    """Each creator's first ever sale (a line with GMV above 0): its order day and period."""
    sold = sales[sales["gmv"] > 0]
    return sold.groupby("creator").agg(day=("day", "min"), period=("period", "min"))


def _new_creators(lay: Layout, sales: pd.DataFrame, last: pd.Timestamp, directory: pd.DataFrame,
                  words: Words) -> None:
    lay.heading(f"New creators: first ever sale this {words.period}")
    first = first_sales(sales)
    in_period = sales["period"] == last
    net = creator_net(sales, in_period)
    orders = sales[in_period & (sales["gmv"] > 0)].groupby("creator")["order_id"].nunique()
    new = sorted(first.index[first["period"] == last], key=lambda k: (-int(net.get(k, 0)), str(k)))
    body = []
    for key in new:
        handle, name, tier = who(directory, key)
        body.append([handle, name, tier, day_text(first.at[key, "day"]), money(int(net.get(key, 0))),
                     int(orders.get(key, 0))])
    block = lay.table(["Creator", "Name", "Tier", "First sale", "Net GMV", "Orders"], body[:LISTED])
    if block.empty:
        lay.note(None, f"No creator made a first sale this {words.period}.")
    elif len(body) > LISTED:
        lay.note(None, f"and {len(body) - LISTED} more")


def _drops(lay: Layout, sales: pd.DataFrame, last: pd.Timestamp, prev: pd.Timestamp, directory: pd.DataFrame,
           words: Words) -> None:
    lay.heading("Biggest drops in Net GMV", f"the {DROPS} creators whose Net GMV fell the most")
    now = creator_net(sales, sales["period"] == last)
    before = creator_net(sales, sales["period"] == prev)
    keys = before.index.union(now.index)
    now, before = now.reindex(keys, fill_value=0), before.reindex(keys, fill_value=0)
    fall = (before - now)[lambda s: s > 0]
    order = sorted(fall.index, key=lambda k: (-int(fall[k]), str(k)))[:DROPS]
    body = []
    for key in order:
        handle, name, tier = who(directory, key)
        body.append([handle, name, tier, money(int(before[key])), money(int(now[key])),
                     money(int(now[key] - before[key])), change(int(now[key]), int(before[key]))])
    block = lay.table(["Creator", "Name", "Tier", f"{words.period.capitalize()} before", f"Reported {words.period}",
                       "Change", "Change %"], body)
    if block.empty:
        lay.note(None, f"No creator's Net GMV fell this {words.period}.")
