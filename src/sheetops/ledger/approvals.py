"""What people did to the Payouts tab since the last run, and what it means for the ledger.

- A row a person set to ``Approved`` or ``Paid`` is locked with exactly the lines the
  previous run showed for it in ``Commission Lines`` (rule 2 of money.md), once those lines
  are there, add up to the Total shown, and hold no item already locked (rule 1).
- A locked row edited by hand (an amount, the Payout ID, the Checksum) is an Error naming
  the cell; the row is written back as it was found (rule 3).
- A row the tool wrote as locked that the Ledger no longer knows means the Ledger was
  damaged: an Error, and no payouts are written.

A lock that cannot be taken affects that row alone (rule 2 of money.md, revised): an Error
at its Status cell, and the row is written back as the person left it, with the lines it
showed, until they resolve it. Every other payout is refreshed as usual. Only a damaged
Ledger (the tool's memory) stops all payouts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from ..workbook import schema
from ..backends.base import Grid, money_text
from ..money.commissions import KIND_COLUMN
from ..workbook.issues import IssueLog
from .locks import (Row, BOOK_ITEM_COLUMNS, ITEM_FIELDS, RESTORE, Book, creator_of, day, grid_records, locked_ids,
                    money, payout_checksum, rate, text)
from ..workbook.schema import LOCKED_STATUSES, PAYOUT_AMOUNT_COLUMNS, PAYOUT_STATUSES, PAYOUTS, normalize_header

TOOL_COLUMNS = ("Payout ID", "Period start", "Period end", "Creator", *PAYOUT_AMOUNT_COLUMNS, "Total", "Currency",
                "Checksum")
MONEY_COLUMNS = (*PAYOUT_AMOUNT_COLUMNS, "Total")
DATE_COLUMNS = ("Period start", "Period end")
PAYOUT_COLUMNS = tuple(c.name for c in PAYOUTS.columns)
LINE_COLUMNS = ["Payout ID", "Creator", "Campaign", "Kind", "Rule", "Order ID", "SKU ID", "Content ID",
                "Base", "Rate", "Amount", "Item"]
REAPPROVE = ("Set the Status back to Draft and refresh; check the payout SheetOps shows, then approve it again. "
             "Until then this row is kept as you left it and is not paid; other payouts are not affected.")


@dataclass
class Seen:
    """The Payouts tab as the run found it."""

    rows: list[Row] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    def by_id(self) -> dict[str, Row]:
        return {str(r["Payout ID"]): r for r in self.rows if r["Payout ID"]}


def status_word(value: object) -> str:
    """A Status cell as one of the known words when it is one (any case), else as typed."""
    typed = text(value)
    for word in PAYOUT_STATUSES:
        if normalize_header(word) == normalize_header(typed):
            return word
    return typed


def read_seen(grid: Grid | None) -> Seen:
    parsed = grid_records(grid, PAYOUT_COLUMNS)
    if parsed is None:
        return Seen()
    rows, _, extra = parsed
    out = []
    for raw in rows:
        rec: Row = dict(raw)
        for c in MONEY_COLUMNS:
            rec[c] = money(raw.get(c))
        for c in DATE_COLUMNS:
            rec[c] = day(raw.get(c))
        for c in ("Payout ID", "Creator", "Currency", "Checksum"):
            rec[c] = text(raw.get(c))
        rec["Status"] = status_word(raw.get("Status"))
        out.append(rec)
    return Seen(out, extra)


def expected_rows(book: Book) -> dict[str, Row]:
    """Each locked payout's Payouts row, from the Ledger (without people's columns)."""
    sums = book.column_sums().to_dict("index")
    out: dict[str, Row] = {}
    for p in book.payouts.to_dict("records"):
        pid = str(p["Payout ID"])
        row: Row = {"Payout ID": pid, "Period start": pd.Timestamp(p["period_start"]).date(),
                                  "Period end": pd.Timestamp(p["period_end"]).date(), "Creator": text(p["Creator"])}
        mine = sums.get(pid, {})
        for c in PAYOUT_AMOUNT_COLUMNS:
            row[c] = int(mine.get(c, 0))
        row["Total"] = int(p["Total"])
        row["Currency"] = text(p["Currency"])
        row["Checksum"] = payout_checksum(row, locked=True)
        out[pid] = row
    return out


def _shown(column: str, value: object) -> str:
    if value is None:
        return "(blank)"
    if column in MONEY_COLUMNS and isinstance(value, int):
        return money_text(value)
    return str(value)


def check_locked_rows(seen: Seen, book: Book, log: IssueLog) -> dict[str, Row]:
    """Each locked payout's row as it will be written: from the Ledger, or as found when a
    person edited it (an Error per edited cell). Updates the Ledger's Status from the row."""
    by_id = seen.by_id()
    by_sum = {str(r["Checksum"]): r for r in seen.rows if r["Checksum"]}
    out: dict[str, Row] = {}
    statuses = book.payouts["Status"].tolist()
    expected = expected_rows(book)
    for n, pid in enumerate(book.payouts["Payout ID"]):
        want = expected[pid]
        found = by_id.get(pid) or by_sum.get(str(want["Checksum"]))
        if found is None:
            log.add("Warning", PAYOUTS.name, None, "Payout ID", pid,
                    f"Locked payout {pid} was missing from the Payouts tab; SheetOps wrote it back from the Ledger.",
                    "Check its Status, Approved by, Paid on and Reference.")
            out[pid] = {**want, "Status": statuses[n], "_found": None}
            continue
        edited = [c for c in TOOL_COLUMNS if found.get(c) != want[c]]
        for c in edited:
            cols = found["_cols"]
            log.add("Error", PAYOUTS.name, int(found["_row"]), c, _shown(c, found.get(c)),
                    f"Payout {pid} is locked, but its {c} was changed by hand (it was {_shown(c, want[c])}).",
                    f"Put back {_shown(c, want[c])}: a locked payout never changes. To pay more or less, "
                    "add a row to Adjustments.", col_index=cols.get(c))
        status = found["Status"]
        if status in LOCKED_STATUSES:
            statuses[n] = status
        else:
            cols = found["_cols"]
            log.add("Error", PAYOUTS.name, int(found["_row"]), "Status", status,
                    f"Payout {pid} is locked ({statuses[n]}); its Status cannot go back to {status or 'blank'}.",
                    f"Set the Status to {statuses[n]} again. To take money back, add a negative row to Adjustments.",
                    col_index=cols.get("Status"))
        row = {c: found.get(c) for c in TOOL_COLUMNS} if edited else dict(want)
        out[pid] = {**row, "Status": status, "_found": found}
    book.payouts["Status"] = statuses
    return out


