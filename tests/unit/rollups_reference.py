"""FROZEN reference copy of sheetops.rollups before the speed work (commit 7996713).

Kept only in tests: tests/unit/test_rollups_golden.py checks that the fast build_rollups gives
exactly these frames. Do not edit to make a test pass; it is the definition of "unchanged".
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sheetops.workbook.periods import current_start, last_closed_start, period_end, period_start
from sheetops.workbook.validate import Program

GMV_STATUSES = ("Pending", "Settled", "Refunded", "Frozen")
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
        "product": o["Product ID"].astype(object).where(o["Product ID"].notna(), "").astype(str).str.strip(),
        "Product": o["Product"], "order_id": o["Order ID"].astype(str),
        "day": o["Order date"].dt.normalize(), "period": period_start(o["Order date"], program.settings),
        "gmv": o["GMV"].astype("int64"), "refund": refund.astype("int64"),
        "units": o["Quantity"].fillna(1).astype("int64"), "tiktok": o["TikTok commission"].fillna(0).astype("int64"),
    })


def _sums(lines: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    sold = lines[lines["gmv"] > 0]
    g = lines.groupby(by, dropna=False).agg(GMV=("gmv", "sum"), Refunds=("refund", "sum"), Units=("units", "sum"),
                                            **{"TikTok commission": ("tiktok", "sum")})
    g["Orders"] = sold.groupby(by, dropna=False)["order_id"].nunique().reindex(g.index).fillna(0).astype("int64")
    g["Net GMV"] = g["GMV"] - g["Refunds"]
    return g


def _finish(g: pd.DataFrame, payouts: pd.Series, samples: pd.Series) -> pd.DataFrame:
    g = g.copy()
    g["Brand payouts"] = payouts.reindex(g.index).fillna(0).astype("int64")
    g["Sample cost"] = samples.reindex(g.index).fillna(0).astype("int64")
    for col in ("GMV", "Refunds", "Net GMV", "Orders", "Units", "TikTok commission"):
        g[col] = g[col].fillna(0).astype("int64")
    g["Creator cost"] = g["TikTok commission"] + g["Brand payouts"] + g["Sample cost"]
    with np.errstate(divide="ignore", invalid="ignore"):
        g["AOV"] = np.where(g["Orders"] > 0, g["GMV"] / g["Orders"].replace(0, 1) / 100, np.nan)
        g["Refund rate"] = np.where(g["GMV"] > 0, g["Refunds"] / g["GMV"].replace(0, 1), np.nan)
        g["ROI"] = np.where(g["Creator cost"] > 0, g["Net GMV"] / g["Creator cost"].replace(0, 1), np.nan)
    return g


def _sample_costs(program: Program) -> pd.DataFrame:
    s = program.samples.valid
    return pd.DataFrame({
        "creator": s["_creator"], "campaign": s["_campaign"],
        "product": s["Product ID"].astype(object).where(s["Product ID"].notna(), "").astype(str).str.strip(),
        "period": period_start(s["Shipped"], program.settings),
        "cost": (s["Units"].fillna(1).astype("int64") * s["Unit cost"].astype("int64")),
    })


def build_rollups(program: Program, lines_paid: pd.DataFrame, as_of: dt.date) -> Rollups:
    """All four rollup tabs. ``lines_paid`` are the payable items of closed periods."""
    settings = program.settings
    sales = sales_lines(program)
    samples = _sample_costs(program)
    paid = lines_paid.assign(product=lines_paid["Product ID"].astype(object).where(lines_paid["Product ID"].notna(), "").astype(str),
                             campaign=lines_paid["Campaign"].astype(object).where(lines_paid["Campaign"].notna(), "").astype(str).str.casefold())
    last = last_closed_start(as_of, settings)
    prev = last - (pd.Timedelta(days=7) if settings.weekly else pd.offsets.MonthBegin(1))
    names = program.creators.valid.set_index("_creator")

    def compare(key: str, paid_key: str, sample_key: str) -> pd.DataFrame:
        now = sales[sales["period"] == last]
        before = sales[sales["period"] == prev]
        g = _finish(_sums(now, [key]), paid[paid["period_start"] == last].groupby(paid_key)["amount_cents"].sum(),
                    samples[samples["period"] == last].groupby(sample_key)["cost"].sum())
        g["Previous Net GMV"] = _sums(before, [key])["Net GMV"].reindex(g.index).fillna(0).astype("int64") if not before.empty else 0
        prev_net = g["Previous Net GMV"].astype("float64")
        g["Change"] = np.where(prev_net != 0, (g["Net GMV"] - prev_net) / prev_net.abs().replace(0, 1), np.nan)
        total = g["Net GMV"].sum()
        g["Share"] = g["Net GMV"] / total if total else np.nan
        g["Rank"] = g["Net GMV"].rank(ascending=False, method="min").astype("int64")
        return g.sort_values(["Rank"], kind="stable")

    by_creator = compare("creator", "creator", "creator").reset_index()
    by_creator.insert(0, "Period start", last)
    by_creator.insert(2, "Name", by_creator["creator"].map(names["Name"]) if not names.empty else None)
    by_creator.insert(3, "Tier", by_creator["creator"].map(names["Tier"]) if not names.empty else None)
    handles = program.creators.valid.set_index("_creator")["Creator"].astype(str).str.strip().str.lstrip("@")
    by_creator["Creator"] = by_creator.pop("creator").map(handles)
    by_creator.insert(1, "Creator", by_creator.pop("Creator"))

    by_product = compare("product", "product", "product").reset_index()
    product_names = sales.dropna(subset=["Product"]).drop_duplicates("product").set_index("product")["Product"]
    by_product.insert(0, "Period start", last)
    by_product.insert(1, "Product ID", by_product.pop("product"))
    by_product.insert(2, "Product", by_product["Product ID"].map(product_names))

    by_campaign = _by_campaign(program, sales, paid, samples)
    by_period = _by_period(program, sales, paid, samples, as_of)
    return Rollups(by_creator, by_campaign, by_product, by_period, last, prev)


def _by_campaign(program: Program, sales: pd.DataFrame, paid: pd.DataFrame, samples: pd.DataFrame) -> pd.DataFrame:
    camps = program.campaigns.valid.reset_index(drop=True)
    rows = []
    for camp in camps.to_dict("records"):
        key = camp["_campaign"]
        in_range = sales["campaign"].eq(key) & (sales["day"] >= camp["Start"])
        if not pd.isna(camp["End"]):
            in_range &= sales["day"] <= camp["End"]
        g = _finish(_sums(sales[in_range].assign(k=key), ["k"]).reindex([key]),
                    paid[paid["campaign"] == key].groupby(paid["campaign"])["amount_cents"].sum(),
                    samples[samples["campaign"] == key].groupby("campaign")["cost"].sum())
        row = g.iloc[0].to_dict()
        target = camp["Target GMV"]
        rows.append({"Campaign": camp["Campaign"], "Name": camp["Name"], "Brand": camp["Brand"],
                     "Start": camp["Start"], "End": camp["End"], "Status": camp["Status"], **row,
                     "Target GMV": target,
                     "Progress": (row["Net GMV"] / target) if not pd.isna(target) and target else np.nan})
    return pd.DataFrame(rows)


def _by_period(program: Program, sales: pd.DataFrame, paid: pd.DataFrame, samples: pd.DataFrame,
               as_of: dt.date) -> pd.DataFrame:
    settings = program.settings
    current = current_start(as_of, settings)
    if sales.empty:
        return pd.DataFrame()
    first = sales["period"].min()
    freq = pd.DateOffset(days=7) if settings.weekly else pd.offsets.MonthBegin(1)
    starts = pd.DatetimeIndex(pd.date_range(first, max(current, first), freq=freq), name="period")
    g = _sums(sales[sales["period"] <= current], ["period"]).reindex(starts)
    g = _finish(g, paid.groupby("period_start")["amount_cents"].sum(), samples.groupby("period")["cost"].sum())
    g = g.reset_index()
    g.insert(1, "Period end", period_end(g["period"], settings))
    g.insert(2, "In progress", np.where(g["period"] == current, "Yes", ""))
    return g.rename(columns={"period": "Period start"})
