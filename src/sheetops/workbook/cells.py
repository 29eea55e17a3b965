"""Pure parsers for what people type into cells: money, rates, dates, handles, statuses.

Each parser takes one raw cell value (as a backend returns it) and gives a ``Parsed``:
the value, or a plain-words ``error``, plus an optional ``note`` (a Warning or Info the
person should see even though the value was read). No I/O, no pandas.

>>> parse_money("$1,234.50").value
123450
>>> parse_rate("12.5%").value
125000
>>> round_half_away(-125, 10)
-13
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Generic, Literal, TypeVar
from zoneinfo import ZoneInfo

from ..backends.base import RATE_SCALE, CellError

T = TypeVar("T")
Severity = Literal["Error", "Warning", "Info"]

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
MAX_CENTS = 10**12  # ten billion in any currency: larger is a typo, not a sale (and keeps
# base x rate-in-millionths inside 64-bit integers)


@dataclass(frozen=True)
class Parsed(Generic[T]):
    value: T | None = None
    error: str | None = None
    note: str | None = None
    note_severity: Severity = "Info"

    @property
    def ok(self) -> bool:
        return self.error is None


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "") or (
        isinstance(raw, float) and math.isnan(raw)
    )


def shown(raw: object) -> str:
    """A raw value as a person would recognise it in an Issue row."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e16:
        return str(int(raw))
    if isinstance(raw, float):
        return repr(raw)  # 1e+308, inf, nan: never a 300-digit number
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) >= 10**16:
        return f"{raw:.6g}" if abs(raw) < 10**300 else f"a {len(str(abs(raw)))}-digit number"
    if isinstance(raw, dt.datetime):
        return raw.isoformat(sep=" ")
    return str(raw)


def round_half_away(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded to a whole number, halves away from zero.

    The one rounding rule of money.md, in exact integer arithmetic."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return q if numerator >= 0 else -q


def decimal_to_cents(value: Decimal) -> tuple[int, bool]:
    """A Decimal amount to cents, half away from zero; True when it was rounded."""
    cents = (value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(cents), cents != value * 100


_CURRENCY_RE = re.compile(r"^(?:[A-Za-z]{3}|[$€£¥₹]|R\$|Rp)\s*|\s*(?:[A-Za-z]{3}|[$€£¥₹])$")
_AMOUNT_RE = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


def error_cell(raw: object) -> str | None:
    if isinstance(raw, CellError):
        return f"The cell shows the error {raw.code}"
    return None


def parse_decimal_text(text: str) -> Decimal | None:
    """``1,234.50``, ``$1,234.50``, ``USD 1234.5``, ``(12.00)``, ``-$5`` -> Decimal, else None."""
    s = text.strip().replace("\u00a0", " ")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    if s.startswith("-"):
        negative, s = not negative, s[1:].strip()
    s = _CURRENCY_RE.sub("", s).strip()
    if s.startswith("-") and not text.strip().startswith(("-", "(")):
        negative, s = True, s[1:].strip()
    s = s.replace(" ", "").removeprefix("+") if not negative else s.replace(" ", "")
    if not s or s == "." or not _AMOUNT_RE.match(s):
        return None
    try:
        value = Decimal(s.replace(",", ""))
    except InvalidOperation:
        return None
    return -value if negative else value


def parse_money(raw: object) -> Parsed[int]:
    """A money cell to integer cents. Blank gives ``value=None`` with no error."""
    if (err := error_cell(raw)) is not None:
        return Parsed(error=err)
    if is_blank(raw):
        return Parsed()
    if isinstance(raw, bool):
        return Parsed(error=f"{shown(raw)} is not an amount")
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            return Parsed(error=f"{shown(raw)} is not an amount")
        value = Decimal(repr(raw))
    elif isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, str):
        parsed = parse_decimal_text(raw)
        if parsed is None:
            return Parsed(error=f"{raw.strip()} is not an amount")
        value = parsed
    else:
        return Parsed(error=f"{shown(raw)} is not an amount")
    if not value.is_finite() or abs(value) * 100 >= MAX_CENTS:  # before rounding: 1e308 has no cents
        return Parsed(error=f"{shown(raw)} is too large to be an amount")
    cents, rounded = decimal_to_cents(value)
    if abs(cents) >= MAX_CENTS:
        return Parsed(error=f"{shown(raw)} is too large to be an amount")
    note = f"{shown(raw)} has more than two decimals; read as {cents / 100:.2f}" if rounded else None
    return Parsed(cents, note=note)


def parse_rate(raw: object) -> Parsed[int]:
    """A percentage to integer millionths: ``12%``, ``0.12`` and ``12`` are all 120_000.

    A plain number above 1 is read as a percent with a Warning; above 100% is an Error."""
    if (err := error_cell(raw)) is not None:
        return Parsed(error=err)
    if is_blank(raw):
        return Parsed()
    note: str | None = None
    severity: Severity = "Info"
    if isinstance(raw, bool):
        return Parsed(error=f"{shown(raw)} is not a percentage")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            return Parsed(error=f"{shown(raw)} is not a percentage")
        fraction = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        percent_sign = False
    elif isinstance(raw, str):
        s = raw.strip()
        percent_sign = s.endswith("%")
        number = parse_decimal_text(s.rstrip("%").strip())
        if number is None:
            return Parsed(error=f"{s} is not a percentage")
        fraction = number / 100 if percent_sign else number
    else:
        return Parsed(error=f"{shown(raw)} is not a percentage")
    if not fraction.is_finite() or abs(fraction) > 10**6:
        return Parsed(error=f"{shown(raw)} is not a percentage SheetOps can use")
    if not percent_sign and fraction > 1:
        fraction = fraction / 100
        note, severity = f"{shown(raw)} was read as {shown(raw)}%; type {shown(raw)}% to say so", "Warning"
    if fraction < 0:
        return Parsed(error=f"{shown(raw)} is a negative rate")
    if fraction > 1:
        return Parsed(error=f"{shown(raw)} is a rate above 100%")
    scaled = fraction * RATE_SCALE
    millionths = int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if millionths != scaled and note is None:
        note = f"{shown(raw)} has more precision than 0.0001%; it was rounded"
    return Parsed(millionths, note=note, note_severity=severity)


def parse_int(raw: object, *, minimum: int | None = None) -> Parsed[int]:
    if (err := error_cell(raw)) is not None:
        return Parsed(error=err)
    if is_blank(raw):
        return Parsed()
    value: Decimal | None
    if isinstance(raw, bool):
        value = None
    elif isinstance(raw, (int, float)):
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    elif isinstance(raw, str):
        value = parse_decimal_text(raw)
    else:
        value = None
    if value is not None and (not value.is_finite() or abs(value) >= 10**15):
        return Parsed(error=f"{shown(raw)} is too large to be a count")
    if value is None or value != value.to_integral_value():
        return Parsed(error=f"{shown(raw)} is not a whole number")
    n = int(value)
    if minimum is not None and n < minimum:
        return Parsed(error=f"{n} is below {minimum}")
    return Parsed(n)


# ---------------------------------------------------------------- dates

DateOrder = Literal["YMD", "MDY", "DMY"]
_ISO_RE = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(AM|PM|am|pm)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_SLASH_RE = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM|am|pm)?)?$"
)


