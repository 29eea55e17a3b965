"""Two reads and two writes per refresh of a Google Sheet, lock included (issue #18, part 5),
without giving up the lock's promises or the late-edits re-read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import sheetops
from sheetops.backends.gsheets_lock import LOCK_TAB
from sheetops.errors import RefreshRunning

from ..conftest import EXAMPLES, load_example
from . import factory_gsheets as factory

AS_OF = "2026-11-18"


def _example_sheet() -> tuple[str, dict[str, Any]]:
    example = load_example(EXAMPLES[0])
    return factory.server().seed("Requests", example["tabs"], input_option="RAW"), example


def _counts(fn: Any) -> dict[str, int]:
    srv = factory.server()
    srv.reset_counters()
    fn()
    return {k: v for k, v in srv.counters().requests.items() if v and k in ("read", "write")}


def test_a_refresh_takes_two_reads_and_two_writes_lock_included() -> None:
    sid, example = _example_sheet()
    first = _counts(lambda: sheetops.refresh(factory.workbook(sid), as_of=example["as_of"]))
    later = _counts(lambda: sheetops.refresh(factory.workbook(sid), as_of=example["as_of"]))
    assert first == {"read": 1, "write": 2}  # lock (+ tab list), every tab, write (+ release)
    assert later == {"read": 2, "write": 2}  # + Payouts again just before writing (late edits)
    assert LOCK_TAB not in [s.title for s in factory.server().store.books[sid].sheets]


def test_tabs_changed_during_the_run_make_the_write_look_again() -> None:
    """People deleted a tool tab between the lock take and the write: Google refuses the
    write (it names a tab that is gone), nothing is applied, the backend reads the tabs
    again and writes once more."""
    sid, example = _example_sheet()
    sheetops.refresh(factory.workbook(sid), as_of=example["as_of"])
    wb = factory.workbook(sid)
    real_read = wb.read

    def read_then_someone_deletes_a_tab(tabs: Any) -> Any:
        grids = real_read(tabs)
        book = factory.server().store.books[sid]
        book.sheets = [s for s in book.sheets if s.title != "Commission Lines"]
        return grids

    wb.read = read_then_someone_deletes_a_tab  # type: ignore[method-assign]
    result = sheetops.refresh(wb, as_of=example["as_of"])
    assert result.result in ("ok", "errors")
    titles = [s.title for s in factory.server().store.books[sid].sheets]
    assert "Commission Lines" in titles and LOCK_TAB not in titles


def test_a_run_whose_lock_was_taken_over_writes_nothing() -> None:
    sid, example = _example_sheet()
    srv = factory.server()
    t0 = dt.datetime.now(dt.timezone.utc)
    slow = factory.workbook(sid, clock=lambda: t0)
    real_read = slow.read
    other = factory.workbook(sid, clock=lambda: t0 + dt.timedelta(seconds=120)).lock()

    def read_then_pause_for_two_minutes(tabs: Any) -> Any:
        grids = real_read(tabs)
        other.__enter__()  # meanwhile another run found the lock stale and took it over
        return grids

    slow.read = read_then_pause_for_two_minutes  # type: ignore[method-assign]
    before = srv.cells(sid, "Orders")
    with pytest.raises(RefreshRunning, match="took its run lock over"):
        sheetops.refresh(slow, as_of=AS_OF)
    assert "Payouts" not in [s.title for s in srv.store.books[sid].sheets]
    assert srv.cells(sid, "Orders") == before
    assert LOCK_TAB in [s.title for s in srv.store.books[sid].sheets]  # the new holder's lock stays
    assert "Run Log" not in [s.title for s in srv.store.books[sid].sheets]  # not even a Run Log row
    other.__exit__(None, None, None)
