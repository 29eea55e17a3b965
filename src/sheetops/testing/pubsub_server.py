"""A local stand-in for the Pub/Sub REST API's ``topics.publish``, for tests.

It checks what Google checks of a publish call and records what was published::

    with PubSubServer(token="t0k3n") as pubsub:
        pubsub.create_topic("projects/demo/topics/sheetops-refresh")
        ...  # point SHEETOPS_PUBSUB_API at pubsub.url and publish
        pubsub.published("projects/demo/topics/sheetops-refresh")  # decoded messages

``POST /v1/projects/P/topics/T:publish`` with ``{"messages": [{"data": base64,
"attributes": {...}}]}`` answers ``{"messageIds": [...]}``. Refused like Google: a missing
or wrong bearer token (401), an unknown topic (404), a body that is not JSON, no messages,
more than 1,000 messages, a body over 10 MB, data that is not base64, a message with
neither data nor attributes, attributes that are not strings (400). ``fail(503, times=2)``
plans failures. ``push(topic, url)`` delivers each published message to ``url`` as Eventarc
does (a binary-mode CloudEvent of type ``google.cloud.pubsub.topic.v1.messagePublished``),
from a background thread, after answering the publish call.

From a shell: ``python -m sheetops.testing.pubsub_server --port 8085 --topic
projects/demo/topics/sheetops-refresh [--push-to http://127.0.0.1:8081]``.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime as dt
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .background import BackgroundServer

MAX_MESSAGES = 1000
MAX_BODY_BYTES = 10_000_000
_PUBLISH = re.compile(r"^/v1/(projects/[^/]+/topics/[^/:]+):publish$")
EVENT_TYPE = "google.cloud.pubsub.topic.v1.messagePublished"


@dataclass
class Published:
    """One message as Pub/Sub stored it."""

    topic: str
    message_id: str
    data: bytes
    attributes: dict[str, str]
    publish_time: str

    def json(self) -> Any:
        """The data decoded as JSON."""
        return json.loads(self.data.decode("utf-8"))


@dataclass
class Delivery:
    """One push of a message to a subscriber URL, and what it answered."""

    message_id: str
    url: str
    status: int | None = None
    error: str | None = None


class _Rejected(Exception):
    def __init__(self, code: int, status: str, message: str) -> None:
        super().__init__(message)
        self.code, self.status, self.message = code, status, message

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


@dataclass
class _State:
    topics: set[str] = field(default_factory=set)
    messages: list[Published] = field(default_factory=list)
    calls: list[tuple[str, int]] = field(default_factory=list)  # (topic, messages in the call)
    failures: list[int] = field(default_factory=list)
    pushes: dict[str, str] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)


class PubSubServer(BackgroundServer):
    """The stand-in: ``start()``/``stop()`` or ``with PubSubServer() as s``.

    ``token=None`` accepts any request; otherwise ``Authorization: Bearer <token>`` is required."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", *, token: str | None = None) -> None:
        self.host, self.port, self.token = host, port, token
        self.state = _State()
        self.lock = threading.Lock()
        self._ids = itertools.count(1)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._workers: list[threading.Thread] = []

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> PubSubServer:
        owner = self

        class Handler(_Handler):
            server_owner = owner

        httpd = ThreadingHTTPServer((self.host, self.port), Handler)
        httpd.daemon_threads = True
        self._serve(httpd, "pubsub-server")
        return self

    # -- set-up and inspection -------------------------------------------------------------
    def create_topic(self, topic: str) -> str:
        with self.lock:
            self.state.topics.add(topic)
        return topic

    def fail(self, status: int, *, times: int = 1) -> None:
        """Answer the next ``times`` publish calls with ``status`` (e.g. 503)."""
        with self.lock:
            self.state.failures += [status] * times

    def push(self, topic: str, url: str) -> None:
        """Deliver every message later published on ``topic`` to ``url`` as a CloudEvent."""
        with self.lock:
            self.state.pushes[topic] = url

    def published(self, topic: str | None = None) -> list[Published]:
        with self.lock:
            return [m for m in self.state.messages if topic is None or m.topic == topic]

    def calls(self) -> list[tuple[str, int]]:
        """Each accepted publish call: (topic, number of messages)."""
        with self.lock:
            return list(self.state.calls)

    def deliveries(self) -> list[Delivery]:
        with self.lock:
            return list(self.state.deliveries)

    def wait_for_deliveries(self, timeout: float = 30.0) -> list[Delivery]:
        """Wait until every push started so far has been answered."""
        for worker in list(self._workers):
            worker.join(timeout)
        return self.deliveries()

    # -- the API ---------------------------------------------------------------------------
    def publish(self, path: str, authorization: str | None, body: bytes) -> dict[str, Any]:
        """Check and record one publish call (the handler's logic, callable directly)."""
        if self.token is not None and authorization != f"Bearer {self.token}":
            raise _Rejected(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
        found = _PUBLISH.match(path)
        if not found:
            raise _Rejected(404, "NOT_FOUND", f"No API method at {path}.")
        topic = found.group(1)
        with self.lock:
            if self.state.failures:
                code = self.state.failures.pop(0)
                raise _Rejected(code, "UNAVAILABLE", "The service was unable to fulfill your request.")
            if topic not in self.state.topics:
                raise _Rejected(404, "NOT_FOUND", f"Resource not found (resource={topic.rsplit('/', 1)[-1]}).")
        if len(body) > MAX_BODY_BYTES:
            raise _Rejected(400, "INVALID_ARGUMENT", "Request payload size exceeds the limit: 10485760 bytes.")
        messages = _messages(body)
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        with self.lock:
            stored = [Published(topic, str(next(self._ids)), data, attrs, now) for data, attrs in messages]
            self.state.messages += stored
            self.state.calls.append((topic, len(stored)))
            url = self.state.pushes.get(topic)
        if url:
            worker = threading.Thread(target=self._deliver, args=(stored, url), daemon=True)
            self._workers.append(worker)
            worker.start()
        return {"messageIds": [m.message_id for m in stored]}

    def _deliver(self, messages: list[Published], url: str) -> None:
        import requests

        for m in messages:
            delivery = Delivery(m.message_id, url)
            try:
                reply = requests.post(url, data=json.dumps(event_body(m)), headers=event_headers(m), timeout=600)
                delivery.status = reply.status_code
            except OSError as err:
                delivery.error = type(err).__name__
            with self.lock:
                self.state.deliveries.append(delivery)


def event_body(m: Published, subscription: str = "projects/local/subscriptions/sheetops-push") -> dict[str, Any]:
    """The CloudEvent data Eventarc sends for a Pub/Sub message."""
    message: dict[str, Any] = {"data": base64.b64encode(m.data).decode("ascii"), "messageId": m.message_id,
                               "publishTime": m.publish_time}
    if m.attributes:
        message["attributes"] = m.attributes
    return {"message": message, "subscription": subscription}


def event_headers(m: Published) -> dict[str, str]:
    """Binary-mode CloudEvent headers, as Eventarc sends them."""
    return {"Content-Type": "application/json", "ce-specversion": "1.0", "ce-id": m.message_id,
            "ce-type": EVENT_TYPE, "ce-source": f"//pubsub.googleapis.com/{m.topic}", "ce-time": m.publish_time}


def _messages(body: bytes) -> list[tuple[bytes, dict[str, str]]]:
    def bad(message: str) -> _Rejected:
        return _Rejected(400, "INVALID_ARGUMENT", message)

    try:
        data = json.loads(body)
    except ValueError:
        raise bad("Invalid JSON payload received.") from None
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise bad("Invalid JSON payload received. 'messages' must be a list.")
    if set(data) - {"messages"}:
        raise bad(f"Invalid JSON payload received. Unknown name {sorted(set(data) - {'messages'})[0]!r}.")
    raw = data["messages"]
    if not raw:
        raise bad("The request must contain at least one message.")
    if len(raw) > MAX_MESSAGES:
        raise bad(f"The value for message_count is too large. You passed {len(raw)} in the request, "
                  f"but the maximum value is {MAX_MESSAGES}.")
    out = []
    for i, msg in enumerate(raw):
        if not isinstance(msg, dict) or set(msg) - {"data", "attributes", "orderingKey"}:
            raise bad(f"Invalid JSON payload received. messages[{i}] has unknown fields.")
        attrs = msg.get("attributes") or {}
        if not isinstance(attrs, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in attrs.items()):
            raise bad(f"messages[{i}].attributes must map strings to strings.")
        try:
            payload = base64.b64decode(msg.get("data") or "", validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise bad(f"Invalid value at 'messages[{i}].data' (TYPE_BYTES), Base64 decoding failed.") from None
        if not payload and not attrs:
            raise bad("Some messages are empty: each message needs data or attributes.")
        out.append((payload, dict(attrs)))
    return out


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_owner: PubSubServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            status, payload = 200, self.server_owner.publish(self.path, self.headers.get("Authorization"), body)
        except _Rejected as e:
            status, payload = e.code, e.body()
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        data = json.dumps(_Rejected(405, "METHOD_NOT_ALLOWED", "Use POST.").body()).encode()
        self.send_response(405)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main(argv: list[str] | None = None) -> None:
    """``python -m sheetops.testing.pubsub_server --port PORT --topic T [--push-to URL]``."""
    parser = argparse.ArgumentParser(description="Local stand-in for Pub/Sub topics.publish.")
    parser.add_argument("--port", type=int, default=8085)
    parser.add_argument("--topic", action="append", default=[], help="a topic to create (projects/P/topics/T)")
    parser.add_argument("--push-to", help="deliver the first topic's messages to this URL as CloudEvents")
    parser.add_argument("--token", help="require this bearer token")
    args = parser.parse_args(argv)
    server = PubSubServer(args.port, token=args.token).start()
    for topic in args.topic:
        server.create_topic(topic)
    if args.push_to and args.topic:
        server.push(args.topic[0], args.push_to)
    print(f"Pub/Sub stand-in on {server.url}; export SHEETOPS_PUBSUB_API={server.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()


__all__ = ["Delivery", "PubSubServer", "Published", "event_body", "event_headers", "main"]
