"""The Google Sheets backend against the local Sheets API server: request counts, staging,
retries, the run lock, typed cells, links, charts, and the fault matrix."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from typing import Any

import pandas as pd
import pytest

from sheetops.backends.base import ChartSeries, ChartSpec, Column, Link, Money, TabEdit, TabWrite, WritePlan
from sheetops.backends.gsheets import GoogleSheetsWorkbook, create_spreadsheet
from sheetops.backends.gsheets_api import RetryPolicy
from sheetops.backends.gsheets_lock import LOCK_TAB
from sheetops.backends.gsheets_staging import STAGING_PREFIX
from sheetops.errors import AccessDenied, BackendUnavailable, RefreshRunning, SheetOpsError, WorkbookNotFound

from sheetops.testing.sheets_store import _book_snapshot

from . import factory_gsheets as factory

BASE = {
    "Settings": [["Setting", "Value"], ["Currency", "USD"]],
    "Orders": [["Order ID", "GMV", "Notes"], ["O1", 12.5, "keep me"], ["O2", "=1+1", None]],
}


def _lines(rows: int, *, tag: str = "") -> TabWrite:
    """A Commission Lines-like tab: text, money, rate, date, a link per row, one chart."""
    frame = pd.DataFrame(
        {
            "Payout ID": [f"P{i:06d}{tag}" for i in range(rows)],
            "Creator": ["=HYPERLINK(\"http://x\")" if i == 0 else f"@creator{i % 97}" for i in range(rows)],
            "Amount": pd.array([(i * 137) % 100_000 - 500 for i in range(rows)], dtype="Int64"),
            "Rate": pd.array([125_000] * rows, dtype="Int64"),
            "Settled": [dt.date(2026, 1, 1) + dt.timedelta(days=i % 300) for i in range(rows)],
            "Order": [Link("Orders", f"A{i % 2 + 2}", f'Order "O{i % 2 + 1}"') for i in range(rows)],
        }
    )
    columns = [Column("Payout ID"), Column("Creator"), Column("Amount", "money"), Column("Rate", "rate"), Column("Settled", "date"), Column("Order", "link")]
    chart = ChartSpec("line", "Amounts", "Payout ID", (ChartSeries("Amount", "Amount"),), 0, min(rows, 10) - 1, "H2")
    return TabWrite("Commission Lines", columns, frame, dropdowns={"Creator": ("@a", "@b")}, editable=("Creator",), charts=[chart])


def _report() -> TabWrite:
    frame = pd.DataFrame({"Item": ["GMV", "Share", "Owed"], "Value": [Money(123456), 0.25, Money(-1205)]})
    return TabWrite("Weekly Report", [Column("Item"), Column("Value", "mixed")], frame, protected=False)


def _plan(rows: int, *, tag: str = "") -> WritePlan:
    edit = TabEdit("Orders", set_cells={(1, 2): "checked"}, append=[["O3", Money(725), "=2+2"]])
    return WritePlan(tabs=[_lines(rows, tag=tag), _report()], edits=[edit])


def _requests(fn: Any) -> dict[str, int]:
    srv = factory.server()
    srv.reset_counters()
    fn()
    counts = srv.counters().requests
    return {"read": counts["read"], "write": counts["write"]}


def _book(sid: str) -> dict[str, Any]:
    """One spreadsheet's whole state (the server's ``snapshot()`` copies every book)."""
    store = factory.server().store
    with store.lock:
        return _book_snapshot(store, store.books[sid])


def test_requests_per_read_and_apply_do_not_grow_with_rows() -> None:
    seen = []
    for rows in (100, 5000):
        wb = factory.make(None, BASE)  # type: ignore[arg-type]
        wb.apply(_plan(rows))  # the tool tab exists now, with a chart and protections
        fresh = factory.reopen(wb)
        read = _requests(lambda: (fresh.tab_names(), fresh.read(["Orders", "Commission Lines", "Settings"])))
        write = _requests(lambda: fresh.apply(_plan(rows, tag="x")))
        seen.append((read, write))
        assert len(fresh.read(["Commission Lines"])["Commission Lines"]) == rows + 1
    assert seen[0] == seen[1] == ({"read": 2, "write": 0}, {"read": 1, "write": 1})


def test_text_stays_text_and_links_point_at_the_tab() -> None:
    wb = factory.make(None, BASE)  # type: ignore[arg-type]
    wb.apply(_plan(3))
    book = _book(wb.spreadsheet_id)
    gid = {s["properties"]["title"]: s["properties"]["sheetId"] for s in book["sheets"]}
    lines = next(s for s in book["sheets"] if s["properties"]["title"] == "Commission Lines")
    assert lines["cells"][1][1] == '=HYPERLINK("http://x")', "stored as text, not a formula"
    assert lines["cells"][1][5] == {"formula": f'=HYPERLINK("#gid={gid["Orders"]}&range=A2","Order ""O1""")'}
    orders = next(s for s in book["sheets"] if s["properties"]["title"] == "Orders")
    assert orders["cells"][3][2] == "=2+2" and orders["cells"][2][1] == "=1+1"
    rows = factory.reopen(wb).read(["Commission Lines", "Weekly Report"])
    assert rows["Commission Lines"][1][5] == 'Order "O1"'
    assert rows["Weekly Report"][1][1] == pytest.approx(1234.56) and rows["Weekly Report"][3][1] == pytest.approx(-12.05)


