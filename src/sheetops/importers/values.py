"""Importer-specific cell parsing, on top of ``workbook/cells.py``.

What exports add to what people type:

- blank markers (``--``, ``N/A``) mean an empty cell;
- amounts with a currency code or sign (``$12.50``, ``BRL 35,91``, ``Rp 150.000``), where
  the decimal separator is decided per file and column (``DecimalStyle``), never per row;
- dates whose day/month order is decided per file from the rows that can only be read one
  way (``DateEvidence``), never per row;
- TikTok status words, order states (``Completed``) and yes/no flags.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ..backends.base import RawCell
from ..workbook.cells import ORDER_STATUS_WORDS, DateOrder, Parsed, parse_datetime, parse_money, parse_rate, shown

DecimalStyle = Literal["dot", "comma"]

BLANK_WORDS = frozenset({"", "-", "--", "---", "—", "n/a", "na", "null", "none", "/"})

_CURRENCY_PREFIX = re.compile(r"^\s*(?P<code>[A-Za-z]{3}|R\$|Rp|RM|[$€£¥₹₫฿₱])\s*")
_CURRENCY_SUFFIX = re.compile(r"\s*(?P<code>[A-Za-z]{3}|[$€£¥₹₫฿₱])\s*$")
_SYMBOL_CODES = {"R$": "BRL", "Rp": "IDR", "RM": "MYR", "£": "GBP", "€": "EUR", "₫": "VND", "฿": "THB", "₱": "PHP"}
_COMMA_DECIMAL = re.compile(r"^\d{1,3}(\.\d{3})+(,\d*)?$|^\d+,\d{1,2}$")
_DOT_DECIMAL = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$|^\d+\.\d{1,2}$")
_SLASH_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")


def text_of(raw: RawCell) -> str | None:
    """A cell as trimmed text, ``None`` when blank or a blank marker; 12345.0 -> ``"12345"``."""
    if raw is None:
        return None
    text = shown(raw).strip() if not isinstance(raw, str) else raw.strip()
    return None if text.casefold() in BLANK_WORDS else text


def _bare_amount(text: str) -> tuple[str, str | None]:
    """``"BRL 35,91"`` -> (``"35,91"``, ``"BRL"``): the number text and a currency code."""
    s = text.replace("\u00a0", " ").strip()
    negative = s.startswith("-")
    if negative:
        s = s[1:].strip()
    code = None
    if m := _CURRENCY_PREFIX.match(s):
        code, s = m.group("code"), s[m.end():]
    elif m := _CURRENCY_SUFFIX.search(s):
        code, s = m.group("code"), s[: m.start()]
    s = s.strip()
    if code is not None:
        code = _SYMBOL_CODES.get(code, code.upper() if len(code) == 3 else None)
    return ("-" + s if negative else s), code


def currency_code(raw: RawCell) -> str | None:
    """The ISO code written in an amount cell (``BRL 35,91`` -> ``BRL``), if any."""
    if not isinstance(raw, str):
        return None
    return _bare_amount(raw)[1]


_CACHE = 1 << 16
"""Exports repeat the same prices, rates and words on many lines: text parses are cached
(``Parsed`` is immutable, so sharing one is safe)."""


def decimal_evidence(raw: RawCell) -> DecimalStyle | None:
    """What one amount cell says about the decimal separator, or None when it cannot tell."""
    return _decimal_evidence(raw) if isinstance(raw, str) else None


@lru_cache(maxsize=_CACHE)
def _decimal_evidence(raw: str) -> DecimalStyle | None:
    number = _bare_amount(raw)[0].lstrip("-").replace(" ", "")
    # A separator followed by exactly three digits groups thousands: no TikTok Shop
    # currency has three decimals, so "1.234" says "decimal comma" and "1,234" the reverse.
    if _COMMA_DECIMAL.match(number):
        return "comma"
    if _DOT_DECIMAL.match(number):
        return "dot"
    return None


def read_money(raw: RawCell, style: DecimalStyle) -> Parsed[int]:
    """An amount cell to integer cents, reading separators the file's way."""
    return _read_money_text(raw, style) if isinstance(raw, str) else parse_money(raw)


@lru_cache(maxsize=_CACHE)
def _read_money_text(raw: str, style: DecimalStyle) -> Parsed[int]:
    if text_of(raw) is None:
        return Parsed()
    number = _bare_amount(raw)[0].replace(" ", "")
    if style == "comma" and decimal_evidence(raw) == "dot":
        return Parsed(error=f"{raw.strip()} uses a decimal point where this column uses a decimal comma")
    if style == "comma":
        number = number.replace(".", "").replace(",", ".")
    parsed = parse_money(number)
    if parsed.error:
        return Parsed(error=f"{raw.strip()} is not an amount")
    return parsed


