"""Rows an import appends are made a column at a time (``xlsx_append``), and the sheet XML is
byte for byte what the cell-by-cell path gives, for any mix of values: text with markup or
empty, money, rates, whole numbers, dates, date-times, booleans, links, blanks, ragged rows;
below a header alone or below data rows whose formats the new rows copy."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheetops.backends import xlsx_append, xlsx_edit
from sheetops.backends.base import Link, Money, Rate, TabEdit
from sheetops.backends.xlsx_styles import Styles

STYLES_XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              b'<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>'
              b'<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="3"><xf/><xf numFmtId="14"/><xf numFmtId="4"/>'
              b'</cellXfs></styleSheet>')
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sheet(data_rows: bool) -> bytes:
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>Order ID</t></is></c></row>'
    if data_rows:
        rows += '<row r="2"><c r="A2" s="1"><v>46000</v></c><c r="B2" s="2"><v>1.5</v></c></row>'
    return (f'<worksheet xmlns="{MAIN}"><dimension ref="A1:B{2 if data_rows else 1}"/>'
            f"<sheetData>{rows}</sheetData></worksheet>").encode()


VALUES = st.one_of(
    st.none(), st.text(max_size=8), st.sampled_from(["", "a&b", " x", "_x0041_", "=SUM(A1)"]),
    st.builds(Money, st.integers(-10**9, 10**9)), st.builds(Rate, st.integers(-10**6, 10**7)),
    st.integers(-10**12, 10**12), st.booleans(), st.floats(allow_nan=True, allow_infinity=False, width=32),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2260, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2260, 1, 1)),
    st.just(Link("Orders", "A1", "see")),
)
# columns of one kind (the bulk path) as well as mixed ones (cell by cell)
KINDS = [st.text(min_size=1, max_size=8), st.builds(Money, st.integers(-10**9, 10**9)), st.integers(-10**6, 10**6),
         st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)),
         st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)), VALUES]


@st.composite
def appended(draw: Any) -> list[list[Any]]:
    kinds = draw(st.lists(st.sampled_from(range(len(KINDS))), min_size=1, max_size=6))
    n = draw(st.integers(1, 12))
    rows = [[draw(st.one_of(st.none(), KINDS[k])) for k in kinds] for _ in range(n)]
    if draw(st.booleans()):
        rows[-1] = rows[-1][: draw(st.integers(0, len(kinds)))]  # a ragged last row
    return rows


def _edit(xml: bytes, rows: list[list[Any]], bulk: bool, monkeypatch: pytest.MonkeyPatch) -> bytes:
    with monkeypatch.context() as m:
        if not bulk:
            m.setattr(xlsx_edit, "_appends_in_bulk", lambda *a: False)
        out, _ = xlsx_edit.edit_sheet(xml, TabEdit("Orders", append=[list(r) for r in rows]), Styles(STYLES_XML))
    return out


@settings(max_examples=200, deadline=None)
@given(appended(), st.booleans())
def test_bulk_appended_rows_are_byte_for_byte_the_cell_by_cell_ones(rows: list[list[Any]], data_rows: bool) -> None:
    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(xlsx_append, "CHUNK_ROWS", 3)  # several chunks, as a large import makes
        xml = _sheet(data_rows)
        assert _edit(xml, rows, True, mp) == _edit(xml, rows, False, mp)
    finally:
        mp.undo()


def test_bulk_path_is_taken_for_a_plain_append(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[int] = []
    real = xlsx_edit.appended_rows

    def spy(*args: Any, **kwargs: Any) -> bytes:
        called.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(xlsx_edit, "appended_rows", spy)
    out = _edit(_sheet(True), [["O9", Money(150)]], True, monkeypatch)
    assert called and b'<row r="3"><c r="A3" s="1" t="inlineStr"><is><t>O9</t></is></c><c r="B3" s="2"><v>1.50</v></c></row>' in out
