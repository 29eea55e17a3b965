"""The pure core of a refresh: raw grids in; typed tables, Issues, items, payouts and rollups out.

No I/O: ``refresh.py`` reads the workbook and writes the result; this module only computes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .backends.base import Grid
from .errors import BadArguments
from .ledger.holds import describe_holds
from .ledger.payouts import Ledger, build_payouts
from .ledger.paypal import payees
from .money.commissions import payable_items
from .money.rollups import Rollups, build_rollups
from .money.unpaid import tally
from .workbook import schema
from .workbook.issues import IssueLog, group_issues
from .workbook.periods import is_closed
from .workbook.validate import Program, check_program


@dataclass
class Computed:
    """Everything a refresh computes, before anything is written."""

    program: Program
    log: IssueLog
    as_of: dt.date
    items: pd.DataFrame
    ledger: Ledger
    rollups: Rollups


PAID_COLUMNS = ["creator", "period_start", "Campaign", "Product ID", "amount_cents"]
"""What the rollups need of the items of closed periods (a narrow frame is fast to select)."""


def parse_as_of(as_of: dt.date | str | None, flag: str = "--as-of") -> dt.date | None:
    """A date given on the command line or to ``refresh`` (``YYYY-MM-DD``); a plain sentence
    naming ``flag`` when it is not one."""
    if as_of is None or isinstance(as_of, dt.date):
        return as_of
    try:
        return dt.date.fromisoformat(str(as_of).strip())
    except ValueError:
        raise BadArguments(f"{flag} {as_of} is not a date; write it as YYYY-MM-DD, for example 2026-11-18.") from None


def compute(grids: dict[str, Grid | None], as_of: dt.date | str | None, *, release: bool = False) -> Computed:
    """The pure core of a refresh: typed tables, items, payouts and rollups.

    With ``release``, the raw grids of the tabs people edit are dropped from ``grids`` once
    they are typed, so a million-line Orders tab is not held twice."""
    log = IssueLog()
    program = check_program(grids, log)
    if release:
        for spec in schema.EDITED_TABS:
            grids[spec.name] = None
    return compute_program(program, log, grids, as_of)


def compute_program(program: Program, log: IssueLog, previous: dict[str, Grid | None],
                    as_of: dt.date | str | None) -> Computed:
    """The money and the rollups of a checked ``program``; ``previous`` holds the tool tabs
    of the last run (Payouts, Commission Lines, Ledger) for locking."""
    day = parse_as_of(as_of) or program.settings.as_of or program.settings.today()
    items = payable_items(program, log, day)
    names = program.creators.valid.set_index("_creator")["Creator"].astype(str).str.strip().str.lstrip("@").to_dict()
    ledger = build_payouts(items, settings=program.settings, as_of=day, on_hold=program.creators_on_hold(), names=names,
                           previous=previous, recipients=payees(program.creators.valid), log=log)
    tally(program, log)
    orders = program.orders.frame
    group_issues(log, {program.orders.name: pd.Series(orders["GMV"].to_numpy(), index=orders["_row"].to_numpy())})
    if not ledger.blocked:
        describe_holds(log, program, ledger.payouts)
    closed = items.loc[is_closed(items["period_start"], day, program.settings), PAID_COLUMNS]
    rollups = build_rollups(program, closed, day)
    return Computed(program, log, day, items, ledger, rollups)
