"""Large files are streamed: the scan pass keeps counters, never the rows."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from pathlib import Path

import pytest

from sheetops.importers import import_files
from sheetops.importers.scan import scan_file
from sheetops.importers.sources import ExportSource

from . import exports as X
from .helpers import empty_workbook


def _big_file(tmp_path: Path, lines: int) -> Path:
    sales = X.make_sales(200, seed=17)
    headers, rows = X.seller_table(sales, "US")
    body = [[str(10**18 + i), *rows[i % len(rows)][1:]] for i in range(lines)]
    return X.write_csv(tmp_path / "big.csv", headers, body)


def test_scan_holds_no_rows(tmp_path: Path) -> None:
    path = _big_file(tmp_path, 20_000)  # about 5 MiB of CSV
    tracemalloc.start()
    try:
        plan = scan_file(ExportSource(path), tz=dt.timezone.utc, date_order=None, creator=None)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert plan.data_rows == 20_000
    assert peak < 2 * 2**20, f"scan peaked at {peak / 2**20:.1f} MiB"


@pytest.mark.slow
def test_two_hundred_thousand_lines_all_accounted_for(tmp_path: Path) -> None:
    path = _big_file(tmp_path, 200_000)
    wb = empty_workbook()
    result = import_files(wb, [path])
    assert (result.added, result.rejected, result.files[0].accounted) == (200_000, 0, 200_000)
    assert len(wb.tabs["Orders"]) == 200_001
    again = import_files(wb, [path])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 200_000)
