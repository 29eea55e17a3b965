"""The Google Sheets backend: one spreadsheet, read and written through Sheets API v4.

Requests per refresh are constant in the number of rows: two writes and one or two reads.

- ``lock``: one ``batchUpdate`` takes the run lock and answers with the spreadsheet's tabs
  (see ``gsheets_lock``), which ``tab_names``, ``read`` and ``apply`` then use;
- ``read``: one ``values.batchGet`` of every requested tab (unformatted values, date
  serials); without the lock (a dry run) one ``spreadsheets.get`` first;
- ``apply``: one atomic ``spreadsheets.batchUpdate`` holding every tab and edit of the plan,
  and, for the last write of a run (``WritePlan.last``), the lock's release. The tabs it
  writes by are those the lock take saw; if people changed tabs meanwhile so that Google
  refuses the write (nothing applied), the tabs are read again and the write is rebuilt
  once. A refresh's plan adds one ``values.batchGet`` of Payouts
  just before the ``batchUpdate``, so that what people typed meanwhile is kept
  (``sheetops.late_edits``; Google has no conditional write, so an edit typed during that
  last request's round trip is the one that can still be lost). When that body would exceed ``max_request_bytes``
  (Google advises about 2 MB), the biggest tabs go through hidden staging tabs (see
  ``gsheets_staging``): a prepare request, data chunks bounded by bytes, then the one
  atomic swap;
- a heartbeat: one small write every 15 seconds while a run lasts longer than that;
- an unchanged spreadsheet (``RemembersRuns``): each full refresh keeps, in the same atomic
  ``batchUpdate`` as its results, a small state in developer metadata on the spreadsheet
  (``gsheets_state``): a fingerprint of what that run read, its as-of date, the code and its
  answer. The lock take's answer carries that state; ``last_run`` reads the tabs a refresh
  reads (the same one ``values.batchGet``, which ``read`` then serves) and fingerprints
  them. When the fingerprint is the one kept, the last run's write changed nothing it reads
  (it wrote what it had read) and nobody edited since; Commission Lines and Payout Export
  are then read and compared too, and if they match the refresh appends its Run Log row and
  stops (``sheetops.unchanged``): two reads and two writes, no tool tabs sent again.

Construct with a gspread client (or ``Spreadsheet``) in tests, or ``open(ID)`` with
Application Default Credentials (``google_auth``).
"""

from __future__ import annotations

import datetime as dt
import random
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

from ..errors import AccessDenied, BadArguments, RefreshRunning, SheetOpsError, WorkbookNotFound
from .base import Grid, TabEdit, TabWrite, WritePlan
from .google_auth import GOOGLE_DRIVE_API, authorized_client, endpoints, is_service_account
from .gsheets_api import (SERVICE_ACCOUNT_CANNOT_OWN, GspreadTransport, RequestRejected, RetryPolicy, SheetsApi,
                          Transport, encode)
from .gsheets_cells import quote_tab, read_rows
from .gsheets_lock import HEARTBEAT_EVERY, LOCK_TAB, STALE_AFTER, SheetLock, utc_now
from .heartbeat import Heartbeat
from .gsheets_requests import Request, SheetInfo, add_sheet, edit_requests, parse_sheets, tab_requests
from .gsheets_staging import STAGING_PREFIX, chunk_bodies, prepare_requests, swap_requests
from .gsheets_state import KeptState, fingerprint

MAX_REQUEST_BYTES = 2_000_000
"""Above this, a plan is written through staging tabs (Google advises about 2 MB a request)."""
STAGING_CHUNK_BYTES = 8_000_000
"""Each staging request carries up to this much: under Google's hard 10 MiB request limit,
so that even a sheet at Google's 10-million-cell cap is written in a few dozen requests."""
META_FIELDS = "properties.title,sheets.properties"
APPLY_FIELDS = (
    "properties.title,sheets(properties,protectedRanges(protectedRangeId,range,description),charts(chartId),"
    "conditionalFormats(ranges(sheetId)))"
)
LOCK_FIELDS = APPLY_FIELDS + ",developerMetadata(metadataKey,metadataValue)"
"""What the lock take's answer carries: the tabs, and the kept state (``gsheets_state``)."""


