"""What the live-Excel backend does beyond the contract suite: formats, tab handling,
failure reporting and the run lock."""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import pytest

from sheetops.backends.base import CellError, ChartSeries, ChartSpec, Column, Link, Money, Rate, TabEdit, TabWrite, WritePlan
from sheetops.backends.excel_live import LOCK_NAME, ExcelLiveWorkbook, ExcelWriteStopped, parse_marker
from sheetops.errors import NotASheetOpsWorkbook, RefreshRunning
from sheetops.testing import fake_xlwings as fake

PEOPLE = {
    "Settings": [["Setting", "Value"], ["Currency", "USD"]],
    "Orders": [["Order ID", "GMV"], ["O1", 12.5]],
}


def _book(name: str = "Program.xlsx") -> fake.Book:
    return fake.Book(name, tabs={k: [list(r) for r in v] for k, v in PEOPLE.items()})


def _payouts() -> TabWrite:
    frame = pd.DataFrame({
        "Payout ID": ["2026-11-09/glowwithmia", "2026-11-09/=1+1"],
        "Total": pd.array([123450, -1205], dtype="Int64"),
        "Rate": pd.array([125000, None], dtype="Int64"),
        "Period start": [dt.date(2026, 11, 9), dt.date(2026, 11, 9)],
        "Status": ["Draft", "Approved"],
        "Cell": [Link("Orders", "B2"), None],
    })
    columns = [Column("Payout ID", width=24), Column("Total", "money"), Column("Rate", "rate"),
               Column("Period start", "date"), Column("Status"), Column("Cell", "link")]
    return TabWrite("Payouts", columns, frame, editable=("Status",), dropdowns={"Status": ("Draft", "Approved", "Paid")})


def test_columns_get_number_formats_and_text_columns_are_text() -> None:
    book = _book()
    ExcelLiveWorkbook(book).apply(WritePlan(tabs=[_payouts()]))
    sheet = book.sheets["Payouts"]
    assert sheet.range("A2:A3").number_format == "@"
    assert sheet.range("B2:B3").number_format == "#,##0.00"
    assert sheet.range("C2:C3").number_format == "0.00%"
    assert sheet.range("D2:D3").number_format == "yyyy-mm-dd"
    assert sheet.range("A3").value == "2026-11-09/=1+1" and sheet._cell("A3").formula is None
    assert sheet.range("B2").value == 1234.5 and sheet.range("C2").value == 0.125
    assert sheet.range("D2").value == dt.datetime(2026, 11, 9)
    assert sheet.range("F2").value == "Orders!B2" and sheet._cell("F2").formula.startswith("=HYPERLINK(")
    assert sheet.range("A1").column_width == 24
    assert sheet._cell("E2").validation == ("Draft", "Approved", "Paid")


def test_tool_tabs_are_added_at_the_end_frozen_protected_with_editable_columns_open() -> None:
    book = _book()
    active = book.sheets.active
    backend = ExcelLiveWorkbook(book)
    backend.apply(WritePlan(tabs=[_payouts(), TabWrite("Ledger", [Column("Key")], pd.DataFrame({"Key": ["k"]}), hidden=True)]))
    assert book.sheet_names == ["Settings", "Orders", "Payouts", "Ledger"]
    payouts, ledger = book.sheets["Payouts"], book.sheets["Ledger"]
    assert payouts._frozen and payouts._split == (1, 0)
    assert payouts.api.ProtectContents and ledger.api.ProtectContents
    assert not ledger.visible and payouts.visible
    assert payouts.range("E2").api.Locked is False and payouts.range("B2").api.Locked is True
    assert payouts.range("E5000").api.Locked is False, "the whole Status column stays open for people"
    assert book.sheets.active is active, "the sheet the person was on stays active"
    assert backend.notes == []
    # a second run rewrites protected tabs (unprotect, write, protect again)
    backend.apply(WritePlan(tabs=[_payouts()]))
    assert payouts.api.ProtectContents and payouts.range("A2").value == "2026-11-09/glowwithmia"


def test_mixed_columns_keep_text_literal_and_format_each_cell() -> None:
    frame = pd.DataFrame({"Metric": ["GMV", "=SUM(A1)", "Share"], "Value": [Money(150000), "+5", Rate(250000)]})
    book = _book()
    ExcelLiveWorkbook(book).apply(WritePlan(tabs=[TabWrite("Weekly Report", [Column("Metric", "mixed"), Column("Value", "mixed")], frame)]))
    sheet = book.sheets["Weekly Report"]
    assert sheet.range("A2:B4").value == [["GMV", 1500.0], ["=SUM(A1)", "+5"], ["Share", 0.25]]
    assert sheet.range("B2").number_format == "#,##0.00" and sheet.range("B4").number_format == "0.00%"


