"""The run lock of a Google Sheet, kept in the spreadsheet itself.

The lock is a hidden, protected tab ``SheetOps Lock`` whose row 2 holds the owner id, when
the run started, and when the lock expires. Creating a tab whose title already exists is
refused by Google, so ``addSheet`` is an atomic test-and-set: the one ``batchUpdate`` that
adds the tab and writes the owner either wins whole or fails whole. The winner re-reads the
tab to confirm it is the owner. An expired lock (a run that crashed) is taken over by
deleting that exact tab (by its sheetId) and adding a new one in one ``batchUpdate``; if two
runs race for it, only one delete can succeed. Releasing deletes the tab.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import socket
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import RefreshRunning
from .gsheets_api import RequestRejected, SheetsApi, encode
from .gsheets_cells import quote_tab
from .gsheets_requests import add_sheet

LOCK_TAB = "SheetOps Lock"
LOCK_HEADER = ["Owner", "Started", "Expires"]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def new_owner() -> str:
    """An id unique to this run: host, process and a random part (no secrets)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


@dataclass
class LockHolder:
    owner: str
    started: dt.datetime | None
    expires: dt.datetime | None


def _when(text: Any) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


@dataclass
class SheetLock:
    """Take and release the lock of one spreadsheet (see the module doc)."""

    api: SheetsApi
    spreadsheet_id: str
    label: str
    minutes: float = 15.0
    clock: Callable[[], dt.datetime] = utc_now
    owner: str = field(default_factory=new_owner)
    editor: str | None = None
    sheet_id: int | None = None

    def acquire(self) -> None:
        """Hold the lock, or raise ``RefreshRunning`` naming when the other run started."""
        for _ in range(3):
            if self._try_create(replace=None):
                return
            holder, sheet_id = self._holder()
            if holder is None or sheet_id is None:
                continue  # released between our attempt and our look: try again
            expires = holder.expires
            if expires is not None and expires > self.clock():
                started = holder.started.strftime("%Y-%m-%d %H:%M UTC") if holder.started else "a moment ago"
                raise RefreshRunning(
                    f"Another refresh of {self.label} started at {started} is running; "
                    "try again in a few minutes."
                )
            if self._try_create(replace=sheet_id):
                return
        raise RefreshRunning(f"Another refresh of {self.label} is starting; try again in a few minutes.")

    def release(self) -> None:
        """Delete our lock tab (by its own sheetId: if another run took the lock over after
        it expired, our tab is already gone and theirs stays)."""
        if self.sheet_id is None:
            return
        sheet_id, self.sheet_id = self.sheet_id, None
        try:
            self.api.batch_update(self.spreadsheet_id, encode({"requests": [{"deleteSheet": {"sheetId": sheet_id}}]}))
        except RequestRejected:
            pass

    def _try_create(self, *, replace: int | None) -> bool:
        now = self.clock().astimezone(dt.timezone.utc)
        expires = now + dt.timedelta(minutes=self.minutes)
        sheet_id = random.randint(1_000_000, 2**31 - 1)
        row = [self.owner, now.isoformat(timespec="seconds"), expires.isoformat(timespec="seconds")]
        requests: list[dict[str, Any]] = [] if replace is None else [{"deleteSheet": {"sheetId": replace}}]
        requests += [
            add_sheet(sheet_id, LOCK_TAB, hidden=True),
            {
                "updateCells": {
                    "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                    "rows": [{"values": [{"userEnteredValue": {"stringValue": v}} for v in r]} for r in (LOCK_HEADER, row)],
                    "fields": "userEnteredValue",
                }
            },
            _protection(sheet_id, self.editor),
        ]
        try:
            self.api.batch_update(self.spreadsheet_id, encode({"requests": requests}))
        except RequestRejected:
            return False
        holder, found = self._holder()
        if holder is not None and holder.owner == self.owner and found == sheet_id:
            self.sheet_id = sheet_id
            return True
        return False

    def _holder(self) -> tuple[LockHolder | None, int | None]:
        """Who holds the lock and the lock tab's sheetId (None, None when there is none)."""
        data = self.api.get(self.spreadsheet_id, "sheets.properties(sheetId,title)")
        sheet_id = next(
            (
                int(s["properties"]["sheetId"])
                for s in data.get("sheets") or []
                if s.get("properties", {}).get("title") == LOCK_TAB
            ),
            None,
        )
        if sheet_id is None:
            return None, None
        try:
            values = self.api.values_get(self.spreadsheet_id, f"{quote_tab(LOCK_TAB)}!A2:C2").get("values") or [[]]
        except RequestRejected:
            return None, None
        row = (values[0] + ["", "", ""])[:3]
        return LockHolder(str(row[0]), _when(row[1]), _when(row[2])), sheet_id


def _protection(sheet_id: int, editor: str | None) -> dict[str, Any]:
    protected: dict[str, Any] = {
        "range": {"sheetId": sheet_id},
        "description": "SheetOps: run lock, removed when the refresh ends",
        "warningOnly": False,
    }
    if editor:
        protected["editors"] = {"users": [editor]}
    return {"addProtectedRange": {"protectedRange": protected}}
