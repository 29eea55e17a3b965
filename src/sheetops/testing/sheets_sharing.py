"""Who may open which spreadsheet on the local server, as on Google Drive.

A spreadsheet created through the API (``spreadsheets.create`` or Drive ``files.create``)
is owned by the identity of the token that created it (a service account's e-mail, or the
identity given to :meth:`SheetsServer.issue_token`); anyone else gets 403 "The caller does
not have permission" until it is shared with them: a Drive permission for their e-mail
(``files/{id}/permissions``, what gspread's ``share`` and SheetOps' ``share`` send), a
Drive permission of type ``anyone``, or :meth:`SheetsServer.share` from a test.

A spreadsheet created in a shared drive folder belongs to the shared drive: its members
may open it (see :mod:`drive_files`).

A spreadsheet seeded directly from Python (``server.seed(...)``) has no owner unless one is
given (``server.seed(..., owner="someone@example.com")``) and is open to every token, like
a file shared with anyone who has the link; that keeps seeding in tests short.
"""

from __future__ import annotations

import threading
from typing import Any


class Sharing:
    """Owners and extra readers/writers of spreadsheets, by spreadsheet id."""

    def __init__(self, permissions: dict[str, list[dict[str, Any]]], folders: Any = None) -> None:
        self.folders = folders  # shared drives: their members may open the files in them
        self.owners: dict[str, str] = {}
        self.shared: dict[str, set[str]] = {}
        self.permissions = permissions  # the store's Drive permissions, by spreadsheet
        self.lock = threading.Lock()

    def created(self, spreadsheet_id: str, owner: str | None) -> None:
        """Record the owner of a new spreadsheet (``None``: open to everyone)."""
        if owner:
            with self.lock:
                self.owners[spreadsheet_id] = owner.lower()

    def share(self, spreadsheet_id: str, email: str) -> None:
        """Let ``email`` open the spreadsheet (as a Drive permission would)."""
        with self.lock:
            self.shared.setdefault(spreadsheet_id, set()).add(email.lower())

    def allowed(self, spreadsheet_id: str, identity: str | None) -> bool:
        """True when ``identity`` may open the spreadsheet (``None``: the server runs with
        open auth and does not know who calls, so everything is allowed)."""
        member = self.folders.member(spreadsheet_id, identity) if self.folders is not None else None
        if member:
            return True
        with self.lock:
            owner = self.owners.get(spreadsheet_id)
            if identity is None or (owner is None and member is None):
                return True
            who = identity.lower()
            if who == owner or who in self.shared.get(spreadsheet_id, set()):
                return True
        for perm in self.permissions.get(spreadsheet_id, []):
            if perm.get("type") == "anyone" or str(perm.get("emailAddress", "")).lower() == who:
                return True
        return False
