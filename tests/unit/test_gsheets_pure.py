"""The Google Sheets backend's pure parts: cell JSON, request builders, retries, credentials."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
import pytest

from sheetops.backends import google_auth
from sheetops.backends.base import CellError, ChartSeries, ChartSpec, Column, Link, Money, Rate, TabEdit, TabWrite
from sheetops.backends.gsheets_api import Reply, RequestRejected, RetryPolicy, SheetsApi, access_error
from sheetops.backends.gsheets_cells import cell_data, frame_cell, link_formula, read_cell, serial
from sheetops.backends.gsheets_requests import SheetInfo, a1_index, edit_requests, grid_size, tab_requests
from sheetops.backends.gsheets_staging import chunk_bodies
from sheetops.errors import AccessDenied, BackendUnavailable, WorkbookNotFound


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", {"stringValue": "=1+1"}),
        ("+1", {"stringValue": "+1"}),
        ("@mia", {"stringValue": "@mia"}),
        (12.5, {"numberValue": 12.5}),
        (dt.date(2026, 11, 9), {"numberValue": 46335}),
        (dt.datetime(1899, 12, 31, 12), {"numberValue": 1.5}),
        (True, {"boolValue": True}),
    ],
)
def test_values_are_written_with_explicit_types(value: Any, expected: dict[str, Any]) -> None:
    assert cell_data(value, {})["userEnteredValue"] == expected


def test_mixed_cells_carry_their_format() -> None:
    money = frame_cell(Money(-1205), "mixed", {})
    assert money == {"userEnteredValue": {"numberValue": -12.05}, "userEnteredFormat": {"numberFormat": {"type": "NUMBER", "pattern": "#,##0.00"}}}
    assert frame_cell(Rate(125_000), "mixed", {})["userEnteredFormat"]["numberFormat"]["pattern"] == "0.00%"
    assert frame_cell(None, "mixed", {}) == {}


def test_link_formula_escapes_label_and_needs_known_tab() -> None:
    link = Link("Orders", "K10", 'Say "hi"')
    assert link_formula(link, {"Orders": 42}) == '=HYPERLINK("#gid=42&range=K10","Say ""hi""")'
    assert link_formula(link, {}) is None
    assert cell_data(link, {})["userEnteredValue"] == {"stringValue": 'Say "hi"'}


def test_read_cell_maps_errors_and_blanks() -> None:
    assert read_cell("#REF!") == CellError("#REF!")
    assert read_cell("#DIV/0!") == CellError("#DIV/0!")
    assert read_cell("") is None and read_cell(None) is None
    assert read_cell("#hashtag") == "#hashtag"
    assert read_cell(46335) == 46335


def test_serial_matches_google_epoch() -> None:
    assert serial(dt.date(1899, 12, 31)) == 1
    assert serial(dt.date(2026, 11, 9)) == 46335


def _tab(rows: int) -> TabWrite:
    frame = pd.DataFrame(
        {
            "Creator": [f"@c{i}" for i in range(rows)],
            "Amount": pd.array(range(rows), dtype="Int64"),
            "Cell": [Link("Orders", f"A{i + 2}") for i in range(rows)],
        }
    )
    chart = ChartSpec("bar", "GMV", "Creator", (ChartSeries("Amount", "Amount"),), 0, min(rows, 5) - 1, "E2")
    return TabWrite("Issues", [Column("Creator"), Column("Amount", "money"), Column("Cell", "link")], frame, charts=[chart], dropdowns={"Creator": ("a",)})


def test_request_count_for_a_tab_does_not_grow_with_rows() -> None:
    info = SheetInfo(7, "Issues", protections=[1], charts=[2])
    small = tab_requests(_tab(10), 7, info, {"Orders": 0}, editor="sa@x.iam.gserviceaccount.com")
    big = tab_requests(_tab(5000), 7, info, {"Orders": 0}, editor=None)
    assert [next(iter(r)) for r in small] == [next(iter(r)) for r in big]
    kinds = [next(iter(r)) for r in small]
    assert kinds[:3] == ["deleteEmbeddedObject", "deleteProtectedRange", "updateCells"]
    assert "addChart" in kinds and "addProtectedRange" in kinds and "setDataValidation" in kinds


def test_grid_size_covers_data_and_chart_anchor() -> None:
    assert a1_index("E2") == (1, 4)
    assert grid_size(_tab(3)) == (5, 5)


