"""An unchanged workbook is not refreshed again in full (issue #21).

A backend that ``RemembersRuns`` (the ``.xlsx`` file: ``backends/xlsx_memory.py``) keeps, with
each refresh it writes, the fingerprint of the workbook as written and a small state: the
as-of date, the SheetOps code and the run's answer. The next refresh compares; when the
workbook, the as-of date and the code are all as they were, it appends one Run Log row
saying so and answers as the last run did, without reading, checking or computing anything.

A Google Sheet (``backends/gsheets.py``) keeps the state in developer metadata, with the
fingerprint of what the run *read* (it cannot fingerprint what Google stores of its write
without reading it back). The next refresh reads the tabs a refresh reads (as a full run
would), fingerprints them and compares: equal means nobody edited them and the last run's
write left them as it had read them, so computing again would write the same tool tabs. A
run that changes Payouts or the Ledger is therefore followed by one more full run before
the skipping starts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib import metadata
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .backends.base import Grid, WritePlan, Workbook
from .result import RunResult, Trigger, run_row
from .workbook import schema

if TYPE_CHECKING:
    from .compute import Computed

def code_id() -> str:
    """Which SheetOps computed a result: the version, a digest of the package's source and the
    versions of the libraries that read and compute, so a changed install never reuses a result
    the old code computed."""
    global _CODE_ID
    if _CODE_ID is None:
        digest = hashlib.sha256(__version__.encode())
        for library in ("pandas", "numpy", "pyarrow", "python-calamine", "fastexcel"):  # they read and compute too
            try:
                digest.update(f"{library}={metadata.version(library)}".encode())
            except metadata.PackageNotFoundError:
                pass
        root = Path(__file__).resolve().parent
        for path in sorted(root.rglob("*.py")):
            if "testing" not in path.relative_to(root).parts:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
        _CODE_ID = f"{__version__}+{digest.hexdigest()[:16]}"
    return _CODE_ID


_CODE_ID: str | None = None


def remember(plan: WritePlan, tabs: dict[str, str], result: RunResult, done: Computed,
              as_of: dt.date | str | None, *, read: str) -> None:
    """Ask the backend to keep what the next run needs to see that nothing changed. ``read`` is
    the fingerprint of the workbook this run read: if the file it replaces differs (someone
    saved it while the run computed), the backend keeps no answer, so the next run is full."""
    from .compute import parse_as_of

    settings = done.program.settings
    given = parse_as_of(as_of)
    late = plan.late_edits

    def state() -> dict[str, Any]:
        return {
            "fingerprint": read,
            "code": code_id(),
            "as_of": done.as_of.isoformat(),
            "as_of_given": given.isoformat() if given else None,
            "as_of_setting": settings.as_of.isoformat() if settings.as_of else None,
            "timezone": settings.timezone,
            # edits kept from while this run computed were not computed with: never reuse it;
            # nor an answer with payouts approved but not locked (each run looks at them again)
            "result": None if (late is not None and getattr(late, "kept", None)) or done.ledger.refused
            else result.state(),
        }

    plan.remember = state
    plan.remember_skip = tabs.get(schema.RUN_LOG, schema.RUN_LOG)


def unchanged_since(now: str, state: dict[str, Any] | None, as_of: dt.date | str | None) -> dict[str, Any] | None:
    """The last run's state when the workbook (its fingerprint ``now``), the as-of date and the
    code are all as they were then; else None (a full refresh)."""
    from zoneinfo import ZoneInfo

    from .compute import parse_as_of

    if not state or state.get("fingerprint") != now or state.get("code") != code_id() or not state.get("result"):
        return None
    try:
        given = parse_as_of(as_of)
        if given is None and state.get("as_of_setting"):
            day = dt.date.fromisoformat(state["as_of_setting"])
        elif given is None:
            day = dt.datetime.now(ZoneInfo(state["timezone"])).date()
        else:
            day = given
        if day.isoformat() != state.get("as_of"):
            return None
        RunResult.from_state(state["result"], workbook="", as_of=day)
    except (KeyError, TypeError, ValueError, LookupError):
        return None
    return state


def log_unchanged(backend: Workbook, tabs: dict[str, str], state: dict[str, Any], *, started_wall: dt.datetime,
                   started: float, trigger: Trigger, lock_note: str | None) -> RunResult:
    """An unchanged workbook: the last run's result again, and one Run Log row saying so."""
    from .tool_tabs import run_log_tab

    day = dt.date.fromisoformat(state["as_of"])
    result = RunResult.from_state(state["result"], workbook=backend.label, as_of=day)
    result.unchanged = True
    name = tabs.get(schema.RUN_LOG, schema.RUN_LOG)
    log = backend.read([name]).get(name) if name in backend.tab_names() else None
    row = run_row(started_wall, started, trigger, result.result, result.rows, result.issues["error"],
                   result.issues["warning"], result.summary())
    row["Notes"] = " ".join(t for t in (UNCHANGED_NOTE, lock_note or "") if t)
    tab = run_log_tab(log, row)
    tab.name = name
    plan = WritePlan(tabs=[tab], last=True, remember=lambda: dict(state), remember_skip=name)
    try:
        backend.apply(plan)
    except Exception as exc:  # as a full run does: try to leave a Run Log row saying so
        log_failure(backend, tabs, log, started_wall, started, trigger, exc)
        raise
    result.seconds = time.perf_counter() - started
    return result


UNCHANGED_NOTE = ("Nothing changed since the last refresh (same tabs, as-of date and SheetOps version), so the "
                  "tool tabs were left as they were.")


def log_failure(backend: Workbook, tabs: dict[str, str], run_log: Grid | None, started_wall: dt.datetime,
                started: float, trigger: Trigger, exc: Exception) -> None:
    """After a run failed: one Run Log row saying so, if the workbook still takes a write."""
    from .tool_tabs import run_log_tab

    row = run_row(started_wall, started, trigger, f"failed: {type(exc).__name__}", {}, 0, 0)
    tab = run_log_tab(run_log, row)
    tab.name = tabs.get(tab.name, tab.name)
    try:
        backend.apply(WritePlan(tabs=[tab], last=True))
    except Exception:  # the original failure matters more than the log row
        pass

