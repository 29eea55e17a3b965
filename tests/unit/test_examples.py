"""The worked examples of the product spec, run end to end on the in-memory backend."""

from __future__ import annotations

from typing import Any

import sheetops
from sheetops.backends.base import money_text
from sheetops.backends.memory import MemoryWorkbook
from sheetops.workbook.cells import parse_money

from ..conftest import EXAMPLES


def _rows(wb: MemoryWorkbook, tab: str) -> list[dict[str, Any]]:
    grid = wb.tabs[tab]
    header = grid[0]
    return [dict(zip(header, r)) for r in grid[1:]]


def _money(value: Any) -> str:
    return money_text(parse_money(value).value or 0)


def test_there_are_examples() -> None:
    assert EXAMPLES, "the spec's examples folder is where the worked examples live"


def test_example_payouts_issues_and_gmv(example: dict[str, Any]) -> None:
    wb = MemoryWorkbook(example["tabs"])
    result = sheetops.refresh(wb, as_of=example["as_of"])
    expected = example["expected"]

    payouts = {r["Payout ID"]: r for r in _rows(wb, "Payouts")}
    assert set(payouts) == {p["Payout ID"] for p in expected["payouts"]}
    for want in expected["payouts"]:
        got = payouts[want["Payout ID"]]
        for column, value in want.items():
            if column == "Payout ID":
                continue
            shown = got[column] if column == "Status" else _money(got[column])
            assert shown == value, f"{want['Payout ID']} {column}: {shown} != {value}"

    errors = [r for r in _rows(wb, "Issues") if r["Severity"] == "Error"]
    assert len(errors) == len(expected["error_issues"]) == result.issues["error"]
    for want in expected["error_issues"]:
        match = [e for e in errors if e["Tab"] == want["Tab"] and e["Row"] == want["Row"] and e["Column"] == want["Column"]]
        assert match, f"no Error at {want}"
        assert want["why"].split()[0] in match[0]["Problem"]

    periods = {r["Period start"].isoformat(): r for r in _rows(wb, "GMV by Period")}
    for want in expected["gmv_by_period"]:
        got = periods[want["Period start"]]
        for column, value in want.items():
            if column == "Period start":
                continue
            shown = got[column] if isinstance(value, int) else _money(got[column])
            assert shown == value, f"{want['Period start']} {column}: {shown} != {value}"
