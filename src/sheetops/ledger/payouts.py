"""Payouts: one row per creator and closed period, built from payable items and the ledger.

``build_payouts`` is the whole of money.md's "Payouts, locking and later changes":

1. read the Ledger (locked payouts and their items) and the Payouts rows as people left them
   (``locks.py``, ``approvals.py``); only a damaged Ledger stops payouts from being written;
2. lock the rows people set to Approved or Paid, with the lines the previous run showed (also
   when the creator has an Error since); a row that cannot be locked is an Error on that row
   alone and is written back as the person left it, with the lines it showed;
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

from ..workbook import schema
from .approvals import (LINE_COLUMNS, Refused, Seen, check_locked_rows, expected_rows, lost_locks, read_seen,
                        take_approvals)
from ..backends.base import Grid
from .carry import CARRY_KIND, carry_forward, fixed_carries
from ..money.commissions import KIND_COLUMN
from .corrections import WAITING_COLUMNS, Placed, calendar, place_items
from ..workbook.issues import IssueLog
from .locks import Book, Row, creator_of, payout_checksum, read_book
from .paypal import Payee, export_frame
from ..workbook.periods import period_end
from ..workbook.schema import PAYOUT_AMOUNT_COLUMNS, PAYOUT_PEOPLE_COLUMNS
from ..workbook.settings import Settings

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
    """The Ledger is damaged: write no payouts on this run."""
    extra_columns: list[str] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    """Payout IDs set to Approved or Paid that could not be locked: written back as found."""


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
    refused = take_approvals(seen, previous.get(schema.COMMISSION_LINES), book, claimed=claimed, as_of=as_of, log=log)
    by_id, expected = seen.by_id(), expected_rows(book)
    for pid in book.ids - locked_rows.keys():  # locked on this run, exactly as the person saw them
        locked_rows[pid] = {**expected[pid], "Status": by_id[pid]["Status"], "_found": by_id[pid]}
    cal = calendar(book, settings, as_of)
    placed, waiting = place_items(items, book, cal)
    fixed, fixed_wait = fixed_carries(book, cal)
    fresh = _fresh_lines(items, placed, names).without(refused.ids)
    other = _other_lines(placed.corrections, fixed, names)
    other = other[~other["Payout ID"].isin(refused.ids)]
    drafts, carry_lines = _drafts(fresh, other, settings, on_hold, names)
    lines = _all_lines([_locked_lines(book)] if len(book.items) else [], fresh,
                       [other, carry_lines, _kept_lines(refused)])
    payouts = _assemble(drafts, locked_rows, book, seen, refused)
    _keep_unknown_statuses(payouts, book, refused, seen, log)
    if len(fixed_wait):
        waiting = pd.concat([waiting, fixed_wait.assign(kind=CARRY_KIND)], ignore_index=True)
    export = export_frame(payouts, recipients or {}, log=log, locked=book.ids)
    return Ledger(payouts, lines, book, export, waiting[WAITING_COLUMNS], False, list(seen.extra), refused.ids)


def _blocked(book: Book) -> Ledger:
    return Ledger(pd.DataFrame(columns=PAYOUT_COLUMNS), pd.DataFrame(columns=LINE_COLUMNS), book, blocked=True)


@dataclass
class _Fresh:
    """The draft lines of the fresh items, not yet taken out of the items frame: each column is
    a source (an items column, or one value per target payout) and the positions to take from it."""

    columns: dict[str, tuple[pd.Series, np.ndarray]]
    payouts: pd.DataFrame
    """One row per target payout: Payout ID, creator, target."""
    payout: np.ndarray
    """Each line's row of ``payouts``."""
    kinds: np.ndarray
    """Each line's kind as a code into ``kind_names``."""
    kind_names: np.ndarray
    amounts: np.ndarray
    """Each line's Amount in cents (int64)."""

    def __len__(self) -> int:
        return len(self.payout)

    def take(self, column: str, order: np.ndarray | None = None) -> pd.Series:
        source, at = self.columns[column]
        return source.take(at if order is None else at[order]).reset_index(drop=True)

    def without(self, payout_ids: set[str]) -> "_Fresh":
        """These lines less those of the given payouts (rows kept as a person left them)."""
        drop = self.payouts["Payout ID"].isin(payout_ids).to_numpy()
        if not drop.any():
            return self
        keep = ~drop[self.payout]
        columns = {c: (source, at[keep]) for c, (source, at) in self.columns.items()}
        return _Fresh(columns, self.payouts, self.payout[keep], self.kinds[keep], self.kind_names, self.amounts[keep])

    def in_order(self, order: np.ndarray) -> dict[str, pd.Series]:
        """Every column, its lines in ``order`` (each position array is indexed once)."""
        at = {id(a): a[order] for _, a in self.columns.values()}
        return {c: source.take(at[id(a)]).reset_index(drop=True) for c, (source, a) in self.columns.items()}


