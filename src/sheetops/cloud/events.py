"""The ``refresh_scheduled`` door: a Pub/Sub message refreshes one or more spreadsheets.

Cloud Scheduler publishes a message on a topic; Eventarc delivers it as a CloudEvent of
type ``google.cloud.pubsub.topic.v1.messagePublished`` whose data is
``{"message": {"data": "<base64>", "attributes": {...}, "messageId": ...}, "subscription": ...}``.
The decoded message data is JSON: ``{"spreadsheet": "<ID or URL>"}`` or
``{"spreadsheets": ["<ID or URL>", ...]}``, optionally with ``as_of`` and ``dry_run`` as in
``refresh_http``, and ``not_before`` (an ISO time, UTC): ``dispatch`` gives each sheet its
turn within the minute so that one service account stays within its per-minute quota
(``pacing``); the function waits until then (at most ``MAX_TURN_WAIT`` seconds).

The spreadsheets are refreshed one after another; one that fails does not stop the others.
Each writes one structured log line (see ``runner.Outcome.log_line``). The function never
raises for a failed sheet or a malformed message: Pub/Sub would only deliver the same
message again, and the next scheduled run is the retry.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import time
from dataclasses import dataclass
from typing import Any, Callable

from ..errors import BadArguments
from . import config
from .http import decode_object, parse_options
from .logs import log
from .runner import Outcome, Refresher, failed, refresh_sheet


@dataclass(frozen=True)
class ScheduledBatch:
    """The spreadsheets one message asks for (as written, in order, without repeats) and
    the options shared by all of them."""

    spreadsheets: list[str]
    as_of: str | None = None
    dry_run: bool = False
    not_before: dt.datetime | None = None


MAX_TURN_WAIT = 75.0
"""A turn is within the minute its message was published in; never wait longer than this."""


def event_data(data: Any) -> bytes:
    """The Pub/Sub message payload (decoded from base64) inside a CloudEvent's data."""
    if isinstance(data, (bytes, bytearray)):
        data = bytes(data).decode("utf-8", "replace")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            raise BadArguments("The event is not a Pub/Sub message (its data is not JSON).") from None
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict) or not isinstance(message.get("data"), str):
        raise BadArguments("The event is not a Pub/Sub message with data; publish JSON such as "
                           '{"spreadsheets": ["<ID>"]}.')
    try:
        return base64.b64decode(message["data"], validate=True)
    except (binascii.Error, ValueError):
        raise BadArguments("The Pub/Sub message data is not base64; publish JSON such as "
                           '{"spreadsheets": ["<ID>"]}.') from None


def parse_message(payload: bytes) -> ScheduledBatch:
    """Check a decoded message: ``{"spreadsheet": X}`` or ``{"spreadsheets": [X, ...]}``."""
    data = decode_object(payload, '{"spreadsheets": ["<ID>"]}')
    as_of, dry_run = parse_options(data, ("spreadsheet", "spreadsheets", "as_of", "dry_run", "not_before"))
    not_before = None
    if data.get("not_before") is not None:
        try:
            not_before = dt.datetime.fromisoformat(str(data["not_before"]).replace("Z", "+00:00"))
        except ValueError:
            raise BadArguments("'not_before' must be a time such as 2026-11-18T09:00:02.5Z.") from None
        if not_before.tzinfo is None:
            not_before = not_before.replace(tzinfo=dt.timezone.utc)
    one, many = data.get("spreadsheet"), data.get("spreadsheets")
    if (one is None) == (many is None):
        raise BadArguments("Give 'spreadsheet' (one ID or URL) or 'spreadsheets' (a list), exactly one of them.")
    if many is None:
        many = [one]
    if not isinstance(many, list) or not many or not all(isinstance(s, str) for s in many):
        raise BadArguments("'spreadsheets' must be a non-empty list of spreadsheet IDs or URLs.")
    return ScheduledBatch(list(dict.fromkeys(s.strip() for s in many)), as_of, dry_run, not_before)


def wait_for_turn(not_before: dt.datetime | None, *, now: Callable[[], dt.datetime] | None = None,
                  sleep: Callable[[float], None] = time.sleep) -> float:
    """Sleep until ``not_before`` (at most ``MAX_TURN_WAIT`` seconds); the seconds slept."""
    if not_before is None:
        return 0.0
    current = (now or (lambda: dt.datetime.now(dt.timezone.utc)))()
    wait = min(MAX_TURN_WAIT, (not_before - current).total_seconds())
    if wait <= 0:
        return 0.0
    sleep(wait)
    return wait


def handle_scheduled(event: Any, *, refresher: Refresher | None = None) -> list[Outcome]:
    """Refresh every spreadsheet a Pub/Sub CloudEvent names; one log line each."""
    deadline = time.monotonic() + config.time_budget()
    event_id = _attribute(event, "id")
    try:
        batch = parse_message(event_data(getattr(event, "data", None)))
    except BadArguments as exc:
        log("ERROR", f"Ignored a scheduled message: {exc}", trigger="schedule", result="refused", event=event_id)
        return []
    wait_for_turn(batch.not_before)
    outcomes = []
    for named in batch.spreadsheets:
        try:
            sheet = config.sheet_id_of(named)
        except BadArguments as exc:  # this entry fails; the others still run
            outcome = failed(named[:120], exc)
        else:
            outcome = refresh_sheet(sheet, as_of=batch.as_of, dry_run=batch.dry_run, trigger="schedule",
                                    refresher=refresher, deadline=deadline)
        outcome.log_line("schedule")
        outcomes.append(outcome)
    return outcomes


def _attribute(event: Any, name: str) -> str | None:
    try:
        value = event[name]
    except (KeyError, TypeError):
        return None
    return str(value) if value is not None else None