def test_a_chart_is_placed_from_its_spec() -> None:
    frame = pd.DataFrame({"Week": ["W1", "W2"], "GMV": pd.array([100, 200], dtype="Int64"), "Orders": pd.array([1, 2], dtype="Int64")})
    spec = ChartSpec("line", "GMV by week", "Week", (ChartSeries("GMV", "GMV"),), 0, 1, "E2")
    tab = TabWrite("GMV by Period", [Column("Week"), Column("GMV", "money"), Column("Orders", "int")], frame, charts=[spec])
    book = _book()
    wb = ExcelLiveWorkbook(book)
    wb.apply(WritePlan(tabs=[tab]))
    wb.apply(WritePlan(tabs=[tab]))
    charts = list(book.sheets["GMV by Period"].charts)
    assert len(charts) == 1, "old charts are replaced, not piled up"
    assert charts[0].title == "GMV by week" and charts[0].chart_type == "line"
    assert charts[0]._source == "$A$1:$A$3,$B$1:$B$3" and charts[0]._anchor == "$E$2"


def test_a_tab_people_edit_is_never_replaced() -> None:
    book = _book()
    with pytest.raises(ValueError, match="people edit"):
        ExcelLiveWorkbook(book).apply(WritePlan(tabs=[TabWrite("orders", [Column("X")], pd.DataFrame({"X": ["x"]}))]))
    assert book.sheets["Orders"].range("A2").value == "O1"


def test_an_edit_of_a_missing_tab_is_refused_before_anything_is_written() -> None:
    book = _book()
    plan = WritePlan(tabs=[_payouts()], edits=[TabEdit("Samples", append=[["x"]])])
    with pytest.raises(NotASheetOpsWorkbook):
        ExcelLiveWorkbook(book).apply(plan)
    assert "Payouts" not in book.sheets


def test_edits_keep_text_literal_and_append_after_the_last_row() -> None:
    book = _book()
    edit = TabEdit("Orders", set_cells={(1, 1): 13.0}, append=[["O2", 7.25], ["=2+2", "+1"]], add_headers={2: "Notes"})
    ExcelLiveWorkbook(book).apply(WritePlan(edits=[edit]))
    assert book.sheets["Orders"].range("A1:C4").value == [
        ["Order ID", "GMV", "Notes"], ["O1", 13.0, None], ["O2", 7.25, None], ["=2+2", "+1", None]]


def test_a_password_protected_tool_tab_stops_the_run_before_any_write() -> None:
    book = _book()
    wb = ExcelLiveWorkbook(book)
    wb.apply(WritePlan(tabs=[_payouts()]))
    book.sheets["Payouts"].api.Unprotect()
    book.sheets["Payouts"].api.Protect(Password="secret")
    issues = TabWrite("Issues", [Column("Problem")], pd.DataFrame({"Problem": ["new"]}))
    with pytest.raises(ExcelWriteStopped, match="protected with a password"):
        ExcelLiveWorkbook(book).apply(WritePlan(tabs=[issues, _payouts()]))
    assert "Issues" not in book.sheets


def test_a_failure_halfway_says_which_tabs_were_updated(monkeypatch: pytest.MonkeyPatch) -> None:
    book = _book()
    wb = ExcelLiveWorkbook(book)
    first = TabWrite("Commission Lines", [Column("Line")], pd.DataFrame({"Line": ["a"]}))
    second = TabWrite("Issues", [Column("Problem")], pd.DataFrame({"Problem": ["b"]}))
    real_write = wb._write_tab

    def flaky(prep, *, new):
        if prep.tab.name == "Issues":
            raise fake.ComError(-2147418111, "Call was rejected by callee.", (0, "Excel", "Excel is busy", None, 0, 0), None)
        real_write(prep, new=new)

    monkeypatch.setattr(wb, "_write_tab", flaky)
    with pytest.raises(ExcelWriteStopped) as caught:
        wb.apply(WritePlan(tabs=[first, second]))
    message = str(caught.value)
    assert "while it wrote the Issues tab (Excel is busy)" in message
    assert "after Commission Lines had been updated" in message and "without saving" in message
    assert "\n" not in message and wb.touched


def test_read_maps_errors_and_pads_a_used_range_not_at_a1() -> None:
    book = fake.Book(tabs={"Orders": []})
    sheet = book.sheets["Orders"]
    sheet._seed([[None, None], [None, None], [None, "Order ID", "GMV"], [None, "O1", None]])
    fake.set_error(sheet, "C4", "#DIV/0!")
    fake.set_error(sheet, "D4", "#SPILL!")
    grid = ExcelLiveWorkbook(book).read(["Orders", "Missing"])
    assert list(grid) == ["Orders"]
    assert grid["Orders"] == [[], [], [None, "Order ID", "GMV"], [None, "O1", CellError("#DIV/0!"), CellError("#SPILL!")]]


