"""Start-up (issue #21): importing the package, the command and the doors loads no heavy
library; each is imported by the code that uses it, on first use. A behavioural guard (which
modules a fresh interpreter holds), not a timing test; ``bench/bench_startup.py`` times it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
IO_LIBRARIES = ["gspread", "google.auth", "google_auth_oauthlib", "requests", "openpyxl", "xlwings",
                "functions_framework", "python_calamine"]
DATA_LIBRARIES = ["pandas", "numpy", "pyarrow"]


def _loaded(code: str) -> list[str]:
    """The watched libraries a fresh interpreter holds after running ``code``."""
    watched = IO_LIBRARIES + DATA_LIBRARIES
    probe = f"{code}\nimport sys, json\nprint(json.dumps([m for m in {watched!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         env={"PATH": "", "PYTHONPATH": str(SRC), "PYTHONDONTWRITEBYTECODE": "1"})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("code", [
    "import sheetops",
    "import sheetops.cli",
    "from sheetops import refresh, RunResult",
    "import sheetops.cli; sheetops.cli._parser().format_help()",
])
def test_the_package_and_the_command_load_no_heavy_library(code: str) -> None:
    assert _loaded(code) == []


@pytest.mark.parametrize("module", ["sheetops.excel", "sheetops.cloud", "sheetops.addon", "sheetops.backends"])
def test_the_doors_load_no_io_library_nor_pandas_on_import(module: str) -> None:
    assert _loaded(f"import {module}") == []


def test_the_public_names_still_load_on_first_use() -> None:
    code = ("import sheetops, sheetops.backends, sheetops.addon, sheetops.cloud\n"
            "from sheetops import refresh, RunResult\n"
            "from sheetops.backends import MemoryWorkbook\n"
            "assert callable(sheetops.refresh) and RunResult.__name__ == 'RunResult'\n"
            "assert MemoryWorkbook.__name__ == 'MemoryWorkbook'\n"
            "assert callable(sheetops.addon.handle_addon) and callable(sheetops.cloud.build_source)\n"
            "assert sorted(sheetops.__all__) == ['RunResult', '__version__', 'refresh']")
    assert "pandas" in _loaded(code)  # MemoryWorkbook and handle_addon bring it, as they need it
