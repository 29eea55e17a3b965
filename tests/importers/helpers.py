"""Read the Orders tab back as plain values, to compare with ``exports.expected``."""

from __future__ import annotations

from typing import Any

from sheetops.backends.base import Grid
from sheetops.backends.memory import MemoryWorkbook
from sheetops.workbook.cells import parse_datetime, parse_int, parse_money, parse_rate, parse_text
from sheetops.workbook.schema import ORDERS, normalize_header

MONEY = ("GMV", "Refund", "Commission base", "TikTok commission")


def empty_workbook(*, timezone: str = "UTC", date_order: str = "", orders: Grid | None = None) -> MemoryWorkbook:
    settings: Grid = [["Setting", "Value"], ["Currency", "USD"], ["Timezone", timezone]]
    if date_order:
        settings.append(["Date order", date_order])
    return MemoryWorkbook({
        "Settings": settings,
        "Creators": [["Creator"]],
        "Orders": orders if orders is not None else [["Order ID", "SKU ID", "Creator", "Campaign"]],
    })


def value(column: str, raw: Any) -> Any:
    if column in MONEY:
        return parse_money(raw).value
    if column == "TikTok rate":
        return parse_rate(raw).value
    if column == "Quantity":
        return parse_int(raw).value
    if column in ("Order date", "Settled date"):
        return parse_datetime(raw).value
    return parse_text(raw).value


def orders_rows(workbook: MemoryWorkbook) -> list[dict[str, Any]]:
    """Every data row of Orders as {column: value}, in tab order."""
    grid = workbook.read(["Orders"])["Orders"]
    known = {c.key: c.name for c in ORDERS.columns}
    header = [known.get(normalize_header(h), parse_text(h).value or "") for h in grid[0]]
    rows = []
    for raw_row in grid[1:]:
        row = {h: value(h, raw_row[i] if i < len(raw_row) else None) for i, h in enumerate(header) if h}
        rows.append(row)
    return rows


def orders_by_key(workbook: MemoryWorkbook) -> dict[tuple[str, str], dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for row in orders_rows(workbook):
        key = (row["Order ID"], row.get("SKU ID") or "")
        assert key not in found, f"duplicate line {key} in Orders"
        found[key] = row
    return found


def column(workbook: MemoryWorkbook, name: str) -> int:
    header = workbook.read(["Orders"])["Orders"][0]
    return [normalize_header(h) for h in header].index(normalize_header(name))
