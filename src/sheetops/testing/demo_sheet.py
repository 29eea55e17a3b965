"""A SheetOps demo workbook on the local Sheets API server, for trying things by hand.

``python -m sheetops.testing.sheets_server --seed-demo`` calls ``seed_demo`` and prints the
new spreadsheet's ID, so that ``sheetops run gsheet:<ID>`` or a local cloud function has a
realistic sheet to refresh.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the server's command line imports this module
    from .sheets_server import SheetsServer


def seed_demo(server: SheetsServer, *, orders: int = 200, seed: int = 1, title: str = "SheetOps demo",
              today: dt.date | None = None) -> str:
    """Create the Google template filled with demo data (``orders`` order lines); its ID."""
    from ..demo.data import make_demo
    from ..templates.google import google_demo_requests, google_template_requests

    created = server.store.create({"properties": {"title": title}})
    sid = str(created["spreadsheetId"])
    first = [int(s["properties"]["sheetId"]) for s in created.get("sheets") or []]
    demo = make_demo(orders=orders, seed=seed, today=today or dt.date.today())
    requests = google_template_requests() + [{"deleteSheet": {"sheetId": i}} for i in first]
    server.store.batch_update(sid, {"requests": requests})
    server.store.batch_update(sid, {"requests": google_demo_requests(demo)})
    return sid
