"""Payouts: one row per creator and closed period, built from payable items.

This module turns items into draft payouts and the ``Commission Lines`` that explain them:
statuses (``Draft``, ``Below minimum``, ``On hold``), carry-forward of amounts below the
minimum, and the checksum of each row. Every Total equals the sum of its lines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .commissions import KIND_COLUMN
from .periods import is_closed, period_end
from .schema import PAYOUT_AMOUNT_COLUMNS
from .settings import Settings

LINE_COLUMNS = ["Payout ID", "Creator", "Campaign", "Kind", "Rule", "Order ID", "SKU ID", "Content ID",
                "Base", "Rate", "Amount"]


@dataclass
class Ledger:
    payouts: pd.DataFrame
    """Payouts columns; money columns in integer cents."""
    lines: pd.DataFrame
    """Commission Lines columns; Base/Amount in cents, Rate in millionths."""


def payout_id(period_start: pd.Series, creator_key: pd.Series) -> pd.Series:
    return period_start.dt.strftime("%Y-%m-%d") + "/" + creator_key


def checksum(row: dict[str, object]) -> str:
    """A short fingerprint of a payout's amounts, to notice hand edits of locked rows."""
    text = "|".join(str(row.get(c, "")) for c in ("Payout ID", *PAYOUT_AMOUNT_COLUMNS, "Total", "Currency"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def build_payouts(
    items: pd.DataFrame,
    *,
    settings: Settings,
    as_of: dt.date,
    on_hold: set[str],
    names: dict[str, str],
) -> Ledger:
    """Draft payouts for every closed period with items, with carry-forward and holds."""
    closed = items[is_closed(items["period_start"], as_of, settings)].copy()
    closed["Payout ID"] = payout_id(closed["period_start"], closed["creator"])
    closed["column"] = closed["kind"].map(KIND_COLUMN)
    sums = closed.pivot_table(index=["Payout ID", "creator", "period_start"], columns="column",
                              values="amount_cents", aggfunc="sum", fill_value=0)
    sums = sums.reindex(columns=list(PAYOUT_AMOUNT_COLUMNS), fill_value=0).reset_index()
    sums = sums.sort_values(["creator", "period_start"], kind="stable").reset_index(drop=True)
    carry_lines = _carry_forward(sums, settings, on_hold)
    amounts = sums[list(PAYOUT_AMOUNT_COLUMNS)].astype("int64")
    sums["Total"] = amounts.sum(axis=1)
    sums["Status"] = _statuses(sums, settings, on_hold)
    payouts = pd.DataFrame({
        "Payout ID": sums["Payout ID"],
        "Period start": sums["period_start"],
        "Period end": period_end(sums["period_start"], settings),
        "Creator": sums["creator"].map(names).fillna(sums["creator"]),
        **{c: sums[c].astype("int64") for c in PAYOUT_AMOUNT_COLUMNS},
        "Total": sums["Total"].astype("int64"),
        "Currency": settings.currency,
        "Status": sums["Status"],
        "Approved by": None, "Paid on": None, "Reference": None,
    })
    payouts["Checksum"] = [checksum(r) for r in payouts.to_dict("records")]
    lines = _lines(closed, names, carry_lines)
    return Ledger(payouts.reset_index(drop=True), lines)


def _statuses(sums: pd.DataFrame, settings: Settings, on_hold: set[str]) -> pd.Series:
    total = sums["Total"]
    below = ((total > 0) & (total < settings.minimum_payout_cents)) | sums.get("_below", False)
    status = np.where(sums["creator"].isin(on_hold), "On hold", np.where(below, "Below minimum", "Draft"))
    return pd.Series(status, index=sums.index)


def _carry_forward(sums: pd.DataFrame, settings: Settings, on_hold: set[str]) -> list[dict[str, object]]:
    """Move each Below-minimum total into the creator's next payout (rule 6 of money.md).

    Works in place on ``sums['Carried in']`` and returns the Commission Lines that show it."""
    lines: list[dict[str, object]] = []
    minimum = settings.minimum_payout_cents
    if minimum <= 0 or sums.empty:
        return lines
    base_cols = [c for c in PAYOUT_AMOUNT_COLUMNS if c != "Carried in"]
    own = sums[base_cols].sum(axis=1).to_numpy()
    carried = np.zeros(len(sums), dtype="int64")
    below = np.zeros(len(sums), dtype=bool)
    creators = sums["creator"].to_numpy()
    ids = sums["Payout ID"].to_numpy()
    pending: list[int] = []
    for i in range(len(sums)):
        if i and creators[i] != creators[i - 1]:
            pending = []
        if creators[i] in on_hold:
            continue
        if pending:
            for j in pending:
                moved = int(own[j] + carried[j])
                carried[j] -= moved
                carried[i] += moved
                lines.append({"Payout ID": ids[j], "creator": creators[i], "Kind": "Carried in",
                              "Rule": f"to {ids[i]}", "Amount": -moved})
                lines.append({"Payout ID": ids[i], "creator": creators[i], "Kind": "Carried in",
                              "Rule": f"from {ids[j]}", "Amount": moved})
            pending = []
        total = own[i] + carried[i]
        if 0 < total < minimum:
            pending, below[i] = [i], True
    sums["Carried in"] = carried
    sums["_below"] = below
    return lines


def _lines(closed: pd.DataFrame, names: dict[str, str], carry: list[dict[str, object]]) -> pd.DataFrame:
    lines = pd.DataFrame({
        "Payout ID": closed["Payout ID"],
        "Creator": closed["creator"].map(names).fillna(closed["creator"]),
        "Campaign": closed["Campaign"], "Kind": closed["kind"], "Rule": closed["Rule"],
        "Order ID": closed["Order ID"], "SKU ID": closed["SKU ID"], "Content ID": closed["Content ID"],
        "Base": closed["base_cents"].astype("Int64"), "Rate": closed["rate"].astype("Int64"),
        "Amount": closed["amount_cents"].astype("Int64"),
    })
    if carry:
        extra = pd.DataFrame(carry)
        extra["Creator"] = extra.pop("creator").map(names)
        lines = pd.concat([lines, extra.reindex(columns=LINE_COLUMNS)], ignore_index=True)
        lines["Amount"] = lines["Amount"].astype("Int64")
    return lines.sort_values(["Payout ID", "Kind"], kind="stable").reset_index(drop=True)[LINE_COLUMNS]