def _is_own(title: str) -> bool:
    """Tabs the backend keeps for itself (the run lock, staging tabs), never listed."""
    return title == LOCK_TAB or title.startswith(STAGING_PREFIX)


class GoogleSheetsWorkbook:
    """A Google Sheet as a SheetOps ``Workbook``."""

    def __init__(
        self,
        client: Any,
        spreadsheet_id: str | None = None,
        *,
        base_url: str | None = None,
        drive_url: str | None = None,
        account: str | None = None,
        retry: RetryPolicy | None = None,
        transport: Transport | None = None,
        max_request_bytes: int = MAX_REQUEST_BYTES,
        staging_chunk_bytes: int = STAGING_CHUNK_BYTES,
        lock_stale_after: float = STALE_AFTER,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        """``client`` is a ``gspread.Client`` (with ``spreadsheet_id``) or a
        ``gspread.Spreadsheet``; ``base_url`` defaults to ``SHEETOPS_SHEETS_API`` or Google."""
        if spreadsheet_id is None:
            spreadsheet_id = str(client.id)
            client = client.client
        where = endpoints()
        self.spreadsheet_id = spreadsheet_id
        self.api = SheetsApi(
            transport or GspreadTransport(client),
            base=(base_url or where.sheets).rstrip("/"),
            drive_base=(drive_url or base_url or where.drive).rstrip("/"),
            retry=retry or RetryPolicy(),
            account=account,
        )
        self.label = spreadsheet_id
        self.max_request_bytes = max_request_bytes
        self.staging_chunk_bytes = max(staging_chunk_bytes, 1)
        self.lock_stale_after = lock_stale_after
        self.clock = clock
        self._sheets: list[SheetInfo] | None = None
        self._fresh = False  # _sheets came with APPLY_FIELDS from the lock take
        self._held: SheetLock | None = None
        self._kept = KeptState()  # the last full run's state, from the lock take's answer
        self._prefetched: dict[str, Grid] | None = None  # last_run's read, served to later reads

    @classmethod
    def open(cls, spreadsheet_id: str, **options: Any) -> "GoogleSheetsWorkbook":
        """Open a spreadsheet by ID with Application Default Credentials (or the local
        server and token of ``SHEETOPS_SHEETS_API`` / ``SHEETOPS_GOOGLE_TOKEN``)."""
        client, account = authorized_client()
        return cls(client, spreadsheet_id, account=account, **options)

    # -- reading ------------------------------------------------------------------
    def _metadata(self, fields: str = META_FIELDS) -> list[SheetInfo]:
        self._took_metadata(self.api.get(self.spreadsheet_id, fields))
        self._fresh = False
        assert self._sheets is not None
        return self._sheets

    def _took_metadata(self, data: dict[str, Any]) -> None:
        """The spreadsheet's title and tabs (with protections and charts when asked for)."""
        title = (data.get("properties") or {}).get("title")
        if title:
            self.label = str(title)
        self._sheets = parse_sheets(data)
        self._fresh = True

    def _known(self) -> list[SheetInfo]:
        return self._sheets if self._sheets is not None else self._metadata()

    def tab_names(self) -> list[str]:
        return [s.title for s in self._known() if not _is_own(s.title)]

    def tab_info(self) -> list[SheetInfo]:
        """Every tab as the last metadata read saw it (sheetId, size), the backend's own
        tabs too: the add-on links to cells by sheetId and shows a run in progress."""
        return list(self._known())

    def running_since(self) -> dt.datetime | None:
        """When the refresh that holds this spreadsheet's run lock started, if one holds it
        and its last heartbeat is fresh; None when no refresh is running."""
        if not any(s.title == LOCK_TAB for s in self._known()):
            return None
        values = self.api.values_get(self.spreadsheet_id, f"{quote_tab(LOCK_TAB)}!A2:C2").get("values") or [[]]
        row = [str(v) for v in values[0]] + ["", "", ""]
        try:
            started = dt.datetime.fromisoformat(row[1]) if row[1] else None
            expires = dt.datetime.fromisoformat(row[2]) if row[2] else None
        except ValueError:
            return None
        if expires is not None:
            expires = expires if expires.tzinfo else expires.replace(tzinfo=dt.timezone.utc)
            if expires < self.clock():
                return None
        return started

    def read(self, tabs: Sequence[str]) -> dict[str, Grid]:
        """All requested tabs in one ``values.batchGet``; tabs that do not exist are left out.
        Tabs ``last_run`` read are served from its read, each once, until the first write."""
        titles = {s.title for s in self._known() if not _is_own(s.title)}
        wanted = [name for name in dict.fromkeys(tabs) if name in titles]
        prefetched = self._prefetched
        if prefetched is not None and all(name in prefetched for name in wanted):
            return {name: prefetched.pop(name) for name in wanted}
        return self._read_values(wanted)[0]

    def _read_values(self, wanted: list[str]) -> tuple[dict[str, Grid], list[Any]]:
        """The tabs' cells, and the values as Google sent them."""
        if not wanted:
            return {}, []
        data = self.api.values_batch_get(self.spreadsheet_id, [quote_tab(name) for name in wanted])
        ranges = data.get("valueRanges") or []
        raw = [(ranges[i] if i < len(ranges) else {}).get("values") for i in range(len(wanted))]
        return {name: read_rows(raw[i]) for i, name in enumerate(wanted)}, raw

    # -- an unchanged spreadsheet ---------------------------------------------------------
    def last_run(self, log_tab: str, reads: Sequence[str] = (), tools: Sequence[str] = (),
                 rewritten: Sequence[str] = ()) -> tuple[str, dict[str, Any] | None]:
        """(the fingerprint of the ``reads`` tabs and of the tab list, as they are now; the
        state the last full refresh kept, or None). Call it holding the lock (its answer
        carries the kept state). Reads ``reads`` and ``log_tab`` in one ``values.batchGet``;
        later ``read``s of them are served from it.

        When that fingerprint is the kept one, the ``tools`` tabs (the tool tabs money is
        locked or paid from: Commission Lines, Payout Export) are read too, in a second
        ``values.batchGet``, and must match their own kept fingerprint; else no state is given
        back and this run, computing in full, keeps theirs for the next run. So only a run that
        may be skipped reads them (a full run reads Commission Lines only while a payout waits
        to be locked, as before). No state either when the Run Log holds another number of
        rows than the run that kept it left there (rows deleted, or the sheet restored from
        its version history to before that run's write). The values read of ``rewritten``
        (tabs a refresh reads and writes) are kept: a run that does not write them as it read
        them keeps no answer to skip with."""
        titles = [s.title for s in self._known() if not _is_own(s.title)]
        wanted = [name for name in dict.fromkeys([*reads, log_tab]) if name in titles]
        grids, raw = self._read_values(wanted)
        self._prefetched = grids
        now = fingerprint([(n, v) for n, v in zip(wanted, raw) if n != log_tab], titles)
        self._kept.rewritten_read = {n: v for n, v in zip(wanted, raw) if n in rewritten}
        state = self._kept.state(grids.get(log_tab))
        if state is not None and state.get("fingerprint") == now:
            more = [name for name in dict.fromkeys(tools) if name in titles and name not in wanted]
            tool_grids, tool_raw = self._read_values(more)
            self._prefetched.update(tool_grids)
            if not self._kept.tools_match(state, dict(zip(more, tool_raw))):
                state = None
        return now, state

    def _took_lock_metadata(self, data: dict[str, Any]) -> None:
        self._took_metadata(data)
        self._kept = KeptState.from_metadata(data)

    # -- writing ------------------------------------------------------------------
    def apply(self, plan: WritePlan) -> None:
        """Write the whole plan in one atomic ``batchUpdate`` (or staged, then swapped); the
        last write of a run also deletes the run lock, in the same atomic step."""
        if plan.is_empty:
            return
        self._prefetched = None  # reads from here on (late edits) are fresh
        if self._held is not None and self._held.sheet_id is None:
            raise RefreshRunning(f"This run no longer holds the run lock of {self.label}, so it writes nothing more.")
        cached = self._sheets if self._fresh else None
        sheets = cached if cached is not None else self._metadata(APPLY_FIELDS)
        self._sheets, self._fresh = None, False  # the next read looks again
        try:
            self._apply_to(plan, sheets)
        except RequestRejected as exc:
            if cached is None:
                raise
            # The tabs changed since the lock was taken (Google applied nothing), or the answer
            # to our write was lost and its retry refused: look again.
            sheets = self._metadata(APPLY_FIELDS)
            self._sheets, self._fresh = None, False
            held = self._held if plan.last else None
            if held is not None and held.sheet_id is not None and all(
                    s.sheet_id != held.sheet_id for s in sheets if s.title == LOCK_TAB):
                held.released()
                if exc.maybe_applied:  # only our write deletes our lock tab: it was applied
                    return
                raise RefreshRunning(
                    f"This refresh of {self.label} paused for over a minute and another refresh took its run "
                    "lock over, so it wrote nothing; the other refresh is writing the results."
                ) from None
            if exc.maybe_applied:
                raise
            self._apply_to(plan, sheets)

    def _apply_to(self, plan: WritePlan, sheets: list[SheetInfo]) -> None:
        held = self._held if plan.last else None
        release = held.release_requests() if held is not None else []
        by_title = {s.title: s for s in sheets}
        taken = {s.sheet_id for s in sheets}
        gids = {s.title: s.sheet_id for s in sheets if not _is_own(s.title)}
        for name in [t.name for t in plan.tabs] + [e.name for e in plan.edits]:
            if name not in gids:
                gids[name] = _new_id(taken)
        stale = [{"deleteSheet": {"sheetId": s.sheet_id}} for s in sheets if s.title.startswith(STAGING_PREFIX)]
        # Tabs that cannot fit (about 30+ bytes a cell) are staged without building them.
        huge = {t.name for t in plan.tabs if (len(t.frame) + 1) * len(t.columns) * 30 > self.max_request_bytes}
        parts = {t.name: _encoded(self._tab(t, gids, by_title)) for t in plan.tabs if t.name not in huge}
        if plan.late_edits is not None:  # as late as the API allows: the read right before the write
            built = {t.name: id(t) for t in plan.tabs}
            if plan.late_edits.keep(self._read_now(plan.late_edits.tab, by_title)):
                for t in plan.tabs:
                    if t.name not in huge and (t.name == plan.late_edits.tab or built.get(t.name) != id(t)):
                        parts[t.name] = _encoded(self._tab(t, gids, by_title))
        # after late edits (the state says whether any were kept); only under our lock
        state = self._kept.requests(plan) if plan.last and self._held is not None else []
        edits = self._edits(plan.edits, gids, by_title)
        sizes = {name: sum(len(p) + 1 for p in pieces) for name, pieces in parts.items()}
        sizes.update({name: self.max_request_bytes * 10 for name in huge})
        total = sum(sizes.values()) + len(encode(edits)) + len(encode(stale)) + len(encode(state)) + 32
        staged: list[TabWrite] = []
        for tab in sorted(plan.tabs, key=lambda t: -sizes[t.name]):
            if total <= self.max_request_bytes:
                break
            staged.append(tab)
            total -= sizes[tab.name]
        if not staged:
            pieces = _encoded(stale) + [p for t in plan.tabs for p in parts[t.name]] + _encoded(edits + state + release)
            self.api.batch_update(self.spreadsheet_id, b'{"requests":[' + b",".join(pieces) + b"]}")
        else:
            self._apply_staged(plan, staged, gids, by_title, stale, taken, state + release)
        if held is not None and release:
            held.released()

    def _read_now(self, name: str, by_title: dict[str, SheetInfo]) -> Grid | None:
        if name not in by_title:
            return None
        data = self.api.values_batch_get(self.spreadsheet_id, [quote_tab(name)])
        ranges = data.get("valueRanges") or [{}]
        return read_rows(ranges[0].get("values"))

    def _tab(self, tab: TabWrite, gids: dict[str, int], by_title: dict[str, SheetInfo]) -> list[Request]:
        return tab_requests(tab, gids[tab.name], by_title.get(tab.name), gids, editor=self.api.account)

    def _edits(self, edits: list[TabEdit], gids: dict[str, int], by_title: dict[str, SheetInfo]) -> list[Request]:
        out: list[Request] = []
        for edit in edits:
            info = by_title.get(edit.name)
            if info is None:
                info = SheetInfo(gids[edit.name], edit.name)
                out.append(add_sheet(info.sheet_id, edit.name))
            out += edit_requests(edit, info, gids)
        return out

    def _apply_staged(
        self,
        plan: WritePlan,
        staged: list[TabWrite],
        gids: dict[str, int],
        by_title: dict[str, SheetInfo],
        stale: list[Request],
        taken: set[int],
        release: list[Request],
    ) -> None:
        """Write ``staged`` tabs into hidden tabs, then swap them in with the rest."""
        staged_names = {t.name for t in staged}
        staging_ids = {t.name: _new_id(taken) for t in staged}
        gids.update(staging_ids)  # links point at the tabs as they will be after the swap
        prepare = stale + [r for t in staged for r in prepare_requests(t, staging_ids[t.name], editor=self.api.account)]
        value_bodies, cell_bodies = chunk_bodies(
            [(t, staging_ids[t.name]) for t in staged], gids, limit=self.staging_chunk_bytes
        )
        final: list[Request] = []
        for tab in staged:
            old = by_title.get(tab.name)
            final += swap_requests(tab, staging_ids[tab.name], old.sheet_id if old else None, old.index if old else None)
        final += [r for t in plan.tabs if t.name not in staged_names for r in self._tab(t, gids, by_title)]
        final += self._edits(plan.edits, gids, by_title) + release
        try:
            self.api.batch_update(self.spreadsheet_id, encode({"requests": prepare}))
            for body in value_bodies:
                self.api.values_batch_update(self.spreadsheet_id, encode(body))
            for body in cell_bodies:
                self.api.batch_update(self.spreadsheet_id, encode(body))
            self.api.batch_update(self.spreadsheet_id, encode({"requests": final}))
        except SheetOpsError:
            self._drop_staging(set(staging_ids.values()))
            raise

    def _drop_staging(self, ids: set[int]) -> None:
        """Best effort: delete our staging tabs that are still staging tabs (never a tab
        that a swap already renamed into place). A failure here is cleaned up next run."""
        try:
            sheets = parse_sheets(self.api.get(self.spreadsheet_id, "sheets.properties(sheetId,title)"))
            doomed = [s.sheet_id for s in sheets if s.sheet_id in ids and s.title.startswith(STAGING_PREFIX)]
            if doomed:
                requests = [{"deleteSheet": {"sheetId": i}} for i in doomed]
                self.api.batch_update(self.spreadsheet_id, encode({"requests": requests}))
        except SheetOpsError:
            pass

    # -- the run lock --------------------------------------------------------------
    @contextmanager
    def lock(self) -> Iterator[str | None]:
        """Hold the run lock recorded in the spreadsheet (``gsheets_lock``), renewed by a
        heartbeat; yields a sentence when a dead run's lock was taken over."""
        held = SheetLock(self.api, self.spreadsheet_id, self.label, stale_after=self.lock_stale_after,
                         clock=self.clock, editor=self.api.account, meta_fields=LOCK_FIELDS,
                         on_metadata=self._took_lock_metadata)
        held.acquire()
        self.label = held.label
        self._held = held
        try:
            with Heartbeat(held.heartbeat, min(HEARTBEAT_EVERY, self.lock_stale_after / 4)):
                yield held.took_over
        finally:
            self._held = None
            self._kept, self._prefetched = KeptState(), None
            held.release()


def _encoded(requests: list[Request]) -> list[bytes]:
    """Each request as compact JSON bytes (encoded once: sized, then sent)."""
    return [encode(r) for r in requests]


def _new_id(taken: set[int]) -> int:
    """A sheetId no tab uses (Google accepts any non-negative 31-bit integer)."""
    while True:
        candidate = random.randint(1_000_000, 2**31 - 1)
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def create_spreadsheet(
    title: str,
    share: str | None = None,
    *,
    folder: str | None = None,
    template: Callable[[], list[Request]] | None = None,
    client: Any = None,
    account: str | None = None,
    base_url: str | None = None,
    retry: RetryPolicy | None = None,
) -> tuple[str, str]:
    """Create a new SheetOps Google Sheet titled ``title``: ``(spreadsheet ID, URL)``.

    Without ``folder`` the sheet is created in the signed-in person's Drive
    (``spreadsheets.create``); with it, in that Drive folder (Drive ``files.create`` with
    ``parents`` and ``supportsAllDrives``), which is the only way for a service account: it
    has no Drive storage and cannot own files, so without ``folder`` it is told so before
    anything is sent to Google. The template's requests are applied in one ``batchUpdate``;
    ``share`` (an e-mail) is given edit access through the Drive API. Asks for the
    spreadsheets and Drive file scopes only. ``sheetops init --google`` calls this."""
    from ..templates.google import google_template_requests

    if client is None:
        client, account = authorized_client(create=True)
    if is_service_account(account) and not folder:
        raise AccessDenied(SERVICE_ACCOUNT_CANNOT_OWN)
    where = endpoints()
    api = SheetsApi(
        GspreadTransport(client),
        base=(base_url or where.sheets).rstrip("/"),
        drive_base=(base_url or (where.drive if where.local else GOOGLE_DRIVE_API)).rstrip("/"),
        retry=retry or RetryPolicy(),
        account=account,
    )
    if folder:
        sheet_id = _create_in_folder(api, title, folder)
        created = api.get(sheet_id, "spreadsheetUrl,sheets.properties.sheetId")
    else:
        created = api.create({"properties": {"title": title}})
        sheet_id = str(created["spreadsheetId"])
    first = [int(s["properties"]["sheetId"]) for s in created.get("sheets") or [] if "properties" in s]
    requests = (template or google_template_requests)()
    requests += [{"deleteSheet": {"sheetId": i}} for i in first]
    api.batch_update(sheet_id, encode({"requests": requests}))
    url = str(created.get("spreadsheetUrl") or f"https://docs.google.com/spreadsheets/d/{sheet_id}/edit")
    if share:
        try:
            api.share(sheet_id, share)
        except SheetOpsError:
            raise SheetOpsError(
                f"The spreadsheet was created at {url}, but sharing it with {share} failed; "
                "open it and share it by hand."
            ) from None
    return sheet_id, url


def _create_in_folder(api: SheetsApi, title: str, folder: str) -> str:
    """A new, empty spreadsheet in Drive folder ``folder`` (a shared drive's too): its ID."""
    who = api.account or "the Google account SheetOps signs in as"
    try:
        created = api.drive_create(title, folder)
    except WorkbookNotFound:
        raise BadArguments(
            f"Google Drive has no folder {folder} that {who} can add files to; check the ID (the part of the "
            f"folder's URL after /folders/) and add {who} to that shared drive as Content manager."
        ) from None
    return str(created["id"])
