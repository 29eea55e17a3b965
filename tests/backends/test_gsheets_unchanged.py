"""An unchanged Google Sheet is not refreshed again in full (issue #21, part 3): two reads and
two writes (lock; the tabs a refresh reads; Commission Lines and Payout Export; Run Log row
and release), the tool tabs not sent again; any edit to those tabs, a new as-of date,
``full`` or a damaged state mean a full run."""

from __future__ import annotations

import json
from typing import Any

import pytest

import sheetops
from sheetops.backends.gsheets_state import RUN_STATE_KEY
from sheetops.backends.gsheets_lock import LOCK_TAB
from sheetops.unchanged import UNCHANGED_NOTE
from sheetops.workbook import schema

from ..conftest import EXAMPLES, load_example
from . import factory_gsheets as factory

AS_OF = "2026-11-18"


def _sheet() -> str:
    example = load_example(EXAMPLES[0])
    return factory.server().seed("Unchanged", example["tabs"], input_option="RAW")


def _run(sid: str, **options: Any) -> tuple[sheetops.RunResult, dict[str, int]]:
    srv = factory.server()
    srv.reset_counters()
    options.setdefault("as_of", AS_OF)
    result = sheetops.refresh(factory.workbook(sid), **options)
    return result, {k: v for k, v in srv.counters().requests.items() if v and k in ("read", "write")}


def _settled(sid: str) -> int:
    """Refresh until a run is skipped (the fourth at the latest); how many runs that took."""
    for n in range(1, 5):
        if _run(sid)[0].unchanged:
            return n
    raise AssertionError("four refreshes of an untouched sheet should end in one that finds nothing changed")


def _tabs(sid: str) -> dict[str, Any]:
    """Every tab's cells (the Run Log aside) and the spreadsheet's metadata."""
    snap = factory.server().store.snapshot()[sid]
    return {s["properties"]["title"]: s["cells"] for s in snap["sheets"] if s["properties"]["title"] != schema.RUN_LOG}


def _state(sid: str) -> list[dict[str, Any]]:
    return [m for m in factory.server().store.books[sid].developer_metadata if m["metadataKey"] == RUN_STATE_KEY]


def test_an_untouched_sheet_costs_one_read_and_two_writes_and_keeps_its_tool_tabs() -> None:
    sid = _sheet()
    first, counts = _run(sid)
    assert not first.unchanged and counts == {"read": 1, "write": 2}
    second, counts = _run(sid)  # the first run filled Payouts and the Ledger: what the second reads differs
    assert not second.unchanged and counts == {"read": 2, "write": 2}  # + Payouts just before writing
    # the second wrote what it read; Commission Lines and Payout Export have no kept
    # fingerprint yet: read, computed in full, and theirs kept
    third, counts = _run(sid)
    assert not third.unchanged and counts == {"read": 3, "write": 2}
    before, log_before = _tabs(sid), factory.server().cells(sid, schema.RUN_LOG)
    fourth, counts = _run(sid)
    assert fourth.unchanged
    assert counts == {"read": 2, "write": 2}  # lock (+ kept state), the tabs, the tool tabs, Run Log row (+ release)
    assert _tabs(sid) == before  # every tool tab as it was: nothing sent again
    log = factory.server().cells(sid, schema.RUN_LOG)
    assert log[:-1] == log_before and len(log) == len(log_before) + 1
    header = log[0]
    assert log[-1][header.index("Notes")] == UNCHANGED_NOTE
    assert fourth.summary() == third.summary() and fourth.issues == third.issues
    assert LOCK_TAB not in [s.title for s in factory.server().store.books[sid].sheets]
    assert len(_state(sid)) == 1 and _state(sid)[0]["visibility"] == "DOCUMENT"


@pytest.mark.parametrize("tab, cell, value", [
    ("Orders", (1, 4), "999.99"),  # an order line's amount
    ("Creators", (1, 0), "@renamed"),
    ("Settings", (2, 1), "Monthly"),
    ("Payouts", None, "Approved"),  # a person approves a payout
    ("Commission Lines", (1, 2), "typed over"),  # approvals are locked from these lines
    ("Payout Export", (1, 0), "someone@else.example"),  # payments are uploaded from it
])
def test_an_edit_to_a_tab_a_refresh_reads_makes_the_next_run_a_full_one(tab: str, cell: Any, value: str) -> None:
    sid = _sheet()
    _settled(sid)
    sheet = factory.server().store.sheet(sid, tab)
    if cell is None:  # Status of the first payout ready to approve
        header = sheet.rows[0]
        status = header.index("Status")
        row = next(i for i, r in enumerate(sheet.rows) if i and r[status] == "Draft")
        cell = (row, status)
    while len(sheet.rows) <= cell[0]:
        sheet.rows.append([None] * len(sheet.rows[0]))
    sheet.rows[cell[0]][cell[1]] = value
    result, counts = _run(sid)
    assert not result.unchanged
    if tab in ("Commission Lines", "Payout Export"):  # the tabs a refresh reads matched: these too were read
        assert counts == {"read": 3, "write": 2}
    else:  # + Payouts just before writing (+ Commission Lines when a payout awaits its lock)
        assert counts == {"read": 3 if tab == "Payouts" else 2, "write": 2}
    if tab == "Payouts":
        assert result.payouts["locked"] >= 1  # the approval was locked into the Ledger
    if tab in ("Commission Lines", "Payout Export"):  # a tool tab: written again as computed
        assert factory.server().store.sheet(sid, tab).rows[cell[0]][cell[1]] != value
    assert _settled(sid) <= 3  # the full run's write may change Payouts/Ledger: then two more


