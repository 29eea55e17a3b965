"""Which rule applies to what: filters, validity dates, specificity, priority.

Among the rules of one type that are valid on a date and whose filled filters all match,
the one with the most filled filters wins, then the higher Priority (blank = 0). Two rules
still tied are an Error on the item ("rules R1 and R2 both apply").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .order_lines import Coded
from ..workbook.tables import key_series
from ..workbook.validate import Program


@dataclass
class Pick:
    """For each item: the index of the winning rule in ``rules`` (-1 for none), and of a
    rule tied with it (-1 when there is no tie)."""

    best: np.ndarray
    tied: np.ndarray


def rules_of(program: Program, rule_type: str) -> pd.DataFrame:
    """The usable rules of one type, with match keys."""
    frame = program.rules.valid
    rules = frame[frame["Type"] == rule_type].copy()
    rules["_product"] = rules["Product"].astype(object).where(rules["Product"].notna(), "").astype(str).str.strip()
    rules["_tier"] = key_series(rules["Tier"], "code")
    rules["_priority"] = rules["Priority"].fillna(0).astype("int64")
    return rules.reset_index(drop=True)


def creator_tiers(program: Program) -> pd.Series:
    """Creator key -> tier key (case-folded), for rule filters."""
    creators = program.creators.valid
    return pd.Series(key_series(creators["Tier"], "code").to_numpy(), index=creators["_creator"].to_numpy())


def pick_rules(rules: pd.DataFrame, *, on: np.ndarray, **filters: Coded) -> Pick:
    """Pick the most specific valid rule for each item (vectorised over items).

    ``on`` is each item's day (``datetime64``, NaT matches no rule); ``filters`` are the
    item's keys as integer codes, named like the rule columns they are matched against
    (``_creator``, ``_tier``, ``_campaign``, ``_product``)."""
    day = np.asarray(on).astype("datetime64[D]")
    n = len(day)
    best = np.full(n, -1, dtype="int64")
    tied = np.full(n, -1, dtype="int64")
    best_score = np.full(n, -np.inf)
    has_day = ~np.isnat(day)
    for j, rule in enumerate(rules.to_dict("records")):
        match = has_day.copy()
        filled = 0
        for key, codes in filters.items():
            if rule[key]:
                match &= codes.equal(rule[key])
                filled += 1
        valid_from, valid_to = rule["Valid from"], rule["Valid to"]
        if not pd.isna(valid_from):
            match &= day >= np.datetime64(pd.Timestamp(valid_from).date())
        if not pd.isna(valid_to):
            match &= day <= np.datetime64(pd.Timestamp(valid_to).date())
        score = filled * 1e12 + float(rule["_priority"])
        better = match & (score > best_score)
        tie = match & (score == best_score)
        best[better], tied[better], best_score[better] = j, -1, score
        tied[tie] = j
    return Pick(best, tied)


def tie_message(rules: pd.DataFrame, pick: Pick, i: int) -> str:
    a = rules["Rule"].iat[pick.best[i]]
    b = rules["Rule"].iat[pick.tied[i]]
    first, second = sorted([str(a), str(b)])
    return f"Rules {first} and {second} both apply to this line, equally specific and with the same Priority."


TIE_FIX = "Give one of the two rules a higher Priority on the Rules tab, or make one of them more specific."
