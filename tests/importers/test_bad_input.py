"""Files that are not exports, rows that cannot be read, dates that cannot be decided."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from sheetops.errors import ImportFileError
from sheetops.importers import import_files

from . import exports as X
from .helpers import empty_workbook, orders_by_key


def test_every_row_read_is_accounted_for_and_bad_rows_name_their_line(tmp_path: Path) -> None:
    sales = X.make_sales(12, seed=14)
    headers, rows = X.seller_table(sales, "US")
    at = headers.index
    rows[2][at("Payment Amount")] = "$12.5O"            # a letter O
    rows[4][at("Order Status")] = "Awaiting review"      # a word nobody knows
    rows[5][at("Time Created")] = "13/13/2026 10:00:00 AM"
    rows[7][at("Order ID")] = ""
    rows[8][at("Fully returned or refunded")] = "Partly"
    blank = [""] * len(headers)
    rows = rows[:6] + [blank] + rows[6:] + [blank]
    path = X.write_csv(tmp_path / "orders.csv", headers, rows, title_rows=[["Affiliate orders"]],
                       descriptions=X.descriptions_for(headers))
    wb = empty_workbook(date_order="MDY")
    result = import_files(wb, [path])
    f = result.files[0]
    assert f.rows_read == 12 + 2 + 1 == f.accounted
    assert (f.added, f.rejected, f.skipped) == (7, 5, 3)
    # line 1 title, 2 header, 3 descriptions, 4.. data; the blank row sits after the 6th sale
    by_line = {(i.line, i.column): i.problem for i in result.issues}
    assert by_line[(6, "Payment Amount")] == "$12.5O is not an amount"
    assert by_line[(8, "Order Status")] == "Awaiting review is not a status SheetOps knows"
    assert (9, "Time Created") in by_line
    assert by_line[(12, "Order ID")] == "the Order ID is blank"
    assert by_line[(13, "Fully returned or refunded")] == "Partly is neither Yes nor No"
    assert result.exit_code == 1
    summary = result.summary_lines()
    assert summary[0].startswith("orders.csv (Seller Center affiliate orders export): 15 rows read: 7 added")
    assert any("orders.csv line 6 (Payment Amount)" in line for line in summary)
    good = [s for i, s in enumerate(sales) if i not in (2, 4, 5, 7, 8)]
    assert set(orders_by_key(wb)) == {(s.order_id, s.sku_id) for s in good}


def test_a_file_that_is_not_an_export_says_what_is_missing(tmp_path: Path) -> None:
    headers, rows = X.seller_table(X.make_sales(3), "US")
    drop = {headers.index("Payment Amount"), headers.index("Creator Username")}
    path = X.write_csv(tmp_path / "cut.csv", [h for i, h in enumerate(headers) if i not in drop],
                       [[c for i, c in enumerate(r) if i not in drop] for r in rows])
    with pytest.raises(ImportFileError) as caught:
        import_files(empty_workbook(), [path])
    message = str(caught.value)
    assert "cut.csv" in message and "Payment Amount" in message and "Creator Username" in message
    assert message.count(".") <= 2 and "\n" not in message  # one plain sentence

    other = X.write_csv(tmp_path / "payouts.csv", ["Statement date", "Amount"], [["2026-11-02", "10.00"]])
    with pytest.raises(ImportFileError, match="payouts.csv is not a TikTok Shop affiliate orders export"):
        import_files(empty_workbook(), [other])


def test_nothing_is_written_when_one_file_cannot_be_read(tmp_path: Path) -> None:
    good = X.write_csv(tmp_path / "good.csv", *X.seller_table(X.make_sales(5, seed=2), "UK"))
    wb = empty_workbook()
    with pytest.raises(ImportFileError, match="no file"):
        import_files(wb, [good, tmp_path / "missing.csv"])
    assert orders_by_key(wb) == {}
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("Order ID,Product Name\n1,Crème\n".encode("latin-1"))
    with pytest.raises(ImportFileError, match="UTF-8"):
        import_files(wb, [latin])


def test_ambiguous_dates_are_read_as_the_export_currency_writes_them(tmp_path: Path) -> None:
    """04/03/2026 in a file of £ amounts is 4 March (UK exports write day first), with an Info
    line saying what was assumed; a Settings Date order still decides (issue #15)."""
    sale = X.make_sales(1, seed=5, start=dt.datetime(2026, 3, 4, 10, 0))[0]
    sale = replace(sale, ordered=dt.datetime(2026, 3, 4, 10, 0), settled=None, tiktok_status="Pending",
                     orders_status="Pending", act_base_cents=None)
    headers, rows = X.seller_table([sale], "UK")  # 04/03/2026: 4 March or 3 April?
    path = X.write_csv(tmp_path / "uk.csv", headers, rows)
    wb = empty_workbook()
    result = import_files(wb, [path])
    assert orders_by_key(wb)[(sale.order_id, sale.sku_id)]["Order date"] == dt.datetime(2026, 3, 4, 10, 0)
    (note,) = [i for i in result.issues if i.severity == "Info"]
    assert "day first" in note.problem and "GBP" in note.problem and "Date order" in note.problem
    wb = empty_workbook(date_order="MDY")  # the person's setting wins
    import_files(wb, [path])
    assert orders_by_key(wb)[(sale.order_id, sale.sku_id)]["Order date"] == dt.datetime(2026, 4, 3, 10, 0)


def test_ambiguous_dates_with_no_currency_anywhere_need_the_date_order_setting(tmp_path: Path) -> None:
    sale = X.make_sales(1, seed=5, start=dt.datetime(2026, 3, 4, 10, 0))[0]
    sale = replace(sale, ordered=dt.datetime(2026, 3, 4, 10, 0), settled=None, tiktok_status="Pending",
                     orders_status="Pending", act_base_cents=None)
    headers, rows = X.seller_table([sale], "UK")
    money = {i for i, h in enumerate(headers) if any(w in h for w in ("Price", "Amount", "Base", "Payment", "bonus"))}
    at = headers.index("Currency")
    rows = [[("" if i == at else v.lstrip("£") if i in money else v) for i, v in enumerate(r)] for r in rows]
    path = X.write_csv(tmp_path / "plain.csv", headers, rows)
    wb = empty_workbook()
    wb.tabs["Settings"] = [r for r in wb.tabs["Settings"] if r[0] != "Currency"]
    with pytest.raises(ImportFileError) as caught:
        import_files(wb, [path])
    assert "set Date order to DMY" in str(caught.value) and "Settings" in str(caught.value)


def test_day_month_order_is_decided_per_file_not_per_row(tmp_path: Path) -> None:
    """One row (25/03) proves the file is day-first, so 04/03 is 4 March, whatever Settings say."""
    a, b = X.make_sales(2, seed=6)
    a = replace(a, ordered=dt.datetime(2026, 3, 25, 9, 0), settled=None, tiktok_status="Pending",
                  orders_status="Pending", act_base_cents=None)
    b = replace(b, ordered=dt.datetime(2026, 3, 4, 9, 0), settled=None, tiktok_status="Pending",
                  orders_status="Pending", act_base_cents=None)
    path = X.write_csv(tmp_path / "uk.csv", *X.seller_table([a, b], "UK"))
    wb = empty_workbook(date_order="MDY")
    import_files(wb, [path])
    assert orders_by_key(wb)[(b.order_id, b.sku_id)]["Order date"] == dt.datetime(2026, 3, 4, 9, 0)


def test_xlsx_order_ids_stored_as_numbers_are_refused_not_mangled(tmp_path: Path) -> None:
    sale = X.make_sales(1, seed=8)[0]
    headers, rows = X.seller_table([sale], "US")
    rows[0][0] = float(sale.order_id)  # what Excel does to a long number typed in a cell
    rows[0][headers.index("Time Created")] = dt.datetime(2026, 11, 13, 14, 0)  # a real date cell
    path = X.write_xlsx(tmp_path / "numbers.xlsx", headers, rows)
    result = import_files(empty_workbook(), [path])
    assert result.rejected == 1 and "lost its last digits" in result.issues[0].problem


def test_settled_without_paid_time_imports_with_a_warning(tmp_path: Path) -> None:
    sale = X.make_sales(1, seed=3)[0]
    sale = replace(sale, tiktok_status="Settled", orders_status="Settled", settled=None,
                   act_base_cents=sale.est_base_cents)
    path = X.write_csv(tmp_path / "s.csv", *X.seller_table([sale], "US"))
    result = import_files(empty_workbook(date_order="MDY"), [path])
    assert result.added == 1 and result.exit_code == 0
    assert [(i.severity, i.line) for i in result.issues] == [("Warning", 2)]