def test_edits_expand_grid_and_append() -> None:
    info = SheetInfo(3, "Orders", row_count=3, column_count=3)
    edit = TabEdit("Orders", set_cells={(1, 1): 13.0, (1, 2): "x"}, append=[["O3", Money(725), "=2+2"]], add_headers={3: "Status"})
    reqs = edit_requests(edit, info, {})
    kinds = [next(iter(r)) for r in reqs]
    assert kinds == ["appendDimension", "updateCells", "updateCells", "appendCells"]
    assert reqs[2]["updateCells"]["rows"][0]["values"][1] == {"userEnteredValue": {"stringValue": "x"}}
    appended = reqs[3]["appendCells"]["rows"][0]["values"]
    assert appended[2] == {"userEnteredValue": {"stringValue": "=2+2"}}


def test_staging_chunks_respect_the_byte_limit() -> None:
    values, cells = chunk_bodies([(_tab(3000), 99)], {"Orders": 0}, limit=50_000)
    assert len(values) > 1 and len(cells) > 1
    for body in values + cells:
        assert len(json.dumps(body, separators=(",", ":")).encode()) <= 50_000
    rows = [row for body in values for vr in body["data"] for row in vr["values"]]
    assert len(rows) == 3001 and rows[1] == ["@c0", 0.0, None]
    links = sum(len(r["updateCells"]["rows"]) for body in cells for r in body["requests"])
    assert links == 3000


class _Script:
    """A transport answering from a list of statuses (or exceptions)."""

    def __init__(self, *answers: int | Exception) -> None:
        self.answers = list(answers)
        self.calls = 0

    def __call__(self, method: str, url: str, *, params: Any, body: Any) -> Reply:
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return Reply(answer, {"ok": True} if answer == 200 else {"error": {"message": "nope"}})


def _api(script: _Script, sleeps: list[float]) -> SheetsApi:
    return SheetsApi(script, retry=RetryPolicy(attempts=5, sleep=sleeps.append, jitter=lambda: 1.0), account="bot@p.iam.gserviceaccount.com")


def test_retries_429_503_and_connection_errors_then_succeeds() -> None:
    sleeps: list[float] = []
    script = _Script(429, 503, ConnectionError("reset"), 200)
    assert _api(script, sleeps).get("id", "sheets") == {"ok": True}
    assert script.calls == 4 and sleeps == [5.0, 1.0, 2.0]  # a quota waits longer than a blip


def test_gives_up_after_attempts_with_a_plain_sentence() -> None:
    sleeps: list[float] = []
    script = _Script(*([503] * 5))
    with pytest.raises(BackendUnavailable, match="try again in a few minutes"):
        _api(script, sleeps).get("id", "sheets")
    assert script.calls == 5 and len(sleeps) == 4


def test_total_wait_is_capped() -> None:
    sleeps: list[float] = []
    api = SheetsApi(_Script(*([500] * 10)), retry=RetryPolicy(attempts=10, base=10, cap=30, max_wait=45, sleep=sleeps.append, jitter=lambda: 1.0))
    with pytest.raises(BackendUnavailable):
        api.get("id", "x")
    assert sum(sleeps) <= 45


def test_access_errors_say_whom_to_share_with() -> None:
    with pytest.raises(AccessDenied, match="bot@p.iam.gserviceaccount.com"):
        _api(_Script(403), []).get("id", "x")
    with pytest.raises(WorkbookNotFound, match="share the sheet with bot@p"):
        _api(_Script(404), []).get("id", "x")
    with pytest.raises(RequestRejected):
        _api(_Script(400), []).get("id", "x")


def _google_403(reason: str, message: str = "refused") -> Reply:
    info = {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com",
            "metadata": {"service": "sheets.googleapis.com"}}
    return Reply(403, {"error": {"code": 403, "message": message, "status": "PERMISSION_DENIED", "details": [info]}})


