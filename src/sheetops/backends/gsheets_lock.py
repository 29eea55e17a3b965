"""The run lock of a Google Sheet, kept in the spreadsheet itself.

The lock is a hidden, protected tab ``SheetOps Lock`` whose row 2 holds the owner id (a
token unique to the run), when the run started, and when the lock expires. Creating a tab
whose title already exists is refused by Google, so ``addSheet`` is an atomic test-and-set:
the one ``batchUpdate`` that adds the tab and writes the owner either wins whole or fails
whole. That request also asks for the spreadsheet in its answer
(``includeSpreadsheetInResponse``, trimmed by ``fields``): the answer confirms our lock tab
is there (no re-read) and gives the backend the tab list it reads and writes by, so taking
the lock costs one request. The backend may release the lock inside its final write
(``release_requests``), so that writing and letting go are one atomic step; a run whose
lock was taken over then has its write refused instead of overwriting the new holder's.

Locks heal after a blip:

- taking is idempotent: when the answer to our create is lost and the retry is refused
  (the tab exists), the lock tab we then find carries our own token, so we hold it;
- while a run holds the lock, a heartbeat (a daemon thread) moves ``Expires`` forward every
  ``HEARTBEAT_EVERY`` seconds; a lock whose ``Expires`` has passed (no heartbeat for
  ``stale_after`` seconds: its run died) is stale, and is taken over by deleting that exact
  tab (by its sheetId) and adding a new one in one ``batchUpdate``; if two runs race for it,
  only one delete can succeed. The taker gets a sentence for the Run Log;
- a run that fails while taking the lock removes the lock tab if it carries its token, and
  releasing is retried; a lock that still could not be removed expires within
  ``stale_after`` seconds, because nothing renews it any more.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import socket
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import RefreshRunning, SheetOpsError
from .gsheets_api import RequestRejected, SheetsApi, encode
from .gsheets_cells import quote_tab
from .gsheets_requests import add_sheet

LOCK_TAB = "SheetOps Lock"
LOCK_HEADER = ["Owner", "Started", "Expires"]
STALE_AFTER = 60.0
"""Seconds after the last heartbeat when a lock is a dead run's."""
HEARTBEAT_EVERY = 15.0
RELEASE_ATTEMPTS = 3


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
    stale_after: float = STALE_AFTER
    clock: Callable[[], dt.datetime] = utc_now
    owner: str = field(default_factory=new_owner)
    editor: str | None = None
    sheet_id: int | None = None
    took_over: str | None = None
    """A sentence for the Run Log when this run took over a dead run's lock."""
    meta_fields: str = "properties.title,sheets.properties"
    """What the lock take's answer carries about the spreadsheet (a ``fields`` mask)."""
    on_metadata: Callable[[dict[str, Any]], None] | None = None
    """Called with the spreadsheet as it was right after our lock tab was added."""

    def acquire(self) -> None:
        """Hold the lock, or raise ``RefreshRunning`` naming when the other run started. On any
        other failure, a lock tab carrying our token is removed before the error goes on."""
        try:
            self._acquire()
        except RefreshRunning:
            raise
        except Exception:
            self._drop_ours()
            raise

    def _acquire(self) -> None:
        for _ in range(3):
            if self._try_create(replace=None):
                return
            holder, sheet_id = self._holder()
            if holder is None or sheet_id is None:
                continue  # released between our attempt and our look: try again
            if holder.owner == self.owner:  # our create was applied; its answer was lost
                self.sheet_id = sheet_id
                return
            expires = holder.expires
            if expires is not None and expires > self.clock():
                started = holder.started.strftime("%Y-%m-%d %H:%M UTC") if holder.started else "a moment ago"
                raise RefreshRunning(
                    f"Another refresh of {self.label} started at {started} is running; "
                    "try again in a few minutes."
                )
            if self._try_create(replace=sheet_id):
                started = holder.started.strftime("%Y-%m-%d %H:%M UTC") if holder.started else "earlier"
                self.took_over = (f"A refresh of {self.label} started at {started} stopped without releasing its "
                                  "run lock (no heartbeat for a minute); this run took the lock over.")
                return
        raise RefreshRunning(f"Another refresh of {self.label} is starting; try again in a few minutes.")

    def heartbeat(self) -> None:
        """Move ``Expires`` forward (called every ``HEARTBEAT_EVERY`` seconds while held)."""
        if self.sheet_id is None:
            return
        expires = self.clock().astimezone(dt.timezone.utc) + dt.timedelta(seconds=self.stale_after)
        self.api.values_update(self.spreadsheet_id, f"{quote_tab(LOCK_TAB)}!C2",
                               [[expires.isoformat(timespec="seconds")]])

    def release_requests(self) -> list[dict[str, Any]]:
        """The request that deletes our lock tab, for a final write that also releases the
        lock (then call ``released()`` once that write succeeded)."""
        return [] if self.sheet_id is None else [{"deleteSheet": {"sheetId": self.sheet_id}}]

    def released(self) -> None:
        """The lock tab was deleted by a write that carried ``release_requests()``."""
        self.sheet_id = None

    def release(self) -> None:
        """Delete our lock tab (by its own sheetId: if another run took the lock over after
        it went stale, our tab is already gone and theirs stays). Retried; a lock that still
        cannot be deleted goes stale within ``stale_after`` seconds."""
        if self.sheet_id is None:
            return
        sheet_id, self.sheet_id = self.sheet_id, None
        body = encode({"requests": [{"deleteSheet": {"sheetId": sheet_id}}]})
        for _ in range(RELEASE_ATTEMPTS):
            try:
                self.api.batch_update(self.spreadsheet_id, body)
                return
            except RequestRejected:  # already gone (a lost answer, or taken over)
                return
            except SheetOpsError:
                continue

    def _drop_ours(self) -> None:
        """Best effort, after a failed take: delete the lock tab if it carries our token."""
        try:
            holder, sheet_id = self._holder()
            if holder is not None and holder.owner == self.owner:
                self.sheet_id = sheet_id
        except SheetOpsError:
            pass
        self.release()

    def _try_create(self, *, replace: int | None) -> bool:
        now = self.clock().astimezone(dt.timezone.utc)
        expires = now + dt.timedelta(seconds=self.stale_after)
        sheet_id = random.randint(1_000_000, 2**31 - 1)
        self.sheet_id = None
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
        body = encode({"requests": requests, "includeSpreadsheetInResponse": True})
        try:
            answer = self.api.batch_update(self.spreadsheet_id, body,
                                           fields=f"updatedSpreadsheet({self.meta_fields})")
        except RequestRejected:
            return False
        spreadsheet = answer.get("updatedSpreadsheet") or {}
        titles = {int(p.get("sheetId", -1)): p.get("title") for p in
                  (s.get("properties") or {} for s in spreadsheet.get("sheets") or [])}
        if titles.get(sheet_id) != LOCK_TAB:  # Google applied it, so this cannot happen; stay safe
            holder, found = self._holder()
            if holder is None or holder.owner != self.owner:
                return False
            sheet_id = found if found is not None else sheet_id
        self.sheet_id = sheet_id
        self._title(spreadsheet)
        if self.on_metadata is not None:
            self.on_metadata(spreadsheet)
        return True

    def _title(self, spreadsheet: dict[str, Any]) -> None:
        title = (spreadsheet.get("properties") or {}).get("title")
        if title:
            self.label = str(title)

    def _holder(self) -> tuple[LockHolder | None, int | None]:
        """Who holds the lock and the lock tab's sheetId (None, None when there is none):
        one ``spreadsheets.get`` of the lock tab's row 2 (a missing tab is a 400)."""
        fields = "properties.title,sheets(properties(sheetId,title),data.rowData.values.effectiveValue)"
        try:
            data = self.api.get(self.spreadsheet_id, fields, ranges=[f"{quote_tab(LOCK_TAB)}!A2:C2"])
        except RequestRejected:
            return None, None
        self._title(data)
        for sheet in data.get("sheets") or []:
            props = sheet.get("properties") or {}
            if props.get("title") != LOCK_TAB:
                continue
            rows = ((sheet.get("data") or [{}])[0].get("rowData") or [{}])
            cells = [_effective(c) for c in (rows[0].get("values") or [])] if rows else []
            row = (cells + ["", "", ""])[:3]
            return LockHolder(str(row[0]), _when(row[1]), _when(row[2])), int(props["sheetId"])
        return None, None


def _effective(cell: dict[str, Any]) -> Any:
    value = cell.get("effectiveValue") or {}
    return next(iter(value.values()), "") if isinstance(value, dict) else ""


def _protection(sheet_id: int, editor: str | None) -> dict[str, Any]:
    protected: dict[str, Any] = {
        "range": {"sheetId": sheet_id},
        "description": "SheetOps: run lock, removed when the refresh ends",
        "warningOnly": False,
    }
    if editor:
        protected["editors"] = {"users": [editor]}
    return {"addProtectedRange": {"protectedRange": protected}}
