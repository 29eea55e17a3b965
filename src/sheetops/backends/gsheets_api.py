"""The few Sheets API v4 calls SheetOps makes, with retries that give up.

Requests go through a ``Transport`` (by default a gspread client's authorized session), so
tests can count requests or inject failures without patching. Every call:

- retries 500/502/503/504 and connection errors with capped exponential back-off and
  full jitter, at most ``RetryPolicy.attempts`` times and ``RetryPolicy.max_wait`` seconds
  of sleeping in total, then raises ``BackendUnavailable`` (gspread's own back-off client
  never gives up; a scheduled refresh must);
- waits out a 429 (a per-minute quota used up) until the next quota window: ``Retry-After``
  when Google sends it, else growing waits up to a minute (the quotas are per minute), for
  as long as the time budget allows (``RetryPolicy.quota_max_wait`` and ``deadline``: a
  cloud function's timeout), then raises ``BackendUnavailable`` with a sentence about
  quotas;
- turns 401/403 into ``AccessDenied`` with one sentence naming Google's reason and its fix
  (sign in with the Sheets scope, enable the API, or share the sheet with the account's
  e-mail) and 404 into ``WorkbookNotFound``;
- turns 400 into ``RequestRejected`` (Google applied nothing: batch updates are atomic).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Mapping, Protocol, Sequence
from urllib.parse import quote

from ..errors import AccessDenied, BackendUnavailable, SheetOpsError, WorkbookNotFound
from .google_auth import LOGIN_WITH_SCOPES

SERVICE_ACCOUNT_CANNOT_OWN = (
    "A service account cannot own files (it has no Drive storage), so it cannot create a spreadsheet in its own "
    "Drive; create it in a shared drive folder the service account is a member of, with --folder FOLDER_ID, "
    "or sign in as a person with 'sheetops login' and run the command again."
)
Params = Mapping[str, str | int | bool | Sequence[str]]
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class RequestRejected(SheetOpsError):
    """Google refused a request as invalid (HTTP 400); nothing of it was applied."""

    def __init__(self, message: str, *, detail: str = "", maybe_applied: bool = False) -> None:
        super().__init__(message)
        self.detail = detail
        self.maybe_applied = maybe_applied
        """A first attempt's answer was lost, so that attempt may have been applied."""


@dataclass
class Reply:
    """An HTTP answer: status code and parsed JSON body (None when empty or not JSON)."""

    status: int
    data: Any = None
    text: str = ""
    retry_after: float | None = None
    """Seconds from a ``Retry-After`` header (429/503), when the answer had one."""


class Transport(Protocol):
    """Sends one HTTP request; raises ``OSError``/``requests`` errors on connection failure."""

    def __call__(self, method: str, url: str, *, params: Params | None, body: bytes | None) -> Reply: ...


class GspreadTransport:
    """A ``Transport`` over a gspread client's HTTP client (its authorized session)."""

    def __init__(self, client: Any, *, timeout: float | tuple[float, float] = (10.0, 300.0)) -> None:
        self.http = getattr(client, "http_client", client)
        self.timeout = timeout

    def __call__(self, method: str, url: str, *, params: Params | None, body: bytes | None) -> Reply:
        from gspread.exceptions import APIError

        headers = {"Content-Type": "application/json; charset=utf-8"} if body is not None else None
        self.http.set_timeout(self.timeout)
        try:
            response = self.http.request(method, url, params=params, data=body, headers=headers)
        except APIError as err:
            response = err.response
        return _reply(response)


def _reply(response: Any) -> Reply:
    text = response.text or ""
    try:
        data = response.json() if text else None
    except ValueError:
        data = None
    return Reply(response.status_code, data, text, retry_after=retry_after_seconds(getattr(response, "headers", None)))


def retry_after_seconds(headers: Any) -> float | None:
    """A ``Retry-After`` header in seconds (delta-seconds or an HTTP date), else None."""
    value = (headers or {}).get("Retry-After") if hasattr(headers, "get") else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


