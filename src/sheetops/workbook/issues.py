"""Issue rows: every problem found, pointing at a cell, in plain words.

The core collects ``Issue`` values in an ``IssueLog`` while it checks and computes; the
``Issues`` tab is built from it. Row numbers are the sheet's own (row 1 is the header).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Literal

import pandas as pd

from ..backends.base import Link, cell_a1

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

    @property
    def cell(self) -> str | None:
        if self.row is None:
            return None
        return cell_a1(self.row - 1, self.col_index if self.col_index is not None else 0)


@dataclass
class IssueLog:
    issues: list[Issue] = field(default_factory=list)

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
    ) -> None:
        shown = "" if value is None else str(value)
        self.issues.append(
            Issue(severity, tab, row, column, shown[:500], problem, how_to_fix, col_index, creator)
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


def issues_frame(log: IssueLog) -> pd.DataFrame:
    """The ``Issues`` tab: Severity, Tab, Row, Column, Cell (a link), Value, Problem, How to fix."""
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
        }
        for i in log.sorted()
    ]
    frame = pd.DataFrame(rows, columns=["Severity", "Tab", "Row", "Column", "Cell", "Value", "Problem", "How to fix"])
    frame["Row"] = frame["Row"].astype("Int64")
    return frame
