"""Pure parts of the local Sheets API server: A1 notation, value parsing and rendering,
field masks and the tiny formula evaluator."""

from __future__ import annotations

import time
from typing import Any

import pytest

from sheetops.testing.a1 import A1Error, A1Range, column_index, column_letters, format_a1, parse_a1, quote_sheet
from sheetops.testing.cell_requests import expand_mask
from sheetops.testing.sheets_state import merge_masked
from sheetops.testing.sheets_store import SheetsStore, filter_fields
from sheetops.testing.sheets_values import Formula, format_value, parse_user_entered


@pytest.mark.parametrize(("text", "expected"), [
    ("Sheet1", A1Range("Sheet1")),
    ("Sheet1!A1:C3", A1Range("Sheet1", 0, 3, 0, 3)),
    ("'My Tab'!A1:C3", A1Range("My Tab", 0, 3, 0, 3)),
    ("'It''s'!B2", A1Range("It's", 1, 2, 1, 2)),
    ("'a!b'!A1", A1Range("a!b", 0, 1, 0, 1)),
    ("'My Tab'", A1Range("My Tab")),
    ("A:C", A1Range(None, 0, None, 0, 3)),
    ("2:5", A1Range(None, 1, 5, 0, None)),
    ("A2:C", A1Range(None, 1, None, 0, 3)),
    ("C3:A1", A1Range(None, 0, 3, 0, 3)),
    ("$B$2", A1Range(None, 1, 2, 1, 2)),
    ("Orders 2026", A1Range("Orders 2026")),
])
def test_parse_a1(text: str, expected: A1Range) -> None:
    assert parse_a1(text) == expected


@pytest.mark.parametrize("text", ["'unclosed!A1", "Sheet1!A0", "Sheet1!1A"])
def test_parse_a1_rejects(text: str) -> None:
    with pytest.raises(A1Error):
        parse_a1(text)


def test_columns_and_quoting() -> None:
    assert [column_letters(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert all(column_index(column_letters(i)) == i for i in range(2000))
    assert [quote_sheet(n) for n in ("Orders", "My Tab", "A1", "It's", "GMV_by_week")] == \
        ["Orders", "'My Tab'", "'A1'", "'It''s'", "GMV_by_week"]
    assert format_a1("My Tab", 0, 3, 0, 2) == "'My Tab'!A1:B3"
    assert format_a1("Orders", 9, 10, 10, 11) == "Orders!K10"


@pytest.mark.parametrize(("typed", "value", "fmt_type"), [
    ("42", 42, None),
    ("-1.5", -1.5, None),
    ("+7", 7, None),
    ("1,234", 1234, "NUMBER"),
    ("12.5%", 0.125, "PERCENT"),
    ("$1,234.50", 1234.5, "CURRENCY"),
    ("(5)", -5, None),
    ("2024-01-15", 45306, "DATE"),
    ("1/15/2024", 45306, "DATE"),
    ("2024-01-15 12:00", 45306.5, "DATE_TIME"),
    ("18:00", 0.75, "TIME"),
    ("true", True, None),
    ("=SUM(A1:A3)", Formula("=SUM(A1:A3)"), None),
    ("'=not a formula", "=not a formula", None),
    ("2024-02-30", "2024-02-30", None),
    ("1.2.3", "1.2.3", None),
    ("@glowwithmia", "@glowwithmia", None),
    ("", "", None),
])
def test_user_entered_parsing(typed: str, value: Any, fmt_type: str | None) -> None:
    got, fmt = parse_user_entered(typed)
    assert got == value and type(got) is type(value)
    assert (fmt or {}).get("type") == fmt_type


@pytest.mark.parametrize(("value", "fmt", "shown"), [
    (1234.5, None, "1234.5"),
    (0.1 + 0.2, None, "0.3"),
    (3.0, None, "3"),
    (1234.5, {"type": "NUMBER", "pattern": "#,##0.00"}, "1,234.50"),
    (-0.004, {"type": "NUMBER", "pattern": "0.00"}, "0.00"),
    (0.125, {"type": "PERCENT", "pattern": "0.0%"}, "12.5%"),
    (-12.5, {"type": "CURRENCY", "pattern": '"$"#,##0.00'}, "-$12.50"),
    (45306, {"type": "DATE", "pattern": "yyyy-mm-dd"}, "2024-01-15"),
    (45306.75, {"type": "DATE_TIME", "pattern": "M/d/yyyy h:mm:ss"}, "1/15/2024 18:00:00"),
    (0.75, {"type": "TIME", "pattern": "h:mm am/pm"}, "6:00 PM"),
    (True, None, "TRUE"),
])
def test_formatted_values(value: Any, fmt: dict[str, Any] | None, shown: str) -> None:
    assert format_value(value, fmt) == shown


def test_field_masks() -> None:
    assert expand_mask("sheets(properties(title,sheetId)),namedRanges") == \
        ["sheets.properties.title", "sheets.properties.sheetId", "namedRanges"]
    assert expand_mask("gridProperties/rowCount") == ["gridProperties.rowCount"]
    doc = {"properties": {"title": "T"}, "sheets": [{"properties": {"title": "A", "sheetId": 0}, "charts": [1]}]}
    assert filter_fields(doc, "sheets.properties.title") == {"sheets": [{"properties": {"title": "A"}}]}
    assert filter_fields(doc, "sheets(properties),properties") == \
        {"properties": {"title": "T"}, "sheets": [{"properties": {"title": "A", "sheetId": 0}}]}
    base = {"title": "A", "gridProperties": {"rowCount": 5, "frozenRowCount": 1}}
    assert merge_masked(base, {"gridProperties": {"rowCount": 9}}, "gridProperties.rowCount,gridProperties.frozenRowCount") \
        == {"title": "A", "gridProperties": {"rowCount": 9}}


def test_formula_chain_and_cycles() -> None:
    store = SheetsStore()
    sid = store.seed("Book", {"Calc": [[2, "=A1*3", "=B1+A1", "=D1", "=1+", '="a"&B1']]})
    got = store.values_get(sid, "Calc!A1:F1", {"valueRenderOption": "UNFORMATTED_VALUE"})["values"]
    assert got == [[2, 6, 8, "#REF!", "#ERROR!", "a6"]]


@pytest.mark.slow
def test_hundred_thousand_rows_stay_fast() -> None:
    store = SheetsStore()
    rows = [[f"57{i}", f"@creator{i % 300}", f"{i % 997}.{i % 100:02d}", "2024-03-01", "12.5%", i] for i in range(100_000)]
    sid = store.seed("Big", {"Orders": []}, rows=100_001, cols=6)
    started = time.perf_counter()
    store.values_update(sid, "Orders!A1", {"values": rows}, {"valueInputOption": "USER_ENTERED"})
    for render in ("FORMATTED_VALUE", "UNFORMATTED_VALUE"):
        assert len(store.values_get(sid, "Orders", {"valueRenderOption": render})["values"]) == 100_000
    store.batch_update(sid, {"requests": [{"addSheet": {"properties": {"title": "Staging"}}}]})
    assert time.perf_counter() - started < 30
