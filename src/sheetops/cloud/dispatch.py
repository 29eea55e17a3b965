"""The ``dispatch`` door: each minute, the refreshes whose turn it is, one Pub/Sub message each.

Cloud Scheduler triggers ``dispatch`` (through a Pub/Sub topic) every minute. It takes the
spreadsheets of ``SHEETOPS_SPREADSHEETS`` (else of ``SHEETOPS_ALLOWED_SPREADSHEETS``), gives
each a turn in the hour that keeps the functions' service account within its per-minute
Sheets quota (``pacing``: by default 24 sheets a minute, 2.5 s apart, 1,440 an hour), and
publishes ``{"spreadsheet": "<ID>", "not_before": "<time>"}`` for those whose turn falls in
this minute to ``SHEETOPS_REFRESH_TOPIC`` (1,000 messages per publish call).
``refresh_scheduled`` subscribes to that topic, waits for the turn, and refreshes; it still
refuses any sheet missing from its own allowed list.

The minute is the event's ``time`` (when Cloud Scheduler fired), else now. One log line says
what was published and the capacity; more sheets than one account can refresh in an hour
take turns across hours, with a WARNING naming the ways past it (docs/google-sheets.md). A
failure is logged (ERROR) and not raised, so the next run is the retry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..errors import SheetOpsError
from . import config
from .logs import log, where
from .pacing import Capacity, Quota, Turn, capacity, plan_minute
from .pubsub import Message, Publisher, batches, session


@dataclass(frozen=True)
class DispatchResult:
    """What ``dispatch`` did: the spreadsheets, the message IDs, how many calls."""

    spreadsheets: list[str]
    message_ids: list[str]
    calls: int
    error: str | None = None
    capacity: Capacity | None = None


def refresh_messages(turns: list[Turn]) -> list[Message]:
    """The messages that ask ``refresh_scheduled`` to refresh each spreadsheet at its turn."""
    return [Message({"spreadsheet": t.spreadsheet, "not_before": _iso(t.not_before)},
                    {"spreadsheet": t.spreadsheet, "origin": "sheetops-dispatch"}) for t in turns]


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def event_time(event: Any) -> dt.datetime:
    """When the scheduler fired (the CloudEvent's ``time``), else now; UTC."""
    try:
        raw = event["time"] if event is not None else None
    except (KeyError, TypeError):
        raw = None
    if raw:
        try:
            when = dt.datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
            return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
        except ValueError:
            pass
    return dt.datetime.now(dt.timezone.utc)


def make_publisher(env: config.Env | None = None) -> Publisher:
    """A ``Publisher`` for the refresh topic, with this environment's endpoint and retries."""
    e = config.environ(env)
    return Publisher(session(e), config.refresh_topic(e), base=config.pubsub_base(e), retry=config.retry_policy(e))


def handle_dispatch(event: Any = None, *, publisher: Publisher | None = None) -> DispatchResult:
    """Publish a refresh message for each registered spreadsheet whose turn falls in the
    minute of ``event`` (see the module doc); never raises."""
    sheets: list[str] = []
    cap: Capacity | None = None
    try:
        sheets = config.registered_ids()
        cap = capacity(Quota(*config.quota_per_minute()))
        plan = plan_minute(sheets, event_time(event), cap)
        sheets = [t.spreadsheet for t in plan.turns]
        messages = refresh_messages(plan.turns)
        calls = sum(1 for _ in batches(messages))
        if not plan.registered:
            log("WARNING", f"No spreadsheets to dispatch; set {config.REGISTRY_ENV} or {config.ALLOWED_ENV}.",
                trigger="dispatch", published=0)
            return DispatchResult([], [], 0, capacity=cap)
        if plan.this_hour < plan.registered and plan.minute == 0:
            log("WARNING", f"{plan.registered:,} spreadsheets are more than {cap.sentence()}; each hour refreshes "
                f"{plan.this_hour:,} of them in turn. To refresh them all every hour, split them across more "
                "service accounts (one deployment each, e.g. one per client project) or ask Google for a higher "
                "Sheets quota and set SHEETOPS_QUOTA_READS_PER_MINUTE / SHEETOPS_QUOTA_WRITES_PER_MINUTE.",
                trigger="dispatch", registered=plan.registered, this_hour=plan.this_hour,
                per_minute=cap.per_minute, per_hour=cap.per_hour)
        ids = (publisher or make_publisher()).publish(messages) if messages else []
        topic = publisher.topic if publisher else (config.refresh_topic() if messages else "")
    except SheetOpsError as exc:
        log("ERROR", f"Dispatch failed: {exc}", trigger="dispatch", spreadsheets=len(sheets), published=0,
            error=type(exc).__name__)
        return DispatchResult(sheets, [], 0, error=str(exc), capacity=cap)
    except Exception as exc:  # a bug: type and place only, never a message that may hold data
        log("ERROR", "Dispatch failed because of an internal error.", trigger="dispatch",
            spreadsheets=len(sheets), published=0, error=type(exc).__name__, where=where(exc))
        return DispatchResult(sheets, [], 0, error=type(exc).__name__, capacity=cap)
    log("INFO", f"Dispatched {len(ids)} refreshes for minute {plan.minute} of the hour"
        + (f" to {topic} in {calls} publish calls" if ids else "")
        + f"; {plan.registered:,} spreadsheets registered, {cap.sentence()}.", trigger="dispatch",
        topic=topic, spreadsheets=len(sheets), published=len(ids), calls=calls if ids else 0,
        registered=plan.registered, minute=plan.minute, per_minute=cap.per_minute, per_hour=cap.per_hour)
    return DispatchResult(sheets, ids, calls if ids else 0, capacity=cap)
