"""Payable items: order-line commissions, video fees, bonuses, retainers and adjustments.

``payable_items`` returns one row per item with a key that never changes (see money.md),
its creator, period, kind, rule, base, rate and amount in integer cents. Every amount is
rounded once, half away from zero, in integer arithmetic.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .backends.base import RATE_SCALE
from .issues import IssueLog
from .periods import is_closed, last_closed_start, period_end, period_start, starts_between
from .rules import TIE_FIX, creator_tiers, pick_rules, rules_of, tie_message
from .validate import Program

ITEM_COLUMNS = [
    "key", "creator", "period_start", "kind", "Rule", "Campaign", "Order ID", "SKU ID",
    "Content ID", "Product ID", "base_cents", "rate", "amount_cents",
]
ORDER_FIELDS = ["_row", "_creator", "_campaign", "Order ID", "SKU ID", "Product ID", "Campaign", "Order date",
                "Settled date", "GMV", "Refund", "Commission base"]
"""The Orders columns the money needs (selected before filtering rows: a wide frame is slow to filter)."""
KIND_COLUMN = {
    "Commission": "Commission", "Video fee": "Video fees", "Bonus": "Bonus", "Retainer": "Retainer",
    "Adjustment": "Adjustments", "Correction": "Corrections", "Carried in": "Carried in",
}


def round_div(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """Vectorised ``round(numerator / denominator)``, halves away from zero, exact."""
    num = np.asarray(numerator, dtype="int64")
    q = (np.abs(num) + denominator // 2) // denominator
    return np.where(num < 0, -q, q)


def apply_rate(base_cents: np.ndarray, rate_millionths: np.ndarray) -> np.ndarray:
    return round_div(np.asarray(base_cents, dtype="int64") * np.asarray(rate_millionths, dtype="int64"), RATE_SCALE)


def _empty() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in ITEM_COLUMNS})
    frame["period_start"] = pd.Series([], dtype="datetime64[ns]")
    for c in ("base_cents", "rate"):
        frame[c] = pd.Series([], dtype="Int64")
    frame["amount_cents"] = pd.Series([], dtype="int64")
    return frame


def _text(s: pd.Series) -> pd.Series:
    return s.astype(object).where(s.notna(), "").astype(str)


def order_items(program: Program, log: IssueLog) -> pd.DataFrame:
    """Commission on every payable (Settled, no Error) order line with a Percent rule."""
    orders = program.orders
    frame = orders.frame
    lines = frame.loc[(frame["Status"] == "Settled") & ~frame["_error"], ORDER_FIELDS]
    if lines.empty:
        return _empty()
    rules = rules_of(program, "Percent")
    tiers = creator_tiers(program)
    pick = pick_rules(rules, creator=lines["_creator"], tier=lines["_creator"].map(tiers).fillna(""),
                      on=lines["Order date"], campaign=lines["_campaign"], product=lines["Product ID"])
    tie = pick.tied >= 0
    if tie.any():
        _flag_ties(program, log, "Orders", lines, rules, pick, "Order ID")
    chosen = (pick.best >= 0) & ~tie
    lines = lines[chosen]
    rule_idx = pick.best[chosen]
    base = lines["Commission base"].fillna(lines["GMV"] - lines["Refund"].fillna(0)).astype("int64").to_numpy()
    rate = rules["Rate"].to_numpy(dtype="int64")[rule_idx] if len(rule_idx) else np.array([], dtype="int64")
    order_id, sku = _text(lines["Order ID"]), _text(lines["SKU ID"])
    return pd.DataFrame({
        "key": "order:" + order_id + "|" + sku,
        "creator": lines["_creator"].to_numpy(),
        "period_start": period_start(lines["Settled date"], program.settings).to_numpy(),
        "kind": "Commission",
        "Rule": rules["Rule"].to_numpy()[rule_idx],
        "Campaign": lines["Campaign"].to_numpy(),
        "Order ID": order_id.to_numpy(), "SKU ID": lines["SKU ID"].to_numpy(), "Content ID": None,
        "Product ID": lines["Product ID"].to_numpy(),
        "base_cents": pd.array(base, dtype="Int64"), "rate": pd.array(rate, dtype="Int64"),
        "amount_cents": apply_rate(base, rate),
    })


def _flag_ties(program: Program, log: IssueLog, tab: str, rows: pd.DataFrame, rules: pd.DataFrame, pick,
               column: str) -> None:
    table = program.orders if tab == "Orders" else program.content
    for i in np.flatnonzero(pick.tied >= 0):
        idx = rows.index[i]
        log.add("Error", tab, int(rows["_row"].iat[i]), column, rows[column].iat[i],
                tie_message(rules, pick, int(i)), TIE_FIX, col_index=table.col_index(column))
        table.frame.loc[idx, "_error"] = True


def video_items(program: Program, log: IssueLog) -> pd.DataFrame:
    """The most specific Per video rule's Amount for every approved content row."""
    content = program.content.frame
    videos = content[(content["Approved"] == "Yes") & ~content["_error"]]
    if videos.empty:
        return _empty()
    rules = rules_of(program, "Per video")
    tiers = creator_tiers(program)
    pick = pick_rules(rules, creator=videos["_creator"], tier=videos["_creator"].map(tiers).fillna(""),
                      on=videos["Posted"], campaign=videos["_campaign"])
    tie = pick.tied >= 0
    if tie.any():
        _flag_ties(program, log, "Content", videos, rules, pick, "Content ID")
    chosen = (pick.best >= 0) & ~tie
    videos, idx = videos[chosen], pick.best[chosen]
    amount = rules["Amount"].to_numpy(dtype="int64")[idx] if len(idx) else np.array([], dtype="int64")
    return pd.DataFrame({
        "key": "content:" + _text(videos["Content ID"]),
        "creator": videos["_creator"].to_numpy(),
        "period_start": period_start(videos["Posted"], program.settings).to_numpy(),
        "kind": "Video fee", "Rule": rules["Rule"].to_numpy()[idx], "Campaign": videos["Campaign"].to_numpy(),
        "Order ID": None, "SKU ID": None, "Content ID": videos["Content ID"].to_numpy(), "Product ID": None,
        "base_cents": pd.array([None] * len(videos), dtype="Int64"),
        "rate": pd.array([None] * len(videos), dtype="Int64"), "amount_cents": amount,
    })


