"""Table-driven tests of the importer's cell parsers and layout detection."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetops.importers import import_files, layouts
from sheetops.importers.values import (
    DateEvidence,
    content_type_for,
    currency_code,
    decimal_evidence,
    read_money,
    read_rate,
    read_yes_no,
    status_for,
)

from . import exports as X
from .helpers import empty_workbook


@pytest.mark.parametrize("text,style,cents", [
    ("$12.50", "dot", 1250), ("USD 1,234.56", "dot", 123456), ("-$5", "dot", -500),
    ("BRL 35,91", "comma", 3591), ("R$ 1.234,56", "comma", 123456), ("35,91 BRL", "comma", 3591),
    ("Rp 150.000", "comma", 15000000), ("£0.00", "dot", 0), ("(12.00)", "dot", -1200),
    (12.5, "dot", 1250), (0, "comma", 0), ("--", "dot", None), ("", "comma", None),
])
def test_read_money(text: object, style: str, cents: int | None) -> None:
    parsed = read_money(text, style)  # type: ignore[arg-type]
    assert parsed.error is None and parsed.value == cents


@pytest.mark.parametrize("text,style", [("$12.5O", "dot"), ("BRL 35,91", "dot"), ("1,234.56", "comma")])
def test_read_money_refuses(text: str, style: str) -> None:
    assert read_money(text, style).error  # type: ignore[arg-type]


@pytest.mark.parametrize("text,evidence", [
    ("BRL 35,91", "comma"), ("1.234,5", "comma"), ("Rp 150.000", "comma"), ("1.234.567", "comma"),
    ("$12.50", "dot"), ("1,234", "dot"), ("1,234.5", "dot"), ("35", None), ("--", None), (12.5, None),
])
def test_decimal_evidence(text: object, evidence: str | None) -> None:
    assert decimal_evidence(text) == evidence  # type: ignore[arg-type]


@given(st.integers(min_value=-10**9, max_value=10**9))
def test_money_written_either_way_reads_back_exactly(cents: int) -> None:
    assert read_money(X.money_us(cents), "dot").value == cents
    assert read_money(X.money_comma(cents), "comma").value == cents


@pytest.mark.parametrize("text,millionths", [("15%", 150_000), ("12,5%", 125_000), (0.2, 200_000), ("0%", 0)])
def test_read_rate(text: object, millionths: int) -> None:
    assert read_rate(text).value == millionths  # type: ignore[arg-type]


def test_currency_codes() -> None:
    assert [currency_code(t) for t in ("BRL 35,91", "R$ 3,00", "£4.00", "$1.00", 12.0)] == ["BRL", "BRL", "GBP", None, None]


@pytest.mark.parametrize("word,paid,status", [
    ("Settled", True, "Settled"), ("Pending", False, "Pending"), ("Not settled", False, "Pending"),
    ("Ineligible", False, "Ineligible"), ("Canceled", False, "Ineligible"), ("Refunded", False, "Refunded"),
    ("Frozen", False, "Frozen"), ("Unpaid by customer", False, "Unpaid"),
    ("Completed", True, "Settled"), ("Completed", False, "Pending"), ("Shipped", False, "Pending"),
    ("  completed ", True, "Settled"),
])
def test_status_words(word: str, paid: bool, status: str) -> None:
    assert status_for(word, commission_paid=paid).value == status


def test_unknown_and_blank_status_are_errors_never_guesses() -> None:
    assert status_for("Awaiting review", commission_paid=True).error
    assert status_for("", commission_paid=False).error


def test_yes_no_and_content_types() -> None:
    assert [read_yes_no(v).value for v in ("Yes", "no", "", True, "Y")] == [True, False, False, True, True]
    assert [content_type_for(v) for v in ("Video", "live", "Product card", "Carousel", "")] == [
        "Video", "LIVE", "Showcase", "Other", None]


def test_date_evidence_decides_per_file() -> None:
    ev = DateEvidence()
    for text in ("03/04/2026 10:00:00", "2026/11/09", "25/03/2026 08:00:00", "05/06/2026"):
        ev.add(text)
    assert (ev.decide(), ev.ambiguous) == ("DMY", 2)
    us = DateEvidence()
    for text in ("11/13/2026 2:03:00 PM", "11/01/2026 9:00:00 AM"):
        us.add(text)
    assert us.decide() == "MDY"
    unclear = DateEvidence()
    unclear.add("03/04/2026")
    assert unclear.decide() is None and unclear.undecided


@pytest.mark.parametrize("raw,key", [(" Est. Commission  Base", "est commission base"),
                                     ("\ufeffOrder ID", "order id"), ("Creation Date/Time", "creation date time")])
def test_header_key(raw: str, key: str) -> None:
    assert layouts.header_key(raw) == key


@pytest.mark.parametrize("table,name", [
    (lambda s: X.seller_table(s, "US"), "seller"), (lambda s: X.seller_table(s, "ID"), "seller"),
    (X.creator_table, "creator"), (X.partner_table, "partner"),
])
def test_layout_detection(table, name: str) -> None:  # type: ignore[no-untyped-def]
    headers, _rows = table(X.make_sales(1))
    found, _closest = layouts.detect(X.messy(headers))
    assert found is not None and found.layout.name == name


def test_progress_reports_rows_done_and_total(tmp_path: Path) -> None:
    path = X.write_csv(tmp_path / "a.csv", *X.seller_table(X.make_sales(30, seed=1), "US"))
    seen: list[tuple[int, int | None]] = []
    import_files(empty_workbook(date_order="MDY"), [path, path], progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (60, 60)
    assert all(total == 60 for _d, total in seen)


def test_settled_dates_are_naive_settings_time() -> None:
    from sheetops.importers.values import read_datetime
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Jakarta")
    assert read_datetime("13/11/2026 14:03:00", tz=tz, order="DMY").value == dt.datetime(2026, 11, 13, 14, 3)
    assert read_datetime("2026-11-13T07:03:00Z", tz=tz, order=None).value == dt.datetime(2026, 11, 13, 14, 3)
    assert read_datetime("2026/11/13", tz=tz, order="MDY").value == dt.datetime(2026, 11, 13)


def test_the_scan_reports_progress_at_the_same_rows_whichever_way_it_reads(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from sheetops.importers import csv_table, scan
    from sheetops.importers.sources import ExportSource

    monkeypatch.setattr(scan, "SCAN_PROGRESS_EVERY", 10)
    monkeypatch.setattr(csv_table, "BLOCK_BYTES", 3000)  # batches of a few rows, crossing several tens
    path = X.write_csv(tmp_path / "a.csv", *X.seller_table(X.make_sales(95, seed=2), "US"))
    calls = {}
    for column_wise in (True, False):
        monkeypatch.setattr(scan, "COLUMN_WISE", column_wise)
        seen: list[tuple[int, int | None]] = []
        plan = scan.scan_file(ExportSource(path), tz=dt.timezone.utc, date_order="MDY", creator=None,
                              progress=lambda done, total: seen.append((done, total)))
        assert (plan.delimiter is not None) == column_wise
        calls[column_wise] = seen
    assert calls[True] == calls[False] == [(n, None) for n in range(10, 100, 10)]


def test_scan_progress_never_goes_back_when_the_column_read_gives_up_partway(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from sheetops.importers import csv_table, scan
    from sheetops.importers.sources import ExportSource

    monkeypatch.setattr(scan, "SCAN_PROGRESS_EVERY", 10)
    monkeypatch.setattr(csv_table, "BLOCK_BYTES", 3000)
    headers, rows = X.seller_table(X.make_sales(95, seed=2), "US")
    rows[80] = rows[80][:5]  # a short row far down: the column-wise read gives up there
    path = X.write_csv(tmp_path / "a.csv", headers, rows)
    seen: list[int] = []
    plan = scan.scan_file(ExportSource(path), tz=dt.timezone.utc, date_order="MDY", creator=None,
                          progress=lambda done, total: seen.append(done))
    assert plan.delimiter is None and plan.data_rows == 95  # read row by row in the end
    assert seen == sorted(set(seen)) and seen[-1] == 90
