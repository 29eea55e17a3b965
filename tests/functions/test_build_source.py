"""``python -m sheetops.cloud build-source OUT`` makes a folder that runs on its own: the
built ``main.py`` with the vendored package answers a refresh under functions-framework."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from sheetops.cloud.build import build_source, pinned
from sheetops.errors import BadArguments
from sheetops.testing.sheets_server import SheetsServer

from .conftest import ROOT, Book, function_env, start_function


def test_the_built_folder_deploys_as_is(tmp_path: Path, sheets: SheetsServer, book: Book) -> None:
    out = tmp_path / "deploy"
    done = subprocess.run([sys.executable, "-m", "sheetops.cloud", "build-source", str(out)], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (out / "main.py").read_text() == (ROOT / "functions" / "main.py").read_text()
    assert (out / "sheetops" / "cloud" / "http.py").is_file() and not (out / "sheetops" / "testing").exists()
    assert not list(out.rglob("__pycache__"))
    reqs = (out / "requirements.txt").read_text().splitlines()
    names = [r.split("==")[0] for r in reqs if not r.startswith("#")]
    assert names[0] == "functions-framework" and {"pandas", "gspread", "google-auth", "requests"} <= set(names)
    assert all("==" in r for r in reqs if not r.startswith("#"))
    assert "__pycache__/" in (out / ".gcloudignore").read_text()
    env = {"PYTHONPATH": str(out)}  # only the built folder: what Cloud Functions has
    where = subprocess.run([sys.executable, "-c", "import sheetops; print(sheetops.__file__)"], cwd=out,
                           capture_output=True, text=True, env={**os.environ, **env}, timeout=60)
    assert where.stdout.strip().startswith(str(out))
    fn = start_function("refresh_http", tmp_path, function_env(sheets, book, **env), source=out / "main.py", cwd=out)
    try:
        reply = requests.post(fn.url, json={"spreadsheet": book["dry"], "dry_run": True}, timeout=120)
        assert reply.status_code == 200, reply.text
        assert reply.json()["dry_run"] is True
    finally:
        fn.stop()


def test_refuses_to_overwrite_a_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(BadArguments, match="not empty"):
        build_source(tmp_path)
    with pytest.raises(BadArguments, match="does not look like"):
        build_source(tmp_path, force=True)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_pins_installed_versions() -> None:
    assert pinned("requests>=2.31").startswith("requests==")
    assert pinned("no-such-package-xyz>=1") == "no-such-package-xyz>=1"


def test_main_py_is_thin_and_imports_without_credentials() -> None:
    tree = ast.parse((ROOT / "functions" / "main.py").read_text())
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert [f.name for f in functions] == ["refresh_http", "refresh_scheduled", "dispatch", "addon"]
    for f in functions:
        body = [s for s in f.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        assert len(body) == 1, f"{f.name} should only call sheetops.cloud or sheetops.addon"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHEETOPS_", "GOOGLE_"))}
    env.update(PYTHONPATH=str(ROOT / "src"), HOME="/nonexistent", GOOGLE_APPLICATION_CREDENTIALS="/nonexistent.json")
    code = ("import importlib.util, sys; spec = importlib.util.spec_from_file_location('main', sys.argv[1]); "
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); "
            "print(sorted(k for k in sys.modules if k.startswith(('gspread', 'google.auth', 'requests'))))")
    done = subprocess.run([sys.executable, "-c", code, str(ROOT / "functions" / "main.py")], capture_output=True,
                          text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"  # no Google client or HTTP session at import time
