"""Whole export files, in every layout and with the mess real files carry, imported into
an in-memory workbook and checked line by line against what each sale must become."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from sheetops.importers import import_files

from . import exports as X
from .helpers import empty_workbook, orders_by_key


def _check(workbook, sales, *, expected=X.expected) -> None:
    got = orders_by_key(workbook)
    assert len(got) == len(sales)
    for sale in sales:
        row = got[(sale.order_id, sale.sku_id)]
        want = expected(sale)
        assert {k: row.get(k) for k in want} == want, sale.order_id


@pytest.mark.parametrize("region", ["US", "UK", "ID", "BR"])
def test_seller_export_of_each_region(tmp_path: Path, region: str) -> None:
    whole = region == "ID"
    currency = {"US": "USD", "UK": "GBP", "ID": "IDR", "BR": "BRL"}[region]
    sales = X.make_sales(60, seed=11, currency=currency, whole_units=whole)
    headers, rows = X.seller_table(sales, region)
    path = X.write_csv(tmp_path / f"affiliate_orders_{region}.csv", headers, rows)
    wb = empty_workbook()
    result = import_files(wb, [path])
    assert (result.added, result.rejected, result.issues) == (60, 0, [])
    _check(wb, sales)


def test_seller_xlsx_with_title_rows_description_row_messy_shuffled_headers(tmp_path: Path) -> None:
    sales = X.make_sales(40, seed=5)
    headers, rows = X.shuffled(*X.seller_table(sales, "US"))
    path = X.write_xlsx(
        tmp_path / "Affiliate_Orders_20261116.xlsx", X.messy(headers), rows,
        title_rows=[["Affiliate orders report"], ["Exported 2026-11-16 09:12 (UTC-8)"], []],
        descriptions=X.descriptions_for(headers),
    )
    wb = empty_workbook()
    result = import_files(wb, [path])
    assert (result.added, result.rejected) == (40, 0)
    assert result.files[0].skipped == 1  # the description row
    _check(wb, sales)


@pytest.mark.parametrize("bom,delimiter", [(True, ","), (False, ";"), (True, "\t")])
def test_csv_encodings_and_separators(tmp_path: Path, bom: bool, delimiter: str) -> None:
    sales = X.make_sales(25, seed=8, currency="BRL")
    headers, rows = X.seller_table(sales, "BR")
    path = X.write_csv(tmp_path / "pedidos.csv", headers, rows, bom=bom, delimiter=delimiter,
                       title_rows=[["Pedidos de afiliados"], [""]], descriptions=X.descriptions_for(headers))
    wb = empty_workbook()
    result = import_files(wb, [path])
    assert (result.added, result.rejected, result.files[0].skipped) == (25, 0, 1)  # the description row; title rows sit above the header
    _check(wb, sales)


def test_creator_export_needs_and_uses_the_creator_handle(tmp_path: Path) -> None:
    sales = X.make_sales(30, seed=21)
    path = X.write_csv(tmp_path / "creator_orders.csv", *X.creator_table(sales), bom=True)
    wb = empty_workbook()
    from sheetops.errors import ImportFileError

    with pytest.raises(ImportFileError, match="--creator"):
        import_files(wb, [path])
    result = import_files(wb, [path], creator="@glowwithmia")
    assert (result.added, result.rejected) == (30, 0)
    _check(wb, sales, expected=lambda s: X.expected(s, creator="@glowwithmia", currency=False))


def test_partner_export(tmp_path: Path) -> None:
    sales = X.make_sales(30, seed=33)
    path = X.write_xlsx(tmp_path / "partner_orders.xlsx", *X.partner_table(sales))
    wb = empty_workbook()
    result = import_files(wb, [path])
    assert result.files[0].layout.startswith("affiliate partner")
    assert (result.added, result.rejected) == (30, 0)
    _check(wb, sales, expected=X.partner_expected)


def test_partly_refunded_creator_line_refunds_its_share_of_gmv(tmp_path: Path) -> None:
    sale = X.make_sales(1, seed=1)[0]
    sale = replace(sale, quantity=3, gmv_cents=10000, items_refunded=1, tiktok_status="Pending",
                     orders_status="Pending", settled=None, act_base_cents=None)
    path = X.write_csv(tmp_path / "c.csv", *X.creator_table([sale]))
    wb = empty_workbook()
    import_files(wb, [path], creator="mia")
    row = orders_by_key(wb)[(sale.order_id, sale.sku_id)]
    assert (row["Refund"], row["Status"], row["GMV"]) == (3333, "Pending", 10000)


def test_text_ids_stay_text_and_free_samples_import(tmp_path: Path) -> None:
    base = X.make_sales(3, seed=2)
    sales = [replace(base[0], order_id="=1+1"), replace(base[1], order_id="+447700900123"),
             replace(base[2], gmv_cents=0, est_base_cents=0, act_base_cents=0 if base[2].act_base_cents is not None else None,
                       std_cents=(0, 0 if base[2].std_cents[1] is not None else None))]
    path = X.write_csv(tmp_path / "odd.csv", *X.seller_table(sales, "US"))
    wb = empty_workbook()
    result = import_files(wb, [path])
    assert result.added == 3
    grid = wb.tabs["Orders"]
    ids = [r[0] for r in grid[1:]]
    assert ids == ["=1+1", "+447700900123", sales[2].order_id]
    assert all(isinstance(i, str) for i in ids)
    _check(wb, sales)


def test_dates_are_read_in_the_settings_time_zone(tmp_path: Path) -> None:
    sale = X.make_sales(1, seed=4)[0]
    headers, rows = X.seller_table([sale], "US")
    rows[0][headers.index("Time Created")] = "2026-11-13T22:03:00Z"  # an explicit zone converts
    path = X.write_csv(tmp_path / "tz.csv", headers, rows)
    wb = empty_workbook(timezone="America/New_York")
    import_files(wb, [path])
    row = orders_by_key(wb)[(sale.order_id, sale.sku_id)]
    assert row["Order date"] == dt.datetime(2026, 11, 13, 17, 3)
    if sale.settled:  # a naive date is taken as Settings time, unchanged
        assert row["Settled date"] == sale.settled
