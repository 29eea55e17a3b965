"""People's edits made while a refresh ran: kept, never overwritten.

A refresh reads the Payouts tab, computes for a while, then writes the tab whole. A person
may set a payout to ``Approved`` (or fill ``Paid on``) in between. Just before writing, the
backend reads the Payouts tab again (as close to the write as it can: on ``.xlsx`` from the
very file being replaced, under the run lock; on Google right before the ``batchUpdate``) and
hands it to ``LateEdits.keep``, which:

- finds each Payout ID whose people cells (Status, Approved by, Paid on, Reference) differ
  from what the run read at its start;
- writes that row exactly as the person sees it now (their cells, and the amounts they
  were looking at), appending it when the run would have left it out;
- says so: an Issue at the row's Status cell, and a note in the Run Log row, that the next
  run takes the row into account (it is then read like any other row).

Pure: grids in, the plan's tabs changed in place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from .backends.base import Grid, TabWrite, WritePlan
from .ledger.locks import grid_records, text
from .workbook import schema
from .workbook.cells import is_blank, parse_date, parse_money
from .workbook.issues import Issue, IssueLog

PEOPLE = schema.PAYOUT_PEOPLE_COLUMNS
MONEY = (*schema.PAYOUT_AMOUNT_COLUMNS, "Total")
DATES = ("Period start", "Period end")
KEY = "Payout ID"


def _norm(value: object) -> object:
    """A cell as compared between two reads (blank, 2.0 and 2, a date and its text agree)."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


def people_cells(grid: Grid | None) -> dict[str, tuple[dict[str, Any], tuple[object, ...]]]:
    """Payout ID -> (the row's cells by canonical header, its people cells normalised)."""
    parsed = grid_records(grid, tuple(c.name for c in schema.PAYOUTS.columns))
    if parsed is None:
        return {}
    out = {}
    for rec in parsed[0]:
        pid = text(rec.get(KEY))
        if pid:
            out[pid] = (rec, tuple(_norm(rec.get(c)) for c in PEOPLE))
    return out


@dataclass
class LateEdits:
    """What a refresh hands its backend so that edits made during the run survive.

    ``tab`` is the Payouts tab as spelled in the workbook; ``start`` its grid as the run read
    it; ``log`` the run's issues and ``rebuild`` a function that rebuilds the Issues and Run
    Log tabs of ``plan`` from the log and a list of notes."""

    tab: str
    start: Grid | None
    plan: WritePlan
    log: IssueLog
    rebuild: Callable[[IssueLog, list[str]], None]
    kept: list[str] = field(default_factory=list)
    _said: list[Issue] = field(default_factory=list)

    def keep(self, now: Grid | None) -> list[str]:
        """Put into the plan what people typed since the run read the tab; the kept Payout IDs."""
        try:
            payouts = self.plan.tab(self.tab)
        except KeyError:  # payouts are not written on this run: nothing can be overwritten
            return []
        before = {pid: cells for pid, (_, cells) in people_cells(self.start).items()}
        changed = {pid: rec for pid, (rec, cells) in people_cells(now).items() if before.get(pid) != cells}
        for issue in self._said:  # called again (the file changed under the write): say it once
            self.log.issues.remove(issue)
        self._said = []
        if not changed:
            if self.kept:
                self.kept = []
                self.rebuild(self.log, [])
            return []
        frame = payouts.frame
        where = {str(pid): n for n, pid in enumerate(frame[KEY].tolist())}
        extra: list[dict[str, Any]] = []
        for pid, rec in changed.items():
            row = _typed_row(rec, payouts)
            if pid in where:
                for column, value in row.items():
                    frame.at[where[pid], column] = value
            else:
                extra.append(row)
        if extra:
            added = pd.DataFrame(extra, columns=frame.columns).astype(frame.dtypes.to_dict(), errors="ignore")
            frame = pd.concat([frame, added], ignore_index=True)
            payouts.frame = frame
        self.kept = sorted(changed)
        status_col = [c.name for c in payouts.columns].index("Status")
        positions = {str(pid): n for n, pid in enumerate(frame[KEY].tolist())}
        for pid in self.kept:
            shown = text(changed[pid].get("Status")) or "(blank)"
            self.log.add("Info", schema.PAYOUTS.name, positions[pid] + 2, "Status", shown,
                         f"Payout {pid} was changed while SheetOps was refreshing (Status {shown}); SheetOps kept "
                         "the row exactly as you left it, and the next run takes your change into account.",
                         "Nothing to do: run SheetOps again (or wait for the next scheduled run).",
                         col_index=status_col)
            self._said.append(self.log.issues[-1])
        note = (f"Kept {len(self.kept)} Payouts row{'s' if len(self.kept) != 1 else ''} changed during the run "
                f"({', '.join(self.kept[:5])}{', ...' if len(self.kept) > 5 else ''}); the next run takes "
                f"{'them' if len(self.kept) != 1 else 'it'} into account.")
        self.rebuild(self.log, [note])
        return self.kept


def _typed_row(rec: dict[str, Any], tab: TabWrite) -> dict[str, Any]:
    """A row as found in the sheet, in the types of the Payouts frame (people's cells as typed)."""
    out: dict[str, Any] = {}
    kinds = {c.name: c.kind for c in tab.columns}
    for column, kind in kinds.items():
        raw = rec.get(column)
        if column in MONEY or kind == "money":
            out[column] = parse_money(raw).value
        elif column in DATES:
            out[column] = parse_date(raw).value
        elif kind == "mixed":
            out[column] = None if is_blank(raw) else raw
        else:
            out[column] = text(raw) or None
    return out
