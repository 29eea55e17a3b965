"""``sheetops report`` and ``sheetops statements`` as a person runs them: PDFs printed by
LibreOffice, read back with poppler (page counts, visible text), from an ``.xlsx`` file and
from a workbook that is not a file (the memory backend stands for Google Sheets / live Excel)."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
from pathlib import Path

import pytest

from sheetops.backends.memory import MemoryWorkbook
from sheetops.documents import report_pdf

from ..backends.factory_xlsx import write_grid_workbook
from ..reports.demo import CREATORS, demo_tabs
from .conftest import sheetops

AS_OF = "2026-11-18"  # the demo's last closed week is 2026-11-09 .. 2026-11-15


def _tabs() -> dict:
    tabs = {name: [[None if v == "" else v for v in row] for row in rows] for name, rows in demo_tabs().items()}
    tabs["Settings"] = [r for r in tabs["Settings"] if r[0] != "As of"] + [["As of", AS_OF]]
    return tabs


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def demo_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_grid_workbook(tmp_path_factory.mktemp("docs") / "lumi.xlsx", _tabs())


def test_weekly_report_pdf_has_one_or_two_pages_names_the_client_and_shows_net_gmv(
        soffice: str, demo_xlsx: Path, tmp_path: Path) -> None:
    before = demo_xlsx.read_bytes()
    out = tmp_path / "weekly.pdf"
    run = sheetops("report", str(demo_xlsx), "--pdf", str(out))
    assert run.returncode == 0, run.stderr
    assert str(out) in run.stdout
    assert 1 <= pages(out) <= 2
    words = text(out)
    for shown in ("Weekly Report", "Lumi Beauty", "Net GMV", "2026-11-09 to 2026-11-15", "Top 10 creators",
                  "Page 1 of", "Net GMV by week"):
        assert shown in words, shown
    assert demo_xlsx.read_bytes() == before, "making a report writes nothing into the workbook"


def test_report_of_a_chosen_period(soffice: str, demo_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "w.pdf"
    run = sheetops("report", str(demo_xlsx), "--period", "2026-10-21", "--pdf", str(out))
    assert run.returncode == 0, run.stderr
    assert "2026-10-19 to 2026-10-25" in text(out) and pages(out) <= 2


def test_qbr_pdf_has_at_most_four_pages(soffice: str, demo_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "qbr.pdf"
    run = sheetops("report", str(demo_xlsx), "--qbr", "--pdf", str(out))
    assert run.returncode == 0, run.stderr
    assert 1 <= pages(out) <= 4
    words = text(out)
    for shown in ("Quarterly business review", "Lumi Beauty", "Net GMV", "Q4 2026 to date",
                  "Q3 2026, first 46 days"):
        assert shown in words, shown


def test_a_workbook_that_is_not_a_file_prints_the_same_report(soffice: str, tmp_path: Path) -> None:
    out = report_pdf(MemoryWorkbook(_tabs(), label="Lumi (Google Sheet)"), tmp_path / "mem.pdf")
    assert "Lumi Beauty" in out
    pdf = tmp_path / "mem.pdf"
    assert 1 <= pages(pdf) <= 2 and "Net GMV" in text(pdf)


def test_statements_for_every_payout_of_the_period(soffice: str, demo_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "statements"
    run = sheetops("statements", str(demo_xlsx), "--period", "2026-11-12", "-o", str(out), "--csv")
    assert run.returncode == 0, run.stderr
    sellers = {h for h, *_ in CREATORS}
    pdfs = sorted(out.glob("*.pdf"))
    csvs = sorted(out.glob("*.csv"))
    assert len(pdfs) == len(csvs) >= 10
    assert {p.stem for p in pdfs} == {p.stem for p in csvs}
    for pdf in pdfs:
        handle = pdf.stem.removeprefix("statement-2026-11-09-")
        assert handle in sellers
        words = text(pdf)
        assert f"@{handle}" in words and "Total" in words and "2026-11-09 to 2026-11-15" in words
        assert not any(f"@{other}" in words for other in sellers - {handle})
        with open(pdf.with_suffix(".csv"), newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        total = rows[-1][rows[0].index("Amount")]
        assert f" {float(total):,.2f}" in words.replace("\n", " ") or total in words


def test_plain_sentences_when_something_is_missing(demo_xlsx: Path, tmp_path: Path) -> None:
    run = sheetops("report", str(demo_xlsx), "--pdf", str(tmp_path / "x.pdf"), env={"PATH": "/nonexistent"})
    assert run.returncode == 2 and "needs LibreOffice" in run.stderr and "Traceback" not in run.stderr
    today = dt.date.today() + dt.timedelta(days=400)
    run = sheetops("report", str(demo_xlsx), "--period", today.isoformat(), "--pdf", str(tmp_path / "x.pdf"))
    assert run.returncode == 2 and "has not closed yet" in run.stderr
    run = sheetops("report", str(demo_xlsx), "--qbr", "--period", "2026-11-01", "--pdf", str(tmp_path / "x.pdf"))
    assert run.returncode == 2
