"""Issue #14: "0 errors" never hides money that was not paid, on every backend (memory, .xlsx,
live Excel through the fake, Google through the local Sheets API server)."""

from __future__ import annotations

import copy
from pathlib import Path
from types import ModuleType
from typing import Any

from sheetops import refresh

from ..conftest import EXAMPLES, load_example


def _example() -> dict[str, Any]:
    return copy.deepcopy(load_example(EXAMPLES[0]))


def _issues(wb: Any, backend: ModuleType) -> list[dict[str, Any]]:
    grid = backend.reopen(wb).read(["Issues"])["Issues"]
    header = [str(h) for h in grid[0]]
    return [dict(zip(header, r)) for r in grid[1:] if r and r[0]]


def test_the_worked_example_has_no_warning(backend: ModuleType, tmp_path: Path) -> None:
    example = _example()
    result = refresh(backend.make(tmp_path, example["tabs"]), as_of=example["as_of"])
    assert result.issues["warning"] == 0
    assert result.to_json()["not_paid"]["no_rule"] == {"lines": 0, "gmv": "0.00"}


def test_lines_no_rule_pays_are_one_warning_per_creator_and_campaign(backend: ModuleType, tmp_path: Path) -> None:
    example = _example()
    tabs = example["tabs"]
    tabs["Rules"] = [r for r in tabs["Rules"] if r[0] != "R-BASE"]  # the catch-all Percent rule is gone
    wb = backend.make(tmp_path, tabs)
    result = refresh(wb, as_of=example["as_of"])
    warnings = [i for i in _issues(wb, backend) if i["Severity"] == "Warning"]
    header = tabs["Orders"][0]
    at = {c: header.index(c) for c in ("Creator", "Campaign", "Product ID", "Status", "GMV")}
    unpaid: dict[tuple[str, str], list[int]] = {}
    for n, row in enumerate(tabs["Orders"][1:], start=2):
        fall26 = row[at["Campaign"]] == "FALL26" or row[at["Product ID"]] in ("P100", "P200")  # the campaign's products
        if row[at["Status"]] == "Settled" and not fall26 and row[at["Creator"]] != "ghostcreator" \
                and isinstance(row[at["GMV"]], (int, float)):
            unpaid.setdefault((str(row[at["Creator"]]).lstrip("@").lower(), row[at["Campaign"]]), []).append(n)
    assert unpaid and len(warnings) == len(unpaid)
    for (creator, _campaign), rows in unpaid.items():
        (mine,) = [w for w in warnings if f"@{creator} " in w["Problem"]]
        assert f"{len(rows)} settled line" in mine["Problem"] and "no Percent rule" in mine["Problem"]
        assert "catch-all" in mine["How to fix"] and int(mine["Row"]) == rows[0]
    json = result.to_json()["not_paid"]["no_rule"]
    gmv = sum(int(round(float(tabs["Orders"][r - 1][at["GMV"]]) * 100)) for rows in unpaid.values() for r in rows)
    assert json["lines"] == sum(len(r) for r in unpaid.values()) and json["gmv"] == f"{gmv // 100}.{gmv % 100:02d}"


def test_a_creator_not_on_creators_is_one_issue_with_count_and_gmv(backend: ModuleType, tmp_path: Path) -> None:
    example = _example()
    tabs = example["tabs"]
    header = tabs["Orders"][0]
    ghost = next(r for r in tabs["Orders"][1:] if r[header.index("Creator")] == "ghostcreator")
    for n in range(2):  # two more lines of the same creator: 3 in all
        extra = list(ghost)
        extra[header.index("Order ID")] = f"GH{n}"
        extra[header.index("GMV")] = 10 * (n + 1)
        tabs["Orders"].append(extra)
    wb = backend.make(tmp_path, tabs)
    result = refresh(wb, as_of=example["as_of"])
    rows = [i for i in _issues(wb, backend) if "ghostcreator is not on the Creators tab" in str(i["Problem"])]
    assert len(rows) == 1
    (issue,) = rows
    ghost_gmv = int(round(float(ghost[header.index("GMV")]) * 100)) + 1000 + 2000
    shown = f"{ghost_gmv // 100:,}.{ghost_gmv % 100:02d}"
    assert "3 rows" in issue["Problem"] and f"{shown} GMV" in issue["Problem"]
    n_orders = len(tabs["Orders"])
    first = 1 + next(i for i, r in enumerate(tabs["Orders"]) if r is ghost)
    assert issue["Row"] in (first, str(first)) and issue["Rows"] == f"{first}, {n_orders - 1}-{n_orders}"
    not_paid = result.to_json()["not_paid"]
    assert not_paid["unknown_creator"] == {"lines": 3, "gmv": f"{ghost_gmv // 100}.{ghost_gmv % 100:02d}"}
    assert not_paid["in_error"]["lines"] == 1  # the example's 12O.00 line
    assert result.issues["error"] == 2  # one row per cause


def test_holds_say_how_much_is_held(backend: ModuleType, tmp_path: Path) -> None:
    example = _example()
    wb = backend.make(tmp_path, example["tabs"])
    result = refresh(wb, as_of=example["as_of"])
    payouts = backend.reopen(wb).read(["Payouts"])["Payouts"]
    header = payouts[0]
    held = [r for r in payouts[1:] if r and r[header.index("Status")] == "On hold"]
    assert held and result.payouts["on_hold"] == len(held)
    from sheetops.workbook.cells import parse_money

    total = sum(parse_money(r[header.index("Total")]).value or 0 for r in held)
    assert result.to_json()["payouts"]["on_hold_total"] == f"{total // 100}.{total % 100:02d}"
    error = next(i for i in _issues(wb, backend) if i["Value"] == "12O.00")
    assert "draft payout" in error["Problem"] and "in all, until this cell is fixed" in error["Problem"]
    assert "on hold (total" in result.payouts_sentence()
