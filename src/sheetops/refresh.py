"""The one use case: read the workbook, check every row, compute, write the tool's tabs.

Every door (CLI, Excel button, cloud functions, Python) calls ``refresh``.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

from .backends import open_workbook
from .backends.base import Workbook, money_text

Trigger = Literal["cli", "excel", "schedule", "http", "api"]


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
    seconds: float = 0.0
    dry_run: bool = False
    changes: dict[str, Any] = field(default_factory=dict)
    message: str = ""

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
            "payouts": {**self.payouts, "draft_total": money_text(self.draft_total_cents)},
            "seconds": round(self.seconds, 3),
            "dry_run": self.dry_run,
            "changes": self.changes,
            "message": self.message,
        }


def refresh(
    workbook: "str | os.PathLike[str] | Workbook",
    as_of: "dt.date | str | None" = None,
    dry_run: bool = False,
    *,
    trigger: Trigger = "api",
    on_step: "Callable[[str], None] | None" = None,
) -> RunResult:
    """Refresh one workbook: read, check, compute and (unless ``dry_run``) write.

    ``workbook`` is a path, a Google Sheets URL, ``gsheet:<ID>`` or an open backend.
    ``as_of`` defaults to the Settings ``As of`` value, else today in the Settings time zone.
    ``on_step`` is told the name of each long step as it starts (the CLI shows them).
    Raises ``SheetOpsError`` subclasses when the run cannot happen at all."""
    from .engine import run_refresh

    backend = open_workbook(workbook)
    started = time.perf_counter()
    result = run_refresh(backend, as_of=as_of, dry_run=dry_run, trigger=trigger, on_step=on_step)
    result.seconds = time.perf_counter() - started
    return result
