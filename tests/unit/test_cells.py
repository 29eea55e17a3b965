"""The cell parsers, table-driven, plus properties of money and rounding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetops.backends.base import CellError, money_text, rate_text
from sheetops.workbook.cells import (handle_key, parse_choice, parse_date, parse_datetime, parse_int, parse_money,
                            parse_rate, round_half_away, ORDER_STATUS_WORDS)
from sheetops.workbook.schema import ORDER_STATUSES


@pytest.mark.parametrize("raw, cents", [
    (1234.5, 123450), ("1,234.50", 123450), ("$1,234.50", 123450), ("USD 1234.5", 123450), ("1234.5 USD", 123450),
    (0, 0), ("0.125", 13), ("-0.125", -13), (-15, -1500), ("(12.00)", -1200), ("-$5", -500), (333.33, 33333),
    (1.005, 101), ("€ 12", 1200), (None, None), ("  ", None),
])
def test_money_reads_what_people_type(raw: object, cents: int | None) -> None:
    parsed = parse_money(raw)
    assert parsed.error is None and parsed.value == cents


@pytest.mark.parametrize("raw", ["12O.00", "abc", "1,23,4", "1.2.3", True, CellError("#REF!"), "--5", "$-$5"])
def test_money_refuses_what_is_not_an_amount(raw: object) -> None:
    assert parse_money(raw).error


def test_money_with_more_than_two_decimals_is_rounded_with_a_note() -> None:
    parsed = parse_money("10.005")
    assert parsed.value == 1001 and parsed.note and "decimals" in parsed.note


@pytest.mark.parametrize("raw, millionths, warned", [
    ("12%", 120000, False), (0.12, 120000, False), ("0.12", 120000, False), (12, 120000, True),
    ("12.5%", 125000, False), ("100%", 1_000_000, False), (0, 0, False), ("0.0001%", 1, False),
])
def test_rates(raw: object, millionths: int, warned: bool) -> None:
    parsed = parse_rate(raw)
    assert parsed.value == millionths and parsed.error is None
    assert (parsed.note_severity == "Warning" and parsed.note is not None) == warned


@pytest.mark.parametrize("raw", ["150%", 150, "-5%", "ten", CellError("#N/A")])
def test_bad_rates_are_errors(raw: object) -> None:
    assert parse_rate(raw).error


@pytest.mark.parametrize("raw, expected", [
    ("2026-11-09", dt.datetime(2026, 11, 9)), ("2026-11-09 14:03:00", dt.datetime(2026, 11, 9, 14, 3)),
    ("2026/11/09", dt.datetime(2026, 11, 9)), (46000, dt.datetime(2025, 12, 9)),
    (dt.date(2026, 11, 9), dt.datetime(2026, 11, 9)), ("13/11/2026", dt.datetime(2026, 11, 13)),
    ("11/13/2026 2:05:00 PM", dt.datetime(2026, 11, 13, 14, 5)), ("2026-11-09T23:30:00Z", dt.datetime(2026, 11, 9, 23, 30)),
])
def test_dates(raw: object, expected: dt.datetime) -> None:
    assert parse_datetime(raw).value == expected


def test_zoned_text_is_converted_to_the_workbook_zone() -> None:
    from zoneinfo import ZoneInfo

    parsed = parse_datetime("2026-11-09T23:30:00Z", tz=ZoneInfo("America/New_York"))
    assert parsed.value == dt.datetime(2026, 11, 9, 18, 30)


def test_ambiguous_text_date_needs_a_date_order() -> None:
    assert "two different dates" in (parse_date("11/09/2026").error or "")
    assert parse_date("11/09/2026", date_order="MDY").value == dt.date(2026, 11, 9)
    assert parse_date("11/09/2026", date_order="DMY").value == dt.date(2026, 9, 11)
    assert parse_date("2026-02-30").error


def test_handles_and_statuses() -> None:
    assert handle_key(" @GlowWithMia ") == handle_key("glowwithmia") == "glowwithmia"
    for word, status in [("Not settled", "Pending"), ("Customer unpaid", "Unpaid"), ("Cancelled", "Ineligible"),
                         ("settled", "Settled"), ("Unpaid by customer", "Unpaid")]:
        assert parse_choice(word, ORDER_STATUSES, ORDER_STATUS_WORDS).value == status
    assert parse_choice("Shipped", ORDER_STATUSES, ORDER_STATUS_WORDS).error


def test_whole_numbers() -> None:
    assert parse_int(3.0).value == 3 and parse_int("2").value == 2
    assert parse_int(1.5).error and parse_int(0, minimum=1).error


@given(st.integers(-10**12, 10**12), st.integers(1, 10**6))
def test_round_half_away_matches_decimal(numerator: int, denominator: int) -> None:
    exact = Decimal(numerator) / Decimal(denominator)
    expected = int(exact.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    assert round_half_away(numerator, denominator) == expected


@given(st.integers(-10**12 + 1, 10**12 - 1))
def test_money_text_round_trips(cents: int) -> None:
    assert parse_money(money_text(cents)).value == cents
    assert parse_money(float(money_text(cents))).value == cents
    assert parse_money(f"${money_text(cents)}").value == cents


@given(st.integers(0, 1_000_000))
def test_rate_text_round_trips(millionths: int) -> None:
    assert parse_rate(rate_text(millionths)).value == millionths
