"""Re-imports: lines found by (Order ID, SKU ID), only changed cells written, nothing
duplicated, people's columns untouched, later files win."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from sheetops.backends.base import TabEdit, WritePlan
from sheetops.backends.memory import MemoryWorkbook
from sheetops.importers import import_files

from . import exports as X
from .helpers import column, empty_workbook, orders_by_key, orders_rows


class RecordingWorkbook(MemoryWorkbook):
    """A memory workbook that keeps every plan it was asked to apply."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.plans: list[WritePlan] = []

    def apply(self, plan: WritePlan) -> None:
        self.plans.append(plan)
        super().apply(plan)


def _seller(tmp_path: Path, name: str, sales) -> Path:  # type: ignore[no-untyped-def]
    return X.write_csv(tmp_path / name, *X.seller_table(sales, "US"))


def test_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    sales = X.make_sales(50, seed=9)
    path = _seller(tmp_path, "orders.csv", sales)
    wb = RecordingWorkbook(empty_workbook(date_order="MDY").tabs)
    first = import_files(wb, [path])
    before = [list(r) for r in wb.tabs["Orders"]]
    second = import_files(wb, [path])
    assert (first.added, second.added, second.updated, second.unchanged) == (50, 0, 0, 50)
    assert len(wb.plans) == 1, "the second import writes nothing at all"
    assert wb.tabs["Orders"] == before
    both = import_files(wb, [path, path])  # the same file twice in one call
    assert (both.added, both.updated, both.unchanged) == (0, 0, 100)


def test_only_changed_cells_are_written_and_people_columns_are_kept(tmp_path: Path) -> None:
    sale = replace(X.make_sales(1, seed=3)[0], tiktok_status="Pending", orders_status="Pending", settled=None,
                   act_base_cents=None, std_cents=(375, None), ads_cents=(0, None), bonus_cents=(0, None))
    # Orders typed by people: other column order, other header case, extra columns, @handle.
    orders = [
        ["Notes", "creator", "ORDER ID", "Campaign", "Status", "sku id", "GMV", "Order date", "Owner"],
        ["VIP buyer", "@GlowWithMia", sale.order_id, "FALL26", "Pending", sale.sku_id,
         X.money_us(sale.gmv_cents), sale.ordered, "ana"],
        ["", "dadjokesdan", "576000000000000001", "", "Settled", "1", 10.0, dt.datetime(2026, 11, 1), "bo"],
    ]
    wb = RecordingWorkbook(empty_workbook(orders=orders, date_order="MDY").tabs)
    sale = replace(sale, creator="glowwithmia")
    first = import_files(wb, [_seller(tmp_path, "a.csv", [sale])])
    assert (first.added, first.updated) == (0, 1)  # new columns filled in for the existing line
    edit: TabEdit = wb.plans[-1].edits[0]
    written_cols = {c for (_r, c) in edit.set_cells}
    assert {0, 1, 2, 3, 4, 5, 6, 7, 8}.isdisjoint(written_cols), "no existing column held a different value"
    assert "Product" in edit.add_headers.values() and "Notes" not in edit.add_headers.values()

    settled = X.settle(sale, dt.datetime(2026, 11, 24, 10, 0))
    second = import_files(wb, [_seller(tmp_path, "b.csv", [settled])])
    assert (second.added, second.updated) == (0, 1)
    edit = wb.plans[-1].edits[0]
    changed = {wb.tabs["Orders"][0][c] for (_r, c) in edit.set_cells}
    assert changed <= {"Status", "Settled date", "Commission base", "TikTok commission"}
    assert {"Status", "Settled date", "Commission base"} <= changed
    row = wb.tabs["Orders"][1]
    assert (row[0], row[1], row[3], row[8]) == ("VIP buyer", "@GlowWithMia", "FALL26", "ana")
    assert wb.tabs["Orders"][2][:3] == ["", "dadjokesdan", "576000000000000001"]
    got = orders_by_key(wb)[(sale.order_id, sale.sku_id)]
    assert got["Status"] == "Settled" and got["Settled date"] == dt.datetime(2026, 11, 24, 10, 0)


