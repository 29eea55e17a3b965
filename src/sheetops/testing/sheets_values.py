"""Cell values as Google Sheets stores, parses and renders them (en_US locale), kept pure.

A stored cell is ``None`` (empty), ``str``, ``int``/``float``, ``bool`` or a
:class:`Formula`. ``USER_ENTERED`` input goes through :func:`parse_user_entered`, which
returns the value and, for dates, times, percents and currency, the number format Google
would give the cell. Rendering follows ``valueRenderOption`` / ``dateTimeRenderOption``.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Any

EPOCH = dt.datetime(1899, 12, 30)
DATE_TYPES = frozenset({"DATE", "TIME", "DATE_TIME"})


class Formula(str):
    """A cell's formula text, including the leading ``=``."""

    __slots__ = ()


Value = None | str | int | float | bool | Formula

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_SIMPLE_DECIMAL = re.compile(r"^-?\d{1,15}\.\d{1,15}$")
_MAYBE_SPECIAL = frozenset("0123456789+-.$(=':tTfF")


def number(value: float) -> int | float:
    """A float as Google's JSON shows it: integral values without a fraction."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def to_serial(when: dt.datetime) -> int | float:
    """A datetime as a spreadsheet serial number (days since 1899-12-30)."""
    delta = when - EPOCH
    return number(delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6)


def from_serial(serial: float) -> dt.datetime:
    """A spreadsheet serial number as a datetime, rounded to the second."""
    return EPOCH + dt.timedelta(seconds=round(serial * 86400))


def _parse_number(text: str) -> tuple[int | float, dict[str, Any] | None] | None:
    t = text.strip()
    fmt: dict[str, Any] | None = None
    negative = False
    if t.startswith("(") and t.endswith(")"):
        t, negative = t[1:-1], True
    if t.startswith("-$") or t.startswith("$"):
        negative = negative or t.startswith("-")
        t = t.lstrip("-")[1:]
        fmt = {"type": "CURRENCY", "pattern": '"$"#,##0.00'}
    if t.endswith("%"):
        t = t[:-1].strip()
        fmt = {"type": "PERCENT", "pattern": "0.00%" if "." in t else "0%"}
    if not t or not _NUMBER.match(t) or t in "+-":
        return None
    try:
        val: float = float(t.replace(",", ""))
    except ValueError:
        return None
    if fmt is None and "," in t:
        fmt = {"type": "NUMBER", "pattern": "#,##0.00" if "." in t else "#,##0"}
    if fmt and fmt["type"] == "PERCENT":
        val = val / 100
    if negative:
        val = -val
    return number(val), fmt


def _parse_date(text: str) -> tuple[int | float, dict[str, Any]] | None:
    t = text.strip()
    try:
        m = _ISO_DATE.match(t)
        if m:
            y, mo, d, hh, mi, ss = m.groups()
            pattern = "yyyy-mm-dd" if "-" in t[:8] else "yyyy/mm/dd"
        else:
            m = _US_DATE.match(t)
            if m:
                mo, d, y, hh, mi, ss = m.groups()
                pattern = "M/d/yyyy"
            else:
                m = _TIME.match(t)
                if not m:
                    return None
                hh, mi, ss = m.groups()
                secs = int(hh) * 3600 + int(mi) * 60 + int(ss or 0)
                if int(hh) > 23 or int(mi) > 59 or int(ss or 0) > 59:
                    return None
                return number(secs / 86400), {"type": "TIME", "pattern": "h:mm:ss am/pm"}
        when = dt.datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0))
    except ValueError:
        return None
    if hh is not None:
        return to_serial(when), {"type": "DATE_TIME", "pattern": pattern + " h:mm:ss"}
    return to_serial(when), {"type": "DATE", "pattern": pattern}


def parse_user_entered(raw: Any) -> tuple[Value, dict[str, Any] | None]:
    """A value typed into a cell: numbers, percents, currency, dates, times and booleans
    are recognised; a leading ``=`` makes a formula; a leading ``'`` forces text.

    Returns (stored value, number format or None).
    """
    if not isinstance(raw, str):
        return raw, None
    if raw == "" or raw[0] not in _MAYBE_SPECIAL:
        return raw, None
    if raw.isdigit() and len(raw) < 16:
        return int(raw), None
    if _SIMPLE_DECIMAL.match(raw):
        return number(float(raw)), None
    first = raw[0]
    if first == "=":
        return Formula(raw), None
    if first == "'":
        return raw[1:], None
    upper = raw.upper()
    if upper == "TRUE" or upper == "FALSE":
        return upper == "TRUE", None
    parsed = _parse_number(raw)
    if parsed is not None:
        return parsed
    dated = _parse_date(raw)
    if dated is not None:
        return dated
    return raw, None


def plain_number_text(value: float) -> str:
    """A number in Google's automatic format: up to 10 decimals, no trailing zeros."""
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return "#NUM!"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_DATE_TOKENS = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm", re.IGNORECASE)


