"""The Google Sheets add-on: a sidebar a manager clicks, served by our own HTTP endpoint
(a Workspace add-on on Google's HTTP "alternate runtime"; ``functions/main.py`` target
``addon`` is a thin door around ``handle_addon``). A door, like ``cloud``: it may import
the cloud functions' shared pieces (``cloud.caller``, ``cloud.config``, ``cloud.logs``,
``cloud.pubsub``, ``cloud.runner``, on their own lines below the doors), ``refresh`` and
everything below.

- ``http``: the request: 405 unless POST, 401 (empty) without Google's ID token, else a card;
- ``auth``: Google's system ID token and the user's e-mail, verified with google-auth;
- ``events``: the event object (``commonEventObject``, ``authorizationEventObject``, ``sheets``);
- ``actions``: homepage, file-scope grant and the buttons (``do`` = refresh, dry_run, issues,
  approve_week), long refreshes sent to Pub/Sub;
- ``sheets``: the open spreadsheet as the user (their OAuth token; nothing stored);
- ``sidebar``, ``cards``: the cards (``google.apps.card.v1`` JSON) and the answers around them;
- ``deployment``: the deployment resource (``sheetops addon-deployment --url URL``).

Environment: ``SHEETOPS_ADDON_AUDIENCE`` (the endpoint URL), ``SHEETOPS_ADDON_SERVICE_ACCOUNT``
(Google's add-on service account), ``SHEETOPS_ADDON_CERTS_URL``, ``SHEETOPS_ADDON_MAX_ROWS``,
and for long refreshes ``SHEETOPS_ALLOWED_SPREADSHEETS`` / ``SHEETOPS_REFRESH_TOPIC`` as for the
cloud functions. Importing does no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .deployment import deployment, deployment_json

if TYPE_CHECKING:
    from .http import handle_addon


def __getattr__(name: str) -> Any:
    """``handle_addon`` on first use (PEP 562): it brings the Google Sheets backend and pandas,
    which ``sheetops addon-deployment`` does not need."""
    if name == "handle_addon":
        from .http import handle_addon

        return handle_addon
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["deployment", "deployment_json", "handle_addon"]
