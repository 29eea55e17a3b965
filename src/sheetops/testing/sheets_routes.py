"""URL routing of the local Sheets API server: Google's paths to store methods.

Ranges in paths arrive percent-encoded (gspread quotes them, ``:`` included), so the
``:append``/``:clear`` suffixes are recognised before decoding.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from sheetops.testing.drive_files import Folders, is_service_account, no_storage
from sheetops.testing.sheets_state import ApiError
from sheetops.testing.sheets_store import filter_fields
from sheetops.testing.sheets_store import SheetsStore

SHEETS_MIME = "application/vnd.google-apps.spreadsheet"
_BOOK = re.compile(r"^/v4/spreadsheets/([^/:]+)(.*)$")
_NAME_IN_QUERY = re.compile(r"name\s*=\s*[\"']((?:[^\"'\\]|\\.)*)[\"']")


def _not_found(method: str, path: str) -> ApiError:
    return ApiError(404, f"Method not found: {method} {path}", "NOT_FOUND")


def route(store: SheetsStore, method: str, path: str, params: dict[str, Any], data: dict[str, Any],
          *, caller: str | None = None, folders: Folders | None = None) -> Any:
    """Answer one API call (the JSON body of a 200 reply) or raise ApiError; ``caller`` is
    the token's identity (None with open auth), ``folders`` the shared drives."""
    folders = folders or Folders()
    if path.startswith("/drive/v3/files"):
        return _drive(store, method, path[len("/drive/v3/files"):], params, data, caller, folders)
    if path in ("/v4/spreadsheets", "/v4/spreadsheets/") and method == "POST":
        if is_service_account(caller):  # it would own the new file in its own Drive
            raise no_storage()
        return store.create(data)
    m = _BOOK.match(path)
    if not m:
        raise _not_found(method, path)
    sid, rest = unquote(m.group(1)), m.group(2)
    if rest == "" and method == "GET":
        return store.get(sid, params)
    if rest == ":batchUpdate" and method == "POST":
        return filter_fields(store.batch_update(sid, data), params.get("fields"))
    if rest == "/values:batchGet" and method == "GET":
        return store.values_batch_get(sid, params)
    if rest == "/values:batchUpdate" and method == "POST":
        return store.values_batch_update(sid, data)
    if rest == "/values:batchClear" and method == "POST":
        return store.values_batch_clear(sid, data)
    if rest.startswith("/values/"):
        encoded = rest[len("/values/"):]
        if method == "POST" and encoded.endswith(":append"):
            return store.values_append(sid, unquote(encoded[: -len(":append")]), data, params)
        if method == "POST" and encoded.endswith(":clear"):
            return store.values_clear(sid, unquote(encoded[: -len(":clear")]))
        if method == "GET":
            return store.values_get(sid, unquote(encoded), params)
        if method == "PUT":
            return store.values_update(sid, unquote(encoded), data, params)
    raise _not_found(method, path)


def _file(store: SheetsStore, sid: str) -> dict[str, Any]:
    book = store.book(sid)
    stamp = store.created.get(sid, "1970-01-01T00:00:00.000Z")
    return {"kind": "drive#file", "id": sid, "name": book.properties.get("title", ""),
            "mimeType": SHEETS_MIME, "createdTime": stamp, "modifiedTime": stamp}


def _drive(store: SheetsStore, method: str, rest: str, params: dict[str, Any], data: dict[str, Any],
           caller: str | None, folders: Folders) -> Any:
    """Just enough of Drive v3 files for gspread and SheetOps: create (also in a shared
    drive folder, see :mod:`drive_files`), list by name, get, delete."""
    if rest in ("", "/") and method == "POST":
        drive_id = folders.check_create(params, data, caller)
        if data.get("mimeType") != SHEETS_MIME:
            raise ApiError(400, "Only Google Sheets files can be created on this server.")
        created = store.create({"properties": {"title": data.get("name") or "Untitled spreadsheet"}})
        folders.placed(created["spreadsheetId"], drive_id)
        answer = _file(store, created["spreadsheetId"])
        if drive_id is not None:
            answer.update(parents=[drive_id], driveId=drive_id)
        return answer
    if rest in ("", "/") and method == "GET":
        with store.lock:
            files = [_file(store, sid) for sid in store.books]
        m = _NAME_IN_QUERY.search(params.get("q") or "")
        if m:
            files = [f for f in files if f["name"] == m.group(1).replace('\\"', '"')]
        return {"kind": "drive#fileList", "incompleteSearch": False, "files": files}
    sid, _, sub = rest.strip("/").partition("/")
    sid = unquote(sid)
    if sub.startswith("permissions"):
        return _permissions(store, method, sid, sub[len("permissions"):].strip("/"), data)
    if sub:
        raise _not_found(method, "/drive/v3/files" + rest)
    if method == "GET":
        with store.lock:
            return _file(store, sid)
    if method == "DELETE":
        store.delete(sid)
        return {}
    raise _not_found(method, "/drive/v3/files" + rest)



_ROLES = ("owner", "organizer", "fileOrganizer", "writer", "commenter", "reader")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _permissions(store: SheetsStore, method: str, sid: str, pid: str, data: dict[str, Any]) -> Any:
    """Drive permissions of a spreadsheet: create (share), list, delete."""
    with store.lock:
        store.book(sid)
        perms = store.permissions.setdefault(sid, [])
        if method == "POST" and not pid:
            kind, role, email = data.get("type"), data.get("role"), data.get("emailAddress")
            if kind not in ("user", "group", "domain", "anyone") or role not in _ROLES:
                raise ApiError(400, "Invalid permission type or role.")
            if kind in ("user", "group") and not _EMAIL.match(str(email or "")):
                raise ApiError(400, f"Bad Request. User message: \"Invalid email address: {email}\"")
            perm = {"kind": "drive#permission", "id": f"p{len(perms) + 1:05d}", "type": kind, "role": role}
            if email:
                perm["emailAddress"] = email
            perms.append(perm)
            return perm
        if method == "GET" and not pid:
            return {"kind": "drive#permissionList", "permissions": list(perms)}
        if method == "DELETE" and pid:
            found = [p for p in perms if p["id"] == pid]
            if not found:
                raise ApiError(404, f"Permission not found: {pid}.")
            perms.remove(found[0])
            return {}
    raise _not_found(method, f"/drive/v3/files/{sid}/permissions")
