"""The open spreadsheet, read and written as the signed-in user.

The add-on never has credentials of its own for Sheets: each request opens the spreadsheet
with the user's OAuth token from the event (``google.oauth2.credentials.Credentials(token)``
into the ``GoogleSheetsWorkbook`` backend), so the sheet's version history shows the user
and no service account needs to be shared on it. The token lives in this request's memory
only. ``SHEETOPS_SHEETS_API`` points the calls at a local server, as for every backend.

What the sidebar shows is read here in one go (``read_state``); approving last week's
drafts (``approve_week``) and adding the SheetOps tabs to a plain spreadsheet
(``add_tabs``) are the two writes besides a refresh.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..backends.base import Grid, RawCell, TabEdit, WritePlan
from ..backends.gsheets import GoogleSheetsWorkbook
from ..errors import NotASheetOpsWorkbook, SheetOpsError
from ..workbook import schema
from ..workbook.cells import parse_date, parse_money

DRAFT, ON_HOLD, APPROVED = "Draft", "On hold", "Approved"


def open_as_user(spreadsheet_id: str, user_token: str) -> GoogleSheetsWorkbook:
    """The spreadsheet, with the user's own OAuth token as the only credential."""
    import gspread
    from google.oauth2.credentials import Credentials

    from ..cloud.config import retry_policy

    client = gspread.Client(auth=Credentials(user_token))  # type: ignore[no-untyped-call]
    return GoogleSheetsWorkbook(client, spreadsheet_id, retry=retry_policy())


@dataclass
class SheetState:
    """What the sidebar shows of one SheetOps workbook."""

    tabs: dict[str, str]
    last_run: dict[str, RawCell] | None
    payouts: list[tuple[int, dict[str, RawCell]]]
    """(0-based grid row, the row by header) for every Payouts row with a Payout ID."""
    issues: list[dict[str, RawCell]]
    sheet_ids: dict[str, int] = field(default_factory=dict)
    running_since: dt.datetime | None = None
    orders_grid_rows: int = 0
    """The Orders tab's grid size (rows with or without values): a bound when it never ran."""

    def rows_estimate(self) -> int:
        """How many rows the last run read, all tabs together; before the first run, the size
        of the Orders grid (an upper bound of what the first run reads from it)."""
        text = str((self.last_run or {}).get("Rows read") or "")
        read = sum(int(n) for n in re.findall(r"\b(\d+)\b", text))
        return read or self.orders_grid_rows


def _records(grid: Grid | None) -> list[tuple[int, dict[str, RawCell]]]:
    if not grid:
        return []
    header = [str(h or "").strip() for h in grid[0]]
    return [(i, dict(zip(header, list(row) + [None] * (len(header) - len(row)))))
            for i, row in enumerate(grid[1:], start=1)
            if any(v not in (None, "") for v in row) and not schema.is_empty_note(row)]


def read_state(wb: GoogleSheetsWorkbook) -> SheetState:
    """Run Log, Payouts and Issues in one read; raise ``NotASheetOpsWorkbook`` for a sheet
    without the SheetOps tabs."""
    from ..refresh import resolve_tabs

    tabs = resolve_tabs(wb)
    wanted = [tabs[t] for t in (schema.RUN_LOG, schema.PAYOUTS.name, schema.ISSUES) if t in tabs]
    grids = wb.read(wanted)
    runs = _records(grids.get(tabs.get(schema.RUN_LOG, "")))
    payouts = [(i, r) for i, r in _records(grids.get(tabs.get(schema.PAYOUTS.name, ""))) if r.get("Payout ID")]
    issues = [r for _, r in _records(grids.get(tabs.get(schema.ISSUES, "")))]
    info = wb.tab_info()
    orders = next((s.row_count for s in info if s.title == tabs.get("Orders")), 0)
    return SheetState(tabs, runs[-1][1] if runs else None, payouts, issues, {s.title: s.sheet_id for s in info},
                      wb.running_since(), orders)


