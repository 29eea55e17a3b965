"""Demo order lines, generated column by column with numpy so a million lines take seconds.

``OrderColumns`` holds the lines as typed arrays (integer cents, indexes into the product,
creator and campaign lists, seconds since the epoch); ``iter_rows`` turns them into sheet
rows of plain Python values chunk by chunk, and ``frame`` into a pandas DataFrame. A few
deliberately bad cells (``overrides``) replace the generated values so the Issues tab has
something to show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd

from ..workbook import schema

CHUNK = 50_000
WINDOW_DAYS = 84
"""Orders are spread over the 12 weeks before ``today``."""

STATUS = schema.ORDER_STATUSES  # Pending, Settled, Refunded, Ineligible, Frozen, Unpaid
PENDING, SETTLED, REFUNDED, INELIGIBLE, FROZEN, UNPAID = range(6)
CONTENT_TYPES = schema.CONTENT_TYPES  # Video, LIVE, Showcase, Other
HEADER: tuple[str, ...] = tuple(c.name for c in schema.ORDERS.columns)
BLANK = -1


@dataclass
class Catalog:
    """What order lines draw from: products, creators and campaigns of the demo."""

    product_ids: list[str]
    product_names: list[str]
    sku_ids: list[str]
    price_cents: np.ndarray
    tiktok_rate_bp: np.ndarray
    handles: list[str]
    creator_weights: np.ndarray
    campaign_codes: list[str]
    campaign_products: list[list[int]]
    campaign_days: list[tuple[dt.date, dt.date]]


@dataclass
class OrderColumns:
    """N order lines as arrays; see the module docstring."""

    catalog: Catalog
    order_id: np.ndarray
    product: np.ndarray
    creator: np.ndarray
    campaign: np.ndarray
    campaign_shown: np.ndarray
    ordered_s: np.ndarray
    settled_s: np.ndarray
    status: np.ndarray
    quantity: np.ndarray
    gmv_cents: np.ndarray
    refund_cents: np.ndarray
    base_cents: np.ndarray
    tiktok_commission_cents: np.ndarray
    content_type: np.ndarray
    content_id: np.ndarray
    overrides: dict[tuple[int, str], Any] = field(default_factory=dict)
    """(0-based line, column name) -> the raw value written instead (the bad cells)."""

    def __len__(self) -> int:
        return len(self.order_id)

    def iter_rows(self, chunk: int = CHUNK) -> Iterator[list[Any]]:
        """Every line as a list of plain Python values in ``HEADER`` order."""
        bad: dict[int, list[tuple[int, Any]]] = {}
        for (line, name), value in self.overrides.items():
            bad.setdefault(line, []).append((HEADER.index(name), value))
        for start in range(0, len(self), chunk):
            columns = self._python_columns(start, min(len(self), start + chunk))
            for offset, row in enumerate(zip(*columns)):
                values = list(row)
                for col, value in bad.get(start + offset, ()):
                    values[col] = value
                yield values

    def frame(self) -> pd.DataFrame:
        """The lines as a DataFrame with the Orders headers (object, datetime64, float)."""
        data = dict(zip(HEADER, self._python_columns(0, len(self), lists=False)))
        df = pd.DataFrame(data)
        for (line, name), value in self.overrides.items():
            if df[name].dtype != object:
                df[name] = df[name].astype(object)
            df.at[line, name] = value
        return df

    def _python_columns(self, a: int, b: int, *, lists: bool = True) -> list[Any]:
        cat = self.catalog
        s = slice(a, b)
        product = self.product[s]
        campaign = self.campaign_shown[s]
        content_type = self.content_type[s]
        content_id = self.content_id[s]
        columns: list[np.ndarray] = [
            self.order_id[s].astype(str).astype(object),
            _take(cat.sku_ids, product),
            _take(cat.product_ids, product),
            _take(cat.product_names, product),
            _take(cat.handles, self.creator[s]),
            _take(cat.campaign_codes, campaign),
            _datetimes(self.ordered_s[s]),
            _datetimes(self.settled_s[s]),
            _take(list(STATUS), self.status[s]),
            self.quantity[s].astype(object),
            _money(self.gmv_cents[s]),
            _money(self.refund_cents[s]),
            _money(self.base_cents[s]),
            (cat.tiktok_rate_bp[product] / 10_000).astype(object),
            _money(self.tiktok_commission_cents[s]),
            _take(list(CONTENT_TYPES), content_type),
            _ids(content_id),
            np.full(b - a, "USD", dtype=object),
        ]
        return [c.tolist() for c in columns] if lists else columns


def _take(values: Sequence[str], index: np.ndarray) -> np.ndarray:
    """Strings by index; ``BLANK`` (-1) gives None."""
    table = np.array([*values, None], dtype=object)
    return table[np.where(index < 0, len(values), index)]


def _ids(ids: np.ndarray) -> np.ndarray:
    """Numeric IDs as text; 0 gives None."""
    out = ids.astype(str).astype(object)
    out[ids <= 0] = None
    return out


def _money(cents: np.ndarray) -> np.ndarray:
    out = (cents / 100).astype(object)
    out[cents < 0] = None
    return out


def _datetimes(seconds: np.ndarray) -> np.ndarray:
    out = seconds.astype("datetime64[s]").astype(object)
    out[seconds < 0] = None
    return out


def make_orders(rng: np.random.Generator, catalog: Catalog, *, n: int, today: dt.date) -> OrderColumns:
    """``n`` realistic order lines over the ``WINDOW_DAYS`` days before ``today``."""
    end_s = _epoch_day(today) * 86400
    start_s = end_s - WINDOW_DAYS * 86400
    n_products = len(catalog.product_ids)

    # Orders first (some have two lines), then lines.
    lines_per_order = np.where(rng.random(max(n, 1)) < 0.08, 2, 1)
    order_of_line = np.repeat(np.arange(max(n, 1)), lines_per_order)[:n]
    n_orders = int(order_of_line[-1]) + 1 if n else 0
    second = np.zeros(n, dtype=bool)
    second[1:] = order_of_line[1:] == order_of_line[:-1]
    ordered = np.sort(rng.integers(start_s, end_s, size=n_orders))[order_of_line]
    gaps = rng.integers(1, 40_000_000, size=n_orders, dtype=np.int64)
    order_id = (577_000_000_000_000_000 + np.cumsum(gaps))[order_of_line]

    creator_p = catalog.creator_weights / catalog.creator_weights.sum()
    creator = rng.choice(len(catalog.handles), size=n_orders, p=creator_p)[order_of_line].astype(np.int32)
    product_p = 1 / np.arange(1, n_products + 1) ** 0.6
    product = rng.choice(n_products, size=n, p=product_p / product_p.sum()).astype(np.int32)
    shift = rng.integers(1, n_products, size=n)
    product = np.where(second, (np.roll(product, 1) + shift) % n_products, product).astype(np.int32)

    quantity = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.82, 0.13, 0.04, 0.006, 0.004]).astype(np.int64)
    discount = rng.choice([100, 90, 85, 80, 75], size=n, p=[0.55, 0.15, 0.12, 0.12, 0.06])
    gmv = (catalog.price_cents[product] * quantity * discount + 50) // 100
    free = rng.random(n) < 0.01
    gmv[free] = 0
    quantity[free] = 1

    status, settled, refund = _statuses(rng, ordered, gmv, end_s)
    base = np.where(status == SETTLED, gmv - np.maximum(refund, 0), BLANK)
    earning = np.isin(status, (PENDING, SETTLED, FROZEN))
    rate_bp = catalog.tiktok_rate_bp[product]
    tiktok = np.where(earning, ((gmv - np.maximum(refund, 0)) * rate_bp + 5_000) // 10_000, 0)

    content_type = rng.choice(4, size=n, p=[0.68, 0.17, 0.12, 0.03]).astype(np.int8)
    content_id = np.where(
        content_type <= 1, 7_300_000_000_000_000_000 + rng.integers(0, 10**17, size=n, dtype=np.int64), 0
    )
    campaign = _campaigns(catalog, product, ordered)
    shown = np.where(rng.random(n) < 0.25, campaign, BLANK).astype(np.int8)
    return OrderColumns(
        catalog=catalog, order_id=order_id, product=product, creator=creator, campaign=campaign,
        campaign_shown=shown, ordered_s=ordered, settled_s=settled, status=status, quantity=quantity,
        gmv_cents=gmv, refund_cents=refund, base_cents=base, tiktok_commission_cents=tiktok,
        content_type=content_type, content_id=content_id,
    )


def _epoch_day(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def _statuses(
    rng: np.random.Generator, ordered: np.ndarray, gmv: np.ndarray, end_s: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Status, settled time (-1 = blank) and refund cents (-1 = blank) per line."""
    n = len(ordered)
    settled_at = ordered + rng.integers(7 * 86400, 16 * 86400, size=n)
    age_days = (end_s - ordered) // 86400
    draw = rng.random(n)
    status = np.where(settled_at < end_s, SETTLED, PENDING).astype(np.int8)
    status[draw < 0.10] = FROZEN
    status[draw < 0.09] = INELIGIBLE
    status[draw < 0.07] = REFUNDED
    unpaid = (draw >= 0.10) & (draw < 0.13) & (age_days < 10)
    status[unpaid] = UNPAID
    settled = np.where(status == SETTLED, settled_at, BLANK)

    refund = np.zeros(n, dtype=np.int64)
    kind = rng.random(n)
    refunded = status == REFUNDED
    refund[refunded] = gmv[refunded]
    partial = refunded & (kind < 0.12)
    refund[partial] = gmv[partial] * rng.integers(30, 71, size=int(partial.sum())) // 100
    refund[refunded & (kind > 0.9)] = BLANK  # a Refunded line with a blank Refund counts in full
    settled_partial = (status == SETTLED) & (kind < 0.02)
    refund[settled_partial] = gmv[settled_partial] // 4
    return status, settled, refund


def _campaigns(catalog: Catalog, product: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """The campaign each line belongs to by product and order date (-1 = none)."""
    campaign = np.full(len(product), BLANK, dtype=np.int8)
    day = ordered // 86400
    for i, (products, (start, end)) in enumerate(zip(catalog.campaign_products, catalog.campaign_days)):
        inside = np.isin(product, products) & (day >= _epoch_day(start)) & (day <= _epoch_day(end))
        campaign[inside] = i
    return campaign
