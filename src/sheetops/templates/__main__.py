"""``python -m sheetops.templates PATH.xlsx [--demo --orders N --seed S --today YYYY-MM-DD]``.

Regenerates the committed template (``sheets_templates/SheetOps.xlsx``) or writes a demo
workbook; the ``sheetops init`` command does the same for users.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from . import write_excel_template


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sheetops.templates", description=__doc__)
    parser.add_argument("path", help="the .xlsx file to write")
    parser.add_argument("--demo", action="store_true", help="fill the tabs with demo data")
    parser.add_argument("--orders", type=int, default=2000, help="demo order lines (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="demo random seed (default 1)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="demo 'today' (default today)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    demo = None
    if args.demo:
        from ..demo.data import make_demo

        demo = make_demo(orders=args.orders, seed=args.seed, today=args.today or dt.date.today())
    write_excel_template(args.path, demo=demo)
    print(f"wrote {args.path} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
