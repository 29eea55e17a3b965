"""A small creator program played week by week on the in-memory backend.

The simulator keeps its own record of what every item earns (a flat Percent rule whose rate
a manager may change, a Gold retainer, adjustments, and the Bonus bands and Per video rules a
history draws, modelled in ``model.py``), runs the tool after every step, and plays the manager in the Payouts grid: setting Status to Approved or Paid, as a
person would. ``check`` asserts the ledger's promises after every run.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import sheetops
from sheetops.backends.memory import MemoryWorkbook
from sheetops.workbook.cells import parse_money
from sheetops.compute import compute

from ..builders import ORDER_HEADER, rows, workbook
from .model import START, BonusRule, Video, VideoRule, bonus_earned, half_away, money_text, rate_text, video_earned

RETAINER = 500  # cents a week for Gold creators (@glowwithmia) from START
CREATORS = ("glowwithmia", "dadjokesdan")
AMOUNT_COLUMNS = ("Commission", "Video fees", "Bonus", "Retainer", "Adjustments", "Corrections", "Carried in")
TOOL_COLUMNS = ("Payout ID", "Period start", "Period end", "Creator", *AMOUNT_COLUMNS, "Total", "Currency")


def cents(value: Any) -> int:
    return parse_money(value).value or 0


money = money_text


@dataclass
class Line:
    oid: str
    creator: str
    gmv: int
    ordered: dt.date
    status: str = "Pending"
    settled: dt.date | None = None
    refund: int = 0
    product: str = "P100"


@dataclass
class Program:
    """The simulated program: its inputs, the manager's view, and the checks."""

    minimum_cents: int = 0
    rate_millionths: int = 100_000
    percent_product: str = ""
    """The Percent rule's Product filter: lines of other products earn no commission but still
    count in a Bonus's G."""
    today: dt.date = START
    lines: list[Line] = field(default_factory=list)
    adjustments: list[tuple[str, dt.date, int, str]] = field(default_factory=list)
    bonus_rules: list[BonusRule] = field(default_factory=list)
    video_rules: list[VideoRule] = field(default_factory=list)
    videos: list[Video] = field(default_factory=list)
    seen_locked: dict[str, tuple] = field(default_factory=dict)
    """Payout ID -> its tool columns when it was approved: they may never change."""
    ledger_rows: dict[str, list[list[Any]]] = field(default_factory=dict)
    runs: int = 0
    wb: MemoryWorkbook = field(init=False)
    previous: dict[str, list[list[Any]]] = field(default_factory=dict)
    """The tool tabs as the last run found them (to replay that run without the bad rows)."""

    def __post_init__(self) -> None:
        creators = [["@glowwithmia", "Mia Tran", "Active", "Gold", "2026-01-01"],
                    ["dadjokesdan", "Dan Ruiz", "Active", "Silver", "2026-01-01"]]
        self.wb = workbook(creators=creators, minimum_payout=money(self.minimum_cents), rules=self._rules())

    def _rules(self) -> list[list[Any]]:
        return [["R-BASE", "Percent", "", "", self.percent_product, "", rate_text(self.rate_millionths), "", "", "", "", "", ""],
                ["R-GOLD", "Retainer", "", "", "", "Gold", "", money(RETAINER), "", "", START.isoformat(), "", ""],
                *(r.row() for r in self.bonus_rules), *(r.row() for r in self.video_rules)]

    # ------------------------------------------------------------ what people do
    def order(self, creator: str, gmv_cents: int, days_back: int = 0, settled_days_back: int | None = None,
              product: str = "P100") -> None:
        """A new order line, ordered ``days_back`` days ago; settled at once when ``settled_days_back`` is given."""
        self.lines.append(Line(f"O{len(self.lines) + 1}", creator, gmv_cents, self.today - dt.timedelta(days=days_back),
                               product=product))
        if settled_days_back is not None:
            self.settle(len(self.lines) - 1, min(settled_days_back, days_back), only=self.lines[-1])

    def settle(self, n: int, days_back: int, only: Line | None = None) -> None:
        line = only or self._pick(n, {"Pending"})
        if line:
            line.status = "Settled"
            line.settled = max(line.ordered, self.today - dt.timedelta(days=days_back))

    def refund(self, n: int, part: int) -> None:
        """Refund ``part`` percent of a line (100 = the whole line turns Refunded)."""
        line = self._pick(n, {"Settled", "Pending"})
        if line:
            if part >= 100:
                line.status, line.refund = "Refunded", line.gmv
            else:
                line.refund = line.gmv * part // 100

    def ineligible(self, n: int) -> None:
        line = self._pick(n, {"Settled", "Pending"})
        if line:
            line.status = "Ineligible"

    def break_line(self, creator: str) -> None:
        """An order line with a status word the tool does not know: an Error, the creator On hold."""
        self.lines.append(Line(f"O{len(self.lines) + 1}", creator, 1_000, self.today, status="Bogus"))

    def fix_lines(self) -> None:
        for line in self.lines:
            if line.status == "Bogus":
                line.status = "Pending"

    def change_rate(self, percent_tenths: int) -> None:
        self.rate_millionths = percent_tenths * 1000

    def adjust(self, creator: str, days_back: int, amount_cents: int) -> None:
        self.adjustments.append((creator, self.today - dt.timedelta(days=days_back), amount_cents,
                                 f"Adjustment {len(self.adjustments) + 1}"))

    def change_bonus(self, n: int, percent_tenths: int) -> None:
        """A manager changes one Bonus band's Rate (locked bonuses then get corrections)."""
        if self.bonus_rules:
            i = n % len(self.bonus_rules)
            self.bonus_rules[i] = replace(self.bonus_rules[i], rate=percent_tenths * 1000)

    def change_video_fee(self, n: int, amount_cents: int) -> None:
        if self.video_rules:
            i = n % len(self.video_rules)
            self.video_rules[i] = replace(self.video_rules[i], amount=amount_cents)

    def post(self, creator: str, days_back: int, approved: str = "Pending", campaign: str = "") -> None:
        """A video posted ``days_back`` days ago (possibly in a week already paid)."""
        self.videos.append(Video(f"V{len(self.videos) + 1}", creator, self.today - dt.timedelta(days=days_back),
                                 approved, campaign))

    def approve_video(self, n: int) -> None:
        video = self._pick_video(n, {"Pending", "No"})
        if video:
            video.approved = "Yes"

    def unapprove_video(self, n: int) -> None:
        """Yes -> No, possibly after the fee was paid: a negative Correction."""
        video = self._pick_video(n, {"Yes"})
        if video:
            video.approved = "No"

    def backdate_video(self, n: int, days: int) -> None:
        video = self._pick_video(n, {"Yes", "Pending", "No"})
        if video:
            video.posted -= dt.timedelta(days=days)

    def _pick_video(self, n: int, approved: set[str]) -> Video | None:
        pool = [v for v in self.videos if v.approved in approved]
        return pool[n % len(pool)] if pool else None

    def advance(self, days: int) -> None:
        self.today += dt.timedelta(days=days)

    def _pick(self, n: int, statuses: set[str]) -> Line | None:
        pool = [line for line in self.lines if line.status in statuses]
        return pool[n % len(pool)] if pool else None

    # ------------------------------------------------------------ the manager in Payouts
    def approve(self, n: int) -> str | None:
        """Set one draft (Draft, Below minimum or On hold) to Approved, as a person would."""
        return self._set_status(n, {"Draft", "Below minimum", "On hold"}, "Approved")

    def pay(self, n: int) -> str | None:
        return self._set_status(n, {"Approved"}, "Paid", paid_on=self.today)

    def _set_status(self, n: int, current: set[str], new: str, paid_on: dt.date | None = None) -> str | None:
        grid = self.wb.tabs.get("Payouts")
        if not grid:
            return None
        head = grid[0]
        candidates = [r for r in grid[1:] if r[head.index("Status")] in current]
        if not candidates:
            return None
        row = candidates[n % len(candidates)]
        row[head.index("Status")] = new
        if paid_on:
            row[head.index("Paid on")] = paid_on
        pid = row[head.index("Payout ID")]
        if new == "Approved":
            self.seen_locked[pid] = tuple(row[head.index(c)] for c in TOOL_COLUMNS)
        return pid

    # ------------------------------------------------------------ running the tool
    def sync(self) -> None:
        """Write the simulated inputs into the workbook's Orders and Adjustments tabs."""
        self.wb.tabs["Orders"] = [ORDER_HEADER] + [
            [ln.oid, "S1", ln.product, ln.creator, "", f"{ln.ordered.isoformat()} 10:00:00",
             ln.settled.isoformat() if ln.settled else "", ln.status, 1, money(ln.gmv), money(ln.refund)]
            for ln in self.lines]
        self.wb.tabs["Adjustments"] = [["Creator", "Date", "Amount", "Reason"]] + [
            [c, d.isoformat(), money(a), reason] for c, d, a, reason in self.adjustments]
        self.wb.tabs["Content"] = [["Content ID", "Creator", "Campaign", "Type", "Posted", "URL", "Approved"]] + [
            v.row() for v in self.videos]
        self.wb.tabs["Rules"] = [self.wb.tabs["Rules"][0], *self._rules()]

    def run(self, twice: bool = False) -> None:
        self.sync()
        self.previous = {t: [list(r) for r in self.wb.tabs[t]] for t in ("Payouts", "Commission Lines", "Ledger",
                                                                         "Run Log") if t in self.wb.tabs}
        result = sheetops.refresh(self.wb, as_of=self.today)
        self.runs += 1
        problems = [i for i in rows(self.wb, "Issues") if i["Severity"] == "Error"]
        # Only a damaged Ledger stops payouts; an approval is locked as shown even when its
        # creator has an Error since (rules 2 and 7), so no Error is ever on the Payouts tab here.
        assert not result.message and result.payouts["not_locked"] == 0, (result.message, problems)
        assert all(i["Tab"] == "Orders" and "Bogus" in str(i["Value"]) for i in problems), problems
        self.check()
        self.check_isolation()
        if twice:
            before = {t: [list(r) for r in g] for t, g in self.wb.tabs.items() if t != "Run Log"}
            sheetops.refresh(self.wb, as_of=self.today)
            after = {t: g for t, g in self.wb.tabs.items() if t != "Run Log"}
            assert after == before, "a repeated run changed the workbook"

    # ------------------------------------------------------------ the promises
    def held(self) -> set[str]:
        return {ln.creator for ln in self.lines if ln.status == "Bogus"}

    def check_isolation(self) -> None:
        """One creator's bad row changes no other creator's payouts: the same run without the
        bad rows gives every other creator exactly the same Payouts rows and lines."""
        held = self.held()
        if not held:
            return
        twin = MemoryWorkbook({t: [list(r) for r in g] for t, g in self.wb.tabs.items()})
        before = {t: [list(r) for r in g] for t, g in self.previous.items()}
        twin.tabs.update(before)
        twin.tabs["Orders"] = [r for r in twin.tabs["Orders"] if r[7] != "Bogus"]
        sheetops.refresh(twin, as_of=self.today)

        def others(wb: MemoryWorkbook, tab: str) -> list[dict[str, Any]]:
            return [r for r in rows(wb, tab) if str(r["Payout ID"]).split("/", 1)[1] not in held]

        for tab in ("Payouts", "Commission Lines"):
            assert others(twin, tab) == others(self.wb, tab), f"a bad row of {held} changed others' {tab}"

    def earned(self) -> dict[str, int]:
        """What every item currently earns, per creator, computed here (not by the tool)."""
        out: dict[str, int] = defaultdict(int)
        for ln in self.lines:
            if ln.status == "Settled" and self.percent_product in ("", ln.product):
                out[ln.creator] += half_away((ln.gmv - ln.refund) * self.rate_millionths, 1_000_000)
        for creator, _, amount, _ in self.adjustments:
            out[creator] += amount
        this_week = self.today - dt.timedelta(days=self.today.weekday())
        out["glowwithmia"] += RETAINER * max((this_week - START).days // 7, 0)  # one per closed week
        for part in (bonus_earned(self.lines, self.bonus_rules, this_week), video_earned(self.videos, self.video_rules)):
            for creator, amount in part.items():
                out[creator] += amount
        return out

    def check(self) -> None:
        payouts = rows(self.wb, "Payouts")
        ledger = rows(self.wb, "Ledger")
        lines = rows(self.wb, "Commission Lines")
        locked_ids = {r["Payout ID"] for r in ledger if r["Kind"] == "Payout"}
        # Rule 1: an item is in at most one locked payout.
        keys = [(r["Payout ID"].split("/", 1)[1], r["Item"]) for r in ledger if r["Kind"] != "Payout"]
        assert len(keys) == len(set(keys)), "an item is in two locked payouts"
        # Locked payouts never change: their rows as approved, their Ledger rows as first locked.
        by_id = {r["Payout ID"]: r for r in payouts}
        assert set(self.seen_locked) == locked_ids, (set(self.seen_locked), locked_ids)
        for pid, shown in self.seen_locked.items():
            assert tuple(by_id[pid][c] for c in TOOL_COLUMNS) == shown, f"locked payout {pid} changed"
            mine = [[r[c] for c in ("Item", "Kind", "Amount")] for r in ledger if r["Payout ID"] == pid]
            assert self.ledger_rows.setdefault(pid, mine) == mine, f"the Ledger rows of {pid} changed"
        # Every Total is the sum of its columns and of its Commission Lines.
        by_payout: dict[str, int] = defaultdict(int)
        for line in lines:
            by_payout[line["Payout ID"]] += cents(line["Amount"])
        held = self.held()
        carried_out = {line["Payout ID"] for line in lines if str(line.get("Item") or "").startswith("carry-out:")}
        for p in payouts:
            total = cents(p["Total"])
            assert total == sum(cents(p[c]) for c in AMOUNT_COLUMNS) == by_payout[p["Payout ID"]]
            if p["Payout ID"] in locked_ids:
                continue
            # A draft's Status follows its current Total (rules 6, 7, 8).
            # "carried everything forward" is its carry-out line, not the sign of Carried in: a
            # row that received a carry and passed it on with its own negative items nets > 0
            carried_all = total == 0 and p["Payout ID"] in carried_out
            want = ("On hold" if p["Payout ID"].split("/", 1)[1] in held
                    else "Below minimum" if 0 < total < self.minimum_cents or carried_all else "Draft")
            assert p["Status"] == want, (p["Payout ID"], p["Status"], want, total, p["Carried in"])
        # The invariant: for every creator, locked payouts + drafts + items still waiting for a
        # period to close == what every item currently earns, to the cent.
        done = compute({t: g for t, g in self.wb.tabs.items()}, self.today)
        waiting = done.ledger.waiting
        for creator in CREATORS:
            paid_or_drafted = sum(cents(p["Total"]) for p in payouts if p["Payout ID"].split("/", 1)[1] == creator)
            still_waiting = int(waiting.loc[waiting["creator"] == creator, "amount_cents"].sum())
            assert paid_or_drafted + still_waiting == self.earned()[creator], (
                creator, paid_or_drafted, still_waiting, self.earned()[creator])
        # Items only wait when no closed period is open for them.
        this_week = self.today - dt.timedelta(days=self.today.weekday())
        for rec in waiting.to_dict("records"):
            anchor = rec["anchor"].date()
            week = anchor
            while week < this_week:
                assert f"{week.isoformat()}/{rec['creator']}" in locked_ids, f"{rec['key']} waits but {week} is open"
                week += dt.timedelta(days=7)
