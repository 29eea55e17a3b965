"""A frozen copy of corrections.py and ledger.py as they were before the speed work (commit
7996713), using carry.py as it is (the speed work did not change it): the golden test compares
the live ``build_payouts`` against it.

Do not edit, except where the product spec changes: it is the reference that any output
difference is measured against. Revised once, for money.md rules 2, 6 and 7 (issue #13): an
approval that cannot be locked no longer stops all payouts (that row is kept as the person
left it, with the lines it showed: ``_kept_lines`` and ``_assemble`` of the live module), an
approval of a creator on hold is locked as shown, and a draft's Status follows its Total."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sheetops.workbook import schema
from sheetops.ledger.approvals import (LINE_COLUMNS, Seen, check_locked_rows, expected_rows, lost_locks, read_seen,
                                take_approvals)
from sheetops.backends.base import Grid
from sheetops.ledger.carry import CARRY_KIND, carry_forward, fixed_carries
from sheetops.money.commissions import ITEM_COLUMNS, KIND_COLUMN
from sheetops.workbook.issues import IssueLog
from sheetops.ledger.locks import Book, Row, payout_checksum, read_book
from sheetops.ledger.paypal import Payee, export_frame
from sheetops.ledger.payouts import _assemble as _assemble_live, _kept_lines
from sheetops.workbook.periods import current_start, last_closed_start, next_start, period_end
from sheetops.workbook.schema import PAYOUT_AMOUNT_COLUMNS, PAYOUT_PEOPLE_COLUMNS
from sheetops.workbook.settings import Settings

# -------------------- corrections.py

WAITING_COLUMNS = ["creator", "key", "kind", "amount_cents", "anchor"]


def correction_key(payout_id: str, key: str) -> str:
    return f"correction:{payout_id}:{key}"


def base_key(key: str) -> str:
    """The item a ledger entry belongs to: a correction's item, else the key itself."""
    if key.startswith("correction:"):
        rest = key.removeprefix("correction:")
        return rest.split(":", 1)[1] if ":" in rest else rest
    return key


def is_carry(key: str) -> bool:
    return key.startswith("carry-")


def payout_id_of(start: pd.Timestamp, creator: str) -> str:
    return f"{start.strftime('%Y-%m-%d')}/{creator}"


def _payout_ids(starts: pd.Series, creators: pd.Series) -> pd.Series:
    """``payout_id_of`` for many items: dates are formatted once per distinct period."""
    codes, periods = pd.factorize(starts)
    labels = np.asarray(pd.DatetimeIndex(periods).strftime("%Y-%m-%d"), dtype=object)
    return pd.Series(labels[codes], index=starts.index) + "/" + creators.astype(str)


@dataclass
class Calendar:
    """Which closed periods are still open for payouts, per creator."""

    settings: Settings
    as_of: dt.date
    locked: dict[str, set[pd.Timestamp]]

    def __post_init__(self) -> None:
        self.last_closed = last_closed_start(self.as_of, self.settings)
        self.current = current_start(self.as_of, self.settings)
        self._cache: dict[tuple[str, pd.Timestamp], pd.Timestamp | None] = {}

    def is_locked(self, creator: str, start: pd.Timestamp) -> bool:
        return start in self.locked.get(creator, ())

    def locked_mask(self, creators: pd.Series, starts: pd.Series) -> np.ndarray:
        """Vectorised ``is_locked`` over many items."""
        if not self.locked or creators.empty:
            return np.zeros(len(creators), dtype=bool)
        pairs = pd.MultiIndex.from_tuples(
            [(c, pd.Timestamp(s)) for c, starts_ in self.locked.items() for s in starts_], names=["c", "s"])
        items = pd.MultiIndex.from_arrays([creators.astype(str).to_numpy(), pd.to_datetime(starts).to_numpy()])
        return np.asarray(items.isin(pairs), dtype=bool)

    def open_after(self, creator: str, start: pd.Timestamp) -> pd.Timestamp | None:
        """The creator's earliest closed period after ``start`` that is not locked, if any."""
        cache_key = (creator, start)
        if cache_key not in self._cache:
            found, p = None, next_start(start, self.settings)
            while p <= self.last_closed:
                if not self.is_locked(creator, p):
                    found = p
                    break
                p = next_start(p, self.settings)
            self._cache[cache_key] = found
        return self._cache[cache_key]


