"""An unchanged ``.xlsx`` workbook is not refreshed again in full (issue #21): the run sees
from the zip's central directory that nothing changed since the last refresh, appends its
Run Log row and stops. Anything a refresh depends on (a cell of any tab, the as-of date, the
code) makes the next run a full one."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Callable

import openpyxl
import pytest

import sheetops
import importlib
from sheetops.backends.base import TabEdit, WritePlan
from sheetops.backends.xlsx import XlsxWorkbook
from sheetops.backends.xlsx_memory import CHUNK, CUSTOM_PART, _with_state, read_state
from sheetops.backends.xlsx_package import Package
from sheetops.demo.data import make_demo
from sheetops.templates import write_excel_template

unchanged_module = importlib.import_module("sheetops.unchanged")
AS_OF = "2026-11-18"


@pytest.fixture()
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.xlsx"
    write_excel_template(path, demo=make_demo(orders=300, seed=3, today=dt.date(2026, 11, 18)))
    return path


def _crcs(path: Path) -> dict[str, int]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: i.CRC for i in z.infolist()}


def _run_log(path: Path) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(path, read_only=True)["Run Log"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [dict(zip(rows[0], r)) for r in rows[1:] if any(v is not None for v in r)]


def _answer(result: sheetops.RunResult) -> dict[str, object]:
    out = result.to_json()
    for k in ("seconds", "unchanged"):
        out.pop(k)
    return out


def test_second_run_of_an_unchanged_workbook_only_appends_to_the_run_log(demo: Path) -> None:
    first = sheetops.refresh(demo, as_of=AS_OF)
    assert not first.unchanged
    before = _crcs(demo)
    second = sheetops.refresh(demo, as_of=AS_OF)
    assert second.unchanged
    assert _answer(second) == _answer(first)  # the same answer, summary and all
    after = _crcs(demo)
    with zipfile.ZipFile(demo) as z:
        log_part = next(n for n in z.namelist() if z.read(n).find(b"Nothing changed since the last refresh") >= 0)
    changed = {n for n in after if before.get(n) != after[n]}
    assert changed <= {log_part, CUSTOM_PART}, changed  # every tool tab left byte for byte
    log = _run_log(demo)
    assert len(log) == 2
    assert "Nothing changed since the last refresh" in str(log[1]["Notes"])
    assert log[1]["Result"] == log[0]["Result"] and log[1]["Summary"] == log[0]["Summary"]
    third = sheetops.refresh(demo, as_of=AS_OF)  # the state written by a skipped run holds too
    assert third.unchanged and len(_run_log(demo)) == 3


def test_an_edit_in_any_tab_makes_the_next_run_a_full_one(demo: Path) -> None:
    sheetops.refresh(demo, as_of=AS_OF)
    wb = XlsxWorkbook(demo)
    grid = wb.read(["Payouts"])["Payouts"]
    status = grid[0].index("Status")
    row = next(i for i, r in enumerate(grid) if r[status] == "Draft")
    with wb.lock():  # a manager approves one payout
        wb.apply(WritePlan(edits=[TabEdit("Payouts", set_cells={(row, status): "Approved"})]))
    again = sheetops.refresh(demo, as_of=AS_OF)
    assert not again.unchanged
    assert again.payouts["locked"] == 1
    assert sheetops.refresh(demo, as_of=AS_OF).unchanged


def test_another_as_of_date_the_full_flag_or_new_code_refresh_in_full(demo: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    sheetops.refresh(demo, as_of=AS_OF)
    assert not sheetops.refresh(demo, as_of="2026-11-25").unchanged  # a period may have closed
    assert sheetops.refresh(demo, as_of="2026-11-25").unchanged
    assert not sheetops.refresh(demo, as_of="2026-11-25", full=True).unchanged
    monkeypatch.setattr(unchanged_module, "_CODE_ID", "another-version")
    assert not sheetops.refresh(demo, as_of="2026-11-25").unchanged


def test_a_dry_run_is_never_skipped(demo: Path) -> None:
    sheetops.refresh(demo, as_of=AS_OF)
    dry = sheetops.refresh(demo, as_of=AS_OF, dry_run=True)
    assert not dry.unchanged and dry.changes


def test_a_file_saved_by_another_program_is_refreshed_in_full_and_its_properties_kept(demo: Path) -> None:
    sheetops.refresh(demo, as_of=AS_OF)
    book = openpyxl.load_workbook(demo)
    assert "SheetOps state" in [p.name for p in book.custom_doc_props.props]
    from openpyxl.packaging.custom import StringProperty

    book.custom_doc_props.append(StringProperty(name="Client", value="Glow & Co <EU>"))
    book.save(demo)  # every part rewritten, as Excel does on save
    assert not sheetops.refresh(demo, as_of=AS_OF).unchanged
    assert sheetops.refresh(demo, as_of=AS_OF).unchanged
    props = {p.name: p.value for p in openpyxl.load_workbook(demo).custom_doc_props.props}
    assert props["Client"] == "Glow & Co <EU>"  # a person's own property is kept


def test_state_longer_than_one_property_round_trips(tmp_path: Path) -> None:
    text = json.dumps({"a": "x&<>\"' é" * 200})
    xml = _with_state('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>',
                      text)
    assert xml.count("<property ") == -(-len(text) // CHUNK)
    assert _state_read_back(tmp_path, xml) == {"a": "x&<>\"' é" * 200}


def test_a_damaged_state_means_a_full_run(demo: Path) -> None:
    sheetops.refresh(demo, as_of=AS_OF)

    def damage(name: str, data: bytes) -> tuple[str, bytes]:
        if name == CUSTOM_PART:
            assert b"fingerprint" in data
            data = data.replace(b"fingerprint", b"fingerprinz", 1)
        return name, data

    _rewrite(demo, damage)
    assert not sheetops.refresh(demo, as_of=AS_OF).unchanged
    assert sheetops.refresh(demo, as_of=AS_OF).unchanged


def test_a_save_made_while_an_unchanged_run_writes_its_row_is_kept_and_seen_next_time(demo: Path) -> None:
    sheetops.refresh(demo, as_of=AS_OF)

    def person_saves(step: str) -> None:  # between the check and the Run Log write
        if step.startswith("Nothing changed"):
            book = openpyxl.load_workbook(demo)
            sheet = book["Payouts"]
            header = [c.value for c in sheet[1]]
            for row in sheet.iter_rows(min_row=2):
                if row[header.index("Status")].value == "Draft":
                    row[header.index("Status")].value = "Approved"
                    break
            book.save(demo)

    skipped = sheetops.refresh(demo, as_of=AS_OF, on_step=person_saves)
    assert skipped.unchanged
    grid = XlsxWorkbook(demo).read(["Payouts"])["Payouts"]
    statuses = [r[grid[0].index("Status")] for r in grid[1:]]
    assert "Approved" in statuses  # the save is in the file, not undone by the Run Log write
    after = sheetops.refresh(demo, as_of=AS_OF)
    assert not after.unchanged and after.payouts["locked"] == 1


def test_an_unchanged_run_whose_write_fails_says_so_in_the_run_log(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sheetops.refresh(demo, as_of=AS_OF)
    real = XlsxWorkbook.apply
    calls: list[int] = []

    def fails_once(self: XlsxWorkbook, plan: WritePlan) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk full")
        real(self, plan)

    monkeypatch.setattr(XlsxWorkbook, "apply", fails_once)
    with pytest.raises(OSError):
        sheetops.refresh(demo, as_of=AS_OF)
    log = _run_log(demo)
    assert log[-1]["Result"] == "failed: OSError" and len(log) == 2


def test_a_save_made_while_a_full_run_computes_is_computed_by_the_next_run(demo: Path) -> None:
    sheetops.refresh(demo, as_of=AS_OF)

    def person_saves(step: str) -> None:  # Orders edited while the run computes
        if step.startswith("Writing the tool tabs"):
            book = openpyxl.load_workbook(demo)
            sheet = book["Orders"]
            sheet.delete_rows(sheet.max_row - 19, 20)
            book.save(demo)

    sheetops.refresh(demo, as_of=AS_OF, on_step=person_saves, full=True)
    after = sheetops.refresh(demo, as_of=AS_OF)
    assert not after.unchanged  # the edit was not computed by the run it came during
    assert after.rows["Orders"] == sheetops.refresh(demo, as_of=AS_OF, full=True).rows["Orders"]


def test_the_kept_answer_survives_text_excel_would_read_as_escapes(tmp_path: Path) -> None:
    state = {"result": {"on_hold_creators": ["the_x0041_shop", "a&b<c>\"d'", "ümlaut_xff"]}}
    xml = _with_state('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>',
                      json.dumps(state, ensure_ascii=True).replace("_x", "_\\u0078"))
    assert "_x" not in xml.split("<Properties", 1)[1].split(">", 1)[1]
    assert _state_read_back(tmp_path, xml) == state


def test_custom_properties_under_another_part_name_are_used_not_doubled(demo: Path) -> None:
    sheetops.refresh(demo, as_of=AS_OF)

    def move(name: str, data: bytes) -> tuple[str, bytes]:
        if name in ("_rels/.rels", "[Content_Types].xml"):
            data = data.replace(b"docProps/custom.xml", b"docProps/props9.xml")
        return ("docProps/props9.xml" if name == CUSTOM_PART else name), data

    _rewrite(demo, move)
    assert not sheetops.refresh(demo, as_of=AS_OF).unchanged  # the package's parts changed
    assert sheetops.refresh(demo, as_of=AS_OF).unchanged
    with zipfile.ZipFile(demo) as z:
        names = z.namelist()
        assert "docProps/props9.xml" in names and CUSTOM_PART not in names
        assert z.read("_rels/.rels").count(b"custom-properties") == 1


def _state_read_back(tmp_path: Path, xml: str) -> object:
    """The state ``read_state`` finds in a package whose custom-properties part is ``xml``."""
    path = tmp_path / "p.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr(CUSTOM_PART, xml)
    pkg = Package(path)
    try:
        return read_state(pkg)
    finally:
        pkg.close()


def _rewrite(path: Path, change: "Callable[[str, bytes], tuple[str, bytes]]") -> None:
    """Rewrite the zip at ``path``, each part through ``change`` (name, bytes) -> (name, bytes)."""
    tmp = path.with_name("rewritten.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            name, data = change(info.filename, src.read(info))
            out.writestr(name, data)
    tmp.replace(path)