def is_sheetops(wb: GoogleSheetsWorkbook) -> bool:
    try:
        from ..refresh import resolve_tabs

        resolve_tabs(wb)
    except NotASheetOpsWorkbook:
        return False
    return True


def day(raw: RawCell) -> dt.date | None:
    return parse_date(raw).value if raw not in (None, "") else None


def cents(raw: RawCell) -> int:
    return parse_money(raw).value or 0


def status(row: dict[str, RawCell]) -> str:
    return str(row.get("Status") or "").strip()


@dataclass(frozen=True)
class WeekDrafts:
    """The Draft payouts of the last closed period (the newest Period start on Payouts)."""

    period_start: dt.date | None
    rows: list[tuple[int, str]]
    """(0-based grid row, Payout ID) of each Draft."""
    total_cents: int
    on_hold: list[str]
    """Creators of that period whose payouts are On hold: never approved from here."""

    @property
    def token(self) -> str:
        """What the confirmation showed: the period, how many and how much."""
        return f"{self.period_start}|{len(self.rows)}|{self.total_cents}"


def week_drafts(state: SheetState) -> WeekDrafts:
    starts = [d for _, r in state.payouts if (d := day(r.get("Period start"))) is not None]
    if not starts:
        return WeekDrafts(None, [], 0, [])
    last = max(starts)
    mine = [(i, r) for i, r in state.payouts if day(r.get("Period start")) == last]
    drafts = [(i, r) for i, r in mine if status(r).lower() == DRAFT.lower()]
    held = sorted({str(r.get("Creator") or "") for _, r in mine if status(r).lower() == ON_HOLD.lower()})
    return WeekDrafts(last, [(i, str(r["Payout ID"])) for i, r in drafts],
                      sum(cents(r.get("Total")) for _, r in drafts), held)


class ChangedMeanwhile(SheetOpsError):
    """The Payouts tab changed between the confirmation and the click."""


def approve_week(wb: GoogleSheetsWorkbook, shown: str, email: str) -> WeekDrafts:
    """Set ``Approved`` and ``email`` in ``Approved by`` on exactly the drafts the confirmation
    showed (``shown`` is its ``WeekDrafts.token``), under the run lock, in one write."""
    with wb.lock():
        state = read_state(wb)
        drafts = week_drafts(state)
        if drafts.token != shown or not drafts.rows:
            raise ChangedMeanwhile("The payouts changed since you opened the confirmation (someone edited or "
                                   "refreshed the sheet); nothing was approved. Check them again.")
        grid = wb.read([state.tabs[schema.PAYOUTS.name]])[state.tabs[schema.PAYOUTS.name]]
        header = [str(h or "").strip() for h in grid[0]]
        missing = [c for c in ("Status", "Approved by") if c not in header]
        if missing:
            raise SheetOpsError(f"The Payouts tab has no {' or '.join(missing)} column; refresh the sheet first.")
        col_status, col_by = header.index("Status"), header.index("Approved by")
        cells: dict[tuple[int, int], Any] = {}
        for row, _payout in drafts.rows:
            cells[(row, col_status)] = APPROVED
            cells[(row, col_by)] = email
        wb.apply(WritePlan(edits=[TabEdit(state.tabs[schema.PAYOUTS.name], set_cells=cells)]))
    return drafts


def add_tabs(wb: GoogleSheetsWorkbook) -> None:
    """Add every SheetOps tab (the Google template) to a spreadsheet that has none of them."""
    from ..templates.google import google_template_requests, template_sheet_ids

    existing = {schema.normalize_tab(s.title) for s in wb.tab_info()}
    ids = template_sheet_ids(base=max([s.sheet_id for s in wb.tab_info()] + [0]) + 1000)
    clash = [t for t in ids if schema.normalize_tab(t) in existing]
    if clash:
        raise SheetOpsError(f"This spreadsheet already has a tab named {clash[0]}; rename it, or start from the "
                            "SheetOps template instead.")
    body = json.dumps({"requests": google_template_requests(sheet_ids=ids, warning_only=True)})
    wb.api.batch_update(wb.spreadsheet_id, body.encode("utf-8"))
