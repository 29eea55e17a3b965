"""The same report on the local Google Sheets server: same values, same charts."""

from __future__ import annotations

from pathlib import Path

import sheetops
from sheetops.backends.memory import MemoryWorkbook

from ..backends import factory_gsheets
from .demo import AS_OF, demo_tabs


def _cell(value: object) -> object:
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return round(float(value), 6)
    return str(value)


def _row(row: list[object]) -> list[object]:
    out = [_cell(v) for v in row]
    while out and out[-1] is None:
        out.pop()
    return out


def test_report_on_google_has_the_same_values_and_charts(tmp_path: Path) -> None:
    memory = MemoryWorkbook(demo_tabs())
    sheetops.refresh(memory, as_of=AS_OF)
    google = factory_gsheets.make(tmp_path, demo_tabs())
    sheetops.refresh(google, as_of=AS_OF)
    sid = google.spreadsheet_id if hasattr(google, "spreadsheet_id") else google.id  # type: ignore[attr-defined]
    server = factory_gsheets.server()
    for tab in ("Weekly Report", "QBR"):
        want = [_row(r) for r in memory.tabs[tab]]
        got = [_row(r) for r in google.read([tab])[tab]]
        while want and not want[-1]:
            want.pop()
        assert got == want, f"{tab} differs between the in-memory and the Google backend"
        charts = server.sheet(sid, tab).charts
        specs = memory.meta[tab].charts
        assert len(charts) == len(specs) > 0
        titles = sorted(c["spec"]["title"] for c in charts)
        assert titles == sorted(s.title for s in specs)
        for chart in charts:
            basic = chart["spec"]["basicChart"]
            assert basic["headerCount"] == 1, "series are named from the report table's header row"
