"""Drive v3 ``files.create`` on the local server, as strict as Google about what SheetOps
and gspread send, and about who may own a file.

- Query parameters other than Drive's own (``supportsAllDrives``, ``fields``...) and body
  fields other than a file's (``name``, ``mimeType``, ``parents``...) are refused with 400,
  like the Sheets routes refuse unknown names.
- ``parents``: at most one folder. A folder in a shared drive (``shared_drive()``) is found
  only with ``supportsAllDrives=true`` and only by the drive's members (else 404 "File not
  found", as Drive answers); a file created there belongs to the shared drive and its
  members may open it.
- A service account (an identity ending in ``.gserviceaccount.com``) has no Drive storage
  and cannot own files: creating a file outside a shared drive, through Drive or
  ``spreadsheets.create``, is answered 403 ``storageQuotaExceeded`` ("Service Accounts do
  not have storage quota...").
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from sheetops.testing.sheets_state import ApiError

FOLDER_MIME = "application/vnd.google-apps.folder"
CREATE_PARAMS = frozenset({"supportsAllDrives", "supportsTeamDrives", "fields", "ignoreDefaultVisibility",
                           "keepRevisionForever", "includePermissionsForView", "includeLabels", "useContentAsIndexableText",
                           "enforceSingleParent", "ocrLanguage", "uploadType", "alt", "prettyPrint", "quotaUser"})
FILE_FIELDS = frozenset({"name", "mimeType", "parents", "description", "properties", "appProperties", "starred",
                         "folderColorRgb", "id", "writersCanShare", "copyRequiresWriterPermission", "contentHints",
                         "originalFilename", "createdTime", "modifiedTime", "viewersCanCopyContent"})
NO_STORAGE = ("Service Accounts do not have storage quota. Leverage shared drives "
              "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), or use OAuth "
              "delegation (http://support.google.com/a/answer/7281227) instead.")


class DriveError(ApiError):
    """An error in Drive v3's shape: ``errors: [{domain, reason, message}]`` beside the code."""

    def __init__(self, code: int, message: str, reason: str, domain: str = "global") -> None:
        super().__init__(code, message)
        self.reason, self.domain = reason, domain

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message,
                          "errors": [{"message": self.message, "domain": self.domain, "reason": self.reason}]}}


def not_found(file_id: str) -> DriveError:
    return DriveError(404, f"File not found: {file_id}.", "notFound")


def no_storage() -> DriveError:
    return DriveError(403, NO_STORAGE, "storageQuotaExceeded", "usageLimits")


def is_service_account(identity: str | None) -> bool:
    return bool(identity) and str(identity).lower().endswith(".gserviceaccount.com")


@dataclass
class Folders:
    """Shared drives (their root folders, by id) and who are their members."""

    drives: dict[str, tuple[str, set[str]]] = field(default_factory=dict)  # id -> (name, members)
    files: dict[str, str] = field(default_factory=dict)  # file id -> shared drive id
    lock: threading.Lock = field(default_factory=threading.Lock)

    def shared_drive(self, name: str, members: list[str]) -> str:
        drive_id = "0A" + secrets.token_urlsafe(14).replace("-", "x").replace("_", "y")
        with self.lock:
            self.drives[drive_id] = (name, {m.lower() for m in members})
        return drive_id

    def member(self, file_id: str, identity: str | None) -> bool | None:
        """True/False when ``file_id`` lives in a shared drive (is ``identity`` a member?), else None."""
        with self.lock:
            drive = self.drives.get(self.files.get(file_id, ""))
        if drive is None:
            return None
        return identity is None or identity.lower() in drive[1]

    def check_create(self, params: dict[str, Any], data: dict[str, Any], identity: str | None) -> str | None:
        """Refuse what Google refuses; the shared drive the new file goes in (or None)."""
        unknown = sorted(set(params) - CREATE_PARAMS)
        if unknown:
            raise DriveError(400, f"Invalid parameter: {unknown[0]}", "invalidParameter")
        extra = sorted(set(data) - FILE_FIELDS)
        if extra:
            raise DriveError(400, f"Invalid field selection {extra[0]}", "invalid")
        parents = data.get("parents") or []
        if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
            raise DriveError(400, "Invalid value for parents: expected a list of folder ids.", "invalid")
        if len(parents) > 1:
            raise DriveError(403, "Increasing the number of parents is not allowed.", "cannotAddParent")
        all_drives = str(params.get("supportsAllDrives") or params.get("supportsTeamDrives") or "").lower() == "true"
        if parents:
            with self.lock:
                drive = self.drives.get(parents[0])
            if drive is None or not all_drives or (identity is not None and identity.lower() not in drive[1]):
                raise not_found(parents[0])
            return parents[0]
        if is_service_account(identity):
            raise no_storage()
        return None

    def placed(self, file_id: str, drive_id: str | None) -> None:
        if drive_id is not None:
            with self.lock:
                self.files[file_id] = drive_id
