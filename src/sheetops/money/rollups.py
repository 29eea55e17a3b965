"""GMV rollups by creator, campaign, product and period (money.md, "GMV rollups").

Reports are about sales, so lines are cut by Order date. Sums are exact integer cents;
ratios (AOV, refund rate, ROI, share, change) are display-only floats.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from ..workbook.periods import current_start, last_closed_start, period_end, period_start
from .rollup_lines import (GMV_STATUSES, NO_PERIOD, OrderIds, SalesArrays, add_at, day_number, distinct_by_code,
                           distinct_pairs, first_rows, group_sums, key_codes, period_number, sales_arrays)
from ..workbook.validate import Program
SUMS = ["GMV", "Refunds", "Net GMV", "Orders", "Units", "TikTok commission", "Brand payouts", "Sample cost",
        "Creator cost"]
RATIOS = ["AOV", "Refund rate", "ROI"]


@dataclass
class Rollups:
    by_creator: pd.DataFrame
    by_campaign: pd.DataFrame
    by_product: pd.DataFrame
    by_period: pd.DataFrame
    last_closed: pd.Timestamp
    previous: pd.Timestamp


def sales_lines(program: Program) -> pd.DataFrame:
    """Order lines that count in GMV, with the columns the rollups need."""
    o = program.orders.frame
    o = o.loc[~o["_error"] & o["Status"].isin(GMV_STATUSES),
              ["_creator", "_campaign", "Campaign", "Product ID", "Product", "Order ID", "Order date", "GMV",
               "Refund", "Status", "Quantity", "TikTok commission"]]
    refund = o["Refund"].astype("Int64")
    refund = refund.mask((o["Status"] == "Refunded") & refund.isna(), o["GMV"]).fillna(0)
    return pd.DataFrame({
        "creator": o["_creator"], "campaign": o["_campaign"], "Campaign": o["Campaign"],
        "product": _sales_product(o["Product ID"]),
        "Product": o["Product"], "order_id": o["Order ID"].astype(str),
        "day": o["Order date"].dt.normalize(), "period": period_start(o["Order date"], program.settings),
        "gmv": o["GMV"].astype("int64"), "refund": refund.astype("int64"),
        "units": o["Quantity"].fillna(1).astype("int64"), "tiktok": o["TikTok commission"].fillna(0).astype("int64"),
    })


def _finish(g: pd.DataFrame, payouts: pd.Series, samples: pd.Series) -> pd.DataFrame:
    """The sums of ``g`` as int64 with Brand payouts and Sample cost per key, Creator cost and
    the display ratios (AOV in currency units; Refund rate and ROI as fractions)."""
    cols = {name: g[name].to_numpy() for name in g.columns}
    for name in ("GMV", "Refunds", "Net GMV", "Orders", "Units", "TikTok commission"):
        cols[name] = _int64_values(g[name])
    brand = _int64_values(payouts.reindex(g.index))
    sample = _int64_values(samples.reindex(g.index))
    cost = cols["TikTok commission"] + brand + sample
    gmv, orders = cols["GMV"], cols["Orders"]
    with np.errstate(divide="ignore", invalid="ignore"):
        aov = np.where(orders > 0, gmv / np.where(orders == 0, 1, orders) / 100, np.nan)
        refund_rate = np.where(gmv > 0, cols["Refunds"] / np.where(gmv == 0, 1, gmv), np.nan)
        roi = np.where(cost > 0, cols["Net GMV"] / np.where(cost == 0, 1, cost), np.nan)
    return pd.DataFrame({**cols, "Brand payouts": brand, "Sample cost": sample, "Creator cost": cost, "AOV": aov,
                         "Refund rate": refund_rate, "ROI": roi}, index=g.index)


def _int64_values(s: pd.Series) -> np.ndarray:
    """``s.fillna(0).astype("int64")`` as an array."""
    return s.to_numpy() if s.dtype == np.int64 else s.fillna(0).astype("int64").to_numpy()


def _sample_costs(program: Program) -> pd.DataFrame:
    s = program.samples.valid
    return pd.DataFrame({
        "creator": s["_creator"], "campaign": s["_campaign"],
        "product": _sales_product(s["Product ID"]),
        "period": period_start(s["Shipped"], program.settings),
        "cost": (s["Units"].fillna(1).astype("int64") * s["Unit cost"].astype("int64")),
    })



def _sales_product(values: pd.Series) -> pd.Series:
    """A Product ID as the sales lines and samples key it: text, stripped, blank when missing."""
    return values.astype(object).where(values.notna(), "").astype(str).str.strip()


def _paid_text(values: pd.Series) -> pd.Series:
    """A Product ID or Campaign as the payable items key it: text, blank when missing (not stripped)."""
    return values.astype(object).where(values.notna(), "").astype(str)


def _paid_campaign(values: pd.Series) -> pd.Series:
    return _paid_text(values).str.casefold()


def _sums_by(values: pd.Series, amounts: np.ndarray, transform: Callable[[pd.Series], pd.Series] | None = None
             ) -> pd.Series:
    """Cents summed per key, the key of a row being ``transform(value)``: what
    ``amounts.groupby(keys).sum()`` gives (missing keys dropped), up to the order of the keys."""
    codes, keys = key_codes(values, transform)
    present = keys.notna().to_numpy(dtype=bool)
    if not present.all():  # groupby drops missing keys
        keep = present[codes]
        codes, amounts = (np.cumsum(present) - 1)[codes[keep]], amounts[keep]
        keys = keys[present].reset_index(drop=True)
    return pd.Series(add_at(codes, amounts, len(keys)), index=pd.Index(keys))


def build_rollups(program: Program, lines_paid: pd.DataFrame, as_of: dt.date) -> Rollups:
    """All four rollup tabs. ``lines_paid`` are the payable items of closed periods.

    Sums are over ``rollup_lines.sales_arrays`` (the lines of ``sales_lines`` as integer
    arrays); only the two periods the creator and product tabs show are grouped by creator
    and product."""
    settings = program.settings
    lines = sales_arrays(program.orders.frame, settings)
    ids = OrderIds(program.orders.frame["Order ID"], lines.pos)
    samples = _sample_costs(program)
    last = last_closed_start(as_of, settings)
    prev = last - (pd.Timedelta(days=7) if settings.weekly else pd.offsets.MonthBegin(1))
    names = program.creators.valid.set_index("_creator")
    amounts = lines_paid["amount_cents"].to_numpy(dtype=np.int64)
    paid_last = (lines_paid["period_start"] == last).to_numpy(dtype=bool)

    now = np.flatnonzero(lines.period == period_number(last, settings))
    before = np.flatnonzero(lines.period == period_number(prev, settings))
    sold_now = lines.gmv[now] > 0
    now_orders = np.full(len(now), -1, dtype=np.int64)
    now_orders[sold_now], n_orders = ids.codes(lines.pos[now[sold_now]])

    context = _Period(lines, now, before, now_orders, n_orders, samples[samples["period"] == last])
    creator_paid = _sums_by(lines_paid["creator"][paid_last], amounts[paid_last])
    by_creator = _compare(context, "creator", "_creator", None, creator_paid).reset_index()
    by_creator.insert(0, "Period start", last)
    by_creator.insert(2, "Name", by_creator["creator"].map(names["Name"]) if not names.empty else None)
    by_creator.insert(3, "Tier", by_creator["creator"].map(names["Tier"]) if not names.empty else None)
    handles = program.creators.valid.set_index("_creator")["Creator"].astype(str).str.strip().str.lstrip("@")
    by_creator["Creator"] = by_creator.pop("creator").map(handles)
    by_creator.insert(1, "Creator", by_creator.pop("Creator"))

    product_paid = _sums_by(lines_paid["Product ID"][paid_last], amounts[paid_last], _paid_text)
    by_product = _compare(context, "product", "Product ID", _sales_product, product_paid).reset_index()
    product_names = _product_names(lines, by_product["product"])
    by_product.insert(0, "Period start", last)
    by_product.insert(1, "Product ID", by_product.pop("product"))
    by_product.insert(2, "Product", by_product["Product ID"].map(product_names))

    campaign_paid = _sums_by(lines_paid["Campaign"], amounts, _paid_campaign)
    by_campaign = _by_campaign(program, lines, ids, campaign_paid, samples)
    period_paid = _sums_by(lines_paid["period_start"], amounts)
    by_period = _by_period(program, lines, ids, period_paid, samples, as_of)
    return Rollups(by_creator, by_campaign, by_product, by_period, last, prev)


@dataclass(frozen=True)
class _Period:
    """The last closed period's sales lines (``now``, with a code for each line's order, -1
    when the line is not sold), the period before's (``before``) and the last one's samples."""

    lines: SalesArrays
    now: np.ndarray
    before: np.ndarray
    now_orders: np.ndarray
    n_orders: int
    samples: pd.DataFrame


def _compare(p: _Period, key: str, column: str, transform: Callable[[pd.Series], pd.Series] | None,
             payouts: pd.Series) -> pd.DataFrame:
    """One row per ``key`` (Orders ``column``, through ``transform``) sold in the last closed
    period, against the period before, ranked by Net GMV."""
    codes, keys = key_codes(p.lines.column(column, p.now), transform)
    orders = distinct_pairs(codes, len(keys), p.now_orders, p.n_orders)
    g = _finish(group_sums(codes, keys.rename(key), p.lines, p.now, orders), payouts,
                p.samples.groupby(key)["cost"].sum())
    if len(p.before):
        codes, keys = key_codes(p.lines.column(column, p.before), transform)
        g["Previous Net GMV"] = group_sums(codes, keys.rename(key), p.lines, p.before)["Net GMV"] \
            .reindex(g.index).fillna(0).astype("int64")
    else:
        g["Previous Net GMV"] = 0
    prev_net = g["Previous Net GMV"].astype("float64")
    g["Change"] = np.where(prev_net != 0, (g["Net GMV"] - prev_net) / prev_net.abs().replace(0, 1), np.nan)
    total = g["Net GMV"].sum()
    g["Share"] = g["Net GMV"] / total if total else np.nan
    g["Rank"] = g["Net GMV"].rank(ascending=False, method="min").astype("int64")
    return g.sort_values(["Rank"], kind="stable")


def _product_names(lines: SalesArrays, wanted: pd.Series) -> pd.Series:
    """What ``sales.dropna(subset=["Product"]).drop_duplicates("product").set_index("product")["Product"]``
    gives for the wanted Product IDs: the Product of the first sales line of each that has one.
    Only a prefix of the lines is read, long enough to meet every wanted ID."""
    need, size = set(wanted), 4096
    while True:
        chunk = np.arange(min(size, len(lines.pos)))
        chunk = chunk[lines.column("Product", chunk).notna().to_numpy(dtype=bool)]
        codes, keys = key_codes(lines.column("Product ID", chunk), _sales_product)
        if need <= set(keys) or size >= len(lines.pos):
            break
        size *= 8
    first = pd.DataFrame({"product": keys, "Product": lines.column("Product", chunk[first_rows(codes, len(keys))])})
    return first.dropna(subset=["Product"]).drop_duplicates("product").set_index("product")["Product"]


def _by_campaign(program: Program, lines: SalesArrays, ids: OrderIds, paid: pd.Series,
                 samples: pd.DataFrame) -> pd.DataFrame:
    records = program.campaigns.valid.reset_index(drop=True).to_dict("records")
    codes, uniques = pd.factorize(lines.orders["_campaign"]) if records else (np.empty(0, dtype=np.intp), [])
    codes = codes[lines.pos] if records else codes
    lookup = {value: i for i, value in enumerate(uniques)}
    sums = np.zeros((len(records), 5), dtype=np.int64)
    for i, camp in enumerate(records):
        in_range = codes == lookup.get(camp["_campaign"], -2)
        if pd.isna(camp["Start"]):
            in_range[:] = False
        else:
            in_range &= lines.day >= day_number(camp["Start"], ceil=True)
        if not pd.isna(camp["End"]):
            in_range &= lines.day <= day_number(camp["End"], ceil=False)
        idx = np.flatnonzero(in_range)
        sums[i] = [lines.gmv[idx].sum(), lines.refund[idx].sum(), lines.units[idx].sum(), lines.tiktok[idx].sum(),
                   ids.count(lines.pos[idx[lines.gmv[idx] > 0]])]
    keys = pd.Index([camp["_campaign"] for camp in records])
    g = pd.DataFrame(sums, index=keys, columns=["GMV", "Refunds", "Units", "TikTok commission", "Orders"])
    g["Net GMV"] = g["GMV"] - g["Refunds"]
    g = _finish(g, paid, samples.groupby("campaign")["cost"].sum())
    rows = []
    for i, camp in enumerate(records):
        row = g.iloc[i].to_dict()
        target = camp["Target GMV"]
        rows.append({"Campaign": camp["Campaign"], "Name": camp["Name"], "Brand": camp["Brand"],
                     "Start": camp["Start"], "End": camp["End"], "Status": camp["Status"], **row,
                     "Target GMV": target,
                     "Progress": (row["Net GMV"] / target) if not pd.isna(target) and target else np.nan})
    return pd.DataFrame(rows)


def _by_period(program: Program, lines: SalesArrays, ids: OrderIds, paid: pd.Series, samples: pd.DataFrame,
               as_of: dt.date) -> pd.DataFrame:
    settings = program.settings
    current = current_start(as_of, settings)
    if len(lines.pos) == 0:
        return pd.DataFrame()
    dated = np.flatnonzero(lines.period != NO_PERIOD)
    first = period_start(lines.column("Order date", dated[[np.argmin(lines.period[dated])]]), settings).iloc[0] \
        if len(dated) else pd.NaT
    freq = pd.DateOffset(days=7) if settings.weekly else pd.offsets.MonthBegin(1)
    starts = pd.DatetimeIndex(pd.date_range(first, max(current, first), freq=freq), name="period")
    idx = np.flatnonzero(lines.period <= period_number(current, settings))
    codes = (lines.period[idx] - period_number(first, settings)).astype(np.intp)  # position in starts
    sold = lines.gmv[idx] > 0
    g = pd.DataFrame({
        "GMV": add_at(codes, lines.gmv[idx], len(starts)), "Refunds": add_at(codes, lines.refund[idx], len(starts)),
        "Units": add_at(codes, lines.units[idx], len(starts)),
        "TikTok commission": add_at(codes, lines.tiktok[idx], len(starts)),
        "Orders": distinct_by_code(codes[sold], len(starts), lines.pos[idx[sold]], ids)}, index=starts)
    g["Net GMV"] = g["GMV"] - g["Refunds"]
    g = _finish(g, paid, samples.groupby("period")["cost"].sum())
    g = g.reset_index()
    g.insert(1, "Period end", period_end(g["period"], settings))
    g.insert(2, "In progress", np.where(g["period"] == current, "Yes", ""))
    return g.rename(columns={"period": "Period start"})