def test_tool_tab_dressing_is_in_server_state() -> None:
    wb = factory.make(None, BASE)  # type: ignore[arg-type]
    wb.apply(_plan(20))
    wb.apply(_plan(12))  # a rewrite replaces charts and protections, never piles them up
    sheet = next(s for s in _book(wb.spreadsheet_id)["sheets"] if s["properties"]["title"] == "Commission Lines")
    sid = sheet["properties"]["sheetId"]
    assert sheet["properties"]["gridProperties"] == {"rowCount": 14, "columnCount": 8, "frozenRowCount": 1}
    [chart] = sheet["charts"]
    basic = chart["spec"]["basicChart"]
    assert basic["chartType"] == "LINE" and basic["domains"][0]["domain"]["sourceRange"]["sources"][0]["sheetId"] == sid
    assert chart["position"]["overlayPosition"]["anchorCell"] == {"sheetId": sid, "rowIndex": 1, "columnIndex": 7}
    [protection] = sheet["protectedRanges"]
    assert protection["warningOnly"] is False and protection["editors"]["users"] == [factory.email()]
    assert protection["unprotectedRanges"] == [{"sheetId": sid, "startRowIndex": 1, "startColumnIndex": 1, "endColumnIndex": 2}]
    live = factory.server().sheet(wb.spreadsheet_id, "Commission Lines")
    assert live.validation_at(12, 1)["condition"]["type"] == "ONE_OF_LIST"
    assert live.validation_at(13, 1) is None and live.validation_at(1, 0) is None and live.validation_at(0, 1) is None
    assert [live.number_format_at(12, c)["pattern"] for c in (2, 3, 4)] == ["#,##0.00", "0.00%", "yyyy-mm-dd"]
    assert live.format_at(0, 0)["textFormat"]["bold"] is True and live.number_format_at(0, 2) is None
    assert len(sheet["cells"]) == 13, "stale rows of the longer write are gone"


def test_hidden_tab_and_grid_growth_for_edits() -> None:
    sid = factory.server().seed("small", {"Orders": [["Order ID", "GMV", "Notes"], ["O1", 1, "x"]]}, input_option="RAW", rows=2, cols=3)
    wb = factory.workbook(sid)
    ledger = TabWrite("Ledger", [Column("Key")], pd.DataFrame({"Key": ["k"]}), hidden=True)
    edit = TabEdit("Orders", add_headers={4: "Status"}, append=[["O2", 2.5, None, None, "ok"]])
    wb.apply(WritePlan(tabs=[ledger], edits=[edit]))
    assert "Ledger" in wb.tab_names()
    book = _book(sid)
    assert next(s for s in book["sheets"] if s["properties"]["title"] == "Ledger")["properties"]["hidden"] is True
    rows = wb.read(["Orders"])["Orders"]
    assert rows[0] == ["Order ID", "GMV", "Notes", None, "Status"] and rows[2] == ["O2", 2.5, None, None, "ok"]


