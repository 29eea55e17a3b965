"""Builds TikTok Shop affiliate order exports for tests, as they really come.

A ``Sale`` is one order line as TikTok knows it (amounts in integer cents); renderers write
it in the seller (US, UK, Indonesia, Brazil), creator and partner layouts, and writers put
tables into CSV (BOM or not, any separator, title rows, a description row) or XLSX files.
``expected`` says, independently of the importer, what the Orders line must hold.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Sequence

PRODUCTS = (
    ("1729384756102938", "Glow Serum 30ml", 2499),
    ("1729384756103311", "Vitamin C Brightening Cream 50g", 3150),
    ("1729384756104420", "Hydra Lip Oil - Cherry", 1299),
    ("1729384756105537", "Overnight Repair Mask", 4200),
    ("1729384756106641", "Snail Mucin Essence 100ml", 1899),
)
CREATORS = ("glowwithmia", "dadjokesdan", "skincarebyzoe", "beautybylena", "the.makeup.nerd")

SELLER_US = [
    "Order ID", "Product ID", "Product Name", "SKU ID", "Price", "Payment Amount", "Currency", "Quantity",
    "Fully returned or refunded", "Payment method", "Order Status", "Creator Username", "Content Type",
    "Content ID", "commission model", "Standard commission rate", "Est. Commission Base",
    "Est. standard commission payment", "Actual Commission Base", "Actual Commission Payment",
    "Shop Ads commission rate", "Est. Shop Ads commission payment", "Actual Shop Ads commission payment",
    "Est. co-funded creator bonus", "Actual co-funded creator bonus", "Time Created", "Payment time",
    "Order Delivery Time", "Time Commission Paid", "Platform",
]
CREATOR_COLUMNS = [
    "Order ID", "SKU ID", "Product name", "Product ID", "Price", "Items sold", "Items refunded", "Shop name",
    "Shop code", "Order settlement status", "Order status", "Content type", "Content ID", "Standard commission rate",
    "GMV", "Est. commission base", "Est. standard commission", "Actual commission base", "Standard commission",
    "Shop Ads commission", "Bonus", "Order date", "Commission settlement date", "Attribution",
]
PARTNER_COLUMNS = [
    "Order ID", "SKU ID", "Creator Username", "Creator ID", "Product ID", "Product name", "Shop name",
    "Items sold", "Items refunded", "Order settlement status", "Content type", "Content ID", "Commission rate",
    "Commission GMV", "Est. commission base", "Actual commission base", "Est. creator commission",
    "Actual creator commission", "Est. partner commission", "Actual partner commission",
    "Order created time", "Commission settlement time", "Campaign name",
]


@dataclass(frozen=True)
class Sale:
    """One affiliate order line; ``orders_status`` is what SheetOps must make of it."""

    order_id: str
    sku_id: str
    product_id: str
    product: str
    creator: str
    ordered: dt.datetime
    settled: dt.datetime | None
    tiktok_status: str
    orders_status: str
    quantity: int
    gmv_cents: int
    items_refunded: int
    rate_millionths: int
    est_base_cents: int
    act_base_cents: int | None
    std_cents: tuple[int, int | None]
    ads_cents: tuple[int, int | None]
    bonus_cents: tuple[int, int | None]
    content_type: str
    content_id: str
    currency: str = "USD"

    @property
    def fully_refunded(self) -> bool:
        return self.items_refunded >= self.quantity > 0


# (Orders status, TikTok words that mean it, commission paid?)
STATUS_CHOICES = (
    ("Settled", ("Settled",), True),
    ("Settled", ("Completed",), True),
    ("Pending", ("Pending", "Not settled"), False),
    ("Pending", ("Completed", "Shipped"), False),
    ("Refunded", ("Refunded",), False),
    ("Ineligible", ("Ineligible", "Canceled"), False),
    ("Frozen", ("Frozen",), False),
    ("Unpaid", ("Unpaid by customer",), False),
)


def order_id(rng: random.Random) -> str:
    """An 18 or 19 digit TikTok order ID."""
    return str(rng.randrange(5_76_000_000_000_000_000, 5_77_999_999_999_999_999)) if rng.random() < 0.7 else str(
        rng.randrange(100_000_000_000_000_000, 999_999_999_999_999_999)
    )


def make_sales(n: int, *, seed: int = 7, start: dt.datetime = dt.datetime(2026, 11, 2, 8, 0), currency: str = "USD",
               whole_units: bool = False) -> list[Sale]:
    rng = random.Random(seed)
    sales = []
    for _ in range(n):
        product_id, product, price = rng.choice(PRODUCTS)
        if whole_units:
            price = price * 100  # e.g. IDR: no cents in prices
        quantity = rng.choice((1, 1, 1, 2, 3))
        gmv = 0 if rng.random() < 0.05 else price * quantity - rng.choice((0, 0, 100 if not whole_units else 10000))
        orders_status, words, paid = rng.choice(STATUS_CHOICES)
        word = rng.choice(words)
        ordered = start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 13), seconds=rng.randrange(60))
        settled = ordered + dt.timedelta(days=rng.randrange(8, 16), minutes=rng.randrange(600)) if paid else None
        rate = rng.choice((100_000, 150_000, 200_000, 125_000))
        base = gmv
        std = base * rate // 1_000_000
        ads = base * 50_000 // 1_000_000 if rng.random() < 0.3 else 0
        bonus = rng.choice((0, 0, 50, 125))
        if whole_units:
            std, ads, bonus = std // 100 * 100, ads // 100 * 100, bonus * 100
        refunded = quantity if orders_status == "Refunded" else 0
        actual = paid
        sales.append(Sale(
            order_id=order_id(rng), sku_id=str(int(product_id) + rng.randrange(1, 9)), product_id=product_id,
            product=product, creator=rng.choice(CREATORS), ordered=ordered, settled=settled,
            tiktok_status=word, orders_status=orders_status, quantity=quantity, gmv_cents=gmv,
            items_refunded=refunded, rate_millionths=rate, est_base_cents=base,
            act_base_cents=base if actual else None,
            std_cents=(std, std if actual else None), ads_cents=(ads, ads if actual else None),
            bonus_cents=(bonus, bonus if actual else None),
            content_type=rng.choice(("Video", "Video", "LIVE", "Showcase")),
            content_id=str(rng.randrange(7_300_000_000_000_000_000, 7_399_999_999_999_999_999)),
            currency=currency,
        ))
    return sales


def settle(sale: Sale, when: dt.datetime) -> Sale:
    """The same line after TikTok paid its commission."""
    return replace(sale, settled=when, tiktok_status="Settled", orders_status="Settled",
                   act_base_cents=sale.est_base_cents, std_cents=(sale.std_cents[0],) * 2,
                   ads_cents=(sale.ads_cents[0],) * 2, bonus_cents=(sale.bonus_cents[0],) * 2)


def refund(sale: Sale) -> Sale:
    """The same line after the buyer returned everything."""
    return replace(sale, items_refunded=sale.quantity, orders_status="Refunded", tiktok_status="Refunded",
                   settled=None, act_base_cents=None)


def expected(sale: Sale, *, creator: str | None = None, currency: bool = True) -> dict[str, Any]:
    """The Orders values of a sale (money in cents, rates in millionths). Creator and
    partner exports carry no currency (``currency=False``): Orders Currency stays blank."""
    settled = sale.orders_status == "Settled"
    parts = (sale.std_cents, sale.ads_cents, sale.bonus_cents)
    commission = sum((p[1] or 0) if settled else p[0] for p in parts)
    return {
        "Order ID": sale.order_id, "SKU ID": sale.sku_id, "Product ID": sale.product_id, "Product": sale.product,
        "Creator": creator or sale.creator, "Order date": sale.ordered, "Settled date": sale.settled,
        "Status": sale.orders_status, "Quantity": sale.quantity, "GMV": sale.gmv_cents,
        "Refund": sale.gmv_cents if sale.fully_refunded else 0,
        "Commission base": sale.act_base_cents if settled else None, "TikTok rate": sale.rate_millionths,
        "TikTok commission": commission, "Content type": sale.content_type, "Content ID": sale.content_id,
        "Currency": sale.currency if currency else None,
    }


# ------------------------------------------------------------------ formats

def money_us(cents: int | None, sign: str = "$") -> str:
    if cents is None:
        return ""
    return f"{'-' if cents < 0 else ''}{sign}{abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def money_comma(cents: int | None, code: str = "BRL") -> str:
    """``BRL 1.234,56``: dot thousands, decimal comma."""
    if cents is None:
        return ""
    whole = f"{abs(cents) // 100:,}".replace(",", ".")
    return f"{code} {'-' if cents < 0 else ''}{whole},{abs(cents) % 100:02d}"


def money_idr(cents: int | None) -> str:
    """``Rp 150.000``: rupiah have no decimals; dots group thousands."""
    if cents is None:
        return ""
    return "Rp " + f"{cents // 100:,}".replace(",", ".")


def rate_pct(millionths: int) -> str:
    text = f"{millionths / 10_000:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def date_us(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    return f"{value.month:02d}/{value.day:02d}/{value.year} {hour}:{value.minute:02d}:{value.second:02d} " + (
        "AM" if value.hour < 12 else "PM"
    )


def date_dmy(value: dt.datetime | None) -> str:
    return "" if value is None else value.strftime("%d/%m/%Y %H:%M:%S")


def date_ymd(value: dt.datetime | None) -> str:
    return "" if value is None else value.strftime("%Y/%m/%d %H:%M:%S")


REGIONS: dict[str, dict[str, Any]] = {
    "US": {"money": money_us, "date": date_us},
    "UK": {"money": lambda c: money_us(c, "£"), "date": date_dmy},
    "ID": {"money": money_idr, "date": date_dmy},
    "BR": {"money": money_comma, "date": date_ymd},
}


def seller_table(sales: Sequence[Sale], region: str = "US") -> tuple[list[str], list[list[str]]]:
    """The Seller Center export of ``sales`` in a region's layout and formats."""
    fmt = REGIONS[region]
    money, date = fmt["money"], fmt["date"]
    headers = list(SELLER_US)
    rows = []
    for s in sales:
        row = [
            s.order_id, s.product_id, s.product, s.sku_id, money(s.gmv_cents // max(s.quantity, 1)),
            money(s.gmv_cents), s.currency, str(s.quantity), "Yes" if s.fully_refunded else "No", "Credit card",
            s.tiktok_status, s.creator, s.content_type, s.content_id, "Standard", rate_pct(s.rate_millionths),
            money(s.est_base_cents), money(s.std_cents[0]), money(s.act_base_cents), money(s.std_cents[1]),
            "5%" if s.ads_cents[0] else "0%", money(s.ads_cents[0]), money(s.ads_cents[1]),
            money(s.bonus_cents[0]), money(s.bonus_cents[1]), date(s.ordered), date(s.ordered),
            date(s.ordered + dt.timedelta(days=3)), date(s.settled), "TikTok",
        ]
        rows.append(row)
    if region == "UK":
        at = headers.index("Creator Username") + 1
        headers.insert(at, "Creator Region")
        for row in rows:
            row.insert(at, "GB")
    if region == "ID":
        headers[headers.index("Standard commission rate")] = "Standard Commission Rate"
        headers[headers.index("Time Created")] = "Creation Date/Time"
        headers += ["Tax", "VAT amount"]
        for row in rows:
            row += ["Rp 0", "Rp 0"]
    if region == "BR":
        headers.insert(headers.index("Content Type"), "Carousel")
        for row in rows:
            row.insert(headers.index("Carousel"), "No")
    return headers, rows


def creator_table(sales: Sequence[Sale]) -> tuple[list[str], list[list[str]]]:
    rows = []
    for s in sales:
        settled = s.orders_status == "Settled"
        rows.append([
            s.order_id, s.sku_id, s.product, s.product_id, money_us(s.gmv_cents // max(s.quantity, 1)),
            str(s.quantity), str(s.items_refunded), "Lumière Skin Official", "USLC8K2J1", s.tiktok_status,
            "Completed", s.content_type, s.content_id, rate_pct(s.rate_millionths), money_us(s.gmv_cents),
            money_us(s.est_base_cents), money_us(s.std_cents[0]), money_us(s.act_base_cents),
            money_us(s.std_cents[1] if settled else s.std_cents[0]),
            money_us(s.ads_cents[1] if settled else s.ads_cents[0]),
            money_us(s.bonus_cents[1] if settled else s.bonus_cents[0]),
            date_us(s.ordered), date_us(s.settled), "Video",
        ])
    return list(CREATOR_COLUMNS), rows


def partner_table(sales: Sequence[Sale]) -> tuple[list[str], list[list[str]]]:
    rows = []
    for s in sales:
        rows.append([
            s.order_id, s.sku_id, s.creator, str(6_900_000_000_000_000_000 + sum(map(ord, s.creator))), s.product_id, s.product,
            "Lumière Skin Official", str(s.quantity), str(s.items_refunded), s.tiktok_status, s.content_type,
            s.content_id, rate_pct(s.rate_millionths), money_us(s.gmv_cents), money_us(s.est_base_cents),
            money_us(s.act_base_cents), money_us(s.std_cents[0] + s.bonus_cents[0]),
            money_us(None if s.std_cents[1] is None else s.std_cents[1] + (s.bonus_cents[1] or 0)),
            money_us(s.est_base_cents // 50), money_us(None if s.act_base_cents is None else s.act_base_cents // 50),
            date_dmy(s.ordered), date_dmy(s.settled), "FALL26 Glow",
        ])
    return list(PARTNER_COLUMNS), rows


def partner_expected(sale: Sale) -> dict[str, Any]:
    """Partner exports fold the co-funded bonus into the creator commission and have no
    Shop Ads columns in this fixture: TikTok commission = creator commission."""
    row = expected(replace(sale, ads_cents=(0, 0 if sale.ads_cents[1] is not None else None)), currency=False)
    return row


# ------------------------------------------------------------------ mess and files

def messy(headers: Sequence[str]) -> list[str]:
    """Headers as exports sometimes spell them: other case, doubled and padded spaces."""
    out = []
    for i, h in enumerate(headers):
        if i % 3 == 0:
            out.append(h.upper())
        elif i % 3 == 1:
            out.append(f"  {h.lower().replace(' ', '  ')} ")
        else:
            out.append(h)
    return out


def shuffled(headers: Sequence[str], rows: Sequence[Sequence[str]], seed: int = 3) -> tuple[list[str], list[list[str]]]:
    order = list(range(len(headers)))
    random.Random(seed).shuffle(order)
    return [headers[i] for i in order], [[r[i] for i in order] for r in rows]


def write_csv(path: Path, headers: Sequence[str], rows: Sequence[Sequence[Any]], *, bom: bool = False,
              delimiter: str = ",", title_rows: Sequence[Sequence[str]] = (),
              descriptions: Sequence[str] | None = None) -> Path:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        for title in title_rows:
            writer.writerow(title)
        writer.writerow(headers)
        if descriptions is not None:
            writer.writerow(descriptions)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
               title_rows: Sequence[Sequence[str]] = (), descriptions: Sequence[str] | None = None) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Affiliate orders"
    for title in title_rows:
        sheet.append(list(title))
    sheet.append(list(headers))
    if descriptions is not None:
        sheet.append(list(descriptions))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def descriptions_for(headers: Sequence[str]) -> list[str]:
    return [f"The {h.lower()} of the affiliate order line, as recorded by TikTok Shop" for h in headers]
