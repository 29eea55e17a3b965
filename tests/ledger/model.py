"""The simulator's own reading of money.md for Bonus and Per video rules, in integer cents.

Nothing here calls the tool: rules, campaigns, tiers and rounding are modelled directly from
the contract so that the history tests compare the tool against an independent answer.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

START = dt.date(2026, 10, 5)  # a Monday: the simulated program's first week
TIERS = {"glowwithmia": "Gold", "dadjokesdan": "Silver"}
CAMPAIGN = ("FALL26", dt.date(2026, 10, 1), dt.date(2026, 12, 31), "P100")
"""The one campaign on the Campaigns tab: code, Start, End, its product."""


def half_away(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to an integer, halves away from zero (exact)."""
    q = (abs(numerator) + denominator // 2) // denominator
    return -q if numerator < 0 else q


def money_text(value_cents: int) -> str:
    sign = "-" if value_cents < 0 else ""
    return f"{sign}{abs(value_cents) // 100}.{abs(value_cents) % 100:02d}"


def rate_text(millionths: int) -> str:
    return f"{(Decimal(millionths) / 10_000).normalize():f}%"


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


class OrderLine(Protocol):
    creator: str
    gmv: int
    refund: int
    status: str
    ordered: dt.date
    settled: dt.date | None
    product: str


def campaign_of(line: OrderLine) -> str:
    """A blank Campaign cell means the campaign listing the line's product on its order date."""
    code, start, end, product = CAMPAIGN
    return code if line.product == product and start <= line.ordered <= end else ""


@dataclass(frozen=True)
class BonusRule:
    name: str
    min_gmv: int | None = None
    rate: int | None = None
    """Millionths (25_000 = 2.5%)."""
    amount: int | None = None
    max_gmv: int | None = None
    creator: str = ""
    campaign: str = ""
    product: str = ""
    tier: str = ""
    valid_from: dt.date | None = None

    def row(self) -> list[Any]:
        def m(v: int | None) -> str:
            return "" if v is None else money_text(v)
        return [self.name, "Bonus", self.creator, self.campaign, self.product, self.tier,
                "" if self.rate is None else rate_text(self.rate), m(self.amount), m(self.min_gmv), m(self.max_gmv),
                self.valid_from.isoformat() if self.valid_from else "", "", ""]

    def matches(self, creator: str) -> bool:
        return self.creator in ("", creator) and self.tier in ("", TIERS[creator])

    def pays(self, g: int) -> int | None:
        """What the band pays on G, or None when G is below Min GMV."""
        low = self.min_gmv or 0
        if g < low:
            return None
        top = g if self.max_gmv is None else min(g, self.max_gmv)
        return (self.amount or 0) + half_away((self.rate or 0) * (top - low), 1_000_000)


@dataclass(frozen=True)
class VideoRule:
    name: str
    amount: int
    creator: str = ""
    campaign: str = ""
    tier: str = ""
    valid_from: dt.date | None = None

    def row(self) -> list[Any]:
        return [self.name, "Per video", self.creator, self.campaign, "", self.tier, "", money_text(self.amount),
                "", "", self.valid_from.isoformat() if self.valid_from else "", "", ""]

    def filled(self) -> int:
        return sum(bool(f) for f in (self.creator, self.campaign, self.tier))

    def applies(self, creator: str, campaign: str, posted: dt.date) -> bool:
        return (self.creator in ("", creator) and self.campaign in ("", campaign) and self.tier in ("", TIERS[creator])
                and (self.valid_from is None or posted >= self.valid_from))


@dataclass
class Video:
    cid: str
    creator: str
    posted: dt.date
    approved: str = "Pending"
    campaign: str = ""

    def row(self) -> list[Any]:
        return [self.cid, self.creator, self.campaign, "Video", self.posted.isoformat(), "", self.approved]


BONUS_RULES = (
    BonusRule("B-BAND1", min_gmv=0, max_gmv=300_00, rate=25_000),  # 2.5% of the first 300.00
    BonusRule("B-BAND2", min_gmv=300_00, rate=45_000, amount=2_00),  # 2.00 + 4.5% above 300.00
    BonusRule("B-GOLD", min_gmv=150_00, amount=10_00, tier="Gold"),
    BonusRule("B-FALL", min_gmv=50_00, max_gmv=1_000_00, rate=33_300, campaign="FALL26"),
    BonusRule("B-P200", min_gmv=0, amount=1_00, product="P200"),  # Min 0: every period with a payable line
    BonusRule("B-DAN", min_gmv=0, rate=15_000, creator="dadjokesdan", valid_from=START + dt.timedelta(days=20)),
)
VIDEO_RULES = (
    VideoRule("V-ALL", 25_00),
    VideoRule("V-GOLD", 40_00, tier="Gold", valid_from=START + dt.timedelta(days=14)),
    VideoRule("V-DANFALL", 35_50, creator="dadjokesdan", campaign="FALL26"),
)


def bonus_earned(lines: Iterable[OrderLine], rules: Iterable[BonusRule], this_week: dt.date) -> dict[str, int]:
    """Every band, for every creator and closed week in which they have a payable line."""
    by_pair: dict[tuple[str, dt.date], list[OrderLine]] = defaultdict(list)
    for ln in lines:
        if ln.status == "Settled" and ln.settled and week_of(ln.settled) < this_week:
            by_pair[(ln.creator, week_of(ln.settled))].append(ln)
    out: dict[str, int] = defaultdict(int)
    for (creator, week), mine in by_pair.items():
        last_day = week + dt.timedelta(days=6)
        for rule in rules:
            if not rule.matches(creator) or (rule.valid_from and last_day < rule.valid_from):
                continue
            g = sum(ln.gmv - ln.refund for ln in mine
                    if rule.campaign in ("", campaign_of(ln)) and rule.product in ("", ln.product))
            paid = rule.pays(g)
            if paid is not None:
                out[creator] += paid
    return out


def video_earned(videos: Iterable[Video], rules: Iterable[VideoRule]) -> dict[str, int]:
    """The most specific valid Per video rule's Amount for every approved video."""
    out: dict[str, int] = defaultdict(int)
    for v in videos:
        if v.approved != "Yes":
            continue
        fitting = sorted((r for r in rules if r.applies(v.creator, v.campaign, v.posted)), key=VideoRule.filled)
        if fitting:
            assert len(fitting) < 2 or fitting[-1].filled() > fitting[-2].filled(), "the simulator made a rule tie"
            out[v.creator] += fitting[-1].amount
    return out
