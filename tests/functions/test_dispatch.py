"""``dispatch`` publishing through the Pub/Sub REST API to the local stand-in: batching,
retries, refusals, and the whole chain dispatch -> Pub/Sub push -> refresh_scheduled."""

from __future__ import annotations

import base64
import json
from typing import Any, Iterator

import pytest
import requests

from sheetops.cloud import handle_dispatch
from sheetops.cloud.dispatch import make_publisher
from sheetops.testing.pubsub_server import PubSubServer
from sheetops.testing.sheets_server import SheetsServer

from .conftest import TOKEN, TOPIC, Book, Function, send_event


TOP_OF_THE_HOUR = {"time": "2026-11-18T09:00:00Z"}  # what a CloudEvent from Cloud Scheduler carries


def sheet_ids(n: int) -> list[str]:
    return [f"Sheet{i:06d}abcdefghijklmnopqrstuvwxyz0123456" for i in range(n)]


@pytest.fixture
def fresh_pubsub(monkeypatch: pytest.MonkeyPatch) -> Iterator[PubSubServer]:
    srv = PubSubServer(token=TOKEN).start()
    srv.create_topic(TOPIC)
    for name, value in {"SHEETOPS_PUBSUB_API": srv.url, "SHEETOPS_GOOGLE_TOKEN": TOKEN,
                        "SHEETOPS_REFRESH_TOPIC": TOPIC, "SHEETOPS_RETRY_BASE_SECONDS": "0.001"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SHEETOPS_ALLOWED_SPREADSHEETS", raising=False)
    yield srv
    srv.stop()


def test_publishes_one_message_per_sheet_in_batches_of_1000(fresh_pubsub: PubSubServer,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    ids = sheet_ids(2345)
    monkeypatch.setenv("SHEETOPS_SPREADSHEETS", ",".join(ids))
    monkeypatch.setenv("SHEETOPS_QUOTA_READS_PER_MINUTE", "6000")  # after a quota increase: all in one minute
    monkeypatch.setenv("SHEETOPS_QUOTA_WRITES_PER_MINUTE", "6000")
    done = handle_dispatch(TOP_OF_THE_HOUR)
    assert done.error is None and len(done.message_ids) == 2345 and done.calls == 3
    assert fresh_pubsub.calls() == [(TOPIC, 1000), (TOPIC, 1000), (TOPIC, 345)]
    published = fresh_pubsub.published(TOPIC)
    assert [m.json()["spreadsheet"] for m in published] == ids
    assert published[0].json()["not_before"] == "2026-11-18T09:00:00.000Z"
    assert all(m.attributes["spreadsheet"] == i for m, i in zip(published, ids))


def test_retries_then_gives_up_with_a_log_line(fresh_pubsub: PubSubServer, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SHEETOPS_SPREADSHEETS", "abc,def")
    fresh_pubsub.fail(503, times=2)
    assert len(handle_dispatch(TOP_OF_THE_HOUR).message_ids) == 2  # two 503s, then accepted
    fresh_pubsub.fail(503, times=50)
    done = handle_dispatch(TOP_OF_THE_HOUR)
    assert done.message_ids == [] and "kept failing" in (done.error or "")
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["severity"] == "ERROR" and line["error"] == "BackendUnavailable"


def test_refusals_are_plain_sentences(fresh_pubsub: PubSubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETOPS_SPREADSHEETS", "abc")
    monkeypatch.setenv("SHEETOPS_REFRESH_TOPIC", "projects/sheetops-local/topics/nope")
    assert "no Pub/Sub topic" in (handle_dispatch(TOP_OF_THE_HOUR).error or "")
    monkeypatch.setenv("SHEETOPS_REFRESH_TOPIC", TOPIC)
    monkeypatch.setenv("SHEETOPS_GOOGLE_TOKEN", "ya29.wrong")
    assert "roles/pubsub.publisher" in (handle_dispatch(TOP_OF_THE_HOUR).error or "")
    monkeypatch.setenv("SHEETOPS_REFRESH_TOPIC", "sheetops-refresh")  # no project given
    assert "SHEETOPS_REFRESH_TOPIC" in (handle_dispatch(TOP_OF_THE_HOUR).error or "")
    assert fresh_pubsub.published() == []


def test_the_token_never_travels_to_a_real_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETOPS_GOOGLE_TOKEN", TOKEN)
    monkeypatch.setenv("SHEETOPS_REFRESH_TOPIC", TOPIC)
    monkeypatch.delenv("SHEETOPS_PUBSUB_API", raising=False)
    with pytest.raises(Exception, match="only used with a local test server"):
        make_publisher()


def test_the_stand_in_checks_what_google_checks(fresh_pubsub: PubSubServer) -> None:
    url = f"{fresh_pubsub.url}/v1/{TOPIC}:publish"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    msg = {"data": base64.b64encode(b"{}").decode()}
    assert requests.post(url, json={"messages": [msg]}, timeout=10).status_code == 401
    bodies: list[dict[str, Any]] = [
        {"messages": []}, {"messages": [msg] * 1001}, {"messages": [{"data": "%%%"}]}, {"messages": [{}]},
        {"messages": [{"attributes": {"a": 1}}]}, {"msgs": [msg]},
    ]
    for body in bodies:
        assert requests.post(url, json=body, headers=auth, timeout=10).status_code == 400, body
    assert fresh_pubsub.published() == []


def test_dispatch_function_publishes_and_the_push_refreshes_each_sheet(
        dispatch_fn: Function, scheduled_fn: Function, pubsub: PubSubServer, sheets: SheetsServer,
        book: Book) -> None:
    pubsub.push(TOPIC, scheduled_fn.url)
    reply = send_event(dispatch_fn, {"from": "cloud-scheduler"})
    assert reply.status_code == 200, reply.text
    deliveries = pubsub.wait_for_deliveries(timeout=60)
    assert sorted(m.json()["spreadsheet"] for m in pubsub.published(TOPIC)) == sorted([book["chain_a"], book["chain_b"]])
    assert [d.status for d in deliveries] == [200, 200]
    for role in ("chain_a", "chain_b"):
        assert [r[2] for r in sheets.cells(book[role], "Run Log")[1:]] == ["schedule"]
    [line] = [e for e in dispatch_fn.log_lines() if e.get("trigger") == "dispatch"]
    assert line["published"] == 2 and line["calls"] == 1 and line["severity"] == "INFO"


def test_turns_keep_one_account_within_its_per_minute_quota(fresh_pubsub: PubSubServer,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """1,000 sheets with Google's default quota: 24 a minute, 2.5 s apart, all within the hour."""
    ids = sheet_ids(1000)
    monkeypatch.setenv("SHEETOPS_SPREADSHEETS", ",".join(ids))
    seen: list[str] = []
    for minute in range(60):
        done = handle_dispatch({"time": f"2026-11-18T09:{minute:02d}:00Z"})
        assert done.error is None and len(done.message_ids) <= 24
        seen += done.spreadsheets
    assert sorted(seen) == sorted(ids)  # each sheet once an hour
    published = [m.json() for m in fresh_pubsub.published(TOPIC)]
    assert [p["not_before"] for p in published[:3]] == ["2026-11-18T09:00:00.000Z", "2026-11-18T09:00:02.500Z",
                                                        "2026-11-18T09:00:05.000Z"]
    assert published[24]["not_before"] == "2026-11-18T09:01:00.000Z"
    line = json.loads(capsys.readouterr().out.strip().splitlines()[0])
    assert line["per_minute"] == 24 and line["per_hour"] == 1440 and "24 sheets a minute, 1,440 an hour" in line["message"]


def test_more_sheets_than_an_hour_holds_take_turns_with_a_warning(fresh_pubsub: PubSubServer,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    ids = sheet_ids(2000)
    monkeypatch.setenv("SHEETOPS_SPREADSHEETS", ",".join(ids))
    first_hour = [s for m in range(60) for s in handle_dispatch({"time": f"2026-11-18T09:{m:02d}:00Z"}).spreadsheets]
    second_hour = [s for m in range(60) for s in handle_dispatch({"time": f"2026-11-18T10:{m:02d}:00Z"}).spreadsheets]
    assert len(first_hour) == len(second_hour) == 1440
    assert set(first_hour) | set(second_hour) == set(ids)  # nobody waits more than two hours
    warnings = [json.loads(x) for x in capsys.readouterr().out.splitlines() if '"WARNING"' in x]
    assert len(warnings) == 2 and "more service accounts" in warnings[0]["message"]
