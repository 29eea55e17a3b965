"""The workbook seen as a manager sees it (issue #15): the template, and the demo workbook
after an import-free week of runs and a switch to Monthly, printed by LibreOffice, every tab
one page, and read back as text: no ``###`` anywhere, dates shown as dates, money as money,
every header visible."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from sheetops.backends.base import TabEdit, WritePlan
from sheetops.backends.xlsx import XlsxWorkbook

from .conftest import sheetops

PDF_FILTER = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'


def _pages(book: Path, out: Path) -> list[str]:
    profile = (out / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", PDF_FILTER,
                    "--outdir", str(out), str(book)], check=True, capture_output=True, timeout=300)
    pdf = out / (book.stem + ".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    return [subprocess.run(["pdftotext", "-layout", "-f", str(p), "-l", str(p), str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout for p in range(1, count + 1)]


def _page_of(pages: list[str], first_header: str, second: str) -> str:
    found = [p for p in pages if first_header in p[:400] and second in p[:2000]]
    assert found, f"no page shows the headers {first_header!r} and {second!r}"
    return found[0]


def test_the_template_shows_whole_values_and_every_header(tmp_path: Path, soffice: str) -> None:
    book = tmp_path / "fresh.xlsx"
    assert sheetops("init", str(book)).returncode == 0
    pages = _pages(book, tmp_path)
    text = "\n".join(pages)
    assert "###" not in text
    for header in ("Setting", "Creator", "Order ID", "Payout ID", "Commission", "Status", "Severity"):
        assert header in text, header
    settings = _page_of(pages, "Setting", "Minimum payout")
    assert re.search(r"Minimum payout\s+0\.00", settings), "Minimum payout shows as the number 0.00"


def test_the_demo_after_runs_and_a_switch_to_monthly_reads_as_a_manager_expects(tmp_path: Path, soffice: str) -> None:
    book = tmp_path / "demo.xlsx"
    assert sheetops("init", str(book), "--demo", "--orders", "600", "--seed", "3").returncode == 0
    assert sheetops("run", str(book), "--as-of", "2026-11-18").returncode in (0, 1)
    grid = XlsxWorkbook(book).read(["Settings"])["Settings"]
    row = next(i for i, r in enumerate(grid) if r and r[0] == "Payout period")
    XlsxWorkbook(book).apply(WritePlan(edits=[TabEdit("Settings", set_cells={(row, 1): "Monthly"})]))
    assert sheetops("run", str(book), "--as-of", "2026-12-02").returncode in (0, 1)
    pages = _pages(book, tmp_path)
    text = "\n".join(pages)
    assert "###" not in text, "a column too narrow for its values"
    payouts = _page_of(pages, "Payout ID", "Approved by")
    assert re.search(r"20\d\d-\d\d-\d\d/\S+\s+20\d\d-\d\d-01\s+20\d\d-\d\d-\d\d", payouts), "monthly periods as dates"
    assert re.search(r"\s\d{1,3}(,\d{3})*\.\d\d\s", payouts), "money with two decimals"
    lines = _page_of(pages, "Payout ID", "Why")
    assert re.search(r"20\d\d-\d\d-\d\d \d\d:\d\d", lines), "order dates with their time"
    assert "of the base" in lines, "each line says why it earns what it does"
    assert any("Not refreshed" in p and "Monthly Report" in p for p in pages), "the weekly report says it is stale"
    assert any(p.lstrip().startswith("Monthly Report") for p in pages)
