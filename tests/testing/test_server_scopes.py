"""Scopes per token on the local server: each Sheets method accepts the scopes the
discovery document lists for it, and answers 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT otherwise."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import requests

from sheetops.testing.sheets_auth import (SCOPE_DRIVE, SCOPE_DRIVE_FILE, SCOPE_SHEETS, SCOPE_SHEETS_READONLY)
from sheetops.testing.sheets_gate import parse_scopes
from sheetops.testing.sheets_server import SheetsServer

from .conftest import get_spreadsheet

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
DRIVE_READONLY = "https://www.googleapis.com/auth/drive.readonly"


@pytest.fixture(scope="module")
def server(quota_free_server: SheetsServer) -> SheetsServer:
    return quota_free_server


def _write(server: SheetsServer, sid: str, token: str) -> requests.Response:
    return requests.put(f"{server.url}/v4/spreadsheets/{sid}/values/A1", params={"valueInputOption": "RAW"},
                        json={"values": [["FALL26"]]}, headers={"Authorization": f"Bearer {token}"}, timeout=10)


def _reason(resp: requests.Response) -> tuple[str, dict[str, Any]]:
    (info,) = [d for d in resp.json()["error"]["details"] if d["@type"].endswith("google.rpc.ErrorInfo")]
    assert info["domain"] == "googleapis.com"
    return info["reason"], info["metadata"]


def test_a_token_without_a_sheets_scope_is_refused(server: SheetsServer) -> None:
    sid = server.seed("Program")
    laptop = server.issue_token(scopes={CLOUD_PLATFORM})  # plain `gcloud auth application-default login`
    resp = get_spreadsheet(server, sid, laptop)
    assert resp.status_code == 403
    error = resp.json()["error"]
    assert error["status"] == "PERMISSION_DENIED" and error["message"] == "Request had insufficient authentication scopes."
    reason, meta = _reason(resp)
    assert reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    assert meta == {"service": "sheets.googleapis.com", "method": "google.apps.sheets.v4.SpreadsheetsService.GetSpreadsheet"}
    assert _reason(_write(server, sid, laptop))[1]["method"].endswith("UpdateValues")


@pytest.mark.parametrize("scopes,reads,writes", [
    ({SCOPE_SHEETS}, True, True),
    ({SCOPE_SHEETS_READONLY}, True, False),
    ({SCOPE_DRIVE}, True, True),
    ({SCOPE_DRIVE_FILE}, True, True),
    ({DRIVE_READONLY}, True, False),
    ({CLOUD_PLATFORM}, False, False),
])
def test_which_scopes_grant_what(server: SheetsServer, scopes: set[str], reads: bool, writes: bool) -> None:
    sid = server.seed("Program")
    token = server.issue_token(scopes=scopes)
    assert (get_spreadsheet(server, sid, token).status_code == 200) is reads
    resp = _write(server, sid, token)
    assert (resp.status_code == 200) is writes
    if not writes:
        assert _reason(resp)[0] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


def test_api_not_enabled(server: SheetsServer) -> None:
    sid = server.seed("Program")
    server.api_disabled = True
    try:
        resp = get_spreadsheet(server, sid, server.issue_token())
    finally:
        server.api_disabled = False
    assert resp.status_code == 403 and _reason(resp)[0] == "SERVICE_DISABLED"
    assert "Google Sheets API has not been used in project" in resp.json()["error"]["message"]


def test_an_unknown_token_is_401_with_details(server: SheetsServer) -> None:
    resp = get_spreadsheet(server, server.seed("Program"), "ya29.made-up")
    assert resp.status_code == 401 and resp.json()["error"]["status"] == "UNAUTHENTICATED"
    assert _reason(resp)[1]["service"] == "sheets.googleapis.com"


def test_parse_scopes_takes_short_names_and_urls() -> None:
    assert parse_scopes("spreadsheets.readonly, https://www.googleapis.com/auth/drive") == {SCOPE_SHEETS_READONLY, SCOPE_DRIVE}


def test_command_line_tokens_with_scopes() -> None:
    with SheetsServer() as probe:  # borrow a free port
        port = probe.port
    proc = subprocess.Popen([sys.executable, "-m", "sheetops.testing.sheets_server", "--port", str(port),
                             "--token", "reader=spreadsheets.readonly", "--token", "laptop=cloud-platform",
                             "--token", "writer", "--seed-demo"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        assert "SHEETOPS_GOOGLE_TOKEN=reader" in lines[1]
        sid = lines[2].split(":", 1)[1].strip()
        url = f"http://127.0.0.1:{port}/v4/spreadsheets/{sid}"

        def get(token: str) -> int:
            return requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code

        def put(token: str) -> int:
            return requests.put(url + "/values/Settings!Z1", params={"valueInputOption": "RAW"}, json={"values": [[1]]},
                                headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code

        assert (get("reader"), put("reader")) == (200, 403)
        assert (get("laptop"), put("laptop")) == (403, 403)
        assert (get("writer"), put("writer")) == (200, 200)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