def _fresh_lines(items: pd.DataFrame, placed: Placed, names: dict[str, str]) -> _Fresh:
    """Every draft line of a fresh item. Payout IDs and display names are per target payout
    (a few hundred), not per line (a million)."""
    rows, payout, kinds = placed.rows, placed.payout, placed.kinds
    per_payout = placed.payouts
    columns = {
        "Payout ID": (pd.Series(per_payout["Payout ID"].to_numpy(dtype=object), dtype=object), payout),
        "Creator": (pd.Series([_name(c, names) for c in per_payout["creator"]], dtype=object), payout),
        "Kind": (pd.Series(placed.kind_names, dtype=object), kinds),  # a handful of kinds: cheaper than the strings
        **{line: (items[item], rows) for line, item in FRESH_COLUMNS.items()},
    }
    return _Fresh(columns, per_payout, payout, kinds, placed.kind_names, items["amount_cents"].to_numpy(dtype="int64")[rows])


FRESH_COLUMNS = {"Campaign": "Campaign", "Rule": "Rule", "Order ID": "Order ID", "SKU ID": "SKU ID",
                 "Content ID": "Content ID", "Base": "base_cents", "Rate": "rate", "Amount": "amount_cents", "Item": "key"}
"""Commission Lines columns taken from the items' columns."""


def _name(creator: object, names: dict[str, str]) -> object:
    """A creator's display name (``creators.map(names).fillna(creators)`` for one value)."""
    shown = names.get(creator) if isinstance(creator, str) else None  # type: ignore[call-overload]
    return creator if shown is None or pd.isna(shown) else shown


