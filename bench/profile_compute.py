"""Time the compute step alone (checks excluded), part by part, against a plain groupby.

    .venv/bin/python bench/profile_compute.py WORKBOOK.xlsx [--repeat 3] [--profile]

Reads and checks the workbook once (cached as a pickle beside it, so the next call starts at
once), then times ``engine.compute_program`` and each of its parts several times, keeping
the best run of each: payable items, payouts and ledger, rollups. ``--profile`` prints the
top of a cProfile of one compute. The yardstick is the plain pandas groupby that
bench_refresh.py times: GMV by creator and week, and by product and week.
"""

from __future__ import annotations

import argparse
import copy
import gc
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

AS_OF = "2026-11-18"


def load(path: Path):
    from sheetops.workbook import schema
    from sheetops.backends.xlsx import XlsxWorkbook
    from sheetops.refresh import READ_TABS, resolve_tabs
    from sheetops.workbook.issues import IssueLog
    from sheetops.workbook.validate import check_program

    cache = path.with_suffix(".checked.pickle")
    if cache.exists() and cache.stat().st_mtime > path.stat().st_mtime:
        with cache.open("rb") as f:
            return pickle.load(f)
    wb = XlsxWorkbook(path)
    tabs = resolve_tabs(wb)
    raw = wb.read([actual for canon, actual in tabs.items() if canon in READ_TABS])
    grids = {canon: raw.get(actual) for canon, actual in tabs.items()}
    program = check_program(grids, IssueLog())
    for spec in schema.EDITED_TABS:
        grids[spec.name] = None
    with cache.open("wb") as f:
        pickle.dump((program, grids), f, protocol=pickle.HIGHEST_PROTOCOL)
    return program, grids


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("workbook", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()

    import pandas as pd

    from sheetops.money.commissions import payable_items
    from sheetops.compute import compute_program
    from sheetops.workbook.issues import IssueLog
    from sheetops.ledger.payouts import build_payouts
    from sheetops.ledger.paypal import payees
    from sheetops.workbook.periods import is_closed
    from sheetops.money.rollups import build_rollups

    program, grids = load(args.workbook)
    gc.disable()  # as the engine does during a refresh
    day = pd.Timestamp(AS_OF).date()
    fresh = lambda: copy.deepcopy(program)  # noqa: E731  (compute may flag rows in place)

    items = payable_items(fresh(), IssueLog(), day)
    names = program.creators.valid.set_index("_creator")["Creator"].astype(str).str.strip().str.lstrip("@").to_dict()
    closed = items[is_closed(items["period_start"], day, program.settings)]
    p = fresh()
    rows: dict[str, float] = {
        "payable items": best(lambda: payable_items(p, IssueLog(), day), args.repeat),
        "payouts and ledger": best(lambda: build_payouts(
            items, settings=program.settings, as_of=day, on_hold=program.creators_on_hold(), names=names,
            previous=grids, recipients=payees(program.creators.valid), log=IssueLog()), args.repeat),
        "rollups": best(lambda: build_rollups(program, closed, day), args.repeat),
        "compute (whole)": best(lambda: compute_program(p, IssueLog(), grids, AS_OF), args.repeat),
    }
    orders = program.orders.frame

    def groupby() -> None:
        week = orders["Order date"].dt.to_period("W").dt.start_time
        orders.groupby([orders["_creator"], week])["GMV"].sum()
        orders.groupby([orders["Product ID"], week])["GMV"].sum()

    rows["pandas groupby (yardstick)"] = best(groupby, args.repeat)
    print(f"{len(orders):,} order lines, {len(items):,} payable items")
    print("| part | seconds |\n|---|---|")
    for name, sec in rows.items():
        print(f"| {name} | {sec:.2f} |")
    print(f"compute / groupby = {rows['compute (whole)'] / rows['pandas groupby (yardstick)']:.1f}x")

    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        compute_program(fresh(), IssueLog(), grids, AS_OF)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main()
