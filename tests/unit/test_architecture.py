"""The lines of STYLE.md that keep the code easy to find your way in, held by tests."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "sheetops"
IO_LIBRARIES = {"gspread", "openpyxl", "xlwings", "google", "requests", "python_calamine", "functions_framework",
                "flask", "urllib3", "http", "socket"}
MAY_DO_IO = {"backends", "cloud", "importers", "testing", "templates", "templates.py", "cli.py", "excel.py", "excel_addin.py",
             "payout_export.py", "demo.py", "progress.py", "start_here.py", "__main__.py"}


def _core_modules() -> list[Path]:
    out = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in MAY_DO_IO or rel.name in MAY_DO_IO:
            continue
        out.append(path)
    return out


@pytest.mark.parametrize("path", _core_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_imports_no_io_library(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            assert name.split(".")[0] not in IO_LIBRARIES, f"{path.name} imports {name}; the core does no I/O"


def test_modules_stay_small() -> None:
    big = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 500}
    assert not big, f"split these modules (over 500 lines): {big}"


def test_importing_does_no_io_and_needs_no_credentials() -> None:
    code = ("import sys, socket\n"
            "def no(*a, **k): raise SystemExit('network at import time')\n"
            "socket.socket.connect = no\n"
            "import sheetops, sheetops.cli, sheetops.engine, sheetops.backends, sheetops.cloud\n"
            "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PATH": "", "PYTHONPATH": str(PACKAGE.parent)})
    assert out.stdout.strip() == "ok", out.stderr
