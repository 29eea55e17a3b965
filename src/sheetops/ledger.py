"""Payouts: one row per creator and closed period, built from payable items and the ledger.

``build_payouts`` is the whole of money.md's "Payouts, locking and later changes":

1. read the Ledger (locked payouts and their items) and the Payouts rows as people left them
   (``locks.py``, ``approvals.py``); a damaged Ledger or a lock that cannot be taken stops
   payouts from being written on this run;
2. lock the rows people set to Approved or Paid, with the lines the previous run showed;
3. place every item: in its own period, or as a late item or a ``Correction`` in the
   creator's next open period, or waiting for one to close (``corrections.py``);
4. sum the drafts, carry amounts below the minimum forward (``carry.py``), set statuses;
5. write locked rows from the Ledger (or as found when edited by hand) and the drafts, with
   the people's columns and any columns people added carried over by Payout ID.

Every Total equals the sum of its columns and of its ``Commission Lines``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import schema
from .approvals import (LINE_COLUMNS, Seen, check_locked_rows, expected_rows, lost_locks, read_seen,
                        take_approvals)
from .backends.base import Grid
from .carry import CARRY_KIND, carry_forward, fixed_carries
from .commissions import KIND_COLUMN
from .corrections import WAITING_COLUMNS, calendar, place_items
from .issues import IssueLog
from .locks import Book, Row, payout_checksum, read_book
from .payout_export import Payee, export_frame
from .periods import period_end
from .schema import PAYOUT_AMOUNT_COLUMNS, PAYOUT_PEOPLE_COLUMNS
from .settings import Settings

PAYOUT_COLUMNS = [c.name for c in schema.PAYOUTS.columns]


@dataclass
class Ledger:
    payouts: pd.DataFrame
    """Payouts columns (money in integer cents), then any columns people added."""
    lines: pd.DataFrame
    """Commission Lines columns; Base/Amount in cents, Rate in millionths, Item the item key."""
    book: Book = field(default_factory=Book)
    """Every locked payout and its items: the hidden Ledger tab."""
    export: pd.DataFrame = field(default_factory=lambda: export_frame(pd.DataFrame(columns=PAYOUT_COLUMNS), {}))
    """The Payout Export rows: approved, unpaid, locked payouts."""
    waiting: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=WAITING_COLUMNS))
    """Items (and corrections) earned but not yet in any payout: their period has not closed."""
    blocked: bool = False
    """The Ledger is damaged or a lock could not be taken: write no payouts on this run."""
    extra_columns: list[str] = field(default_factory=list)


def payout_id(period_start: pd.Series, creator_key: pd.Series) -> pd.Series:
    return period_start.dt.strftime("%Y-%m-%d") + "/" + creator_key


def checksum(row: Row) -> str:
    """A draft row's fingerprint (see ``locks.payout_checksum``)."""
    return payout_checksum(row, locked=False)


