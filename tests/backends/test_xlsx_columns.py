"""The columnar cell builder (``xlsx_columns``) writes exactly the bytes the cell-by-cell one
(``xlsx_sheet._cells``) writes, for every column kind it takes and any values: text with
markup, control characters, ``_x`` escapes, spaces at the ends, blanks; money, rates and
counts of any sign; dates and times of day."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from sheetops.backends.base import Column
from sheetops.backends.xlsx_columns import column_cells, rows_bytes
from sheetops.backends.xlsx_sheet import _cells, _ColumnOut

TEXT = st.one_of(st.none(), st.just(""), st.text(max_size=12),
                 st.sampled_from(["a&b", "<b>", " lead", "trail ", "_x0041_", "tab\there", "\r\n", "=1+1",
                                  "\u3000wide", "é", "x\x01y", "\ufffe"]))
CENTS = st.one_of(st.none(), st.integers(min_value=-10**12, max_value=10**12), st.sampled_from([-(2**63), 2**63 - 1]))
MOMENTS = st.one_of(st.none(), st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2260, 1, 1)))


def _both(kind: str, series: pd.Series, style: int) -> tuple[list[str], list[str]]:
    numbers = [str(r) for r in range(2, len(series) + 2)]
    o = _ColumnOut("C", Column("x", kind), series, {kind: style})  # type: ignore[arg-type]
    old = _cells(o, 0, len(series), numbers)
    new = column_cells("C", kind, series, pa.array(numbers, pa.string()), style).to_pylist()
    return old, new


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXT, max_size=30), st.sampled_from([0, 4]), st.booleans())
def test_text_columns_match(values: list[str | None], style: int, arrow: bool) -> None:
    series = pd.Series(values, dtype="string[pyarrow]" if arrow else object)
    old, new = _both("text", series, style)
    assert new == old


@settings(max_examples=150, deadline=None)
@given(st.lists(CENTS, max_size=30), st.sampled_from(["money", "amount", "rate", "int"]), st.sampled_from([0, 7]))
def test_number_columns_match(values: list[int | None], kind: str, style: int) -> None:
    series = pd.Series(pd.array(values, dtype="Int64"))
    old, new = _both(kind, series, style)
    assert new == old


@settings(max_examples=100, deadline=None)
@given(st.lists(MOMENTS, max_size=30), st.sampled_from(["date", "datetime"]))
def test_date_columns_match(values: list[dt.datetime | None], kind: str) -> None:
    series = pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype="datetime64[ns]")
    if kind == "date":
        series = series.dt.normalize()
    old, new = _both(kind, series, 5)
    assert new == old


def test_rows_are_one_buffer_of_row_elements() -> None:
    numbers = pa.array(["2", "3"])
    cells = [pa.array(['<c r="A2"/>', ""]), pa.array(["", '<c r="B3"/>'])]
    assert bytes(rows_bytes(numbers, cells)) == b'<row r="2"><c r="A2"/></row><row r="3"><c r="B3"/></row>'


def test_a_tool_tab_reads_the_same_in_any_size_of_chunk(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Tool tabs are made ``CHUNK_ROWS`` rows at a time (fewer rows held at once, less memory);
    the sheet is the same bytes whatever the chunk size."""
    from sheetops.backends import xlsx_sheet
    from sheetops.backends.base import TabWrite
    from sheetops.backends.xlsx_styles import Styles

    from .test_xlsx_append import STYLES_XML

    frame = pd.DataFrame({
        "Creator": [f"creator_{i % 7}" if i % 5 else None for i in range(53)],
        "Total": [i * 137 - 900 for i in range(53)],
        "Day": [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(53)],
        "Note": [f"<n{i}> & _x" if i % 3 else "" for i in range(53)],
    })
    columns = [Column("Creator"), Column("Total", "money"), Column("Day", "date"), Column("Note")]
    made = []
    for rows in (10_000, 7, 1):
        monkeypatch.setattr(xlsx_sheet, "CHUNK_ROWS", rows)
        styles = Styles(STYLES_XML)
        made.append((b"".join(xlsx_sheet.sheet_xml(TabWrite("T", columns, frame), styles)()), styles.to_bytes()))
    assert made[0] == made[1] == made[2]
