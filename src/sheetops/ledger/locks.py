"""What earlier runs left behind: the Payouts rows people edited, the Commission Lines they
saw, and the hidden ``Ledger`` tab that remembers what every locked payout contains.

The Ledger holds one ``Payout`` row per locked payout (its period, Total, number of items,
currency, status and lock date) followed by one row per locked item (the item key, kind,
rule, ids, base, rate and amount). Every row carries a ``Checksum`` over its own cells; a
payout row's checksum also covers the checksums of its items, so an edited, deleted or
added item row, or a deleted payout row, is noticed. A damaged Ledger is never rebuilt
silently: the run reports an Error and writes no payouts until a person restores the tab.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..workbook import schema
from ..backends.base import RATE_SCALE, Column, ColumnKind, Grid, TabWrite
from ..workbook.cells import is_blank, parse_date, parse_money, parse_rate, shown
from ..money.commissions import KIND_COLUMN
from ..workbook.issues import IssueLog
from ..workbook.schema import PAYOUT_AMOUNT_COLUMNS, normalize_header

LEDGER_COLUMNS = (
    "Payout ID", "Item", "Kind", "Creator", "Period start", "Period end", "Campaign", "Rule", "Order ID",
    "SKU ID", "Content ID", "Base", "Rate", "Amount", "Items", "Currency", "Status", "Locked on", "Checksum",
)
PAYOUT_KIND = "Payout"
Row = dict[str, Any]
"""One row of a tab, by column name."""
ITEM_FIELDS = ("Campaign", "Rule", "Order ID", "SKU ID", "Content ID")
BOOK_ITEM_COLUMNS = ["Payout ID", "key", "kind", "Creator", *ITEM_FIELDS, "base_cents", "rate", "amount_cents"]
BOOK_PAYOUT_COLUMNS = ["Payout ID", "creator", "Creator", "period_start", "period_end", "Total", "Items",
                       "Currency", "Status", "Locked on"]
RESTORE = ("Restore the Ledger tab (File > Version history in Google Sheets, or the previous copy of the file) "
           "and refresh again; SheetOps writes no payouts until it is whole.")


def digest(parts: list[object]) -> str:
    """A short, stable fingerprint of some cell values (16 hex characters)."""
    return hashlib.sha256("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()[:16]


def payout_checksum(row: Row, *, locked: bool) -> str:
    """The Payouts ``Checksum`` of a row: its Payout ID, amounts, Total and Currency.

    Locked rows are fingerprinted with a different salt, so a row the tool wrote as locked can
    be told from a draft even when the Ledger tab has been lost."""
    parts: list[object] = ["locked"] if locked else []
    parts += [_plain(row.get(c)) for c in ("Payout ID", *PAYOUT_AMOUNT_COLUMNS, "Total", "Currency")]
    return digest(parts)


def _plain(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return pd.Timestamp(value).date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def creator_of(payout_id: str) -> str:
    """The creator key of a Payout ID (``2026-11-09/glowwithmia`` -> ``glowwithmia``)."""
    return payout_id.split("/", 1)[1] if "/" in payout_id else ""


@dataclass
class Book:
    """Every locked payout and its items, as the Ledger tab holds them (amounts in cents)."""

    payouts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=BOOK_PAYOUT_COLUMNS))
    items: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=BOOK_ITEM_COLUMNS))
    damaged: bool = False

    @property
    def ids(self) -> set[str]:
        return set(self.payouts["Payout ID"])

    def add(self, payouts: list[Row], items: list[pd.DataFrame]) -> None:
        """Lock more payouts (one dict each) with their items."""
        if not payouts:
            return
        rows = pd.DataFrame(payouts, columns=BOOK_PAYOUT_COLUMNS)
        self.payouts = pd.concat([self.payouts, rows], ignore_index=True) if len(self.payouts) else rows
        new = pd.concat([i.reindex(columns=BOOK_ITEM_COLUMNS) for i in items], ignore_index=True)
        self.items = pd.concat([self.items, new], ignore_index=True) if len(self.items) else new

    def column_sums(self) -> pd.DataFrame:
        """Payout ID x Payouts amount column: the locked amounts, from the items."""
        if self.items.empty:
            return pd.DataFrame(columns=list(PAYOUT_AMOUNT_COLUMNS))
        col = self.items["kind"].map(KIND_COLUMN)
        sums = self.items.assign(column=col).pivot_table(index="Payout ID", columns="column",
                                                         values="amount_cents", aggfunc="sum", fill_value=0)
        return sums.reindex(columns=list(PAYOUT_AMOUNT_COLUMNS), fill_value=0).astype("int64")


# ---------------------------------------------------------------- reading grids

def grid_records(grid: Grid | None, known: tuple[str, ...]) -> tuple[list[Row], list[str], list[str]] | None:
    """Rows of a tool tab as dicts keyed by canonical header (and extra headers as written).

    Returns (rows, known headers found, extra headers) or None when the tab is missing.
    Each row has ``_row``, its sheet row number. Blank rows are skipped."""
    if not grid:
        return None
    wanted = {normalize_header(k): k for k in known}
    header = [str(h).strip() if h is not None else "" for h in grid[0]]
    names: list[str | None] = []
    found, extra = [], []
    taken = {normalize_header(k) for k in known}
    for h in header:
        canon = wanted.get(normalize_header(h))
        if canon and canon not in found:
            names.append(canon)
            found.append(canon)
        elif h:
            # a column people added is kept; a header used twice (or a second "Status") gets a
            # number, so the tab is written back with both columns and nothing is dropped
            name, n = h, 1
            while normalize_header(name) in taken:
                n += 1
                name = f"{h} ({n})"
            taken.add(normalize_header(name))
            names.append(name)
            extra.append(name)
        else:
            names.append(None)
    rows = []
    for n, raw in enumerate(grid[1:], start=2):
        if all(is_blank(v) for v in raw) or schema.is_empty_note(raw):
            continue
        rec: Row = {name: (raw[i] if i < len(raw) else None) for i, name in enumerate(names) if name}
        rec["_row"] = n
        rec["_cols"] = {name: i for i, name in enumerate(names) if name}
        rows.append(rec)
    return rows, found, extra


def money(value: object) -> int | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < 1e13:
        return int(round(value * 100)) if value == value else None  # the tool wrote it: exact cents
    return None if is_blank(value) else parse_money(value).value


def rate(value: object) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(round(float(value) * RATE_SCALE))
    return parse_rate(value).value


def day(value: object) -> dt.date | None:
    return None if is_blank(value) else parse_date(value).value


def text(value: object) -> str:
    return "" if is_blank(value) else shown(value).strip()


# ---------------------------------------------------------------- the Ledger tab

def _item_parts(rec: Row) -> list[object]:
    return [rec["Payout ID"], rec["Item"], rec["Kind"], rec["Creator"], *(rec[f] for f in ITEM_FIELDS),
            rec["Base"], rec["Rate"], rec["Amount"]]


def _payout_parts(rec: Row, item_sums: list[str]) -> list[object]:
    return [rec["Payout ID"], PAYOUT_KIND, rec["Creator"], _plain(rec["Period start"]), _plain(rec["Period end"]),
            rec["Amount"], rec["Items"], rec["Currency"], _plain(rec["Locked on"]), *sorted(item_sums)]


def locked_ids(grid: Grid | None) -> set[str]:
    """The Payout IDs of the Ledger's Payout rows, read from those two columns alone (what
    ``read_book`` takes as the locked payouts of an undamaged Ledger)."""
    if not grid:
        return set()
    header = [normalize_header(str(h)) if h is not None else "" for h in grid[0]]
    try:
        at_id, at_kind = header.index(normalize_header("Payout ID")), header.index(normalize_header("Kind"))
    except ValueError:
        return set()
    return {text(r[at_id]) for r in grid[1:]
            if len(r) > max(at_id, at_kind) and text(r[at_kind]) == PAYOUT_KIND}


def read_book(grid: Grid | None, log: IssueLog) -> Book:
    """The locked payouts in the Ledger tab; any sign of damage is an Error and ``damaged``."""
    book = Book()
    parsed = grid_records(grid, LEDGER_COLUMNS)
    if parsed is None:
        return book
    rows, found, _ = parsed
    if not rows:
        return book
    missing = [c for c in LEDGER_COLUMNS if c not in found]
    if missing:
        _damage(log, book, None, f"The Ledger tab has lost its {missing[0]} column.")
        return book
    payouts: dict[str, Row] = {}
    items: dict[str, list[Row]] = {}
    for raw in rows:
        rec: Row = {c: _ledger_value(c, raw.get(c)) for c in LEDGER_COLUMNS}
        rec["_row"] = raw["_row"]
        if rec["Kind"] == PAYOUT_KIND:
            if rec["Payout ID"] in payouts:
                _damage(log, book, rec["_row"], f"The Ledger has payout {rec['Payout ID']} twice.")
            payouts[str(rec["Payout ID"])] = rec
        else:
            if rec["Checksum"] != digest(_item_parts(rec)):
                _damage(log, book, rec["_row"], f"Row {rec['_row']} of the Ledger (payout {rec['Payout ID']}) was edited.")
            items.setdefault(str(rec["Payout ID"]), []).append(rec)
    for pid in items.keys() - payouts.keys():
        _damage(log, book, items[pid][0]["_row"], f"The Ledger has items of payout {pid} but not its Payout row.")
    for pid, rec in payouts.items():
        mine = items.get(pid, [])
        sums = [str(r["Checksum"]) for r in mine]
        if rec["Checksum"] != digest(_payout_parts(rec, sums)) or rec["Items"] != len(mine):
            _damage(log, book, rec["_row"], f"The Ledger rows of payout {pid} were edited, deleted or added.")
        elif (rec["Amount"] or 0) != sum(int(r["Amount"] or 0) for r in mine):
            _damage(log, book, rec["_row"], f"The Ledger items of payout {pid} do not add up to its Total.")
    if book.damaged:
        return book
    book.payouts = pd.DataFrame([{
        "Payout ID": pid, "creator": creator_of(pid), "Creator": r["Creator"],
        "period_start": pd.Timestamp(r["Period start"]), "period_end": pd.Timestamp(r["Period end"]),
        "Total": int(r["Amount"] or 0), "Items": r["Items"], "Currency": r["Currency"], "Status": r["Status"],
        "Locked on": r["Locked on"],
    } for pid, r in payouts.items()], columns=BOOK_PAYOUT_COLUMNS)
    book.items = pd.DataFrame([{
        "Payout ID": r["Payout ID"], "key": r["Item"], "kind": r["Kind"], "Creator": r["Creator"],
        **{f: (r[f] or None) for f in ITEM_FIELDS}, "base_cents": r["Base"], "rate": r["Rate"],
        "amount_cents": int(r["Amount"] or 0),
    } for mine in items.values() for r in mine], columns=BOOK_ITEM_COLUMNS)
    return book


def _ledger_value(column: str, value: object) -> object:
    if column in ("Base", "Amount"):
        return money(value)
    if column == "Rate":
        return rate(value)
    if column == "Items":
        return None if is_blank(value) else int(float(str(value)))
    if column in ("Period start", "Period end", "Locked on"):
        return day(value)
    return text(value)


def _damage(log: IssueLog, book: Book, row: int | None, problem: str) -> None:
    book.damaged = True
    log.add("Error", schema.LEDGER, row, "Checksum" if row else "", "", problem, RESTORE,
            col_index=LEDGER_COLUMNS.index("Checksum") if row else None)


def book_rows(book: Book) -> pd.DataFrame:
    """The Ledger tab's rows (payout row, then its items), each with its Checksum."""
    out: list[Row] = []
    groups: dict[str, list[Row]] = {}
    for it in book.items.to_dict("records"):
        groups.setdefault(str(it["Payout ID"]), []).append(it)
    for p in book.payouts.sort_values("Payout ID").to_dict("records"):
        mine = []
        for it in groups.get(p["Payout ID"], []):
            rec = {"Payout ID": p["Payout ID"], "Item": it["key"], "Kind": it["kind"], "Creator": text(it["Creator"]),
                   **{f: text(it[f]) for f in ITEM_FIELDS}, "Base": _int_or_none(it["base_cents"]),
                   "Rate": _int_or_none(it["rate"]), "Amount": int(it["amount_cents"])}
            rec["Checksum"] = digest(_item_parts(rec))
            mine.append(rec)
        head = {"Payout ID": p["Payout ID"], "Item": "", "Kind": PAYOUT_KIND, "Creator": text(p["Creator"]),
                "Period start": _plain(p["period_start"]), "Period end": _plain(p["period_end"]),
                "Amount": int(p["Total"]), "Items": len(mine), "Currency": p["Currency"], "Status": p["Status"],
                "Locked on": _plain(p["Locked on"])}
        head["Checksum"] = digest(_payout_parts(head, [str(r["Checksum"]) for r in mine]))
        out += [head, *mine]
    frame = pd.DataFrame(out, columns=list(LEDGER_COLUMNS))
    for c in ("Period start", "Period end", "Locked on"):
        frame[c] = frame[c].map(lambda v: dt.date.fromisoformat(v) if isinstance(v, str) and v else None)
    return frame


def _int_or_none(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def book_tab(book: Book) -> TabWrite:
    """The hidden, protected Ledger tab."""
    frame = book_rows(book)
    kinds: dict[str, ColumnKind] = {"Base": "money", "Amount": "money", "Rate": "rate", "Items": "int", "Period start": "date",
             "Period end": "date", "Locked on": "date"}
    columns = [Column(c, kinds.get(c, "text"), 30 if c in ("Payout ID", "Item") else 14) for c in LEDGER_COLUMNS]
    for c in columns:
        if c.kind in ("money", "rate", "int"):
            frame[c.name] = frame[c.name].astype("Int64")
        elif c.kind == "text":
            frame[c.name] = frame[c.name].astype(object).where(frame[c.name].notna() & frame[c.name].ne(""), None)
    return TabWrite(schema.LEDGER, columns, frame, hidden=True, protected=True)
