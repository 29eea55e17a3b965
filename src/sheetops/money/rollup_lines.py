"""The sales lines of the GMV rollups as numpy arrays, and exact grouped sums over them.

``rollups.sales_lines`` builds a frame of strings and timestamps, one row per order line that
counts in GMV; grouping those strings a dozen times is what made the rollups slow. Here the
same lines are kept as their positions in the Orders frame, integer cents, and integer day
and period numbers; a rollup groups integer codes, adds int64 cents with ``np.add.at``
(exact) and counts distinct orders a period or a campaign at a time (small hash tables).
Only the result, one row per key, goes through a pandas groupby (``group_sums``), the one
the string version used, so keys, their order and their dtypes come out as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..workbook.settings import Settings

GMV_STATUSES = ("Pending", "Settled", "Refunded", "Frozen")
NO_PERIOD = np.iinfo(np.int64).max
"""The period number of a line without an Order date: equal to no period, after every one."""
DAY_NS = 86_400 * 10**9


def period_numbers(dates: np.ndarray, settings: Settings, day: np.ndarray | None = None) -> np.ndarray:
    """An integer for the period holding each ``datetime64`` value (``NO_PERIOD`` for NaT),
    counting periods from 1970: weeks starting on Settings ``Week starts``, or months. Equal
    numbers mean equal ``periods.period_start``; the next period is one more. ``day``: the
    dates as days since 1970-01-01, when already at hand.

    >>> from sheetops.workbook.settings import Settings
    >>> days = np.array(["2026-11-08T23:59", "2026-11-09T10:00", "2026-11-15T23:59", "2026-11-16"],
    ...                 dtype="datetime64[ns]")
    >>> period_numbers(days, Settings()).tolist()  # 2026-11-09 is a Monday
    [2966, 2967, 2967, 2968]
    """
    if settings.weekly:
        if day is None:
            day = dates.astype("datetime64[D]").view(np.int64)
        number = (day + (3 - settings.week_starts)) // 7  # 1970-01-01 was a Thursday (Monday = 0)
    else:
        number = dates.astype("datetime64[M]").view(np.int64)
    nat = np.isnat(dates)
    if nat.any():
        number[nat] = NO_PERIOD
    return number


def period_number(start: pd.Timestamp, settings: Settings) -> int:
    """The period number of one timestamp (``NO_PERIOD`` for NaT)."""
    return int(period_numbers(np.array([pd.Timestamp(start).to_datetime64()]), settings)[0])


def day_number(when: pd.Timestamp, *, ceil: bool) -> int:
    """Days since 1970-01-01 of ``when``: the first day at or after it (``ceil``), else the day holding it."""
    ns = pd.Timestamp(when).as_unit("ns").value
    return -(-ns // DAY_NS) if ceil else ns // DAY_NS


@dataclass(frozen=True)
class SalesArrays:
    """The lines ``rollups.sales_lines`` keeps, as arrays; ``pos`` are their rows in ``orders``."""

    orders: pd.DataFrame
    pos: np.ndarray
    day: np.ndarray
    """Order date as days since 1970-01-01 (a huge negative number for a missing date)."""
    period: np.ndarray
    gmv: np.ndarray
    refund: np.ndarray
    units: np.ndarray
    tiktok: np.ndarray

    def column(self, name: str, idx: np.ndarray) -> pd.Series:
        """Column ``name`` of the Orders frame for the lines ``idx`` (dtype kept)."""
        return self.orders[name].iloc[self.pos[idx]].reset_index(drop=True)


def sales_arrays(orders: pd.DataFrame, settings: Settings) -> SalesArrays:
    """The order lines that count in GMV (no Error, status in ``GMV_STATUSES``) with their
    cents computed as ``rollups.sales_lines`` computes them."""
    keep = ~orders["_error"].to_numpy(dtype=bool) & orders["Status"].isin(GMV_STATUSES).to_numpy(dtype=bool)
    pos = np.flatnonzero(keep)
    gmv = _int64(orders["GMV"], pos, None)
    refund = _int64(orders["Refund"].astype("Int64"), pos, 0)
    missing = np.flatnonzero(orders["Refund"].isna().to_numpy(dtype=bool)[pos])
    refunded = orders["Status"].iloc[pos[missing]].eq("Refunded").to_numpy(dtype=bool, na_value=False)
    refund[missing[refunded]] = gmv[missing[refunded]]
    dates = orders["Order date"]
    values = (dates.to_numpy() if dates.dtype.kind == "M" else pd.to_datetime(dates).to_numpy())[pos]
    day = values.astype("datetime64[D]").view(np.int64)
    return SalesArrays(orders, pos, day, period_numbers(values, settings, day), gmv, refund,
                       _int64(orders["Quantity"], pos, 1), _int64(orders["TikTok commission"], pos, 0))


def _int64(col: pd.Series, pos: np.ndarray, fill: int | None) -> np.ndarray:
    """``col.iloc[pos].fillna(fill).astype("int64")`` as an array; no ``fill``: a gap raises as astype does."""
    if fill is None and col.isna().to_numpy(dtype=bool)[pos].any():
        col.iloc[pos].astype("int64")  # raises the usual error
    out = col.to_numpy(dtype="int64", na_value=0 if fill is None else fill)[pos]
    return out.view(np.int64)  # the canonical int64 descriptor keeps np.add.at on its fast path


def first_seen(codes: np.ndarray) -> np.ndarray:
    """Where each code first appears, for codes numbered by first appearance (as
    ``pd.factorize`` numbers them).

    >>> first_seen(np.array([0, 1, 0, 2, 1])).tolist()
    [0, 1, 3]
    """
    if len(codes) == 0:
        return np.empty(0, dtype=np.intp)
    running = np.maximum.accumulate(codes)
    new = np.empty(len(codes), dtype=bool)
    new[0] = True
    new[1:] = running[1:] > running[:-1]
    return np.flatnonzero(new)


def first_rows(codes: np.ndarray, n: int) -> np.ndarray:
    """Where each code in ``range(n)`` first appears (every code must appear).

    >>> first_rows(np.array([2, 0, 2, 1, 0]), 3).tolist()
    [1, 3, 0]
    """
    out = np.full(n, len(codes), dtype=np.intp)
    np.minimum.at(out, codes.astype(np.intp, copy=False).view(np.intp), np.arange(len(codes), dtype=np.intp))
    return out


def key_codes(values: pd.Series, transform: Callable[[pd.Series], pd.Series] | None = None
              ) -> tuple[np.ndarray, pd.Series]:
    """A code per value (equal keys, equal codes; a missing value is a key too) and the key
    of each code, in code order and in the dtype of ``values`` (or of ``transform(values)``:
    the transform, applied to one value per code only, must work value by value).

    >>> codes, keys = key_codes(pd.Series([" P1", "P2", "P1 ", None]), lambda s: s.fillna("").str.strip())
    >>> codes.tolist(), keys.tolist()
    ([0, 1, 0, 2], ['P1', 'P2', ''])
    """
    codes, uniques = pd.factorize(values)
    n = len(uniques)
    if n < len(codes) and (codes < 0).any():
        codes = np.where(codes < 0, n, codes)
        n += 1
    keys = values.iloc[first_rows(codes, n)].reset_index(drop=True)
    if transform is not None:
        keys = transform(keys)
        merged, _ = pd.factorize(keys, use_na_sentinel=False)
        codes = merged[codes]
        keys = keys.iloc[first_seen(merged)].reset_index(drop=True)
    return codes, keys


def add_at(codes: np.ndarray, cents: np.ndarray, n: int) -> np.ndarray:
    """Exact int64 sums of ``cents`` per code in ``range(n)``.

    >>> add_at(np.array([1, 0, 1]), np.array([5, 7, 9]), 3).tolist()
    [7, 14, 0]
    """
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, codes.astype(np.intp, copy=False).view(np.intp), cents.astype(np.int64, copy=False).view(np.int64))
    return out


def group_sums(codes: np.ndarray, keys: pd.Series, lines: SalesArrays, idx: np.ndarray,
               orders: np.ndarray | None = None) -> pd.DataFrame:
    """What the old ``_sums(sales.iloc[idx], [keys.name])`` gave: per key GMV, Refunds,
    Units, TikTok commission, Orders (``orders``: distinct sold orders per code) and Net GMV,
    int64, the keys grouped, sorted and typed by pandas exactly as before."""
    n = len(keys)

    def total(values: np.ndarray) -> np.ndarray:
        return add_at(codes, values[idx], n)

    small = pd.DataFrame({keys.name: keys, "GMV": total(lines.gmv), "Refunds": total(lines.refund),
                          "Units": total(lines.units), "TikTok commission": total(lines.tiktok),
                          "Orders": np.zeros(n, dtype=np.int64) if orders is None else orders.astype(np.int64)})
    g = small.groupby([keys.name], dropna=False).sum()  # one row per key: sorts and types the keys as before
    g["Net GMV"] = g["GMV"] - g["Refunds"]
    return g


class OrderIds:
    """The Order IDs of the Orders rows, compared as ``astype(str)`` compares them (a missing
    ID is never an order), for counting distinct orders a group at a time: a period's or a
    campaign's IDs fit a small hash table, several times faster than one table for all."""

    def __init__(self, column: pd.Series, rows: np.ndarray) -> None:
        """``rows``: the only Orders rows that will be asked about."""
        self._codes: np.ndarray | None = None
        self._values: Any = None
        self._all_text = False
        """Every value a str (none missing): a Python set counts them exactly."""
        if isinstance(column.dtype, pd.CategoricalDtype):
            cats = column.cat.categories
            codes = column.cat.codes.to_numpy().astype(np.int64)
            if pd.api.types.infer_dtype(cats, skipna=True) != "string":
                merged, _ = pd.factorize(pd.Series(cats).astype(str))
                codes = np.where(codes >= 0, merged[np.maximum(codes, 0)], -1)
            self._codes, self._size = codes, len(cats)
            return
        if column.dtype == object and (pd.api.types.infer_dtype(column, skipna=False) == "string"
                                       or pd.api.types.infer_dtype(column.to_numpy()[rows], skipna=False) == "string"):
            self._values, self._all_text = column.to_numpy(), True
        elif column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
            self._values = column.to_numpy()
        elif isinstance(column.dtype, pd.StringDtype):
            self._values = column.array
        else:
            self._values = column.astype(str).array

    def count(self, rows: np.ndarray) -> int:
        """Distinct orders among the Orders rows ``rows``."""
        if self._codes is not None:
            codes = self._codes[rows]
            codes = codes[codes >= 0]
            return int(np.count_nonzero(np.bincount(codes))) if len(codes) else 0
        if self._all_text:
            return len(set(self._values[rows].tolist()))
        uniques = pd.unique(self._values[rows])
        return len(uniques) - int(np.count_nonzero(pd.isna(uniques)))

    def codes(self, rows: np.ndarray) -> tuple[np.ndarray, int]:
        """A code per row (-1 for a missing ID; equal orders, equal codes) and how many codes."""
        if self._codes is not None:
            return self._codes[rows], self._size
        codes, uniques = pd.factorize(self._values[rows])
        return codes, len(uniques)


def distinct_pairs(groups: np.ndarray, n_groups: int, orders: np.ndarray, n_orders: int) -> np.ndarray:
    """Per group, how many distinct orders (codes -1 do not count).

    >>> distinct_pairs(np.array([0, 0, 1, 1, 1]), 2, np.array([5, 5, 5, -1, 6]), 7).tolist()
    [1, 2]
    """
    has = orders >= 0
    pairs = pd.unique(groups[has].astype(np.int64) * max(n_orders, 1) + orders[has])
    return np.bincount(pairs // max(n_orders, 1), minlength=n_groups).astype(np.int64)


def distinct_by_code(codes: np.ndarray, n_codes: int, rows: np.ndarray, ids: OrderIds) -> np.ndarray:
    """Per code, distinct orders among ``rows`` (Orders rows, one code each), one small table per code."""
    out = np.zeros(n_codes, dtype=np.int64)
    if len(rows) == 0:
        return out
    order = np.argsort(codes.astype(np.uint16 if n_codes <= 65536 else np.int64), kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n_codes + 1))
    for c in range(n_codes):
        if bounds[c + 1] > bounds[c]:
            out[c] = ids.count(rows[order[bounds[c]:bounds[c + 1]]])
    return out
