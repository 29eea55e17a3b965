"""Small business-like workbooks for tests: a roster, a campaign, and the tabs you pass."""

from __future__ import annotations

from typing import Any

from sheetops.backends.memory import MemoryWorkbook
from sheetops.workbook import schema

ORDER_HEADER = ["Order ID", "SKU ID", "Product ID", "Creator", "Campaign", "Order date", "Settled date",
                "Status", "Quantity", "GMV", "Refund"]


def settings(**values: Any) -> list[list[Any]]:
    base = {"Currency": "USD", "Timezone": "UTC", "Payout period": "Weekly", "Week starts": "Monday",
            "Minimum payout": 0}
    base.update({k.replace("_", " ").capitalize(): v for k, v in values.items()})
    return [["Setting", "Value"], *([k, v] for k, v in base.items())]


def order(oid: str, creator: str, gmv: Any, *, settled: str | None = "2026-11-10", status: str = "Settled",
          ordered: str = "2026-11-05 10:00:00", product: str = "P100", campaign: str = "", refund: Any = "",
          sku: str = "S1", qty: Any = 1) -> list[Any]:
    return [oid, sku, product, creator, campaign, ordered, settled or "", status, qty, gmv, refund]


def workbook(*, orders: list[list[Any]] = (), rules: list[list[Any]] | None = None,
             creators: list[list[Any]] | None = None, extra: dict[str, list[list[Any]]] | None = None,
             **settings_values: Any) -> MemoryWorkbook:
    tabs: dict[str, list[list[Any]]] = {
        "Settings": settings(**settings_values),
        "Creators": [["Creator", "Name", "Status", "Tier", "Joined"],
                     *(creators or [["@glowwithmia", "Mia Tran", "Active", "Gold", "2026-01-01"],
                                    ["dadjokesdan", "Dan Ruiz", "Active", "Silver", "2026-01-01"]])],
        "Campaigns": [["Campaign", "Start", "End", "Products"], ["FALL26", "2026-10-01", "2026-12-31", "P100"]],
        "Rules": [["Rule", "Type", "Creator", "Campaign", "Product", "Tier", "Rate", "Amount", "Min GMV",
                   "Max GMV", "Valid from", "Valid to", "Priority"],
                  *(rules if rules is not None else [["R-BASE", "Percent", "", "", "", "", "10%", "", "", "", "", "", ""]])],
        "Orders": [ORDER_HEADER, *orders],
    }
    tabs.update(extra or {})
    return MemoryWorkbook(tabs)


def rows(wb: MemoryWorkbook, tab: str) -> list[dict[str, Any]]:
    """The data rows of a tab, as the tool reads them back: the one-line "nothing to show"
    note of an empty tool tab (``schema.EMPTY_NOTES``) is not a row."""
    grid = wb.tabs[tab]
    return [dict(zip(grid[0], r)) for r in grid[1:] if not schema.is_empty_note(list(r))]
