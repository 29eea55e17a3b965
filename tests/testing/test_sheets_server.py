"""The local Google Sheets API server, driven by the real gspread and google-auth."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import gspread
import pytest
import requests
from google.auth.exceptions import RefreshError

from sheetops.testing.gspread_client import gspread_client, sheets_api_from_env
from sheetops.testing.sheets_auth import SCOPE_SHEETS_READONLY, make_service_account
from sheetops.testing.sheets_server import SheetsServer


@pytest.fixture(scope="module")
def server() -> Iterator[SheetsServer]:
    with SheetsServer() as s:
        yield s


@pytest.fixture(scope="module")
def creds(server: SheetsServer) -> Any:
    return server.service_account()[1]


@pytest.fixture(scope="module")
def gc(server: SheetsServer, creds: Any) -> gspread.Client:
    return gspread_client(server, creds)


@pytest.fixture()
def token(server: SheetsServer) -> str:
    return server.issue_token()


def call(server: SheetsServer, method: str, path: str, token: str | None, **kw: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, server.url + path, headers=headers, timeout=10, **kw)


def error_of(resp: requests.Response) -> dict[str, Any]:
    body = resp.json()
    assert set(body) == {"error"}
    return body["error"]


# -- OAuth ----------------------------------------------------------------------------
def test_service_account_token_flow_reaches_the_api(server: SheetsServer, creds: Any, gc: gspread.Client) -> None:
    sid = server.seed("Creator program", {"Creators": [["Handle"], ["@glowwithmia"]]})
    assert gc.open_by_key(sid).worksheet("Creators").get_all_values() == [["Handle"], ["@glowwithmia"]]
    assert creds.token and creds.token.startswith("ya29.local-")
    assert server.counters().requests["auth"] >= 1


def test_requests_without_valid_token_are_401(server: SheetsServer) -> None:
    sid = server.seed("Book")
    for token in (None, "not-a-token"):
        resp = call(server, "GET", f"/v4/spreadsheets/{sid}", token)
        assert resp.status_code == 401
        assert error_of(resp)["status"] == "UNAUTHENTICATED"


def test_jwt_signed_by_unregistered_key_is_refused(server: SheetsServer) -> None:
    _, stranger = make_service_account(server.token_uri, client_email="stranger@x.iam.gserviceaccount.com")
    with pytest.raises(RefreshError, match="invalid_grant"):
        gspread_client(server, stranger).open_by_key(server.seed("Book"))


def test_jwt_with_tampered_signature_is_refused(server: SheetsServer, creds: Any) -> None:
    assertion = creds._make_authorization_grant_assertion()
    assertion = assertion if isinstance(assertion, str) else assertion.decode()
    head, claims, sig = assertion.split(".")
    forged = f"{head}.{claims}.{sig[:-4]}AAAA"
    resp = requests.post(server.token_uri, data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                                 "assertion": forged}, timeout=10)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_grant"


def test_readonly_scope_cannot_write(server: SheetsServer) -> None:
    sid = server.seed("Book")
    ro = server.issue_token(scopes={SCOPE_SHEETS_READONLY})
    assert call(server, "GET", f"/v4/spreadsheets/{sid}/values/A1", ro).status_code == 200
    resp = call(server, "PUT", f"/v4/spreadsheets/{sid}/values/A1", ro,
                params={"valueInputOption": "RAW"}, json={"values": [["x"]]})
    assert resp.status_code == 403 and error_of(resp)["status"] == "PERMISSION_DENIED"


def test_open_mode_accepts_any_bearer_token() -> None:
    with SheetsServer(open_auth=True) as s:
        sid = s.seed("Book")
        assert gspread_client(s, token="anything").open_by_key(sid).title == "Book"


# -- values: input and render options -------------------------------------------------
def test_raw_keeps_text_literal_and_user_entered_parses(server: SheetsServer, gc: gspread.Client) -> None:
    ws = gc.open_by_key(server.seed("Book")).sheet1
    typed = ["=1+1", "+1", "-2", "12%", "2024-01-15", "TRUE", "'007", "1,234.5", "@x"]
    ws.update([typed], "A1", value_input_option="RAW")
    ws.update([typed], "A2", value_input_option="USER_ENTERED")
    raw, user = ws.get("A1:I2", value_render_option="UNFORMATTED_VALUE")
    assert raw == typed
    assert user == [2, 1, -2, 0.12, 45306, True, "007", 1234.5, "@x"]
    formulas = ws.get("A1:A2", value_render_option="FORMULA")
    assert formulas == [["=1+1"], ["=1+1"]]
    assert ws.get("A2:I2")[0] == ["2", "1", "-2", "12%", "2024-01-15", "TRUE", "007", "1,234.50", "@x"]
    sheet = server.sheet(ws.spreadsheet_id, "Sheet1")
    assert sheet.format_at(1, 4)["numberFormat"] == {"type": "DATE", "pattern": "yyyy-mm-dd"}
    assert server.cells(ws.spreadsheet_id, "Sheet1")[1][0] == "=1+1"
    assert server.formulas(ws.spreadsheet_id, "Sheet1") == {"A2": "=1+1"}  # A1 is literal text


def test_formula_evaluation_is_trivial_and_documented(server: SheetsServer, gc: gspread.Client) -> None:
    ws = gc.open_by_key(server.seed("Book")).sheet1
    ws.update([[2, 3, "=A1*B1+1", "=SUM(A1:B1)", '=HYPERLINK("#gid=0&range=A1","Open")', "=VLOOKUP(1,A:B,2)", "=A1/0"]],
              "A1", value_input_option="USER_ENTERED")
    assert ws.get("A1:G1", value_render_option="UNFORMATTED_VALUE")[0] == [2, 3, 7, 5, "Open", "#NAME?", "#DIV/0!"]


def test_number_formats_and_date_render_options(server: SheetsServer, gc: gspread.Client) -> None:
    sh = gc.open_by_key(server.seed("Book", {"Payouts": [["Amount", "Paid"], [1234.5, "2024-03-01"]]}))
    ws = sh.worksheet("Payouts")
    ws.format("A2", {"numberFormat": {"type": "NUMBER", "pattern": "#,##0.00"}})
    assert ws.get("A2:B2") == [["1,234.50", "2024-03-01"]]
    assert ws.get("A2:B2", value_render_option="UNFORMATTED_VALUE") == [[1234.5, 45352]]
    assert ws.get("A2:B2", value_render_option="UNFORMATTED_VALUE",
                  date_time_render_option="FORMATTED_STRING") == [[1234.5, "2024-03-01"]]


def test_quoted_sheet_names_and_open_ranges(server: SheetsServer, gc: gspread.Client) -> None:
    grid = [["a", "b", "c", "d"], ["e", "f", "g", "h"], ["i", "j", "k", "l"]]
    sid = server.seed("Book", {"My Tab": grid, "It's": [["q"]]})
    sh = gc.open_by_key(sid)
    got = sh.values_batch_get(["'My Tab'!A1:B2", "'My Tab'", "'My Tab'!B:C", "'My Tab'!2:3", "'My Tab'!B2:C", "'It''s'!A1"])
    ranges = [(v["range"], v.get("values")) for v in got["valueRanges"]]
    assert ranges == [
        ("'My Tab'!A1:B2", [["a", "b"], ["e", "f"]]),
        ("'My Tab'!A1:Z1000", grid),
        ("'My Tab'!B1:C1000", [["b", "c"], ["f", "g"], ["j", "k"]]),
        ("'My Tab'!A2:Z3", grid[1:]),
        ("'My Tab'!B2:C1000", [["f", "g"], ["j", "k"]]),
        ("'It''s'!A1", [["q"]]),
    ]
    resp = sh.values_get("'My Tab'!A1:D3", params={"majorDimension": "COLUMNS"})
    assert resp["values"][0] == ["a", "e", "i"]


def test_trailing_empty_cells_and_rows_are_trimmed(server: SheetsServer, gc: gspread.Client) -> None:
    sid = server.seed("Book", {"Orders": [["", "x", "", ""], ["", "", "", ""], ["y"], [], []]}, input_option="RAW")
    got = gc.open_by_key(sid).values_get("Orders!A1:D5")
    assert got["values"] == [["", "x"], [], ["y"]]
    assert "values" not in gc.open_by_key(sid).values_get("Orders!C4:D5")


def test_null_skips_and_empty_string_clears(server: SheetsServer, gc: gspread.Client) -> None:
    ws = gc.open_by_key(server.seed("Book", {"S": [["a", "b", "c"]]})).sheet1
    ws.spreadsheet.values_update("S!A1", params={"valueInputOption": "RAW"}, body={"values": [[None, "", "z"]]})
    assert ws.get_all_values() == [["a", "", "z"]]


# -- errors and limits ----------------------------------------------------------------
def test_error_shapes_for_unknown_things(server: SheetsServer, token: str) -> None:
    resp = call(server, "GET", "/v4/spreadsheets/nope", token)
    assert resp.status_code == 404 and error_of(resp)["status"] == "NOT_FOUND"
    sid = server.seed("Book")
    resp = call(server, "GET", f"/v4/spreadsheets/{sid}/values/Missing!A1", token)
    assert resp.status_code == 400
    assert error_of(resp) == {"code": 400, "message": "Unable to parse range: Missing!A1", "status": "INVALID_ARGUMENT"}
    resp = call(server, "PUT", f"/v4/spreadsheets/{sid}/values/A1", token, json={"values": [["x"]]})
    assert resp.status_code == 400 and "valueInputOption" in error_of(resp)["message"]


def test_values_update_beyond_grid_fails_but_append_grows(server: SheetsServer, gc: gspread.Client) -> None:
    sid = server.seed("Book", {"Orders": [["h"]]}, rows=3, cols=2)
    sh = gc.open_by_key(sid)
    with pytest.raises(gspread.exceptions.APIError, match="exceeds grid limits"):
        sh.values_update("Orders!A3", params={"valueInputOption": "RAW"}, body={"values": [["a"], ["b"]]})
    with pytest.raises(gspread.exceptions.APIError, match="tried writing to row"):
        sh.values_update("Orders!A1:B1", params={"valueInputOption": "RAW"}, body={"values": [["a"], ["b"]]})
    assert server.cells(sid, "Orders") == [["h"]]
    reply = sh.values_append("Orders!A1", params={"valueInputOption": "RAW"}, body={"values": [[1, 2, 3]] * 4})
    assert reply["updates"]["updatedRange"] == "Orders!A2:C5"
    sheet = server.sheet(sid, "Orders")
    assert (sheet.row_count, sheet.col_count) == (5, 3)


def test_cell_character_and_spreadsheet_cell_limits(server: SheetsServer, gc: gspread.Client) -> None:
    sid = server.seed("Book")
    sh = gc.open_by_key(sid)
    with pytest.raises(gspread.exceptions.APIError, match="50000 characters"):
        sh.sheet1.update([["x" * 50_001]], "A1", value_input_option="RAW")
    sh.sheet1.update([["x" * 50_000]], "A1", value_input_option="RAW")
    with pytest.raises(gspread.exceptions.APIError, match="above the limit of 10000000 cells"):
        sh.add_worksheet("Huge", rows=400_000, cols=26)
    assert [w.title for w in sh.worksheets()] == ["Sheet1"]


def test_batch_update_is_all_or_nothing(server: SheetsServer, gc: gspread.Client) -> None:
    sid = server.seed("Book", {"Payouts": [["Creator", "Amount"]]})
    sh = gc.open_by_key(sid)
    before = server.snapshot()
    body = {"requests": [
        {"addSheet": {"properties": {"title": "Staging"}}},
        {"updateCells": {"start": {"sheetId": 0, "rowIndex": 1, "columnIndex": 0}, "fields": "userEnteredValue",
                         "rows": [{"values": [{"userEnteredValue": {"stringValue": "@glowwithmia"}}]}]}},
        {"deleteSheet": {"sheetId": 987654}},
    ]}
    with pytest.raises(gspread.exceptions.APIError, match=r"requests\[2\]\.deleteSheet: No grid with id: 987654"):
        sh.batch_update(body)
    assert server.snapshot() == before
    with pytest.raises(gspread.exceptions.APIError, match="Unknown name"):
        sh.batch_update({"requests": [{"addSheet": {}}, {"frobnicate": {}}]})
    assert server.snapshot() == before


# -- batchUpdate requests -------------------------------------------------------------
def test_sheet_requests_round_trip(server: SheetsServer, gc: gspread.Client) -> None:
    sid = server.seed("Book", {"Payouts": [["Creator", "Amount"], ["@glowwithmia", 12.5]]})
    sh = gc.open_by_key(sid)
    dup = sh.batch_update({"requests": [{"duplicateSheet": {"sourceSheetId": 0, "newSheetName": "Payouts (new)",
                                                            "insertSheetIndex": 1}}]})
    new_id = dup["replies"][0]["duplicateSheet"]["properties"]["sheetId"]
    replies = sh.batch_update({"requests": [
        {"updateSheetProperties": {"properties": {"sheetId": new_id, "gridProperties": {"frozenRowCount": 1}},
                                   "fields": "gridProperties.frozenRowCount"}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "hidden": True}, "fields": "hidden"}},
        {"repeatCell": {"range": {"sheetId": new_id, "startRowIndex": 1, "startColumnIndex": 1, "endColumnIndex": 2},
                        "cell": {"userEnteredFormat": {"numberFormat": {"type": "CURRENCY", "pattern": '"$"#,##0.00'}}},
                        "fields": "userEnteredFormat.numberFormat"}},
        {"setDataValidation": {"range": {"sheetId": new_id, "startRowIndex": 1, "endRowIndex": 5, "startColumnIndex": 0,
                                         "endColumnIndex": 1},
                               "rule": {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "Approved"}]},
                                        "strict": True}}},
        {"addProtectedRange": {"protectedRange": {"range": {"sheetId": new_id}, "description": "tool tab",
                                                  "warningOnly": True}}},
        {"addNamedRange": {"namedRange": {"name": "PayoutTotal", "range": {"sheetId": new_id, "startRowIndex": 1,
                                                                           "endRowIndex": 2, "startColumnIndex": 1,
                                                                           "endColumnIndex": 2}}}},
        {"addChart": {"chart": {"spec": {"title": "GMV", "basicChart": {"chartType": "COLUMN"}},
                                "position": {"overlayPosition": {"anchorCell": {"sheetId": new_id, "rowIndex": 0,
                                                                                "columnIndex": 4}}}}}},
        {"addConditionalFormatRule": {"rule": {"ranges": [{"sheetId": new_id}], "booleanRule": {
            "condition": {"type": "NUMBER_LESS", "values": [{"userEnteredValue": "0"}]}, "format": {}}}, "index": 0}},
        {"updateDimensionProperties": {"range": {"sheetId": new_id, "dimension": "COLUMNS", "startIndex": 0,
                                                 "endIndex": 1}, "properties": {"pixelSize": 180}, "fields": "pixelSize"}},
        {"autoResizeDimensions": {"dimensions": {"sheetId": new_id, "dimension": "COLUMNS", "startIndex": 1,
                                                 "endIndex": 2}}},
        {"updateSpreadsheetProperties": {"properties": {"title": "Renamed"}, "fields": "title"}},
    ]})["replies"]
    protected_id = replies[4]["addProtectedRange"]["protectedRange"]["protectedRangeId"]
    assert replies[5]["addNamedRange"]["namedRange"]["name"] == "PayoutTotal"
    assert replies[6]["addChart"]["chart"]["chartId"]
    assert sh.values_get("PayoutTotal")["values"] == [["$12.50"]]
    sheet = server.sheet(sid, "Payouts (new)")
    assert sheet.frozen_rows == 1 and server.sheet(sid, "Payouts").hidden
    assert sheet.validation_at(2, 0)["condition"]["type"] == "ONE_OF_LIST" and sheet.validation_at(6, 0) is None
    assert sheet.charts[0]["spec"]["title"] == "GMV" and sheet.col_meta[0]["pixelSize"] == 180
    meta = sh.fetch_sheet_metadata(params={"fields": "sheets.properties,sheets.protectedRanges,namedRanges"})
    assert set(meta) == {"sheets", "namedRanges"}
    assert [s["properties"]["title"] for s in meta["sheets"]] == ["Payouts", "Payouts (new)"]
    assert meta["sheets"][1]["protectedRanges"][0]["description"] == "tool tab"
    assert gspread_client(server, token=server.issue_token()).open_by_key(sid).title == "Renamed"
    assert [w.title for w in sh.worksheets(exclude_hidden=True)] == ["Payouts (new)"]
    sh.batch_update({"requests": [{"deleteProtectedRange": {"protectedRangeId": protected_id}},
                                  {"deleteNamedRange": {"namedRangeId": replies[5]["addNamedRange"]["namedRange"]["namedRangeId"]}}]})
    assert not server.sheet(sid, "Payouts (new)").protected_ranges


def test_update_cells_writes_typed_values_and_formats(server: SheetsServer, gc: gspread.Client) -> None:
    sid = server.seed("Book", {"Report": []})
    sh = gc.open_by_key(sid)
    rows = [{"values": [{"userEnteredValue": {"stringValue": "=1+1"}}, {"userEnteredValue": {"numberValue": 0.125},
                                                                        "userEnteredFormat": {"numberFormat": {"type": "PERCENT", "pattern": "0.0%"}}},
                        {"userEnteredValue": {"formulaValue": "=B1*2"}}, {"userEnteredValue": {"boolValue": False}}]}]
    sh.batch_update({"requests": [
        {"updateCells": {"start": {"sheetId": 0}, "rows": rows, "fields": "userEnteredValue,userEnteredFormat"}},
        {"appendCells": {"sheetId": 0, "rows": [{"values": [{"userEnteredValue": {"stringValue": "tail"}}]}],
                         "fields": "userEnteredValue"}},
    ]})
    assert sh.values_get("Report!A1:D2")["values"] == [["=1+1", "12.5%", "0.25", "FALSE"], ["tail"]]
    assert sh.values_get("Report!A1:D1", params={"valueRenderOption": "FORMULA"})["values"] == [["=1+1", 0.125, "=B1*2", False]]
    data = sh.fetch_sheet_metadata(params={"includeGridData": "true", "ranges": "Report!B1"})
    cell = data["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["formattedValue"] == "12.5%" and cell["userEnteredFormat"]["numberFormat"]["pattern"] == "0.0%"


def test_gspread_worksheet_operations(server: SheetsServer, gc: gspread.Client) -> None:
    # a service account owns no files: it creates in a shared drive it is a member of
    team = server.shared_drive("Team", members=["sheetops-test@local-project.iam.gserviceaccount.com"])
    sh = gc.create("Fresh book", folder_id=team)
    assert gc.open("Fresh book").id == sh.id
    ws = sh.add_worksheet("Orders", rows=5, cols=3)
    ws.append_rows([["Order ID", "GMV"], ["576", "19.99"]], value_input_option="USER_ENTERED")
    ws.resize(rows=10)
    ws.update_title("Orders 2026")
    ws.insert_row(["first"], index=2)
    ws.append_row(["last"], table_range="A1")
    assert ws.col_values(1) == ["Order ID", "first", "576", "last"]
    ws.delete_rows(2)
    ws.delete_rows(3)
    ws.batch_clear(["A2:C2"])
    assert sh.worksheet("Orders 2026").get_all_values() == [["Order ID", "GMV"]]
    assert sh.worksheet("Orders 2026").row_count == 9  # 10 after resize, +1 inserted, -2 deleted
    sh.share("ops@example.com", perm_type="user", role="writer", notify=False)
    assert [p["emailAddress"] for p in sh.list_permissions()] == ["ops@example.com"]
    with pytest.raises(gspread.exceptions.APIError, match="Invalid email"):
        sh.share("not-an-email", perm_type="user", role="writer")
    sheets_only = gspread_client(server, token=server.issue_token())
    with pytest.raises(gspread.exceptions.APIError, match="insufficient authentication scopes"):
        sheets_only.create("No Drive scope")
    gc.del_spreadsheet(sh.id)
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gc.open_by_key(sh.id)


# -- quotas, faults, counters ---------------------------------------------------------
def test_per_minute_quota_answers_429_then_recovers() -> None:
    now = [1000.0]
    with SheetsServer(read_per_minute=3, write_per_minute=2, clock=lambda: now[0]) as s:
        sid, token = s.seed("Book"), s.issue_token()
        codes = [call(s, "GET", f"/v4/spreadsheets/{sid}/values/A1", token).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        err = error_of(call(s, "GET", f"/v4/spreadsheets/{sid}", token))
        assert err["status"] == "RESOURCE_EXHAUSTED" and "Read requests" in err["message"]
        put = {"params": {"valueInputOption": "RAW"}, "json": {"values": [["x"]]}}
        assert call(s, "PUT", f"/v4/spreadsheets/{sid}/values/A1", token, **put).status_code == 200
        now[0] += 61
        assert call(s, "GET", f"/v4/spreadsheets/{sid}/values/A1", token).status_code == 200
        assert s.counters().quota_rejections == 2


def test_fault_injection(server: SheetsServer, token: str) -> None:
    sid = server.seed("Book")
    path = f"/v4/spreadsheets/{sid}/values/A1"
    server.inject(503, nth=2)
    assert [call(server, "GET", path, token).status_code for _ in range(3)] == [200, 503, 200]
    fault = server.inject(429, method="PUT", path=r"/values/")
    assert call(server, "GET", path, token).status_code == 200
    resp = call(server, "PUT", path, token, params={"valueInputOption": "RAW"}, json={"values": [["x"]]})
    assert resp.status_code == 429 and fault.fired == 1
    assert server.cells(sid, "Sheet1") == []
    server.inject(500)
    assert error_of(call(server, "GET", path, token))["status"] == "INTERNAL"
    server.inject("drop")
    with pytest.raises(requests.ConnectionError):
        call(server, "GET", path, token)
    server.inject("lost", method="PUT")
    with pytest.raises(requests.ConnectionError):
        call(server, "PUT", path, token, params={"valueInputOption": "RAW"}, json={"values": [["applied"]]})
    assert server.cells(sid, "Sheet1") == [["applied"]]
    server.inject("slow", seconds=0.3)
    started = time.monotonic()
    assert call(server, "GET", path, token).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_counters_by_kind_and_reset(server: SheetsServer, token: str) -> None:
    sid = server.seed("Book")
    server.reset_counters()
    call(server, "GET", f"/v4/spreadsheets/{sid}", token)
    call(server, "GET", f"/v4/spreadsheets/{sid}/values/A1", token)
    call(server, "PUT", f"/v4/spreadsheets/{sid}/values/A1", token, params={"valueInputOption": "RAW"},
         json={"values": [["x" * 1000]]})
    c = server.counters()
    assert (c.requests["read"], c.requests["write"], c.total_requests) == (2, 1, 3)
    assert c.bytes_in["write"] > 1000 and c.bytes_out["read"] > c.bytes_out["write"] > 0
    server.reset_counters()
    assert server.counters().total_requests == 0


# -- helpers --------------------------------------------------------------------------
def test_sheets_api_from_env_sends_token_only_to_loopback() -> None:
    assert sheets_api_from_env({}) == (None, None)
    env = {"SHEETOPS_SHEETS_API": "http://127.0.0.1:8765/", "SHEETOPS_GOOGLE_TOKEN": "t"}
    assert sheets_api_from_env(env) == ("http://127.0.0.1:8765", "t")
    assert sheets_api_from_env({**env, "SHEETOPS_SHEETS_API": "https://evil.example"}) == ("https://evil.example", None)


def test_command_line_server(tmp_path: Any) -> None:
    with SheetsServer() as probe:  # borrow a free port
        port = probe.port
    proc = subprocess.Popen([sys.executable, "-m", "sheetops.testing.sheets_server", "--port", str(port), "--open"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and "SHEETOPS_SHEETS_API" in proc.stdout.readline() + proc.stdout.readline()
        resp = requests.post(f"http://127.0.0.1:{port}/v4/spreadsheets", json={"properties": {"title": "CLI"}},
                             headers={"Authorization": "Bearer whatever"}, timeout=10)
        assert resp.status_code == 200 and resp.json()["sheets"][0]["properties"]["title"] == "Sheet1"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_update_cells_over_a_range_clears_what_it_does_not_set(server: SheetsServer, gc: gspread.Client) -> None:
    sid = server.seed("Book", {"GMV by week": [["Week", "GMV"], ["2026-W01", 10], ["2026-W02", 20]]}, input_option="RAW")
    sh = gc.open_by_key(sid)
    money = {"numberFormat": {"type": "NUMBER", "pattern": "#,##0.00"}}
    sh.batch_update({"requests": [
        {"repeatCell": {"range": {"sheetId": 0, "startColumnIndex": 1, "endColumnIndex": 2}, "cell": {"userEnteredFormat": money},
                        "fields": "userEnteredFormat.numberFormat"}},
        {"updateCells": {"start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 2}, "fields": "note",
                         "rows": [{"values": [{"note": "from the tool"}]}]}},
    ]})
    assert sh.values_get("'GMV by week'!B2:B3")["values"] == [["10.00"], ["20.00"]]
    sh.batch_update({"requests": [
        {"updateCells": {"range": {"sheetId": 0}, "fields": "*"}},
        {"updateCells": {"start": {"sheetId": 0}, "fields": "userEnteredValue,userEnteredFormat.numberFormat",
                         "rows": [{"values": [{"userEnteredValue": {"stringValue": "Week"}}]},
                                  {"values": [{"userEnteredValue": {"numberValue": 5}},
                                              {"userEnteredValue": {"numberValue": 7}, "userEnteredFormat": money}]}]}},
    ]})
    assert sh.values_get("'GMV by week'")["values"] == [["Week"], ["5", "7.00"]]
    sheet = server.sheet(sid, "GMV by week")
    assert sheet.format_at(2, 1) == {} and not sheet.notes


def test_revoked_token_is_refreshed_by_google_auth(server: SheetsServer) -> None:
    _, creds = server.service_account()
    client = gspread_client(server, creds)
    sid = server.seed("Book")
    assert client.open_by_key(sid).title == "Book"
    first = creds.token
    server.auth.revoke_all()  # the API now answers 401; google-auth refreshes and retries
    assert client.open_by_key(sid).title == "Book"
    assert creds.token != first


def test_values_batch_update_is_atomic_and_takes_columns(server: SheetsServer, gc: gspread.Client) -> None:
    sid = server.seed("Book", {"Rules": [["Campaign", "Rate"]]}, rows=5, cols=3)
    sh = gc.open_by_key(sid)
    before = server.snapshot()
    with pytest.raises(gspread.exceptions.APIError, match="exceeds grid limits"):
        sh.values_batch_update({"valueInputOption": "RAW", "data": [
            {"range": "Rules!A2", "values": [["FALL26", "10%"]]},
            {"range": "Rules!A9", "values": [["too far"]]},
        ]})
    assert server.snapshot() == before
    reply = sh.values_batch_update({"valueInputOption": "USER_ENTERED", "data": [
        {"range": "Rules!A2:B3", "majorDimension": "COLUMNS", "values": [["FALL26", "SPRING27"], ["10%", "12.5%"]]},
    ]})
    assert (reply["totalUpdatedCells"], reply["responses"][0]["updatedRange"]) == (4, "Rules!A2:B3")
    assert server.cells(sid, "Rules") == [["Campaign", "Rate"], ["FALL26", 0.1], ["SPRING27", 0.125]]


def test_moving_a_sheet_counts_indexes_before_the_move(server: SheetsServer, gc: gspread.Client) -> None:
    sid = server.seed("Book", {"S1": [], "S2": [], "S3": []})
    sh = gc.open_by_key(sid)
    sh.batch_update({"requests": [{"updateSheetProperties": {"properties": {"sheetId": 0, "index": 2}, "fields": "index"}}]})
    assert [w.title for w in sh.worksheets()] == ["S2", "S1", "S3"]
    sh.batch_update({"requests": [{"updateSheetProperties": {"properties": {"sheetId": 2, "index": 0}, "fields": "index"}}]})
    assert [(w.title, w.index) for w in sh.worksheets()] == [("S3", 0), ("S2", 1), ("S1", 2)]


def test_a_request_over_ten_mebibytes_is_refused_like_google() -> None:
    import requests as http

    from sheetops.testing.sheets_server import MAX_REQUEST_BYTES, SheetsServer

    with SheetsServer(open_auth=True) as server:
        sid = server.seed("Big", {"A": [["x"]]})
        big = {"values": [["y" * 1000] for _ in range(MAX_REQUEST_BYTES // 1000 + 10)]}
        answer = http.put(f"{server.url}/v4/spreadsheets/{sid}/values/A!A1?valueInputOption=RAW", json=big,
                          headers={"Authorization": "Bearer any"}, timeout=60)
        assert answer.status_code == 400 and "payload size exceeds" in answer.json()["error"]["message"]
        assert server.cells(sid, "A") == [["x"]]
