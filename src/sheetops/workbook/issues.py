"""Issue rows: every problem found, pointing at a cell, in plain words.

The core collects ``Issue`` values in an ``IssueLog`` while it checks and computes; the
``Issues`` tab is built from it. Row numbers are the sheet's own (row 1 is the header).
"""

from __future__ import annotations


from dataclasses import dataclass, field
from typing import Iterable, Literal

import pandas as pd

from ..backends.base import Link, cell_a1, money_text

Severity = Literal["Error", "Warning", "Info"]
SEVERITY_ORDER = {"Error": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class Issue:
    severity: Severity
    tab: str
    row: int | None
    column: str
    value: str
    problem: str
    how_to_fix: str
    col_index: int | None = None
    """0-based column position in the tab (for the cell link); None for a whole row/tab."""
    creator: str | None = None
    """Handle key of the creator the problem belongs to (puts their payouts on hold)."""
    rows: tuple[int, ...] = ()
    """Every sheet row with this same problem, when it repeats (``row`` is the first)."""

    @property
    def cell(self) -> str | None:
        if self.row is None:
            return None
        return cell_a1(self.row - 1, self.col_index if self.col_index is not None else 0)


@dataclass
class IssueLog:
    issues: list[Issue] = field(default_factory=list)
    not_paid: dict[str, list[int]] = field(default_factory=dict)
    """What earns nothing and why: cause -> [order lines, their GMV in cents] (``no_rule``,
    ``unknown_creator``, ``in_error``), for the run's summary."""

    def add(
        self,
        severity: Severity,
        tab: str,
        row: int | None,
        column: str,
        value: object,
        problem: str,
        how_to_fix: str,
        *,
        col_index: int | None = None,
        creator: str | None = None,
        rows: tuple[int, ...] = (),
    ) -> None:
        shown = "" if value is None else str(value)
        self.issues.append(
            Issue(severity, tab, row, column, shown[:500], problem, how_to_fix, col_index, creator, rows)
        )

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    def count(self, severity: Severity) -> int:
        return sum(1 for i in self.issues if i.severity == severity)

    def rows_in_error(self, tab: str) -> set[int]:
        return {i.row for i in self.issues if i.tab == tab and i.severity == "Error" and i.row is not None}

    def sorted(self) -> list[Issue]:
        return sorted(
            self.issues,
            key=lambda i: (SEVERITY_ORDER[i.severity], i.tab, i.row if i.row is not None else 0, i.col_index or 0),
        )


MAX_ROWS_TEXT = 20_000
"""Characters of a ``Rows`` cell (Excel holds 32,767 in a cell, Google 50,000)."""


def rows_text(rows: tuple[int, ...], tab: str = "", column: str = "", value: str = "") -> str:
    """Sheet rows as short ranges: ``2-9, 12, 15-16``; when too many to list, the first ones
    and how to find the rest (never a silent drop)."""
    parts: list[str] = []
    size = 0
    start = prev = rows[0]
    listed = 0
    for n, r in enumerate([*rows[1:], None], start=1):
        if r is not None and r == prev + 1:
            prev = r
            continue
        part = f"{start}-{prev}" if prev > start else str(start)
        if size + len(part) + 2 > MAX_ROWS_TEXT:
            rest = len(rows) - listed
            where = f" (filter {tab} on {column} = {value})" if tab and column and value else ""
            return ", ".join(parts) + f" and {rest} more rows{where}"
        parts.append(part)
        size += len(part) + 2
        listed = n
        if r is not None:
            start = prev = r
    return ", ".join(parts)


def group_issues(log: IssueLog, gmv_cents: dict[str, pd.Series] | None = None) -> None:
    """One Issue row per cause: problems that repeat (an unknown creator, the same bad value
    down a column, ...) become one row with how many rows it concerns, their GMV (Orders) and
    every row in ``rows``; the first row keeps the cell link. ``gmv_cents``: tab -> GMV in
    cents by sheet row (missing where the GMV is not known)."""
    groups: dict[tuple[object, ...], list[Issue]] = {}
    for issue in log.issues:
        key = (issue.severity, issue.tab, issue.column, issue.col_index, issue.problem, issue.how_to_fix)
        groups.setdefault(key, []).append(issue)
    if len(groups) == len(log.issues):
        return
    out: list[Issue] = []
    for members in groups.values():
        first = members[0]
        if len(members) == 1 or first.row is None:
            out.extend(members)
            continue
        rows = tuple(sorted({i.row for i in members if i.row is not None}))
        gmv = (gmv_cents or {}).get(first.tab)
        known = gmv.reindex(rows).dropna() if gmv is not None else pd.Series([], dtype="Int64")
        what = f"{len(rows)} rows" + (f", {money_text(int(known.sum()), grouped=True)} GMV in all" if len(known) else "")
        out.append(Issue(first.severity, first.tab, rows[0], first.column, first.value,
                         f"{first.problem.rstrip()} ({what}; the Rows column lists them.)", first.how_to_fix,
                         first.col_index, first.creator, rows))
    log.issues = out


def issues_frame(log: IssueLog) -> pd.DataFrame:
    """The ``Issues`` tab: Severity, Tab, Row, Column, Cell (a link), Value, Problem, How to fix,
    and Rows (every row of a problem that repeats)."""
    rows = [
        {
            "Severity": i.severity,
            "Tab": i.tab,
            "Row": i.row,
            "Column": i.column,
            "Cell": Link(i.tab, i.cell, f"{i.tab}!{i.cell}") if i.cell else None,
            "Value": i.value,
            "Problem": i.problem,
            "How to fix": i.how_to_fix,
            "Rows": rows_text(i.rows, i.tab, i.column, i.value) if len(i.rows) > 1 else None,
        }
        for i in log.sorted()
    ]
    frame = pd.DataFrame(rows, columns=["Severity", "Tab", "Row", "Column", "Cell", "Value", "Problem", "How to fix",
                                        "Rows"])
    frame["Row"] = frame["Row"].astype("Int64")
    return frame
