"""What the local server's own tests share: one server per module with quotas out of the way
(the tests that are about quotas make their own), and a plain authorised GET."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from sheetops.testing.sheets_server import SheetsServer


@pytest.fixture(scope="module")
def quota_free_server() -> Iterator[SheetsServer]:
    with SheetsServer(read_per_minute_per_user=10**6, write_per_minute_per_user=10**6) as s:
        yield s


def get_spreadsheet(server: SheetsServer, sid: str, token: str) -> requests.Response:
    """``spreadsheets.get`` of ``sid`` with ``token``, as Google's clients send it."""
    return requests.get(f"{server.url}/v4/spreadsheets/{sid}", headers={"Authorization": f"Bearer {token}"}, timeout=10)
