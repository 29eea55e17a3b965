"""The column-wise read of an ``.xlsx`` tab (fastexcel into Arrow) gives exactly what the
row-wise read (calamine, one Python value per cell) gives: the same cells, and the same
typed tables and Issues once checked. Whatever the column-wise read does not take, it hands
to the row-wise read, so the two can never disagree; these tests hold it to that."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetops.backends.column_grid import ColumnGrid
from sheetops.backends.xlsx import XlsxWorkbook
from sheetops.backends.xlsx_book import Book
from sheetops.backends.xlsx_package import Package
from sheetops.backends.xlsx_read import read_grids
from sheetops.workbook import schema
from sheetops.workbook.issues import IssueLog
from sheetops.workbook.settings import read_settings
from sheetops.workbook.tables import read_table

from .xlsx_fixtures import convert

FLOATS = st.one_of(
    st.integers(-10**6, 10**6).map(float),
    st.decimals(-10**6, 10**6, places=2, allow_nan=False, allow_infinity=False).map(float),
    st.floats(-1e20, 1e20, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1, 1e-7, 5e-324, 1.5e300, -0.0, 12345678901234567.0]),
)
TEXTS = st.one_of(
    st.sampled_from(["12.50", "12O.00", "N/A", "  ", "1e3", "true", "2026-11-09", "0012", "@ana", "Ana", "-5",
                     "2026-01-02 03:04:05", "inf", "1,234.50", "$9.99", "12%", "ß", "x_1"]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=8),
)
DATES = st.one_of(
    st.dates(dt.date(1900, 3, 1), dt.date(2300, 12, 31)),
    st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2030, 12, 31)).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2300, 12, 31)).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)),
    st.sampled_from([dt.time(3, 4, 5), dt.datetime(1900, 1, 5, 6, 0), dt.date(1899, 12, 31)]),
)
KINDS: dict[str, st.SearchStrategy[Any]] = {
    "number": FLOATS, "text": TEXTS, "date": DATES, "bool": st.booleans(), "error": st.sampled_from(["#N/A", "#REF!", "#DIV/0!"]),
}


@st.composite
def columns(draw: st.DrawFn) -> list[Any]:
    """One column's cells: mostly one kind, sometimes a second or third mixed in, some empty."""
    common = ["number"] * 4 + ["text"] * 4 + ["date"] * 3 + ["error", "bool"]  # true/false: read row-wise
    kinds = draw(st.lists(st.sampled_from(common), min_size=1, max_size=3, unique=True))
    weights = [8] + [1] * (len(kinds) - 1)
    pick = st.sampled_from([k for k, w in zip(kinds, weights) for _ in range(w)])
    return draw(st.lists(st.one_of(st.none(), pick.flatmap(lambda k: KINDS[k])), min_size=0, max_size=12))


def _write(path: Path, header: list[Any], cols: list[list[Any]], start_col: int = 1) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T"
    for j, text in enumerate(header):
        if text is not None:
            ws.cell(row=1, column=start_col + j, value=text)
    for j, col in enumerate(cols):
        for i, value in enumerate(col):
            if value is not None:
                ws.cell(row=2 + i, column=start_col + j, value=value)
    wb.save(path)
    return path


def _both(path: Path) -> tuple[Any, Any]:
    pkg = Package(path)
    try:
        parts = {s.name: s.part for s in Book(pkg).sheets() if s.is_worksheet}
        fast = read_grids(path, pkg.zip, parts, min_bytes=0)
        slow = read_grids(path, pkg.zip, parts, columns=False)
    finally:
        pkg.close()
    return fast, slow


HEADERS = st.lists(st.one_of(st.none(), st.sampled_from(["Order ID", "GMV", "Order date", "Creator", "Quantity", " Status ",
                                                         "Refund", "Currency", "x", "x_1", "Name"])),
                   min_size=1, max_size=6)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=HEADERS, cols=st.lists(columns(), min_size=1, max_size=6), start=st.integers(1, 3))
def test_column_read_gives_the_same_cells_as_the_row_read(tmp_path: Path, header: list[Any], cols: list[list[Any]],
                                                          start: int) -> None:
    path = _write(tmp_path / "t.xlsx", header, cols, start)
    fast, slow = _both(path)
    assert list(fast["T"]) == slow["T"]
    assert len(fast["T"]) == len(slow["T"])


ORDER_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "Order ID": st.one_of(st.integers(10**17, 10**18).map(str), TEXTS),
    "Creator": st.sampled_from(["@ana", "bo", "Ana ", "", "  "]),
    "Order date": st.one_of(DATES, FLOATS, TEXTS),
    "Settled date": st.one_of(DATES, st.none()),
    "Status": st.sampled_from(["Settled", "Pending", "Refunded", "canceled", "nope"]),
    "Quantity": st.one_of(st.integers(0, 5).map(float), TEXTS),
    "GMV": st.one_of(FLOATS, FLOATS, FLOATS, TEXTS, st.booleans()),
    "Refund": st.one_of(st.none(), FLOATS),
    "Commission base": st.one_of(st.none(), FLOATS, DATES),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries({k: st.one_of(st.none(), v) for k, v in ORDER_VALUES.items()}),
                     min_size=1, max_size=15))
