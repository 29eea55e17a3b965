"""Minimum payout: amounts below it move into the creator's next payout (rule 6 of money.md).

A carry is a pair of lines with the same pair name ``<from payout>><to payout>``: a
negative ``carry-out`` line in the earlier payout and a positive ``carry-in`` line in the
later one, so every Total stays the sum of its lines and the pair adds up to zero.

Carries are only made between drafts. Once one side of a pair is locked, the other side is
fixed too: if the later payout was approved with the amount carried in, the earlier draft
keeps showing it carried out (its Total stays 0), and the other way round. Such a fixed line
lands in its own payout when that is still a draft, else in the creator's next open period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .corrections import Calendar, payout_id_of
from .locks import Book
from ..workbook.schema import PAYOUT_AMOUNT_COLUMNS

CARRY_KIND = "Carried in"


def carry_keys(from_id: str, to_id: str) -> tuple[str, str]:
    return f"carry-out:{from_id}>{to_id}", f"carry-in:{from_id}>{to_id}"


def _pair(key: str) -> tuple[str, str, str]:
    side, pair = key.split(":", 1)
    from_id, _, to_id = pair.partition(">")
    return side, from_id, to_id


def fixed_carries(book: Book, cal: Calendar) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The other half of every carry pair of which only one half is locked.

    Returns (lines to place in drafts: Payout ID, creator, target, key, Rule, amount_cents;
    halves that wait because no open period exists yet: creator, key, amount_cents, anchor)."""
    cols = ["Payout ID", "creator", "target", "key", "Rule", "amount_cents"]
    if book.items.empty:
        return pd.DataFrame(columns=cols), pd.DataFrame(columns=["creator", "key", "amount_cents", "anchor"])
    carries = book.items[book.items["key"].str.startswith("carry-")]
    present = set(carries["key"])
    rows, waits = [], []
    for key, amount in zip(carries["key"], carries["amount_cents"]):
        side, from_id, to_id = _pair(key)
        out_key, in_key = carry_keys(from_id, to_id)
        other, home, rule = (in_key, to_id, f"from {from_id}") if side == "carry-out" else (out_key, from_id, f"to {to_id}")
        if other in present:
            continue
        creator = home.split("/", 1)[1]
        start = pd.Timestamp(home.split("/", 1)[0])
        target = start if not cal.is_locked(creator, start) and start <= cal.last_closed else cal.open_after(creator, start)
        if target is None:
            waits.append({"creator": creator, "key": other, "amount_cents": -int(amount), "anchor": start})
            continue
        rows.append({"Payout ID": payout_id_of(target, creator), "creator": creator, "target": target, "key": other,
                     "Rule": rule, "amount_cents": -int(amount)})
    return (pd.DataFrame(rows, columns=cols),
            pd.DataFrame(waits, columns=["creator", "key", "amount_cents", "anchor"]))


def carry_forward(sums: pd.DataFrame, *, minimum_cents: int, on_hold: set[str]) -> list[dict[str, object]]:
    """Move each draft whose Total is above 0 and below the minimum into the creator's next draft.

    ``sums`` holds one row per draft, sorted by creator and period, with the amount columns
    (``Carried in`` already holding any fixed carry lines). Works in place on
    ``sums['Carried in']`` and ``sums['_below']``; returns the carry lines it made."""
    lines: list[dict[str, object]] = []
    sums["_below"] = False
    if minimum_cents <= 0 or sums.empty:
        return lines
    own = sums[list(PAYOUT_AMOUNT_COLUMNS)].sum(axis=1).to_numpy(dtype="int64")
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
        for j in pending:
            moved = int(own[j] + carried[j])
            carried[j] -= moved
            carried[i] += moved
            out_key, in_key = carry_keys(ids[j], ids[i])
            lines.append({"Payout ID": ids[j], "creator": creators[i], "key": out_key, "Rule": f"to {ids[i]}",
                          "amount_cents": -moved})
            lines.append({"Payout ID": ids[i], "creator": creators[i], "key": in_key, "Rule": f"from {ids[j]}",
                          "amount_cents": moved})
        pending = []
        total = own[i] + carried[i]
        if 0 < total < minimum_cents:
            pending, below[i] = [i], True
    sums["Carried in"] = sums["Carried in"].to_numpy(dtype="int64") + carried
    sums["_below"] = below
    return lines
