"""What the cloud functions read from their environment, and how a spreadsheet is named.

Environment variables (all optional except where said):

- ``SHEETOPS_ALLOWED_SPREADSHEETS``: comma-separated spreadsheet IDs (or URLs) the functions
  may refresh. Unset or empty means none: every function refuses every spreadsheet.
- ``SHEETOPS_SPREADSHEETS``: the spreadsheets ``dispatch`` publishes, comma-separated;
  unset means every allowed spreadsheet.
- ``SHEETOPS_REFRESH_TOPIC``: where ``dispatch`` publishes, ``projects/P/topics/T`` (or
  ``T`` with ``GOOGLE_CLOUD_PROJECT`` set).
- ``SHEETOPS_PUBSUB_API``: the Pub/Sub REST base URL (tests: a loopback stand-in).
- ``SHEETOPS_RETRY_ATTEMPTS`` / ``SHEETOPS_RETRY_BASE_SECONDS`` /
  ``SHEETOPS_RETRY_MAX_WAIT_SECONDS``: how long Google calls are retried (default 5
  attempts, 1 s doubling, at most 60 s of waiting in total); the base also scales the waits
  after a 429 (5 x base, doubling up to a minute).
- ``SHEETOPS_FUNCTION_TIMEOUT_SECONDS``: the function's timeout as deployed (default 540);
  waits for a quota window (429) end ``TIMEOUT_MARGIN`` seconds before it.
- ``SHEETOPS_QUOTA_READS_PER_MINUTE`` / ``SHEETOPS_QUOTA_WRITES_PER_MINUTE``: the Sheets API
  quota per minute per user of the functions' service account (default Google's 60 and
  60; raise them after Google grants an increase): ``dispatch`` paces refreshes by them.

Everything here is pure: it reads a mapping, never the network.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from ..backends import spreadsheet_id
from ..backends.gsheets_api import RetryPolicy
from ..errors import BadArguments, SheetOpsError

ALLOWED_ENV = "SHEETOPS_ALLOWED_SPREADSHEETS"
REGISTRY_ENV = "SHEETOPS_SPREADSHEETS"
TOPIC_ENV = "SHEETOPS_REFRESH_TOPIC"
PUBSUB_API_ENV = "SHEETOPS_PUBSUB_API"
PROJECT_ENV = "GOOGLE_CLOUD_PROJECT"
GOOGLE_PUBSUB_API = "https://pubsub.googleapis.com"

_BARE_ID = re.compile(r"^[A-Za-z0-9_-]{1,200}$")
_TOPIC = re.compile(r"^projects/[a-z][a-z0-9-]{0,61}[a-z0-9]?/topics/[A-Za-z][A-Za-z0-9._~%+-]{2,254}$")

Env = Mapping[str, str]


class Misconfigured(SheetOpsError):
    """An environment variable of the function is not usable (a deployment mistake)."""


def environ(env: Env | None) -> Env:
    return os.environ if env is None else env


def sheet_id_of(text: str) -> str:
    """The spreadsheet ID in a bare ID, ``gsheet:<ID>`` or a Google Sheets URL.

    >>> sheet_id_of("https://docs.google.com/spreadsheets/d/1AbC_d-9/edit#gid=0")
    '1AbC_d-9'
    """
    text = text.strip()
    found = spreadsheet_id(text) or (text if _BARE_ID.match(text) else None)
    if not found or not _BARE_ID.match(found):
        raise BadArguments(
            "'spreadsheet' must be a Google Sheets ID or URL, such as "
            "https://docs.google.com/spreadsheets/d/<ID>/edit."
        )
    return found


def id_list(text: str | None) -> list[str]:
    """Comma- (or space-) separated IDs or URLs -> IDs, in order, without repeats."""
    out: dict[str, None] = {}
    for part in re.split(r"[,\s]+", text or ""):
        if part:
            out[sheet_id_of(part)] = None
    return list(out)


def allowed_ids(env: Env | None = None) -> frozenset[str]:
    """The spreadsheets the functions may refresh (empty when unset: none)."""
    try:
        return frozenset(id_list(environ(env).get(ALLOWED_ENV)))
    except BadArguments:
        raise Misconfigured(f"{ALLOWED_ENV} must list spreadsheet IDs separated by commas.") from None


def registered_ids(env: Env | None = None) -> list[str]:
    """What ``dispatch`` publishes: ``SHEETOPS_SPREADSHEETS``, else every allowed ID."""
    e = environ(env)
    if (e.get(REGISTRY_ENV) or "").strip():
        try:
            return id_list(e.get(REGISTRY_ENV))
        except BadArguments:
            raise Misconfigured(f"{REGISTRY_ENV} must list spreadsheet IDs separated by commas.") from None
    return sorted(allowed_ids(e))


def refresh_topic(env: Env | None = None) -> str:
    """The full topic name ``projects/P/topics/T`` that ``dispatch`` publishes to."""
    e = environ(env)
    topic = (e.get(TOPIC_ENV) or "").strip()
    if topic and "/" not in topic and (e.get(PROJECT_ENV) or "").strip():
        topic = f"projects/{e[PROJECT_ENV].strip()}/topics/{topic}"
    if not _TOPIC.match(topic):
        raise Misconfigured(
            f"Set {TOPIC_ENV} to the refresh topic, such as projects/my-project/topics/sheetops-refresh."
        )
    return topic


def pubsub_base(env: Env | None = None) -> str:
    base = (environ(env).get(PUBSUB_API_ENV) or "").strip().rstrip("/")
    return base or GOOGLE_PUBSUB_API


TIMEOUT_ENV = "SHEETOPS_FUNCTION_TIMEOUT_SECONDS"
DEFAULT_TIMEOUT = 540.0
TIMEOUT_MARGIN = 90.0
"""Seconds kept, after the last wait for a quota window, for reading, computing and writing."""


def _number(e: Env, name: str, fallback: float) -> float:
    raw = (e.get(name) or "").strip()
    if not raw:
        return fallback
    try:
        value = float(raw)
    except ValueError:
        raise Misconfigured(f"{name} must be a number of seconds, attempts or requests, not {raw!r}.") from None
    if value < 0:
        raise Misconfigured(f"{name} must not be negative.")
    return value


def time_budget(env: Env | None = None) -> float:
    """Seconds a function may spend waiting for quota windows: its timeout minus a margin."""
    return max(0.0, _number(environ(env), TIMEOUT_ENV, DEFAULT_TIMEOUT) - TIMEOUT_MARGIN)


def retry_policy(env: Env | None = None, *, deadline: float | None = None) -> RetryPolicy:
    """How Google calls are retried, from the ``SHEETOPS_RETRY_*`` variables; 429s wait for
    the next quota window until ``deadline`` (a ``time.monotonic()`` value) at the latest."""
    e = environ(env)
    default = RetryPolicy()
    base = _number(e, "SHEETOPS_RETRY_BASE_SECONDS", default.base)
    return RetryPolicy(
        attempts=max(1, int(_number(e, "SHEETOPS_RETRY_ATTEMPTS", default.attempts))),
        base=base,
        cap=base * 16,
        max_wait=_number(e, "SHEETOPS_RETRY_MAX_WAIT_SECONDS", default.max_wait),
        quota_base=base * 5,
        quota_window=min(60.0, base * 60),
        quota_max_wait=time_budget(e),
        deadline=deadline,
    )


def quota_per_minute(env: Env | None = None) -> tuple[int, int]:
    """Read and write requests per minute per user the functions' account may make (Google's
    default 60 and 60, unless an increase was granted and set)."""
    e = environ(env)
    reads = int(_number(e, "SHEETOPS_QUOTA_READS_PER_MINUTE", 60))
    writes = int(_number(e, "SHEETOPS_QUOTA_WRITES_PER_MINUTE", 60))
    if reads < 1 or writes < 1:
        raise Misconfigured("SHEETOPS_QUOTA_READS_PER_MINUTE and SHEETOPS_QUOTA_WRITES_PER_MINUTE must be 1 or more.")
    return reads, writes
