"""Benchmark a whole refresh of an .xlsx workbook, step by step.

    .venv/bin/python bench/bench_refresh.py 100000 1000000

For each size it builds a demo workbook with that many order lines (``sheetops init --demo``),
then, in a fresh process per size, times: reading every tab (calamine), checking every row,
computing items/payouts/rollups, building the write plan, writing the tool tabs, and a whole
``sheetops.refresh`` on a second copy. Peak memory is the process's max RSS. A plain pandas
groupby of the same order lines (GMV by creator and week) is timed as the yardstick for the
compute step. Results print as a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-18"


def measure(path: Path) -> dict[str, float]:
    """Run in a child process: time each step of one refresh of ``path``."""
    sys.path.insert(0, str(ROOT / "src"))
    import gc

    import pandas as pd

    from sheetops.workbook import schema
    from sheetops.backends.xlsx import XlsxWorkbook
    from sheetops.compute import compute_program
    from sheetops.refresh import build_plan, resolve_tabs
    from sheetops.workbook.issues import IssueLog
    from sheetops.workbook.validate import check_program

    gc.disable()  # as the engine does during a refresh
    out: dict[str, float] = {}
    t = time.perf_counter()
    wb = XlsxWorkbook(path)
    tabs = resolve_tabs(wb)
    raw = wb.read(list(tabs.values()))
    grids = {canon: raw.get(actual) for canon, actual in tabs.items()}
    out["read"] = time.perf_counter() - t

    t = time.perf_counter()
    log = IssueLog()
    program = check_program(grids, log)
    out["check"] = time.perf_counter() - t
    for spec in schema.EDITED_TABS:  # as a refresh does: the raw grids go once typed
        grids[spec.name] = None

    orders = program.orders.frame
    t = time.perf_counter()
    week = orders["Order date"].dt.to_period("W").dt.start_time
    orders.groupby([orders["_creator"], week])["GMV"].sum()
    orders.groupby([orders["Product ID"], week])["GMV"].sum()
    out["pandas_groupby"] = time.perf_counter() - t

    t = time.perf_counter()
    done = compute_program(program, log, grids, AS_OF)
    out["compute"] = time.perf_counter() - t

    t = time.perf_counter()
    plan = build_plan(done, grids, tabs, started_wall=pd.Timestamp.now().to_pydatetime(), started=t,
                      trigger="cli", result="ok")
    out["plan"] = time.perf_counter() - t

    t = time.perf_counter()
    with wb.lock():
        wb.apply(plan)
    out["write"] = time.perf_counter() - t
    out["commission_lines"] = float(len(done.ledger.lines))

    out["steps_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def whole(path: Path) -> dict[str, float]:
    """Run in a child process: one ``sheetops.refresh``, as a person runs it, and its peak memory."""
    sys.path.insert(0, str(ROOT / "src"))
    import sheetops

    t = time.perf_counter()
    sheetops.refresh(path, as_of=AS_OF)
    first = time.perf_counter() - t
    t = time.perf_counter()
    sheetops.refresh(path, as_of=AS_OF)  # the usual case: tool tabs already full
    return {"whole_refresh": first, "second_refresh": time.perf_counter() - t,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(sizes: list[int]) -> None:
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"bench-{n}.xlsx"
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "sheetops.cli", "init", str(path), "--demo", "--orders", str(n),
                            "--seed", "1"], check=True, env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""})
            made = time.perf_counter() - t
            copy = path.with_name("whole-" + path.name)
            shutil.copy(path, copy)
            result: dict[str, float] = {}
            for mode, target in (("--child", path), ("--whole", copy)):
                child = subprocess.run([sys.executable, __file__, mode, str(target)], check=True,
                                       capture_output=True, text=True)
                result.update(json.loads(child.stdout.strip().splitlines()[-1]))
            result["generate"] = made
            result["file_mb"] = path.stat().st_size / 1e6
            rows.append((n, result))
            print(f"{n:>9,} lines: " + ", ".join(f"{k} {v:.2f}" for k, v in result.items()), file=sys.stderr)
    keys = ["read", "check", "compute", "plan", "write", "whole_refresh", "second_refresh", "peak_rss_mb",
            "pandas_groupby", "file_mb", "commission_lines"]
    print("| order lines | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for n, r in rows:
        print(f"| {n:,} | " + " | ".join(f"{r[k]:,.1f}" if k != "commission_lines" else f"{int(r[k]):,}" for k in keys) + " |")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(measure(Path(sys.argv[2]))))
    elif sys.argv[1:2] == ["--whole"]:
        print(json.dumps(whole(Path(sys.argv[2]))))
    else:
        main([int(a) for a in sys.argv[1:]] or [100_000])
