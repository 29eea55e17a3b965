"""Issue #13's sequence on the demo workbook, through the command line: a manager approves one
creator's payout, a bad order line of that creator arrives, and the next run locks the approval
as shown, holds only that creator's drafts (saying what it holds), and writes everyone else's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sheetops.backends.base import TabEdit, WritePlan
from sheetops.backends.xlsx import XlsxWorkbook
from sheetops.workbook.cells import parse_money

from .conftest import sheetops

AS_OF = "2026-11-25"


def _tab(book: Path, name: str) -> tuple[list[str], list[list[Any]]]:
    grid = XlsxWorkbook(book).read([name])[name]
    return [str(h) for h in grid[0]], [r for r in grid[1:] if r and any(v not in (None, "") for v in r)]


def _records(book: Path, name: str) -> list[dict[str, Any]]:
    header, rows = _tab(book, name)
    return [dict(zip(header, r)) for r in rows]


def _run(book: Path, *args: str) -> dict[str, Any]:
    done = sheetops("run", str(book), "--as-of", AS_OF, "--json", *args)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def _cents(value: Any) -> int:
    return parse_money(value).value or 0


def test_an_approval_survives_a_bad_row_and_holds_nobody_else(tmp_path: Path) -> None:
    book = tmp_path / "d.xlsx"
    made = sheetops("init", str(book), "--demo", "--orders", "2000", "--seed", "7")
    assert made.returncode == 0, made.stderr
    first = _run(book)
    payouts = _records(book, "Payouts")
    drafts = [p for p in payouts if p["Status"] == "Draft"]
    assert first["payouts"]["draft"] == len(drafts) > 5
    # the manager approves one creator's latest Draft (Approved by: Ana)
    header, rows = _tab(book, "Payouts")
    chosen = drafts[-1]
    creator = str(chosen["Payout ID"]).split("/", 1)[1]
    at = next(i for i, r in enumerate(rows, start=1) if r[header.index("Payout ID")] == chosen["Payout ID"])
    edits = {(at, header.index("Status")): "Approved", (at, header.index("Approved by")): "Ana"}
    # ... and before the next run a new order line of that creator arrives with a bad GMV
    orders_header, orders = _tab(book, "Orders")
    bad = [None] * len(orders_header)
    for column, value in {"Order ID": "BAD-1", "SKU ID": "S1", "Product ID": orders[0][orders_header.index("Product ID")],
                          "Creator": creator, "Order date": "2026-11-20 10:00:00", "Status": "Pending",
                          "Quantity": 1, "GMV": "1O5.00"}.items():
        bad[orders_header.index(column)] = value
    XlsxWorkbook(book).apply(WritePlan(edits=[TabEdit("Payouts", set_cells=edits), TabEdit("Orders", append=[bad])]))

    second = _run(book)

    after = {p["Payout ID"]: p for p in _records(book, "Payouts")}
    locked = after[chosen["Payout ID"]]
    assert locked["Status"] == "Approved" and locked["Approved by"] == "Ana"
    assert _cents(locked["Total"]) == _cents(chosen["Total"])  # locked as shown
    ledger = [r for r in _records(book, "Ledger") if r["Kind"] == "Payout"]
    assert [r["Payout ID"] for r in ledger] == [chosen["Payout ID"]]
    mine = [p for pid, p in after.items() if pid.endswith("/" + creator) and pid != chosen["Payout ID"]]
    assert mine and all(p["Status"] == "On hold" for p in mine)
    others = [p for pid, p in after.items() if not pid.endswith("/" + creator)]
    # every other creator's rows are exactly what the first run wrote (the demo's own bad rows
    # hold their creators in both runs)
    assert others == [p for p in payouts if not str(p["Payout ID"]).endswith("/" + creator)]
    # every other creator's drafts are written, and the JSON counts them
    drafts_after = [p for p in others if p["Status"] == "Draft"]
    assert second["payouts"]["draft"] == len(drafts_after) > 5 and not second["message"]
    assert second["payouts"]["draft_total"] == _money(sum(_cents(p["Total"]) for p in drafts_after))
    assert second["payouts"]["locked"] == 1
    held_total = sum(_cents(p["Total"]) for p in after.values() if p["Status"] == "On hold")
    assert second["payouts"]["on_hold_total"] == _money(held_total)
    # the Error at the bad cell says what it holds
    (issue,) = [i for i in _records(book, "Issues") if i["Severity"] == "Error" and i["Value"] == "1O5.00"]
    mine_total = sum(_cents(p["Total"]) for p in mine)
    assert f"holds {len(mine)} draft payout{'s' if len(mine) != 1 else ''} of @{creator}" in issue["Problem"]
    assert f"{_money(mine_total)} in all" in issue["Problem"]
    # no Error on the Payouts tab for an approval of a row shown as Draft with its lines intact
    assert not [i for i in _records(book, "Issues") if i["Severity"] == "Error" and i["Tab"] == "Payouts"]
    plain = sheetops("run", str(book), "--as-of", AS_OF)
    assert "on hold (total" in plain.stdout


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"