@pytest.mark.parametrize("reply,account,says,not_says", [
    (_google_403("ACCESS_TOKEN_SCOPE_INSUFFICIENT"), None,
     "--scopes=https://www.googleapis.com/auth/spreadsheets,https://www.googleapis.com/auth/cloud-platform", "share"),
    (Reply(403, {"error": {"message": "Request had insufficient authentication scopes."}}), "bot@p.iam.gserviceaccount.com",
     "without the Google Sheets scope", "share"),
    (_google_403("SERVICE_DISABLED"), None, "gcloud services enable sheets.googleapis.com", "share"),
    (_google_403("PERMISSION_DENIED", "The caller does not have permission"), "bot@p.iam.gserviceaccount.com",
     "not shared with bot@p.iam.gserviceaccount.com; share it with bot@p.iam.gserviceaccount.com", "scope"),
    (_google_403("PERMISSION_DENIED"), None, "share it with that account's e-mail", "scope"),
    (Reply(401, {"error": {"message": "expired"}}), None, "--scopes=", "share"),
])
def test_each_refusal_names_its_cause_and_fix(reply: Reply, account: str | None, says: str, not_says: str) -> None:
    error = access_error(reply, "1AbC", account)
    assert isinstance(error, AccessDenied) and says in str(error) and not_says not in str(error)
    assert str(error).count(". ") == 0 and str(error).endswith(".")  # one sentence


def test_token_only_for_loopback_servers() -> None:
    with pytest.raises(AccessDenied):
        google_auth.authorized_client(environ={"SHEETOPS_GOOGLE_TOKEN": "t", "SHEETOPS_SHEETS_API": "https://sheets.example.com"})
    with pytest.raises(AccessDenied):
        google_auth.authorized_client(environ={"SHEETOPS_GOOGLE_TOKEN": "t"})
    client, account = google_auth.authorized_client(environ={"SHEETOPS_GOOGLE_TOKEN": "t", "SHEETOPS_SHEETS_API": "http://127.0.0.1:9"})
    assert client.http_client.session.headers["Authorization"] == "Bearer t" and account is None
    assert google_auth.is_loopback("http://localhost:1") and google_auth.is_loopback("http://[::1]:2")
    assert not google_auth.is_loopback("http://127.example.com")


# --- 429: wait for the next quota window, within the run's time budget (issue #18) -------


class _Quota:
    """A transport answering 429 (with Google's quota ErrorInfo) ``n`` times, then 200."""

    def __init__(self, n: int, retry_after: float | None = None) -> None:
        self.n, self.retry_after, self.calls = n, retry_after, 0

    def __call__(self, method: str, url: str, *, params: Any, body: Any) -> Reply:
        self.calls += 1
        if self.calls > self.n:
            return Reply(200, {"ok": True})
        info = {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
                "metadata": {"quota_limit": "ReadRequestsPerMinutePerUser"}}
        return Reply(429, {"error": {"code": 429, "message": "Quota exceeded", "details": [info]}},
                     retry_after=self.retry_after)


def test_429_waits_grow_to_a_quota_window_and_then_succeed() -> None:
    sleeps: list[float] = []
    api = SheetsApi(_Quota(5), retry=RetryPolicy(sleep=sleeps.append, jitter=lambda: 1.0, quota_max_wait=500))
    assert api.get("id", "x") == {"ok": True}
    assert sleeps == [5.0, 10.0, 20.0, 40.0, 60.0]  # never longer than the minute a quota lasts


def test_429_follows_retry_after() -> None:
    sleeps: list[float] = []
    api = SheetsApi(_Quota(2, retry_after=7.0), retry=RetryPolicy(sleep=sleeps.append))
    assert api.get("id", "x") == {"ok": True} and sleeps == [7.0, 7.0]


def test_429_gives_up_before_the_deadline_with_a_sentence_about_quotas() -> None:
    now = [0.0]
    sleeps: list[float] = []

    def sleep(s: float) -> None:
        sleeps.append(s)
        now[0] += s

    policy = RetryPolicy(sleep=sleep, jitter=lambda: 1.0, quota_max_wait=10_000, deadline=100.0, clock=lambda: now[0])
    api = SheetsApi(_Quota(100), retry=policy, account="runner@p.iam.gserviceaccount.com")
    with pytest.raises(BackendUnavailable, match=r"per-minute quota \(ReadRequestsPerMinutePerUser\) of runner@p"):
        api.get("id", "x")
    assert sum(sleeps) <= 100.0 and sleeps == [5.0, 10.0, 20.0, 40.0]  # the next 60 s would pass the deadline


def test_retry_after_header_in_seconds_or_as_a_date() -> None:
    from sheetops.backends.gsheets_api import retry_after_seconds

    assert retry_after_seconds({"Retry-After": "12"}) == 12.0
    assert retry_after_seconds({}) is None and retry_after_seconds(None) is None
    assert retry_after_seconds({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # in the past