def test_a_deleted_tool_tab_is_written_again() -> None:
    sid = _sheet()
    _settled(sid)
    book = factory.server().store.books[sid]
    book.sheets = [s for s in book.sheets if s.title != "GMV by Creator"]
    result, _ = _run(sid)
    assert not result.unchanged
    assert "GMV by Creator" in [s.title for s in factory.server().store.books[sid].sheets]


def test_another_as_of_date_or_full_refreshes_in_full() -> None:
    sid = _sheet()
    _settled(sid)
    assert not _run(sid, full=True)[0].unchanged
    assert not _run(sid, as_of="2026-11-25")[0].unchanged
    # back to the 18th: computed again (the 25th's Payouts were read); skipped once settled
    assert not _run(sid)[0].unchanged
    _settled(sid)


@pytest.mark.parametrize("values", [["not json"], ['{"fingerprint": 1}', "{}"], ["[1, 2]"]])
def test_a_damaged_or_doubled_state_means_a_full_run_that_replaces_it(values: list[str]) -> None:
    sid = _sheet()
    _settled(sid)
    book = factory.server().store.books[sid]
    kept = _state(sid)[0]
    book.developer_metadata = [dict(kept, metadataId=kept["metadataId"] + i + 1, metadataValue=v)
                               for i, v in enumerate(values)]
    result, _ = _run(sid)
    assert not result.unchanged
    assert len(_state(sid)) == 1 and json.loads(_state(sid)[0]["metadataValue"])["result"]


def test_metadata_of_other_programs_is_left_alone() -> None:
    sid = _sheet()
    book = factory.server().store.books[sid]
    theirs = {"metadataId": 7, "metadataKey": "someone.else", "metadataValue": "x",
              "location": {"locationType": "SPREADSHEET", "spreadsheet": True}, "visibility": "DOCUMENT"}
    book.developer_metadata.append(dict(theirs))
    _settled(sid)
    _run(sid, full=True)
    assert theirs in factory.server().store.books[sid].developer_metadata


def test_a_write_that_fails_keeps_no_new_state() -> None:
    """The state is written in the same atomic request as the results: when Google refuses
    that request, neither lands, and the next run computes in full."""
    sid = _sheet()
    _settled(sid)
    before = _state(sid)
    sheet = factory.server().store.sheet(sid, "Orders")
    sheet.rows[1][4] = "123.45"
    srv = factory.server()
    srv.inject(500, path=r":batchUpdate$", nth=2, times=10)  # the lock take passes, every write after fails
    with pytest.raises(Exception):
        sheetops.refresh(factory.workbook(sid), as_of=AS_OF)
    srv.traffic.clear_faults()
    assert _state(sid) == before
    assert not _run(sid)[0].unchanged


def test_approvals_typed_while_a_run_computes_are_never_skipped_over() -> None:
    """A Payouts edit made during a full run is kept in its write (late edits) but was not
    computed with: that run keeps no answer, so the next run is a full one and locks it."""
    sid = _sheet()
    _settled(sid)
    factory.server().store.sheet(sid, "Orders").rows[1][4] = "321.00"  # so that the next run is full
    wb = factory.workbook(sid)
    real_read = wb.read

    def read_then_someone_approves(tabs: Any) -> Any:
        grids = real_read(tabs)
        sheet = factory.server().store.sheet(sid, "Payouts")
        status = sheet.rows[0].index("Status")
        row = next(i for i, r in enumerate(sheet.rows) if i and r[status] == "Draft")
        sheet.rows[row][status] = "Approved"
        return grids

    wb.read = read_then_someone_approves  # type: ignore[method-assign]
    during = sheetops.refresh(wb, as_of=AS_OF)
    assert not during.unchanged and during.payouts["locked"] == 0
    assert json.loads(_state(sid)[0]["metadataValue"])["result"] is None  # computed without the approval
    after, _ = _run(sid)
    assert not after.unchanged and after.payouts["locked"] >= 1


