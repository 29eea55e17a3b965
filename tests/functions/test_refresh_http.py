"""``refresh_http`` served by functions-framework, against the local Sheets API server:
every status code it answers, and the spreadsheet afterwards."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
import requests

from sheetops.backends.gsheets import GoogleSheetsWorkbook
from sheetops.workbook.cells import parse_money
from sheetops.testing.gspread_client import gspread_client
from sheetops.testing.sheets_server import SheetsServer

from ..e2e.conftest import sheetops
from .conftest import TOKEN, Book, Function, example, lines_for


def post(fn: Function, body: Any, **kwargs: Any) -> requests.Response:
    data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
    return requests.post(fn.url, data=data, headers={"Content-Type": "application/json"}, timeout=120, **kwargs)


def assert_error(reply: requests.Response, status: int) -> str:
    assert reply.status_code == status, reply.text
    assert reply.headers["Content-Type"].startswith("application/json")
    body = reply.json()
    assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"].strip()
    assert "Traceback" not in reply.text and 'File "' not in reply.text
    return str(body["error"])


def payouts(sheets: SheetsServer, sid: str) -> dict[str, dict[str, Any]]:
    grid = sheets.cells(sid, "Payouts")
    return {r[0]: dict(zip(grid[0], r)) for r in grid[1:]}


def test_200_refreshes_the_sheet_and_answers_like_run_json(http_fn: Function, sheets: SheetsServer,
                                                            book: Book) -> None:
    ex = example()
    reply = post(http_fn, {"spreadsheet": f"https://docs.google.com/spreadsheets/d/{book['example']}/edit#gid=0",
                           "as_of": ex["as_of"]})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["result"] == "errors" and body["issues"]["error"] == 2 and body["as_of"] == ex["as_of"]
    got = payouts(sheets, book["example"])
    for want in ex["expected"]["payouts"]:
        row = got[want["Payout ID"]]
        assert parse_money(row["Total"]).value == parse_money(want["Total"]).value
        assert row["Status"] == want["Status"]
    assert [r[2] for r in sheets.cells(book["example"], "Run Log")[1:]][-1] == "http"  # Trigger column
    cli = sheetops("run", f"gsheet:{book['example_cli']}", "--as-of", ex["as_of"], "--json",
                   env={"SHEETOPS_SHEETS_API": sheets.url, "SHEETOPS_GOOGLE_TOKEN": TOKEN})
    expected = json.loads(cli.stdout)
    for key in ("seconds", "workbook"):
        body.pop(key), expected.pop(key)
    assert body == expected
    [line] = [e for e in lines_for(http_fn, book["example"]) if e["status"] == 200]
    assert line["severity"] == "WARNING" and line["result"] == "errors" and line["issues"]["error"] == 2


def test_dry_run_writes_nothing(http_fn: Function, sheets: SheetsServer, book: Book) -> None:
    before = sheets.snapshot()
    reply = post(http_fn, {"spreadsheet": book["dry"], "as_of": "2026-11-18", "dry_run": True})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["dry_run"] is True and body["changes"]
    assert "Payouts" in body["changes"] and not sheets_has(sheets, book["dry"], "Payouts")
    assert sheets.snapshot()[book["dry"]] == before[book["dry"]]


def sheets_has(sheets: SheetsServer, sid: str, tab: str) -> bool:
    try:
        sheets.sheet(sid, tab)
    except KeyError:
        return False
    return True


@pytest.mark.parametrize("body, says", [
    (b"{not json", "JSON"),
    (b"\xff\xfe", "JSON"),
    (b"", "JSON"),
    ([1, 2], "object"),
    ({}, "'spreadsheet' is required"),
    ({"spreadsheet": ""}, "'spreadsheet' is required"),
    ({"spreadsheet": 123}, "'spreadsheet' is required"),
    ({"spreadsheet": "../../etc/passwd.xlsx"}, "Google Sheets ID or URL"),
    ({"spreadsheet": "report.xlsx"}, "Google Sheets ID or URL"),
    ({"spreadsheet": "abc", "as_of": "18/11/2026"}, "YYYY-MM-DD"),
    ({"spreadsheet": "abc", "as_of": 20261118}, "YYYY-MM-DD"),
    ({"spreadsheet": "abc", "as_of": "2026-02-30"}, "not a real date"),
    ({"spreadsheet": "abc", "dry_run": "true"}, "true or false"),
    ({"spreadsheet": "abc", "dry_run": 1}, "true or false"),
    ({"spreadsheet": "abc", "dryrun": True}, "Unknown field 'dryrun'"),
], ids=lambda v: str(v)[:30])
def test_400_for_malformed_bodies(http_fn: Function, sheets: SheetsServer, body: Any, says: str) -> None:
    before = sheets.counters().total_requests
    assert says in assert_error(post(http_fn, body), 400)
    assert sheets.counters().total_requests == before  # refused before touching Google


def test_403_when_not_allowed_before_touching_google(http_fn: Function, sheets: SheetsServer, book: Book) -> None:
    before = sheets.counters().total_requests
    message = assert_error(post(http_fn, {"spreadsheet": book.outsider}), 403)
    assert "SHEETOPS_ALLOWED_SPREADSHEETS" in message
    assert sheets.counters().total_requests == before
    assert not sheets_has(sheets, book.outsider, "Payouts")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_405_for_other_methods(http_fn: Function, method: str) -> None:
    reply = requests.request(method, http_fn.url, timeout=30)
    assert_error(reply, 405)
    assert reply.headers["Allow"] == "POST"


def test_413_for_bodies_over_64_kib(http_fn: Function, sheets: SheetsServer, book: Book) -> None:
    big = json.dumps({"spreadsheet": book.outsider, "pad": "x" * 70_000})
    assert "64 KiB" in assert_error(post(http_fn, big), 413)

    def chunks() -> Any:  # no Content-Length: the body itself is measured
        for _ in range(70):
            yield b" " * 1024
        yield json.dumps({"spreadsheet": book.outsider}).encode()

    assert_error(requests.post(http_fn.url, data=chunks(), timeout=60), 413)
    # just under the limit is read and checked as usual (here: not allowed)
    padded = " " * (64 * 1024 - 200) + json.dumps({"spreadsheet": book.outsider})
    assert_error(post(http_fn, padded), 403)


def test_404_and_422_for_sheets_that_cannot_be_refreshed(http_fn: Function, book: Book) -> None:
    assert "no spreadsheet" in assert_error(post(http_fn, {"spreadsheet": book["missing"]}), 404)
    assert "Orders" in assert_error(post(http_fn, {"spreadsheet": book["broken"]}), 422)


def test_409_while_another_refresh_holds_the_lock(http_fn: Function, sheets: SheetsServer, book: Book) -> None:
    other = GoogleSheetsWorkbook(gspread_client(sheets, token=TOKEN), book["locked"], base_url=sheets.url)
    with other.lock():
        message = assert_error(reply := post(http_fn, {"spreadsheet": book["locked"]}), 409)
        assert "Another refresh" in message and reply.headers["Retry-After"]
        assert not sheets_has(sheets, book["locked"], "Payouts")
    assert post(http_fn, {"spreadsheet": book["locked"]}).status_code == 200
    assert sheets_has(sheets, book["locked"], "Payouts")


def test_503_when_google_keeps_failing(http_fn: Function, sheets: SheetsServer, book: Book) -> None:
    sheets.inject(503, path=book["faulty"], times=10**6)
    try:
        started = time.monotonic()
        message = assert_error(reply := post(http_fn, {"spreadsheet": book["faulty"]}), 503)
        assert "kept failing" in message and reply.headers["Retry-After"]
        assert time.monotonic() - started < 20
    finally:
        sheets.traffic.clear_faults()
    assert not sheets_has(sheets, book["faulty"], "Payouts")
    assert post(http_fn, {"spreadsheet": book["faulty"]}).status_code == 200  # and it recovers


def test_two_overlapping_refreshes_one_runs_one_gets_409(http_fn: Function, sheets: SheetsServer,
                                                         book: Book) -> None:
    sid = book["overlap"]
    sheets.inject("slow", seconds=2.0, path=f"{sid}/values:batchGet")  # the first run reads slowly
    replies: dict[str, requests.Response] = {}

    def run(name: str) -> None:
        replies[name] = post(http_fn, {"spreadsheet": sid, "as_of": "2026-11-18"})

    first = threading.Thread(target=run, args=("first",))
    first.start()
    time.sleep(0.8)  # the first run holds the lock and is reading
    run("second")
    first.join(timeout=60)
    assert replies["first"].status_code == 200, replies["first"].text
    assert "Another refresh" in assert_error(replies["second"], 409)
    log_tab = sheets.cells(sid, "Run Log")
    assert len(log_tab) == 2  # header + the one run that happened
