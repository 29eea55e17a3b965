"""What Google checks about a call before any handler runs, in Google's order: the token
(401), the method's scopes (403 ACCESS_TOKEN_SCOPE_INSUFFICIENT), the API being enabled
(403 SERVICE_DISABLED, simulated on demand), the project's and the user's per-minute
quotas (429 RATE_LIMIT_EXCEEDED), then the request itself (400, see
:mod:`strict_requests`) and the caller's access to the spreadsheet (403 PERMISSION_DENIED).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from sheetops.testing import discovery
from sheetops.testing.google_errors import (not_shared, quota_exceeded, scope_insufficient, service_disabled,
                                            unauthenticated)
from sheetops.testing.sheets_auth import TokenAuthority
from sheetops.testing.sheets_sharing import Sharing
from sheetops.testing.sheets_state import ApiError
from sheetops.testing.sheets_traffic import RequestKind, Traffic

_SHEETS_ID = re.compile(r"^/v4/spreadsheets/([^/:]+)")
_DRIVE_ID = re.compile(r"^/drive/v3/files/([^/]+)")
SCOPE_PREFIX = "https://www.googleapis.com/auth/"


@dataclass(frozen=True)
class Caller:
    """Who is calling: ``identity`` for sharing (None with open auth: not known) and
    ``quota_user`` for the per-user quota (the identity, or the token itself)."""

    identity: str | None
    quota_user: str | None


def api_method(http_method: str, path: str) -> discovery.Method | None:
    """The Sheets method of a request path (None for Drive, the token endpoint, unknown paths)."""
    if not path.startswith("/v4/spreadsheets"):
        return None
    return discovery.method_of(http_method, path.rstrip("/") or path)


def spreadsheet_id_of(path: str) -> str | None:
    """The spreadsheet (or Drive file) a path is about, if any."""
    m = _SHEETS_ID.match(path) or _DRIVE_ID.match(path)
    return unquote(m.group(1)) if m else None


def authorize(auth: TokenAuthority, header: str | None, http_method: str, path: str, kind: RequestKind,
              *, open_auth: bool, disabled: bool = False) -> Caller:
    """Check the bearer token and its scopes for this call; who the caller is."""
    if open_auth:
        token = (header or "")[7:].strip() or None
        return Caller(None, token)
    try:
        token_info = auth.authenticate(header)
    except PermissionError:
        raise unauthenticated() from None
    method = api_method(http_method, path)
    if method is not None:
        if not token_info.scopes & method.scopes:
            raise scope_insufficient(method.rpc)
    elif kind == "drive":
        try:
            auth.check(header, write=http_method != "GET", drive=True)
        except PermissionError:
            raise ApiError(403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED",
                           [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                             "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "domain": "googleapis.com",
                             "metadata": {"service": "drive.googleapis.com"}}]) from None
    if disabled and kind in ("read", "write"):
        raise service_disabled()
    return Caller(token_info.subject, token_info.subject)


def admit(traffic: Traffic, kind: RequestKind, caller: Caller) -> None:
    """Count the call against the quotas; 429 when one of them is used up."""
    over = traffic.admit(kind, caller.quota_user)
    if over is not None:
        per_user, limit = over
        raise quota_exceeded(kind, per_user=per_user, limit=limit)


def check_access(sharing: Sharing, path: str, caller: Caller, exists: Any) -> None:
    """403 when the spreadsheet exists and is not shared with the caller (a missing one
    is left to the handler's 404)."""
    sid = spreadsheet_id_of(path)
    if sid is None or not exists(sid):
        return
    if not sharing.allowed(sid, caller.identity):
        raise not_shared()


def parse_scopes(text: str) -> frozenset[str]:
    """``spreadsheets,drive.file`` or full URLs -> the scope URLs."""
    return frozenset(s if "://" in s else SCOPE_PREFIX + s for s in (p.strip() for p in text.split(",")) if s)
