"""The strict local server refuses what Google refuses, with Google's error shape: 400
INVALID_ARGUMENT, a message naming the field, and a BadRequest detail."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sheetops.testing import discovery
from sheetops.testing.sheets_auth import SCOPE_SHEETS
from sheetops.testing.sheets_server import SheetsServer
from sheetops.testing.strict_schema import oneofs

BIG = 10**9


@pytest.fixture(scope="module")
def server() -> Iterator[SheetsServer]:
    with SheetsServer(read_per_minute_per_user=BIG, write_per_minute_per_user=BIG,
                      read_per_minute=BIG, write_per_minute=BIG) as s:
        yield s


@pytest.fixture(scope="module")
def sid(server: SheetsServer) -> str:
    return server.seed("Creator program", {"Creators": [["Handle", "Rate"], ["@glowwithmia", "10%"]]})


@pytest.fixture(scope="module")
def token(server: SheetsServer) -> str:
    return server.issue_token(scopes={SCOPE_SHEETS})


def _batch(*requests_: Any, **extra: Any) -> dict[str, Any]:
    return {"requests": list(requests_), **extra}


CELL = {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}}
FMT = "userEnteredFormat"
# (name, HTTP method, path after /v4/spreadsheets/{sid}, query, JSON body, text the message must name)
MISTAKES: list[tuple[str, str, str, dict[str, Any], Any, str]] = [
    ("unknown field in updateCells", "POST", ":batchUpdate", {},
     _batch({"updateCells": {"start": {"sheetId": 0}, "rows": [], "fields": "userEnteredValue", "foo": 1}}),
     "requests[0].update_cells"),
    ("misspelt request kind", "POST", ":batchUpdate", {}, _batch({"updateCell": {}}), '"updateCell"'),
    ("unknown field deep in a format", "POST", ":batchUpdate", {},
     _batch({"repeatCell": {**CELL, "cell": {FMT: {"numberFormat": {"type": "NUMBER", "patern": "0"}}},
                            "fields": FMT}}), "user_entered_format.number_format"),
    ("unknown field in a cell of a row", "POST", ":batchUpdate", {},
     _batch({"updateCells": {"start": {"sheetId": 0}, "rows": [{"values": [{}, {"userEnteredValu": {}}]}],
                             "fields": "userEnteredValue"}}), "rows[0].values[1]"),
    ("misspelt alignment enum", "POST", ":batchUpdate", {},
     _batch({"repeatCell": {**CELL, "cell": {FMT: {"horizontalAlignment": "MIDDLE"}}, "fields": FMT}}),
     "horizontal_alignment"),
    ("misspelt number format type", "POST", ":batchUpdate", {},
     _batch({"repeatCell": {**CELL, "cell": {FMT: {"numberFormat": {"type": "MONEY"}}}, "fields": FMT}}),
     "number_format.type"),
    ("misspelt dimension enum", "POST", ":batchUpdate", {},
     _batch({"insertDimension": {"range": {"sheetId": 0, "dimension": "ROW", "startIndex": 0, "endIndex": 1}}}),
     "insert_dimension.range.dimension"),
    ("two members of ExtendedValue", "POST", ":batchUpdate", {},
     _batch({"updateCells": {"start": {"sheetId": 0}, "fields": "userEnteredValue",
                             "rows": [{"values": [{"userEnteredValue": {"stringValue": "a", "numberValue": 1}}]}]}}),
     "user_entered_value"),
    ("two kinds in one request", "POST", ":batchUpdate", {},
     _batch({"addSheet": {}, "deleteSheet": {"sheetId": 0}}), "requests[0]"),
    ("rgbColor and themeColor", "POST", ":batchUpdate", {},
     _batch({"repeatCell": {**CELL, "cell": {FMT: {"backgroundColorStyle": {"rgbColor": {"red": 1},
                                                                          "themeColor": "ACCENT1"}}},
                            "fields": FMT}}), "background_color_style"),
    ("start and range in updateCells", "POST", ":batchUpdate", {},
     _batch({"updateCells": {"start": {"sheetId": 0}, "range": {"sheetId": 0}, "fields": "note"}}),
     "update_cells"),
    ("text for an int32", "POST", ":batchUpdate", {},
     _batch({"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"rowCount": "many"}},
                                       "fields": "gridProperties.rowCount"}}), "grid_properties.row_count"),
    ("int32 out of range", "POST", ":batchUpdate", {},
     _batch({"addSheet": {"properties": {"sheetId": 2**31}}}), "add_sheet.properties.sheet_id"),
    ("fraction for an int32", "POST", ":batchUpdate", {},
     _batch({"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1.5}},
                                       "fields": "gridProperties.frozenRowCount"}}), "frozen_row_count"),
    ("bool for a string", "POST", ":batchUpdate", {}, _batch({"addSheet": {"properties": {"title": True}}}),
     "properties.title"),
    ("string for a bool", "POST", ":batchUpdate", {},
     _batch({"updateSheetProperties": {"properties": {"sheetId": 0, "hidden": "yes"}, "fields": "hidden"}}),
     "properties.hidden"),
    ("object for a string", "POST", ":batchUpdate", {}, _batch({"addSheet": {"properties": {"title": {"a": 1}}}}),
     "properties.title"),
    ("list for a message", "POST", ":batchUpdate", {}, _batch({"addSheet": {"properties": [{"title": "x"}]}}),
     '"properties"'),
    ("number for a message", "POST", ":batchUpdate", {},
     _batch({"addSheet": {"properties": {"gridProperties": 5}}}), "grid_properties"),
    ("string for the requests list", "POST", ":batchUpdate", {}, {"requests": "addSheet"}, "requests"),
    ("update mask naming no field", "POST", ":batchUpdate", {},
     _batch({"updateSheetProperties": {"properties": {"sheetId": 0}, "fields": "gridProperties.rowCont"}}),
     "gridProperties.rowCont"),
    ("cell mask at the wrong depth", "POST", ":batchUpdate", {},
     _batch({"repeatCell": {**CELL, "cell": {FMT: {"textFormat": {"bold": True}}}, "fields": "userEnteredFormat.bold"}}),
     "userEnteredFormat.bold"),
    ("update mask with a space", "POST", ":batchUpdate", {},
     _batch({"updateSheetProperties": {"properties": {"sheetId": 0, "title": "x"}, "fields": "title, hidden"}}),
     " hidden"),
    ("unknown top-level body field", "POST", ":batchUpdate", {},
     _batch({"addSheet": {}}, includeSpreadsheet=True), '"includeSpreadsheet"'),
    ("values.update: unknown body field", "PUT", "/values/Creators!A1", {"valueInputOption": "RAW"},
     {"value": [["x"]]}, '"value"'),
    ("values.update: bad majorDimension in body", "PUT", "/values/Creators!A1", {"valueInputOption": "RAW"},
     {"majorDimension": "ROW", "values": [["x"]]}, "major_dimension"),
    ("values.update: values not a list", "PUT", "/values/Creators!A1", {"valueInputOption": "RAW"},
     {"values": "x"}, "values"),
    ("values.batchUpdate: unknown field in data", "POST", "/values:batchUpdate", {},
     {"valueInputOption": "RAW", "data": [{"rng": "A1", "values": [["x"]]}]}, "data[0]"),
    ("values.batchUpdate: bad valueInputOption", "POST", "/values:batchUpdate", {},
     {"valueInputOption": "USER", "data": []}, "value_input_option"),
    ("values.batchClear: range for ranges", "POST", "/values:batchClear", {}, {"range": "A1"}, '"range"'),
    ("values.get: unknown query parameter", "GET", "/values/Creators!A1", {"valueRender": "FORMULA"}, None,
     '"valueRender"'),
    ("values.get: bad valueRenderOption", "GET", "/values/Creators!A1", {"valueRenderOption": "FORMATTED"}, None,
     "value_render_option"),
    ("values.get: bad dateTimeRenderOption", "GET", "/values/Creators!A1", {"dateTimeRenderOption": "SERIAL"},
     None, "date_time_render_option"),
    ("values.get: bad majorDimension", "GET", "/values/Creators!A1", {"majorDimension": "ROW"}, None,
     "major_dimension"),
    ("values.batchGet: range for ranges", "GET", "/values:batchGet", {"range": "A1"}, None, '"range"'),
    ("values.update: bad valueInputOption", "PUT", "/values/Creators!A1", {"valueInputOption": "USER"},
     {"values": [["x"]]}, "value_input_option"),
    ("values.update: valueInputOption missing", "PUT", "/values/Creators!A1", {}, {"values": [["x"]]},
     "valueInputOption"),
    ("values.append: valueInputOption missing", "POST", "/values/Creators!A1:append", {}, {"values": [["x"]]},
     "valueInputOption"),
    ("values.batchUpdate: valueInputOption missing", "POST", "/values:batchUpdate", {},
     {"data": [{"range": "A1", "values": [["x"]]}]}, "valueInputOption"),
    ("values.append: bad insertDataOption", "POST", "/values/Creators!A1:append",
     {"valueInputOption": "RAW", "insertDataOption": "INSERT"}, {"values": [["x"]]}, "insert_data_option"),
    ("get: includeGridData not a bool", "GET", "", {"includeGridData": "yes"}, None, "include_grid_data"),
    ("get: fields naming no field", "GET", "", {"fields": "sheets.propertys"}, None, "sheets.propertys"),
    ("get: nested fields naming no field", "GET", "", {"fields": "sheets(properties(titl))"}, None,
     "sheets.properties.titl"),
    ("get: fields with a space", "GET", "", {"fields": "properties, sheets"}, None, " sheets"),
    ("values.get: fields naming no field", "GET", "/values/Creators!A1", {"fields": "valuez"}, None, "valuez"),
    ("get: unbalanced fields", "GET", "", {"fields": "sheets(properties"}, None, "sheets(properties"),
]


@pytest.mark.parametrize("name,method,suffix,query,body,named", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_google_refuses_it_so_does_the_server(server: SheetsServer, sid: str, token: str, name: str, method: str,
                                               suffix: str, query: dict[str, Any], body: Any, named: str) -> None:
    before = server.snapshot()
    resp = requests.request(method, f"{server.url}/v4/spreadsheets/{sid}{suffix}", params=query, json=body,
                            headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert resp.status_code == 400, resp.text
    error = resp.json()["error"]
    assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT"
    assert named in error["message"], error["message"]
    assert server.snapshot() == before  # nothing applied


def test_at_least_thirty_distinct_mistakes() -> None:
    assert len({m[0] for m in MISTAKES}) >= 30


def test_body_errors_carry_a_bad_request_detail_with_the_proto_path(server: SheetsServer, sid: str, token: str) -> None:
    body = _batch({"addSheet": {"properties": {"title": "ok"}}},
                  {"updateCells": {"start": {"sheetId": 0}, "fields": "note", "foo": 1}})
    resp = requests.post(f"{server.url}/v4/spreadsheets/{sid}:batchUpdate", json=body,
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)
    error = resp.json()["error"]
    assert error["message"] == ("Invalid JSON payload received. Unknown name \"foo\" at 'requests[1].update_cells': "
                                "Cannot find field.")
    (detail,) = error["details"]
    assert detail["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert detail["fieldViolations"] == [{"field": "requests[1].update_cells", "description": error["message"]}]


def test_well_formed_requests_pass(server: SheetsServer, sid: str, token: str) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    ok = [
        ("GET", "", {"fields": "sheets(properties(sheetId,title,gridProperties)),properties/title"}, None),
        ("GET", "", {"fields": "*", "prettyPrint": "false", "alt": "json"}, None),
        ("GET", "/values:batchGet", {"ranges": ["Creators!A1:B2", "Creators"], "majorDimension": "COLUMNS"}, None),
        ("PUT", "/values/Creators!C1", {"valueInputOption": "USER_ENTERED", "includeValuesInResponse": "true"},
         {"range": "Creators!C1", "majorDimension": "ROWS", "values": [["=1+1"]]}),
        ("POST", ":batchUpdate", {}, _batch({"repeatCell": {**CELL, "cell": {"user_entered_format": {
            "textFormat": {"bold": True}, "backgroundColorStyle": {"themeColor": "ACCENT1"}}},
            "fields": "userEnteredFormat(textFormat.bold,backgroundColorStyle)"}})),
        ("POST", ":batchUpdate", {}, _batch({"updateSheetProperties": {
            "properties": {"sheetId": "0", "gridProperties": {"frozenRowCount": 1.0}}, "fields": "gridProperties.frozenRowCount"}})),
    ]
    for method, suffix, query, body in ok:
        resp = requests.request(method, f"{server.url}/v4/spreadsheets/{sid}{suffix}", params=query, json=body,
                                headers=auth, timeout=10)
        assert resp.status_code == 200, (suffix, resp.text)
    assert server.sheet(sid, "Creators").format_at(0, 0)["textFormat"] == {"bold": True}  # snake_case read too


def test_create_body_is_checked_too(server: SheetsServer, token: str) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    for body, named in (({"properties": {"titel": "x"}}, '"titel"'),
                        ({"sheets": [{"properties": {"sheetType": "GRIDD"}}]}, "sheets[0].properties.sheet_type")):
        resp = requests.post(f"{server.url}/v4/spreadsheets", json=body, headers=auth, timeout=10)
        assert resp.status_code == 400 and named in resp.json()["error"]["message"]


def test_the_hand_list_of_oneofs_names_real_fields() -> None:
    for schema_name, groups in oneofs().items():
        props = discovery.schema(schema_name)["properties"]
        for _, members in groups:
            assert set(members) <= set(props), (schema_name, set(members) - set(props))


def test_the_vendored_document_has_a_revision() -> None:
    assert discovery.revision().isdigit() and discovery.document()["id"] == "sheets:v4"


def test_strict_false_turns_the_checks_off() -> None:
    with SheetsServer(strict=False) as s:
        sid, token = s.seed("Loose"), s.issue_token()
        resp = requests.get(f"{s.url}/v4/spreadsheets/{sid}", params={"foo": "1"},
                            headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert resp.status_code == 200
