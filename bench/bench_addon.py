"""How many rows the Google Sheets add-on refreshes while the user waits (issue #19).

    .venv/bin/python bench/bench_addon.py 10000 50000 100000

For each size a demo spreadsheet is seeded on the local Sheets API server, owned by a user;
then the add-on's own path runs twice, as the sidebar's Refresh now does: open the sheet
with the user's token (``sheetops.addon.sheets.open_as_user``), read what the sidebar
shows, refresh with trigger ``addon``. The second refresh is the usual case (the tool tabs
are full and read back). The server counts requests and bytes, so the time Google adds can
be estimated: ``--latency`` seconds per request (default 0.5, a cautious round trip to the
Sheets API including its own work) and ``--mbps`` of transfer (default 10 MB/s).

Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

USER = "mia.manager@lumi.example"


def one(server: object, orders: int, latency: float, mbps: float) -> list[str]:
    from sheetops.addon.sheets import open_as_user, read_state
    from sheetops.refresh import refresh
    from sheetops.testing.demo_sheet import seed_demo
    from sheetops.testing.sheets_auth import SCOPE_DRIVE_FILE

    sid = seed_demo(server, orders=orders, seed=1, today=dt.date(2026, 11, 22))  # type: ignore[arg-type]
    server.sharing.created(sid, USER)  # type: ignore[attr-defined]
    token = server.issue_token(scopes={SCOPE_DRIVE_FILE}, identity=USER)  # type: ignore[attr-defined]
    cells = []
    for _ in range(2):
        server.reset_counters()  # type: ignore[attr-defined]
        started = time.perf_counter()
        wb = open_as_user(sid, token)
        state = read_state(wb)
        result = refresh(wb, trigger="addon")
        seconds = time.perf_counter() - started
        c = server.counters()  # type: ignore[attr-defined]
        calls = sum(c.requests.values()) if hasattr(c, "requests") else 0
        moved = (sum(c.bytes_in.values()) + sum(c.bytes_out.values())) if hasattr(c, "bytes_in") else 0
        google = seconds + calls * latency + moved / (mbps * 1_000_000)
        cells += [f"{seconds:.1f}", str(calls), f"{moved / 1e6:.1f}", f"**{google:.1f}**"]
        rows = sum(result.rows.values())
        del state
    return [f"{orders:,}", f"{rows:,}"] + cells


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--mbps", type=float, default=10.0)
    args = parser.parse_args()
    from sheetops.testing.sheets_server import SheetsServer

    big = 10**9
    with SheetsServer(read_per_minute=big, write_per_minute=big, read_per_minute_per_user=big,
                      write_per_minute_per_user=big) as server:
        import os

        os.environ["SHEETOPS_SHEETS_API"] = server.url  # the add-on's calls go to this server
        print("| order lines | rows read | first: local s | requests | MB | **est. with Google** | "
              "second: local s | requests | MB | **est. with Google** |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for n in args.sizes:
            print("| " + " | ".join(one(server, n, args.latency, args.mbps)) + " |", flush=True)


if __name__ == "__main__":
    main()