@dataclass
class RetryPolicy:
    """Capped exponential back-off with full jitter; ``sleep`` is injectable for tests.

    429s (quota) have their own budget: waits of ``quota_base`` seconds doubling up to
    ``quota_window`` (Google's quotas are per minute, so a minute always opens a new
    window), or what ``Retry-After`` says, while the waiting stays within
    ``quota_max_wait`` seconds and ends before ``deadline`` (a ``clock()`` value: the cloud
    function's timeout minus the time the rest of the refresh needs)."""

    attempts: int = 5
    base: float = 1.0
    cap: float = 16.0
    max_wait: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random
    quota_base: float = 5.0
    quota_window: float = 60.0
    quota_max_wait: float = 150.0
    deadline: float | None = None
    clock: Callable[[], float] = time.monotonic

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        return float(min(self.cap, self.base * 2 ** (attempt - 1)) * self.jitter())

    def quota_delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after the ``attempt``-th 429 in a row (1-based): ``Retry-After``
        when given, else a growing share of the quota window, with a little jitter."""
        if retry_after is not None:
            return float(retry_after)
        wait = min(self.quota_window, self.quota_base * 2 ** (attempt - 1))
        return float(wait * (0.8 + 0.2 * self.jitter()))

    def quota_budget(self, waited: float) -> float:
        """Seconds of quota waiting still allowed (by ``quota_max_wait`` and ``deadline``)."""
        left = self.quota_max_wait - waited
        if self.deadline is not None:
            left = min(left, self.deadline - self.clock())
        return max(0.0, left)


def encode(body: Any) -> bytes:
    """Compact UTF-8 JSON, the bytes that are sent (and counted against size limits)."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


