"""Fan-out: 50, 200 and 1,000 Google Sheets refreshed through the real ``dispatch`` and
``refresh_scheduled`` functions, with Google's default quotas and one service account.

    .venv/bin/python bench/bench_fanout.py 50 200 1000

For each size the bench starts a local Sheets API server (Google's default quotas: 300/300
per project, 60/60 per user a minute, on a ``SimulatedClock``), a Pub/Sub stand-in, and two
``functions-framework`` processes (``dispatch`` and ``refresh_scheduled``) pointed at them
with one identity, as one deployed service account would be. Every spreadsheet is a copy of
one small demo sheet (the template with 40 order lines), so that 1,000 real refreshes fit in
minutes on a laptop.

Then it plays Cloud Scheduler and Pub/Sub for an hour of simulated time: at each minute it
moves the clock to that minute and sends ``dispatch`` its CloudEvent (``time`` = that
minute); for each message ``dispatch`` published, in turn order, it moves the clock to the
message's ``not_before`` and delivers it to ``refresh_scheduled``, waiting for the answer
(one at a time: the clock stands still during a refresh, so all its requests land at its
turn's second). The server counts every request and every 429.

Prints a Markdown table for docs/performance.md: failures (must be 0), 429s, requests per
refresh, simulated time against the quota bound (the fastest the per-user quota allows:
``N x 2 reads / 60 a minute``), and real seconds.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

START = dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.timezone.utc)
"""Simulated time starts at the top of an hour (in the past, so no turn makes a function sleep)."""
TOPIC = "projects/sheetops-bench/topics/sheetops-refresh"
RUNNER = "sheetops-runner@sheetops-bench.iam.gserviceaccount.com"
ORDERS = 40


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_function(target: str, env: dict[str, str], logs: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    port = _free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SHEETOPS_", "GOOGLE_"))}
    out = logs / f"{target}.out"
    with out.open("wb") as stdout, (logs / f"{target}.err").open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "functions_framework", f"--target={target}",
             f"--source={ROOT / 'functions' / 'main.py'}", f"--port={port}", "--host=127.0.0.1"],
            stdout=stdout, stderr=stderr, env={**base, "PYTHONPATH": str(ROOT / "src"), **env}, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, f"http://127.0.0.1:{port}", out
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{target} did not start: {(logs / f'{target}.err').read_text()}")


def _event(payload: dict[str, Any], *, when: dt.datetime, topic: str, event_id: str) -> tuple[dict[str, str], bytes]:
    stamp = when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    data = {"message": {"data": base64.b64encode(json.dumps(payload).encode()).decode(), "messageId": event_id,
                        "publishTime": stamp}, "subscription": "projects/sheetops-bench/subscriptions/push"}
    headers = {"ce-specversion": "1.0", "ce-id": event_id, "ce-source": f"//pubsub.googleapis.com/{topic}",
               "ce-type": "google.cloud.pubsub.topic.v1.messagePublished", "ce-time": stamp,
               "Content-Type": "application/json"}
    return headers, json.dumps(data).encode()


def _clone(server: Any, sid: str, n: int) -> list[str]:
    """``n`` copies of spreadsheet ``sid`` (each a whole workbook of its own)."""
    store = server.store
    ids = []
    for i in range(n):
        book = copy.deepcopy(store.books[sid])
        book.spreadsheet_id = f"Fanout{i:05d}{sid[11:]}"[: len(sid)]
        store.books[book.spreadsheet_id] = book
        ids.append(book.spreadsheet_id)
    return ids


def run(n: int) -> dict[str, Any]:
    import requests

    from sheetops.cloud.pacing import REFRESH_COST, Quota, capacity
    from sheetops.testing.demo_sheet import seed_demo
    from sheetops.testing.pubsub_server import PubSubServer
    from sheetops.testing.sheets_auth import SCOPE_SHEETS
    from sheetops.testing.sheets_server import SheetsServer, SimulatedClock

    clock = SimulatedClock(start=START.timestamp())
    with SheetsServer(clock=clock) as sheets, PubSubServer() as pubsub, tempfile.TemporaryDirectory() as tmp:
        token = sheets.issue_token(scopes={SCOPE_SHEETS}, identity=RUNNER)
        template = seed_demo(sheets, orders=ORDERS, today=START.date())
        ids = _clone(sheets, template, n)
        pubsub.create_topic(TOPIC)
        env = {"SHEETOPS_SHEETS_API": sheets.url, "SHEETOPS_GOOGLE_TOKEN": token, "SHEETOPS_PUBSUB_API": pubsub.url,
               "SHEETOPS_ALLOWED_SPREADSHEETS": ",".join(ids), "SHEETOPS_REFRESH_TOPIC": TOPIC}
        dispatch, dispatch_url, _ = _start_function("dispatch", env, Path(tmp))
        refresh, refresh_url, refresh_log = _start_function("refresh_scheduled", env, Path(tmp))
        try:
            sheets.reset_counters()
            t0 = time.perf_counter()
            last_turn = START
            delivered = 0
            for minute in range(60):
                at = START + dt.timedelta(minutes=minute)
                clock.advance(max(0.0, at.timestamp() - clock()))
                headers, body = _event({}, when=at, topic="projects/sheetops-bench/topics/sheetops-dispatch",
                                       event_id=f"d{minute}")
                requests.post(dispatch_url, data=body, headers=headers, timeout=120).raise_for_status()
                fresh = pubsub.published(TOPIC)[delivered:]
                delivered += len(fresh)
                for message in sorted(fresh, key=lambda m: m.json()["not_before"]):
                    turn = dt.datetime.fromisoformat(message.json()["not_before"].replace("Z", "+00:00"))
                    clock.advance(max(0.0, turn.timestamp() - clock()))
                    last_turn = max(last_turn, turn)
                    headers, body = _event(message.json(), when=turn, topic=TOPIC, event_id=message.message_id)
                    requests.post(refresh_url, data=body, headers=headers, timeout=600)
            real = time.perf_counter() - t0
            counters = sheets.counters()
        finally:
            for process in (dispatch, refresh):
                process.terminate()
                process.wait(timeout=20)
        lines = [json.loads(x) for x in refresh_log.read_text().splitlines() if x.startswith("{")]
        results = [x for x in lines if x.get("component") == "sheetops" and x.get("trigger") == "schedule"]
        failures = [x for x in results if x.get("status") != 200]
        runs = {sid: len(sheets.cells(sid, "Run Log")) - 1 for sid in ids}
        cap = capacity(Quota())
        reads, writes = counters.requests["read"], counters.requests["write"]
        return {
            "sheets": n, "refreshed": len(results) - len(failures), "failures": len(failures) + (n - len(results)),
            "refreshed_once": sum(1 for v in runs.values() if v == 1), "quota_429s": counters.quota_rejections,
            "reads_per_refresh": reads / max(1, len(results)), "writes_per_refresh": writes / max(1, len(results)),
            "simulated_minutes": (last_turn - START).total_seconds() / 60 + cap.spacing_seconds / 60,
            "quota_bound_minutes": n * REFRESH_COST.reads / Quota().reads_per_minute,
            "planned_minutes": n / cap.per_minute, "real_seconds": real,
            "first_failure": failures[0].get("message") if failures else "",
        }


def main(sizes: list[int]) -> None:
    rows = []
    for n in sizes:
        row = run(n)
        print(json.dumps(row), file=sys.stderr, flush=True)
        rows.append(row)
    print("| spreadsheets | failures | 429s | reads / writes per refresh | simulated time | quota bound "
          "(60 reads/min/user) | real time |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['sheets']:,} | {r['failures']} | {r['quota_429s']} | "
              f"{r['reads_per_refresh']:.2f} / {r['writes_per_refresh']:.2f} | {r['simulated_minutes']:.1f} min | "
              f"{r['quota_bound_minutes']:.1f} min | {r['real_seconds']:.0f} s |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [50, 200, 1000])
