"""Payout Export: the tab on every refresh, and ``export_payouts`` writing PayPal CSV files."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetops.errors import SheetOpsError
from sheetops.ledger.paypal import MAX_ROWS, customer_id
from sheetops.refresh import export_payouts, write_files

from ..builders import order, rows, workbook
from .helpers import approve, run

MIA, DAN = "glowwithmia", "dadjokesdan"
ACCOUNT = "mia.payouts@example.com"


def program():
    creators = [["Creator", "Name", "Status", "Tier", "Joined", "Email", "Payout account", "Payout method"],
                ["@GlowWithMia", "Mia Tran", "Active", "Gold", "2026-01-01", "mia@example.com", ACCOUNT, "PayPal"],
                ["dadjokesdan", "Dan Ruiz", "Active", "Silver", "2026-01-01", "dan@example.com", "", ""],
                ["zoe", "Zoe", "Active", "", "2026-01-01", "", "", ""]]
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-03"), order("O2", MIA, 200, settled="2026-11-10"),
                          order("O3", DAN, 300, settled="2026-11-10"), order("O4", "zoe", 50, settled="2026-11-10")])
    wb.tabs["Creators"] = creators
    return wb


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="") as f:
        return list(csv.reader(f))


def test_the_tab_and_the_files_hold_approved_unpaid_payouts(tmp_path: Path) -> None:
    wb = program()
    run(wb, "2026-11-18")
    (empty,) = wb.tabs["Payout Export"]  # nothing approved: one line says why and what to do
    assert rows(wb, "Payouts") and empty[0].startswith("Nothing to pay yet") and "Approved" in empty[0]
    assert empty[1:] == [None] * 5
    for pid in ("2026-11-02/glowwithmia", "2026-11-09/dadjokesdan", "2026-11-09/zoe"):
        approve(wb, pid)
    approve(wb, "2026-11-09/glowwithmia", "Paid")
    result = run(wb, "2026-11-18")
    tab = wb.tabs["Payout Export"]  # no header row: Save as CSV gives PayPal's file
    assert [(r[0], r[1], r[2], r[5]) for r in tab] == [("dan@example.com", 30.0, "USD", "PAYPAL"), (ACCOUNT, 10.0, "USD", "PAYPAL")]
    assert "2026-11-02 to 2026-11-08" in tab[1][4] and "GlowWithMia" in tab[1][4]
    assert any("zoe has no Payout account or Email" in r["Problem"] for r in rows(wb, "Issues"))
    assert result.exit_code == 0

    out = tmp_path / "payouts.csv"
    lines = export_payouts(wb, out)
    assert read_csv(out) == [["dan@example.com", "30.00", "USD", customer_id("2026-11-09/dadjokesdan"), tab[0][4], "PAYPAL"],
                             [ACCOUNT, "10.00", "USD", customer_id("2026-11-02/glowwithmia"), tab[1][4], "PAYPAL"]]
    assert lines[0] == f"Wrote 2 payouts (USD 40.00) to {out}."
    assert any("zoe" in line for line in lines) and not any(ACCOUNT in line for line in lines)

    for pid in ("2026-11-02/glowwithmia", "2026-11-09/dadjokesdan"):
        approve(wb, pid, "Paid")
    run(wb, "2026-11-18")
    assert len(wb.tabs["Payout Export"]) == 1 and wb.tabs["Payout Export"][0][0].startswith("Nothing to pay yet")
    assert export_payouts(wb, out)[0].startswith("There are no approved, unpaid payouts")


def test_five_thousand_rows_per_file_one_currency_per_file(tmp_path: Path) -> None:
    n_usd, n_eur = MAX_ROWS * 2 + 1, 3
    frame = pd.DataFrame({
        "Recipient": [f"c{i}@example.com" for i in range(n_usd + n_eur)],
        "Amount": pd.array([100 + i for i in range(n_usd + n_eur)], dtype="Int64"),
        "Currency": ["USD"] * n_usd + ["EUR"] * n_eur,
        "Customer ID": [customer_id(f"2026-11-09/c{i}") for i in range(n_usd + n_eur)],
        "Note": "Creator payout", "Wallet": "PAYPAL",
    })
    out = tmp_path / "paypal.csv"
    (tmp_path / "paypal-9.csv").write_text("old")  # would be out of date: removed, not left to pay twice
    (tmp_path / "paypal-5.csv").write_text("old")
    lines = write_files(frame, out)
    files = [out, *(tmp_path / f"paypal-{n}.csv" for n in (2, 3, 4))]
    contents = [read_csv(f) for f in files]
    assert [len(c) for c in contents] == [3, MAX_ROWS, MAX_ROWS, 1]  # EUR first (sorted), then USD
    assert all(len({r[2] for r in c}) == 1 for c in contents)
    assert sum(len(c) for c in contents) == n_usd + n_eur
    assert not (tmp_path / "paypal-5.csv").exists() and (tmp_path / "paypal-9.csv").exists()
    assert len([line for line in lines if line.startswith("Wrote")]) == 4


@given(st.dates(), st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40))
def test_customer_id_is_short_stable_and_has_no_spaces(day, handle: str) -> None:
    pid = f"{day.isoformat()}/{handle}"
    cid = customer_id(pid)
    assert 0 < len(cid) <= 30 and not any(c.isspace() for c in cid) and cid.isascii()
    assert cid == customer_id(pid) and cid != customer_id(pid + "x")


def test_an_approval_that_cannot_be_locked_is_not_exported_and_stops_nothing_else(tmp_path: Path) -> None:
    wb = program()
    run(wb, "2026-11-18")
    approve(wb, "2026-11-09/dadjokesdan")
    approve(wb, "2026-11-09/glowwithmia")
    grid = wb.tabs["Commission Lines"]
    wb.tabs["Commission Lines"] = [grid[0], *(r for r in grid[1:] if r[0] != "2026-11-09/dadjokesdan")]
    lines = export_payouts(wb, tmp_path / "x.csv")
    exported = read_csv(tmp_path / "x.csv")
    assert [r[0] for r in exported] == [ACCOUNT] and lines[0].startswith("Wrote 1 payout")


def test_export_refuses_a_workbook_whose_ledger_is_damaged(tmp_path: Path) -> None:
    wb = program()
    run(wb, "2026-11-18")
    approve(wb, "2026-11-09/glowwithmia")
    run(wb, "2026-11-18")
    ledger = wb.tabs["Ledger"]
    wb.tabs["Ledger"] = ledger[:-1]  # an item row of the locked payout deleted by hand
    with pytest.raises(SheetOpsError) as info:
        export_payouts(wb, tmp_path / "x.csv")
    assert ACCOUNT not in str(info.value) and not (tmp_path / "x.csv").exists()