def _recorder(wb: GoogleSheetsWorkbook) -> list[tuple[str, str, int]]:
    """Record (method, path, body bytes) of every request the backend sends."""
    sent: list[tuple[str, str, int]] = []
    inner = wb.api.transport

    def transport(method: str, url: str, *, params: Any, body: bytes | None) -> Any:
        sent.append((method, url.split("/v4/spreadsheets/", 1)[-1], len(body or b"")))
        return inner(method, url, params=params, body=body)

    wb.api.transport = transport
    return sent


def test_staging_writes_big_tabs_in_bounded_chunks_then_swaps() -> None:
    wb = factory.make(None, BASE)  # type: ignore[arg-type]
    wb.apply(_plan(50))
    old_id = next(s.sheet_id for s in wb._metadata() if s.title == "Commission Lines")
    small = factory.workbook(wb.spreadsheet_id, max_request_bytes=40_000, staging_chunk_bytes=40_000)
    sent = _recorder(small)
    small.apply(_plan(2000, tag="s"))
    kinds = ["values" if "/values:batchUpdate" in p else "batch" if p.endswith(":batchUpdate") else m for m, p, _ in sent]
    assert kinds[0] == "GET" and kinds[1] == kinds[-1] == "batch", "metadata, prepare, ..., swap"
    chunks = kinds[2:-1]
    first_batch = chunks.index("batch")
    assert first_batch >= 2 and set(chunks[:first_batch]) == {"values"} and set(chunks[first_batch:]) == {"batch"}
    assert all(size <= 40_000 for _, _, size in sent[:-1]), "every staging request is within the limit"
    assert sent[-1][2] <= 40_000, "the swap carries the small tabs and edits, within the limit"
    reread = factory.reopen(wb)
    names = reread.tab_names()
    assert names[:2] == ["Settings", "Orders"] and "Commission Lines" in names
    assert not [n for n in names if n.startswith(STAGING_PREFIX)]
    rows = reread.read(["Commission Lines"])["Commission Lines"]
    assert len(rows) == 2001 and rows[1][0] == "P000000s" and rows[1][1] == '=HYPERLINK("http://x")'
    book = _book(wb.spreadsheet_id)
    titles = [s["properties"]["title"] for s in book["sheets"]]
    assert titles.index("Commission Lines") == 2, "the new tab takes the old one's place"
    sheet = book["sheets"][2]
    assert sheet["properties"]["sheetId"] != old_id and not sheet["properties"].get("hidden")
    assert len(sheet["charts"]) == 1 and len(sheet["protectedRanges"]) == 1
    orders_gid = next(x["properties"]["sheetId"] for x in book["sheets"] if x["properties"]["title"] == "Orders")
    assert sheet["cells"][1][5]["formula"].startswith(f'=HYPERLINK("#gid={orders_gid}&range=A2"')
    live = factory.server().sheet(wb.spreadsheet_id, "Commission Lines")
    assert live.number_format_at(2000, 2)["pattern"] == "#,##0.00" and live.number_format_at(1, 4)["pattern"] == "yyyy-mm-dd"
    live = factory.server().sheet(wb.spreadsheet_id, "Commission Lines")
    assert live.number_format_at(2000, 2)["pattern"] == "#,##0.00" and live.number_format_at(1, 4)["pattern"] == "yyyy-mm-dd"


def test_retries_429_and_503_then_succeeds() -> None:
    wb = factory.make(None, BASE)  # type: ignore[arg-type]
    sleeps: list[float] = []
    wb = factory.workbook(wb.spreadsheet_id, retry=RetryPolicy(sleep=sleeps.append))
    srv = factory.server()
    srv.inject(429, path=r":batchUpdate$")
    srv.inject(503, path=r":batchUpdate$", nth=2)
    srv.inject(503, path=r"/v4/spreadsheets/[^/:]+$")
    wb.apply(_plan(5))
    srv.traffic.clear_faults()
    assert len(sleeps) == 3 and all(0 <= s <= 16 for s in sleeps)
    assert len(wb.read(["Commission Lines"])["Commission Lines"]) == 6


