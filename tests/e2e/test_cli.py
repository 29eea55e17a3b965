"""The command line as a person uses it: init a demo workbook, run it, open the result."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sheetops.backends.xlsx import XlsxWorkbook
from sheetops.workbook.schema import TOOL_TABS

from .conftest import convert, sheetops


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "Lumi.xlsx"
    done = sheetops("init", str(path), "--demo", "--orders", "800", "--seed", "3")
    assert done.returncode == 0, done.stderr
    return path


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _tab_parts(path: Path) -> dict[str, str]:
    """Tab name -> its worksheet part name, read from the file's own workbook part."""
    from sheetops.backends.xlsx_book import Book
    from sheetops.backends.xlsx_package import Package

    pkg = Package(path)
    try:
        return {s.name: s.part for s in Book(pkg).sheets()}
    finally:
        pkg.close()


def _reachable(parts: dict[str, bytes], roots: set[str]) -> set[str]:
    """The parts the given sheets use (their rels, drawings, comments, media...), recursively."""
    from sheetops.backends.xlsx_package import parse_rels, rels_name

    seen: set[str] = set()
    todo = list(roots)
    while todo:
        part = todo.pop()
        if part in seen or part not in parts:
            continue
        seen.add(part)
        rels = rels_name(part)
        if rels in parts:
            seen.add(rels)
            todo += [r.part for r in parse_rels(parts[rels], part) if not r.external]
    return seen


def test_run_writes_tool_tabs_and_touches_nothing_else(demo: Path, tmp_path: Path) -> None:
    before = _parts(demo)
    done = sheetops("run", str(demo), "--as-of", "2026-11-18", "--json")
    assert done.returncode in (0, 1), done.stderr
    summary = json.loads(done.stdout)
    assert summary["as_of"] == "2026-11-18" and summary["rows"]["Orders"] == 800
    assert set(summary["payouts"]) >= {"draft", "below_minimum", "on_hold", "locked", "draft_total"}
    assert summary["issues"]["error"] >= 1 and done.returncode == 1, "the demo holds a few bad rows on purpose"
    after = _parts(demo)
    parts = _tab_parts(demo)
    tool_parts = {part for tab, part in parts.items() if tab in TOOL_TABS}
    people_parts = {part for tab, part in parts.items() if tab not in TOOL_TABS}
    assert people_parts and not (people_parts & tool_parts)
    for part in people_parts:
        assert after[part] == before[part], f"{part} (a tab people edit) changed"
    for name in _reachable(before, people_parts):
        assert after.get(name) == before[name], f"{name} (part of a tab people edit) changed"
    book = openpyxl.load_workbook(demo)
    assert {"Payouts", "Commission Lines", "Issues", "GMV by Period", "Run Log"} <= set(book.sheetnames)
    assert book["Payouts"].max_row > 1


def test_second_run_same_values(demo: Path) -> None:
    first = sheetops("run", str(demo), "--as-of", "2026-11-18", "--json")
    wb = XlsxWorkbook(demo)
    tabs = [t for t in wb.tab_names() if t in TOOL_TABS and t != "Run Log"]
    values = wb.read(tabs)
    second = sheetops("run", str(demo), "--as-of", "2026-11-18", "--json")
    assert json.loads(first.stdout)["payouts"] == json.loads(second.stdout)["payouts"]
    assert XlsxWorkbook(demo).read(tabs) == values


def test_dry_run_writes_nothing(demo: Path) -> None:
    before = demo.read_bytes()
    done = sheetops("run", str(demo), "--dry-run", "--as-of", "2026-11-25")
    assert done.returncode in (0, 1) and "dry run" in done.stdout
    assert demo.read_bytes() == before


def test_opens_in_libreoffice(demo: Path, tmp_path: Path, soffice: str) -> None:
    sheetops("run", str(demo), "--as-of", "2026-11-18")
    pdf = convert(soffice, demo, "pdf", tmp_path)
    assert pdf.stat().st_size > 10_000


@pytest.mark.parametrize("args, code, words", [
    (["run", "nope.xlsx"], 2, "There is no file nope.xlsx"),
    (["run", "notes.txt"], 2, "not a workbook SheetOps can open"),
    (["run", "x.xlsx", "--as-of", "18/11/2026"], 2, ""),
    (["init"], 2, "Say where to write"),
    (["frobnicate"], 2, "invalid choice"),
])
def test_errors_are_one_sentence_and_exit_2(tmp_path: Path, args: list[str], code: int, words: str) -> None:
    if args[1:2] == ["x.xlsx"]:
        sheetops("init", str(tmp_path / "x.xlsx"))
    done = sheetops(*args, cwd=tmp_path)
    assert done.returncode == code
    assert "Traceback" not in done.stderr and words in done.stderr
    assert done.stdout == "" or args[0] == "frobnicate"


def test_not_a_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "fake.xlsx"
    bad.write_text("hello")
    done = sheetops("run", str(bad))
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_missing_required_tab(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Settings"
    book.save(tmp_path / "half.xlsx")
    done = sheetops("run", str(tmp_path / "half.xlsx"))
    assert done.returncode == 2 and "not a SheetOps workbook" in done.stderr
