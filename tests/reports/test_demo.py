"""The demo program fills every section of both reports, and each chart checks out."""

from __future__ import annotations

import sheetops
from sheetops.backends.memory import MemoryWorkbook
from sheetops.reports.qbr import SEGMENTS

from .demo import AS_OF, demo_tabs
from .helpers import grid, section
from .test_charts import check_charts


def test_demo_fills_every_section() -> None:
    wb = MemoryWorkbook(demo_tabs())
    result = sheetops.refresh(wb, as_of=AS_OF)
    assert result.issues["error"] == 0
    weekly, qbr = grid(wb, "Weekly Report"), grid(wb, "QBR")
    for heading in ("Headline numbers", "Net GMV by week", "Top 10 creators", "Campaigns against target",
                    "New creators", "Biggest drops"):
        assert section(weekly, heading), heading
    assert [r["Creator"] for r in section(weekly, "New creators")] == ["newbienina"]
    assert "cookingwithkai" in [r["Creator"] for r in section(weekly, "Biggest drops")]
    for s in SEGMENTS:
        assert section(qbr, f"{s.name}: "), s.name
    assert [r["Creator"] for r in section(qbr, "Dormant: ")] == ["summersue"]
    assert len(wb.meta["Weekly Report"].charts) == 3 and len(wb.meta["QBR"].charts) == 2
    check_charts(wb.meta["Weekly Report"])
    check_charts(wb.meta["QBR"])
