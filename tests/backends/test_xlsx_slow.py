"""Rough timings of the ``.xlsx`` backend at a million rows.

Run with ``pytest -m slow -s tests/backends/test_xlsx_slow.py`` (the ``slow`` marker keeps it
out of the default run); set
``SHEETOPS_XLSX_ROWS`` to change the size. Each step prints wall and CPU seconds (on a
shared, busy machine the CPU figure is the fair one).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sheetops.backends.base import Column, TabEdit, TabWrite, WritePlan
from sheetops.backends.xlsx import XlsxWorkbook

from .factory_xlsx import write_grid_workbook

ROWS = int(os.environ.get("SHEETOPS_XLSX_ROWS", "1000000"))


class _Clock:
    """Wall and CPU seconds of one step."""

    def __enter__(self) -> "_Clock":
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall:.1f}s wall / {self.cpu:.1f}s cpu"


def _commission_lines(n: int) -> TabWrite:
    rng = np.random.default_rng(7)
    creators = np.array([f"@creator{i}" for i in range(5000)], dtype=object)
    text = lambda prefix: pd.Series([f"{prefix}{i}" for i in range(n)], dtype=object)  # noqa: E731
    frame = pd.DataFrame({
        "Payout ID": pd.Series(["2026-11-02/" + c[1:] for c in creators[rng.integers(0, 5000, n)]], dtype=object),
        "Creator": pd.Series(creators[rng.integers(0, 5000, n)], dtype=object),
        "Campaign": pd.Series(np.array(["FALL26", "HOLIDAY", None], dtype=object)[rng.integers(0, 3, n)]),
        "Kind": pd.Series(["Order line"] * n, dtype=object),
        "Rule": pd.Series(["R-STD"] * n, dtype=object),
        "Order ID": text("57700"),
        "SKU ID": text("SKU"),
        "Content ID": pd.Series([None] * n, dtype=object),
        "Base": pd.array(rng.integers(0, 50000, n), dtype="Int64"),
        "Rate": pd.array(rng.integers(0, 300000, n), dtype="Int64"),
        "Amount": pd.array(rng.integers(-5000, 20000, n), dtype="Int64"),
    })
    kinds = ["text"] * 8 + ["money", "rate", "money"]
    return TabWrite("Commission Lines", [Column(c, k) for c, k in zip(frame.columns, kinds)], frame)


@pytest.mark.slow
def test_million_rows_write_and_read(tmp_path: Path) -> None:
    path = write_grid_workbook(tmp_path / "big.xlsx", {"Orders": [["Order ID", "GMV"], ["O1", 1.5]]})
    wb = XlsxWorkbook(path)
    tab = _commission_lines(ROWS)
    with _Clock() as write:
        wb.apply(WritePlan(tabs=[tab]))
    size = path.stat().st_size
    with _Clock() as read:
        grid = wb.read(["Commission Lines"])["Commission Lines"]
    assert len(grid) == ROWS + 1 and grid[1][0] == tab.frame["Payout ID"].iloc[0]
    # a people tab of the same size, then an import-style edit of it
    orders = TabWrite("Orders", tab.columns + [Column("Order date", "datetime")],
                      tab.frame.assign(**{"Order date": dt.datetime(2026, 11, 2, 10, 30)}), protected=False)
    wb.apply(WritePlan(tabs=[orders]))
    with _Clock() as read12:
        grid = wb.read(["Orders"])["Orders"]
    assert len(grid) == ROWS + 1
    with _Clock() as edit:
        wb.apply(WritePlan(edits=[TabEdit("Orders", set_cells={(5, 1): "@fixed"}, append=[["new"] * 12] * 100)]))
    with _Clock() as small:
        wb.apply(WritePlan(tabs=[TabWrite("Run Log", [Column("Run")], pd.DataFrame({"Run": ["r1"]}))]))
    print(f"\n{ROWS} rows: write 11 columns {write} ({size / 1e6:.0f} MB file); read 11 columns {read}; "
          f"read 12 columns {read12}; edit + append 100 rows {edit}; small tab beside two big ones {small}")
    assert write.cpu < 60