def _hour(hour: int, ampm: str | None) -> int:
    if ampm is None:
        return hour
    ampm = ampm.upper()
    if hour == 12:
        return 0 if ampm == "AM" else 12
    return hour + 12 if ampm == "PM" else hour


def _zone_offset(text: str | None) -> dt.timezone | None:
    if not text:
        return None
    if text == "Z":
        return dt.timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def serial_to_datetime(serial: float) -> dt.datetime:
    """Excel / Google serial days (1 = 1899-12-31, with the 1900 leap bug) to a datetime."""
    return EXCEL_EPOCH + dt.timedelta(days=serial)


FIRST_DATE = dt.datetime(1900, 1, 1)
LAST_DATE = dt.datetime(2261, 12, 31, 23, 59, 59)
"""Dates SheetOps reads: from 1900 (spreadsheets count days from it) to 2261 (the last full
year pandas can hold). Anything outside is a typo, reported at its cell."""


def parse_datetime(
    raw: object,
    *,
    tz: dt.tzinfo | None = None,
    date_order: DateOrder | None = None,
) -> Parsed[dt.datetime]:
    """A date or date-time cell to a naive datetime in the workbook's time zone ``tz``.

    Text with a zone (``Z``, ``+07:00``) is converted to ``tz``; text without one is read
    in it. ``11/09/2026`` needs ``date_order`` unless only one reading is a real date.
    Dates before 1900 or after 2261 are an error, never an exception."""
    try:
        parsed = _parse_datetime(raw, tz=tz, date_order=date_order)
    except (OverflowError, ValueError):  # a zone shift past year 1 or 9999
        return Parsed(error=f"{shown(raw)} is not a date SheetOps can use")
    value = parsed.value
    if value is not None and not FIRST_DATE <= value <= LAST_DATE:
        when = "before 1900" if value < FIRST_DATE else "after 2261"
        return Parsed(error=f"{shown(raw)} is {when}, which SheetOps does not accept as a date")
    return parsed


