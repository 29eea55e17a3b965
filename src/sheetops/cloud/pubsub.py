"""Publish messages through the Pub/Sub REST API (``topics.publish``), in batches.

``POST {base}/v1/projects/P/topics/T:publish`` with ``{"messages": [{"data": base64,
"attributes": {...}}]}``; Google accepts at most 1,000 messages and 10 MB a call and answers
``{"messageIds": [...]}``. Calls are retried like Sheets calls (429/5xx/connection errors,
bounded back-off), then ``BackendUnavailable``.

Credentials: Application Default Credentials with the Pub/Sub scope only, through
google-auth's ``AuthorizedSession``. When ``SHEETOPS_PUBSUB_API`` names a loopback address
(a test stand-in such as ``sheetops.testing.pubsub_server``), ``SHEETOPS_GOOGLE_TOKEN`` is
sent as the bearer token instead, and never to any other address.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

from ..backends.google_auth import TOKEN_ENV, is_loopback
from ..backends.gsheets_api import RETRY_STATUSES, RetryPolicy
from ..errors import AccessDenied, BackendUnavailable, SheetOpsError
from . import config

PUBSUB_SCOPE = "https://www.googleapis.com/auth/pubsub"
MAX_MESSAGES = 1000
MAX_REQUEST_BYTES = 9_000_000  # Google's limit is 10 MB; keep room for the JSON around it


@dataclass(frozen=True)
class Message:
    """One Pub/Sub message: JSON data and string attributes."""

    data: Mapping[str, Any]
    attributes: Mapping[str, str] = field(default_factory=dict)

    def wire(self) -> dict[str, Any]:
        raw = json.dumps(self.data, separators=(",", ":")).encode("utf-8")
        out: dict[str, Any] = {"data": base64.b64encode(raw).decode("ascii")}
        if self.attributes:
            out["attributes"] = dict(self.attributes)
        return out


def batches(messages: Iterable[Message], *, size: int = MAX_MESSAGES,
            max_bytes: int = MAX_REQUEST_BYTES) -> Iterator[list[dict[str, Any]]]:
    """Wire messages grouped into publish calls of at most ``size`` messages and
    ``max_bytes`` of JSON."""
    batch: list[dict[str, Any]] = []
    used = 0
    for message in messages:
        wire = message.wire()
        cost = len(json.dumps(wire)) + 1
        if batch and (len(batch) >= size or used + cost > max_bytes):
            yield batch
            batch, used = [], 0
        batch.append(wire)
        used += cost
    if batch:
        yield batch


def session(env: config.Env | None = None) -> Any:
    """An HTTP session that carries credentials for Pub/Sub (see the module doc)."""
    import requests

    e = config.environ(env)
    base = config.pubsub_base(e)
    token = (e.get(TOKEN_ENV) or "").strip()
    if token:
        if not is_loopback(base):
            raise AccessDenied(f"{TOKEN_ENV} is only used with a local test server; unset it, or set "
                               f"{config.PUBSUB_API_ENV} to a loopback address.")
        plain = requests.Session()
        plain.headers["Authorization"] = f"Bearer {token}"
        return plain
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError
    from google.auth.transport.requests import AuthorizedSession

    try:
        credentials, _project = google.auth.default(scopes=[PUBSUB_SCOPE])
    except DefaultCredentialsError:
        raise AccessDenied("No Google credentials were found for Pub/Sub; deploy the function with a "
                           "service account, or run 'gcloud auth application-default login'.") from None
    return AuthorizedSession(credentials)  # type: ignore[no-untyped-call]


@dataclass
class Publisher:
    """Publishes to one topic; ``http`` is a ``requests``-like session."""

    http: Any
    topic: str
    base: str = config.GOOGLE_PUBSUB_API
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: float = 30.0

    @property
    def url(self) -> str:
        return f"{self.base.rstrip('/')}/v1/{self.topic}:publish"

    def publish(self, messages: Iterable[Message]) -> list[str]:
        """Publish every message (batched); the message IDs Pub/Sub gave, in order."""
        ids: list[str] = []
        for batch in batches(messages):
            ids += self._call({"messages": batch}, expected=len(batch))
        return ids

    def _call(self, body: dict[str, Any], *, expected: int) -> list[str]:
        waited, attempt = 0.0, 0
        data = json.dumps(body, separators=(",", ":")).encode("utf-8")
        while True:
            attempt += 1
            try:
                reply = self.http.post(self.url, data=data, timeout=self.timeout,
                                       headers={"Content-Type": "application/json"})
                status, failure = reply.status_code, f"Pub/Sub answered {reply.status_code}"
            except OSError as err:
                status, failure = 0, f"the connection failed ({type(err).__name__})"
            if 200 <= status < 300:
                ids = (reply.json() or {}).get("messageIds") or []
                if len(ids) != expected:
                    raise BackendUnavailable(f"Pub/Sub accepted {len(ids)} of {expected} messages; run dispatch again.")
                return [str(i) for i in ids]
            if status and status not in RETRY_STATUSES:
                raise self._refused(status)
            pause = self.retry.delay(attempt)
            if attempt >= self.retry.attempts or waited + pause > self.retry.max_wait:
                raise BackendUnavailable(f"Pub/Sub kept failing ({failure}, {attempt} attempts); "
                                         "the next scheduled dispatch will try again.")
            self.retry.sleep(pause)
            waited += pause

    def _refused(self, status: int) -> SheetOpsError:
        if status in (401, 403):
            return AccessDenied(f"Pub/Sub refused to publish to {self.topic} (HTTP {status}); give the "
                                "function's service account roles/pubsub.publisher on that topic.")
        if status == 404:
            return SheetOpsError(f"There is no Pub/Sub topic {self.topic}; create it or fix "
                                 f"{config.TOPIC_ENV}.")
        return SheetOpsError(f"Pub/Sub rejected the messages for {self.topic} (HTTP {status}).")
