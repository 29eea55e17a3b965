"""Sharing on the local server, as on Google Drive: a spreadsheet created through the API
belongs to its creator; anyone else gets 403 until it is shared with them."""

from __future__ import annotations

from typing import Any

import gspread
import pytest
import requests

from sheetops.testing.gspread_client import gspread_client
from sheetops.testing.sheets_server import SheetsServer

from .conftest import get_spreadsheet

BOT = "sheetops-bot@agency-project.iam.gserviceaccount.com"
MIA = "mia@agency.example"


@pytest.fixture(scope="module")
def server(quota_free_server: SheetsServer) -> SheetsServer:
    return quota_free_server


def test_created_sheets_belong_to_their_creator(server: SheetsServer) -> None:
    bot = gspread_client(server, server.service_account(client_email=BOT)[1])
    other_creds = server.service_account(client_email="other@agency-project.iam.gserviceaccount.com")[1]
    other = gspread_client(server, other_creds)
    with pytest.raises(gspread.exceptions.APIError, match="Service Accounts do not have storage quota"):
        bot.create("Fall creators")  # a service account cannot own files in its own Drive
    sh = bot.create("Fall creators", folder_id=server.shared_drive("Agency", members=[BOT]))
    assert bot.open_by_key(sh.id).title == "Fall creators"
    with pytest.raises(PermissionError) as err:  # gspread's open_by_key turns a 403 into PermissionError
        other.open_by_key(sh.id)
    cause = err.value.__cause__
    assert isinstance(cause, gspread.exceptions.APIError)
    body: dict[str, Any] = cause.response.json()["error"]
    assert body["message"] == "The caller does not have permission"
    assert body["code"] == 403 and body["status"] == "PERMISSION_DENIED"
    assert [t for t in other.list_spreadsheet_files() if t["id"] == sh.id] == []   # Drive lists what you can open
    sh.share("other@agency-project.iam.gserviceaccount.com", perm_type="user", role="writer", notify=False)
    assert other.open_by_key(sh.id).title == "Fall creators"


def test_seeded_sheets_with_an_owner_and_the_test_helper(server: SheetsServer) -> None:
    sid = server.seed("Private", {"Creators": [["Handle"]]}, owner=MIA)
    mia = server.issue_token(identity=MIA)
    leo = server.issue_token(identity="leo@agency.example")
    assert get_spreadsheet(server, sid, mia).status_code == 200
    refused = get_spreadsheet(server, sid, leo)
    assert refused.status_code == 403 and refused.json()["error"]["message"] == "The caller does not have permission"
    server.share(sid, "leo@agency.example")
    assert get_spreadsheet(server, sid, leo).status_code == 200


def test_seeded_sheets_without_owner_are_open_and_missing_ones_are_404(server: SheetsServer) -> None:
    token = server.issue_token(identity="anyone@agency.example")
    assert get_spreadsheet(server, server.seed("Open"), token).status_code == 200
    assert get_spreadsheet(server, "no-such-sheet", token).status_code == 404


def test_a_drive_permission_for_anyone_opens_it(server: SheetsServer) -> None:
    sid = server.seed("Link shared", owner=MIA)
    mia = server.issue_token(identity=MIA)
    resp = requests.post(f"{server.url}/drive/v3/files/{sid}/permissions", json={"type": "anyone", "role": "reader"},
                         headers={"Authorization": f"Bearer {server.issue_token(identity=MIA, scopes={'https://www.googleapis.com/auth/drive'})}"},
                         timeout=10)
    assert resp.status_code == 200, resp.text
    assert get_spreadsheet(server, sid, server.issue_token(identity="stranger@elsewhere.example")).status_code == 200
    assert get_spreadsheet(server, sid, mia).status_code == 200
