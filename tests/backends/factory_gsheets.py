"""The Google Sheets backend in the contract suite, against the local Sheets API server.

One server runs for the whole test session (started on first use, stopped at exit);
each ``make`` seeds a new spreadsheet on it. The backend talks to it with real gspread and
a bearer token the server issued.
"""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import Any

from sheetops.backends.base import Grid, Workbook
from sheetops.backends.gsheets import GoogleSheetsWorkbook
from sheetops.backends.gsheets_api import RetryPolicy
from sheetops.testing.gspread_client import gspread_client
from sheetops.testing.sheets_server import SheetsServer

_STATE: dict[str, Any] = {}
EMAIL = "sheetops-test@local-project.iam.gserviceaccount.com"


def server() -> SheetsServer:
    """The session's server (started on first use)."""
    if "server" not in _STATE:
        srv = SheetsServer(read_per_minute=10**9, write_per_minute=10**9,
                           read_per_minute_per_user=10**9, write_per_minute_per_user=10**9).start()
        atexit.register(srv.stop)
        # Real service-account credentials: google-auth signs a JWT and gets its token from
        # the server's token endpoint, as it does from Google's.
        info, credentials = srv.service_account()
        _STATE.update(server=srv, email=info["client_email"], client=gspread_client(srv, credentials))
    return _STATE["server"]


def client() -> Any:
    """The session's gspread client (bearer token, URLs rewritten to the server)."""
    server()
    return _STATE["client"]


def team_drive() -> str:
    """A shared drive the session's service account may create files in (it owns none)."""
    if "drive" not in _STATE:
        _STATE["drive"] = server().shared_drive("SheetOps tests", members=[email()])
    return str(_STATE["drive"])


def email() -> str:
    server()
    return str(_STATE["email"])


def workbook(spreadsheet_id: str, **options: Any) -> GoogleSheetsWorkbook:
    """A backend object on a spreadsheet of the session's server; retries never sleep."""
    srv = server()
    options.setdefault("retry", RetryPolicy(sleep=lambda _s: None))
    return GoogleSheetsWorkbook(_STATE["client"], spreadsheet_id, base_url=srv.url, account=email(), **options)


def make(tmp_path: Path, tabs: dict[str, Grid]) -> Workbook:
    sid = server().seed("SheetOps contract", {k: [list(r) for r in v] for k, v in tabs.items()}, input_option="RAW")
    return workbook(sid)


def reopen(wb: Workbook) -> Workbook:
    assert isinstance(wb, GoogleSheetsWorkbook)
    return workbook(wb.spreadsheet_id)
