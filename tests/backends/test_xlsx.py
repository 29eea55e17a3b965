"""The ``.xlsx`` backend beyond the contract: surgical writes, atomic swap, lock, charts."""

from __future__ import annotations

import json
import os
import re
import time
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sheetops.backends import xlsx_package
from sheetops.backends.base import CellError, Column, Money, TabEdit, TabWrite, WritePlan
from sheetops.backends.xlsx import XlsxWorkbook
from sheetops.backends.xlsx_lock import lock_path
from sheetops.errors import NotASheetOpsWorkbook, RefreshRunning, WorkbookNotFound

from .xlsx_fixtures import VBA_BYTES, X14_EXT, commission_lines, convert, parts, report_tab, rich_workbook

SHARED = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "[Content_Types].xml"}
_ELEMENT = re.compile(rb"<(?:sheet|definedName|Relationship|Override|Default|numFmt|font|xf)\b[^>]*?/?>")


def _tool_parts(after: dict[str, bytes], before: dict[str, bytes]) -> set[str]:
    return {n for n in after if n not in before}


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
def test_other_tabs_parts_stay_byte_identical(tmp_path: Path, suffix: str) -> None:
    path = rich_workbook(tmp_path / f"book{suffix}", macro=suffix == ".xlsm")
    before = parts(path)
    wb = XlsxWorkbook(path)
    with wb.lock():
        wb.apply(WritePlan(tabs=[commission_lines(), report_tab()]))
    after = parts(path)
    for name, data in before.items():
        if name in SHARED:
            continue
        assert after.get(name) == data, f"{name} changed"
    for name in SHARED:  # shared parts only gain: every element they had is still there
        for element in _ELEMENT.findall(before[name]):
            assert element in after[name], f"{name} lost {element!r}"
    old_xfs = re.search(rb"<cellXfs[^>]*>(.*?)</cellXfs>", before["xl/styles.xml"], re.S).group(1)
    assert re.search(rb"<cellXfs[^>]*>(.*?)</cellXfs>", after["xl/styles.xml"], re.S).group(1).startswith(old_xfs)
    assert X14_EXT.encode() in after["xl/worksheets/sheet2.xml"]
    if suffix == ".xlsm":
        assert after["xl/vbaProject.bin"] == VBA_BYTES
    with zipfile.ZipFile(path) as z:  # untouched parts are copied compressed, as they were
        assert z.getinfo("xl/media/image1.png").CRC == zipfile.crc32(before["xl/media/image1.png"]) & 0xFFFFFFFF
    new = _tool_parts(after, before)
    assert {"xl/worksheets/sheet4.xml", "xl/worksheets/sheet5.xml"} <= new
    # the result still opens, with the people's things intact
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Creators", "Orders", "Lists", "Commission Lines", "Weekly Report"]
    assert book["Orders"]["A1"].comment.text == "Paste the TikTok export here"
    assert book["Lists"].sheet_state == "hidden"
    assert "StatusList" in book.defined_names
    assert book["Creators"].data_validations.dataValidation[0].formula1 == '"Active,Paused,Offboarded"'


def test_values_read_back_and_text_stays_text(tmp_path: Path) -> None:
    path = rich_workbook(tmp_path / "book.xlsx")
    wb = XlsxWorkbook(path)
    tab = commission_lines()
    wb.apply(WritePlan(tabs=[tab]))
    rows = XlsxWorkbook(path).read(["Commission Lines"])["Commission Lines"]
    assert rows[0] == ["Payout ID", "Creator", "Amount", "Rate", "Order"]
    assert [r[1] for r in rows[1:]] == list(tab.frame["Creator"])
    assert [round(r[2] * 100) for r in rows[1:]] == list(tab.frame["Amount"])
    assert rows[1][4] == "Orders!A2"
    sheet = parts(path)["xl/worksheets/sheet4.xml"].decode()
    assert "<f>" not in sheet and "<f " not in sheet, "no formula anywhere in a tool tab"
    assert '<v>-50.00</v>' in sheet, "money is exact decimal text from cents"
    assert "location=\"'Orders'!A2\"" in sheet
    ET.fromstring(sheet)
    ws = openpyxl.load_workbook(path)["Commission Lines"]
    assert ws["C2"].number_format == "#,##0.00" and ws["D2"].number_format == "0.00%"
    assert ws["A1"].font.b and ws.freeze_panes == "A2" and ws.column_dimensions["A"].width == 24
    assert ws.protection.sheet


