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

from ..money.commissions import ITEM_COLUMNS
from .locks import Book
from ..workbook.periods import current_start, last_closed_start, next_start
from ..workbook.settings import Settings

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


def codes_of(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes for a column and its distinct values (``uniques[codes]`` gives it back).

    Missing values get a code of their own. A ``category`` column gives its own codes (its
    unused categories stay among the uniques); other columns are hashed once."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype("int64")
        uniques = np.asarray(values.cat.categories, dtype=object)
        if (codes < 0).any():
            codes = np.where(codes < 0, len(uniques), codes)
            uniques = np.concatenate([uniques, np.array([None], dtype=object)])
        return codes, uniques
    codes, found = pd.factorize(values, use_na_sentinel=False)
    return np.asarray(codes, dtype="int64"), np.asarray(found, dtype=object)


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
    keys = book.items["key"].astype(object)
    entries = book.items[~keys.str.startswith("carry-", na=False).to_numpy(dtype=bool)]
    where = book.payouts.set_index("Payout ID")
    base = entries["key"].astype(object)
    fixes = base.str.startswith("correction:", na=False).to_numpy(dtype=bool)
    base[fixes] = base[fixes].map(base_key)  # a correction counts for its item
    frame = pd.DataFrame({
        "creator": entries["Payout ID"].map(where["creator"]),
        "key": base,
        "locked_cents": entries["amount_cents"].astype("int64"),
        "last_locked": entries["Payout ID"].map(where["period_start"]),
    })
    return frame.groupby(["creator", "key"], as_index=False).agg(locked_cents=("locked_cents", "sum"),
                                                                  last_locked=("last_locked", "max"))


@dataclass
class Placed:
    """Where the items are paid in drafts.

    The fresh items (never locked) are kept as positions in the items frame rather than
    copied: a million-row frame is slow to copy, and the lines are taken from it once, in
    their final order (``payouts.py``)."""

    rows: np.ndarray
    """Positions in ``items`` of the fresh items paid in drafts, in the items' order."""
    payout: np.ndarray
    """For each of ``rows``: its target payout, as a row of ``payouts``."""
    payouts: pd.DataFrame
    """One row per target payout of fresh items: Payout ID, creator, target (the period start)."""
    kinds: np.ndarray
    """For each of ``rows``: its kind, as a position in ``kind_names``."""
    kind_names: np.ndarray
    corrections: pd.DataFrame
    """Correction items: ITEM_COLUMNS, target, Payout ID."""


def place_items(items: pd.DataFrame, book: Book, cal: Calendar) -> tuple[Placed, pd.DataFrame]:
    """Items (and corrections) to pay in drafts, each with its target payout; and the items
    that wait for a period to close."""
    locked = locked_amounts(book)
    creator_codes, creators = codes_of(items["creator"])
    fresh = np.arange(len(items))
    again = np.zeros(len(items), dtype=bool)
    if not locked.empty:
        again = _is_locked(items, creator_codes, creators, locked)
        fresh = np.flatnonzero(~again)
    placed, wait_new = _place_new(items, fresh, creator_codes, creators, cal)
    placed.corrections, wait_fix = _corrections(items, again, locked, book, cal)
    waiting = pd.concat([w for w in (wait_new, wait_fix) if len(w)] or [wait_new], ignore_index=True)
    return placed, waiting


def _is_locked(items: pd.DataFrame, creator_codes: np.ndarray, creators: np.ndarray, locked: pd.DataFrame) -> np.ndarray:
    """Which items have a (creator, key) already in the Ledger, compared as integer codes."""
    keys = pd.Index(locked["key"].astype(object).unique())
    key_codes = positions_in(keys, items["key"])
    known = pd.Index(creators).get_indexer(locked["creator"].astype(object))
    ok = known >= 0
    pairs = keys.get_indexer(locked["key"].astype(object))[ok].astype("int64") * len(creators) + known[ok]
    out = np.zeros(len(items), dtype=bool)
    hit = np.flatnonzero(key_codes >= 0)
    out[hit] = np.isin(key_codes[hit] * len(creators) + creator_codes[hit], pairs)
    return out


def positions_in(index: pd.Index, values: pd.Series) -> np.ndarray:
    """``index.get_indexer(values)`` (-1 where absent) as int64; a ``category`` column is looked
    up once per category."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        found = np.append(index.get_indexer(values.cat.categories), -1)
        return found[values.cat.codes.to_numpy()].astype("int64")
    return index.get_indexer(values).astype("int64")


def _place_new(items: pd.DataFrame, fresh: np.ndarray, creator_codes: np.ndarray, creators: np.ndarray,
               cal: Calendar) -> tuple[Placed, pd.DataFrame]:
    """Each fresh item's payout. Where an item goes depends only on its creator and period, so
    it is worked out once per (creator, period) pair and taken into the items."""
    period_codes, periods = codes_of(items["period_start"])
    kind_codes, kind_names = codes_of(items["kind"])
    n_periods = max(len(periods), 1)
    pair_codes = creator_codes[fresh] * n_periods + period_codes[fresh]
    n_pairs = len(creators) * n_periods
    if n_pairs <= max(1 << 20, 2 * len(fresh)):  # a table with a slot per possible pair
        pairs = np.flatnonzero(np.bincount(pair_codes, minlength=n_pairs))
        slots = pairs
    else:
        pair_codes, pairs = pd.factorize(pair_codes)
        slots, n_pairs = np.arange(len(pairs)), len(pairs)
    ids: dict[str, int] = {}
    targets: list[tuple[str, object, pd.Timestamp]] = []
    payout = np.full(n_pairs, -1, dtype="int64")
    for slot, pair in zip(slots, pairs):
        creator, start = creators[pair // n_periods], periods[pair % n_periods]
        target = _target(cal, creator, start)
        if target is None:
            continue
        pid = payout_id_of(target, str(creator))
        if pid not in ids:
            ids[pid] = len(targets)
            targets.append((pid, creator, target))
        payout[slot] = ids[pid]
    row_payout = payout[pair_codes]
    ready = row_payout >= 0
    frame = pd.DataFrame(targets, columns=["Payout ID", "creator", "target"])
    frame["target"] = pd.to_datetime(frame["target"]).astype("datetime64[ns]")
    rows = fresh[ready]
    placed = Placed(rows, row_payout[ready], frame, kind_codes[rows], kind_names, _no_items())
    wait = fresh[~ready]
    return placed, _waiting(pd.Series(creators[creator_codes[wait]]), items["key"].take(wait),
                            pd.Series(kind_names[kind_codes[wait]]), items["amount_cents"].take(wait),
                            items["period_start"].take(wait))


def _target(cal: Calendar, creator: object, start: pd.Timestamp) -> pd.Timestamp | None:
    """The period a fresh item of ``creator`` earned in ``start`` is paid in (None: it waits)."""
    if pd.isna(start) or not start < cal.current:
        return None
    if cal.is_locked(str(creator), pd.Timestamp(start)):
        return cal.open_after(str(creator), pd.Timestamp(start))
    return pd.Timestamp(start)


def _corrections(items: pd.DataFrame, again: np.ndarray, locked: pd.DataFrame, book: Book,
                 cal: Calendar) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Corrections for locked items that now earn another amount. ``again`` marks the items
    already in the Ledger (the others cannot change a locked amount)."""
    if locked.empty:
        return _no_items(), _waiting(*([pd.Series([], dtype=object)] * 5))
    fields = ["creator", "key", "Rule", "Campaign", "Order ID", "SKU ID", "Content ID"]
    items = items.loc[again, [*fields, "amount_cents"]]
    items = items.astype({c: object for c in fields if isinstance(items[c].dtype, pd.CategoricalDtype)})
    now = items.groupby(["creator", "key"], as_index=False, sort=True)["amount_cents"].sum()
    both = locked.merge(now, how="left", on=["creator", "key"])
    both["delta"] = both["amount_cents"].fillna(0).astype("int64") - both["locked_cents"].astype("int64")
    both = both[both["delta"] != 0]
    if both.empty:
        return _no_items(), _waiting(*([pd.Series([], dtype=object)] * 5))
    about = _describe(items[items["key"].isin(set(both["key"]))], book, set(both["key"]))
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


def _describe(items: pd.DataFrame, book: Book, keys: set[str]) -> dict[tuple[str, str], dict[str, object]]:
    """What a correction line shows about its item: rule, campaign and ids (now, else as locked).
    Only the items of ``keys`` are looked at."""
    fields = ["Rule", "Campaign", "Order ID", "SKU ID", "Content ID"]
    out: dict[tuple[str, str], dict[str, object]] = {}
    where = book.payouts.set_index("Payout ID")["creator"]
    for rec in book.items[book.items["key"].isin(keys)].to_dict("records"):
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
