"""What Google sends the add-on: the event object of a Workspace add-on's HTTP endpoint.

Google POSTs one JSON event per homepage open, file-scope grant and button click::

    {"commonEventObject": {"hostApp": "SHEETS", "platform": "WEB", "userLocale": "en",
                           "timeZone": {"id": "Europe/Berlin", "offset": 3600000},
                           "parameters": {"do": "refresh"}},          # button clicks only
     "authorizationEventObject": {"userOAuthToken": "ya29...", "userIdToken": "eyJ...",
                                  "systemIdToken": "eyJ..."},
     "sheets": {"id": "<spreadsheet ID>", "title": "Lumi creators",
                "addonHasFileScopePermission": true}}

``sheets.id`` and ``sheets.title`` are there only once the user granted the add-on the
``drive.file`` scope for this spreadsheet. ``parse_event`` keeps what the add-on uses; the
tokens stay in memory for this request only (``AddonEvent.__repr__`` never shows them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import BadArguments

ACTIONS = ("refresh", "dry_run", "issues", "approve_week", "approve_confirm", "add_tabs", "grant", "home")
"""Values of the ``do`` parameter a button carries (the first four are the issue's; the
others are the confirmation of approve_week, 'Add the SheetOps tabs', 'Give access' and
'Back')."""
_SHEET_ID = re.compile(r"^[A-Za-z0-9_-]{1,200}$")


@dataclass(frozen=True)
class AddonEvent:
    """One add-on request: which spreadsheet, which button, and the user's credentials."""

    spreadsheet_id: str | None
    title: str
    has_file_scope: bool
    action: str
    parameters: dict[str, str] = field(default_factory=dict)
    host_app: str = ""
    time_zone: str = ""
    user_token: str = field(default="", repr=False)
    user_id_token: str = field(default="", repr=False)


def _object(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def parse_event(body: bytes) -> AddonEvent:
    """Check an event body; raise ``BadArguments`` with a sentence when it is not one.

    >>> parse_event(b'{"commonEventObject": {"hostApp": "SHEETS", "parameters": {"do": "issues"}},'
    ...             b' "sheets": {"id": "1AbC", "title": "Lumi", "addonHasFileScopePermission": true}}').action
    'issues'
    """
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadArguments("The add-on received something that is not a Google Workspace event.") from None
    if not isinstance(data, dict):
        raise BadArguments("The add-on received something that is not a Google Workspace event.")
    common, auth, sheets = _object(data, "commonEventObject"), _object(data, "authorizationEventObject"), \
        _object(data, "sheets")
    raw = common.get("parameters")
    parameters = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    action = parameters.get("do", "home") or "home"
    if action not in ACTIONS:
        raise BadArguments(f"The button asked for '{action[:40]}', which this version of SheetOps does not know; "
                           "close the sidebar and open it again.")
    sheet_id = sheets.get("id")
    if not isinstance(sheet_id, str) or not _SHEET_ID.match(sheet_id):
        sheet_id = None
    zone = _object(common, "timeZone").get("id")
    return AddonEvent(
        spreadsheet_id=sheet_id,
        title=str(sheets.get("title") or ""),
        has_file_scope=sheets.get("addonHasFileScopePermission") is True or sheet_id is not None,
        action=action,
        parameters=parameters,
        host_app=str(common.get("hostApp") or ""),
        time_zone=str(zone or ""),
        user_token=str(auth.get("userOAuthToken") or ""),
        user_id_token=str(auth.get("userIdToken") or ""),
    )