def test_people_tabs_read_with_dates_and_errors(tmp_path: Path) -> None:
    path = rich_workbook(tmp_path / "book.xlsx")
    with zipfile.ZipFile(path) as z:
        data = {i.filename: z.read(i) for i in z.infolist()}
    data["xl/worksheets/sheet1.xml"] = data["xl/worksheets/sheet1.xml"].replace(
        b"</sheetData>", b'<row r="9"><c r="B9" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C9" t="e"><v>#N/A</v></c></row></sheetData>'
    )
    with zipfile.ZipFile(path, "w") as z:
        for name, blob in data.items():
            z.writestr(name, blob)
    grids = XlsxWorkbook(path).read(["Orders", "Creators", "Missing"])
    assert set(grids) == {"Orders", "Creators"}
    orders = grids["Orders"]
    assert orders[1][2].isoformat() == "2026-11-01T10:30:00" and orders[1][3] == 10.5 and orders[1][5] == "=1+1"
    assert grids["Creators"][8][1:3] == [CellError("#DIV/0!"), CellError("#N/A")]


def test_rewrite_is_stable_and_drops_old_charts(tmp_path: Path) -> None:
    path = rich_workbook(tmp_path / "book.xlsx")
    wb = XlsxWorkbook(path)
    plan = WritePlan(tabs=[commission_lines(), report_tab()])
    wb.apply(plan)
    first = path.read_bytes()
    wb.apply(plan)
    assert path.read_bytes() == first, "the same plan writes the same bytes"
    charts = [n for n in parts(path) if n.startswith("xl/charts/chart")]
    assert len(charts) == 3  # the people's chart on Orders and the report's two
    for name in charts + ["xl/drawings/drawing2.xml"]:
        ET.fromstring(parts(path)[name])
    types = parts(path)["[Content_Types].xml"].decode()
    plain = TabWrite("Weekly Report", [Column("Week")], pd.DataFrame({"Week": ["none"]}))
    wb.apply(WritePlan(tabs=[plain]))
    after = parts(path)
    assert [n for n in after if n.startswith("xl/charts/")] == ["xl/charts/chart1.xml"]
    assert "xl/drawings/drawing2.xml" not in after and "xl/worksheets/_rels/sheet5.xml.rels" not in after
    assert "/xl/charts/chart2.xml" in types and "/xl/charts/chart2.xml" not in after["[Content_Types].xml"].decode()
    assert XlsxWorkbook(path).read(["Weekly Report"])["Weekly Report"] == [["Week"], ["none"]]


def test_replacing_a_tool_tab_drops_its_old_comments_drawings_charts(tmp_path: Path) -> None:
    path = rich_workbook(tmp_path / "book.xlsx")
    before = parts(path)
    # pretend "Orders" were a tool tab: its comment, vml, drawing, chart go; nothing else does
    XlsxWorkbook(path).apply(WritePlan(tabs=[TabWrite("Orders", [Column("A")], pd.DataFrame({"A": ["x"]}))]))
    after = parts(path)
    gone = set(before) - set(after)
    assert any("comments" in n for n in gone) and any(n.endswith(".vml") for n in gone)
    assert {"xl/charts/chart1.xml", "xl/media/image1.png", "xl/drawings/drawing1.xml"} <= gone
    assert all(n not in after["[Content_Types].xml"].decode() for n in gone)
    assert after["xl/worksheets/sheet1.xml"] == before["xl/worksheets/sheet1.xml"]
    openpyxl.load_workbook(path)


def test_hidden_protected_dropdowns(tmp_path: Path) -> None:
    path = rich_workbook(tmp_path / "book.xlsx")
    frame = pd.DataFrame({"Payout ID": ["p1"], "Total": pd.array([1205], dtype="Int64"), "Status": ["Draft"]})
    tab = TabWrite("Payouts", [Column("Payout ID"), Column("Total", "money"), Column("Status")], frame,
                   editable=("Status",), dropdowns={"Status": ("Draft", "Approved", "Paid")})
    ledger = TabWrite("Ledger", [Column("Key")], pd.DataFrame({"Key": ["k"]}), hidden=True)
    XlsxWorkbook(path).apply(WritePlan(tabs=[tab, ledger]))
    book = openpyxl.load_workbook(path)
    ws = book["Payouts"]
    assert ws.protection.sheet and ws["C2"].protection.locked is False and ws["A2"].protection.locked is True
    assert str(ws.data_validations.dataValidation[0].sqref) == "C2:C1048576"
    assert ws.data_validations.dataValidation[0].formula1 == '"Draft,Approved,Paid"'
    assert book["Ledger"].sheet_state == "hidden"
    XlsxWorkbook(path).apply(WritePlan(tabs=[TabWrite("Ledger", [Column("Key")], pd.DataFrame({"Key": ["k"]}))]))
    assert openpyxl.load_workbook(path)["Ledger"].sheet_state == "visible"