def build_payouts(
    items: pd.DataFrame,
    *,
    settings: Settings,
    as_of: dt.date,
    on_hold: set[str],
    names: dict[str, str],
    previous: dict[str, Grid | None] | None = None,
    recipients: dict[str, Payee] | None = None,
    log: IssueLog | None = None,
) -> Ledger:
    """Payouts and Commission Lines for every closed period, honouring locked payouts.

    ``previous`` holds the grids the run read (``Payouts``, ``Commission Lines``, ``Ledger``);
    ``recipients`` maps creator keys to their PayPal recipient (for ``Payout Export``)."""
    log = log if log is not None else IssueLog()
    previous = previous or {}
    book = read_book(previous.get(schema.LEDGER), log)
    if book.damaged:
        return _blocked(book)
    seen = read_seen(previous.get(schema.PAYOUTS.name))
    locked_rows = check_locked_rows(seen, book, log)
    claimed = {int(r["_found"]["_row"]) for r in locked_rows.values() if r["_found"]}
    if lost_locks(seen, book, claimed, log):
        return _blocked(book)
    if not take_approvals(seen, previous.get(schema.COMMISSION_LINES), book, claimed=claimed, on_hold=on_hold,
                          as_of=as_of, log=log):
        return _blocked(book)
    by_id, expected = seen.by_id(), expected_rows(book)
    for pid in book.ids - locked_rows.keys():  # locked on this run, exactly as the person saw them
        locked_rows[pid] = {**expected[pid], "Status": by_id[pid]["Status"], "_found": by_id[pid]}
    cal = calendar(book, settings, as_of)
    placed, waiting = place_items(items, book, cal)
    fixed, fixed_wait = fixed_carries(book, cal)
    draft_lines = _draft_lines(placed, fixed, names)
    drafts, carry_lines = _drafts(draft_lines, settings, on_hold, names)
    lines = pd.concat([_locked_lines(book), draft_lines, carry_lines], ignore_index=True)
    lines = lines.sort_values(["Payout ID", "Kind"], kind="stable").reset_index(drop=True)[LINE_COLUMNS]
    payouts = _assemble(drafts, locked_rows, book, seen)
    if len(fixed_wait):
        waiting = pd.concat([waiting, fixed_wait.assign(kind=CARRY_KIND)], ignore_index=True)
    export = export_frame(payouts, recipients or {}, log=log, locked=book.ids)
    return Ledger(payouts, lines, book, export, waiting[WAITING_COLUMNS], False, list(seen.extra))


def _blocked(book: Book) -> Ledger:
    return Ledger(pd.DataFrame(columns=PAYOUT_COLUMNS), pd.DataFrame(columns=LINE_COLUMNS), book, blocked=True)


