"""Money that is not paid is always visible (issue #14).

- Settled order lines that no Percent rule pays: one Warning per creator and campaign, with
  how many lines, their GMV and how to fix (lines a rule pays at 0% are not warned about:
  only the absence of a rule is).
- ``tally``: order lines that earn nothing and why (no rule, a creator not on Creators, an
  Error), counted for the run's summary (``not_paid`` in ``--json``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..backends.base import money_text
from ..workbook.issues import IssueLog
from ..workbook.validate import Program
from .order_lines import PayableLines


def warn_no_rule(program: Program, log: IssueLog, lines: PayableLines, no_rule: np.ndarray) -> None:
    """One Warning per (creator, campaign) of the payable lines no Percent rule pays."""
    at = np.flatnonzero(no_rule)
    if not len(at):
        log.not_paid["no_rule"] = [0, 0]
        return
    frame = program.orders.frame
    rows = lines.rows[at]
    gmv = frame["GMV"].to_numpy(dtype="int64", na_value=0)[rows]
    log.not_paid["no_rule"] = [len(at), int(gmv.sum())]
    pair = lines.creator.codes[at] * (len(lines.campaign.uniques) + 2) + (lines.campaign.codes[at] + 1)
    codes, _ = pd.factorize(pair)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    sheet_rows = frame["_row"].to_numpy(dtype="int64")[rows]
    creators = np.concatenate([lines.creator.uniques, np.array([None], dtype=object)])[lines.creator.codes[at]]
    shown_campaign = frame["Campaign"].astype(object).to_numpy()[rows]
    col = program.orders.col_index("Campaign")
    for group in np.split(order, bounds):
        first = group[np.argmin(sheet_rows[group])]
        creator = creators[first]
        campaign = shown_campaign[first]
        campaign = "" if campaign is None or (not isinstance(campaign, str) and pd.isna(campaign)) else str(campaign).strip()
        n, total = len(group), int(gmv[group].sum())
        who = f"@{creator}" if creator else "a line with no creator"
        on = f"on campaign {campaign}" if campaign else "with no campaign"
        fix = (f"Add a Percent rule for campaign {campaign}, or a catch-all Percent rule (no filters) on the Rules tab."
               if campaign else "Add a catch-all Percent rule (no filters) on the Rules tab.")
        fix += " If these lines should earn nothing, a rule at 0% says so and ends this warning."
        log.add("Warning", program.orders.name, int(sheet_rows[first]), "Campaign", campaign,
                f"{n} settled line{'s' if n != 1 else ''} of {who} {on} ({money_text(total)} GMV) "
                f"{'are' if n != 1 else 'is'} paid nothing: no Percent rule applies to {'them' if n != 1 else 'it'}.",
                fix, col_index=col, creator=creator or None,
                rows=tuple(sorted(int(r) for r in sheet_rows[group])) if n > 1 else ())


def tally(program: Program, log: IssueLog) -> None:
    """Order lines in Error, split into a creator not on Creators and every other Error."""
    frame = program.orders.frame
    if frame.empty:
        log.not_paid.setdefault("no_rule", [0, 0])
        log.not_paid["unknown_creator"] = [0, 0]
        log.not_paid["in_error"] = [0, 0]
        return
    error = frame["_error"].to_numpy(dtype=bool)
    unknown = error & program.not_on_creators(program.orders)
    gmv = frame["GMV"].to_numpy(dtype="int64", na_value=0)
    log.not_paid.setdefault("no_rule", [0, 0])
    log.not_paid["unknown_creator"] = [int(unknown.sum()), int(gmv[unknown].sum())]
    other = error & ~unknown
    log.not_paid["in_error"] = [int(other.sum()), int(gmv[other].sum())]
