"""How many refreshes one Google identity can run per minute, and when each sheet's turn is.

Google limits the Sheets API per user (a service account is one user): by default 60 read
and 60 write requests a minute. A refresh costs ``REFRESH_COST`` (2 reads and 2 writes, the
run lock included; see ``backends/gsheets.py``), so one identity can refresh
``min(60 / 2, 60 / 2) = 30`` sheets a minute; SheetOps plans for ``HEADROOM`` of that (24 a
minute, 1,440 an hour), leaving room for heartbeats, retries and people's own runs.

``dispatch`` runs every minute (Cloud Scheduler ``* * * * *``). Each sheet has a fixed turn
in the hour: sheet ``i`` of the registry refreshes in minute ``i // per_minute``, at second
``(i % per_minute) * spacing`` of it, so the requests of one identity are spread evenly and
never exceed its per-minute quota. More sheets than ``per_hour`` take turns across hours
(each hour starts further down the list), and the log says so.

Everything here is pure: numbers and times in, a plan out.

>>> cap = capacity(Quota(), REFRESH_COST)
>>> cap.per_minute, cap.per_hour, cap.spacing_seconds
(24, 1440, 2.5)
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Quota:
    """Requests one identity may make per minute (Google's defaults for the Sheets API)."""

    reads_per_minute: int = 60
    writes_per_minute: int = 60


@dataclass(frozen=True)
class RefreshCost:
    """Requests one refresh makes (a later refresh of a small or medium sheet)."""

    reads: int = 2
    writes: int = 2


REFRESH_COST = RefreshCost()
HEADROOM = 0.8
"""The share of the quota the schedule plans to use."""


@dataclass(frozen=True)
class Capacity:
    """What one identity can refresh: per minute, per hour, seconds between two starts."""

    per_minute: int
    quota: Quota
    cost: RefreshCost

    @property
    def per_hour(self) -> int:
        return self.per_minute * 60

    @property
    def spacing_seconds(self) -> float:
        return 60.0 / self.per_minute

    def sentence(self) -> str:
        return (f"one Google account refreshes at most {self.per_minute} sheets a minute, {self.per_hour:,} an hour "
                f"({self.quota.reads_per_minute} reads and {self.quota.writes_per_minute} writes per minute per user, "
                f"{self.cost.reads} reads and {self.cost.writes} writes a refresh, {HEADROOM:.0%} of the quota planned)")


def capacity(quota: Quota, cost: RefreshCost = REFRESH_COST, *, headroom: float = HEADROOM) -> Capacity:
    """Refreshes per minute that keep one identity within ``headroom`` of its quota (at least 1)."""
    per_minute = min(quota.reads_per_minute * headroom / cost.reads, quota.writes_per_minute * headroom / cost.writes)
    return Capacity(max(1, math.floor(per_minute)), quota, cost)


@dataclass(frozen=True)
class Turn:
    """One sheet's refresh in the current minute: not before ``not_before`` (UTC)."""

    spreadsheet: str
    not_before: dt.datetime


@dataclass(frozen=True)
class MinutePlan:
    """What one dispatch publishes, and what the hour looks like."""

    turns: list[Turn]
    minute: int
    registered: int
    this_hour: int
    """How many registered sheets refresh this hour (all of them, unless over capacity)."""


def hour_order(sheet_ids: list[str], hour: int, cap: Capacity) -> list[str]:
    """The sheets that refresh in hour ``hour`` (hours since the epoch), in turn order:
    all of them when they fit, else ``per_hour`` of them, starting further down each hour."""
    if len(sheet_ids) <= cap.per_hour:
        return list(sheet_ids)
    start = (hour * cap.per_hour) % len(sheet_ids)
    rotated = sheet_ids[start:] + sheet_ids[:start]
    return rotated[: cap.per_hour]


def plan_minute(sheet_ids: list[str], when: dt.datetime, cap: Capacity) -> MinutePlan:
    """The turns that fall in the minute of ``when`` (an aware datetime, the dispatch's
    scheduled time): sheet ``i`` of the hour's order goes in minute ``i // per_minute``."""
    when = when.astimezone(dt.timezone.utc)
    minute_start = when.replace(second=0, microsecond=0)
    hour = int(minute_start.timestamp() // 3600)
    order = hour_order(sheet_ids, hour, cap)
    first = minute_start.minute * cap.per_minute
    turns = [Turn(sid, minute_start + dt.timedelta(seconds=j * cap.spacing_seconds))
             for j, sid in enumerate(order[first:first + cap.per_minute])]
    return MinutePlan(turns, minute_start.minute, len(sheet_ids), len(order))
