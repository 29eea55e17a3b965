"""The ``addon`` door: one POST from Google, one card back.

1. Anything but POST: 405, empty. A request without Google's system ID token for this
   add-on (``auth.is_google``): 401, empty body (``WWW-Authenticate: Bearer``), so nothing
   tells a stranger what is wrong.
2. The event is parsed (``events``), acted on as the user (``actions``), and answered with
   200 and the JSON of a card (``cards``). Every failure is a card with one plain sentence,
   never a traceback.
3. One structured log line per request (``cloud.logs``): the action, the spreadsheet, the
   result; never a token.
"""

from __future__ import annotations

import json
import time
from typing import Any

from ..cloud.logs import log, where
from .actions import Answer, failure_answer, run
from .auth import is_google
from .events import AddonEvent, parse_event

MAX_BODY_BYTES = 256 * 1024
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}

Response = tuple[str, int, dict[str, str]]


def _body(request: Any) -> bytes:
    data = request.stream.read(MAX_BODY_BYTES + 1)
    if len(data) > MAX_BODY_BYTES:
        from ..errors import BadArguments

        raise BadArguments("The add-on received an event larger than it accepts.")
    return bytes(data)


def handle_addon(request: Any) -> Response:
    """Answer one add-on request: ``(JSON text, status, headers)``."""
    if request.method != "POST":
        return "", 405, {"Allow": "POST"}
    if not is_google(getattr(request, "headers", None)):
        log("WARNING", "Refused an add-on request without Google's ID token.", trigger="addon", status=401,
            result="refused")
        return "", 401, {"WWW-Authenticate": "Bearer"}
    started = time.perf_counter()
    event: AddonEvent | None = None
    try:
        event = parse_event(_body(request))
        answer = run(event)
    except Exception as exc:  # every failure is a card with one sentence
        answer = Answer(failure_answer(event, exc), "failed", {"error": type(exc).__name__})
        if not hasattr(exc, "exit_code"):  # not a SheetOpsError: say where, never the message
            answer.detail["where"] = where(exc)
    severity = "ERROR" if answer.result == "failed" and "where" in answer.detail else (
        "WARNING" if answer.result in ("failed", "errors") else "INFO")
    fields = {**answer.detail, "trigger": "addon", "status": 200, "result": answer.result,
              "spreadsheet": event.spreadsheet_id if event else None, "action": event.action if event else None,
              "seconds": round(time.perf_counter() - started, 3)}
    log(severity, f"Add-on {event.action if event else 'event'}: {answer.result}", **fields)
    return json.dumps(answer.body, ensure_ascii=False), 200, dict(JSON_HEADERS)