def _parse_datetime(raw: object, *, tz: dt.tzinfo | None, date_order: DateOrder | None) -> Parsed[dt.datetime]:
    if (err := error_cell(raw)) is not None:
        return Parsed(error=err)
    if is_blank(raw):
        return Parsed()
    if isinstance(raw, bool):
        return Parsed(error=f"{shown(raw)} is not a date")
    if isinstance(raw, dt.datetime):
        if raw.tzinfo is not None:
            raw = raw.astimezone(tz or dt.timezone.utc).replace(tzinfo=None)
        return Parsed(raw)
    if isinstance(raw, dt.date):
        return Parsed(dt.datetime(raw.year, raw.month, raw.day))
    if isinstance(raw, (int, float)):
        if not (1 <= raw < 2958466):  # 9999-12-31
            return Parsed(error=f"{shown(raw)} is not a date")
        return Parsed(serial_to_datetime(float(raw)).replace(microsecond=0))
    if not isinstance(raw, str):
        return Parsed(error=f"{shown(raw)} is not a date")
    text = raw.strip()
    m = _ISO_RE.match(text)
    try:
        if m:
            y, mo, d, hh, mm, ss, ampm, zone = m.groups()
            value = dt.datetime(
                int(y), int(mo), int(d), _hour(int(hh or 0), ampm), int(mm or 0), int(ss or 0)
            )
            offset = _zone_offset(zone)
            if offset is not None:
                value = value.replace(tzinfo=offset).astimezone(tz or dt.timezone.utc).replace(tzinfo=None)
            return Parsed(value)
        m = _SLASH_RE.match(text)
        if m:
            a, b, y, hh, mm, ss, ampm = m.groups()
            first, second = int(a), int(b)
            if date_order is None:
                if first > 12 and second <= 12:
                    date_order = "DMY"
                elif second > 12 and first <= 12:
                    date_order = "MDY"
                elif first == second:
                    date_order = "MDY"
                else:
                    return Parsed(
                        error=f"{text} could be read as two different dates (day/month or month/day)"
                    )
            month, day = (first, second) if date_order in ("MDY", "YMD") else (second, first)
            time = (_hour(int(hh or 0), ampm), int(mm or 0), int(ss or 0))
            return Parsed(dt.datetime(int(y), month, day, *time))
    except ValueError:
        return Parsed(error=f"{text} is not a real date")
    return Parsed(error=f"{text} is not a date")


def parse_date(raw: object, *, tz: dt.tzinfo | None = None, date_order: DateOrder | None = None) -> Parsed[dt.date]:
    """Like ``parse_datetime`` but keeps the day only."""
    parsed = parse_datetime(raw, tz=tz, date_order=date_order)
    if parsed.value is None:
        return Parsed(error=parsed.error, note=parsed.note)
    return Parsed(parsed.value.date(), note=parsed.note)


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


# ---------------------------------------------------------------- words

def handle_key(raw: object) -> str:
    """How creator handles are matched: no leading @, case-insensitive, trimmed.

    >>> handle_key(" @GlowWithMia ")
    'glowwithmia'
    """
    return str(raw if raw is not None else "").strip().lstrip("@").strip().casefold()


def code_key(raw: object) -> str:
    """Campaign and Rule codes are compared case-insensitively, trimmed."""
    return str(raw if raw is not None else "").strip().casefold()


ORDER_STATUS_WORDS: dict[str, str] = {
    "pending": "Pending",
    "not settled": "Pending",
    "settled": "Settled",
    "refunded": "Refunded",
    "ineligible": "Ineligible",
    "canceled": "Ineligible",
    "cancelled": "Ineligible",
    "frozen": "Frozen",
    "unpaid": "Unpaid",
    "customer unpaid": "Unpaid",
    "unpaid by customer": "Unpaid",
}


def parse_choice(raw: object, allowed: tuple[str, ...], words: dict[str, str] | None = None) -> Parsed[str]:
    """One of ``allowed``, compared case-insensitively; ``words`` adds synonyms."""
    if (err := error_cell(raw)) is not None:
        return Parsed(error=err)
    if is_blank(raw):
        return Parsed()
    key = " ".join(str(raw).split()).casefold()
    if words and key in words:
        return Parsed(words[key])
    for option in allowed:
        if option.casefold() == key:
            return Parsed(option)
    return Parsed(error=f"{shown(raw)} is not one of {', '.join(allowed)}")


def parse_text(raw: object) -> Parsed[str]:
    """Any cell as text (numbers keep their plain form: 12345.0 -> '12345')."""
    if (err := error_cell(raw)) is not None:
        return Parsed(error=err)
    if is_blank(raw):
        return Parsed()
    return Parsed(shown(raw).strip())


def split_ids(raw: object) -> tuple[str, ...]:
    """``"P100, P200"`` -> ``("P100", "P200")``."""
    if is_blank(raw):
        return ()
    return tuple(p.strip() for p in re.split(r"[,;\n]", shown(raw)) if p.strip())