def test_read_of_an_empty_tab_is_empty() -> None:
    book = fake.Book(tabs={"Orders": []})
    assert ExcelLiveWorkbook(book).read(["Orders"]) == {"Orders": []}


def test_lock_leaves_a_marker_in_the_workbook_and_removes_it() -> None:
    book = _book("lock1.xlsx")
    wb = ExcelLiveWorkbook(book)
    with wb.lock():
        marker = book.names[LOCK_NAME]
        pid, _host, started = parse_marker(marker.refers_to)
        assert pid == os.getpid() and marker.api.Visible is False
        assert dt.datetime.now(dt.timezone.utc) - started < dt.timedelta(minutes=1)
    assert LOCK_NAME not in book.names


def test_a_marker_of_another_live_run_refuses_and_a_stale_one_is_taken_over() -> None:
    book = _book("lock2.xlsx")
    now = dt.datetime.now(dt.timezone.utc)
    book.names.add(LOCK_NAME, f'="{os.getppid()}|{__import__("socket").gethostname()}|{now.isoformat(timespec="seconds")}"')
    with pytest.raises(RefreshRunning, match="still going"):
        with ExcelLiveWorkbook(book).lock():
            pass
    old = now - dt.timedelta(hours=1)
    book.names.add(LOCK_NAME, f'="{os.getppid()}|{__import__("socket").gethostname()}|{old.isoformat(timespec="seconds")}"')
    with ExcelLiveWorkbook(book).lock():
        assert str(os.getpid()) in book.names[LOCK_NAME].refers_to
    dead = 2**22 + 12345  # above the default Linux pid_max, so no such process
    book.names.add(LOCK_NAME, f'="{dead}|{__import__("socket").gethostname()}|{now.isoformat(timespec="seconds")}"')
    with ExcelLiveWorkbook(book).lock():
        pass


def test_a_report_chart_takes_its_series_names_from_its_table_header() -> None:
    # a report tab: no header row; a small table whose own header is frame row 2
    frame = pd.DataFrame({"A": ["Weekly Report", None, "Week", "W1", "W2"], "B": [None, None, "Net GMV", Money(100), Money(200)]})
    spec = ChartSpec("line", "Net GMV by week", "A", (ChartSeries("Net GMV", "B"),), 3, 4, "E2", header_row=2)
    tab = TabWrite("Weekly Report", [Column("A", "mixed"), Column("B", "mixed")], frame, header=False, charts=[spec])
    book = _book()
    ExcelLiveWorkbook(book).apply(WritePlan(tabs=[tab]))
    (chart,) = list(book.sheets["Weekly Report"].charts)
    assert chart._source == "$A$3:$A$5,$B$3:$B$5", "the range starts at the table's header row (Week, Net GMV)"


def test_payouts_in_live_excel_get_filters_status_colours_grey_tab_and_marked_columns() -> None:
    """Issue #15, the same on every backend: after two runs in a live workbook, Payouts has
    filter buttons over its table, one colour rule per Status word (not piled up), the tool's
    grey tab, and the headers of the columns people may edit filled green."""
    import sheetops
    from sheetops.backends.excel_live import excel_color
    from sheetops.tool_tabs import STATUS_FILLS

    from ..conftest import EXAMPLES, load_example

    example = load_example(EXAMPLES[0])
    book = fake.Book("Program.xlsx", tabs={k: [list(r) for r in v] for k, v in example["tabs"].items()})
    for _ in range(2):
        wb = ExcelLiveWorkbook(book)
        sheetops.refresh(wb, as_of=example["as_of"])
        assert not [n for n in wb.notes if "skipped" in n], wb.notes
    sheet = book.sheets["Payouts"]
    grid = ExcelLiveWorkbook(book).read(["Payouts"])["Payouts"]
    header, rows = [str(h) for h in grid[0]], len([r for r in grid[1:] if r and r[0]])
    assert sheet._autofilter == (1, 1, rows + 1, len(header))
    status_col = header.index("Status") + 1
    rules = [(box, formula, c.Interior.Color) for box, formula, c in sheet._conditions]
    assert sorted(f.strip('="') for _, f, _ in rules) == sorted(STATUS_FILLS)
    assert all(box[1] == box[3] == status_col and box[0] == 2 for box, _, _ in rules)
    assert {f.strip('="'): color for _, f, color in rules}["On hold"] == excel_color(STATUS_FILLS["On hold"])
    assert sheet.api.Tab.Color == excel_color("9E9E9E")
    marked = {header[c - 1] for (r, c), color in sheet._fills.items() if r == 1 and color == excel_color("C6EFCE")}
    assert marked == {"Status", "Approved by", "Paid on", "Reference"}
    assert sheet.api.ProtectContents  # protected again after the formatting