def calendar(book: Book, settings: Settings, as_of: dt.date) -> Calendar:
    locked: dict[str, set[pd.Timestamp]] = {}
    for creator, start in zip(book.payouts["creator"], book.payouts["period_start"]):
        locked.setdefault(str(creator), set()).add(pd.Timestamp(start))
    return Calendar(settings, as_of, locked)


def locked_amounts(book: Book) -> pd.DataFrame:
    """Per creator and item: the amount locked so far (item + its locked corrections) and the
    period of the last locked payout holding it. Carried-in lines are not items."""
    if book.items.empty:
        return pd.DataFrame(columns=["creator", "key", "locked_cents", "last_locked"])
    entries = book.items[~book.items["key"].map(is_carry)]
    where = book.payouts.set_index("Payout ID")
    frame = pd.DataFrame({
        "creator": entries["Payout ID"].map(where["creator"]),
        "key": entries["key"].map(base_key),
        "locked_cents": entries["amount_cents"].astype("int64"),
        "last_locked": entries["Payout ID"].map(where["period_start"]),
    })
    return frame.groupby(["creator", "key"], as_index=False).agg(locked_cents=("locked_cents", "sum"),
                                                                  last_locked=("last_locked", "max"))


def place_items(items: pd.DataFrame, book: Book, cal: Calendar) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Items (and corrections) to pay in drafts, each with its target ``Payout ID``; and the
    items that wait for a period to close."""
    locked = locked_amounts(book)
    merged = items.merge(locked, how="left", on=["creator", "key"], indicator=True)
    fresh = merged[merged["_merge"] == "left_only"]
    placed_new, wait_new = _place_new(fresh[ITEM_COLUMNS], cal)
    placed_fix, wait_fix = _corrections(items, locked, book, cal)
    placed = pd.concat([p for p in (placed_new, placed_fix) if len(p)] or [placed_new], ignore_index=True)
    waiting = pd.concat([w for w in (wait_new, wait_fix) if len(w)] or [wait_new], ignore_index=True)
    return placed, waiting


def _place_new(items: pd.DataFrame, cal: Calendar) -> tuple[pd.DataFrame, pd.DataFrame]:
    closed = items["period_start"] < cal.current
    own_locked = cal.locked_mask(items["creator"], items["period_start"])
    target = pd.to_datetime(items["period_start"]).astype("datetime64[ns]").where(closed & ~own_locked)
    late = closed & own_locked
    if late.any():
        found = [cal.open_after(c, s) for c, s in zip(items.loc[late, "creator"], items.loc[late, "period_start"])]
        target.loc[late] = pd.to_datetime(pd.Series(found, index=target.index[late], dtype=object)).astype("datetime64[ns]")
    ready = target.notna()
    placed = items[ready].copy()
    placed["target"] = target[ready]
    placed["Payout ID"] = _payout_ids(placed["target"], placed["creator"])
    waiting = items[~ready]
    return placed, _waiting(waiting["creator"], waiting["key"], waiting["kind"], waiting["amount_cents"],
                            waiting["period_start"])


def _corrections(items: pd.DataFrame, locked: pd.DataFrame, book: Book, cal: Calendar) -> tuple[pd.DataFrame, pd.DataFrame]:
    if locked.empty:
        return _no_items(), _waiting(*([pd.Series([], dtype=object)] * 5))
    now = items.groupby(["creator", "key"], as_index=False)["amount_cents"].sum()
    both = locked.merge(now, how="left", on=["creator", "key"])
    both["delta"] = both["amount_cents"].fillna(0).astype("int64") - both["locked_cents"].astype("int64")
    both = both[both["delta"] != 0]
    if both.empty:
        return _no_items(), _waiting(*([pd.Series([], dtype=object)] * 5))
    about = _describe(items[items["key"].isin(set(both["key"]))], book)
    rows, waits = [], []
    for rec in both.to_dict("records"):
        target = cal.open_after(rec["creator"], pd.Timestamp(rec["last_locked"]))
        if target is None:
            waits.append(rec)
            continue
        pid = payout_id_of(target, rec["creator"])
        info = about.get((rec["creator"], rec["key"]), {})
        rows.append({**{c: None for c in ITEM_COLUMNS}, **info, "key": correction_key(pid, rec["key"]),
                     "creator": rec["creator"], "period_start": target, "kind": "Correction",
                     "base_cents": None, "rate": None, "amount_cents": int(rec["delta"]), "target": target,
                     "Payout ID": pid})
    placed = pd.DataFrame(rows, columns=[*ITEM_COLUMNS, "target", "Payout ID"]) if rows else _no_items()
    w = pd.DataFrame(waits, columns=["creator", "key", "delta", "last_locked"])
    return placed, _waiting(w["creator"], w["key"], pd.Series(["Correction"] * len(w), index=w.index),
                            w["delta"], w["last_locked"])


def _describe(items: pd.DataFrame, book: Book) -> dict[tuple[str, str], dict[str, object]]:
    """What a correction line shows about its item: rule, campaign and ids (now, else as locked)."""
    fields = ["Rule", "Campaign", "Order ID", "SKU ID", "Content ID"]
    out: dict[tuple[str, str], dict[str, object]] = {}
    where = book.payouts.set_index("Payout ID")["creator"]
    for rec in book.items.to_dict("records"):
        if rec["key"] == base_key(rec["key"]) and not is_carry(rec["key"]):
            out[(where[rec["Payout ID"]], rec["key"])] = {f: rec[f] or None for f in fields}  # blank cells read as ""
    for rec in items[["creator", "key", *fields]].to_dict("records"):
        out[(rec["creator"], rec["key"])] = {f: rec[f] for f in fields}
    return out


def _no_items() -> pd.DataFrame:
    return pd.DataFrame(columns=[*ITEM_COLUMNS, "target", "Payout ID"])


def _waiting(creator: pd.Series, key: pd.Series, kind: pd.Series, amount: pd.Series, anchor: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"creator": creator.to_numpy(), "key": key.to_numpy(), "kind": kind.to_numpy(),
                         "amount_cents": amount.to_numpy(), "anchor": anchor.to_numpy()}, columns=WAITING_COLUMNS)

# -------------------- carry.py: unchanged by the speed work, so the live module is the reference

# -------------------- ledger.py

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
    refused: set[str] = field(default_factory=set)


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
    draft_lines = _draft_lines(placed, fixed, names)
    draft_lines = draft_lines[~draft_lines["Payout ID"].isin(refused.ids)]
    drafts, carry_lines = _drafts(draft_lines, settings, on_hold, names)
    lines = pd.concat([_locked_lines(book), draft_lines, carry_lines, _kept_lines(refused)], ignore_index=True)
    lines = lines.sort_values(["Payout ID", "Kind"], kind="stable").reset_index(drop=True)[LINE_COLUMNS]
    payouts = (_assemble_live(drafts, locked_rows, book, seen, refused) if refused.ids
               else _assemble(drafts, locked_rows, book, seen))
    if len(fixed_wait):
        waiting = pd.concat([waiting, fixed_wait.assign(kind=CARRY_KIND)], ignore_index=True)
    export = export_frame(payouts, recipients or {}, log=log, locked=book.ids)
    return Ledger(payouts, lines, book, export, waiting[WAITING_COLUMNS], False, list(seen.extra), refused.ids)


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
