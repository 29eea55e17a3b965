"""pytest fixtures around the local Sheets API server, for SheetOps' tests and yours.

Enable them in a ``conftest.py`` with ``pytest_plugins = ["sheetops.testing.fixtures"]``:

- ``sheets_server``: a running :class:`SheetsServer` (one per test);
- ``sheets_credentials``: google-auth service-account credentials trusted by it;
- ``sheets_gspread``: a real ``gspread.Client`` pointed at it;
- ``sheets_env``: ``SHEETOPS_SHEETS_API`` / ``SHEETOPS_GOOGLE_TOKEN`` set for the test,
  so every Google-backed command talks to the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sheetops.testing.gspread_client import gspread_client
from sheetops.testing.sheets_server import SheetsServer


@pytest.fixture()
def sheets_server() -> Iterator[SheetsServer]:
    with SheetsServer() as server:
        yield server


@pytest.fixture()
def sheets_credentials(sheets_server: SheetsServer) -> Any:
    return sheets_server.service_account()[1]


@pytest.fixture()
def sheets_gspread(sheets_server: SheetsServer, sheets_credentials: Any) -> Any:
    return gspread_client(sheets_server, sheets_credentials)


@pytest.fixture()
def sheets_env(sheets_server: SheetsServer, monkeypatch: pytest.MonkeyPatch) -> SheetsServer:
    monkeypatch.setenv("SHEETOPS_SHEETS_API", sheets_server.url)
    monkeypatch.setenv("SHEETOPS_GOOGLE_TOKEN", sheets_server.issue_token(
        scopes={"https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive.file"}))
    return sheets_server