def test_checked_orders_are_the_same_either_way(tmp_path: Path, rows: list[dict[str, Any]]) -> None:
    """The Orders tab checked from its columns: the same typed table and the same Issues."""
    header = list(ORDER_VALUES)
    path = _write(tmp_path / "o.xlsx", header, [[r[h] for r in rows] for h in header])
    fast, slow = _both(path)
    results = []
    for grid in (fast["T"], slow["T"]):
        log = IssueLog()
        table = read_table(schema.ORDERS, grid, read_settings(None, IssueLog()), log)
        results.append((table, log.issues))
    (a, issues_a), (b, issues_b) = results
    assert issues_a == issues_b
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert (a.rows_read, a.positions, a.missing_required) == (b.rows_read, b.positions, b.missing_required)


def test_a_clean_orders_tab_is_read_column_wise_and_typed(tmp_path: Path) -> None:
    """The point of it: numbers, dates and text come as typed Arrow columns, not objects."""
    path = _write(tmp_path / "o.xlsx", ["Order ID", "GMV", "Order date"],
                  [["1001", "1002"], [12.5, 3.0], [dt.datetime(2026, 11, 2, 9, 30), dt.date(2026, 11, 3)]])
    fast, _ = _both(path)
    grid = fast["T"]
    assert isinstance(grid, ColumnGrid)
    assert [str(grid.column(i).type) for i in range(3)] == ["string", "double", "timestamp[ms]"]  # type: ignore[union-attr]
    assert grid[2] == ["1002", 3.0, dt.date(2026, 11, 3)]


def test_one_typed_word_in_a_column_of_amounts_keeps_the_numbers_exact(tmp_path: Path) -> None:
    """A typed "12O.00" among amounts: only that column holds Python values, each cell the
    row-wise read's own (the number cells come from the XML, not from fastexcel's text)."""
    amounts: list[Any] = [0.1, 5e-324, "12O.00", 1e20, 17.1, None, dt.datetime(2026, 1, 2, 3, 4)]
    path = _write(tmp_path / "o.xlsx", ["Order ID", "GMV"], [[str(i) for i in range(len(amounts))], amounts])
    fast, slow = _both(path)
    grid = fast["T"]
    assert isinstance(grid, ColumnGrid)
    assert isinstance(grid.column(1), list)
    assert grid.column(1) == [0.1, 5e-324, "12O.00", 1e20, 17.1, None, dt.datetime(2026, 1, 2, 3, 4)]
    assert list(grid) == slow["T"]


def test_tabs_the_column_read_does_not_take_are_read_row_wise(tmp_path: Path) -> None:
    """True/false cells, a header that is not text, a repeated header and an empty row 1 all
    go row-wise, and still give the same cells."""
    cases = {
        "bool": (["A", "B"], [[1.0, True], ["x", "y"]]),
        "number header": ([2026, "B"], [[1.0], ["x"]]),
        "repeated header": (["Name", "Name"], [["a"], ["b"]]),
        "no header": ([None, None], [[1.0, 2.0], ["x", "y"]]),
    }
    for name, (header, cols) in cases.items():
        path = _write(tmp_path / f"{name}.xlsx", header, cols)
        fast, slow = _both(path)
        assert not isinstance(fast["T"], ColumnGrid), name
        assert fast["T"] == slow["T"], name


def test_error_cells_come_through_the_column_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "e.xlsx", ["GMV", "Creator"], [[1.5, "#N/A", 2.0], ["a", "b", "#REF!"]])
    fast, slow = _both(path)
    assert isinstance(fast["T"], ColumnGrid)
    assert list(fast["T"]) == slow["T"]
    assert [type(r[0]).__name__ for r in slow["T"][1:]] == ["float", "CellError", "float"]


@pytest.mark.libreoffice
def test_a_workbook_saved_by_libreoffice_reads_the_same_either_way(tmp_path: Path) -> None:
    """Shared strings, LibreOffice's own XML: the same cells both ways, mixed column included."""
    src = _write(tmp_path / "src.xlsx", ["Order ID", "GMV", "Order date", "Note"],
                 [["0012", "577000000010147198", "a"], [12.5, "12O.00", 3.0],
                  [dt.datetime(2026, 11, 2, 9, 30), "soon", dt.date(2026, 11, 3)], ["ok", None, "  pad  "]])
    out = convert(src, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo") / "src.xlsx"
    with zipfile.ZipFile(out) as z:
        assert "xl/sharedStrings.xml" in z.namelist()
    fast, slow = _both(out)
    assert isinstance(fast["T"], ColumnGrid)
    assert list(fast["T"]) == slow["T"]
    assert slow["T"][2][1] == "12O.00" and slow["T"][1][1] == 12.5


def test_the_backend_reads_large_tabs_column_wise_and_small_ones_row_wise(tmp_path: Path) -> None:
    rows = 40_000  # about 2 MB of sheet XML: past COLUMNS_FROM_BYTES
    large = _write(tmp_path / "large.xlsx", ["Order ID", "GMV"], [[f"ID{i}" for i in range(rows)], [i / 4 for i in range(rows)]])
    small = _write(tmp_path / "small.xlsx", ["GMV"], [[1.0, 2.0]])
    got = XlsxWorkbook(large).read(["T"])["T"]
    assert isinstance(got, ColumnGrid) and len(got) == rows + 1 and got[rows] == [f"ID{rows - 1}", (rows - 1) / 4]
    assert XlsxWorkbook(small).read(["T"])["T"] == [["GMV"], [1.0], [2.0]]
    assert not isinstance(XlsxWorkbook(small).read(["T"])["T"], ColumnGrid)
