"""Benchmark: a refresh where every order line has the same bad value (issue #14).

    .venv/bin/python bench/bench_bad_rows.py 1000000

Builds an in-memory workbook (no file I/O, so only the engine is timed) whose N order lines
all have the GMV ``12O.00``, and refreshes it twice in one process, alternately, three times
each: with Issues grouped (one row per cause, as SheetOps does) and with grouping switched off
(one Issue row per line, as before issue #14). Prints the median seconds of each, their
ratio, and the rows of the Issues tab. Numbers go to docs/performance.md.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

import sheetops  # noqa: E402
from sheetops import compute as compute_module  # noqa: E402
from sheetops.backends.memory import MemoryWorkbook  # noqa: E402
from tests.builders import ORDER_HEADER, order, workbook  # noqa: E402

CREATORS = [f"creator{i:02d}" for i in range(30)]


def book(n: int) -> MemoryWorkbook:
    creators = [[f"@{c}", c.title(), "Active", "Gold", "2026-01-01"] for c in CREATORS]
    orders = [order(f"O{i}", CREATORS[i % len(CREATORS)], "12O.00", settled="2026-11-10") for i in range(n)]
    wb = workbook(creators=creators)
    wb.tabs["Orders"] = [ORDER_HEADER, *orders]
    return wb


def run(template: MemoryWorkbook, grouped: bool) -> tuple[float, int]:
    wb = MemoryWorkbook(template.tabs)
    original = compute_module.group_issues
    if not grouped:
        compute_module.group_issues = lambda log, gmv=None: None  # type: ignore[assignment]
    try:
        t = time.perf_counter()
        sheetops.refresh(wb, as_of="2026-11-18")
        seconds = time.perf_counter() - t
    finally:
        compute_module.group_issues = original
    return seconds, len(wb.tabs["Issues"]) - 1


def main(sizes: list[int]) -> None:
    print("| order lines, all with GMV 12O.00 | grouped (s) | one row per line (s) | ratio | Issues rows grouped / per line |")
    print("|---|---|---|---|---|")
    for n in sizes:
        template = book(n)
        grouped, per_line = [], []
        rows = {}
        for _ in range(3):
            s, rows[True] = run(template, True)
            grouped.append(s)
            s, rows[False] = run(template, False)
            per_line.append(s)
        g, p = statistics.median(grouped), statistics.median(per_line)
        print(f"| {n:,} | {g:.1f} | {p:.1f} | {g / p:.2f} | {rows[True]:,} / {rows[False]:,} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100_000])
