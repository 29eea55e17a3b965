"""Conversions between SheetOps values and what xlwings sends to / gets from Excel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sheetops.backends.base import CellError, Link
from sheetops.backends.excel_values import from_excel, hyperlink_formula, needs_quote, quoted, to_excel
from sheetops.testing import fake_xlwings as fake


@pytest.mark.parametrize(
    "raw, expected",
    [
        (None, None), (12.5, 12.5), (True, True), ("@mia", "@mia"),
        (dt.datetime(2026, 11, 9, 14, 3), dt.datetime(2026, 11, 9, 14, 3)),
        ("#N/A", CellError("#N/A")), ("#REF!", CellError("#REF!")),
        (-2146826243, CellError("#SPILL!")), (-2146826238, CellError("#CALC!")),
        (Decimal("12.3400"), 12.34), (7, 7),
    ],
)
def test_from_excel(raw: object, expected: object) -> None:
    assert from_excel(raw) == expected


@pytest.mark.parametrize(
    "text, quote",
    [
        ("=1+1", True), ("+1", True), ("-2", True), ("@mia", True), ("'x", True), ("#N/A", True),
        ("TRUE", True), ("false", True), ("123", True), ("1,234.50", True), ("12%", True),
        ("2026-11-09", True), ("11/9/2026", True), ("Mar 5", True), ("Dec-2026", True), ("O1", True),
        ("Glow with Mia", False), ("Payouts", False), ("Draft", False), ("Below minimum", False),
        ("Zoë Müller", False), ("", True),
    ],
)
def test_needs_quote(text: str, quote: bool) -> None:
    assert needs_quote(text) is quote


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@x", "'x", "TRUE", "2026-11-09", "12%", "1,234", "Mar 5", "plain", "=HYPERLINK(\"http://x\",\"y\")"])
def test_quoted_text_stays_literal_in_a_general_cell(text: str) -> None:
    sheet = fake.Book(tabs={"S": []}).sheets["S"]
    sheet.range("A1").value = quoted(text)
    assert sheet.range("A1").value == text


@pytest.mark.parametrize("text", ["=1+1", "+1", "'x", "''", "007", "TRUE"])
def test_text_cell_values_stay_literal(text: str) -> None:
    sheet = fake.Book(tabs={"S": []}).sheets["S"]
    sheet.range("A1").number_format = "@"
    sheet.range("A1").value = to_excel(text, text_cell=True)
    assert sheet.range("A1").value == text


def test_hyperlink_label_cannot_break_out_of_the_formula() -> None:
    formula = hyperlink_formula(Link("Ord'ers", "K10", label='x","evil'))
    assert formula == '=HYPERLINK("#\'Ord\'\'ers\'!K10","x"",""evil")'
    sheet = fake.Book(tabs={"S": []}).sheets["S"]
    sheet.range("A1").value = formula
    assert sheet.range("A1").value == 'x","evil'


def test_ints_go_as_floats_and_links_as_formulas() -> None:
    assert to_excel(3, text_cell=False) == 3.0 and isinstance(to_excel(3, text_cell=False), float)
    assert to_excel(Link("Orders", "B2"), text_cell=False).startswith("=HYPERLINK(")
    assert to_excel(None, text_cell=True) is None
