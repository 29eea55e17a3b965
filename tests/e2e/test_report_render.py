"""The reports seen as a person sees them: the demo program written to an ``.xlsx`` file by
the xlsx backend, opened by LibreOffice, printed to PDF, and looked at as pixels.

Runs when ``sheetops.backends.xlsx`` is importable and LibreOffice (``soffice``) and
poppler (``pdftotext``, ``pdftoppm``) are installed. With ``SHEETOPS_REQUIRE_LIBREOFFICE=1``
a missing tool fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

import sheetops
from sheetops.backends.base import TabWrite
from sheetops.backends.memory import MemoryWorkbook

from ..backends.factory_xlsx import write_grid_workbook
from ..reports.demo import AS_OF, demo_tabs

import sheetops.backends.xlsx as xlsx  # noqa: E402
TOOLS = ("soffice", "pdftotext", "pdftoppm")
DPI = 40
PDF_FILTER = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'
"""One PDF page per sheet, sized to hold the sheet's cells and charts."""


def _require_tools() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if not missing:
        return
    message = (f"{', '.join(missing)} not found; install LibreOffice and poppler-utils "
               "(apt-get install libreoffice-calc poppler-utils) to render the reports")
    if os.environ.get("SHEETOPS_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _write_inputs(path: Path) -> Path:
    """The demo's tabs as a person's workbook: typed text stays text; empty strings are blank."""
    tabs = {name: [[None if v == "" else v for v in row] for row in rows] for name, rows in demo_tabs().items()}
    return write_grid_workbook(path, tabs)


def _pdf(xlsx_path: Path, out: Path) -> Path:
    profile = (out / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", PDF_FILTER,
                    "--outdir", str(out), str(xlsx_path)], check=True, capture_output=True, timeout=180)
    pdf = out / (xlsx_path.stem + ".pdf")
    assert pdf.is_file(), "LibreOffice wrote no PDF"
    return pdf


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def _pages(pdf: Path) -> list[list[Word]]:
    """The words of each page, in reading order, with their boxes in points."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout
    pages = []
    for chunk in html.split("<page ")[1:]:
        pages.append([Word(unescape(m[5]), float(m[1]), float(m[2]), float(m[3]), float(m[4]))
                      for m in WORD.finditer(chunk)])
    return pages


def _runs(words: list[Word], phrase: str) -> list[list[Word]]:
    """Every place the words of ``phrase`` follow each other on the page."""
    want = phrase.split()
    texts = [w.text for w in words]
    return [words[i:i + len(want)] for i in range(len(texts) - len(want) + 1) if texts[i:i + len(want)] == want]


def _gray(pdf: Path, page: int, out: Path) -> tuple[int, int, bytes]:
    """Page ``page`` (1-based) as 8-bit gray pixels: (width, height, pixels)."""
    stem = out / f"page{page}"
    subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(stem)], check=True, capture_output=True, timeout=60)
    data = Path(f"{stem}.pgm").read_bytes()
    fields = data.split(maxsplit=4)
    assert fields[0] == b"P5" and fields[3] == b"255", "pdftoppm -gray writes binary PGM"
    width, height = int(fields[1]), int(fields[2])
    return width, height, fields[4][-width * height:]


def _ink(pixels: bytes) -> float:
    """The share of pixels that are not (nearly) white."""
    return sum(1 for p in pixels if p < 200) / max(len(pixels), 1)


def _variance(pixels: bytes) -> float:
    mean = sum(pixels) / len(pixels)
    return sum((p - mean) ** 2 for p in pixels) / len(pixels)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[Word]], Path]:
    _require_tools()
    out = tmp_path_factory.mktemp("render")
    path = _write_inputs(out / "demo.xlsx")
    result = sheetops.refresh(xlsx.XlsxWorkbook(path), as_of=AS_OF)
    assert result.issues["error"] == 0
    pdf = _pdf(path, out)
    return pdf, _pages(pdf), out


def _expected() -> dict[str, TabWrite]:
    """The report tabs as the engine describes them (memory backend, same inputs)."""
    wb = MemoryWorkbook(demo_tabs())
    sheetops.refresh(wb, as_of=AS_OF)
    return {name: wb.meta[name] for name in ("Weekly Report", "QBR")}


@pytest.mark.parametrize("tab, must_show", [
    ("Weekly Report", ["Lumi Beauty", "Headline numbers", "Top 10 creators by Net GMV", "glowwithmia",
                       "Campaigns against target", "newbienina"]),
    ("QBR", ["Quarterly business review", "Q4 2026 to date", "Top performers: the top 10%", "summersue"]),
])
def test_report_page_is_readable_and_has_its_charts(rendered: tuple[Path, list[list[Word]], Path], tab: str,
                                                   must_show: list[str]) -> None:
    pdf, pages, out = rendered
    expected = _expected()[tab]
    title = str(expected.frame.iat[0, 0])
    hits = [i for i, words in enumerate(pages) if _runs(words, title) and _runs(words, "Headline numbers")]
    assert hits, f"no PDF page shows the {tab}"
    words = pages[hits[0]]
    for phrase in must_show:
        assert _runs(words, phrase), f"the {tab} page does not show {phrase!r}"
    assert not any("###" in w.text for w in words), "a column is too narrow for its numbers (###)"

    width, height, pixels = _gray(pdf, hits[0] + 1, out)
    assert _ink(pixels) > 0.01 and _variance(pixels) > 100, "the report page is blank"

    cell_words = " ".join(str(v) for v in expected.frame.to_numpy().ravel() if isinstance(v, str)).split()
    scale = DPI / 72
    for chart in expected.charts:
        in_cells = len(_runs([Word(t, 0, 0, 0, 0) for t in cell_words], chart.title))
        drawn = _runs(words, chart.title)
        assert len(drawn) > in_cells, f"the chart {chart.title!r} is not drawn on the {tab} page"
        title_box = drawn[-1][0]
        # below the chart's title: its plot, with bars or a line (not an empty frame)
        x0, x1 = int((title_box.x0 - 100) * scale), int((title_box.x1 + 100) * scale)
        y0, y1 = int(title_box.y1 * scale), int((title_box.y1 + 150) * scale)
        plot = b"".join(pixels[r * width + max(x0, 0):r * width + min(x1, width)] for r in range(y0, min(y1, height)))
        assert _ink(plot) > 0.03, f"the chart {chart.title!r} has an empty plot"
