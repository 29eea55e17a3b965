"""What one refresh did (``RunResult``, the ``--json`` / HTTP answer of interfaces.md) and its
Run Log row. Pure: no I/O."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from ._version import __version__
from .backends.base import money_text

Trigger = Literal["cli", "excel", "schedule", "http", "api", "addon"]
NOT_PAID_CAUSES = {
    "no_rule": "settled with no Percent rule to pay them",
    "unknown_creator": "for creators not on the Creators tab",
    "in_error": "left out because of Errors",
}


@dataclass
class RunResult:
    """What one refresh did; ``to_json()`` is the ``--json`` / HTTP answer of interfaces.md."""

    workbook: str
    as_of: dt.date
    result: Literal["ok", "errors", "failed"] = "ok"
    issues: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})
    rows: dict[str, int] = field(default_factory=dict)
    payouts: dict[str, int] = field(
        default_factory=lambda: {"draft": 0, "below_minimum": 0, "on_hold": 0, "locked": 0}
    )
    draft_total_cents: int = 0
    on_hold_total_cents: int = 0
    on_hold_creators: list[str] = field(default_factory=list)
    """Handles of the creators whose drafts are On hold (their rows have Errors)."""
    not_paid: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Order lines that earn nothing and why: ``no_rule``, ``unknown_creator``, ``in_error``
    -> (lines, GMV in cents)."""
    seconds: float = 0.0
    dry_run: bool = False
    changes: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    unchanged: bool = False
    """True when nothing had changed since the last refresh, so only a Run Log row was written."""

    _KEPT = ("result", "issues", "rows", "payouts", "draft_total_cents", "on_hold_total_cents", "on_hold_creators",
             "not_paid", "message")

    def state(self) -> dict[str, Any]:
        """What a later run needs to answer as this one did without computing (see ``unchanged``)."""
        out = {k: getattr(self, k) for k in self._KEPT}
        out["not_paid"] = {k: list(v) for k, v in self.not_paid.items()}
        return out

    @classmethod
    def from_state(cls, state: dict[str, Any], *, workbook: str, as_of: dt.date) -> "RunResult":
        kept = {k: state[k] for k in cls._KEPT}
        kept["not_paid"] = {k: (int(v[0]), int(v[1])) for k, v in kept["not_paid"].items()}
        return cls(workbook=workbook, as_of=as_of, **kept)

    def not_paid_sentence(self) -> str:
        """What earns nothing and why, in words; empty when every line is paid or explained."""
        parts = []
        for cause, words in NOT_PAID_CAUSES.items():
            lines, gmv = self.not_paid.get(cause, (0, 0))
            if lines:
                parts.append(f"{lines} order line{'s' if lines != 1 else ''} ({grouped(gmv)} GMV) {words}")
        return ("Not paid: " + "; ".join(parts) + " - see the Issues tab.") if parts else ""

    def summary(self) -> str:
        """The run's summary in words, as every door ends with it (payouts, holds, not paid)."""
        return " ".join(t for t in (self.payouts_sentence(), self.not_paid_sentence()) if t)

    def payouts_sentence(self) -> str:
        """The payouts part of every door's summary, in words (money grouped: 12,049.28)."""
        p = self.payouts
        held = f"{p['on_hold']} on hold"
        if p["on_hold"]:
            names = ", ".join("@" + n.lstrip("@") for n in self.on_hold_creators[:5]) + (
                " and others" if len(self.on_hold_creators) > 5 else "")
            held += f" (total {grouped(self.on_hold_total_cents)}, for {names}: fix their Errors in the Issues tab)"
        text = (f"Payouts: {p['draft']} ready to approve (total {grouped(self.draft_total_cents)}), "
                f"{p['below_minimum']} below minimum, {held}, {p['locked']} approved or paid.")
        if p.get("not_locked"):
            n = p["not_locked"]
            text += (f" {n} payout{'s' if n != 1 else ''} set to Approved or Paid could not be locked "
                     "and {} kept as you left {}; see the Issues tab.".format("is" if n == 1 else "are",
                                                                            "it" if n == 1 else "them"))
        return text

    @property
    def exit_code(self) -> int:
        return {"ok": 0, "errors": 1}.get(self.result, 2)

    def to_json(self) -> dict[str, Any]:
        return {
            "workbook": self.workbook,
            "as_of": self.as_of.isoformat(),
            "result": self.result,
            "issues": dict(self.issues),
            "rows": dict(self.rows),
            "payouts": {**self.payouts, "draft_total": money_text(self.draft_total_cents),
                        "on_hold_total": money_text(self.on_hold_total_cents)},
            "not_paid": {k: {"lines": self.not_paid.get(k, (0, 0))[0], "gmv": money_text(self.not_paid.get(k, (0, 0))[1])}
                         for k in NOT_PAID_CAUSES},
            "seconds": round(self.seconds, 3),
            "dry_run": self.dry_run,
            "changes": self.changes,
            "message": self.message,
            "unchanged": self.unchanged,
        }


def grouped(cents: int) -> str:
    """Cents as ``12,245.46`` for people (integer arithmetic, no float)."""
    return money_text(cents, grouped=True)


def run_row(started_wall: dt.datetime, started: float, trigger: str, result: str, rows: dict[str, int],
            errors: int, warnings: int, summary: str = "") -> dict[str, object]:
    return {
        "Started": started_wall, "Finished": dt.datetime.now().replace(microsecond=0), "Trigger": trigger,
        "Result": result, "Rows read": ", ".join(f"{k} {v}" for k, v in rows.items()),
        "Errors": errors, "Warnings": warnings, "Seconds": round(time.perf_counter() - started, 2),
        "Version": __version__, "Summary": summary or None,
    }