def test_edit_keeps_other_rows_and_extensions(tmp_path: Path) -> None:
    path = rich_workbook(tmp_path / "book.xlsx")
    sheet_before = parts(path)["xl/worksheets/sheet2.xml"]
    row3 = re.search(rb'<row r="3".*?</row>', sheet_before).group(0)
    edit = TabEdit("Orders", set_cells={(1, 3): Money(1999)}, append=[["O9", "S9", None, Money(725), "@fitbyleo", "+1"]],
                   add_headers={6: "Status"})
    XlsxWorkbook(path).apply(WritePlan(edits=[edit]))
    sheet = parts(path)["xl/worksheets/sheet2.xml"]
    assert row3 in sheet and X14_EXT.encode() in sheet
    rows = XlsxWorkbook(path).read(["Orders"])["Orders"]
    assert rows[0][6] == "Status" and rows[1][3] == 19.99 and rows[6][:2] == ["O9", "S9"] and rows[6][5] == "+1"
    ws = openpyxl.load_workbook(path)["Orders"]
    assert ws["D7"].number_format == "#,##0.00", "an appended cell looks like the one above it"
    assert ws["D2"].number_format == "#,##0.00", "a changed cell keeps its format"


def test_failure_mid_write_leaves_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = rich_workbook(tmp_path / "book.xlsx")
    original = path.read_bytes()
    real = xlsx_package._copy_entry
    calls = {"n": 0}

    def failing(*args: object) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full")
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(xlsx_package, "_copy_entry", failing)
    with pytest.raises(OSError, match="disk full"):
        XlsxWorkbook(path).apply(WritePlan(tabs=[commission_lines()]))
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"], "no temporary file is left behind"


def test_lock_stale_and_excel_owner_file(tmp_path: Path) -> None:
    path = rich_workbook(tmp_path / "book.xlsx")
    wb, other = XlsxWorkbook(path), XlsxWorkbook(path)
    with wb.lock():
        assert lock_path(path).exists()
        with pytest.raises(RefreshRunning, match="Another refresh of book.xlsx is running"):
            other.apply(WritePlan(tabs=[commission_lines()]))
        wb.apply(WritePlan(tabs=[commission_lines()]))  # the holder itself may write
    assert not lock_path(path).exists()
    lock_path(path).write_text(json.dumps({"pid": 2**22 + 12345, "host": os.uname().nodename, "token": "x"}))
    with other.lock():  # its process is gone: stale
        pass
    lock_path(path).write_text(json.dumps({"pid": os.getpid(), "host": "elsewhere", "token": "x"}))
    old = time.time() - 3600
    os.utime(lock_path(path), (old, old))
    with other.lock():  # no heartbeat for more than a minute: stale
        pass
    owner = tmp_path / "~$book.xlsx"
    owner.write_bytes(b"Mia")
    with pytest.raises(RefreshRunning, match="open in Excel"):
        with wb.lock():
            pass
    with pytest.raises(RefreshRunning, match="open in Excel"):
        wb.apply(WritePlan(tabs=[commission_lines()]))


def test_not_a_workbook_and_missing(tmp_path: Path) -> None:
    with pytest.raises(WorkbookNotFound):
        XlsxWorkbook(tmp_path / "nope.xlsx")
    text = tmp_path / "notes.xlsx"
    text.write_text("hello")
    with pytest.raises(NotASheetOpsWorkbook, match="not an Excel workbook"):
        XlsxWorkbook(text)
    other_zip = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("readme.txt", "hi")
    with pytest.raises(NotASheetOpsWorkbook, match="not an Excel workbook"):
        XlsxWorkbook(other_zip)