def test_a_lost_answer_to_the_lock_take_still_replaces_the_kept_state() -> None:
    """The lock take's answer carries the kept state; when that answer is lost (the take is
    applied, the run finds its own lock), the full run's write deletes the old state anyway,
    so it never vouches for tool tabs that this run rewrote."""
    sid = _sheet()
    _settled(sid)
    orders = factory.server().store.sheet(sid, "Orders")
    old = orders.rows[1][4]
    orders.rows[1][4] = "777.00"
    before = _state(sid)
    factory.server().inject("lost", method="POST", path=r":batchUpdate$")
    assert not _run(sid)[0].unchanged
    after = _state(sid)
    assert len(after) == 1 and after != before  # this run's state replaced the old one
    orders.rows[1][4] = old  # back as the old state read it: the tool tabs show 777.00's results
    assert not _run(sid)[0].unchanged


def test_a_state_that_would_not_fit_beside_other_metadata_is_not_kept_and_the_write_lands() -> None:
    """Google holds 30,000 characters of developer metadata per location and refuses a
    write that passes it whole: SheetOps keeps no state rather than lose its results."""
    sid = _sheet()
    _settled(sid)
    book = factory.server().store.books[sid]
    book.developer_metadata.append({"metadataId": 99, "metadataKey": "someone.big", "metadataValue": "x" * 28_000,
                                    "location": {"locationType": "SPREADSHEET", "spreadsheet": True},
                                    "visibility": "DOCUMENT"})
    factory.server().store.sheet(sid, "Orders").rows[1][4] = "555.00"
    result, _ = _run(sid)
    assert not result.unchanged and result.result in ("ok", "errors")
    assert _state(sid) == []  # deleted, not replaced: the next runs are full
    assert not _run(sid)[0].unchanged and not _run(sid)[0].unchanged
    assert any(m["metadataKey"] == "someone.big" for m in factory.server().store.books[sid].developer_metadata)


def test_fewer_run_log_rows_than_the_state_knows_mean_a_full_run() -> None:
    """Run Log rows deleted, or the sheet restored from its version history to before the
    last run's write: the tool tabs may not be that run's, so the next run computes."""
    sid = _sheet()
    _settled(sid)
    log = factory.server().store.sheet(sid, schema.RUN_LOG)
    log.rows[-1] = [None] * len(log.rows[-1])
    assert not _run(sid)[0].unchanged


@pytest.mark.parametrize("tab", ["Commission Lines", "Payout Export"])
def test_a_hand_edit_typed_again_after_a_run_put_it_back_is_put_back_again(tab: str) -> None:
    """A run that puts back a hand edit has read the edit: its fingerprint must not vouch for
    the tab, or the same edit typed again would look untouched (found by review)."""
    sid = _sheet()
    _settled(sid)
    sheet = factory.server().store.sheet(sid, tab)
    last = len(sheet.rows) - 1  # a line of Commission Lines; Payout Export's "nothing to pay" line
    computed = sheet.rows[last][0]
    for _ in range(3):  # typed, put back; typed again, put back again; ...
        factory.server().store.sheet(sid, tab).rows[last][0] = "typed by hand"
        result, _ = _run(sid)
        assert not result.unchanged
        assert factory.server().store.sheet(sid, tab).rows[last][0] == computed
    assert _settled(sid) <= 2  # left alone, the sheet settles again


def test_a_sheet_written_through_staging_tabs_settles_too() -> None:
    """Large plans go through staging tabs (values written RAW, numbers read back as floats):
    what they leave still reads as written, so the skipping starts as for small ones."""
    sid = _sheet()
    for n in range(1, 6):
        result = sheetops.refresh(factory.workbook(sid, max_request_bytes=2_000), as_of=AS_OF)
        if result.unchanged:
            break
    assert result.unchanged and n <= 4


def test_a_payouts_amount_typed_again_after_a_run_put_it_back_is_put_back_again() -> None:
    """The same for the tool tabs a refresh reads and writes (Payouts, the Ledger): a run
    whose write differs from what it read keeps no answer to skip with."""
    sid = _sheet()
    _settled(sid)
    sheet = factory.server().store.sheet(sid, "Payouts")
    total = sheet.rows[0].index("Total")
    computed = sheet.rows[1][total]
    for _ in range(3):
        factory.server().store.sheet(sid, "Payouts").rows[1][total] = 9999.99
        result, _ = _run(sid)
        assert not result.unchanged
        assert factory.server().store.sheet(sid, "Payouts").rows[1][total] == computed
    assert _settled(sid) <= 3  # its fingerprint changed too: then Commission Lines are compared once more
