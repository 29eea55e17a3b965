"""The ``dispatch`` door: one Pub/Sub message per registered spreadsheet.

Cloud Scheduler triggers ``dispatch`` (through a Pub/Sub topic) once an hour; it publishes
``{"spreadsheet": "<ID>"}`` for each spreadsheet of ``SHEETOPS_SPREADSHEETS`` (else of
``SHEETOPS_ALLOWED_SPREADSHEETS``) to ``SHEETOPS_REFRESH_TOPIC``, 1,000 messages per publish
call. ``refresh_scheduled`` subscribes to that topic, so Cloud Functions starts as many
instances as the load needs and the sheets refresh in parallel; ``refresh_scheduled``
still refuses any sheet missing from its own allowed list.

The content of the triggering event is ignored. One log line says what was published; a
failure is logged (ERROR) and not raised, so the next hourly run is the retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import SheetOpsError
from . import config
from .logs import log, where
from .pubsub import Message, Publisher, batches, session


@dataclass(frozen=True)
class DispatchResult:
    """What ``dispatch`` did: the spreadsheets, the message IDs, how many calls."""

    spreadsheets: list[str]
    message_ids: list[str]
    calls: int
    error: str | None = None


def refresh_messages(sheet_ids: list[str]) -> list[Message]:
    """The messages that ask ``refresh_scheduled`` to refresh each spreadsheet."""
    return [Message({"spreadsheet": sid}, {"spreadsheet": sid, "origin": "sheetops-dispatch"}) for sid in sheet_ids]


def make_publisher(env: config.Env | None = None) -> Publisher:
    """A ``Publisher`` for the refresh topic, with this environment's endpoint and retries."""
    e = config.environ(env)
    return Publisher(session(e), config.refresh_topic(e), base=config.pubsub_base(e), retry=config.retry_policy(e))


def handle_dispatch(event: Any = None, *, publisher: Publisher | None = None) -> DispatchResult:
    """Publish one refresh message per registered spreadsheet; never raises."""
    sheets: list[str] = []
    try:
        sheets = config.registered_ids()
        messages = refresh_messages(sheets)
        calls = sum(1 for _ in batches(messages))
        if not sheets:
            log("WARNING", f"No spreadsheets to dispatch; set {config.REGISTRY_ENV} or {config.ALLOWED_ENV}.",
                trigger="dispatch", published=0)
            return DispatchResult([], [], 0)
        pub = publisher or make_publisher()
        ids = pub.publish(messages)
    except SheetOpsError as exc:
        log("ERROR", f"Dispatch failed: {exc}", trigger="dispatch", spreadsheets=len(sheets), published=0,
            error=type(exc).__name__)
        return DispatchResult(sheets, [], 0, error=str(exc))
    except Exception as exc:  # a bug: type and place only, never a message that may hold data
        log("ERROR", "Dispatch failed because of an internal error.", trigger="dispatch",
            spreadsheets=len(sheets), published=0, error=type(exc).__name__, where=where(exc))
        return DispatchResult(sheets, [], 0, error=type(exc).__name__)
    log("INFO", f"Dispatched {len(ids)} refreshes to {pub.topic} in {calls} publish calls.", trigger="dispatch",
        topic=pub.topic, spreadsheets=len(sheets), published=len(ids), calls=calls)
    return DispatchResult(sheets, ids, calls)