def test_gives_up_with_backend_unavailable_and_changes_nothing() -> None:
    wb = factory.make(None, BASE)  # type: ignore[arg-type]
    before = _book(wb.spreadsheet_id)
    sleeps: list[float] = []
    wb = factory.workbook(wb.spreadsheet_id, retry=RetryPolicy(attempts=4, sleep=sleeps.append))
    fault = factory.server().inject(503, path=r":batchUpdate$", times=100)
    with pytest.raises(BackendUnavailable, match="try again in a few minutes"):
        wb.apply(_plan(5))
    factory.server().traffic.clear_faults()
    assert fault.fired == 4 and len(sleeps) == 3
    assert _book(wb.spreadsheet_id) == before


def test_missing_spreadsheet_says_to_share() -> None:
    with pytest.raises(WorkbookNotFound, match=re.escape(factory.email())):
        factory.workbook("no-such-sheet").tab_names()


def test_lock_contention_expiry_and_release() -> None:
    wb = factory.make(None, BASE)  # type: ignore[arg-type]
    t0 = dt.datetime(2026, 11, 9, 10, 0, tzinfo=dt.timezone.utc)
    crashed = factory.workbook(wb.spreadsheet_id, clock=lambda: t0)
    held = crashed.lock()
    held.__enter__()  # a run that never ends (crashed without releasing)
    assert LOCK_TAB not in crashed.tab_names()
    soon = factory.workbook(wb.spreadsheet_id, clock=lambda: t0 + dt.timedelta(seconds=50))
    with pytest.raises(RefreshRunning, match=r"Another refresh of SheetOps contract started at 2026-11-09 10:00 UTC"):
        with soon.lock():
            pass
    later = factory.workbook(wb.spreadsheet_id, clock=lambda: t0 + dt.timedelta(seconds=61))  # no heartbeat for 60 s
    with later.lock() as note:
        assert note and "stopped without releasing" in note
        with pytest.raises(RefreshRunning):
            with factory.workbook(wb.spreadsheet_id, clock=lambda: t0 + dt.timedelta(seconds=90)).lock():
                pass
        held.__exit__(None, None, None)  # the crashed run wakes up: it must not free our lock
        assert any(s["properties"]["title"] == LOCK_TAB for s in _book(wb.spreadsheet_id)["sheets"])
    assert not any(s["properties"]["title"] == LOCK_TAB for s in _book(wb.spreadsheet_id)["sheets"])


