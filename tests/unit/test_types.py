"""Types everywhere (STYLE.md): mypy and pyflakes find nothing in the package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_finds_no_type_errors(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "mypy", "src/sheetops", "--ignore-missing-imports",
                           "--cache-dir", str(tmp_path / "mypy")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]


def test_pyflakes_finds_nothing_unused() -> None:
    done = subprocess.run([sys.executable, "-m", "pyflakes", "src", "functions", "bench"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0 and not done.stdout, done.stdout[-3000:]
