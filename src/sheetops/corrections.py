"""Where each item is paid, now that some payouts are locked (rules 1, 4 and 5 of money.md).

- An item never locked is paid in its own period, unless that period is already locked for
  its creator: then in the creator's earliest closed period after it that is not locked
  (a late item).
- An item that is locked (in one payout, plus any corrections locked since) and now earns a
  different amount gives a ``Correction`` item for the difference, in the creator's earliest
  closed period after the last locked payout holding it that is not locked. An item that has
  disappeared (refunded, ineligible, rule removed) now earns 0.
- When no such closed period exists yet, the item waits; it appears once a period closes.

A correction's key names the payout it is paid in (``correction:<payout id>:<item key>``),
so each correction is its own item, locked at most once, like every other item.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .commissions import ITEM_COLUMNS
from .locks import Book
from .periods import current_start, last_closed_start, next_start
from .settings import Settings

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
