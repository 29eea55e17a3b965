"""SheetOps cloud functions (2nd gen). Each is a thin door; the logic is in sheetops.cloud.

Deploy and schedule them as functions/README.md says. Nothing here runs at import time.
"""

from typing import Any

import functions_framework

from sheetops import cloud


@functions_framework.http
def refresh_http(request: Any) -> tuple[str, int, dict[str, str]]:
    """POST {"spreadsheet": "<ID or URL>", "as_of"?: "YYYY-MM-DD", "dry_run"?: bool}."""
    return cloud.handle_http(request)


@functions_framework.cloud_event
def refresh_scheduled(event: Any) -> None:
    """A Pub/Sub message {"spreadsheet": ...} or {"spreadsheets": [...]}: refresh each."""
    cloud.handle_scheduled(event)


@functions_framework.cloud_event
def dispatch(event: Any) -> None:
    """Publish one refresh message per registered spreadsheet (SHEETOPS_SPREADSHEETS)."""
    cloud.handle_dispatch(event)
