"""Exceptions that stop a run, each carrying one plain sentence for the person.

    SheetOpsError                 a run could not happen; ``str(e)`` says what to do
    ├── WorkbookNotFound          no such file / spreadsheet, or no access to it
    ├── NotASheetOpsWorkbook      a required tab is missing or the file is not a workbook
    ├── RefreshRunning            another refresh of the same workbook holds the lock
    ├── BackendUnavailable        the service kept failing after retries (Google 5xx, 429)
    ├── AccessDenied              credentials refused, or the spreadsheet is not allowed
    ├── BadArguments              a door was called with arguments that make no sense
    └── ImportFileError           an export file cannot be read at all

Problems in the data a person typed are never exceptions: they are Issue rows.
"""

from __future__ import annotations


class SheetOpsError(Exception):
    """A run could not happen. The message is one plain sentence that says what to do."""

    exit_code = 2


class WorkbookNotFound(SheetOpsError):
    pass


class NotASheetOpsWorkbook(SheetOpsError):
    pass


class RefreshRunning(SheetOpsError):
    pass


class BackendUnavailable(SheetOpsError):
    pass


class AccessDenied(SheetOpsError):
    pass


class BadArguments(SheetOpsError):
    pass


class ImportFileError(SheetOpsError):
    pass