def lost_locks(seen: Seen, book: Book, claimed: set[int], log: IssueLog) -> bool:
    """Rows the tool wrote as locked that the Ledger does not hold: the Ledger was damaged."""
    lost = False
    for r in seen.rows:
        if int(r["_row"]) in claimed or str(r["Payout ID"]) in book.ids:
            continue
        if r["Checksum"] and r["Checksum"] == payout_checksum(r, locked=True):
            lost = True
            log.add("Error", schema.LEDGER, None, "", r["Payout ID"],
                    f"Payout {r['Payout ID']} was locked, but the Ledger tab no longer holds it.", RESTORE)
    return lost


@dataclass
class Refused:
    """Rows set to Approved or Paid that could not be locked on this run: each is written back
    as the person left it, with the Commission Lines it showed (``lines``: parsed items)."""

    rows: dict[str, Row] = field(default_factory=dict)
    lines: dict[str, list[Row]] = field(default_factory=dict)

    @property
    def ids(self) -> set[str]:
        return set(self.rows)


def awaiting_lock(payouts: Grid | None, ledger: Grid | None) -> bool:
    """Whether a Payouts row is set to Approved or Paid but is not a locked payout of the
    Ledger yet. Only such a row makes ``take_approvals`` look at the Commission Lines the
    last run showed, so a refresh reads that tab (the largest it reads) only then."""
    wanted = {str(r["Payout ID"]) for r in read_seen(payouts).rows if r["Status"] in LOCKED_STATUSES}
    return bool(wanted - locked_ids(ledger))


