"""Benchmark creator statements: 1,000 creators with a payout in one week.

    .venv/bin/python bench/bench_statements.py 1000 [--compare]

Builds an in-memory workbook (N creators, 6 settled order lines each in the week of
2026-11-09, a bonus band and a retainer for everyone, a few adjustments), then times, in this
process: reading and computing (``documents.computed``), building every statement (pure),
writing every CSV, and ``sheetops statements`` end to end (``documents.write_statements``:
one small ``.xlsx`` per creator, printed by one LibreOffice process per 200 files). For
comparison (``--compare``) it also prints the same statements as one workbook of N sheets, converted by one
LibreOffice call (the alternative we measured and did not choose: the single PDF would still
have to be split per creator). Peak memory: this process's max RSS, and the largest child
(LibreOffice). Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sheetops.backends.memory import MemoryWorkbook  # noqa: E402

ORDER_HEADER = ["Order ID", "SKU ID", "Product ID", "Product", "Creator", "Order date", "Settled date", "Status",
                "Quantity", "GMV", "Refund"]
WEEK = dt.date(2026, 11, 9)


def program(n: int) -> MemoryWorkbook:
    creators = [["Creator", "Name", "Status", "Tier", "Joined", "Payout method", "Payout account"]]
    orders = [ORDER_HEADER]
    adjustments = [["Creator", "Date", "Amount", "Reason"]]
    for c in range(n):
        handle = f"creator{c:05d}"
        creators.append([handle, f"Creator {c}", "Active", ("Gold", "Silver")[c % 2], "2026-01-01", "PayPal",
                         f"{handle}@paypal.example"])
        for k in range(6):
            day = WEEK + dt.timedelta(days=k % 6)
            orders.append([f"O{c:05d}{k}", "S1", f"P{k % 4}", f"Product {k % 4}", handle, f"{day} 10:00:00",
                           str(day + dt.timedelta(days=1)), "Settled", 1, 20 + (c * 7 + k * 13) % 90, ""])
        if c % 10 == 0:
            adjustments.append([handle, str(WEEK + dt.timedelta(days=2)), "-5.00", "Sample returned"])
    rules = [["Rule", "Type", "Tier", "Rate", "Amount", "Min GMV", "Max GMV", "Valid from"],
             ["R-BASE", "Percent", "", "10%", "", "", "", ""],
             ["B-BAND", "Bonus", "", "2%", "5", "100", "1000", ""],
             ["T-GOLD", "Retainer", "Gold", "", "25", "", "", "2026-01-01"]]
    settings = [["Setting", "Value"], ["Currency", "USD"], ["Client", "Bench Beauty"], ["As of", "2026-11-18"]]
    return MemoryWorkbook({"Settings": settings, "Creators": creators, "Rules": rules, "Orders": orders,
                           "Adjustments": adjustments}, label="bench")


def main(n: int) -> None:
    from sheetops.backends.libreoffice import to_pdf
    from sheetops.backends.xlsx_new import write_new_xlsx
    from sheetops.documents import computed, statements_of, write_statements
    from sheetops.reports.statements import statement_csv, statement_tab

    wb = program(n)
    t = time.perf_counter()
    done = computed(wb)
    t_compute = time.perf_counter() - t
    t = time.perf_counter()
    found = statements_of(done, WEEK)
    t_build = time.perf_counter() - t
    assert len(found) == n, len(found)
    assert all(s.lines_cents == s.total_cents for s in found)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        rows = sum(len(statement_csv(s)) for s in found)
        t_csv = time.perf_counter() - t
        t = time.perf_counter()
        write_statements(wb, Path(tmp) / "csv", period=WEEK, csv_too=True, pdf=False)
        t_csv_door = time.perf_counter() - t
        t = time.perf_counter()
        lines = write_statements(wb, Path(tmp) / "out", period=WEEK, csv_too=True)
        t_all = time.perf_counter() - t
        pdfs = len(list((Path(tmp) / "out").glob("*.pdf")))
        me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if "--compare" not in sys.argv:
            _table(n, found, t_compute, t_build, rows, t_csv, t_csv_door, t_all, pdfs, me, child, lines)
            return
        # the alternative: one workbook with one sheet per creator, converted once
        t = time.perf_counter()
        tabs = []
        for i, s in enumerate(found):
            tab = statement_tab(s, client="Bench Beauty")
            tab.name = f"S{i:05d}"
            tabs.append(tab)
        one = write_new_xlsx(Path(tmp) / "one.xlsx", tabs)
        t_one_write = time.perf_counter() - t
        t = time.perf_counter()
        to_pdf([one], Path(tmp) / "one")
        t_one = time.perf_counter() - t
    _table(n, found, t_compute, t_build, rows, t_csv, t_csv_door, t_all, pdfs, me, child, lines)
    print()
    print(f"Alternative, one workbook of {n:,} sheets: writing it {t_one_write:.1f} s, one LibreOffice conversion "
          f"{t_one:.0f} s (before any splitting per creator).")


def _table(n, found, t_compute, t_build, rows, t_csv, t_csv_door, t_all, pdfs, me, child, lines) -> None:  # noqa
    print(lines[0])
    print("| creators | statement lines | read + compute | build statements | CSV rows | CSV only (door) "
          "| **PDF + CSV (door)** | PDFs | peak memory, Python | peak memory, LibreOffice |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {n:,} | {sum(len(s.lines) for s in found):,} | {t_compute:.1f} s | {t_build:.1f} s | "
          f"{rows:,} in {t_csv:.1f} s | {t_csv_door:.1f} s | **{t_all:.0f} s** | {pdfs:,} | {me:,.0f} MB | {child:,.0f} MB |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