def read_rate(raw: RawCell) -> Parsed[int]:
    """``15%``, ``15,5%``, ``0.15`` -> millionths."""
    return _read_rate_text(raw) if isinstance(raw, str) else parse_rate(raw)


@lru_cache(maxsize=_CACHE)
def _read_rate_text(raw: str) -> Parsed[int]:
    text = text_of(raw)
    if text is None:
        return Parsed()
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return parse_rate(text)


@dataclass
class DateEvidence:
    """Counts, over one file's date cells, of what each says about day/month order."""

    day_first: int = 0
    month_first: int = 0
    ambiguous: int = 0
    example: str = ""

    def add(self, raw: RawCell) -> None:
        if not isinstance(raw, str):
            return
        m = _SLASH_DATE.match(raw)
        if not m:
            return
        first, second = int(m.group(1)), int(m.group(2))
        if first > 12 >= second:
            self.day_first += 1
        elif second > 12 >= first:
            self.month_first += 1
        elif first != second:
            self.ambiguous += 1
            self.example = self.example or raw.strip()

    def decide(self) -> DateOrder | None:
        """The file's order when its rows decide it (the majority when they disagree)."""
        if self.day_first > self.month_first:
            return "DMY"
        if self.month_first > self.day_first:
            return "MDY"
        return None

    @property
    def undecided(self) -> bool:
        return self.decide() is None and (self.ambiguous > 0 or self.day_first > 0)


def read_datetime(raw: RawCell, *, tz: dt.tzinfo, order: DateOrder | None) -> Parsed[dt.datetime]:
    """A date cell to a naive datetime in the Settings time zone, with the file's order."""
    if isinstance(raw, str) and text_of(raw) is None:
        return Parsed()
    parsed = parse_datetime(raw, tz=tz, date_order=order)
    if parsed.value is not None and parsed.value.microsecond:
        return Parsed(parsed.value.replace(microsecond=0))
    return parsed


YES_WORDS = frozenset({"yes", "y", "true", "1", "refunded", "returned"})
NO_WORDS = frozenset({"no", "n", "false", "0"})


def read_yes_no(raw: RawCell) -> Parsed[bool]:
    if isinstance(raw, bool):
        return Parsed(raw)
    text = text_of(raw)
    if text is None:
        return Parsed(False)
    key = text.casefold()
    if key in YES_WORDS:
        return Parsed(True)
    if key in NO_WORDS:
        return Parsed(False)
    return Parsed(error=f"{text} is neither Yes nor No")


SETTLEMENT_WORDS: dict[str, str] = {
    **ORDER_STATUS_WORDS,
    "unsettled": "Pending",
    "to be settled": "Pending",
    "returned": "Refunded",
    "refund": "Refunded",
    "invalid": "Ineligible",
    "ineligible for commission": "Ineligible",
    "unpaid": "Unpaid",
    "awaiting payment": "Unpaid",
}
"""Words that say where TikTok is with a line's commission, and the Orders Status they mean."""

ORDER_STATE_WORDS = frozenset({
    "completed", "complete", "shipped", "delivered", "to ship", "awaiting shipment",
    "awaiting collection", "in transit", "processing", "paid", "placed", "order placed",
})
"""Words about the parcel, not the commission: Settled once TikTok paid the commission
(its paid/settlement time is filled), else Pending."""


def status_for(raw: RawCell, *, commission_paid: bool) -> Parsed[str]:
    """The Orders Status for a TikTok status word (see the module docstring)."""
    return _status_for(text_of(raw), commission_paid)


@lru_cache(maxsize=1024)
def _status_for(text: str | None, commission_paid: bool) -> Parsed[str]:
    if text is None:
        return Parsed(error="the status is blank")
    key = " ".join(text.split()).casefold()
    if key in SETTLEMENT_WORDS:
        return Parsed(SETTLEMENT_WORDS[key])
    if key in ORDER_STATE_WORDS:
        return Parsed("Settled" if commission_paid else "Pending")
    return Parsed(error=f"{text} is not a status SheetOps knows")


CONTENT_WORDS = {
    "video": "Video", "short video": "Video", "videos": "Video",
    "live": "LIVE", "livestream": "LIVE", "live stream": "LIVE", "lives": "LIVE",
    "showcase": "Showcase", "product card": "Showcase", "shop tab": "Showcase",
}


def content_type_for(raw: RawCell) -> str | None:
    """TikTok content types to Video, LIVE, Showcase; anything else is Other."""
    text = text_of(raw)
    if text is None:
        return None
    return CONTENT_WORDS.get(" ".join(text.split()).casefold(), "Other")