def take_approvals(seen: Seen, lines_grid: Grid | None, book: Book, *, claimed: set[int],
                   as_of: dt.date, log: IssueLog) -> Refused:
    """Lock every row newly set to Approved or Paid, as the previous run showed it (also when
    its creator has an Error since: rule 7); the rows that cannot be locked, each with an Error."""
    requests = [r for r in seen.rows if r["Status"] in LOCKED_STATUSES and int(r["_row"]) not in claimed
                and str(r["Payout ID"]) not in book.ids]
    refused = Refused()
    if not requests:
        return refused
    lines = _lines_by_payout(lines_grid)
    owner = book.payouts.set_index("Payout ID")["creator"]
    taken = {(owner[p], k) for p, k in zip(book.items["Payout ID"], book.items["key"])} if len(book.items) else set()
    new_payouts: list[Row] = []
    new_items: list[Row] = []
    for r in requests:
        problem, fix, items = _lock_one(r, lines, taken)
        if problem:
            cols = r["_cols"]
            log.add("Error", PAYOUTS.name, int(r["_row"]), "Status", r["Status"], problem, fix,
                    col_index=cols.get("Status"))
            pid = str(r["Payout ID"]) or f"row {r['_row']}"
            refused.rows[pid] = r
            refused.lines[pid] = (lines or {}).get(str(r["Payout ID"]), []) if r["Payout ID"] else []
            continue
        pid = str(r["Payout ID"])
        taken |= {(creator_of(pid), str(i["key"])) for i in items}
        new_payouts.append({"Payout ID": pid, "creator": creator_of(pid), "Creator": r["Creator"],
                            "period_start": pd.Timestamp(r["Period start"]),
                            "period_end": pd.Timestamp(r["Period end"]), "Total": int(r["Total"] or 0),
                            "Items": len(items), "Currency": r["Currency"], "Status": r["Status"], "Locked on": as_of})
        new_items += items
    if new_payouts:
        book.add(new_payouts, [pd.DataFrame(new_items, columns=BOOK_ITEM_COLUMNS)])
    return refused


def _lines_by_payout(grid: Grid | None) -> dict[str, list[Row]] | None:
    """The previous run's Commission Lines as ledger items, by Payout ID (None when unusable)."""
    parsed = grid_records(grid, tuple(LINE_COLUMNS))
    if parsed is None or not {"Item", "Payout ID", "Amount", "Kind"} <= set(parsed[1]):
        return None
    out: dict[str, list[Row]] = {}
    for raw in parsed[0]:
        pid = text(raw.get("Payout ID"))
        out.setdefault(pid, []).append({
            "Payout ID": pid, "key": text(raw.get("Item")), "kind": text(raw.get("Kind")),
            "Creator": text(raw.get("Creator")), **{c: text(raw.get(c)) or None for c in ITEM_FIELDS},
            "base_cents": money(raw.get("Base")), "rate": rate(raw.get("Rate")), "amount_cents": money(raw.get("Amount")),
        })
    return out


def _lock_one(r: Row, lines: dict[str, list[Row]] | None, taken: set[tuple[str, str]]) -> tuple[str, str, list[Row]]:
    """Why the row cannot be locked (problem, how to fix), or its items."""
    pid = str(r["Payout ID"])
    restore = "Restore the Commission Lines tab from version history and refresh, or " + REAPPROVE[0].lower() + REAPPROVE[1:]
    if not pid or "/" not in pid or r["Period start"] is None or r["Period end"] is None:
        return f"Row {r['_row']} was set to {r['Status']} but is not a payout SheetOps wrote.", REAPPROVE, []
    if r["Total"] is None or r["Checksum"] != payout_checksum(r, locked=False):
        return (f"The amounts of payout {pid} were changed by hand, so it cannot be locked as {r['Status']}.",
                REAPPROVE, [])
    if lines is None:
        return (f"Payout {pid} cannot be locked: the Commission Lines tab that showed its items is gone or "
                "lost its Item column.", restore, [])
    items = lines.get(pid, [])
    total = int(r["Total"])
    if not items and total != 0:
        return f"Payout {pid} cannot be locked: Commission Lines no longer shows its items.", restore, []
    if any(i["amount_cents"] is None or not i["key"] or i["kind"] not in KIND_COLUMN for i in items):
        return f"Payout {pid} cannot be locked: some of its rows in Commission Lines were changed.", REAPPROVE, []
    by_column: dict[str, int] = {}
    for i in items:
        by_column[KIND_COLUMN[str(i["kind"])]] = by_column.get(KIND_COLUMN[str(i["kind"])], 0) + int(i["amount_cents"])
    lines_total = sum(by_column.values())
    if lines_total != total or any(by_column.get(c, 0) != (r[c] or 0) for c in PAYOUT_AMOUNT_COLUMNS):
        return (f"Payout {pid} cannot be locked: its Total {money_text(total)} differs from the sum of its Commission "
                f"Lines ({money_text(lines_total)}).", REAPPROVE, [])
    keys = [str(i["key"]) for i in items]
    twice = [k for n, k in enumerate(keys) if k in keys[:n] or (creator_of(pid), k) in taken]
    if twice:
        return f"Payout {pid} cannot be locked: item {twice[0]} is already in a locked payout.", REAPPROVE, []
    return "", "", items
