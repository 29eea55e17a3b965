"""Holds that say what they hold (rule 7 of money.md).

A creator with an Error on their order lines, content rows or adjustments has all their
drafts ``On hold``. Each such Error says, in ``Issues``, which creator it holds, how many
draft payouts and their total, so a manager knows what fixing that cell releases.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from ..backends.base import money_text
from ..workbook.issues import IssueLog
from ..workbook.validate import Program
from .locks import creator_of


def held_drafts(payouts: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Creator key -> (number of On hold drafts, their total in cents)."""
    if payouts.empty:
        return {}
    held = payouts[payouts["Status"] == "On hold"]
    out: dict[str, tuple[int, int]] = {}
    for pid, total in zip(held["Payout ID"].astype(str), held["Total"]):
        n, cents = out.get(creator_of(pid), (0, 0))
        out[creator_of(pid)] = (n + 1, cents + int(total or 0))
    return out


def describe_holds(log: IssueLog, program: Program, payouts: pd.DataFrame) -> None:
    """Add to each Error that holds payouts what it holds ("holds 3 draft payouts of
    @glowwithmia, 412.10 in all, until this cell is fixed")."""
    owners: dict[tuple[str, int], str] = {}
    for table in (program.orders, program.content, program.adjustments):
        frame = table.frame
        if frame.empty or "_creator" not in frame:
            continue
        bad = frame[frame["_error"]]
        for row, creator in zip(bad["_row"].tolist(), bad["_creator"].tolist()):
            if isinstance(creator, str) and creator:
                owners[(table.name, int(row))] = creator
    if not owners:
        return
    held = held_drafts(payouts)
    said: set[tuple[str, int]] = set()
    for n, issue in enumerate(log.issues):
        if issue.severity != "Error" or issue.row is None:
            continue
        keys = [(issue.tab, r) for r in (issue.rows or (issue.row,))]
        creators = sorted({owners[k] for k in keys if k in owners and k not in said})
        said.update(keys)  # a row with several Errors: its first Error says what the row holds
        if not creators:
            continue
        count = sum(held.get(c, (0, 0))[0] for c in creators)
        total = sum(held.get(c, (0, 0))[1] for c in creators)
        cells = "these cells are" if len(keys) > 1 else "this cell is"
        who = f"@{creators[0]}" if len(creators) == 1 else (
            f"{len(creators)} creators ({', '.join('@' + c for c in creators[:5])}{', ...' if len(creators) > 5 else ''})")
        if count:
            what = (f"It holds {count} draft payout{'s' if count != 1 else ''} of {who}, "
                    f"{money_text(total)} in all, until {cells} fixed.")
        else:
            what = f"It puts the draft payouts of {who} On hold until {cells} fixed (none are drafted yet)."
        log.issues[n] = replace(issue, problem=f"{issue.problem.rstrip()} {what}",
                                creator=creators[0] if len(creators) == 1 else issue.creator)
