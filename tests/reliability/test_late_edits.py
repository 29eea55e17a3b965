"""People's Payouts edits made while a refresh runs survive it (issue #17, point 2).

Each test lets a refresh read the workbook, then, when it announces "Writing the tool
tabs" (after computing, before writing), a person approves a payout; the refresh must
write the row as the person left it and say so."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import sheetops
from sheetops.backends.memory import MemoryWorkbook

from ..builders import order, rows, workbook

AS_OF = "2026-11-18"


def _inputs() -> MemoryWorkbook:
    return workbook(orders=[order("O1", "@glowwithmia", 120), order("O2", "dadjokesdan", 80)])


def _program() -> MemoryWorkbook:
    wb = _inputs()
    sheetops.refresh(wb, as_of=AS_OF)
    return wb


def _during_write(edit: Callable[[], None]) -> Callable[[str], None]:
    def on_step(name: str) -> None:
        if name.startswith("Writing"):
            edit()
    return on_step


def _approve(grid: list[list[Any]], pid: str) -> None:
    header = [str(h) for h in grid[0]]
    for row in grid[1:]:
        if row[header.index("Payout ID")] == pid:
            row[header.index("Status")] = "Approved"
            row[header.index("Approved by")] = "Mia's manager"
            return
    raise AssertionError(f"no payout {pid}")


def _check_kept(payouts: list[dict[str, Any]], issues: list[dict[str, Any]], log: list[dict[str, Any]], pid: str) -> None:
    mine = [p for p in payouts if p["Payout ID"] == pid]
    assert len(mine) == 1 and mine[0]["Status"] == "Approved" and mine[0]["Approved by"] == "Mia's manager", mine
    said = [i for i in issues if i["Tab"] == "Payouts" and pid in i["Problem"]]
    assert said and "next run" in said[0]["Problem"], issues
    assert pid in (log[-1]["Notes"] or ""), log[-1]


def test_an_approval_typed_during_a_refresh_survives_in_memory() -> None:
    wb = _program()
    pid = rows(wb, "Payouts")[0]["Payout ID"]
    sheetops.refresh(wb, as_of=AS_OF, on_step=_during_write(lambda: _approve(wb.tabs["Payouts"], pid)))
    _check_kept(rows(wb, "Payouts"), rows(wb, "Issues"), rows(wb, "Run Log"), pid)
    sheetops.refresh(wb, as_of=AS_OF)  # the next run locks it like any approval
    after = [p for p in rows(wb, "Payouts") if p["Payout ID"] == pid][0]
    assert after["Status"] == "Approved" and "Ledger" in wb.tabs


def _xlsx(tmp_path: Path) -> Path:
    """The program as an .xlsx file (written by openpyxl, as any spreadsheet program could)."""
    import openpyxl

    path = tmp_path / "program.xlsx"
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, grid in _inputs().tabs.items():
        sheet = book.create_sheet(name)
        for row in grid:
            sheet.append(list(row))
    book.save(path)
    return path


def test_an_approval_typed_during_a_refresh_survives_on_xlsx(tmp_path: Path) -> None:
    import openpyxl

    from sheetops.backends.xlsx import XlsxWorkbook

    path = _xlsx(tmp_path)
    sheetops.refresh(path, as_of=AS_OF)
    wb = XlsxWorkbook(path)
    pid = str(wb.read(["Payouts"])["Payouts"][1][0])

    def person_saves() -> None:  # the person's program writes the file while the refresh computes
        book = openpyxl.load_workbook(path)
        sheet = book["Payouts"]
        header = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            if row[header.index("Payout ID")].value == pid:
                row[header.index("Status")].value = "Approved"
                row[header.index("Approved by")].value = "Mia's manager"
        book.save(path)

    # full: nothing changed since the first run, which would otherwise only add a Run Log row
    # (tests/backends/test_unchanged.py covers a save made during such a run)
    sheetops.refresh(wb, as_of=AS_OF, on_step=_during_write(person_saves), full=True)
    grids = XlsxWorkbook(path).read(["Payouts", "Issues", "Run Log"])
    as_rows = {k: [dict(zip(g[0], r)) for r in g[1:]] for k, g in grids.items()}
    _check_kept(as_rows["Payouts"], as_rows["Issues"], as_rows["Run Log"], pid)


def test_an_approval_typed_during_a_refresh_survives_on_google() -> None:
    from ..backends import factory_gsheets

    google = factory_gsheets.make(None, _inputs().tabs)  # type: ignore[arg-type]
    sheetops.refresh(google, as_of=AS_OF)
    server = factory_gsheets.server()
    sid = google.spreadsheet_id  # type: ignore[attr-defined]
    payouts = server.cells(sid, "Payouts")
    pid = payouts[1][0]

    def person_types() -> None:  # straight into the server's state, as the Sheets UI would
        grid = server.cells(sid, "Payouts")
        header = [str(h) for h in grid[0]]
        row = next(n for n, r in enumerate(grid) if r and r[0] == pid)
        store = server.store
        sheet_id = server.sheet(sid, "Payouts").sheet_id
        values = [{"userEnteredValue": {"stringValue": v}} for v in ("Approved", "Mia's manager")]
        store.batch_update(sid, {"requests": [{"updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": header.index("Status")},
            "rows": [{"values": values}], "fields": "userEnteredValue"}}]})

    sheetops.refresh(factory_gsheets.reopen(google), as_of=AS_OF, on_step=_during_write(person_types))
    fresh = factory_gsheets.reopen(google)
    grids = fresh.read(["Payouts", "Issues", "Run Log"])
    as_rows = {k: [dict(zip(g[0], r)) for r in g[1:]] for k, g in grids.items()}
    _check_kept(as_rows["Payouts"], as_rows["Issues"], as_rows["Run Log"], pid)


def test_an_approval_of_amounts_this_run_changes_holds_for_what_the_person_saw() -> None:
    """A new order arrives and the person approves the old Total while the run computes:
    the row and its Commission Lines stay as the person saw them, and the next run locks
    exactly what was approved (money.md rule 2), never the amount nobody looked at."""
    wb = _program()
    pid = next(p["Payout ID"] for p in rows(wb, "Payouts") if "glowwithmia" in p["Payout ID"])
    seen_total = next(p["Total"] for p in rows(wb, "Payouts") if p["Payout ID"] == pid)
    seen_lines = [r for r in rows(wb, "Commission Lines") if r["Payout ID"] == pid]
    wb.tabs["Orders"].append(order("O3", "@glowwithmia", 500))
    sheetops.refresh(wb, as_of=AS_OF, on_step=_during_write(lambda: _approve(wb.tabs["Payouts"], pid)))
    row = next(p for p in rows(wb, "Payouts") if p["Payout ID"] == pid)
    assert row["Status"] == "Approved" and row["Total"] == seen_total
    assert [r for r in rows(wb, "Commission Lines") if r["Payout ID"] == pid] == seen_lines
    said = [i for i in rows(wb, "Issues") if pid in i["Problem"]]
    assert said and "instead of" in said[0]["Problem"]
    result = sheetops.refresh(wb, as_of=AS_OF)
    assert result.result == "ok" and result.payouts["locked"] == 1
    row = next(p for p in rows(wb, "Payouts") if p["Payout ID"] == pid)
    assert row["Status"] == "Approved" and row["Total"] == seen_total


def test_an_approval_typed_during_a_refresh_survives_in_live_excel(tmp_path: Path) -> None:
    from ..backends import factory_excel_fake

    excel = factory_excel_fake.make(tmp_path, _inputs().tabs)
    sheetops.refresh(excel, as_of=AS_OF)
    sheet = excel.book.sheets["Payouts"]  # type: ignore[attr-defined]
    grid = excel.read(["Payouts"])["Payouts"]
    header, pid = [str(h) for h in grid[0]], str(grid[1][0])

    def person_types() -> None:  # Excel stays usable while the button's run computes
        sheet.range((2, header.index("Status") + 1)).value = "Approved"
        sheet.range((2, header.index("Approved by") + 1)).value = "Mia's manager"

    sheetops.refresh(excel, as_of=AS_OF, on_step=_during_write(person_types))
    grids = excel.read(["Payouts", "Issues", "Run Log"])
    as_rows = {k: [dict(zip(g[0], r)) for r in g[1:]] for k, g in grids.items()}
    _check_kept(as_rows["Payouts"], as_rows["Issues"], as_rows["Run Log"], pid)


def test_a_row_kept_into_a_tab_with_nothing_else_replaces_its_empty_line() -> None:
    wb = _program()
    pid = rows(wb, "Payouts")[0]["Payout ID"]
    wb.tabs["Orders"] = wb.tabs["Orders"][:1]  # every order gone: this run has no payouts to show
    sheetops.refresh(wb, as_of=AS_OF, on_step=_during_write(lambda: _approve(wb.tabs["Payouts"], pid)))
    grid = wb.tabs["Payouts"]
    assert [r[0] for r in grid[1:]] == [pid]  # the approved row, and no "No payouts yet" line above it
