"""What an import did: counts per file, and one issue row per line that could not be read.

Every data row read from a file is accounted for exactly once:
``rows_read == added + updated + unchanged + rejected + skipped``, where ``skipped`` counts
blank rows and the row of field descriptions some exports put under the header.
"""

from __future__ import annotations


from dataclasses import dataclass, field
from typing import Literal

from ..backends.base import money_text

Severity = Literal["Error", "Warning", "Info"]
Outcome = Literal["added", "updated", "unchanged"]

MAX_SUMMARY_ISSUES = 20
"""``summary_lines`` lists at most this many issue rows; the rest are counted."""


@dataclass(frozen=True)
class ImportIssue:
    """One problem found in an export file, shaped like a row of the ``Issues`` tab.

    ``line`` is the 1-based line of the file (CSV) or row of the sheet (XLSX)."""

    severity: Severity
    file: str
    line: int
    column: str
    value: str
    problem: str
    how_to_fix: str = ""

    def sentence(self) -> str:
        """The issue as one line a person can act on."""
        where = f"{self.file} line {self.line}"
        column = f" ({self.column})" if self.column else ""
        fix = f" {self.how_to_fix}" if self.how_to_fix else ""
        return f"{self.severity}: {where}{column}: {self.problem}.{fix}"


@dataclass
class FileResult:
    """The counts of one export file."""

    file: str
    layout: str
    rows_read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: int = 0
    issues: list[ImportIssue] = field(default_factory=list)

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    @property
    def accounted(self) -> int:
        return self.added + self.updated + self.unchanged + self.rejected + self.skipped

    def sentence(self) -> str:
        return (
            f"{self.file} ({self.layout}): {self.rows_read} rows read: {self.added} added, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.rejected} rejected, "
            f"{self.skipped} skipped (blank or description rows)."
        )


@dataclass
class ImportResult:
    """What ``import_files`` did (or, with ``dry_run``, would do) to the Orders tab.

    When one key appears in several files, files are applied in the order given, so the
    later file wins; its line counts as ``updated`` (or ``unchanged``) in that later file.
    """

    workbook: str
    files: list[FileResult] = field(default_factory=list)
    dry_run: bool = False
    headers_added: list[str] = field(default_factory=list)
    cells_changed: int = 0
    unknown_creators: dict[str, list[int]] = field(default_factory=dict)
    """Creators of the imported lines who are not on the Creators tab: handle as in the file
    -> [lines, GMV in cents]. Their lines are imported, but pay nothing until they are added."""

    @property
    def issues(self) -> list[ImportIssue]:
        return [issue for f in self.files for issue in f.issues]

    def total(self, name: Literal["rows_read", "added", "updated", "unchanged", "rejected", "skipped"]) -> int:
        return sum(getattr(f, name) for f in self.files)

    @property
    def added(self) -> int:
        return self.total("added")

    @property
    def updated(self) -> int:
        return self.total("updated")

    @property
    def unchanged(self) -> int:
        return self.total("unchanged")

    @property
    def rejected(self) -> int:
        return self.total("rejected")

    @property
    def has_errors(self) -> bool:
        return any(i.severity == "Error" for i in self.issues)

    @property
    def exit_code(self) -> int:
        """0 when every line was read, 1 when some lines were rejected (interfaces.md)."""
        return 1 if self.has_errors else 0

    def unknown_creator_lines(self) -> list[str]:
        """One line per creator not on Creators ("4 lines, 80.00 GMV, for newfacecreator, who
        is not on Creators: add them to pay these lines"), the most GMV first."""
        ranked = sorted(self.unknown_creators.items(), key=lambda kv: (-kv[1][1], kv[0]))
        out = [f"{n} line{'s' if n != 1 else ''}, {money_text(gmv, grouped=True)} GMV, for {who}, who is not on Creators: "
               "add them to pay these lines." for who, (n, gmv) in ranked[:MAX_SUMMARY_ISSUES]]
        rest = ranked[MAX_SUMMARY_ISSUES:]
        if rest:
            out.append(f"... and {len(rest)} more creators not on Creators ({sum(v[0] for _, v in rest)} lines, "
                       f"{money_text(sum(v[1] for _, v in rest), grouped=True)} GMV).")
        return out

    def summary_lines(self) -> list[str]:
        """Plain lines for the command line: one per file, the issues, then the outcome."""
        lines = [f.sentence() for f in self.files]
        issues = self.issues
        lines += [i.sentence() for i in issues[:MAX_SUMMARY_ISSUES]]
        if len(issues) > MAX_SUMMARY_ISSUES:
            lines.append(f"... and {len(issues) - MAX_SUMMARY_ISSUES} more issues like these.")
        lines += self.unknown_creator_lines()
        if self.headers_added:
            verb = "would add" if self.dry_run else "added"
            lines.append(f"Orders {verb} the columns {', '.join(self.headers_added)}.")
        if self.dry_run:
            lines.append(
                f"Dry run: nothing was written; Orders would get {self.added} new lines and "
                f"{self.updated} updated lines."
            )
        elif self.added or self.updated:
            lines.append(f"Orders now has {self.added} new lines and {self.updated} updated lines.")
        else:
            lines.append("Orders already held every line of these files; nothing was written.")
        return lines
