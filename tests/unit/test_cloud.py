"""The cloud functions' logic without a server: request checks, status mapping, redaction,
and an unexpected failure that never reaches a response or a log line with its message."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder

from sheetops.backends.gsheets_api import RequestRejected
from sheetops.cloud import config, handle_http, handle_scheduled
from sheetops.cloud.http import parse_body
from sheetops.cloud.logs import log, redact
from sheetops.cloud.runner import INTERNAL, NotAllowed, status_of
from sheetops.errors import (AccessDenied, BackendUnavailable, BadArguments, NotASheetOpsWorkbook, RefreshRunning,
                             SheetOpsError, WorkbookNotFound)

SECRET = "mia.payouts@paypal.example"


@pytest.mark.parametrize("text, sheet_id", [
    ("1AbC_d-9", "1AbC_d-9"),
    (" gsheet:1AbC ", "1AbC"),
    ("https://docs.google.com/spreadsheets/d/1AbC_d-9/edit#gid=0", "1AbC_d-9"),
])
def test_sheet_ids(text: str, sheet_id: str) -> None:
    assert config.sheet_id_of(text) == sheet_id


@pytest.mark.parametrize("text", ["", "a b", "report.xlsx", "../x", "gsheet:", "https://example.com/d/x"])
def test_not_sheet_ids(text: str) -> None:
    with pytest.raises(BadArguments):
        config.sheet_id_of(text)


def test_allowed_list_accepts_ids_and_urls_and_unset_means_none() -> None:
    env = {config.ALLOWED_ENV: "abc, https://docs.google.com/spreadsheets/d/XYZ/edit ,abc"}
    assert config.allowed_ids(env) == {"abc", "XYZ"}
    assert config.allowed_ids({}) == frozenset()
    assert config.registered_ids(env) == ["XYZ", "abc"]
    assert config.registered_ids({**env, config.REGISTRY_ENV: "q1,q2"}) == ["q1", "q2"]


def test_topic_names() -> None:
    assert config.refresh_topic({config.TOPIC_ENV: "projects/p-1/topics/sheetops"}) == "projects/p-1/topics/sheetops"
    assert config.refresh_topic({config.TOPIC_ENV: "sheetops", "GOOGLE_CLOUD_PROJECT": "p-1"}) == \
        "projects/p-1/topics/sheetops"
    with pytest.raises(SheetOpsError, match="SHEETOPS_REFRESH_TOPIC"):
        config.refresh_topic({})


def test_body_fields() -> None:
    assert parse_body(b'{"spreadsheet": "x", "as_of": null, "dry_run": null}').dry_run is False
    assert parse_body(b'{"spreadsheet": "x", "as_of": "2026-11-18"}').as_of == "2026-11-18"


@pytest.mark.parametrize("exc, status", [
    (BadArguments("x"), 400), (NotAllowed("x"), 403), (AccessDenied("x"), 403), (WorkbookNotFound("x"), 404),
    (RefreshRunning("x"), 409), (NotASheetOpsWorkbook("x"), 422), (RequestRejected("x"), 502),
    (BackendUnavailable("x"), 503), (SheetOpsError("x"), 500), (ValueError("x"), 500),
])
def test_statuses(exc: Exception, status: int) -> None:
    assert status_of(exc) == status


def request(method: str = "POST", body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    return EnvironBuilder(method=method, data=data, content_type="application/json").get_request()


def test_an_unexpected_failure_is_a_fixed_sentence_and_a_log_line_without_its_message(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(config.ALLOWED_ENV, "abc")

    def broken(*_a: Any, **_k: Any) -> Any:
        raise ValueError(f"could not convert {SECRET!r} to a number")

    text, status, headers = handle_http(request(body={"spreadsheet": "abc"}), refresher=broken)
    assert status == 500 and json.loads(text) == {"error": INTERNAL}
    [line] = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert line["severity"] == "ERROR" and line["error"] == "ValueError" and line["where"]
    assert SECRET not in json.dumps(line) and "Traceback" not in text


def test_scheduled_failures_do_not_stop_the_batch(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(config.ALLOWED_ENV, "a,b,c")
    ran: list[str] = []

    def refresher(sheet: str, **_k: Any) -> Any:
        ran.append(sheet)
        if sheet == "b":
            raise BackendUnavailable("Google Sheets kept failing; try again in a few minutes.")
        from sheetops.refresh import RunResult
        import datetime as dt
        return RunResult(workbook=sheet, as_of=dt.date(2026, 11, 18))

    class Event:
        data = {"message": {"data": base64.b64encode(b'{"spreadsheets": ["a", "b", "c", "a"]}').decode()}}

        def __getitem__(self, key: str) -> str:
            return "evt-1"

    outcomes = handle_scheduled(Event(), refresher=refresher)
    assert ran == ["a", "b", "c"] and [o.status for o in outcomes] == [200, 503, 200]
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(x["spreadsheet"], x["severity"]) for x in lines] == [("a", "INFO"), ("b", "ERROR"), ("c", "INFO")]


@pytest.mark.parametrize("text", [
    "Authorization: Bearer abc.def-123", "token ya29.A0AfH6SM-abc_123", '{"access_token": "s3cr3t-value"}',
    "-----BEGIN " + "PRIVATE KEY-----\nMIIEv...\n-----END " + "PRIVATE KEY-----", "the token is t0k-env-9999",
])
def test_redact(text: str) -> None:
    out = redact(text, environ={"SHEETOPS_GOOGLE_TOKEN": "t0k-env-9999"})
    for secret in ["abc.def-123", "A0AfH6SM", "s3cr3t-value", "MIIEv", "t0k-env-9999"]:
        assert secret not in out
    assert "[redacted]" in out


def test_log_lines_are_one_json_object_each() -> None:
    stream = io.StringIO()
    log("INFO", "Refreshed x\nwith two lines", stream=stream, spreadsheet="x", issues={"error": 0})
    [line] = stream.getvalue().splitlines()
    assert json.loads(line)["severity"] == "INFO" and json.loads(line)["spreadsheet"] == "x"


# --- pacing: one account within its per-minute quota (issue #18, part 5) --------------------


def test_capacity_from_the_quotas_and_the_cost_of_a_refresh() -> None:
    from sheetops.cloud.pacing import Quota, RefreshCost, capacity

    default = capacity(Quota())
    assert (default.per_minute, default.per_hour, default.spacing_seconds) == (24, 1440, 2.5)
    assert capacity(Quota(300, 300)).per_minute == 120  # after a quota increase
    assert capacity(Quota(), RefreshCost(reads=6, writes=3)).per_minute == 8  # the old cost: 8 a minute
    assert capacity(Quota(1, 1)).per_minute == 1


def test_a_turn_waits_until_its_time_and_never_long() -> None:
    import datetime as dt

    from sheetops.cloud.events import MAX_TURN_WAIT, parse_message, wait_for_turn

    batch = parse_message(b'{"spreadsheet": "abc", "not_before": "2026-11-18T09:00:02.5Z"}')
    assert batch.not_before == dt.datetime(2026, 11, 18, 9, 0, 2, 500000, tzinfo=dt.timezone.utc)
    slept: list[float] = []
    at = dt.datetime(2026, 11, 18, 9, 0, 0, tzinfo=dt.timezone.utc)
    assert wait_for_turn(batch.not_before, now=lambda: at, sleep=slept.append) == 2.5
    assert wait_for_turn(batch.not_before, now=lambda: at + dt.timedelta(minutes=5), sleep=slept.append) == 0.0
    assert wait_for_turn(at + dt.timedelta(hours=3), now=lambda: at, sleep=slept.append) == MAX_TURN_WAIT
    assert slept == [2.5, MAX_TURN_WAIT]
    with pytest.raises(Exception, match="not_before"):
        parse_message(b'{"spreadsheet": "abc", "not_before": "soon"}')
