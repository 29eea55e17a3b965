"""The ``refresh_http`` door: one POST refreshes one allowed spreadsheet.

Request: ``POST`` with a JSON object ``{"spreadsheet": "<ID or URL>", "as_of"?:
"YYYY-MM-DD", "dry_run"?: true|false}`` (any Content-Type; the body is read as JSON).
Unknown fields are refused with 400, so that a typo such as ``"dryrun"`` never turns a
check into a real refresh. ``null`` for ``as_of``/``dry_run`` means "not given".

When ``SHEETOPS_AUDIENCE`` is set, the caller's Google-signed ID token is verified first
(``caller``): 401 without a valid token for that audience, 403 when its e-mail is not in
``SHEETOPS_ALLOWED_CALLERS``.

With a ``"report"`` field instead (``{"spreadsheet", "report": "weekly" | "qbr"}`` and
``Accept: application/pdf``) it answers the client report as a PDF (:mod:`.report`).

Answers (always JSON, but for a report's PDF): 200 with the ``sheetops run --json`` object; errors as
``{"error": "<one plain sentence>"}``: 400 malformed body or fields, 403 not allowed (checked
before anything touches Google) or access refused by Google, 404 no such spreadsheet, 405
not POST, 409 another refresh is running, 413 body over 64 KiB, 422 not a SheetOps
workbook, 502 Google rejected a change, 503 Google kept failing, 500 anything else (see
``runner`` for the full table). Each request writes one structured log line.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import BadArguments
from . import config
from .caller import check_caller
from .logs import log, severity_for
from .runner import Outcome, Refresher, failed, refresh_sheet

MAX_BODY_BYTES = 64 * 1024
FIELDS = ("spreadsheet", "as_of", "dry_run")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}

Response = tuple[str, int, dict[str, str]]


class HttpRequest(Protocol):
    """What the door needs of a request (a Flask/Werkzeug ``Request`` has all of it)."""

    method: str
    content_length: int | None
    headers: Any

    @property
    def stream(self) -> Any: ...


@dataclass(frozen=True)
class RefreshRequest:
    """A checked request body: which sheet, as of when, and whether to write."""

    spreadsheet: str
    as_of: str | None = None
    dry_run: bool = False


class TooLarge(Exception):
    """The body is over ``MAX_BODY_BYTES``."""


def decode_object(body: bytes, example: str) -> dict[str, Any]:
    """A JSON object from bytes, or ``BadArguments`` showing ``example``."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadArguments(f"The body must be JSON, such as {example}.") from None
    if not isinstance(data, dict):
        raise BadArguments(f"The body must be a JSON object, such as {example}.")
    return data


def parse_options(data: dict[str, Any], fields: tuple[str, ...] = FIELDS) -> tuple[str | None, bool]:
    """Refuse unknown fields; the checked ``as_of`` (or None) and ``dry_run``."""
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise BadArguments(f"Unknown field {', '.join(map(repr, unknown))}; "
                           f"the fields are {', '.join(fields)}.")
    as_of = data.get("as_of")
    if as_of is not None:
        if not isinstance(as_of, str) or not _DATE.match(as_of.strip()):
            raise BadArguments("'as_of' must be a date written YYYY-MM-DD, for example \"2026-11-18\".")
        try:
            dt.date.fromisoformat(as_of.strip())
        except ValueError:
            raise BadArguments(f"'as_of' {as_of} is not a real date; write it as YYYY-MM-DD.") from None
        as_of = as_of.strip()
    dry_run = data.get("dry_run")
    if dry_run is not None and not isinstance(dry_run, bool):
        raise BadArguments("'dry_run' must be true or false (without quotes).")
    return as_of, bool(dry_run)


def parse_body(body: bytes) -> RefreshRequest:
    """Check a request body; raise ``BadArguments`` with a sentence saying what is wrong.

    >>> parse_body(b'{"spreadsheet": "gsheet:1AbC", "dry_run": true}')
    RefreshRequest(spreadsheet='1AbC', as_of=None, dry_run=True)
    """
    data = decode_object(body, '{"spreadsheet": "<ID or URL>"}')
    as_of, dry_run = parse_options(data)
    sheet = data.get("spreadsheet")
    if not isinstance(sheet, str) or not sheet.strip():
        raise BadArguments("'spreadsheet' is required: the ID or URL of the Google Sheet to refresh.")
    return RefreshRequest(config.sheet_id_of(sheet), as_of, dry_run)


def read_body(request: HttpRequest, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, refusing more than ``limit`` bytes whether or not Content-Length says so."""
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge()
    chunks: list[bytes] = []
    size = 0
    while size <= limit:  # a stream may answer a read with fewer bytes than asked
        chunk = request.stream.read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise TooLarge()
    return b"".join(chunks)


def answer(status: int, body: dict[str, Any], **headers: str) -> Response:
    return json.dumps(body, ensure_ascii=False), status, {**JSON_HEADERS, **headers}


def _refusal(status: int, message: str, **headers: str) -> Response:
    log(severity_for(status), message, trigger="http", status=status, result="refused")
    return answer(status, {"error": message}, **headers)


def _report_request(body: bytes) -> dict[str, Any] | None:
    """The body as a JSON object when it asks for a report, else None (a refresh)."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) and "report" in data else None


def handle_http(request: HttpRequest, *, refresher: Refresher | None = None) -> Response:
    """Answer one ``refresh_http`` request: ``(JSON text, status, headers)``."""
    if request.method != "POST":
        return _refusal(405, "Use POST with a JSON body such as {\"spreadsheet\": \"<ID or URL>\"}.", Allow="POST")
    refused = check_caller(getattr(request, "headers", None))
    if refused is not None:  # only when SHEETOPS_AUDIENCE is set: see caller.py
        extra = {"WWW-Authenticate": 'Bearer realm="sheetops"'} if refused.status == 401 else {}
        return _refusal(refused.status, refused.message, **extra)
    try:
        body = read_body(request)
        report = _report_request(body)
        if report is not None:  # {"spreadsheet", "report"}: the report as a PDF (cloud/report.py)
            from .report import report_answer

            return report_answer(report, getattr(request, "headers", {}).get("Accept"))  # type: ignore[return-value]
        parsed = parse_body(body)
    except TooLarge:
        return _refusal(413, f"The body is larger than {MAX_BODY_BYTES // 1024} KiB; send only the "
                             "spreadsheet, as_of and dry_run fields.")
    except BadArguments as exc:
        return _refusal(400, str(exc))
    except Exception as exc:  # e.g. the client hung up mid-body
        outcome: Outcome = failed("", exc)
        outcome.log_line("http")
        return answer(outcome.status, outcome.body)
    outcome = refresh_sheet(parsed.spreadsheet, as_of=parsed.as_of, dry_run=parsed.dry_run, trigger="http",
                            refresher=refresher)
    outcome.log_line("http")
    extra = {"Retry-After": "60"} if outcome.status in (409, 503) else {}
    return answer(outcome.status, outcome.body, **extra)
