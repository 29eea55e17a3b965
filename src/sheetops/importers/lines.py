"""One export row -> the values of one Orders line (see docs/importing.md for the mapping).

TikTok's own numbers are kept exactly as the export gives them, to the cent (int cents),
never recomputed: GMV, Commission base and TikTok commission are read, only added up
(standard + Shop Ads + co-funded bonus). The one derived amount is the Refund of a
partly refunded line in the creator and partner layouts: GMV x items refunded / items sold,
rounded half away from zero.

A line's values are a tuple in ``OWNED`` order; ``None`` means the file says nothing
(an import never blanks a cell because a file left it empty).
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Sequence

from ..backends.base import RawCell
from ..workbook.cells import DateOrder, Parsed, parse_int, round_half_away
from . import layouts as L
from .values import (
    DecimalStyle,
    content_type_for,
    currency_code,
    read_datetime,
    read_money,
    read_rate,
    read_yes_no,
    status_for,
    text_of,
)

Kind = Literal["text", "handle", "datetime", "status", "int", "money", "rate", "content"]

OWNED: tuple[tuple[str, Kind], ...] = (
    ("Order ID", "text"),
    ("SKU ID", "text"),
    ("Product ID", "text"),
    ("Product", "text"),
    ("Creator", "handle"),
    ("Order date", "datetime"),
    ("Settled date", "datetime"),
    ("Status", "status"),
    ("Quantity", "int"),
    ("GMV", "money"),
    ("Refund", "money"),
    ("Commission base", "money"),
    ("TikTok rate", "rate"),
    ("TikTok commission", "money"),
    ("Content type", "content"),
    ("Content ID", "text"),
    ("Currency", "text"),
)
"""The Orders columns an import writes, in this order; ``Campaign`` is never touched."""

OrderLine = tuple[Any, ...]
Key = tuple[str, str]
Problem = tuple[str, str, str]
"""(column as the file names it, the value as shown, what is wrong)."""

_MAX_EXACT_FLOAT = 2**53


@dataclass
class FileContext:
    """What one file's scan decided: layout, separators, date order, zone."""

    detected: L.Detected
    tz: dt.tzinfo
    date_order: DateOrder | None
    money_style: dict[str, DecimalStyle] = field(default_factory=dict)
    creator: str | None = None


def is_blank_row(cells: Sequence[RawCell]) -> bool:
    return all(text_of(c) is None for c in cells)


def is_description(cells: Sequence[RawCell], ctx: FileContext) -> bool:
    """The row of field descriptions some exports put under the header: its Order ID
    cell is prose (spaces, or no digit at all), which no order ID is."""
    i = ctx.detected.index[L.ORDER_ID]
    text = text_of(cells[i]) if i < len(cells) else None
    return text is not None and (any(ch.isspace() for ch in text) or not any(ch.isdigit() for ch in text))


def line_key(line: OrderLine) -> Key:
    return line[0], line[1] or ""


class _Row:
    """Field access on one row, collecting problems instead of raising."""

    def __init__(self, cells: Sequence[RawCell], ctx: FileContext) -> None:
        self.cells = cells
        self.ctx = ctx
        self.problems: list[Problem] = []

    def raw(self, fld: str) -> RawCell:
        i = self.ctx.detected.index.get(fld)
        return self.cells[i] if i is not None and i < len(self.cells) else None

    def has(self, fld: str) -> bool:
        return fld in self.ctx.detected.index

    def parsed(self, fld: str, parser: Callable[[RawCell], Parsed[Any]]) -> Any:
        raw = self.raw(fld)
        result = parser(raw)
        if result.error:
            self.problems.append((self.ctx.detected.headers.get(fld, fld), text_of(raw) or "", result.error))
            return None
        return result.value

    def required(self, fld: str, value: Any, what: str) -> Any:
        if value is None and not any(p[0] == self.ctx.detected.headers.get(fld) for p in self.problems):
            self.problems.append((self.ctx.detected.headers.get(fld, fld), "", f"the {what} is blank"))
        return value

    def money(self, fld: str) -> int | None:
        style = self.ctx.money_style.get(fld, "dot")
        return self.parsed(fld, lambda raw: read_money(raw, style))

    def date(self, fld: str) -> dt.datetime | None:
        return self.parsed(fld, lambda raw: read_datetime(raw, tz=self.ctx.tz, order=self.ctx.date_order))

    def id_text(self, fld: str) -> str | None:
        raw = self.raw(fld)
        if isinstance(raw, float) and abs(raw) >= _MAX_EXACT_FLOAT:
            self.problems.append((
                self.ctx.detected.headers.get(fld, fld), text_of(raw) or "",
                "the ID was stored as a number and lost its last digits; export the file again as CSV",
            ))
            return None
        return text_of(raw)


