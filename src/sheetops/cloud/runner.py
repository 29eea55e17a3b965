"""Refresh one allowed spreadsheet for a cloud function, and say how it went.

Every function calls ``refresh_sheet``; it opens the sheet with this thread's Google client
(made on first use, with Application Default Credentials, or the loopback test server and
token) and the retry policy of the environment, runs ``sheetops.refresh`` and turns the
answer, or the ``SheetOpsError`` that stopped it, into an ``Outcome``: an HTTP status, a
JSON body and one structured log line.

| What stopped the run            | HTTP | why                                             |
|---------------------------------|------|-------------------------------------------------|
| (nothing: result ok or errors)  | 200  | the run finished; Error rows are in Issues      |
| BadArguments                    | 400  | the request makes no sense                      |
| not in the allowed list         | 403  | refused before anything touches Google          |
| AccessDenied                    | 403  | Google refused: share the sheet with the account|
| WorkbookNotFound                | 404  | no such spreadsheet (or not shared at all)      |
| RefreshRunning                  | 409  | another refresh holds the lock; try later       |
| NotASheetOpsWorkbook            | 422  | the sheet exists but lacks a required tab       |
| RequestRejected (Google 400)    | 502  | Google refused a change; nothing was applied    |
| BackendUnavailable              | 503  | Google kept failing after retries; try later    |
| any other SheetOpsError         | 500  | its plain sentence                              |
| any other exception             | 500  | a fixed sentence; type and place in the log     |
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from ..backends.google_auth import API_ENV, TOKEN_ENV
from ..backends.gsheets_api import RequestRejected
from ..errors import (
    AccessDenied,
    BackendUnavailable,
    BadArguments,
    NotASheetOpsWorkbook,
    RefreshRunning,
    SheetOpsError,
    WorkbookNotFound,
)
from ..refresh import RunResult, Trigger
from . import config
from .logs import log, severity_for, where

STATUS: list[tuple[type[SheetOpsError], int]] = [
    (BadArguments, 400),
    (AccessDenied, 403),
    (WorkbookNotFound, 404),
    (RefreshRunning, 409),
    (NotASheetOpsWorkbook, 422),
    (RequestRejected, 502),
    (BackendUnavailable, 503),
]
INTERNAL = (
    "SheetOps stopped because of an internal error; nothing more was written. "
    "Try again, and if it happens again, report it with the time of this run."
)


class NotAllowed(SheetOpsError):
    """The spreadsheet is not in ``SHEETOPS_ALLOWED_SPREADSHEETS``."""


def status_of(exc: BaseException) -> int:
    """The HTTP status for an exception that stopped a run (see the module table)."""
    if isinstance(exc, NotAllowed):
        return 403
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return status
    return 500


@dataclass
class Outcome:
    """How one refresh went: what the HTTP door answers and what the log line says."""

    spreadsheet: str
    status: int
    body: dict[str, Any]
    result: RunResult | None = None
    seconds: float = 0.0
    error_kind: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def log_line(self, trigger: str) -> dict[str, Any]:
        """Write and return the one structured log line of this refresh."""
        if self.result is not None:
            r = self.result.to_json()
            severity = "WARNING" if self.result.result == "errors" else "INFO"
            verb = "Checked (dry run)" if self.result.dry_run else "Refreshed"
            message = (f"{verb} {self.spreadsheet}: {r['result']}, {r['issues']['error']} errors, "
                       f"{r['issues']['warning']} warnings, {r['payouts']['draft']} payouts ready "
                       f"({r['payouts']['draft_total']}) in {r['seconds']:.1f} s. {self.result.summary()}")
            return log(severity, message, spreadsheet=self.spreadsheet, trigger=trigger, status=self.status,
                       result=r["result"], as_of=r["as_of"], dry_run=r["dry_run"], seconds=r["seconds"],
                       issues=r["issues"], payouts=r["payouts"], rows=r["rows"], not_paid=r["not_paid"])
        return log(severity_for(self.status), str(self.body.get("error", "")), spreadsheet=self.spreadsheet,
                   trigger=trigger, status=self.status, result="failed", error=self.error_kind,
                   seconds=round(self.seconds, 3), **self.detail)


def failed(spreadsheet: str, exc: BaseException, *, seconds: float = 0.0) -> Outcome:
    """The outcome of a run that an exception stopped (its sentence, or a fixed one)."""
    status = status_of(exc)
    if isinstance(exc, SheetOpsError):
        return Outcome(spreadsheet, status, {"error": str(exc)}, seconds=seconds, error_kind=type(exc).__name__)
    return Outcome(spreadsheet, 500, {"error": INTERNAL}, seconds=seconds, error_kind=type(exc).__name__,
                   detail={"where": where(exc)})


def check_allowed(sheet_id: str, env: config.Env | None = None) -> None:
    """Raise ``NotAllowed`` unless ``sheet_id`` is in ``SHEETOPS_ALLOWED_SPREADSHEETS``."""
    if sheet_id not in config.allowed_ids(env):
        raise NotAllowed(
            f"Spreadsheet {sheet_id} is not one this function may refresh; add its ID to "
            f"{config.ALLOWED_ENV} (comma-separated) and deploy again."
        )


# -- Google clients, one per thread, made on first use --------------------------------
_clients = threading.local()


def _client() -> tuple[Any, str | None]:
    """This thread's gspread client and service account e-mail (made once per thread and
    per endpoint/token, so credentials load once, not on every request)."""
    import os

    from ..backends.google_auth import authorized_client

    key = (os.environ.get(API_ENV, ""), os.environ.get(TOKEN_ENV, ""))
    cached = getattr(_clients, "value", None)
    if cached is None or cached[0] != key:
        _clients.value = (key, authorized_client())
    return _clients.value[1]  # type: ignore[no-any-return]


def open_sheet(sheet_id: str, *, deadline: float | None = None) -> Any:
    """A ``GoogleSheetsWorkbook`` for ``sheet_id`` with the environment's retry policy; waits
    for a quota window end by ``deadline`` (default: the function's time budget from now)."""
    from ..backends.gsheets import GoogleSheetsWorkbook

    if deadline is None:
        deadline = time.monotonic() + config.time_budget()
    client, account = _client()
    return GoogleSheetsWorkbook(client, sheet_id, account=account, retry=config.retry_policy(deadline=deadline))


Refresher = Callable[..., RunResult]


def refresh_sheet(
    sheet_id: str,
    *,
    as_of: str | None = None,
    dry_run: bool = False,
    trigger: Trigger,
    refresher: Refresher | None = None,
    deadline: float | None = None,
) -> Outcome:
    """Refresh an allowed spreadsheet and return its ``Outcome`` (never raises).

    ``deadline`` (``time.monotonic()``) bounds waits for quota windows: when the function
    started plus its time budget. ``refresher`` replaces ``sheetops.refresh`` in tests of
    the error paths."""
    started = time.perf_counter()
    try:
        check_allowed(sheet_id)
        if refresher is None:
            from ..refresh import refresh

            result = refresh(open_sheet(sheet_id, deadline=deadline), as_of=as_of, dry_run=dry_run, trigger=trigger)
        else:
            result = refresher(sheet_id, as_of=as_of, dry_run=dry_run, trigger=trigger)
    except Exception as exc:  # every failure becomes an answer and a log line
        return failed(sheet_id, exc, seconds=time.perf_counter() - started)
    return Outcome(sheet_id, 200, result.to_json(), result=result, seconds=result.seconds)
