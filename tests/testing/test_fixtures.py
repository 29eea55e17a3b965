"""The shipped pytest fixtures work as a plugin."""

from __future__ import annotations

import os
from typing import Any

from sheetops.testing.gspread_client import gspread_client, sheets_api_from_env
from sheetops.testing.sheets_server import SheetsServer

pytest_plugins = ["sheetops.testing.fixtures"]


def test_gspread_fixture_reads_seeded_tabs(sheets_server: SheetsServer, sheets_gspread: Any) -> None:
    sid = sheets_server.seed("Book", {"Campaigns": [["Campaign"], ["FALL26"]]})
    assert sheets_gspread.open_by_key(sid).worksheet("Campaigns").col_values(1) == ["Campaign", "FALL26"]


def test_env_fixture_points_commands_at_the_server(sheets_env: SheetsServer) -> None:
    base, token = sheets_api_from_env()
    assert base == os.environ["SHEETOPS_SHEETS_API"] == sheets_env.url
    assert token is not None
    sid = sheets_env.seed("Book")
    assert gspread_client(base, token=token).open_by_key(sid).title == "Book"