def bonus_items(program: Program, as_of: dt.date) -> pd.DataFrame:
    """Bonus bands on each creator's payable GMV (sum of bases) per closed period.

    A payable line counts whether or not a Percent rule pays a commission on it."""
    rules = rules_of(program, "Bonus")
    if rules.empty:
        return _empty()
    frame = program.orders.frame
    settled = frame.loc[~frame["_error"] & (frame["Status"] == "Settled"), ORDER_FIELDS]
    base = settled["Commission base"].fillna(settled["GMV"] - settled["Refund"].fillna(0))
    payable = pd.DataFrame({
        "creator": settled["_creator"], "campaign": settled["_campaign"],
        "product": _text(settled["Product ID"]).str.strip(),
        "period_start": period_start(settled["Settled date"], program.settings),
        "base": base.astype("int64"),
    })
    payable = payable[is_closed(payable["period_start"], as_of, program.settings)]
    if payable.empty:
        return _empty()
    tiers = creator_tiers(program)
    pairs = payable[["creator", "period_start"]].drop_duplicates()
    out = []
    for rule in rules.to_dict("records"):
        rows = payable
        if rule["_campaign"]:
            rows = rows[rows["campaign"] == rule["_campaign"]]
        if rule["_product"]:
            rows = rows[rows["product"] == rule["_product"]]
        g = rows.groupby(["creator", "period_start"], as_index=False)["base"].sum()
        g = pairs.merge(g, how="left", on=["creator", "period_start"]).fillna({"base": 0})
        g["base"] = g["base"].astype("int64")
        if rule["_creator"]:
            g = g[g["creator"] == rule["_creator"]]
        if rule["_tier"]:
            g = g[g["creator"].map(tiers).fillna("") == rule["_tier"]]
        last_day = period_end(g["period_start"], program.settings)
        if not pd.isna(rule["Valid from"]):
            g, last_day = g[last_day >= rule["Valid from"]], last_day[last_day >= rule["Valid from"]]
        if not pd.isna(rule["Valid to"]):
            g = g[last_day <= rule["Valid to"]]
        min_gmv = 0 if pd.isna(rule["Min GMV"]) else int(rule["Min GMV"])
        g = g[g["base"] >= min_gmv]
        if g.empty:
            continue
        capped = g["base"].to_numpy(dtype="int64")
        if not pd.isna(rule["Max GMV"]):
            capped = np.minimum(capped, int(rule["Max GMV"]))
        rate = 0 if pd.isna(rule["Rate"]) else int(rule["Rate"])
        fixed = 0 if pd.isna(rule["Amount"]) else int(rule["Amount"])
        amount = fixed + apply_rate(capped - min_gmv, np.full(len(g), rate, dtype="int64"))
        out.append(pd.DataFrame({
            "key": "bonus:" + str(rule["_rule"]) + "|" + g["creator"] + "|" + g["period_start"].dt.strftime("%Y-%m-%d"),
            "creator": g["creator"].to_numpy(), "period_start": g["period_start"].to_numpy(), "kind": "Bonus",
            "Rule": rule["Rule"], "Campaign": None, "Order ID": None, "SKU ID": None, "Content ID": None,
            "Product ID": None, "base_cents": pd.array(g["base"].to_numpy(), dtype="Int64"),
            "rate": pd.array([rate] * len(g), dtype="Int64"), "amount_cents": amount,
        }))
    return pd.concat(out, ignore_index=True) if out else _empty()