@dataclass
class SheetsApi:
    """Sheets API v4 (and one Drive call) for one spreadsheet ID at a time."""

    transport: Transport
    base: str = "https://sheets.googleapis.com"
    drive_base: str = "https://www.googleapis.com"
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    account: str | None = None
    """The service account's e-mail, for messages that say whom to share the sheet with."""

    def url(self, spreadsheet_id: str, suffix: str = "") -> str:
        return f"{self.base}/v4/spreadsheets/{quote(spreadsheet_id, safe='')}{suffix}"

    # -- the calls ---------------------------------------------------------------------
    def get(self, spreadsheet_id: str, fields: str, *, ranges: Sequence[str] = ()) -> Any:
        params: dict[str, Any] = {"fields": fields}
        if ranges:
            params["ranges"] = list(ranges)
        return self.call("GET", self.url(spreadsheet_id), spreadsheet_id, params=params)

    def values_batch_get(self, spreadsheet_id: str, ranges: Sequence[str]) -> Any:
        params: dict[str, Any] = {
            "ranges": list(ranges),
            "majorDimension": "ROWS",
            "valueRenderOption": "UNFORMATTED_VALUE",
            "dateTimeRenderOption": "SERIAL_NUMBER",
        }
        return self.call("GET", self.url(spreadsheet_id, "/values:batchGet"), spreadsheet_id, params=params)

    def values_get(self, spreadsheet_id: str, a1: str) -> Any:
        params = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}
        url = self.url(spreadsheet_id, "/values/" + quote(a1, safe=""))
        return self.call("GET", url, spreadsheet_id, params=params)

    def values_update(self, spreadsheet_id: str, a1: str, rows: list[list[Any]]) -> Any:
        url = self.url(spreadsheet_id, "/values/" + quote(a1, safe=""))
        body = {"range": a1, "majorDimension": "ROWS", "values": rows}
        return self.call("PUT", url, spreadsheet_id, params={"valueInputOption": "RAW"}, body=encode(body))

    def values_batch_update(self, spreadsheet_id: str, body: bytes) -> Any:
        return self.call("POST", self.url(spreadsheet_id, "/values:batchUpdate"), spreadsheet_id, body=body)

    def batch_update(self, spreadsheet_id: str, body: bytes, *, fields: str | None = None) -> Any:
        """``spreadsheets.batchUpdate``; ``fields`` trims the answer (e.g. the
        ``updatedSpreadsheet`` asked for with ``includeSpreadsheetInResponse``)."""
        params = {"fields": fields} if fields else None
        return self.call("POST", self.url(spreadsheet_id, ":batchUpdate"), spreadsheet_id, params=params, body=body)

    def create(self, body: Mapping[str, Any]) -> Any:
        return self.call("POST", f"{self.base}/v4/spreadsheets", "", body=encode(body))

    def drive_create(self, title: str, folder: str) -> Any:
        """Drive ``files.create`` of an empty spreadsheet in ``folder`` (shared drives too)."""
        url = f"{self.drive_base}/drive/v3/files"
        body = {"name": title, "mimeType": "application/vnd.google-apps.spreadsheet", "parents": [folder]}
        params = {"supportsAllDrives": "true", "fields": "id,name,parents"}
        return self.call("POST", url, folder, params=params, body=encode(body))

    def share(self, spreadsheet_id: str, email: str) -> Any:
        url = f"{self.drive_base}/drive/v3/files/{quote(spreadsheet_id, safe='')}/permissions"
        body = {"type": "user", "role": "writer", "emailAddress": email}
        params = {"sendNotificationEmail": "true", "supportsAllDrives": "true"}
        return self.call("POST", url, spreadsheet_id, params=params, body=encode(body))

    # -- retries and errors ----------------------------------------------------------
    def call(
        self, method: str, url: str, spreadsheet_id: str, *, params: Params | None = None, body: bytes | None = None
    ) -> Any:
        """Send with retries; the parsed JSON answer, or an exception with a plain sentence."""
        waited = quota_waited = 0.0
        attempt = quota_attempt = 0
        maybe_applied = False  # a write whose answer was lost may have been applied
        while True:
            reply: Reply | None
            try:
                reply = self.transport(method, url, params=params, body=body)
            except OSError as err:  # requests' exceptions are OSErrors too
                reply, failure = None, f"the connection failed ({type(err).__name__})"
                maybe_applied = maybe_applied or method != "GET"
            if reply is not None:
                if 200 <= reply.status < 300:
                    return reply.data if reply.data is not None else {}
                if reply.status == 429:  # a quota: wait for its next window, within the budget
                    quota_attempt += 1
                    pause = self.retry.quota_delay(quota_attempt, reply.retry_after)
                    if pause > self.retry.quota_budget(quota_waited):
                        raise BackendUnavailable(quota_sentence(reply, quota_attempt, quota_waited, self.account))
                    self.retry.sleep(pause)
                    quota_waited += pause
                    continue
                if reply.status not in RETRY_STATUSES:
                    raise self.error(reply, spreadsheet_id, maybe_applied=maybe_applied)
                failure = f"Google answered {reply.status}"
            attempt += 1
            pause = self.retry.delay(attempt)
            if attempt >= self.retry.attempts or waited + pause > self.retry.max_wait:
                raise BackendUnavailable(
                    f"Google Sheets kept failing ({failure}, {attempt} attempts); "
                    "nothing more was changed, so try again in a few minutes."
                )
            self.retry.sleep(pause)
            waited += pause

    def error(self, reply: Reply, spreadsheet_id: str, *, maybe_applied: bool = False) -> SheetOpsError:
        """The exception for a final, non-retryable answer."""
        who = self.account or "the Google account SheetOps runs as"
        detail = _message(reply)
        if reply.status in (401, 403):
            return access_error(reply, spreadsheet_id, self.account)
        if reply.status == 404:
            return WorkbookNotFound(
                f"Google Sheets has no spreadsheet {spreadsheet_id} that SheetOps can open; check "
                f"the ID or URL, and share the sheet with {who} (as Editor)."
            )
        if maybe_applied:
            return RequestRejected(
                f"The connection to Google dropped while writing spreadsheet {spreadsheet_id}, and "
                f"the retry was refused ({detail}); the first attempt may have been saved, so run "
                "the refresh again to make sure.",
                detail=detail,
                maybe_applied=True,
            )
        return RequestRejected(
            f"Google rejected a change to spreadsheet {spreadsheet_id} ({detail}); it was left "
            "unchanged; please report this to whoever maintains SheetOps.",
            detail=detail,
        )


