"""The three TikTok Shop affiliate order exports SheetOps reads, and how to tell them apart.

- ``seller``: Seller Center > Affiliate > Orders, one row per order line and creator
  (US layout; UK adds ``Creator Region``; other regions rename or add a few columns).
- ``creator``: the creator's own export from TikTok Shop Creator Center (no creator column:
  the whole file is one creator's orders).
- ``partner``: an affiliate partner (agency) export, with ``Creator Username`` and
  ``Commission GMV``.

Headers are matched by name, whatever their case, spacing, punctuation and order
(``Est. Commission Base`` = ``est commission base``). Columns not listed here are ignored.
Each layout maps export columns to *fields*; ``lines.py`` turns fields into Orders values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ..backends.base import RawCell

HEADER_SEARCH_ROWS = 50
"""The header row must be among the first rows of a file (title rows may sit above it)."""

_NON_WORD = re.compile(r"[^0-9a-z]+")


def header_key(raw: RawCell) -> str:
    """How export headers are compared: ``" Est. Commission  Base"`` -> ``"est commission base"``."""
    text = str(raw if raw is not None else "").replace("\ufeff", "").casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


# Field names (internal). Money parts of TikTok's commission come in (actual, estimated) pairs.
ORDER_ID, SKU_ID, PRODUCT_ID, PRODUCT = "order_id", "sku_id", "product_id", "product"
CREATOR, STATUS, GMV, CURRENCY, QUANTITY = "creator", "status", "gmv", "currency", "quantity"
FULLY_REFUNDED, ITEMS_REFUNDED, RATE = "fully_refunded", "items_refunded", "rate"
EST_BASE, ACT_BASE = "est_base", "act_base"
ORDER_DATE, SETTLED_DATE = "order_date", "settled_date"
CONTENT_TYPE, CONTENT_ID = "content_type", "content_id"

MONEY_FIELDS = frozenset({GMV, EST_BASE, ACT_BASE, "act_std", "est_std", "act_ads", "est_ads", "act_bonus", "est_bonus"})
DATE_FIELDS = frozenset({ORDER_DATE, SETTLED_DATE})


@dataclass(frozen=True)
class Layout:
    """One export layout: which header names feed which field."""

    name: str
    label: str
    where: str
    """Where a manager downloads this export (used in error messages and docs)."""
    columns: dict[str, tuple[str, ...]]
    """field -> accepted header names, already in ``header_key`` form."""
    signature: tuple[str, ...]
    """Fields whose columns must all be present for a file to be this layout."""
    commission_parts: tuple[tuple[str, str], ...]
    """(actual field, estimated field) pairs summed into TikTok commission."""
    settled_from_order_state: bool = True

    def header_names(self, fld: str) -> tuple[str, ...]:
        return self.columns.get(fld, ())


_COMMON = {
    ORDER_ID: ("order id",),
    SKU_ID: ("sku id",),
    PRODUCT_ID: ("product id",),
    PRODUCT: ("product name",),
    CURRENCY: ("currency",),
    CONTENT_TYPE: ("content type",),
    CONTENT_ID: ("content id",),
    RATE: ("standard commission rate", "commission rate"),
}

SELLER = Layout(
    name="seller",
    label="Seller Center affiliate orders export",
    where="TikTok Shop Seller Center, Affiliate, Orders, Export",
    columns={
        **_COMMON,
        CREATOR: ("creator username",),
        STATUS: ("order status",),
        GMV: ("payment amount",),
        QUANTITY: ("quantity",),
        FULLY_REFUNDED: ("fully returned or refunded",),
        EST_BASE: ("est commission base",),
        ACT_BASE: ("actual commission base",),
        "est_std": ("est standard commission payment",),
        "act_std": ("actual commission payment", "actual standard commission payment"),
        "est_ads": ("est shop ads commission payment",),
        "act_ads": ("actual shop ads commission payment",),
        "est_bonus": ("est co funded creator bonus",),
        "act_bonus": ("actual co funded creator bonus",),
        ORDER_DATE: ("time created", "creation date time", "created time", "order creation time"),
        SETTLED_DATE: ("time commission paid", "commission paid time"),
    },
    signature=(ORDER_ID, SKU_ID, CREATOR, GMV, STATUS, ORDER_DATE),
    commission_parts=(("act_std", "est_std"), ("act_ads", "est_ads"), ("act_bonus", "est_bonus")),
)

CREATOR_LAYOUT = Layout(
    name="creator",
    label="creator affiliate orders export",
    where="TikTok Shop Creator Center, Orders, Export",
    columns={
        **_COMMON,
        CREATOR: ("creator username",),
        STATUS: ("order settlement status",),
        GMV: ("gmv",),
        QUANTITY: ("items sold",),
        ITEMS_REFUNDED: ("items refunded",),
        EST_BASE: ("est commission base",),
        ACT_BASE: ("actual commission base",),
        "act_std": ("standard commission", "actual standard commission"),
        "est_std": ("est standard commission", "standard commission"),
        "act_ads": ("shop ads commission", "actual shop ads commission"),
        "est_ads": ("est shop ads commission", "shop ads commission"),
        "act_bonus": ("bonus", "actual bonus"),
        "est_bonus": ("est bonus", "bonus"),
        ORDER_DATE: ("order date", "order created time"),
        SETTLED_DATE: ("commission settlement date", "commission settlement time"),
    },
    signature=(ORDER_ID, SKU_ID, GMV, STATUS, ORDER_DATE),
    commission_parts=(("act_std", "est_std"), ("act_ads", "est_ads"), ("act_bonus", "est_bonus")),
)

PARTNER = Layout(
    name="partner",
    label="affiliate partner (agency) orders export",
    where="TikTok Shop Partner Center, Affiliate orders, Export",
    columns={
        **_COMMON,
        CREATOR: ("creator username",),
        STATUS: ("order settlement status",),
        GMV: ("commission gmv",),
        QUANTITY: ("items sold", "quantity"),
        ITEMS_REFUNDED: ("items refunded",),
        EST_BASE: ("est commission base",),
        ACT_BASE: ("actual commission base",),
        "act_std": ("actual creator commission",),
        "est_std": ("est creator commission",),
        "act_ads": ("actual shop ads commission",),
        "est_ads": ("est shop ads commission",),
        ORDER_DATE: ("order created time", "order date", "time created"),
        SETTLED_DATE: ("commission settlement time", "commission settlement date"),
    },
    signature=(ORDER_ID, SKU_ID, CREATOR, GMV, STATUS, ORDER_DATE),
    commission_parts=(("act_std", "est_std"), ("act_ads", "est_ads")),
)

LAYOUTS: tuple[Layout, ...] = (SELLER, CREATOR_LAYOUT, PARTNER)


@dataclass(frozen=True)
class Detected:
    """A layout found in a header row: the 0-based cell index of each field present."""

    layout: Layout
    index: dict[str, int]
    headers: dict[str, str]
    """field -> the header text as the file spells it (for issue rows)."""


def column_positions(header: Sequence[RawCell]) -> dict[str, int]:
    """header_key -> first 0-based position in a header row."""
    positions: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = header_key(cell)
        if key and key not in positions:
            positions[key] = i
    return positions


def match(layout: Layout, header: Sequence[RawCell]) -> Detected:
    positions = column_positions(header)
    index: dict[str, int] = {}
    for fld, names in layout.columns.items():
        for name in names:
            if name in positions:
                index[fld] = positions[name]
                break
    headers = {fld: str(header[i]).replace("\ufeff", "").strip() for fld, i in index.items()}
    return Detected(layout, index, headers)


def missing(detected: Detected) -> list[str]:
    """Signature fields absent from the header, named as the layout's first header name."""
    return [
        _title(detected.layout.columns[f][0]) for f in detected.layout.signature if f not in detected.index
    ]


def _title(key: str) -> str:
    return " ".join(w.upper() if w in ("id", "sku", "gmv") else w.capitalize() for w in key.split())


def is_header_row(row: Sequence[RawCell]) -> bool:
    """A candidate header: it has an ``Order ID`` cell and a few other non-blank cells."""
    keys = [header_key(c) for c in row]
    return "order id" in keys and sum(1 for k in keys if k) >= 3


def detect(header: Sequence[RawCell]) -> tuple[Detected | None, Detected]:
    """(the layout this header is, or None; the closest layout, to explain what is missing)."""
    found = [match(layout, header) for layout in LAYOUTS]
    complete = [d for d in found if not missing(d)]
    if complete:
        best = max(complete, key=lambda d: len(d.index))
        return best, best
    closest = min(found, key=lambda d: (len(missing(d)), -len(d.index)))
    return None, closest
