"""Benchmark: import a large Seller Center affiliate orders CSV into an in-memory workbook.

    PYTHONPATH=src python bench/bench_import.py [--lines 1000000] [--keep FILE]

Generates a US-layout seller export of ``--lines`` order lines (streamed to disk, so the
generator itself holds nothing), then times ``import_files`` into an empty
``MemoryWorkbook`` (scan, parse, upsert, apply), then a re-import of the same file into
the filled workbook (every line unchanged, nothing written). Reports seconds, lines per
second and the process's peak resident memory (``resource.getrusage``) after each step.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from sheetops.backends.memory import MemoryWorkbook
from sheetops.importers import import_files

HEADERS = [
    "Order ID", "Product ID", "Product Name", "SKU ID", "Price", "Payment Amount", "Currency", "Quantity",
    "Fully returned or refunded", "Payment method", "Order Status", "Creator Username", "Content Type",
    "Content ID", "commission model", "Standard commission rate", "Est. Commission Base",
    "Est. standard commission payment", "Actual Commission Base", "Actual Commission Payment",
    "Shop Ads commission rate", "Est. Shop Ads commission payment", "Actual Shop Ads commission payment",
    "Est. co-funded creator bonus", "Actual co-funded creator bonus", "Time Created", "Payment time",
    "Order Delivery Time", "Time Commission Paid", "Platform",
]
PRODUCTS = [("1729384756102938", "Glow Serum 30ml", 2499), ("1729384756103311", "Vitamin C Cream 50g", 3150),
            ("1729384756104420", "Hydra Lip Oil - Cherry", 1299), ("1729384756105537", "Overnight Repair Mask", 4200)]


def _money(cents: int) -> str:
    return f"${cents // 100:,}.{cents % 100:02d}"


def _date(value: dt.datetime) -> str:
    hour = value.hour % 12 or 12
    return f"{value.month:02d}/{value.day:02d}/{value.year} {hour}:{value.minute:02d}:{value.second:02d} " + (
        "AM" if value.hour < 12 else "PM")


def generate(path: Path, lines: int, seed: int = 1) -> None:
    """Write a seller export with ``lines`` order lines (about 450 bytes each)."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 1)
    creators = [f"creator_{i:04d}" for i in range(2000)]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADERS)
        for n in range(lines):
            product_id, name, price = PRODUCTS[n % len(PRODUCTS)]
            qty = 1 + n % 3
            gmv = price * qty
            settled = n % 3 == 0
            ordered = start + dt.timedelta(seconds=n * 29)
            std = gmv * 15 // 100
            out.writerow([
                str(576_000_000_000_000_000 + n * 7919), product_id, name, str(int(product_id) + 1 + n % 5),
                _money(price), _money(gmv), "USD", str(qty), "No", "Card", "Settled" if settled else "Pending",
                rng.choice(creators), "Video", str(7_300_000_000_000_000_000 + n), "Standard", "15%",
                _money(gmv), _money(std), _money(gmv) if settled else "", _money(std) if settled else "",
                "0%", "$0.00", "$0.00" if settled else "", "$0.00", "$0.00" if settled else "",
                _date(ordered), _date(ordered), _date(ordered + dt.timedelta(days=3)),
                _date(ordered + dt.timedelta(days=10)) if settled else "", "TikTok",
            ])


class TimedMemoryWorkbook(MemoryWorkbook):
    """The memory backend, timing its own ``apply`` (storing the rows is the backend's work)."""

    apply_seconds = 0.0

    def apply(self, plan):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        super().apply(plan)
        self.apply_seconds += time.perf_counter() - t0


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the generated CSV here and keep it")
    args = parser.parse_args(argv)
    folder = tempfile.TemporaryDirectory()
    path = args.keep or Path(folder.name) / "affiliate_orders.csv"
    t0 = time.perf_counter()
    generate(path, args.lines)
    print(f"generated {args.lines:,} lines ({path.stat().st_size / 2**20:,.0f} MiB) in "
          f"{time.perf_counter() - t0:,.1f} s; peak RSS {_peak_mib():,.0f} MiB")
    workbook = TimedMemoryWorkbook({"Settings": [["Setting", "Value"], ["Date order", "MDY"]],
                               "Orders": [["Order ID", "SKU ID"]]})
    for step in ("first import (all new)", "re-import (all unchanged)"):
        workbook.apply_seconds = 0.0
        t0 = time.perf_counter()
        result = import_files(workbook, [path])
        seconds = time.perf_counter() - t0
        print(f"{step}: {seconds:,.1f} s ({args.lines / seconds:,.0f} lines/s), of which the memory "
              f"backend's apply {workbook.apply_seconds:,.1f} s; added {result.added:,}, "
              f"unchanged {result.unchanged:,}, rejected {result.rejected:,}; peak RSS {_peak_mib():,.0f} MiB")
    folder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