def _draft_lines(placed: pd.DataFrame, fixed: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    def name(creators: pd.Series) -> pd.Series:
        return creators.map(names).fillna(creators)

    main = pd.DataFrame({
        "Payout ID": placed["Payout ID"], "Creator": name(placed["creator"]), "Campaign": placed["Campaign"],
        "Kind": placed["kind"], "Rule": placed["Rule"], "Order ID": placed["Order ID"], "SKU ID": placed["SKU ID"],
        "Content ID": placed["Content ID"], "Base": placed["base_cents"], "Rate": placed["rate"],
        "Amount": placed["amount_cents"], "Item": placed["key"],
        "_creator": placed["creator"], "_start": placed["target"],
    })
    carried = pd.DataFrame({
        "Payout ID": fixed["Payout ID"], "Creator": name(fixed["creator"]), "Kind": CARRY_KIND, "Rule": fixed["Rule"],
        "Amount": fixed["amount_cents"], "Item": fixed["key"], "_creator": fixed["creator"], "_start": fixed["target"],
    })
    frames = [f for f in (main, carried) if len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else main
    out = out.reindex(columns=[*LINE_COLUMNS, "_creator", "_start"])
    for c in ("Base", "Rate", "Amount"):
        out[c] = pd.array(pd.to_numeric(out[c]), dtype="Int64") if len(out) else pd.array([], dtype="Int64")
    return out


def _drafts(draft_lines: pd.DataFrame, settings: Settings, on_hold: set[str],
            names: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One draft row per target payout: sums by column, carry-forward, status, checksum."""
    if draft_lines.empty:
        return pd.DataFrame(columns=[*PAYOUT_COLUMNS, "_creator"]), pd.DataFrame(columns=LINE_COLUMNS)
    frame = draft_lines.assign(column=draft_lines["Kind"].map(KIND_COLUMN), Amount=draft_lines["Amount"].astype("int64"))
    sums = frame.pivot_table(index=["Payout ID", "_creator", "_start"], columns="column", values="Amount",
                             aggfunc="sum", fill_value=0)
    sums = sums.reindex(columns=list(PAYOUT_AMOUNT_COLUMNS), fill_value=0).reset_index()
    sums = sums.rename(columns={"_creator": "creator", "_start": "period_start"})
    sums = sums.sort_values(["creator", "period_start"], kind="stable").reset_index(drop=True)
    carried_out = set(frame.loc[frame["Item"].str.startswith("carry-out:", na=False), "Payout ID"])
    made = carry_forward(sums, minimum_cents=settings.minimum_payout_cents, on_hold=on_hold)
    total = sums[list(PAYOUT_AMOUNT_COLUMNS)].astype("int64").sum(axis=1)
    below = ((total > 0) & (total < settings.minimum_payout_cents)) | sums["_below"] | sums["Payout ID"].isin(carried_out)
    status = np.where(sums["creator"].isin(on_hold), "On hold", np.where(below, "Below minimum", "Draft"))
    drafts = pd.DataFrame({
        "Payout ID": sums["Payout ID"], "Period start": sums["period_start"],
        "Period end": period_end(pd.to_datetime(sums["period_start"]), settings),
        "Creator": sums["creator"].map(names).fillna(sums["creator"]),
        **{c: sums[c].astype("int64") for c in PAYOUT_AMOUNT_COLUMNS},
        "Total": total.astype("int64"), "Currency": settings.currency, "Status": status,
        "Approved by": None, "Paid on": None, "Reference": None,
    })
    drafts["Checksum"] = [checksum(r) for r in drafts.to_dict("records")]
    drafts["_creator"] = sums["creator"]
    made_lines = pd.DataFrame(made, columns=["Payout ID", "creator", "key", "Rule", "amount_cents"])
    carry = pd.DataFrame({
        "Payout ID": made_lines["Payout ID"], "Creator": made_lines["creator"].map(names).fillna(made_lines["creator"]),
        "Kind": CARRY_KIND, "Rule": made_lines["Rule"], "Amount": made_lines["amount_cents"], "Item": made_lines["key"],
    }).reindex(columns=LINE_COLUMNS)
    carry["Amount"] = carry["Amount"].astype("Int64")
    return drafts, carry


def _locked_lines(book: Book) -> pd.DataFrame:
    it = book.items
    return pd.DataFrame({
        "Payout ID": it["Payout ID"], "Creator": it["Creator"], "Campaign": it["Campaign"], "Kind": it["kind"],
        "Rule": it["Rule"], "Order ID": it["Order ID"], "SKU ID": it["SKU ID"], "Content ID": it["Content ID"],
        "Base": pd.array(pd.to_numeric(it["base_cents"]), dtype="Int64"),
        "Rate": pd.array(pd.to_numeric(it["rate"]), dtype="Int64"),
        "Amount": pd.array(pd.to_numeric(it["amount_cents"]), dtype="Int64"), "Item": it["key"],
    }).replace({"": None})


def _assemble(drafts: pd.DataFrame, locked_rows: dict[str, Row], book: Book, seen: Seen) -> pd.DataFrame:
    """Locked rows and drafts together, sorted by creator and period, people's columns carried."""
    starts = book.payouts.set_index("Payout ID")
    locked = pd.DataFrame([
        {**{c: r.get(c) for c in PAYOUT_COLUMNS}, "_creator": starts.loc[pid, "creator"],
         "_sort": pd.Timestamp(starts.loc[pid, "period_start"]), "_seen": r["_found"]}
        for pid, r in locked_rows.items()
    ], columns=[*PAYOUT_COLUMNS, "_creator", "_sort", "_seen"])
    by_id = seen.by_id()
    drafts = drafts.assign(_sort=pd.to_datetime(drafts["Period start"]),
                           _seen=drafts["Payout ID"].map(lambda pid: by_id.get(pid)))
    frames = [f for f in (locked, drafts) if len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else drafts
    out = out.sort_values(["_creator", "_sort", "Payout ID"], kind="stable").reset_index(drop=True)
    for c in (*PAYOUT_PEOPLE_COLUMNS[1:], *seen.extra):
        out[c] = [None if s is None else s.get(c) for s in out["_seen"]]
    for c in ("Period start", "Period end"):
        out[c] = [None if v is None or pd.isna(v) else pd.Timestamp(v).date() for v in out[c]]
    for c in (*PAYOUT_AMOUNT_COLUMNS, "Total"):
        out[c] = pd.array([None if v is None or pd.isna(v) else int(v) for v in out[c]], dtype="Int64")
    return out[[*PAYOUT_COLUMNS, *seen.extra]]


__all__ = ["LINE_COLUMNS", "Ledger", "build_payouts", "checksum", "payout_id"]