@pytest.mark.libreoffice
def test_libreoffice_opens_the_result(tmp_path: Path) -> None:
    path = rich_workbook(tmp_path / "book.xlsx")
    XlsxWorkbook(path).apply(WritePlan(tabs=[commission_lines(), report_tab()]))
    out = convert(path, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1", tmp_path / "csv")
    lines = (out / "book-Commission Lines.csv").read_text("utf-8").splitlines()
    assert lines[0] == "Payout ID,Creator,Amount,Rate,Order"
    assert lines[1].startswith('2026-11-02/creator0,"=HYPERLINK(""http://evil"")",-50.00,12.50%,Orders!A2')
    assert (out / "book-Weekly Report.csv").read_text("utf-8").splitlines()[1] == "2026-10-05,\"1,000.00\""
    pdf = convert(path, "pdf", tmp_path / "pdf") / "book.pdf"
    assert pdf.stat().st_size > 5000


@pytest.mark.libreoffice
def test_workbook_saved_by_libreoffice_survives(tmp_path: Path) -> None:
    source = rich_workbook(tmp_path / "src" / "book.xlsx") if (tmp_path / "src").mkdir() is None else None
    assert source is not None
    saved = convert(source, "xlsx", tmp_path / "lo") / "book.xlsx"
    before = parts(saved)
    XlsxWorkbook(saved).apply(WritePlan(tabs=[commission_lines(), report_tab()]))
    after = parts(saved)
    for name, data in before.items():
        if name not in SHARED:
            assert after[name] == data, f"{name} changed"
    grids = XlsxWorkbook(saved).read(["Orders", "Commission Lines"])
    assert grids["Orders"][1][0] == "O1" and grids["Commission Lines"][2][1] == "+1"
    openpyxl.load_workbook(saved)
    out = convert(saved, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1", tmp_path / "csv")
    assert "-50.00" in (out / "book-Commission Lines.csv").read_text("utf-8")


def test_payouts_get_filter_buttons_and_status_colours_after_every_run(tmp_path: Path) -> None:
    """Issue #15: filter buttons that work on the protected tool tabs, and Status colours as
    conditional formats (they follow what a person types), the same after a second run."""
    from sheetops import refresh
    from sheetops.tool_tabs import STATUS_FILLS

    from ..conftest import EXAMPLES, load_example
    from .factory_xlsx import write_grid_workbook

    example = load_example(EXAMPLES[0])
    book = write_grid_workbook(tmp_path / "p.xlsx", example["tabs"])
    for _ in range(2):
        refresh(XlsxWorkbook(book), as_of=example["as_of"])
    wb = openpyxl.load_workbook(book)
    payouts = wb["Payouts"]
    header = [c.value for c in payouts[1]]
    last = chr(ord("A") + len(header) - 1)
    assert payouts.auto_filter.ref == f"A1:{last}{payouts.max_row}"
    assert wb["Commission Lines"].auto_filter.ref and wb["Issues"].auto_filter.ref
    status = chr(ord("A") + header.index("Status"))
    rules = [(str(rng.sqref), r) for rng in payouts.conditional_formatting for r in rng.rules]
    assert sorted(r.formula[0].strip('"') for _, r in rules) == sorted(STATUS_FILLS)
    assert all(rng.startswith(f"{status}2:") for rng, _ in rules)
    fills = {r.formula[0].strip('"'): r.dxf.fill.bgColor.rgb for _, r in rules}
    assert fills["On hold"].endswith(STATUS_FILLS["On hold"])
    assert payouts.protection.sheet and payouts.protection.autoFilter is False  # filters usable while protected
    marked = {c.value for c in payouts[1] if c.fill.fgColor.rgb.endswith("C6EFCE")}
    assert marked == {"Status", "Approved by", "Paid on", "Reference"}  # the columns people may edit


def test_date_columns_are_written_per_column_exactly_as_cell_by_cell() -> None:
    """The numpy path for datetime64 columns gives the very serial texts ``value_text`` gives
    one value at a time (dates to the day, date-times to the microsecond, blanks blank)."""
    import datetime as dt
    import random

    from sheetops.backends.xlsx_sheet import serial_texts
    from sheetops.backends.xlsx_xml import value_text

    rng = random.Random(7)
    values: list[dt.datetime | None] = [None]
    for i in range(3000):
        v = dt.datetime(1900, 3, 1) + dt.timedelta(seconds=rng.randrange(0, 200 * 365 * 86400),
                                                   microseconds=rng.choice([0, rng.randrange(1_000_000)]))
        values.append(v.replace(hour=0, minute=0, second=0, microsecond=0) if i % 5 == 0 else v)
    series = pd.Series(pd.to_datetime(values))
    for kind in ("date", "datetime"):
        want = [None if pd.isna(v) else value_text(v, kind) for v in series]
        assert serial_texts(series, dates_only=kind == "date") == want, kind
