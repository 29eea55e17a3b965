"""People's edits made while a refresh ran: kept, never overwritten.

A refresh reads the Payouts tab, computes for a while, then writes the tab whole. A person
may set a payout to ``Approved`` (or fill ``Paid on``) in between. Just before writing, the
backend reads the Payouts tab again (as close to the write as it can: on ``.xlsx`` from the
very file being replaced, under the run lock; on Google right before the ``batchUpdate``) and
hands it to ``LateEdits.keep``, which:

- finds each Payout ID whose people cells (Status, Approved by, Paid on, Reference) differ
  from what the run read at its start;
- writes that row exactly as the person sees it now (their cells, and the amounts they
  were looking at), appending it when the run would have left it out, and its Commission
  Lines as the run found them (the lines the person looked at: an approval then locks what
  was approved, as money.md rule 2 says);
- says so: an Issue at the row's Status cell, and a note in the Run Log row, that the next
  run takes the row into account (it is then read like any other row).

Pure: grids in, the plan's tabs changed in place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from .backends.base import Grid, TabWrite, WritePlan, money_text
from .ledger.locks import grid_records, text
from .workbook import schema
from .workbook.cells import is_blank, parse_date, parse_int, parse_money, parse_rate
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

    ``tab`` is the Payouts tab as spelled in the workbook and ``start`` its grid as the run
    read it; ``lines_tab``/``lines_start`` the same for Commission Lines; ``log`` the run's
    issues and ``rebuild`` a function that rebuilds the Issues and Run Log tabs of ``plan``
    from the log and a list of notes for the Run Log."""

    tab: str
    start: Grid | None
    plan: WritePlan
    log: IssueLog
    rebuild: Callable[[IssueLog, list[str]], None]
    lines_tab: str | None = None
    lines_start: Grid | None = None
    read_lines: "Callable[[], Grid | None] | None" = None
    """Reads ``lines_tab`` when the run did not (nothing waited to be locked): called only
    when someone changed a Payouts row during the run, before the write."""
    kept: list[str] = field(default_factory=list)
    _said: list[Issue] = field(default_factory=list)
    _pristine: dict[str, pd.DataFrame] = field(default_factory=dict)

    def keep(self, now: Grid | None) -> list[str]:
        """Put into the plan what people typed since the run read the tab; the kept Payout IDs.

        May be called again (the file changed under the write): each call starts from the
        plan as the run built it."""
        tabs = {t.name: t for t in self.plan.tabs}
        payouts, lines = tabs.get(self.tab), tabs.get(self.lines_tab or "")
        if payouts is None:  # payouts are not written on this run: nothing can be overwritten
            return []
        for name, frame in self._pristine.items():
            tabs[name].frame = frame.copy()
        for issue in self._said:
            self.log.issues.remove(issue)
        self._said = []
        before = {pid: cells for pid, (_, cells) in people_cells(self.start).items()}
        changed = {pid: rec for pid, (rec, cells) in people_cells(now).items() if before.get(pid) != cells}
        if not changed:
            if self.kept:
                self.kept = []
                self.rebuild(self.log, [])
            return []
        if self.lines_start is None and self.read_lines is not None:
            self.lines_start, self.read_lines = self.read_lines(), None
        for tab in (payouts, lines):
            if tab is not None and tab.name not in self._pristine:
                self._pristine[tab.name] = tab.frame.copy()
            if tab is not None and len(tab.frame) == 1 and schema.is_empty_note(list(tab.frame.iloc[0])):
                tab.frame = tab.frame.iloc[0:0].copy()  # rows kept from people replace the "nothing yet" line
        computed = _totals(payouts.frame)
        _keep_rows(payouts, changed)
        if lines is not None:
            _keep_lines(lines, self.lines_start, set(changed))
        self.kept = sorted(changed)
        self._say(payouts, changed, computed)
        note = (f"Kept {len(self.kept)} Payouts row{'s' if len(self.kept) != 1 else ''} changed during the run "
                f"({', '.join(self.kept[:5])}{', ...' if len(self.kept) > 5 else ''}) as people left "
                f"{'them' if len(self.kept) != 1 else 'it'}, with {'their' if len(self.kept) != 1 else 'its'} "
                "Commission Lines; the next run takes the change into account.")
        self.rebuild(self.log, [note])
        return self.kept

    def _say(self, payouts: TabWrite, changed: dict[str, dict[str, Any]], computed: dict[str, int | None]) -> None:
        status_col = [c.name for c in payouts.columns].index("Status")
        positions = {str(pid): n for n, pid in enumerate(payouts.frame[KEY].tolist())}
        for pid in self.kept:
            rec = changed[pid]
            shown = text(rec.get("Status")) or "(blank)"
            seen, fresh = parse_money(rec.get("Total")).value, computed.get(pid)
            problem = (f"Payout {pid} was changed while SheetOps was refreshing (Status {shown}); SheetOps kept the "
                       "row and its Commission Lines exactly as you saw them, and the next run takes your change "
                       "into account.")
            if fresh is not None and seen is not None and fresh != seen:
                problem += (f" Meanwhile this run found {money_text(fresh)} for it instead of the "
                            f"{money_text(seen)} shown; if you approved it, the approval holds for what you saw, "
                            "and the difference is paid as the payout rules say (money.md).")
            self.log.add("Info", schema.PAYOUTS.name, positions[pid] + 2, "Status", shown, problem,
                         "Nothing to do: run SheetOps again (or wait for the next scheduled run).",
                         col_index=status_col)
            self._said.append(self.log.issues[-1])


def _totals(frame: pd.DataFrame) -> dict[str, int | None]:
    return {str(pid): (None if pd.isna(t) else int(t)) for pid, t in zip(frame[KEY].tolist(), frame["Total"].tolist())}


def _keep_rows(payouts: TabWrite, changed: dict[str, dict[str, Any]]) -> None:
    """Each changed row as found in the sheet, in place (or appended when the run dropped it)."""
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
        payouts.frame = pd.concat([frame, added], ignore_index=True)


def _keep_lines(lines: TabWrite, start: Grid | None, pids: set[str]) -> None:
    """The Commission Lines of ``pids`` as the run found them (the lines people looked at)."""
    parsed = grid_records(start, tuple(c.name for c in lines.columns))
    if parsed is None or KEY not in parsed[1]:
        return
    old = [_typed_row(rec, lines) for rec in parsed[0] if text(rec.get(KEY)) in pids]
    frame = lines.frame
    keep = ~frame[KEY].astype(object).map(lambda v: text(v) in pids).to_numpy(bool)
    kept = frame[keep]
    if old:
        added = pd.DataFrame(old, columns=frame.columns).astype(frame.dtypes.to_dict(), errors="ignore")
        kept = pd.concat([kept, added], ignore_index=True)
    lines.frame = kept.reset_index(drop=True)


def _typed_row(rec: dict[str, Any], tab: TabWrite) -> dict[str, Any]:
    """A row as found in the sheet, in the types of the tab's frame (people's cells as typed)."""
    out: dict[str, Any] = {}
    for column in tab.columns:
        raw, kind = rec.get(column.name), column.kind
        if column.name in MONEY or kind == "money":
            out[column.name] = parse_money(raw).value
        elif kind == "rate":
            out[column.name] = parse_rate(raw).value
        elif kind == "int":
            out[column.name] = parse_int(raw).value
        elif column.name in DATES or kind == "date":
            out[column.name] = parse_date(raw).value
        elif kind == "mixed":
            out[column.name] = None if is_blank(raw) else raw
        else:
            out[column.name] = text(raw) or None
    return out