def retainer_items(program: Program, as_of: dt.date) -> pd.DataFrame:
    """A Retainer's Amount for every closed period overlapping its validity, per creator."""
    rules = rules_of(program, "Retainer")
    creators = program.creators.valid
    creators = creators[creators["Status"] != "Offboarded"]
    if rules.empty or creators.empty:
        return _empty()
    settings = program.settings
    last = last_closed_start(as_of, settings)
    tiers = creator_tiers(program)
    out = []
    for rule in rules.to_dict("records"):
        who = creators
        if rule["_creator"]:
            who = who[who["_creator"] == rule["_creator"]]
        if rule["_tier"]:
            who = who[who["_creator"].map(tiers).fillna("") == rule["_tier"]]
        valid_from, valid_to = rule["Valid from"], rule["Valid to"]
        first = period_start(pd.Series([valid_from]), settings).iat[0]
        end = last if pd.isna(valid_to) else min(last, period_start(pd.Series([valid_to]), settings).iat[0])
        starts = starts_between(first, end, settings)
        if who.empty or not starts:
            continue
        grid = who[["_creator", "Joined"]].merge(pd.DataFrame({"period_start": starts}), how="cross")
        ends = period_end(grid["period_start"], settings)
        grid = grid[grid["Joined"].isna() | (ends >= grid["Joined"])]
        if grid.empty:
            continue
        out.append(pd.DataFrame({
            "key": "retainer:" + str(rule["_rule"]) + "|" + grid["_creator"] + "|" + grid["period_start"].dt.strftime("%Y-%m-%d"),
            "creator": grid["_creator"].to_numpy(), "period_start": grid["period_start"].to_numpy(),
            "kind": "Retainer", "Rule": rule["Rule"], "Campaign": None, "Order ID": None, "SKU ID": None,
            "Content ID": None, "Product ID": None, "base_cents": pd.array([None] * len(grid), dtype="Int64"),
            "rate": pd.array([None] * len(grid), dtype="Int64"),
            "amount_cents": np.full(len(grid), int(rule["Amount"]), dtype="int64"),
        }))
    return pd.concat(out, ignore_index=True) if out else _empty()


def adjustment_items(program: Program) -> pd.DataFrame:
    """Each Adjustments row, keyed by its content (repeats numbered), in its Date's period."""
    adj = program.adjustments.valid
    if adj.empty:
        return _empty()
    content = (adj["_creator"] + "|" + adj["Date"].dt.strftime("%Y-%m-%d") + "|" + adj["Amount"].astype(str)
               + "|" + _text(adj["Reason"]).str.strip())
    nth = content.groupby(content).cumcount().astype(str)
    return pd.DataFrame({
        "key": "adjustment:" + content + "#" + nth, "creator": adj["_creator"].to_numpy(),
        "period_start": period_start(adj["Date"], program.settings).to_numpy(), "kind": "Adjustment",
        "Rule": None, "Campaign": None, "Order ID": None, "SKU ID": None, "Content ID": None, "Product ID": None,
        "base_cents": pd.array([None] * len(adj), dtype="Int64"), "rate": pd.array([None] * len(adj), dtype="Int64"),
        "amount_cents": adj["Amount"].astype("int64").to_numpy(),
    })


def payable_items(program: Program, log: IssueLog, as_of: dt.date) -> pd.DataFrame:
    """Every item every creator currently earns, in every period (closed or not)."""
    orders = order_items(program, log)
    parts = [orders, video_items(program, log), bonus_items(program, as_of),
             retainer_items(program, as_of), adjustment_items(program)]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return _empty()
    items = pd.concat(parts, ignore_index=True)
    items["amount_cents"] = items["amount_cents"].astype("int64")
    items["period_start"] = pd.to_datetime(items["period_start"]).astype("datetime64[ns]")
    return items[ITEM_COLUMNS]