def _other_lines(corrections: pd.DataFrame, fixed: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The draft lines not of fresh items (corrections, then fixed carry halves): a few."""
    def name(creators: pd.Series) -> pd.Series:
        return creators.map(names).fillna(creators)

    main = pd.DataFrame({
        "Payout ID": corrections["Payout ID"], "Creator": name(corrections["creator"]), "Campaign": corrections["Campaign"],
        "Kind": corrections["kind"], "Rule": corrections["Rule"], "Order ID": corrections["Order ID"],
        "SKU ID": corrections["SKU ID"], "Content ID": corrections["Content ID"], "Base": corrections["base_cents"],
        "Rate": corrections["rate"], "Amount": corrections["amount_cents"], "Item": corrections["key"],
        "_creator": corrections["creator"], "_start": corrections["target"],
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


COLUMN_OF_KIND = {kind: list(PAYOUT_AMOUNT_COLUMNS).index(column) for kind, column in KIND_COLUMN.items()}


def _column_codes(kinds: np.ndarray) -> np.ndarray:
    """Each kind's Payouts amount column as its position in PAYOUT_AMOUNT_COLUMNS (-1: none)."""
    return np.array([COLUMN_OF_KIND.get(k, -1) if isinstance(k, str) else -1 for k in kinds], dtype="int64")


def _sums(fresh: _Fresh, other: pd.DataFrame) -> pd.DataFrame:
    """Per target payout: the sum of its draft lines in each amount column, sorted by
    creator and period (what a pivot table of the lines gives, summed on integer codes)."""
    targets = pd.concat([fresh.payouts, other[["Payout ID", "_creator", "_start"]].set_axis(
        ["Payout ID", "creator", "target"], axis=1)], ignore_index=True).drop_duplicates("Payout ID")
    at = pd.Index(targets["Payout ID"])
    n_col = len(PAYOUT_AMOUNT_COLUMNS)
    payout = np.concatenate([fresh.payout, at.get_indexer(other["Payout ID"])]).astype("int64")
    column = np.concatenate([_column_codes(fresh.kind_names)[fresh.kinds],
                             _column_codes(other["Kind"].to_numpy(dtype=object))]).astype("int64")
    amount = np.concatenate([fresh.amounts.astype("int64"), other["Amount"].to_numpy(dtype="int64")])
    keep = column >= 0
    summed = pd.Series(amount[keep]).groupby(payout[keep] * n_col + column[keep]).sum()
    flat = np.zeros(len(targets) * n_col, dtype="int64")
    flat[summed.index.to_numpy()] = summed.to_numpy(dtype="int64")
    grid = flat.reshape(len(targets), n_col)
    present = np.zeros(len(targets), dtype=bool)
    present[summed.index.to_numpy() // n_col] = True
    sums = pd.DataFrame({
        "Payout ID": targets["Payout ID"].to_numpy()[present], "creator": targets["creator"].to_numpy()[present],
        "period_start": pd.to_datetime(targets["target"].to_numpy()[present]).astype("datetime64[ns]"),
        **{c: grid[present, j] for j, c in enumerate(PAYOUT_AMOUNT_COLUMNS)},
    })
    sums = sums.sort_values("Payout ID", kind="stable")
    return sums.sort_values(["creator", "period_start"], kind="stable").reset_index(drop=True)


def _drafts(fresh: _Fresh, other: pd.DataFrame, settings: Settings, on_hold: set[str],
            names: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One draft row per target payout: sums by column, carry-forward, status, checksum."""
    if not len(fresh) and other.empty:
        return pd.DataFrame(columns=[*PAYOUT_COLUMNS, "_creator"]), pd.DataFrame(columns=LINE_COLUMNS)
    sums = _sums(fresh, other)
    # Fresh items' keys never start with "carry-" (money/commissions.py): only fixed halves can.
    carried_out = set(other.loc[other["Item"].str.startswith("carry-out:", na=False), "Payout ID"])
    made = carry_forward(sums, minimum_cents=settings.minimum_payout_cents, on_hold=on_hold)
    total = sums[list(PAYOUT_AMOUNT_COLUMNS)].astype("int64").sum(axis=1)
    # Status follows the current Total (rule 6): positive and below the minimum, or 0 because
    # everything was carried forward, is Below minimum; at or above it, or negative, is Draft.
    carried_all = (total == 0) & (sums["_below"] | sums["Payout ID"].isin(carried_out))
    below = ((total > 0) & (total < settings.minimum_payout_cents)) | carried_all
    status = np.where(sums["creator"].isin(on_hold), "On hold", np.where(below, "Below minimum", "Draft"))
    drafts = pd.DataFrame({
        "Payout ID": sums["Payout ID"], "Period start": sums["period_start"],
        "Period end": period_end(pd.to_datetime(sums["period_start"]), settings),
        "Creator": sums["creator"].map(names).fillna(sums["creator"]),
        **{c: sums[c].astype("int64") for c in PAYOUT_AMOUNT_COLUMNS},
        "Total": total.astype("int64"), "Currency": settings.currency, "Status": status,
        "Approved by": None, "Paid on": None, "Reference": None,
    })
    summed = drafts[["Payout ID", *PAYOUT_AMOUNT_COLUMNS, "Total", "Currency"]]  # what a checksum reads
    drafts["Checksum"] = [checksum(r) for r in summed.to_dict("records")]
    drafts["_creator"] = sums["creator"]
    made_lines = pd.DataFrame(made, columns=["Payout ID", "creator", "key", "Rule", "amount_cents"])
    carry = pd.DataFrame({
        "Payout ID": made_lines["Payout ID"], "Creator": made_lines["creator"].map(names).fillna(made_lines["creator"]),
        "Kind": CARRY_KIND, "Rule": made_lines["Rule"], "Amount": made_lines["amount_cents"], "Item": made_lines["key"],
    }).reindex(columns=LINE_COLUMNS)
    carry["Amount"] = carry["Amount"].astype("Int64")
    return drafts, carry


def _all_lines(before: list[pd.DataFrame], fresh: _Fresh, after: list[pd.DataFrame]) -> pd.DataFrame:
    """Commission Lines: the lines of ``before``, the fresh lines, then ``after``, sorted by
    Payout ID and Kind, keeping that order among equals (a stable sort on both).

    Sorted on integer ranks (a Payout ID's or Kind's place among the distinct ones, in string
    order), and each column is taken once, in the final order, out of the items."""
    before, after = [f for f in before if len(f)], [f for f in after if len(f)]
    small = [*before, *after]
    pids = pd.Index(sorted({*fresh.payouts["Payout ID"], *(p for f in small for p in f["Payout ID"].unique())}))
    kinds = sorted({k for k in [*fresh.kind_names, *(k for f in small for k in f["Kind"].unique())] if isinstance(k, str)})
    kind_rank = pd.Index(kinds)
    n_kind = len(kinds) + 1  # a missing Kind sorts last

    def keys(pid_rank: np.ndarray, kind_ranks: np.ndarray) -> np.ndarray:
        return pid_rank.astype("int64") * n_kind + np.where(kind_ranks < 0, len(kinds), kind_ranks)

    fresh_kind = kind_rank.get_indexer(pd.Index(fresh.kind_names, dtype=object))[fresh.kinds]
    fresh_keys = keys(pids.get_indexer(fresh.payouts["Payout ID"])[fresh.payout], fresh_kind)
    small_keys = [keys(pids.get_indexer(f["Payout ID"]), kind_rank.get_indexer(f["Kind"].astype(object))) for f in small]
    all_keys = np.concatenate([*small_keys[:len(before)], fresh_keys, *small_keys[len(before):]])
    order = stable_order(all_keys, len(pids) * n_kind)
    if not small:
        columns = fresh.in_order(order)
    else:
        columns = {c: _stacked([f[c] for f in before], fresh.take(c), [f[c] for f in after]).take(order)
                   .reset_index(drop=True) for c in LINE_COLUMNS}
    for c in ("Base", "Rate", "Amount"):
        if columns[c].dtype != "Int64":
            columns[c] = pd.Series(pd.array(pd.to_numeric(columns[c]), dtype="Int64"))
    return pd.DataFrame(columns, columns=LINE_COLUMNS, copy=False)  # copying would consolidate: slow


def stable_order(keys: np.ndarray, n_keys: int) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` for integer keys in ``range(n_keys)``; with fewer
    than 65,537 distinct keys numpy radix-sorts them as uint16, many times faster."""
    if n_keys <= 1 << 16:
        return np.argsort(keys.astype("uint16"), kind="stable")
    return np.argsort(keys.astype("int64"), kind="stable")


def _stacked(before: list[pd.Series], fresh: pd.Series, after: list[pd.Series]) -> pd.Series:
    """One column of all the lines, in the order given, in the fresh lines' dtype where it can
    (a million strings are not converted to suit a few; a ``category`` column gives its values)."""
    if isinstance(fresh.dtype, pd.CategoricalDtype):
        fresh = fresh.astype(fresh.cat.categories.dtype)
    dtype = fresh.dtype if isinstance(fresh.dtype, pd.StringDtype) else None
    parts = [p for p in [*before, fresh, *after] if len(p)]
    if dtype is not None:
        parts = [p if p.dtype == dtype else p.astype(object).where(p.notna(), None).astype(dtype) for p in parts]
    return pd.concat(parts, ignore_index=True) if parts else fresh


def _locked_lines(book: Book) -> pd.DataFrame:
    it = book.items
    return pd.DataFrame({
        "Payout ID": it["Payout ID"], "Creator": it["Creator"], "Campaign": it["Campaign"], "Kind": it["kind"],
        "Rule": it["Rule"], "Order ID": it["Order ID"], "SKU ID": it["SKU ID"], "Content ID": it["Content ID"],
        "Base": pd.array(pd.to_numeric(it["base_cents"]), dtype="Int64"),
        "Rate": pd.array(pd.to_numeric(it["rate"]), dtype="Int64"),
        "Amount": pd.array(pd.to_numeric(it["amount_cents"]), dtype="Int64"), "Item": it["key"],
    }).replace({"": None})


def _kept_lines(refused: Refused) -> pd.DataFrame:
    """The Commission Lines that rows refused a lock showed on the previous run, as they were."""
    out = pd.DataFrame([
        {"Payout ID": pid, "Creator": i["Creator"], **{c: i.get(c) for c in ("Campaign", "Rule", "Order ID", "SKU ID",
                                                                              "Content ID")},
         "Kind": i["kind"], "Base": i["base_cents"], "Rate": i["rate"], "Amount": i["amount_cents"], "Item": i["key"]}
        for pid, items in refused.lines.items() for i in items
    ], columns=LINE_COLUMNS)
    for c in ("Base", "Rate", "Amount"):
        out[c] = pd.array([None if v is None or pd.isna(v) else int(v) for v in out[c]], dtype="Int64")
    return out


def _assemble(drafts: pd.DataFrame, locked_rows: dict[str, Row], book: Book, seen: Seen,
              refused: Refused | None = None) -> pd.DataFrame:
    """Locked rows, rows refused a lock (as found) and drafts together, sorted by creator and
    period, people's columns carried."""
    starts = book.payouts.set_index("Payout ID")
    kept = (refused or Refused()).rows
    locked = pd.DataFrame([
        *({**{c: r.get(c) for c in PAYOUT_COLUMNS}, "_creator": starts.loc[pid, "creator"],
           "_sort": pd.Timestamp(starts.loc[pid, "period_start"]), "_seen": r["_found"]}
          for pid, r in locked_rows.items()),
        *({**{c: r.get(c) for c in PAYOUT_COLUMNS}, "_creator": creator_of(str(r["Payout ID"] or "")),
           "_sort": pd.Timestamp(r["Period start"]) if r.get("Period start") else pd.NaT, "_seen": r}
          for r in kept.values()),
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


def _keep_unknown_statuses(payouts: pd.DataFrame, book: Book, refused: Refused, seen: Seen, log: IssueLog) -> None:
    """A Status a person typed that is no known word (``Approvd``) stays as typed, is treated as
    not approved, and gets an Issue at its cell with the words SheetOps knows."""
    by_id = seen.by_id()
    for n, pid in enumerate(payouts["Payout ID"].astype(str)):
        found = by_id.get(pid)
        if found is None:
            continue
        typed = str(found["Status"]).strip() if found["Status"] is not None else ""
        if not typed or typed in schema.PAYOUT_STATUSES or pid in book.ids or pid in refused.ids:
            continue
        shown = payouts.at[n, "Status"]
        payouts.at[n, "Status"] = found["Status"]
        log.add("Warning", schema.PAYOUTS.name, int(found["_row"]), "Status", typed,
                f"Payout {pid} has the Status '{typed}', which SheetOps does not know, so it is not approved: "
                f"SheetOps treats it as {shown} and leaves your word as you typed it.",
                f"Type one of: {', '.join(schema.PAYOUT_STATUSES)} (Approved to approve it).",
                col_index=found["_cols"].get("Status"))


__all__ = ["LINE_COLUMNS", "Ledger", "build_payouts", "checksum", "payout_id"]
