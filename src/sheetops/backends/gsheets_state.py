"""What a full refresh of a Google Sheet keeps so that the next one can see nothing changed.

The state is a small JSON in developer metadata on the spreadsheet (key ``sheetops.lastRun``,
document-visible, so the command line, the add-on and the cloud functions share it), written
in the same atomic ``batchUpdate`` as the run's results: the fingerprint of what the run read
(``fingerprint``), the fingerprint of the tool tabs it checked (``tools``), the number of Run
Log rows it left (``log_rows``), and ``sheetops.unchanged``'s as-of date, code and answer.
``GoogleSheetsWorkbook.last_run`` compares (docs/reliability.md); this module keeps the state
and makes the requests that replace it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .base import Grid, Link, TabWrite, WritePlan
from .grid import iter_rows
from .gsheets_cells import raw_value
from .gsheets_requests import Request

RUN_STATE_KEY = "sheetops.lastRun"
"""The developer metadata key of the state."""
FINGERPRINT_ROWS = 10_000
"""Rows of a tab encoded at a time for its fingerprint."""
STATE_ROOM = 25_000
"""Characters of developer metadata SheetOps fills at most, its state included: Google holds
30,000 per location, and a write that would pass that is refused whole."""


def fingerprint(tabs: list[tuple[str, Any]], titles: list[str]) -> str:
    """A digest of the tab list and of each tab's values as Google sent them (a tab's rows
    encoded ``FINGERPRINT_ROWS`` at a time, so no string holds a whole large tab)."""
    digest = hashlib.sha256(json.dumps(["tabs", titles], ensure_ascii=False).encode())
    for name, values in sorted(tabs, key=lambda item: item[0]):
        rows = values or []
        digest.update(json.dumps([name, len(rows)], ensure_ascii=False).encode())
        for i in range(0, len(rows), FINGERPRINT_ROWS):
            digest.update(json.dumps(rows[i:i + FINGERPRINT_ROWS], ensure_ascii=False).encode())
    return digest.hexdigest()


def _canon(value: Any) -> tuple[str, Any] | None:
    """One cell as ``values.batchGet`` (unformatted) gives it back, in a form both sides
    compare by: a written value as ``raw_value`` sends it (dates as serials, text as text; a
    HYPERLINK formula reads as its label), numbers as floats to 15 significant digits (a write
    of -15 reads -15 or -15.0; a date-time serial of 16 or 17 digits may come back with 15,
    and nobody types a difference past the 15th), types kept apart (``True`` is not ``1``),
    empty text as empty."""
    value = value.text if isinstance(value, Link) else raw_value(value)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float)):
        return ("n", float(f"{value:.15g}"))
    return ("s", value)


def _row(row: Any) -> list[tuple[str, Any] | None]:
    cells = [_canon(v) for v in row]
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def reads_as_written(tab: TabWrite, raw: list[list[Any]] | None) -> bool:
    """Whether ``raw`` (a tab's values as read) is what writing ``tab`` leaves there; stops
    at the first row that differs."""
    raw = raw or []
    n = 0
    for n, expected in enumerate(iter_rows(tab), start=1):
        if _row(expected) != (_row(raw[n - 1]) if n <= len(raw) else []):
            return False
    return all(not _row(r) for r in raw[n:])


def log_rows(grid: Grid | None) -> int:
    """Rows of a Run Log holding anything, its header aside."""
    return sum(1 for row in list(grid or [])[1:] if any(v not in (None, "") for v in row))


class KeptState:
    """The kept state as the lock take's answer showed it, for one run.

    ``values`` is None when that is not known (the answer to the lock take was lost): then
    no state is given back and the run's write deletes whatever is kept."""

    def __init__(self, values: list[str] | None = None, others: int = 0) -> None:
        self.values = values
        self.others = others
        """Characters of other programs' developer metadata on the spreadsheet."""
        self.tools_print: str | None = None
        """The checked tool tabs' fingerprint, when this run read them (``tools_match``)."""
        self.tools_read: dict[str, Any] = {}
        self.rewritten_read: dict[str, Any] = {}
        """The values read of the tabs a refresh reads and also writes (Payouts, the Ledger)."""

    @classmethod
    def from_metadata(cls, spreadsheet: dict[str, Any]) -> "KeptState":
        found = [m for m in spreadsheet.get("developerMetadata") or [] if isinstance(m, dict)]
        ours = [str(m.get("metadataValue") or "") for m in found if m.get("metadataKey") == RUN_STATE_KEY]
        others = sum(len(str(m.get("metadataKey") or "")) + len(str(m.get("metadataValue") or ""))
                     for m in found if m.get("metadataKey") != RUN_STATE_KEY)
        return cls(ours, others)

    def state(self, run_log: Grid | None) -> dict[str, Any] | None:
        """The kept state, unless there is none, more than one, one that does not read, or
        the Run Log holds another number of rows than the run that kept it left there (rows
        deleted, or the sheet restored from its version history to before that run's write)."""
        if self.values is None or len(self.values) != 1:
            return None
        try:
            loaded = json.loads(self.values[0])
        except ValueError:
            return None
        if not isinstance(loaded, dict) or loaded.get("log_rows") != log_rows(run_log):
            return None
        return loaded

    def tools_match(self, state: dict[str, Any], read: dict[str, Any]) -> bool:
        """Whether the checked tool tabs, as read now (``read``: name -> values), are as the
        run that kept ``state`` left them; remembers them for this run's own state."""
        self.tools_read = read
        self.tools_print = fingerprint(list(read.items()), list(read))
        return state.get("tools") == self.tools_print

    @staticmethod
    def _as_read(plan: WritePlan, read: dict[str, Any]) -> bool:
        """Whether this run writes the ``read`` tabs exactly as it read them: only then may a
        fingerprint of what it read vouch for them. (A run that puts back a hand edit read it,
        so the kept fingerprint would be of the edit; typed again, it would look untouched.)"""
        written = {t.name: t for t in plan.tabs}  # a tab this write leaves alone stays as read
        return all(name not in written or reads_as_written(written[name], values) for name, values in read.items())

    def requests(self, plan: WritePlan) -> list[Request]:
        """Replace the kept state by this run's (``plan.remember``, with the Run Log's rows as
        this write leaves them and the tool tabs' fingerprint if this run read them), for the
        run's final write. When the kept state is not known it is deleted anyway; when this
        run's would not fit beside the other developer metadata, none is kept (the next run
        is full)."""
        if plan.remember is None:
            return []
        state = dict(plan.remember())
        try:
            state["log_rows"] = len(plan.tab(plan.remember_skip).frame)  # each row is a run's: none empty
        except KeyError:
            state = {}
        state.pop("tools", None)
        if state and self.tools_print is not None and self._as_read(plan, self.tools_read):
            state["tools"] = self.tools_print
        if state and not self._as_read(plan, self.rewritten_read):
            state["result"] = None  # what the next run reads is not what this one read: no skipping
        value = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
        if self.values == [value]:
            return []
        out: list[Request] = []
        if self.values != []:
            out.append({"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {
                "metadataKey": RUN_STATE_KEY, "locationType": "SPREADSHEET"}}}})
        if state and len(RUN_STATE_KEY) + len(value) + self.others <= STATE_ROOM:
            out.append({"createDeveloperMetadata": {"developerMetadata": {
                "metadataKey": RUN_STATE_KEY, "metadataValue": value, "location": {"spreadsheet": True},
                "visibility": "DOCUMENT"}}})
        return out
