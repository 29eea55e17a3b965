"""The cloud functions as they run: ``functions-framework`` subprocesses on loopback ports,
pointed at a local Sheets API server (and a Pub/Sub stand-in) started by the tests.

Every spreadsheet the tests use is seeded once, before the functions start, because the
allowed list is part of a function's environment. Each function process starts once per
test session, on first use, and writes its stdout/stderr to files the tests read.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from sheetops.testing.pubsub_server import PubSubServer
from sheetops.testing.sheets_auth import SCOPE_SHEETS
from sheetops.testing.sheets_server import SheetsServer

from ..conftest import EXAMPLES, load_example

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "ya29.sheetops-test-SECRET-token-4c1f0e9d"
TOPIC = "projects/sheetops-local/topics/sheetops-refresh"
MISSING = "Missing000000000000000000000000000000000000"
PAYOUT_ACCOUNTS = ["mia.payouts.secret@paypal.example", "dan-SECRET-acct-77120", "+1-555-0199-SECRET"]


def example() -> dict[str, Any]:
    return load_example(EXAMPLES[0])


def with_payout_accounts(tabs: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    """The example's tabs, with Payout method and Payout account filled in on Creators."""
    creators = [list(r) for r in tabs["Creators"]]
    creators[0] += ["Payout method", "Payout account"]
    for i, row in enumerate(creators[1:]):
        row += ["PayPal", PAYOUT_ACCOUNTS[i % len(PAYOUT_ACCOUNTS)]]
    return {**tabs, "Creators": creators}


@dataclass
class Book:
    """The session's spreadsheets by role; ``allowed`` is what the functions may refresh."""

    ids: dict[str, str]
    outsider: str
    allowed: list[str] = field(default_factory=list)

    def __getitem__(self, role: str) -> str:
        return self.ids[role]


@pytest.fixture(scope="session")
def sheets() -> Iterator[SheetsServer]:
    srv = SheetsServer(read_per_minute=10**9, write_per_minute=10**9,
                       read_per_minute_per_user=10**9, write_per_minute_per_user=10**9).start()
    srv.issue_token(scopes={SCOPE_SHEETS}, token=TOKEN)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def book(sheets: SheetsServer) -> Book:
    tabs = example()["tabs"]
    roles = ["example", "example_cli", "dry", "locked", "faulty", "overlap", "sched_a", "sched_b",
             "structured", "chain_a", "chain_b"]
    ids = {role: sheets.seed(f"Lumi {role}", tabs, input_option="RAW") for role in roles}
    ids["secret"] = sheets.seed("Lumi secret", with_payout_accounts(tabs), input_option="RAW")
    ids["broken"] = sheets.seed("No orders here", {k: v for k, v in tabs.items() if k != "Orders"}, input_option="RAW")
    ids["missing"] = MISSING
    outsider = sheets.seed("Somebody else's sheet", tabs, input_option="RAW")
    return Book(ids, outsider, allowed=list(ids.values()))


@pytest.fixture(scope="session")
def pubsub() -> Iterator[PubSubServer]:
    srv = PubSubServer(token=TOKEN).start()
    srv.create_topic(TOPIC)
    yield srv
    srv.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Function:
    """One running ``functions-framework`` process and its log files."""

    target: str
    url: str
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def log_lines(self) -> list[dict[str, Any]]:
        """Every structured SheetOps log line written so far."""
        out = []
        for line in self.stdout.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and entry.get("component") == "sheetops":
                out.append(entry)
        return out

    def all_output(self) -> str:
        return self.stdout.read_text(errors="replace") + self.stderr.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_function(target: str, folder: Path, env: dict[str, str], *, source: Path | None = None,
                   cwd: Path | None = None) -> Function:
    """Start ``functions-framework --target=TARGET`` and wait until it answers."""
    port = free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SHEETOPS_", "GOOGLE_"))}
    full_env = {**base, "PYTHONPATH": str(ROOT / "src"), "THREADS": "4", **env}
    stdout, stderr = folder / f"{target}-{port}.out", folder / f"{target}-{port}.err"
    command = [sys.executable, "-m", "functions_framework", f"--target={target}",
               f"--source={source or ROOT / 'functions' / 'main.py'}", f"--port={port}", "--host=127.0.0.1"]
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, env=full_env, cwd=cwd or ROOT)
    fn = Function(target, f"http://127.0.0.1:{port}", process, stdout, stderr)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"functions-framework {target} exited: {fn.all_output()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return fn
        except OSError:
            time.sleep(0.1)
    fn.stop()
    raise RuntimeError(f"functions-framework {target} did not start: {fn.all_output()}")


def function_env(sheets: SheetsServer, book: Book, **extra: str) -> dict[str, str]:
    return {"SHEETOPS_SHEETS_API": sheets.url, "SHEETOPS_GOOGLE_TOKEN": TOKEN,
            "SHEETOPS_ALLOWED_SPREADSHEETS": ",".join(book.allowed),
            "SHEETOPS_RETRY_ATTEMPTS": "3", "SHEETOPS_RETRY_BASE_SECONDS": "0.01", **extra}


@pytest.fixture(scope="session")
def logs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("function-logs")


@pytest.fixture(scope="session")
def http_fn(sheets: SheetsServer, book: Book, logs_dir: Path) -> Iterator[Function]:
    fn = start_function("refresh_http", logs_dir, function_env(sheets, book))
    yield fn
    fn.stop()


@pytest.fixture(scope="session")
def scheduled_fn(sheets: SheetsServer, book: Book, logs_dir: Path) -> Iterator[Function]:
    fn = start_function("refresh_scheduled", logs_dir, function_env(sheets, book))
    yield fn
    fn.stop()


@pytest.fixture(scope="session")
def dispatch_fn(sheets: SheetsServer, book: Book, pubsub: PubSubServer, logs_dir: Path) -> Iterator[Function]:
    env = function_env(sheets, book, SHEETOPS_SPREADSHEETS=f"{book['chain_a']},{book['chain_b']}",
                       SHEETOPS_REFRESH_TOPIC=TOPIC, SHEETOPS_PUBSUB_API=pubsub.url)
    fn = start_function("dispatch", logs_dir, env)
    yield fn
    fn.stop()


def pubsub_event(payload: Any, *, structured: bool = False, event_id: str = "1") -> tuple[dict[str, str], bytes]:
    """Headers and body of a Pub/Sub CloudEvent as Eventarc delivers it (binary mode by
    default, or structured mode)."""
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    data = {"message": {"data": base64.b64encode(raw).decode(), "messageId": event_id,
                        "publishTime": "2026-11-18T09:00:00.000Z"},
            "subscription": "projects/sheetops-local/subscriptions/eventarc-sub"}
    attributes = {"specversion": "1.0", "id": event_id, "type": "google.cloud.pubsub.topic.v1.messagePublished",
                  "source": f"//pubsub.googleapis.com/{TOPIC}", "time": "2026-11-18T09:00:00Z"}
    if structured:
        body = json.dumps({**attributes, "datacontenttype": "application/json", "data": data}).encode()
        return {"Content-Type": "application/cloudevents+json"}, body
    headers = {f"ce-{k}": v for k, v in attributes.items()}
    return {**headers, "Content-Type": "application/json"}, json.dumps(data).encode()


def send_event(fn: Function, payload: Any, **options: Any) -> requests.Response:
    headers, body = pubsub_event(payload, **options)
    return requests.post(fn.url, data=body, headers=headers, timeout=120)


def lines_for(fn: Function, sheet_id: str) -> list[dict[str, Any]]:
    return [e for e in fn.log_lines() if e.get("spreadsheet") == sheet_id]