def test_later_files_win_and_dry_run_writes_nothing(tmp_path: Path) -> None:
    sales = X.make_sales(10, seed=12)
    early = _seller(tmp_path, "mon.csv", sales)
    refunded = [X.refund(s) if i < 3 else s for i, s in enumerate(sales)]
    late = _seller(tmp_path, "thu.csv", refunded)
    wb = RecordingWorkbook(empty_workbook(date_order="MDY").tabs)
    dry = import_files(wb, [early, late], dry_run=True)
    assert wb.plans == [] and orders_rows(wb) == []
    real = import_files(wb, [early, late])
    assert [(f.added, f.updated, f.unchanged) for f in dry.files] == [(f.added, f.updated, f.unchanged) for f in real.files]
    changed = sum(1 for a, b in zip(sales[:3], refunded[:3]) if X.expected(a) != X.expected(b))
    assert [(f.added, f.updated, f.unchanged) for f in real.files] == [(10, 0, 0), (0, changed, 10 - changed)]
    got = orders_by_key(wb)
    for sale in refunded:
        assert got[(sale.order_id, sale.sku_id)]["Status"] == sale.orders_status
    # The reverse order gives the early file the last word.
    wb2 = MemoryWorkbook(empty_workbook(date_order="MDY").tabs)
    import_files(wb2, [late, early])
    for sale in sales:
        assert orders_by_key(wb2)[(sale.order_id, sale.sku_id)]["Status"] == sale.orders_status


def test_twice_a_week_exports_overlapping_in_dates(tmp_path: Path) -> None:
    """A manager exports every Monday and Thursday (each export covers the last 14 days)
    and imports every file; TikTok settles and refunds lines days after the sale."""
    sales = [replace(s, tiktok_status="Pending", orders_status="Pending", settled=None, act_base_cents=None,
                     items_refunded=0, std_cents=(s.std_cents[0], None), ads_cents=(s.ads_cents[0], None),
                     bonus_cents=(s.bonus_cents[0], None))
             for s in X.make_sales(120, seed=42, start=dt.datetime(2026, 10, 1))]
    fate = {s.order_id: ("settle" if i % 3 else "refund") for i, s in enumerate(sales)}
    wb = MemoryWorkbook(empty_workbook(date_order="MDY").tabs)
    day = dt.datetime(2026, 10, 5)
    total_updates = 0
    while day <= dt.datetime(2026, 11, 30):
        window = []
        for s in sales:
            if not (day - dt.timedelta(days=14) <= s.ordered < day):
                continue
            if day - s.ordered >= dt.timedelta(days=7):  # TikTok decides a week later
                s = X.settle(s, s.ordered + dt.timedelta(days=7)) if fate[s.order_id] == "settle" else X.refund(s)
            window.append(s)
        if window:
            result = import_files(wb, [_seller(tmp_path, f"{day:%Y%m%d}.csv", window)])
            assert result.rejected == 0
            total_updates += result.updated
        day += dt.timedelta(days=3 if day.weekday() == 0 else 4)
    got = orders_by_key(wb)  # raises on any duplicate line
    assert len(got) == len(sales) == len(orders_rows(wb))
    for s in sales:
        final = X.settle(s, s.ordered + dt.timedelta(days=7)) if fate[s.order_id] == "settle" else X.refund(s)
        row = got[(s.order_id, s.sku_id)]
        assert {k: row[k] for k in X.expected(final)} == X.expected(final)
    assert total_updates >= len(sales), "every line was first seen Pending, then settled or refunded"


def test_added_headers_go_after_existing_ones(tmp_path: Path) -> None:
    wb = empty_workbook(orders=[["Order ID", "Notes"]], date_order="MDY")
    import_files(wb, [_seller(tmp_path, "a.csv", X.make_sales(2, seed=1))])
    header = wb.tabs["Orders"][0]
    assert header[:2] == ["Order ID", "Notes"] and column(wb, "Campaign") == len(header) - 1
    assert all(r[1] is None for r in wb.tabs["Orders"][1:]), "people's column left blank on new lines"


def test_cells_that_look_alike_but_are_not_the_same_value_are_compared_each_as_it_is(tmp_path: Path) -> None:
    """Reading an Orders cell is remembered per value (prices and statuses repeat); True, 1
    and 1.0 are equal in Python but read differently (True is no quantity)."""
    sales = X.make_sales(3, seed=4)
    sales = [replace(s, quantity=1) for s in sales]
    path = _seller(tmp_path, "orders.csv", sales)
    wb = RecordingWorkbook(empty_workbook(date_order="MDY").tabs)
    import_files(wb, [path])
    at = column(wb, "Quantity")
    grid = wb.tabs["Orders"]
    grid[1][at], grid[2][at], grid[3][at] = True, 1, 1.0
    again = import_files(wb, [path])
    assert (again.updated, again.unchanged) == (1, 2)
    assert wb.plans[-1].edits[0].set_cells == {(1, at): 1}
