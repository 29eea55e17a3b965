"""The Settings tab: currency, time zone, payout period, minimum payout, date order."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..backends.base import Grid
from .cells import DateOrder, is_blank, parse_date, parse_money, shown
from .currencies import COMMON, is_currency
from .issues import IssueLog
from .schema import SETTINGS, WEEKDAYS, normalize_header

TAB = "Settings"


@dataclass(frozen=True)
class Settings:
    currency: str = "USD"
    timezone: str = "UTC"
    payout_period: str = "Weekly"
    week_starts: int = 0
    """0 = Monday ... 6 = Sunday."""
    minimum_payout_cents: int = 0
    date_order: DateOrder | None = None
    client: str = ""
    as_of: dt.date | None = None
    unknown_currency: str | None = None
    """The code typed in Settings when it is not an ISO 4217 code (``currency`` is then the
    default): order lines are then not checked against it one by one."""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def weekly(self) -> bool:
        return self.payout_period == "Weekly"

    def today(self) -> dt.date:
        return dt.datetime.now(self.tz).date()


_KNOWN = {normalize_header(s.name): s for s in SETTINGS}


def read_settings(grid: Grid | None, log: IssueLog) -> Settings:
    """Parse the Settings tab; a bad value is an Error and its default is used instead."""
    values: dict[str, object] = {}
    rows: dict[str, int] = {}
    kv = 1
    if grid:
        header = [normalize_header(h) for h in grid[0]]
        try:
            ks, kv = header.index("setting"), header.index("value")
        except ValueError:
            log.add("Error", TAB, 1, "Setting", "", "The Settings tab needs the headers Setting and Value in row 1.",
                    "Type Setting in A1 and Value in B1, then list one setting per row.")
            return Settings()
        for n, row in enumerate(grid[1:], start=2):
            name = row[ks] if ks < len(row) else None
            value = row[kv] if kv < len(row) else None
            if is_blank(name):
                continue
            key = normalize_header(name)
            if key not in _KNOWN:
                log.add("Warning", TAB, n, "Setting", name, f"SheetOps does not know the setting {shown(name)}.",
                        "Check the spelling against the Start Here tab, or delete the row.", col_index=ks)
                continue
            values[key], rows[key] = value, n
    kwargs: dict[str, object] = {}

    def bad(key: str, problem: str, fix: str) -> None:
        log.add("Error", TAB, rows[key], "Value", values[key], problem, fix, col_index=kv)

    def text(key: str) -> str | None:
        v = values.get(key)
        return None if is_blank(v) else shown(v).strip()

    if (cur := text("currency")) is not None:
        if re.fullmatch(r"[A-Za-z]{3}", cur) and is_currency(cur):
            kwargs["currency"] = cur.upper()
        else:
            bad("currency", f"{cur} is not an ISO 4217 currency code; SheetOps assumed {Settings.currency} for this "
                "run, so order lines in another currency are not flagged one by one.",
                f"Type the workbook's ISO 4217 currency code, one of {', '.join(COMMON)} (or another ISO 4217 code).")
            kwargs["unknown_currency"] = cur
    if (tz := text("timezone")) is not None:
        try:
            ZoneInfo(tz)
            kwargs["timezone"] = tz
        except (ZoneInfoNotFoundError, ValueError):
            bad("timezone", f"{tz} is not a time zone SheetOps knows; SheetOps assumed {Settings.timezone} for this run.",
                "Type an IANA time zone name such as America/New_York, America/Los_Angeles, Europe/London, "
                "Asia/Singapore or UTC.")
    if (period := text("payout period")) is not None:
        match = [p for p in ("Weekly", "Monthly") if p.casefold() == period.casefold()]
        if match:
            kwargs["payout_period"] = match[0]
        else:
            bad("payout period", f"{period} is not a payout period.", "Choose Weekly or Monthly.")
    if (start := text("week starts")) is not None:
        days = [d.casefold() for d in WEEKDAYS]
        if start.casefold() in days:
            kwargs["week_starts"] = days.index(start.casefold())
        else:
            bad("week starts", f"{start} is not a day of the week.", "Type a day such as Monday or Sunday.")
    if "minimum payout" in values and not is_blank(values["minimum payout"]):
        parsed = parse_money(values["minimum payout"])
        if parsed.error or (parsed.value or 0) < 0:
            bad("minimum payout", parsed.error or "The minimum payout cannot be negative.",
                "Type an amount such as 25 or 25.00, or 0 for no minimum.")
        else:
            kwargs["minimum_payout_cents"] = parsed.value
    if (order := text("date order")) is not None:
        if order.upper() in ("YMD", "MDY", "DMY"):
            kwargs["date_order"] = order.upper()
        else:
            bad("date order", f"{order} is not a date order.", "Type MDY (11/09/2026 is November 9), DMY or YMD.")
    if (client := text("client")) is not None:
        kwargs["client"] = client
    if "as of" in values and not is_blank(values["as of"]):
        parsed_date = parse_date(values["as of"], date_order=kwargs.get("date_order"))  # type: ignore[arg-type]
        if parsed_date.error:
            bad("as of", parsed_date.error, "Type a date such as 2026-11-18, or leave it blank for today.")
        else:
            kwargs["as_of"] = parsed_date.value
    return Settings(**kwargs)  # type: ignore[arg-type]
