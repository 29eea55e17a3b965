"""Behaviours the local server copies from Google beyond validation: a ``fields`` mask
decides whether grid data comes back (``includeGridData`` is then ignored), and
USER_ENTERED input stays text in cells formatted as plain text (``@``)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from sheetops.testing.sheets_server import SheetsServer


@pytest.fixture(scope="module")
def server(quota_free_server: SheetsServer) -> SheetsServer:
    return quota_free_server


def _call(server: SheetsServer, method: str, path: str, **kw: Any) -> Any:
    resp = requests.request(method, server.url + path, headers={"Authorization": f"Bearer {server.issue_token()}"},
                            timeout=10, **kw)
    assert resp.status_code == 200, resp.text
    return resp.json()


@pytest.mark.parametrize("params,has_data", [
    ({}, False),
    ({"includeGridData": "true"}, True),
    ({"includeGridData": "true", "fields": "sheets.properties"}, False),      # the mask wins
    ({"includeGridData": "false", "fields": "sheets.data.rowData.values.userEnteredValue"}, True),
    ({"fields": "sheets(data(rowData(values(formattedValue))))"}, True),
    ({"fields": "*"}, True),
])
def test_fields_decides_about_grid_data(server: SheetsServer, params: dict[str, str], has_data: bool) -> None:
    sid = server.seed("Program", {"Creators": [["Handle"], ["@glowwithmia"]]})
    got = _call(server, "GET", f"/v4/spreadsheets/{sid}", params={"ranges": "Creators!A1:A2", **params})
    assert ("data" in got["sheets"][0]) is has_data


def test_user_entered_stays_text_in_a_text_formatted_column(server: SheetsServer) -> None:
    sid = server.seed("Program", {"Orders": [["Order ID", "Amount"]]})
    text = {"numberFormat": {"type": "TEXT", "pattern": "@"}}
    _call(server, "POST", f"/v4/spreadsheets/{sid}:batchUpdate", json={"requests": [{"repeatCell": {
        "range": {"sheetId": 0, "startColumnIndex": 0, "endColumnIndex": 1},
        "cell": {"userEnteredFormat": text}, "fields": "userEnteredFormat.numberFormat"}}]})
    rows = [["000123", "000123"], ["2026-11-18", "2026-11-18"], ["=1+1", "12%"]]
    _call(server, "PUT", f"/v4/spreadsheets/{sid}/values/Orders!A2", params={"valueInputOption": "USER_ENTERED"},
          json={"values": rows})
    _call(server, "POST", f"/v4/spreadsheets/{sid}/values/Orders!A1:append", params={"valueInputOption": "USER_ENTERED"},
          json={"values": [["0042", "0042"]]})
    cells = server.cells(sid, "Orders")
    assert [r[0] for r in cells[1:]] == ["000123", "2026-11-18", "=1+1", "0042"]   # column A is text
    assert [r[1] for r in cells[1:]] == [123, 46344, 0.12, 42]                        # column B is parsed
    assert server.formulas(sid, "Orders") == {}
