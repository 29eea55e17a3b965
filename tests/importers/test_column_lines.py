"""An import read column-wise gives exactly what the row-by-row import gives.

Random exports in the three layouts, with the values that go wrong in real files (blank
markers, decimal commas, three decimals, dates in every shape and out of range, unknown
statuses, partly refunded lines, prose in the Order ID) are imported both ways; the counts,
every Issue and every Orders cell must agree.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetops.errors import ImportFileError
from sheetops.importers import import_files
from sheetops.importers import scan as scan_module
from sheetops.importers.column_lines import datetimes
from sheetops.importers.scan import scan_file
from sheetops.importers.sources import ExportSource
from sheetops.importers.values import read_datetime

from . import exports as X
from .helpers import empty_workbook

IDS = ["576001", "  576002 ", "576003", "5760é3", "", "--", "Order number of the sale", "n/a"]
SKUS = ["1729001", "", "1729002", " 1729003"]
TEXTS = ["Glow Serum", "", "Crème 30ml", "  padded  ", "N/A", "1729384756102938"]
CREATORS = ["glowwithmia", "@GlowWithMia", "dadjokesdan", "zoë", "", "--"]
MONEY = ["$12.50", "12.50", "$1,234.50", "", "-5.00", "(3.00)", "0", "$ 9.99", "12.5 USD", "£7",
         "1.234,50", "BRL 35,91", "12,5", "Rp 150.000", "--", "abc", "12.345", "1e5", "99999999999"]
DATES = ["01/02/2026 1:02:03 PM", "12/31/2026 12:00:00 AM", "2026-01-05", "2026-01-05 10:22:31", "",
         "12/12/2026 0:00 AM", "2026-01-05T10:00:00Z", "2026-01-05 10:00:00+07:00", "13/01/2026", "01/13/2026 9:15", "31/02/2026",
         "1899-12-31", "2262-01-01", "2026-01-05 25:00", "2026-02-29", "2024-02-29 23:59:59",
         "--", " 2026-03-04 ", "2026-01-05 10:00:00.750", "05.01.2026", "2026/1/5 7:05 pm", "not a date",
         "١٢/٠١/٢٠٢٦", "00/00/2026", "12/12/2026 13:00 PM"]
STATUSES = ["Settled", "pending", "Completed", "Refunded", "canceled", "Unpaid", "Delivered",
            "To be settled", "  not   settled ", "xyz", ""]
QUANTITIES = ["1", "2", "3", "0", "", "1.0", "-1", "2.5", "abc"]
YES_NO = ["No", "Yes", "", "TRUE", "0", "maybe"]
RATES = ["15%", "0.15", "", "12,5%", "15", "150%", "abc", "-1%"]
CONTENT = ["Video", "LIVE", "showcase", "Other thing", ""]
CURRENCIES = ["USD", "", "brl", "--"]


GOOD = {id(IDS): 3, id(SKUS): 3, id(TEXTS): 4, id(CREATORS): 4, id(MONEY): 10, id(DATES): 6, id(STATUSES): 5,
        id(QUANTITIES): 5, id(YES_NO): 2, id(RATES): 3, id(CONTENT): 4, id(CURRENCIES): 3}
"""How many values at the head of each pool are ones a line can be imported with: most cells
are drawn from these, so that most rows are lines and each odd value meets good neighbours."""


def _pick(draw: st.DrawFn, pool: list[str]) -> str:
    good = GOOD.get(id(pool), len(pool))
    return draw(st.sampled_from(pool[:good]) if draw(st.integers(0, 9)) < 8 else st.sampled_from(pool))


@st.composite
def exports(draw: st.DrawFn) -> tuple[list[str], list[list[str]], str, str | None]:
    """(headers, rows, date order setting, creator argument) of a random export."""
    layout = draw(st.sampled_from(["seller", "creator", "partner"]))
    headers = {"seller": X.SELLER_US, "creator": X.CREATOR_COLUMNS, "partner": X.PARTNER_COLUMNS}[layout]
    pools: dict[str, list[str]] = {
        "order id": IDS, "sku id": SKUS, "product id": TEXTS, "product name": TEXTS, "creator username": CREATORS,
        "currency": CURRENCIES, "quantity": QUANTITIES, "items sold": QUANTITIES, "items refunded": QUANTITIES,
        "fully returned or refunded": YES_NO, "order status": STATUSES, "order settlement status": STATUSES,
        "content type": CONTENT, "content id": TEXTS, "standard commission rate": RATES, "commission rate": RATES,
    }
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        row = []
        for header in headers:
            key = " ".join(header.casefold().replace(".", " ").replace("-", " ").split())
            if key in pools:
                pool = pools[key]
            elif "time" in key or "date" in key:
                pool = DATES
            elif "commission" in key or "bonus" in key or "amount" in key or key in ("gmv", "price", "commission gmv"):
                pool = MONEY
            else:
                pool = ["x", ""]
            row.append(_pick(draw, pool))
        rows.append(row)
    order = draw(st.sampled_from(["", "DMY", "MDY"]))
    creator = "glowwithmia" if layout == "creator" or draw(st.booleans()) else None
    return list(headers), rows, order, creator


def _import(path: Path, order: str, creator: str | None, column_wise: bool) -> tuple[Any, Any]:
    scan_module.COLUMN_WISE = column_wise
    try:
        workbook = empty_workbook(date_order=order)
        try:
            result = import_files(workbook, [path], creator=creator)
        except Exception as exc:  # an ImportFileError must be the same both ways too
            return type(exc).__name__, str(exc)
        return ([(f.rows_read, f.added, f.updated, f.unchanged, f.rejected, f.skipped) for f in result.files],
                result.issues, result.unknown_creators, result.headers_added), workbook.read(["Orders"])["Orders"]
    finally:
        scan_module.COLUMN_WISE = True


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(export=exports(), description=st.booleans(), blank_row=st.booleans())
def test_column_wise_import_equals_row_by_row(tmp_path: Path, export: tuple[Any, ...], description: bool,
                                              blank_row: bool) -> None:
    headers, rows, order, creator = export
    if blank_row:
        rows = [*rows[:1], ["--"] + [""] * (len(headers) - 1), *rows[1:]]
    path = X.write_csv(tmp_path / "export.csv", headers, rows,
                       descriptions=X.descriptions_for(headers) if description else None)
    try:
        plan = scan_file(ExportSource(path), tz=dt.timezone.utc, date_order=order or None, creator=creator)  # type: ignore[arg-type]
    except ImportFileError:
        pass  # the whole file is refused (dates that cannot tell day from month): compared below
    else:
        assert plan.delimiter == ",", "the column-wise read must take a plain export"
    assert _import(path, order, creator, True) == _import(path, order, creator, False)


def test_a_realistic_export_is_read_column_wise_and_equally(tmp_path: Path) -> None:
    sales = X.make_sales(300, seed=5)
    for table in (lambda s: X.seller_table(s, "US"), lambda s: X.seller_table(s, "BR"), X.partner_table):
        headers, rows = table(sales)
        path = X.write_csv(tmp_path / "export.csv", headers, rows)
        fast, slow = _import(path, "", None, True), _import(path, "", None, False)
        assert fast == slow
        assert fast[0][0][0][1] > 250  # lines were really added, not all rejected


def _pool(header: str) -> list[str]:
    key = " ".join(header.casefold().replace(".", " ").replace("-", " ").split())
    named = {"order id": IDS, "sku id": SKUS, "product id": TEXTS, "product name": TEXTS,
             "creator username": CREATORS, "currency": CURRENCIES, "quantity": QUANTITIES, "items sold": QUANTITIES,
             "items refunded": QUANTITIES, "fully returned or refunded": YES_NO, "order status": STATUSES,
             "order settlement status": STATUSES, "content type": CONTENT, "content id": TEXTS,
             "standard commission rate": RATES, "commission rate": RATES}
    if key in named:
        return named[key]
    if "time" in key or "date" in key:
        return DATES
    return MONEY


@pytest.mark.parametrize("layout", ["seller", "creator", "partner"])
def test_every_odd_value_in_every_column_is_judged_alike(tmp_path: Path, layout: str) -> None:
    """Good lines (settled and not, refunded in part and in full), each with one cell replaced
    by each value of its column's pool: a row per (line, column, value)."""
    sales = [X.settle(s, s.ordered + dt.timedelta(days=9)) if i % 2 else s
             for i, s in enumerate(X.make_sales(6, seed=11))]
    sales[4] = X.refund(sales[4])
    headers, good = {"seller": lambda: X.seller_table(sales, "US"), "creator": lambda: X.creator_table(sales),
                     "partner": lambda: X.partner_table(sales)}[layout]()
    if layout != "seller":
        good[2][headers.index("Items refunded")] = "1"  # a part of a line's items
        good[2][headers.index("Items sold")] = "3"
    rows = [list(r) for r in good]
    for base in good:
        for j, header in enumerate(headers):
            for raw in _pool(header):
                row = list(base)
                row[j] = raw
                rows.append(row)
    path = X.write_csv(tmp_path / "export.csv", headers, rows)
    fast, slow = _import(path, "MDY", "glowwithmia", True), _import(path, "MDY", "glowwithmia", False)
    assert fast == slow
    counts = fast[0][0][0]
    assert counts[0] == len(rows) and 0 < counts[4] < counts[0]  # both lines and rejections were made



@pytest.mark.parametrize("order", [None, "DMY", "MDY"])
def test_dates_read_by_arrow_equal_read_datetime(order: str | None) -> None:
    import pyarrow as pa

    tz = dt.timezone(dt.timedelta(hours=7))
    column = pa.array(DATES + ["01/01/1900 0:00", "12/31/2261 11:59:59 PM", "2026-12-31 23:59:59"])
    got = datetimes(column, tz=tz, order=order)
    for i, raw in enumerate(column.to_pylist()):
        expected = read_datetime(raw, tz=tz, order=order)  # type: ignore[arg-type]
        assert (got.values[i], bool(got.wrong[i])) == (expected.value, expected.error is not None), raw
