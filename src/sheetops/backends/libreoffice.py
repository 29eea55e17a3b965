"""Print ``.xlsx`` files to PDF with LibreOffice, headless.

Why LibreOffice: it reads the very file SheetOps writes, native charts and page setup
(landscape, fit to width, print titles, footer) included, so the PDF looks like the tab; it
is packaged by every Linux distribution and for macOS and Windows, and the project already
renders with it in its tests. A PDF library would need a second drawing of every table and
chart, which would drift from the tab.

Each call runs one ``soffice`` process for many files (starting LibreOffice costs about two
seconds; each further small file about a fifth of one), with its own throw-away profile so
it never collides with a LibreOffice a person has open; many files are shared among a few
such processes side by side.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

from ..errors import SheetOpsError

SOFFICE_ENV = "SHEETOPS_SOFFICE"
"""Path of the ``soffice`` program, when it is not on PATH."""
BATCH = 200
"""Files per ``soffice`` process: one start-up for many files, with a bounded command line."""
TIMEOUT_S = 600


class LibreOfficeMissing(SheetOpsError):
    """``soffice`` cannot be found."""


def soffice() -> str:
    """The ``soffice`` program, or ``LibreOfficeMissing`` with what to install."""
    named = os.environ.get(SOFFICE_ENV)
    found = named if named and Path(named).is_file() else shutil.which(named or "soffice") or (
        None if named else shutil.which("libreoffice"))
    if not found:
        raise LibreOfficeMissing(
            "Making PDFs needs LibreOffice, which was not found; install it (for example 'apt-get install "
            f"libreoffice-calc' or from libreoffice.org) or set {SOFFICE_ENV} to its soffice program, and run again.")
    return found


def to_pdf(files: Sequence[Path], out_dir: Path, *, processes: int | None = None) -> list[Path]:
    """Print each ``.xlsx`` of ``files`` to ``out_dir/<same name>.pdf``; the PDFs in order.

    Many files are shared among ``processes`` LibreOffice processes running side by side (by
    default one per CPU, at most four), each with its own profile."""
    program = soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(processes or min(os.cpu_count() or 1, 4), len(files) // 20 or 1))
    share = [list(files[i::workers]) for i in range(workers)]
    with tempfile.TemporaryDirectory(prefix="sheetops-lo-") as profiles:
        def run(n: int) -> None:
            profile = Path(profiles) / str(n)
            for first in range(0, len(share[n]), BATCH):
                _convert(program, profile, share[n][first:first + BATCH], out_dir)

        if workers == 1:
            run(0)
        else:
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(run, range(workers)))
    return [out_dir / (f.stem + ".pdf") for f in files]


def _convert(program: str, profile: Path, files: Sequence[Path], out_dir: Path) -> None:
    batch = [str(f) for f in files]
    try:
        done = subprocess.run([program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                               "--convert-to", "pdf", "--outdir", str(out_dir), *batch],
                              capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise SheetOpsError(f"LibreOffice did not finish printing in {TIMEOUT_S} s; try again, or print "
                            "fewer documents at a time.") from None
    missing = [f for f in batch if not (out_dir / (Path(f).stem + ".pdf")).is_file()]
    if done.returncode != 0 or missing:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no message"]
        raise SheetOpsError(f"LibreOffice could not print {len(missing) or len(batch)} document(s) to PDF "
                            f"({detail[0]}); close any LibreOffice window and try again.")
