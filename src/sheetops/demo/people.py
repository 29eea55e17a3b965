"""The demo's small tabs: Settings, Creators, Campaigns, Rules, Content, Samples, Adjustments.

Names and numbers are invented but shaped like a real TikTok Shop beauty brand's program.
Every email is at example.com. Grids hold raw Python values (dates as ``datetime.date``,
money as floats with two decimals, rates as fractions), header first, columns in schema
order. Rule amounts for Bonus bands are placeholders scaled later by ``demo._scale_bonuses``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from ..workbook import schema
from .orders import WINDOW_DAYS, Catalog

Grid = list[list[Any]]
BRAND = "Lumière Beauty"

HANDLES = (
    "glowwithmia", "dadjokesdan", "SkincareByZoe", "makeupbyava", "thecozyhome.jess", "liftwithleo",
    "nailsbynina", "curlsandcoffee", "beautyonabudget.kim", "spfsarah", "momhacks.tara",
    "lipglossdaily", "grwm.with.priya", "clean.girl.clara", "hairtok.hannah", "dermdiaries.dev",
    "bodycare.bella", "minimal.maya", "glamgranny.gail", "studentskin.sam", "theglowup.gabi",
    "fragrance.freddie", "brows.by.bri", "skintok.sophie", "morningshed.meg", "lashes.lola",
    "selfcare.sunday", "makeupmonday.mo", "acne.journey.alex", "vanity.vera", "tinytreats.tess",
    "rosewater.rhea", "dupesbydani", "lipcombo.luna", "routine.ruby", "kbeauty.kai",
)
FIRST = ("Mia", "Dan", "Zoe", "Ava", "Jess", "Leo", "Nina", "Chloe", "Kim", "Sarah", "Tara", "Ella")
LAST = ("Johnson", "Nguyen", "Garcia", "Patel", "Kim", "Brown", "Lopez", "Wilson", "Okafor", "Rossi")
MANAGERS = ("Priya Shah", "Marcus Lee", "Sofia Alvarez")
PRODUCTS = (
    ("Glow Serum 30ml", 3400), ("Hydrating Lip Oil - Cherry", 1600), ("Vitamin C Brightening Toner", 2450),
    ("Barrier Repair Cream", 2900), ("Dewy Skin Tint SPF 30", 3200), ("Clay Detox Mask", 2200),
    ("Overnight Lip Mask", 1800), ("Hyaluronic Eye Gel", 2600), ("Peptide Night Cream", 4200),
    ("Gentle Foaming Cleanser", 1500), ("Brow Lamination Kit", 2800), ("Volumizing Mascara", 1900),
    ("Cream Blush Stick - Peach", 2100), ("Setting Spray Matte", 2300), ("Heatless Curl Set", 2500),
    ("Scalp Massager Brush", 1200), ("Bond Repair Hair Oil", 3100), ("Rose Body Butter", 2000),
    ("Exfoliating Body Mitt", 1100), ("Gua Sha Stone - Jade", 2400), ("LED Face Mask", 8900),
    ("Mini Perfume Trio", 3900), ("Holiday Glow Gift Set", 5900), ("Cuticle Oil Pen", 900),
    ("Gel Nail Strips - Chrome", 1400), ("Silk Scrunchie 5-Pack", 1300), ("Ceramide Lip Balm", 1000),
    ("Retinol Serum 0.3%", 3600), ("Sunscreen Stick SPF 50", 1700), ("Collagen Sheet Mask 10-Pack", 2700),
)
RATES_BP = (1000, 1200, 1500, 1800, 2000)




def people_tabs(rng: np.random.Generator, *, today: dt.date) -> tuple[dict[str, Grid], Catalog]:
    """Every small demo tab, and the catalog the order lines draw from."""
    start = today - dt.timedelta(days=WINDOW_DAYS)
    n = len(HANDLES)
    tiers = np.array(["Gold"] * 6 + ["Silver"] * 12 + ["Bronze"] * (n - 18), dtype=object)
    rng.shuffle(tiers[3:])  # the three named creators keep Gold, Silver, Gold below
    tiers[0], tiers[1], tiers[2] = "Gold", "Silver", "Gold"
    status = np.array(["Active"] * n, dtype=object)
    status[[n - 1, n - 5]] = "Offboarded"
    status[[n - 2, n - 8, n - 12, n - 20]] = "Paused"
    weights = 1 / np.arange(1, n + 1) ** 0.9 * np.where(tiers == "Gold", 2.0, np.where(tiers == "Silver", 1.3, 1.0))
    weights = np.where(status == "Offboarded", 0.0, np.where(status == "Paused", weights * 0.3, weights))

    products = _products(rng)
    yy = today.year % 100
    campaigns = [
        (f"FALL{yy}", "Fall Glow Edit", start - dt.timedelta(days=14), today - dt.timedelta(days=29), 0, 6, "Ended"),
        ("GLOW-Q4", "Q4 Glow Collection", today - dt.timedelta(days=56), today + dt.timedelta(days=35), 6, 12, "Live"),
        (f"BFCM{yy}", "Black Friday / Cyber Monday", today - dt.timedelta(days=25), today - dt.timedelta(days=12),
         12, 16, "Ended"),
        (f"HOLIDAY{yy}", "Holiday Gifting", today - dt.timedelta(days=10), today + dt.timedelta(days=40), 16, 22, "Live"),
        (f"SPRING{(yy + 1) % 100:02d}", "Spring Refresh", today + dt.timedelta(days=60),
         today + dt.timedelta(days=120), 22, 25, "Planned"),
    ]
    catalog = Catalog(
        product_ids=products["ids"], product_names=[p[0] for p in PRODUCTS], sku_ids=products["skus"],
        price_cents=np.array([p[1] for p in PRODUCTS], dtype=np.int64), tiktok_rate_bp=products["rates"],
        handles=[h.lower() for h in HANDLES], creator_weights=weights,
        campaign_codes=[c[0] for c in campaigns], campaign_products=[list(range(c[4], c[5])) for c in campaigns],
        campaign_days=[(c[2], c[3]) for c in campaigns],
    )
    tabs = {
        "Settings": _settings(),
        "Creators": _creators(rng, tiers, status, start),
        "Campaigns": _campaigns(campaigns, products["ids"]),
        "Rules": _rules(catalog, start, today),
        "Content": _content(rng, catalog, status, start, today),
        "Samples": _samples(rng, catalog, status, start),
        "Adjustments": _adjustments(catalog, start),
    }
    return tabs, catalog


def _header(tab: schema.TabSpec) -> list[str]:
    return [c.name for c in tab.columns]


def _products(rng: np.random.Generator) -> dict[str, Any]:
    n = len(PRODUCTS)
    ids = 1_729_000_000_000_000_000 + rng.choice(10**15, size=n, replace=False).astype(np.int64)
    skus = 1_730_000_000_000_000_000 + rng.choice(10**15, size=n, replace=False).astype(np.int64)
    return {
        "ids": [str(i) for i in ids], "skus": [str(s) for s in skus],
        "rates": rng.choice(RATES_BP, size=n).astype(np.int64),
    }


def _settings() -> Grid:
    values = {"Client": f"{BRAND} (demo)"}
    return [["Setting", "Value"], *([s.name, values.get(s.name, s.default)] for s in schema.SETTINGS)]


def _creators(rng: np.random.Generator, tiers: np.ndarray, status: np.ndarray, start: dt.date) -> Grid:
    notes = {0: "=VIP: ask Priya before changing her rules", 1: "+2 extra videos agreed for Q4",
             3: "@ mention @lumierebeauty in captions", 5: "prefers email over DMs"}
    rows: Grid = [_header(schema.CREATORS)]
    for i, handle in enumerate(HANDLES):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        method = "Bank transfer" if i % 9 == 4 else "PayPal"
        account = f"{first}.{last}{i}@example.com".lower() if method == "PayPal" else f"acct-{1000 + i * 37}"
        joined = start - dt.timedelta(days=int(rng.integers(30, 420)))
        rows.append([
            handle if i != 4 else "@" + handle, f"{first} {last}", str(status[i]), str(tiers[i]),
            MANAGERS[i % 3], f"{handle.lower().replace('.', '')}@example.com", method, account, joined,
            notes.get(i),
        ])
    return rows


def _campaigns(campaigns: list[tuple[Any, ...]], product_ids: list[str]) -> Grid:
    rows: Grid = [_header(schema.CAMPAIGNS)]
    for code, name, start, end, a, b, status in campaigns:
        rows.append([code, name, BRAND, start, end, ", ".join(product_ids[a:b]), None, status])
    return rows


def _rules(catalog: Catalog, start: dt.date, today: dt.date) -> Grid:
    fall, glow, bfcm = catalog.campaign_codes[:3]
    # Rule, Type, Creator, Campaign, Product, Tier, Rate, Amount, Min GMV, Max GMV, Valid from, Valid to, Priority
    rows: Grid = [
        _header(schema.RULES),
        ["R-BASE", "Percent", None, None, None, None, 0.05, None, None, None, None, None, 0],
        ["R-FALL", "Percent", None, fall, None, None, 0.08, None, None, None, None, None, 1],
        ["R-GLOW", "Percent", None, glow, None, None, 0.10, None, None, None, None, None, 1],
        ["R-MIA", "Percent", "glowwithmia", None, None, None, 0.12, None, None, None, None, None, 5],
        ["R-ZOE-BFCM", "Percent", "skincarebyzoe", bfcm, None, None, 0.15, None, None, None, None, None, 5],
        ["V-STD", "Per video", None, None, None, None, None, 50.0, None, None, None, None, 0],
        ["V-GOLD", "Per video", None, None, None, "Gold", None, 75.0, None, None, None, None, 0],
        ["V-SILVER", "Per video", None, None, None, "Silver", None, 60.0, None, None, None, None, 0],
        ["B-GOLD", "Bonus", None, None, None, "Gold", 0.02, 25.0, 0.4, 1.2, None, None, 0],
        ["B-GOLD2", "Bonus", None, None, None, "Gold", 0.04, 100.0, 1.2, None, None, None, 0],
        ["B-SILVER", "Bonus", None, None, None, "Silver", 0.01, 10.0, 0.2, 0.8, None, None, 0],
        ["T-DAN", "Retainer", "dadjokesdan", None, None, None, None, 100.0, None, None, start, None, 0],
        ["T-MIA", "Retainer", "glowwithmia", None, None, None, None, 250.0, None, None,
         start + dt.timedelta(days=28), today + dt.timedelta(days=90), 0],
    ]
    return rows


def _content(rng: np.random.Generator, catalog: Catalog, status: np.ndarray, start: dt.date, today: dt.date) -> Grid:
    rows: Grid = [_header(schema.CONTENT)]
    next_id = 7_310_000_000_000_000_000 + int(rng.integers(0, 10**15))
    posts: list[tuple[dt.date, int, str]] = []
    for i, handle in enumerate(catalog.handles):
        if status[i] == "Offboarded":
            continue
        for _ in range(int(rng.integers(2, 7))):
            posted = start + dt.timedelta(days=int(rng.integers(0, WINDOW_DAYS)))
            posts.append((posted, i, "LIVE" if rng.random() < 0.15 else "Video"))
    for posted, i, kind in sorted(posts):
        handle = catalog.handles[i]
        next_id += int(rng.integers(10**6, 10**9))
        age = (today - posted).days
        draw = rng.random()
        approved = "Pending" if age < 7 and draw < 0.7 else ("No" if draw < 0.1 else ("Pending" if draw < 0.18 else "Yes"))
        campaign = None
        for code, (c_start, c_end) in zip(catalog.campaign_codes, catalog.campaign_days):
            if c_start <= posted <= c_end and rng.random() < 0.6:
                campaign = code
                break
        url = f"https://www.tiktok.com/@{handle}/" + ("live" if kind == "LIVE" else f"video/{next_id}")
        rows.append([str(next_id), handle, campaign, kind, posted, url, approved])
    return rows


def _samples(rng: np.random.Generator, catalog: Catalog, status: np.ndarray, start: dt.date) -> Grid:
    rows: Grid = [_header(schema.SAMPLES)]
    for i, handle in enumerate(catalog.handles):
        if status[i] == "Offboarded":
            continue
        for _ in range(int(rng.integers(1, 3))):
            c = int(rng.integers(0, 4))
            product = int(rng.choice(catalog.campaign_products[c]))
            shipped = start + dt.timedelta(days=int(rng.integers(0, WINDOW_DAYS - 3)))
            units = int(rng.choice([1, 1, 1, 2, 3]))
            cost = round(int(catalog.price_cents[product]) * 0.28) / 100
            rows.append([handle, catalog.campaign_codes[c], catalog.product_ids[product], shipped, units, cost])
    rows[1:] = sorted(rows[1:], key=lambda r: (r[3], r[0]))
    return rows


def _adjustments(catalog: Catalog, start: dt.date) -> Grid:
    h = catalog.handles
    return [
        _header(schema.ADJUSTMENTS),
        [h[1], start + dt.timedelta(days=40), -15.0, "-15.00 clawback: sample returned damaged"],
        [h[0], start + dt.timedelta(days=47), 40.0, "Reshoot fee for the Glow Serum hero video"],
        [h[6], start + dt.timedelta(days=53), 25.0, "+1 bonus video agreed on call"],
        [h[9], start + dt.timedelta(days=61), -32.5, "Duplicate payment in an earlier week"],
        [h[3], start + dt.timedelta(days=68), 20.0, "Goodwill for a late payout"],
        [h[12], start + dt.timedelta(days=75), 15.0, "Holiday unboxing story (3 frames)"],
    ]
