"""Every row read is accounted for: used, or flagged with an Error that points at it."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetops.compute import compute

from ..builders import ORDER_HEADER, order, settings as settings_tab

VALUES = st.sampled_from([None, "", "  ", "abc", "12O.00", 0, 12.5, -3, "2026-11-10", "13/13/2026", "#REF!",
                          "glowwithmia", "ghost", "Settled", "Bogus", "150%", "=1+1"])


def _tabs(noise: list[list[Any]], orders: list[list[Any]]) -> dict[str, Any]:
    return {
        "Settings": settings_tab(),
        "Creators": [["Creator", "Status", "Tier", "Joined"], ["glowwithmia", "Active", "Gold", "2026-01-01"],
                     *[[r[0], r[1], None, r[2]] for r in noise]],
        "Campaigns": [["Campaign", "Start", "End", "Products"], *[[r[0], r[1], r[2], None] for r in noise]],
        "Rules": [["Rule", "Type", "Rate", "Amount", "Min GMV"], ["R", "Percent", "10%", None, None],
                  *[[r[0], "Percent", r[1], r[2], None] for r in noise]],
        "Orders": [ORDER_HEADER, *orders],
        "Content": [["Content ID", "Creator", "Posted", "Approved"], *[[r[0], r[1], r[2], "Yes"] for r in noise]],
        "Samples": [["Creator", "Shipped", "Unit cost"], *[[r[0], r[1], r[2]] for r in noise]],
        "Adjustments": [["Creator", "Date", "Amount", "Reason"], *[[r[0], r[1], r[2], "x"] for r in noise]],
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(noise=st.lists(st.lists(VALUES, min_size=3, max_size=3), max_size=8),
       orders=st.lists(st.tuples(VALUES, VALUES, VALUES), max_size=8))
def test_rows_read_equal_rows_used_plus_rows_flagged(noise: list[list[Any]], orders: list[tuple]) -> None:
    order_rows = [order(f"O{i}", c if c is not None else "glowwithmia", g, status=s if isinstance(s, str) else "Settled")
                  for i, (c, g, s) in enumerate(orders)]
    done = compute(_tabs(noise, order_rows), "2026-11-18")
    errors = done.log.issues
    for table in done.program.tables:
        frame = table.frame
        used, flagged = int((~frame["_error"]).sum()), int(frame["_error"].sum())
        assert table.rows_read == used + flagged == len(frame)
        error_rows = {r for i in errors if i.tab == table.name and i.severity == "Error" and i.row
                      for r in (i.rows or (i.row,)) if r > 1}
        flagged_rows = set(frame.loc[frame["_error"], "_row"])
        if table.missing_required:
            assert flagged_rows == set(frame["_row"]), "a missing required column flags every row of the tab"
        else:
            assert flagged_rows == error_rows, "a row is flagged exactly when an Error points at it"
