"""Developer metadata on the local Sheets API server, as Google keeps it: created, found by
``fields``, replaced and deleted inside ``batchUpdate`` (all or nothing), refused with a
400 when a rule is broken (``sheetops.testing.metadata_requests``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sheetops.testing.sheets_auth import SCOPE_SHEETS
from sheetops.testing.sheets_server import SheetsServer

BIG = 10**9
WHOLE = {"spreadsheet": True}


@pytest.fixture(scope="module")
def server() -> Iterator[SheetsServer]:
    with SheetsServer(read_per_minute_per_user=BIG, write_per_minute_per_user=BIG,
                      read_per_minute=BIG, write_per_minute=BIG) as s:
        yield s


@pytest.fixture()
def call(server: SheetsServer) -> Any:
    token = server.issue_token(scopes={SCOPE_SHEETS})
    sid = server.seed("Metadata", {"Creators": [["Handle"], ["@mia"]]})

    def send(*reqs: Any, fields: str | None = None) -> requests.Response:
        if not reqs:
            params = {"fields": fields or "developerMetadata"}
            return requests.get(f"{server.url}/v4/spreadsheets/{sid}", params=params,
                                headers={"Authorization": f"Bearer {token}"}, timeout=10)
        return requests.post(f"{server.url}/v4/spreadsheets/{sid}:batchUpdate", json={"requests": list(reqs)},
                             headers={"Authorization": f"Bearer {token}"}, timeout=10)
    return send


def _create(key: str = "k", value: str | None = "v", **more: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"metadataKey": key, "location": WHOLE, "visibility": "DOCUMENT", **more}
    if value is not None:
        meta["metadataValue"] = value
    return {"createDeveloperMetadata": {"developerMetadata": meta}}


def _held(call: Any) -> list[dict[str, Any]]:
    answer = call()
    assert answer.status_code == 200, answer.text
    return list(answer.json().get("developerMetadata") or [])


def test_created_metadata_is_answered_and_found_by_fields(call: Any) -> None:
    answer = call(_create("sheetops.lastRun", "{}"))
    assert answer.status_code == 200, answer.text
    made = answer.json()["replies"][0]["createDeveloperMetadata"]["developerMetadata"]
    assert made["metadataId"] > 0
    assert made["location"] == {"locationType": "SPREADSHEET", "spreadsheet": True}
    assert _held(call) == [made]
    trimmed = call(fields="developerMetadata(metadataKey,metadataValue)").json()
    assert trimmed == {"developerMetadata": [{"metadataKey": "sheetops.lastRun", "metadataValue": "{}"}]}


def test_delete_by_key_then_create_replace_in_one_request(call: Any) -> None:
    call(_create("a", "1"), _create("b", "2"))
    answer = call({"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataKey": "a"}}}},
                  _create("a", "3"))
    assert answer.status_code == 200, answer.text
    gone = answer.json()["replies"][0]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]
    assert [m["metadataValue"] for m in gone] == ["1"]
    assert sorted((m["metadataKey"], m["metadataValue"]) for m in _held(call)) == [("a", "3"), ("b", "2")]


def test_a_lookup_matching_nothing_deletes_nothing(call: Any) -> None:
    call(_create("a", "1"))
    answer = call({"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataKey": "z"}}}})
    assert answer.status_code == 200
    assert answer.json()["replies"][0]["deleteDeveloperMetadata"] == {"deletedDeveloperMetadata": []}
    assert len(_held(call)) == 1


def test_update_changes_the_masked_fields_of_what_the_filters_match(call: Any) -> None:
    call(_create("a", "1"))
    answer = call({"updateDeveloperMetadata": {
        "dataFilters": [{"developerMetadataLookup": {"metadataKey": "a"}}],
        "developerMetadata": {"metadataValue": "2"}, "fields": "metadataValue"}})
    assert answer.status_code == 200, answer.text
    assert [m["metadataValue"] for m in _held(call)] == ["2"]


@pytest.mark.parametrize("request_, words", [
    (_create("", "v"), "key"),
    ({"createDeveloperMetadata": {"developerMetadata": {"metadataKey": "k", "location": WHOLE}}}, "visibility"),
    ({"createDeveloperMetadata": {"developerMetadata": {"metadataKey": "k", "visibility": "DOCUMENT"}}}, "location"),
    (_create("k", "v", metadataId=-3), "positive"),
    (_create("k", "x" * 30_000), "30000"),
    ({"createDeveloperMetadata": {"developerMetadata": {"metadataKey": "k", "visibility": "DOCUMENT",
                                                        "location": {"spreadsheet": False}}}}, "true"),
    ({"createDeveloperMetadata": {"developerMetadata": {"metadataKey": "k", "visibility": "DOCUMENT",
                                                        "location": {"sheetId": 0}}}}, "whole spreadsheet only"),
    ({"deleteDeveloperMetadata": {}}, "filter"),
    ({"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {}}}}, "criterion"),
    ({"updateDeveloperMetadata": {"dataFilters": [{"developerMetadataLookup": {"metadataKey": "a"}}],
                                  "developerMetadata": {"metadataValue": "2"}}}, "fields"),
])
def test_broken_rules_are_refused_and_nothing_of_the_request_is_kept(call: Any, request_: Any, words: str) -> None:
    answer = call(_create("first", "kept only if the whole request succeeds"), request_)
    assert answer.status_code == 400
    assert words in answer.json()["error"]["message"]
    assert _held(call) == []


def test_a_taken_metadata_id_is_refused(call: Any) -> None:
    call(_create("a", "1", metadataId=42))
    answer = call(_create("b", "2", metadataId=42))
    assert answer.status_code == 400 and "42" in answer.json()["error"]["message"]
