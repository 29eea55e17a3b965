"""The Google nothing-changed skip as a hypothesis state machine: people edit tabs, approve and
pay, type over tool tabs (once or again after a run put them back), days pass and refreshes
run, in any order. After every refresh that skipped, a full refresh of a copy of the sheet
must show exactly the tabs the skipped one left: skipping never changes what the sheet says.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

import sheetops
from sheetops.workbook import schema

from ..conftest import EXAMPLES, load_example
from . import factory_gsheets as factory

DAYS = ["2026-11-18", "2026-11-18", "2026-11-19", "2026-11-25"]  # the same day is the usual case
TYPED_OVER = ("Commission Lines", "Payout Export", "Payouts")


def _tabs(sid: str) -> dict[str, Any]:
    snap = factory.server().store.snapshot()[sid]
    return {s["properties"]["title"]: s["cells"] for s in snap["sheets"] if s["properties"]["title"] != schema.RUN_LOG}


class UntouchedOrNot(RuleBasedStateMachine):
    sid: str
    day: str

    @initialize()
    def seed(self) -> None:
        example = load_example(EXAMPLES[0])
        self.sid = factory.server().seed("Machine", example["tabs"], input_option="RAW")
        self.day = DAYS[0]
        self.skipped = 0

    def _rows(self, tab: str) -> list[list[Any]]:
        """The live cells of a tab; none while it does not exist yet (before the first run)."""
        sheet = factory.server().store.books[self.sid].sheet_by_title(tab)
        return sheet.rows if sheet is not None else []

    @rule(pick=st.integers(0, 50), amount=st.sampled_from(["12.34", "250.00", "0.99"]))
    def an_order_amount_changes(self, pick: int, amount: str) -> None:
        rows = self._rows("Orders")
        rows[1 + pick % (len(rows) - 1)][4] = amount

    @rule(pick=st.integers(0, 50), status=st.sampled_from(["Approved", "Paid", "Draft"]))
    def a_manager_sets_a_status(self, pick: int, status: str) -> None:
        rows = self._rows("Payouts")
        if len(rows) < 2 or "Status" not in rows[0]:
            return
        rows[1 + pick % (len(rows) - 1)][rows[0].index("Status")] = status

    @rule(tab=st.sampled_from(TYPED_OVER), pick=st.integers(0, 50), col=st.integers(0, 8),
          value=st.sampled_from(["typed by hand", 9999.99, "", None]), again=st.booleans())
    def someone_types_over_a_tool_tab(self, tab: str, pick: int, col: int, value: Any, again: bool) -> None:
        """A hand edit of a tool tab; ``again``: on a settled sheet, a run puts it back, the same
        is typed again, and the sheet is refreshed (the case a fingerprint of what was read
        could mistake for untouched). Typing nothing into a cell clears it: Google keeps no
        empty text (our server stores a written "" as an empty cell too), so neither may this."""
        value = None if value == "" else value
        if again:
            self.refreshes_run(4)
        rows = self._rows(tab)
        if not rows:
            return
        r = pick % len(rows)
        if col >= len(rows[r]):
            return
        rows[r][col] = value
        if again:
            self.refreshes_run(1)
            rows = self._rows(tab)
            if r < len(rows) and col < len(rows[r]):
                rows[r][col] = value
            self.refreshes_run(2)

    @rule(day=st.sampled_from(DAYS))
    def the_day_changes(self, day: str) -> None:
        self.day = day

    @rule(times=st.integers(1, 4))
    def refreshes_run(self, times: int) -> None:
        for _ in range(times):
            result = sheetops.refresh(factory.workbook(self.sid), as_of=self.day)
            if result.unchanged:
                self.skipped += 1
                self._a_full_run_would_show_the_same()

    def _a_full_run_would_show_the_same(self) -> None:
        store = factory.server().store
        copy_id = f"{self.sid}-full"
        with store.lock:
            book = store.books[self.sid].clone()
            book.spreadsheet_id = copy_id
            store.books[copy_id] = book
        try:
            sheetops.refresh(factory.workbook(copy_id), as_of=self.day, full=True)
            assert _tabs(copy_id) == _tabs(self.sid), "a skipped run left the sheet unlike a full run's"
        finally:
            with store.lock:
                del store.books[copy_id]

    def teardown(self) -> None:
        if hasattr(self, "sid"):  # left alone, the sheet settles and then skips, checked as above
            for _ in range(4):
                self.refreshes_run(1)


UntouchedOrNot.TestCase.settings = settings(max_examples=6, stateful_step_count=10, deadline=None,
                                            suppress_health_check=[HealthCheck.too_slow])
test_a_skipped_refresh_leaves_what_a_full_one_would = UntouchedOrNot.TestCase
