"""Requests, bytes and seconds of a refresh of a Google Sheet, against the local Sheets API
server, side by side with the usual way people script it (gspread-dataframe).

    .venv/bin/python bench/bench_gsheets.py 10000 100000

For each size, a demo spreadsheet is seeded on a local server, then:

- **SheetOps**: four ``sheetops.refresh("gsheet:<id>")`` in a row, nothing edited between
  them: the first fills the tool tabs, the second writes them again, the third also reads
  Commission Lines and Payout Export to compare, the fourth finds nothing changed (the lock
  take, two ``values.batchGet``, the Run Log row with the release);
- **usual way**: ``get_as_dataframe`` for each tab people edit, the same computation, then
  ``set_with_dataframe`` for each tool tab (gspread-dataframe's documented use).

The server counts every HTTP request and byte. Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

AS_OF = "2026-11-18"


def _seed(server: Any, orders: int) -> str:
    from sheetops.testing.demo_sheet import seed_demo

    return seed_demo(server, orders=orders, seed=1, today=dt.date(2026, 11, 22))


def sheetops_way(server: Any, sid: str) -> dict[str, Any]:
    import sheetops

    server.reset_counters()
    t = time.perf_counter()
    result = sheetops.refresh(f"gsheet:{sid}", as_of=AS_OF)
    seconds = time.perf_counter() - t
    c = server.counters()
    return {"requests": c.total_requests, "reads": c.requests.get("read", 0), "writes": c.requests.get("write", 0),
            "bytes_sent": sum(c.bytes_in.values()), "bytes_received": sum(c.bytes_out.values()), "seconds": seconds,
            "unchanged": result.unchanged}


def usual_way(server: Any, sid: str, token: str) -> dict[str, Any]:
    """Read every tab with get_as_dataframe, compute, write every tool tab with set_with_dataframe.
    A request Google refuses stops it there, as it would stop such a script (``failed`` says where)."""
    import pandas as pd
    from gspread.exceptions import APIError
    from gspread_dataframe import get_as_dataframe, set_with_dataframe

    from sheetops.workbook import schema
    from sheetops.backends.grid import tab_rows
    from sheetops.compute import compute
    from sheetops.refresh import build_plan
    from sheetops.testing.gspread_client import gspread_client

    server.reset_counters()
    t = time.perf_counter()
    book = gspread_client(server, token=token).open_by_key(sid)
    grids: dict[str, Any] = {}
    for spec in schema.EDITED_TABS:
        frame = get_as_dataframe(book.worksheet(spec.name), evaluate_formulas=True)
        frame = frame.dropna(how="all").dropna(axis=1, how="all")
        grids[spec.name] = [list(frame.columns)] + frame.astype(object).where(frame.notna(), None).values.tolist()
    done = compute(grids, AS_OF)
    plan = build_plan(done, grids, {}, started_wall=dt.datetime.now(), started=time.perf_counter(),
                      trigger="cli", result="ok")
    existing = {ws.title: ws for ws in book.worksheets()}
    failed = ""
    for tab in plan.tabs:
        rows = tab_rows(tab)
        frame = pd.DataFrame(rows[1:], columns=rows[0]) if tab.header else pd.DataFrame(rows)
        frame = frame.map(lambda v: v.text if hasattr(v, "text") else v)
        ws = existing.get(tab.name) or book.add_worksheet(tab.name, rows=len(frame) + 1, cols=max(len(frame.columns), 1))
        ws.clear()
        # resizing an empty tab down to its frozen header row is refused by Google
        try:
            set_with_dataframe(ws, frame, include_column_header=tab.header, resize=len(frame) > 0)
        except APIError as exc:  # e.g. one tab's cells over Google's 10 MiB request limit
            failed = f"refused at {tab.name}"
            print(f"usual way, {tab.name}: {exc}", file=sys.stderr)
            break
    seconds = time.perf_counter() - t
    c = server.counters()
    return {"requests": c.total_requests, "bytes_sent": sum(c.bytes_in.values()),
            "bytes_received": sum(c.bytes_out.values()), "seconds": seconds, "failed": failed}


def main(sizes: list[int]) -> None:
    from sheetops.testing.sheets_auth import SCOPE_DRIVE_FILE, SCOPE_SHEETS
    from sheetops.testing.sheets_server import SheetsServer

    rows = []
    with SheetsServer(read_per_minute=10**9, write_per_minute=10**9,
                      read_per_minute_per_user=10**9, write_per_minute_per_user=10**9) as server:
        token = server.issue_token(scopes={SCOPE_SHEETS, SCOPE_DRIVE_FILE})
        os.environ["SHEETOPS_SHEETS_API"] = server.url
        os.environ["SHEETOPS_GOOGLE_TOKEN"] = token
        for n in sizes:
            sid = _seed(server, n)
            # the first refresh fills the tool tabs; the second finds Payouts filled and writes
            # them again as they were; the third finds those as the second read them, reads
            # Commission Lines and Payout Export to compare and keeps their fingerprint; the
            # fourth finds nothing changed (one Run Log row)
            runs = [sheetops_way(server, sid) for _ in range(4)]
            theirs = usual_way(server, _seed(server, n), token)
            rows.append((n, runs, theirs))
            print(f"{n:,}: sheetops {runs}; usual {theirs}", file=sys.stderr)
    print("| order lines | way | requests | MB sent | MB received | seconds |")
    print("|---|---|---|---|---|---|")
    for n, runs, theirs in rows:
        names = ("SheetOps, first refresh", "SheetOps, second refresh", "SheetOps, third refresh",
                 "SheetOps, nothing changed")
        for name, r in (*zip(names, runs), ("gspread-dataframe per tab", theirs)):
            note = f" ({r['failed']})" if r.get("failed") else ""
            note += " (skipped: unchanged)" if r.get("unchanged") else ""
            split = f" ({r['reads']} reads, {r['writes']} writes)" if "reads" in r else ""
            print(f"| {n:,} | {name}{note} | {int(r['requests'])}{split} | {r['bytes_sent'] / 1e6:.1f} | "
                  f"{r['bytes_received'] / 1e6:.1f} | {r['seconds']:.1f} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000])
