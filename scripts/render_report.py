"""Render one tab of a workbook to PNG with LibreOffice and poppler (for the README).

    .venv/bin/python scripts/render_report.py demo/SheetOps-demo.xlsx "Weekly Report" docs/img/weekly-report.png
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PDF_FILTER = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'


def render(workbook: Path, tab: str, out: Path, dpi: int = 100, width: int = 1100, height: int = 700) -> Path:
    """The page of ``tab``, cropped to its top-left ``width`` x ``height`` pixels."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to",
                        PDF_FILTER, "--outdir", str(work), str(workbook)], check=True, capture_output=True)
        pdf = work / f"{workbook.stem}.pdf"
        pages = int(next(line.split()[-1] for line in subprocess.run(
            ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()
            if line.startswith("Pages:")))
        for page in range(1, pages + 1):
            text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                                  check=True, capture_output=True, text=True).stdout
            if text.lstrip().startswith(tab) or f"\n{tab}" in text[:200]:
                subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-x", "0", "-y", "0",
                                "-W", str(width), "-H", str(height), "-png",
                                "-singlefile", str(pdf), str(work / "page")], check=True)
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(work / "page.png", out)
                return out
    raise SystemExit(f"no page of {workbook} starts with {tab!r}")


if __name__ == "__main__":
    print(render(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])))
