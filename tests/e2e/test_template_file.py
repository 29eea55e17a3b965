"""The committed template file, the streamed demo path, and LibreOffice opening both."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sheetops.workbook import schema
from sheetops.demo.data import make_demo
from sheetops.templates import template_layout, write_excel_template

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "sheets_templates" / "SheetOps.xlsx"
TODAY = dt.date(2026, 11, 18)
REGENERATE = "PYTHONPATH=src python -m sheetops.templates sheets_templates/SheetOps.xlsx"


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_committed_template_matches_the_generator(tmp_path: Path) -> None:
    fresh = tmp_path / "SheetOps.xlsx"
    write_excel_template(fresh)
    committed, generated = _parts(COMMITTED), _parts(fresh)
    assert list(committed) == list(generated), f"tabs or parts changed; regenerate with: {REGENERATE}"
    drifted = [name for name in committed if committed[name] != generated[name]]
    assert not drifted, f"{drifted} differ from the generator; regenerate with: {REGENERATE}"


def test_generator_is_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_excel_template(a)
    time.sleep(1.1)  # a timestamp that leaked into the file would now differ
    write_excel_template(b)
    assert a.read_bytes() == b.read_bytes()
    assert b"2026-01-01T00:00:00Z" in _parts(a)["docProps/core.xml"]


def _values(path: Path) -> dict[str, list[list[object]]]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = [[(c.value, c.data_type, c.number_format) for c in row] for row in ws.iter_rows()]
    return out


def test_streamed_orders_read_back_like_cell_by_cell(tmp_path: Path) -> None:
    demo = make_demo(orders=400, seed=9, today=TODAY)
    slow, fast = tmp_path / "slow.xlsx", tmp_path / "fast.xlsx"
    write_excel_template(slow, demo=demo)
    write_excel_template(fast, demo=demo, fast_threshold=0)
    a, b = _values(slow), _values(fast)
    assert a.keys() == b.keys()
    for tab in a:
        assert a[tab] == b[tab], tab
    wb = openpyxl.load_workbook(fast)
    assert wb["Orders"].max_row == 401
    assert wb["Orders"].freeze_panes == "A2"
    assert len(wb["Orders"].data_validations.dataValidation) == 4


def test_cli_module_writes_a_demo(tmp_path: Path) -> None:
    from sheetops.templates.__main__ import main

    path = tmp_path / "demo.xlsx"
    assert main([str(path), "--demo", "--orders", "50", "--seed", "2", "--today", "2026-11-18"]) == 0
    wb = openpyxl.load_workbook(path, read_only=True)
    assert sum(1 for _ in wb["Orders"].iter_rows()) == 51


# --- LibreOffice --------------------------------------------------------------------------


def _soffice() -> str:
    found = shutil.which("soffice")
    if found:
        return found
    if os.environ.get("SHEETOPS_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail("SHEETOPS_REQUIRE_LIBREOFFICE=1 but LibreOffice (soffice) is not installed")
    pytest.skip("LibreOffice (soffice) is not installed")


def _to_csv(path: Path, out: Path) -> dict[str, list[list[str]]]:
    """Every sheet of ``path`` as CSV rows, as LibreOffice reads the file."""
    profile = out / "profile"
    # comma, quote, UTF-8, from line 1, ..., cells as shown (token 9), every sheet (-1)
    fmt = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
    subprocess.run(
        [_soffice(), "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", fmt,
         "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=180,
    )
    sheets = {}
    for tab in template_layout().tab_names:
        target = out / f"{path.stem}-{tab}.csv"
        assert target.exists(), f"LibreOffice wrote no sheet {tab!r}"
        with target.open(encoding="utf-8", newline="") as handle:
            sheets[tab] = list(csv.reader(handle))
    return sheets


@pytest.mark.libreoffice
def test_libreoffice_opens_the_template_with_every_tab(tmp_path: Path) -> None:
    sheets = _to_csv(COMMITTED, tmp_path)
    for spec in (*schema.EDITED_TABS, schema.PAYOUTS):
        assert sheets[spec.name][0] == [c.name for c in spec.columns], spec.name
    assert sheets["Start Here"][0][0] == "SheetOps: start here"
    assert [r[0] for r in sheets["Settings"][1:]] == [s.name for s in schema.SETTINGS]


@pytest.mark.libreoffice
def test_libreoffice_reads_demo_values_as_written(tmp_path: Path) -> None:
    demo = make_demo(orders=300, seed=4, today=TODAY)
    path = tmp_path / "demo.xlsx"
    write_excel_template(path, demo=demo, fast_threshold=100)  # Orders through the streamed path
    sheets = _to_csv(path, tmp_path)
    notes = [row[9] for row in sheets["Creators"][1:]]
    assert "=VIP: ask Priya before changing her rules" in notes  # text, not a formula result
    assert "+2 extra videos agreed for Q4" in notes
    orders = sheets["Orders"]
    header = orders[0]
    first = dict(zip(header, orders[1]))
    expected = dict(zip(demo.header("Orders"), next(iter(demo.iter_rows("Orders")))))
    assert first["Order ID"] == expected["Order ID"]  # 18 digits, not 5.77E+17
    assert first["Product ID"] == expected["Product ID"]
    assert first["Order date"] == expected["Order date"].strftime("%Y-%m-%d %H:%M")
    assert first["GMV"] == f"{expected['GMV']:,.2f}"
    assert len(orders) == 301
    bad = demo.bad_rows[1]
    assert orders[bad.row - 1][header.index("GMV")] == "12O.00"


@pytest.mark.slow
def test_a_million_order_lines_are_written_in_minutes(tmp_path: Path) -> None:
    demo = make_demo(orders=1_000_000, seed=1, today=TODAY)
    path = tmp_path / "big.xlsx"
    started = time.perf_counter()
    write_excel_template(path, demo=demo)
    assert time.perf_counter() - started < 300
    with zipfile.ZipFile(path) as archive:
        wb_xml = archive.read("xl/workbook.xml").decode()
        assert "Orders" in wb_xml
        part = f"xl/worksheets/sheet{template_layout().tab_names.index('Orders') + 1}.xml"
        with archive.open(part) as sheet:
            head = sheet.read(4000).decode()
        assert '<dimension ref="A1:R1000001"/>' in head
