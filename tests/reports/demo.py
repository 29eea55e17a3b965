"""A demo creator program with three months of sales: enough for every report section and
chart to show something (top creators, a new creator, drops, campaigns with targets,
every QBR segment). Deterministic; used by the report tests and the rendering test."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..builders import ORDER_HEADER, settings

AS_OF = "2026-11-18"
FIRST_WEEK = dt.date(2026, 8, 3)
WEEKS = 15  # 2026-08-03 .. 2026-11-09: the last one is the last closed week

# handle, name, tier, weekly GMV in the first week, weekly growth in percent, first week, last week
CREATORS = [
    ("glowwithmia", "Mia Tran", "Gold", 900, 4, 0, WEEKS),
    ("dadjokesdan", "Dan Ruiz", "Silver", 700, -6, 0, WEEKS),
    ("skincarebyzoe", "Zoe Park", "Gold", 650, 2, 0, WEEKS),
    ("fitwithfred", "Fred Olsen", "Silver", 400, 9, 0, WEEKS),
    ("cookingwithkai", "Kai Mendes", "Bronze", 380, 0, 0, WEEKS - 1),
    ("makeupbymaya", "Maya Lee", "Gold", 520, 3, 2, WEEKS),
    ("techtalktom", "Tom Berg", "Bronze", 300, -3, 0, 10),
    ("homehacksholly", "Holly Ames", "Silver", 260, 12, 4, WEEKS),
    ("petpalpete", "Pete Young", "Bronze", 210, 1, 0, WEEKS),
    ("styledbysam", "Sam Cho", "Silver", 450, 5, 8, WEEKS),
    ("gardengina", "Gina Rossi", "Bronze", 180, -2, 0, WEEKS),
    ("bookwormbea", "Bea Klein", "", 150, 6, 0, WEEKS),
    ("newbienina", "Nina Vale", "Bronze", 240, 0, WEEKS - 1, WEEKS),
    ("summersue", "Sue Park", "Silver", 330, 0, 0, 8),
]
PRODUCTS = ["P100", "P200", "P300"]


def demo_tabs() -> dict[str, list[list[Any]]]:
    """The tabs people edit, as cell values (row 0 the header)."""
    orders: list[list[Any]] = []
    for c, (handle, _, _, base, growth, first, last) in enumerate(CREATORS):
        for w in range(first, last):
            day = FIRST_WEEK + dt.timedelta(days=7 * w + (c % 5))
            gmv = round(base * (1 + growth / 100) ** w + (c * 7 + w * 3) % 40, 2)
            refund = round(gmv * 0.1, 2) if (c + w) % 7 == 0 else ""
            settled = day + dt.timedelta(days=3)
            status = "Settled" if settled < dt.date(2026, 11, 16) else "Pending"
            orders.append([f"{handle[:4].upper()}-{w:02d}", "S1", PRODUCTS[(c + w) % 3], handle, "",
                           f"{day.isoformat()} 10:00:00", settled.isoformat() if status == "Settled" else "",
                           status, 1 + (w % 3), gmv, refund])
    return {
        "Settings": settings(client="Lumi Beauty"),
        "Creators": [["Creator", "Name", "Status", "Tier", "Joined"],
                     *[[h, n, "Active", t, "2026-01-01"] for h, n, t, *_ in CREATORS]],
        "Campaigns": [["Campaign", "Name", "Brand", "Start", "End", "Products", "Target GMV", "Status"],
                      ["FALL26", "Fall Glow", "Lumi", "2026-09-01", "2026-12-31", "P100", 40000, "Live"],
                      ["SERUM", "Serum Launch", "Lumi", "2026-10-15", "2026-11-30", "P200", 15000, "Live"],
                      ["SUMMER", "Summer Sun", "Lumi", "2026-06-01", "2026-08-31", "P300", 8000, "Ended"]],
        "Rules": [["Rule", "Type", "Creator", "Campaign", "Product", "Tier", "Rate", "Amount", "Min GMV"],
                  ["R-BASE", "Percent", "", "", "", "", "8%", "", ""],
                  ["R-GOLD", "Percent", "", "", "", "Gold", "10%", "", ""],
                  ["B-BIG", "Bonus", "", "", "", "", "", 50, 1000]],
        "Orders": [ORDER_HEADER, *orders],
        "Samples": [["Creator", "Campaign", "Product ID", "Shipped", "Units", "Unit cost"],
                    ["newbienina", "FALL26", "P100", "2026-11-02", 3, 12.5]],
    }
