"""SheetOps cloud functions (2nd gen) and the Google Sheets add-on endpoint. Each is a thin door;
the logic is in sheetops.cloud and sheetops.addon.

Deploy and schedule them as functions/README.md says. Nothing here runs at import time.
"""

from typing import Any

import functions_framework

from sheetops import addon as sheets_addon
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


@functions_framework.http
def addon(request: Any) -> tuple[str, int, dict[str, str]]:
    """The Google Sheets add-on (Workspace add-on, HTTP runtime): Google's event in, a card out."""
    return sheets_addon.handle_addon(request)
