"""End-to-end helpers: run the real ``sheetops`` command, find LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def sheetops(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m sheetops.cli ARGS`` as a person would run ``sheetops ARGS``."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "sheetops.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env=full_env, timeout=600)


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice headless; CI installs it (scripts/setup.sh --system), so missing is a failure there."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        if os.environ.get("CI") or os.environ.get("SHEETOPS_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice (soffice) is required for this test; run scripts/setup.sh --system")
        pytest.skip("LibreOffice is not installed here (scripts/setup.sh --system installs it)")
    return path


def convert(soffice: str, src: Path, fmt: str, outdir: Path) -> Path:
    """Convert with LibreOffice headless in a private profile (parallel-safe)."""
    profile = outdir / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--convert-to", fmt, "--outdir", str(outdir), str(src)],
                   check=True, capture_output=True, timeout=300)
    out = outdir / f"{src.stem}.{fmt.split(':')[0]}"
    assert out.exists(), f"LibreOffice did not write {out}"
    return out