def quota_sentence(reply: Reply, refusals: int, waited: float, account: str | None) -> str:
    """Why a run stopped on 429s: which quota (Google names it), how long SheetOps waited."""
    error = reply.data.get("error") if isinstance(reply.data, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    limit = next((str((d.get("metadata") or {}).get("quota_limit") or "") for d in details or []
                  if isinstance(d, dict) and str(d.get("@type", "")).endswith("ErrorInfo")), "")
    which = f" ({limit})" if limit else ""
    who = account or "the Google account SheetOps runs as"
    return (f"Google Sheets kept answering that a per-minute quota{which} of {who} was used up "
            f"({refusals} refusals, {waited:.0f} s of waiting within this run's time budget); nothing more was "
            "changed, so refresh fewer sheets per minute with this account (see docs/google-sheets.md, Quotas) "
            "or try again in a few minutes.")


def error_reason(reply: Reply) -> str:
    """The ``reason`` of Google's ErrorInfo detail (``ACCESS_TOKEN_SCOPE_INSUFFICIENT``,
    ``SERVICE_DISABLED``...), or "" when the answer has none."""
    error = reply.data.get("error") if isinstance(reply.data, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    for detail in details if isinstance(details, list) else []:
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("google.rpc.ErrorInfo"):
            return str(detail.get("reason") or "")
    errors = error.get("errors") if isinstance(error, dict) else None  # Drive v3 names it here
    for item in errors if isinstance(errors, list) else []:
        if isinstance(item, dict) and item.get("reason"):
            return str(item["reason"])
    return ""


def access_error(reply: Reply, spreadsheet_id: str, account: str | None) -> AccessDenied:
    """One sentence for a 401/403 that names the cause Google gave and its fix."""
    reason = error_reason(reply)
    detail = _message(reply)
    if reply.status == 401:
        return AccessDenied(
            "Google did not accept the credentials (they are missing, expired or revoked); sign in again "
            f"with 'sheetops login' (or '{LOGIN_WITH_SCOPES}') or check GOOGLE_APPLICATION_CREDENTIALS, then try again."
        )
    if reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT" or "insufficient authentication scopes" in detail:
        return AccessDenied(
            "Google refused the request because the credentials SheetOps found were signed in without "
            f"the Google Sheets scope; sign in again with 'sheetops login' (or '{LOGIN_WITH_SCOPES}') and try again."
        )
    if reason == "storageQuotaExceeded":
        return AccessDenied(SERVICE_ACCOUNT_CANNOT_OWN)
    if reason == "SERVICE_DISABLED":
        return AccessDenied(
            "The Google Sheets API is not enabled in the Google Cloud project of these credentials; enable "
            "it with 'gcloud services enable sheets.googleapis.com' (or in the Cloud console) and try again "
            "in a few minutes."
        )
    if account:
        return AccessDenied(
            f"Google refused access to spreadsheet {spreadsheet_id} because it is not shared with {account}; "
            f"share it with {account} (as Editor) and try again."
        )
    return AccessDenied(
        f"Google refused access to spreadsheet {spreadsheet_id} because it is not shared with the Google "
        "account SheetOps signs in as; share it with that account's e-mail (as Editor) and try again."
    )


def _message(reply: Reply) -> str:
    data = reply.data
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        return str(data["error"].get("message") or reply.status)
    return f"HTTP {reply.status}"
