"""A blip never locks a Google Sheet (issue #17, point 1).

A fault is injected at each request of a whole Google refresh in turn (the request fails
after every retry, or it is applied and its answer lost, or the connection drops); then a
second refresh, straight away, must succeed and leave exactly what a clean refresh leaves."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import sheetops
from sheetops.backends.gsheets import GoogleSheetsWorkbook
from sheetops.backends.gsheets_api import RetryPolicy
from sheetops.backends.gsheets_lock import LOCK_TAB
from sheetops.errors import RefreshRunning, SheetOpsError

from ..backends import factory_gsheets as factory
from ..builders import order, workbook

AS_OF = "2026-11-18"
SKIP = {"Run Log"}  # its rows hold times and the failed run's own row


def _inputs() -> dict[str, Any]:
    return workbook(orders=[order("O1", "@glowwithmia", 120), order("O2", "dadjokesdan", 80),
                            order("O3", "@glowwithmia", 45.5, settled="2026-11-03", ordered="2026-11-01 09:00:00")]).tabs


def _book(sid: str, **options: Any) -> GoogleSheetsWorkbook:
    return factory.workbook(sid, retry=RetryPolicy(attempts=2, sleep=lambda _s: None), **options)


def _state(sid: str) -> dict[str, Any]:
    server = factory.server()
    titles = [s.title for s in server.store.books[sid].sheets]
    return {t: server.cells(sid, t) for t in titles if t not in SKIP}


def _clean() -> tuple[dict[str, Any], int]:
    srv = factory.server()
    sid = srv.seed("Fault matrix", _inputs(), input_option="RAW")
    srv.reset_counters()
    sheetops.refresh(_book(sid), as_of=AS_OF)
    counts = srv.counters().requests
    return _state(sid), counts["read"] + counts["write"]


CLEAN, REQUESTS = _clean()


@pytest.mark.parametrize("kind", [503, "lost", "drop"])
def test_a_fault_at_any_request_never_blocks_the_next_refresh(kind: Any) -> None:
    srv = factory.server()
    assert REQUESTS >= 3
    outcomes = set()
    for n in range(1, REQUESTS + 1):
        sid = srv.seed("Fault matrix", _inputs(), input_option="RAW")
        srv.inject(kind, nth=n, times=2 if kind == 503 else 1, path=r"^/v4/")
        try:
            sheetops.refresh(_book(sid), as_of=AS_OF)
            outcomes.add("ok")
        except RefreshRunning as exc:  # pragma: no cover - the bug this test is about
            pytest.fail(f"{kind} at request {n} of {REQUESTS}: the run locked itself out: {exc}")
        except SheetOpsError:
            outcomes.add("failed")
        finally:
            srv.traffic.clear_faults()
        try:
            sheetops.refresh(_book(sid), as_of=AS_OF)
        except RefreshRunning as exc:
            pytest.fail(f"{kind} at request {n} of {REQUESTS} left the sheet locked: {exc}")
        assert _state(sid) == CLEAN, f"{kind} at request {n} of {REQUESTS}: the second refresh differs from a clean one"
        assert LOCK_TAB not in [s.title for s in srv.store.books[sid].sheets]
    assert "failed" in outcomes or kind != 503


def test_a_lost_answer_to_the_lock_request_is_our_own_lock() -> None:
    srv = factory.server()
    sid = srv.seed("Lost lock", _inputs(), input_option="RAW")
    srv.inject("lost", method="POST", path=r":batchUpdate$")  # the first write of a run takes the lock
    result = sheetops.refresh(_book(sid), as_of=AS_OF)
    assert result.result == "ok"
    assert _state(sid) == CLEAN


def test_a_dead_runs_lock_is_taken_over_after_a_minute_with_an_info_line() -> None:
    srv = factory.server()
    sid = srv.seed("Dead run", _inputs(), input_option="RAW")
    t0 = dt.datetime.now(dt.timezone.utc)
    dead = _book(sid, clock=lambda: t0)
    held = dead.lock()
    held.__enter__()  # a run killed while it held the lock: no release (its heartbeat beats at t0)
    with pytest.raises(RefreshRunning):
        sheetops.refresh(_book(sid, clock=lambda: t0 + dt.timedelta(seconds=30)), as_of=AS_OF)
    sheetops.refresh(_book(sid, clock=lambda: t0 + dt.timedelta(seconds=61)), as_of=AS_OF)
    log = srv.cells(sid, "Run Log")
    notes = dict(zip(log[0], log[-1]))["Notes"]
    assert "took the lock over" in notes
    issues = srv.cells(sid, "Issues")
    assert any(r[0] == "Info" and "took the lock over" in " ".join(map(str, r)) for r in issues[1:])
    held.__exit__(None, None, None)  # the dead run wakes up: it must not free anything of the new run


def test_the_heartbeat_keeps_a_long_run_locked() -> None:
    srv = factory.server()
    sid = srv.seed("Long run", _inputs(), input_option="RAW")
    t0 = dt.datetime.now(dt.timezone.utc)
    now = [t0]
    long = _book(sid, clock=lambda: now[0])
    with long.lock():
        from sheetops.backends.gsheets_lock import SheetLock

        now[0] = t0 + dt.timedelta(seconds=50)
        beat = SheetLock(long.api, sid, "Long run", clock=lambda: now[0])
        beat.sheet_id = srv.sheet(sid, LOCK_TAB).sheet_id
        beat.heartbeat()  # what the heartbeat thread does every 15 s
        with pytest.raises(RefreshRunning):
            with _book(sid, clock=lambda: t0 + dt.timedelta(seconds=100)).lock():
                pass
