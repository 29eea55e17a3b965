"""No token, credential or Payout account value in any log line or response: a full run of
every function on a sheet whose Creators have Payout accounts, with a known token, then
every byte the function processes wrote is searched."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from sheetops.testing.pubsub_server import PubSubServer
from sheetops.testing.sheets_server import SheetsServer

from .conftest import PAYOUT_ACCOUNTS, TOKEN, Book, Function, function_env, lines_for, send_event, start_function


def test_no_secret_in_any_log_line_or_response(http_fn: Function, scheduled_fn: Function, sheets: SheetsServer,
                                               book: Book, pubsub: PubSubServer, logs_dir: Path) -> None:
    secret = book["secret"]
    creators = sheets.cells(secret, "Creators")
    assert "Payout account" in creators[0] and creators[1][-1] in PAYOUT_ACCOUNTS  # the secrets are there
    responses = [
        requests.post(http_fn.url, json={"spreadsheet": secret, "as_of": "2026-11-18"}, timeout=120),
        requests.post(http_fn.url, json={"spreadsheet": secret, "dry_run": True}, timeout=120),
        requests.post(http_fn.url, json={"spreadsheet": secret, "as_of": "bad"}, timeout=30),
        requests.post(http_fn.url, data=f"Bearer {TOKEN}", timeout=30),
        send_event(scheduled_fn, {"spreadsheets": [secret, book["missing"]]}),
    ]
    assert [r.status_code for r in responses] == [200, 200, 400, 400, 200]
    assert sheets.cells(secret, "Payouts")[0][0] == "Payout ID"
    dispatcher = start_function("dispatch", logs_dir, function_env(
        sheets, book, SHEETOPS_SPREADSHEETS=secret, SHEETOPS_REFRESH_TOPIC="projects/sheetops-local/topics/missing",
        SHEETOPS_PUBSUB_API=pubsub.url))
    try:
        assert send_event(dispatcher, {}).status_code == 200
        assert dispatcher.log_lines()[-1]["severity"] == "ERROR"
    finally:
        dispatcher.stop()
    assert lines_for(http_fn, secret) and lines_for(scheduled_fn, secret)
    written = "".join(f.read_text(errors="replace") for f in sorted(logs_dir.iterdir()))
    written += "".join(r.text + json.dumps(dict(r.headers)) for r in responses)
    assert written.strip()
    for value in [TOKEN, TOKEN.split(".", 1)[1], *PAYOUT_ACCOUNTS]:
        assert value not in written, f"{value!r} leaked"
