"""Payable items: order-line commissions, video fees, bonuses, retainers and adjustments.

``payable_items`` returns one row per item with a key that never changes (see money.md),
its creator, period, kind, rule, base, rate and amount in integer cents. Every amount is
rounded once, half away from zero, in integer arithmetic.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..backends.base import RATE_SCALE
from ..workbook.issues import IssueLog
from .order_lines import Coded, PayableLines, arrow_text, text
from ..workbook.periods import is_closed, last_closed_start, period_end, period_start, starts_between
from .rules import TIE_FIX, creator_tiers, pick_rules, rules_of, tie_message
from .unpaid import warn_no_rule
from ..workbook.validate import Program

ITEM_COLUMNS = [
    "key", "creator", "period_start", "kind", "Rule", "Campaign", "Order ID", "SKU ID",
    "Content ID", "Product ID", "base_cents", "rate", "amount_cents",
]
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
    return _items(0, key=pd.Series([], dtype=object), creator=np.array([], dtype=object),
                  period_start=np.array([], dtype="datetime64[ns]"), kind=None, amount_cents=np.array([], dtype="int64"))


TEXT_COLUMNS = ("key", "creator", "kind", "Rule", "Campaign", "Order ID", "SKU ID", "Content ID", "Product ID")


def _items(n: int, **columns: object) -> pd.DataFrame:
    """An items frame of ``n`` rows with every column of ITEM_COLUMNS (missing ones blank) and
    one dtype per column whatever the kind of item: text is Arrow text (one buffer per column,
    so selecting rows and joining the kinds copies no Python object), base and rate ``Int64``."""
    out: dict[str, object] = {}
    for c in ITEM_COLUMNS:
        v = columns.get(c)
        if c in TEXT_COLUMNS:
            out[c] = text(v, n)
        elif c in ("base_cents", "rate"):
            out[c] = pd.array(np.full(n, None, dtype=object) if v is None else v, dtype="Int64")
        elif c == "amount_cents":
            out[c] = np.asarray(v, dtype="int64")
        else:
            out[c] = np.asarray(v, dtype="datetime64[ns]")
    return pd.DataFrame(out, copy=False)


def _text(s: pd.Series) -> pd.Series:
    return s.astype(object).where(s.notna(), "").astype(str)


def _join(*parts: str | pa.Array) -> pa.Array:
    """Element-wise concatenation of Arrow string arrays and literal strings (in C)."""
    args = [pa.scalar(p, pa.large_string()) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*args, pa.scalar("", pa.large_string()))


def order_items(program: Program, log: IssueLog, lines: PayableLines) -> pd.DataFrame:
    """Commission on every payable (Settled, no Error) order line with a Percent rule.

    A line two rules tie on is flagged as an Error (on the Orders frame) and earns nothing."""
    if not len(lines):
        return _empty()
    rules = rules_of(program, "Percent")
    tiers = creator_tiers(program).to_dict()
    pick = pick_rules(rules, on=lines.order_day, _creator=lines.creator, _tier=lines.creator.mapped(tiers),
                      _campaign=lines.campaign, _product=lines.product)
    tie = pick.tied >= 0
    if tie.any():
        _flag_ties(program, log, "Orders", program.orders.frame[["_row", "Order ID"]].iloc[lines.rows], rules, pick,
                   "Order ID")
    warn_no_rule(program, log, lines, (pick.best < 0) & ~tie)
    chosen = np.flatnonzero((pick.best >= 0) & ~tie)
    rule_idx = pick.best[chosen]
    rows = lines.rows[chosen]
    frame = program.orders.frame
    base = lines.base[chosen]
    rate = rules["Rate"].to_numpy(dtype="int64")[rule_idx] if len(rule_idx) else np.array([], dtype="int64")
    order_id = pc.fill_null(arrow_text(frame["Order ID"].take(rows)), "")
    sku = arrow_text(frame["SKU ID"].take(rows))
    return _items(
        len(rows),
        key=_join("order:", order_id, "|", pc.fill_null(sku, "")),
        creator=lines.creator.take(chosen).text(),
        period_start=lines.period[chosen],
        kind="Commission", Rule=Coded(rule_idx, rules["Rule"].to_numpy(dtype=object)).text(), Campaign=frame["Campaign"].take(rows),
        **{"Order ID": order_id, "SKU ID": sku, "Product ID": lines.product.take(chosen).text()},
        base_cents=base, rate=rate, amount_cents=apply_rate(base, rate),
    )


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
    creator = Coded.of(videos["_creator"])
    pick = pick_rules(rules, on=videos["Posted"].to_numpy(), _creator=creator,
                      _tier=creator.mapped(creator_tiers(program).to_dict()), _campaign=Coded.of(videos["_campaign"]))
    tie = pick.tied >= 0
    if tie.any():
        _flag_ties(program, log, "Content", videos, rules, pick, "Content ID")
    chosen = (pick.best >= 0) & ~tie
    videos, idx = videos[chosen], pick.best[chosen]
    amount = rules["Amount"].to_numpy(dtype="int64")[idx] if len(idx) else np.array([], dtype="int64")
    return _items(
        len(videos), key=("content:" + _text(videos["Content ID"])).to_numpy(), creator=videos["_creator"].to_numpy(),
        period_start=period_start(videos["Posted"], program.settings).to_numpy(),
        kind="Video fee", Rule=rules["Rule"].to_numpy()[idx], Campaign=videos["Campaign"].to_numpy(),
        **{"Content ID": videos["Content ID"].to_numpy()}, amount_cents=amount,
    )


def bonus_items(program: Program, as_of: dt.date, lines: PayableLines) -> pd.DataFrame:
    """Bonus bands on each creator's payable GMV (sum of bases) per closed period.

    A payable line counts whether or not a Percent rule pays a commission on it."""
    rules = rules_of(program, "Bonus")
    if rules.empty or not len(lines):
        return _empty()
    lines = lines.select(np.asarray(is_closed(pd.Series(lines.period), as_of, program.settings), dtype=bool))
    starts = lines.period
    if not len(lines):
        return _empty()
    # one row per (creator, period) with a payable line: the pairs a bonus can be paid on
    period_codes, periods = pd.factorize(starts)
    pair = lines.creator.codes * len(periods) + period_codes
    pair_codes, pairs = pd.factorize(pair)  # in order of first line, as before
    pair_creator = lines.creator.uniques[pairs // len(periods)]
    pair_start = pd.Series(np.asarray(periods)[pairs % len(periods)]).astype("datetime64[ns]")
    tiers = creator_tiers(program)
    out = []
    for rule in rules.to_dict("records"):
        keep = np.ones(len(lines), dtype=bool)
        if rule["_campaign"]:
            keep &= lines.campaign.equal(rule["_campaign"])
        if rule["_product"]:
            keep &= lines.product.equal(rule["_product"])
        sums = pd.Series(np.where(keep, lines.base, 0)).groupby(pair_codes).sum().to_numpy()  # exact int64
        g = pd.DataFrame({"creator": pair_creator, "period_start": pair_start, "base": sums})
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
        out.append(_items(
            len(g), key=("bonus:" + str(rule["_rule"]) + "|" + g["creator"] + "|" + g["period_start"].dt.strftime("%Y-%m-%d")).to_numpy(),
            creator=g["creator"].to_numpy(), period_start=g["period_start"].to_numpy(), kind="Bonus", Rule=rule["Rule"],
            base_cents=g["base"].to_numpy(), rate=np.full(len(g), rate, dtype="int64"), amount_cents=amount,
        ))
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
        out.append(_items(
            len(grid), key=("retainer:" + str(rule["_rule"]) + "|" + grid["_creator"] + "|"
                            + grid["period_start"].dt.strftime("%Y-%m-%d")).to_numpy(),
            creator=grid["_creator"].to_numpy(), period_start=grid["period_start"].to_numpy(), kind="Retainer",
            Rule=rule["Rule"], amount_cents=np.full(len(grid), int(rule["Amount"]), dtype="int64"),
        ))
    return pd.concat(out, ignore_index=True) if out else _empty()


def adjustment_items(program: Program) -> pd.DataFrame:
    """Each Adjustments row, keyed by its content (repeats numbered), in its Date's period."""
    adj = program.adjustments.valid
    if adj.empty:
        return _empty()
    content = (adj["_creator"] + "|" + adj["Date"].dt.strftime("%Y-%m-%d") + "|" + adj["Amount"].astype(str)
               + "|" + _text(adj["Reason"]).str.strip())
    nth = content.groupby(content).cumcount().astype(str)
    return _items(
        len(adj), key=("adjustment:" + content + "#" + nth).to_numpy(), creator=adj["_creator"].to_numpy(),
        period_start=period_start(adj["Date"], program.settings).to_numpy(), kind="Adjustment",
        amount_cents=adj["Amount"].astype("int64").to_numpy(),
    )


def payable_items(program: Program, log: IssueLog, as_of: dt.date) -> pd.DataFrame:
    """Every item every creator currently earns, in every period (closed or not)."""
    lines = PayableLines.of(program)
    orders = order_items(program, log, lines)
    lines = lines.select(~program.orders.frame["_error"].to_numpy(dtype=bool)[lines.rows])  # minus rule ties
    parts = [orders, video_items(program, log), bonus_items(program, as_of, lines),
             retainer_items(program, as_of), adjustment_items(program)]
    parts = [p for p in parts if not p.empty]
    if len(parts) < 2:
        return parts[0] if parts else _empty()
    return pd.concat(parts, ignore_index=True)