def _normal(book: dict[str, Any]) -> dict[str, Any]:
    """A spreadsheet's state with ids that differ between equal spreadsheets replaced:
    sheetIds by tab titles, server-made ids dropped."""
    book = copy.deepcopy(book)
    titles = {s["properties"]["sheetId"]: s["properties"]["title"] for s in book["sheets"]}
    text = json.dumps(book)
    text = re.sub(r'"sheetId": (\d+)', lambda m: '"sheetId": ' + json.dumps(titles.get(int(m.group(1)), "?")), text)
    text = re.sub(r"#gid=(\d+)", lambda m: "#gid=" + titles.get(int(m.group(1)), "?"), text)
    out = json.loads(text)
    for key in ("spreadsheetId", "spreadsheetUrl"):
        out.pop(key, None)

    def scrub(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("protectedRangeId", "chartId"):
                node.pop(key, None)
            for value in node.values():
                scrub(value)
        elif isinstance(node, list):
            for value in node:
                scrub(value)

    scrub(out)
    return out


def _fault_matrix(limit: int, rows: int) -> int:
    """Fail each request of one apply in turn (retries exhausted): the spreadsheet must be
    exactly as before, or exactly as after a clean apply. Returns the number of requests."""
    srv = factory.server()

    def start() -> GoogleSheetsWorkbook:
        wb = factory.make(None, BASE)  # type: ignore[arg-type]
        wb.apply(_plan(40))
        return factory.workbook(wb.spreadsheet_id, max_request_bytes=limit, staging_chunk_bytes=limit, retry=RetryPolicy(attempts=2, sleep=lambda _s: None))

    clean = start()
    old = _normal(_book(clean.spreadsheet_id))
    sent = _recorder(clean)
    clean.apply(_plan(rows, tag="n"))
    new = _normal(_book(clean.spreadsheet_id))
    assert new != old
    for n in range(1, len(sent) + 1):
        wb = start()
        assert _normal(_book(wb.spreadsheet_id)) == old
        srv.inject(503, nth=n, times=2, path=r"^/v4/")
        with pytest.raises(BackendUnavailable):
            wb.apply(_plan(rows, tag="n"))
        srv.traffic.clear_faults()
        state = _normal(_book(wb.spreadsheet_id))
        assert state == old or state == new, f"request {n} of {len(sent)} left a mixed state"
    return len(sent)


def test_fault_matrix_direct() -> None:
    assert _fault_matrix(2_000_000, 30) == 2


def test_fault_matrix_staged() -> None:
    assert _fault_matrix(12_000, 300) > 5


@pytest.mark.parametrize("limit", [2_000_000, 12_000], ids=["direct", "staged"])
def test_lost_answers_leave_old_or_new_state(limit: int) -> None:
    """The request reaches Google and is applied, but the answer is lost (the ambiguous
    failure a retry cannot see through): still never a mixed state."""
    def start() -> GoogleSheetsWorkbook:
        wb = factory.make(None, BASE)  # type: ignore[arg-type]
        wb.apply(_plan(40))
        return factory.workbook(wb.spreadsheet_id, max_request_bytes=limit, staging_chunk_bytes=limit, retry=RetryPolicy(attempts=2, sleep=lambda _s: None))

    clean = start()
    old = _normal(_book(clean.spreadsheet_id))
    sent = _recorder(clean)
    clean.apply(_plan(300, tag="n"))
    new = _normal(_book(clean.spreadsheet_id))
    outcomes = set()
    for n in range(1, len(sent) + 1):
        wb = start()
        inner, count = wb.api.transport, [0]

        def lossy(method: str, url: str, *, params: Any, body: bytes | None) -> Any:
            count[0] += 1
            reply = inner(method, url, params=params, body=body)
            if count[0] == n:
                raise ConnectionResetError("answer lost")
            return reply

        wb.api.transport = lossy
        try:
            wb.apply(_plan(300, tag="n"))
        except SheetOpsError:
            pass
        state = _normal(_book(wb.spreadsheet_id))
        assert state in (old, new), f"lost answer {n} of {len(sent)} left a mixed state"
        outcomes.add("new" if state == new else "old")
    assert "new" in outcomes


def test_open_with_local_server_and_token(monkeypatch: pytest.MonkeyPatch) -> None:
    srv = factory.server()
    sid = srv.seed("Env sheet", BASE, input_option="RAW")
    monkeypatch.setenv("SHEETOPS_SHEETS_API", srv.url)
    monkeypatch.setenv("SHEETOPS_GOOGLE_TOKEN", srv.issue_token())
    wb = GoogleSheetsWorkbook.open(sid)
    assert wb.tab_names() == ["Settings", "Orders"] and wb.label == "Env sheet"
    monkeypatch.setenv("SHEETOPS_SHEETS_API", "https://sheets.example.com")
    with pytest.raises(AccessDenied, match="local test server"):
        GoogleSheetsWorkbook.open(sid)


def test_create_spreadsheet_applies_the_template() -> None:
    srv = factory.server()
    sid, url = create_spreadsheet("Fall creators", client=factory.client(), base_url=srv.url,
                                  folder=factory.team_drive())
    assert sid in url
    wb = factory.workbook(sid)
    names = wb.tab_names()
    assert names[:4] == ["Start Here", "Settings", "Creators", "Campaigns"] and "Orders" in names and "Payouts" in names
    assert "Sheet1" not in names
    grids = wb.read(["Settings", "Orders"])
    assert grids["Settings"][1][:2] == ["Currency", "USD"]
    assert grids["Orders"][0][:2] == ["Order ID", "SKU ID"]
    book = _book(sid)
    orders = next(s for s in book["sheets"] if s["properties"]["title"] == "Orders")
    assert orders["properties"]["gridProperties"]["frozenRowCount"] == 1
    payouts = next(s for s in book["sheets"] if s["properties"]["title"] == "Payouts")
    assert len(payouts["protectedRanges"]) == 1
    status = srv.sheet(sid, "Orders").validation_at(5, 8)
    assert status["condition"]["values"][0] == {"userEnteredValue": "Pending"}


def test_stale_staging_tabs_are_cleaned_up_next_run() -> None:
    wb = factory.make(None, BASE)  # type: ignore[arg-type]
    small = factory.workbook(wb.spreadsheet_id, max_request_bytes=12_000, staging_chunk_bytes=12_000, retry=RetryPolicy(attempts=1, sleep=lambda _s: None))
    factory.server().inject(503, nth=3, times=100, path=r"^/v4/")  # a chunk fails, and so does the cleanup
    with pytest.raises(BackendUnavailable):
        small.apply(_plan(300))
    factory.server().traffic.clear_faults()
    titles = [s["properties"]["title"] for s in _book(wb.spreadsheet_id)["sheets"]]
    assert any(t.startswith(STAGING_PREFIX) for t in titles) and "Commission Lines" not in titles
    assert small.tab_names() == ["Settings", "Orders"], "staging tabs are never listed"
    small.apply(_plan(300))
    titles = [s["properties"]["title"] for s in _book(wb.spreadsheet_id)["sheets"]]
    assert not any(t.startswith(STAGING_PREFIX) for t in titles) and "Commission Lines" in titles


def test_tab_measured_too_big_is_staged() -> None:
    """A tab whose cells look small but whose requests are not (links) is measured and staged."""
    wb = factory.make(None, BASE)  # type: ignore[arg-type]
    small = factory.workbook(wb.spreadsheet_id, max_request_bytes=25_000, staging_chunk_bytes=25_000)
    sent = _recorder(small)
    small.apply(_plan(100))
    assert any("/values:batchUpdate" in p for _, p, _ in sent)
    rows = factory.reopen(wb).read(["Commission Lines", "Weekly Report"])
    assert len(rows["Commission Lines"]) == 101 and rows["Commission Lines"][100][5] == 'Order "O2"'
    assert len(rows["Weekly Report"]) == 4


@pytest.mark.slow
def test_hundred_thousand_rows_take_a_bounded_number_of_requests() -> None:
    wb = factory.make(None, BASE)  # type: ignore[arg-type]
    sent = _recorder(wb)
    wb.apply(WritePlan(tabs=[_lines(100_000)]))
    # metadata, prepare, one or two 8 MB chunks of values, links, swap: a handful, whatever the rows
    assert len(sent) <= 8 and all(size <= 10 * 1024 * 1024 for _, _, size in sent), [s for _, _, s in sent]
    assert len(factory.reopen(wb).read(["Commission Lines"])["Commission Lines"]) == 100_001


def test_create_says_where_the_sheet_is_when_sharing_fails() -> None:
    srv = factory.server()
    srv.inject(500, path="permissions", times=10)  # Drive keeps refusing to share
    try:
        with pytest.raises(SheetOpsError, match=r"created at https://docs\.google\.com/.*share it by hand"):
            create_spreadsheet("Shared", share="mia@example.com", client=factory.client(), base_url=srv.url,
                               folder=factory.team_drive(),
                               retry=RetryPolicy(sleep=lambda _s: None))
    finally:
        srv.traffic.clear_faults()


def test_create_shares_the_sheet() -> None:
    sid, _ = create_spreadsheet("Shared ok", share="mia@example.com", client=factory.client(),
                                base_url=factory.server().url, folder=factory.team_drive())
    assert sid


def test_filters_status_colours_and_tab_colour_hold_across_rewrites() -> None:
    """Issue #15: a filter on the header, one conditional format per Status word that never
    piles up, and the tool's grey tab colour, after any number of writes."""
    fills = {"Draft": "FFF2CC", "Paid": "A9D08E"}
    wb = factory.make(None, BASE)  # type: ignore[arg-type]
    for rows in (20, 12, 12):
        plan = _plan(rows)
        plan.tabs[0].highlights = {"Creator": fills}
        wb.apply(plan)
    sheet = next(s for s in _book(wb.spreadsheet_id)["sheets"] if s["properties"]["title"] == "Commission Lines")
    sid = sheet["properties"]["sheetId"]
    assert sheet["basicFilter"]["range"] == {"sheetId": sid, "startRowIndex": 0, "endRowIndex": 13,
                                             "startColumnIndex": 0, "endColumnIndex": 6}
    rules = sheet["conditionalFormats"]
    assert sorted(r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in rules) == ["Draft", "Paid"]
    assert all(r["ranges"][0]["startColumnIndex"] == 1 and r["ranges"][0]["startRowIndex"] == 1 for r in rules)
    assert sheet["properties"]["tabColorStyle"]["rgbColor"]["red"] == pytest.approx(0x9E / 255)
