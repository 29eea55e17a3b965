"""The real command line against the local Google Sheets API server, pointed at it by
environment variables, as a user with a Google account would run it against Google."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from sheetops.workbook.cells import parse_money
from sheetops.testing.sheets_auth import SCOPE_DRIVE_FILE, SCOPE_SHEETS
from sheetops.testing.sheets_server import SheetsServer

from ..conftest import EXAMPLES, load_example
from .conftest import sheetops


@pytest.fixture(scope="module")
def server() -> Any:
    srv = SheetsServer().start()
    yield srv
    srv.stop()


def _env(srv: SheetsServer) -> dict[str, str]:
    return {"SHEETOPS_SHEETS_API": srv.url,
            "SHEETOPS_GOOGLE_TOKEN": srv.issue_token(scopes={SCOPE_SHEETS, SCOPE_DRIVE_FILE})}


def test_init_google_creates_the_template(server: SheetsServer) -> None:
    done = sheetops("init", "--google", "--title", "Lumi creators", env=_env(server))
    assert done.returncode == 0, done.stderr
    url = done.stdout.strip()
    sid = re.search(r"/d/([\w-]+)", url).group(1)  # type: ignore[union-attr]
    tabs = [row for row in server.cells(sid, "Settings")]
    assert tabs[0][:2] == ["Setting", "Value"] and tabs[1][:2] == ["Currency", "USD"]
    assert server.cells(sid, "Orders")[0][:2] == ["Order ID", "SKU ID"]


def test_run_gsheet_matches_the_worked_example(server: SheetsServer) -> None:
    example = load_example(EXAMPLES[0])
    sid = server.seed("Example", example["tabs"], input_option="RAW")
    server.reset_counters()
    done = sheetops("run", f"gsheet:{sid}", "--as-of", example["as_of"], "--json", env=_env(server))
    assert done.returncode == 1, done.stderr  # the example holds two Error rows
    summary = json.loads(done.stdout)
    assert summary["issues"]["error"] == 2
    grid = server.cells(sid, "Payouts")
    rows = {r[0]: dict(zip(grid[0], r)) for r in grid[1:]}
    for want in example["expected"]["payouts"]:
        got = rows[want["Payout ID"]]
        assert parse_money(got["Total"]).value == parse_money(want["Total"]).value
        assert got["Status"] == want["Status"]
    counted = server.counters()
    # a first refresh: take the lock (listing the tabs), read every tab, write and release
    assert counted.requests["read"] == 1 and counted.requests["write"] == 2, counted.requests


def test_run_without_access_is_one_sentence(server: SheetsServer) -> None:
    done = sheetops("run", "gsheet:does-not-exist", env=_env(server))
    assert done.returncode == 2 and "Traceback" not in done.stderr and done.stderr.strip()


def test_run_without_the_sheets_scope_says_how_to_sign_in(server: SheetsServer) -> None:
    """Plain `gcloud auth application-default login` gives a token with cloud-platform only:
    Google answers 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT and the run stops with the exact fix."""
    sid = server.seed("Example", load_example(EXAMPLES[0])["tabs"], input_option="RAW")
    token = server.issue_token(scopes={"https://www.googleapis.com/auth/cloud-platform"})
    done = sheetops("run", f"gsheet:{sid}", env={"SHEETOPS_SHEETS_API": server.url, "SHEETOPS_GOOGLE_TOKEN": token})
    assert done.returncode == 2, done.stderr
    message = done.stderr.strip()
    assert "without the Google Sheets scope" in message
    assert ("gcloud auth application-default login --scopes=https://www.googleapis.com/auth/spreadsheets,"
            "https://www.googleapis.com/auth/cloud-platform") in message
    assert "share" not in message
    assert len(message.splitlines()) == 1


def test_run_on_a_sheet_not_shared_names_the_cause(server: SheetsServer) -> None:
    sid = server.seed("Private", load_example(EXAMPLES[0])["tabs"], input_option="RAW", owner="mia@agency.example")
    done = sheetops("run", f"gsheet:{sid}", env=_env(server))
    assert done.returncode == 2, done.stderr
    assert f"spreadsheet {sid} because it is not shared with" in done.stderr