def _date_token(tok: str, when: dt.datetime, minute: bool, twelve: bool) -> str:
    low = tok.lower()
    if low in ("yyyy", "yy"):
        return f"{when.year:04d}" if low == "yyyy" else f"{when.year % 100:02d}"
    if low in ("mmmm", "mmm"):
        return when.strftime("%B" if low == "mmmm" else "%b")
    if low in ("mm", "m"):
        n = when.minute if minute else when.month
        return f"{n:02d}" if low == "mm" else str(n)
    if low in ("dddd", "ddd"):
        return when.strftime("%A" if low == "dddd" else "%a")
    if low in ("dd", "d"):
        return f"{when.day:02d}" if low == "dd" else str(when.day)
    if low in ("hh", "h"):
        hour = (when.hour % 12 or 12) if twelve else when.hour
        return f"{hour:02d}" if low == "hh" else str(hour)
    if low in ("ss", "s"):
        return f"{when.second:02d}" if low == "ss" else str(when.second)
    return "PM" if when.hour >= 12 else "AM"


def _format_date(value: float, pattern: str) -> str:
    when = from_serial(value)
    twelve = "am/pm" in pattern.lower()
    out: list[str] = []
    pos, prev = 0, ""
    for m in _DATE_TOKENS.finditer(pattern):
        out.append(pattern[pos : m.start()])
        tok = m.group(0)
        out.append(_date_token(tok, when, prev in ("h", "hh"), twelve))
        prev, pos = tok.lower(), m.end()
    out.append(pattern[pos:])
    return "".join(out).replace('"', "")


@functools.lru_cache(maxsize=256)
def _number_pattern(section: str) -> tuple[str, str, int, bool, bool]:
    """A number pattern section split once: (prefix, suffix, decimals, grouped, percent)."""
    prefix_m = re.match(r'^((?:"[^"]*"|[^#0?.,%])*)', section)
    prefix = prefix_m.group(1) if prefix_m else ""
    body = section[len(prefix) :]
    digits_m = re.match(r"^[#0?,]*(\.[0#?]*)?", body)
    core = digits_m.group(0) if digits_m else ""
    suffix = body[len(core) :]
    decimals = len(core.split(".")[1]) if "." in core else 0
    return _unquote(prefix), _unquote(suffix), decimals, "," in core.split(".")[0], "%" in suffix


def _unquote(text: str) -> str:
    return text.replace('"', "").replace("\\", "")


def _format_number(value: float, pattern: str) -> str:
    section = pattern
    if ";" in pattern:
        parts = pattern.split(";")
        section = parts[0]
        if value < 0:
            section, value = parts[1], -value
    prefix, suffix, decimals, grouped, percent = _number_pattern(section)
    if percent:
        value = value * 100
    text = f"{abs(value):,.{decimals}f}" if grouped else f"{abs(value):.{decimals}f}"
    sign = "-" if value < 0 and round(abs(value), decimals) != 0 else ""
    return sign + prefix + text + suffix


def format_value(value: Any, fmt: dict[str, Any] | None) -> str:
    """A stored number/bool/string as FORMATTED_VALUE text under a number format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    if not fmt or fmt.get("type") in (None, "TEXT") or not fmt.get("pattern"):
        kind = (fmt or {}).get("type")
        if kind in DATE_TYPES:
            default = {"DATE": "M/d/yyyy", "TIME": "h:mm:ss am/pm", "DATE_TIME": "M/d/yyyy H:mm:ss"}
            return _format_date(value, default[kind])
        if kind == "PERCENT":
            return _format_number(value, "0.00%")
        if kind == "CURRENCY":
            return _format_number(value, '"$"#,##0.00')
        return plain_number_text(value)
    if fmt["type"] in DATE_TYPES:
        return _format_date(value, fmt["pattern"])
    return _format_number(value, fmt["pattern"])


def cell_chars(value: Any) -> int:
    """How many characters a value holds, for the 50,000-characters-per-cell limit."""
    return len(value) if isinstance(value, str) else 0