def map_row(cells: Sequence[RawCell], ctx: FileContext) -> tuple[OrderLine | None, list[Problem]]:
    """The Orders line of one data row, or the problems that stop it from being read."""
    row = _Row(cells, ctx)
    order_id = row.required(L.ORDER_ID, row.id_text(L.ORDER_ID), "Order ID")
    sku_id = row.id_text(L.SKU_ID)
    creator = row.required(L.CREATOR, text_of(row.raw(L.CREATOR)) or ctx.creator, "creator")
    order_date = row.required(L.ORDER_DATE, row.date(L.ORDER_DATE), "order date")
    settled_date = row.date(L.SETTLED_DATE)
    gmv = row.required(L.GMV, row.money(L.GMV), "GMV")
    quantity = row.parsed(L.QUANTITY, lambda raw: parse_int(raw, minimum=0))
    status = row.parsed(L.STATUS, lambda raw: status_for(raw, commission_paid=settled_date is not None))
    refund = _refund(row, gmv, quantity)
    if refund is not None and gmv and refund >= gmv and status not in ("Ineligible", "Unpaid", None):
        status = "Refunded"
    settled = status == "Settled"
    base = row.money(L.ACT_BASE) if settled else None
    commission = _commission(row, settled)
    rate = row.parsed(L.RATE, read_rate)
    product_id, content_id = row.id_text(L.PRODUCT_ID), row.id_text(L.CONTENT_ID)
    if row.problems:
        return None, row.problems
    currency = text_of(row.raw(L.CURRENCY)) or currency_code(row.raw(L.GMV))
    line = (
        order_id, sku_id, _shared(product_id), _shared(text_of(row.raw(L.PRODUCT))),
        _shared(creator), order_date, settled_date, status, quantity, gmv, refund, base, rate, commission,
        content_type_for(row.raw(L.CONTENT_TYPE)), content_id,
        _shared(currency.upper()) if currency else None,
    )
    return line, []


def _shared(text: str | None) -> str | None:
    """Values that repeat on many lines (products, creators, currency) share one string."""
    return sys.intern(text) if text is not None else None


def _refund(row: _Row, gmv: int | None, quantity: int | None) -> int | None:
    """Seller layout: all of GMV when fully returned or refunded, else 0. Creator and
    partner layouts: from items refunded (all items: GMV; some: GMV's share of them)."""
    if gmv is None:
        return None
    if row.has(L.FULLY_REFUNDED):
        fully = row.parsed(L.FULLY_REFUNDED, read_yes_no)
        return None if fully is None else (gmv if fully else 0)
    if row.has(L.ITEMS_REFUNDED):
        items = row.parsed(L.ITEMS_REFUNDED, lambda raw: parse_int(raw, minimum=0))
        if not items:
            return 0 if items == 0 or text_of(row.raw(L.ITEMS_REFUNDED)) is None else None
        if not quantity or items >= quantity:
            return gmv
        return round_half_away(gmv * items, quantity)
    return None


def _commission(row: _Row, settled: bool) -> int | None:
    """Standard + Shop Ads + co-funded bonus: the actual payments once TikTok settled the
    line, else the estimates. None when the file has none of these columns filled."""
    total, seen = 0, False
    for actual, estimated in row.ctx.detected.layout.commission_parts:
        fld = actual if settled else estimated
        if not row.has(fld):
            continue
        cents = row.money(fld)
        if cents is not None:
            total, seen = total + cents, True
    return total if seen else None
