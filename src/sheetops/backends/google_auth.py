"""Where Google requests go and which credentials they carry.

- Credentials come from the person's own sign-in stored by ``sheetops login``
  (``google_login``), else from Application Default Credentials (``google.auth.default``)
  with only the spreadsheets scope; the Drive file scope is added only to create
  spreadsheets.
- ``SHEETOPS_SHEETS_API=http://127.0.0.1:PORT`` sends every Sheets (and Drive) request to
  a local server instead of Google, e.g. ``sheetops.testing.sheets_server``.
- ``SHEETOPS_GOOGLE_TOKEN=<token>`` is sent as the bearer token instead of loading
  credentials, and only when ``SHEETOPS_SHEETS_API`` names a loopback address: a token in
  an environment variable must never travel to a real service.

Nothing here runs at import time; credentials load when a client is made.
"""

from __future__ import annotations

import ipaddress
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import AccessDenied, BadArguments

SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
DRIVE_FILE_SCOPE = "https://www.googleapis.com/auth/drive.file"
GOOGLE_SHEETS_API = "https://sheets.googleapis.com"
GOOGLE_DRIVE_API = "https://www.googleapis.com"
LOGIN_WITH_SCOPES = (
    "gcloud auth application-default login "
    "--scopes=https://www.googleapis.com/auth/spreadsheets,https://www.googleapis.com/auth/cloud-platform"
)
"""The laptop sign-in that gives Application Default Credentials the Sheets scope (plain
``gcloud auth application-default login`` gives only cloud-platform, which Sheets refuses
with 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT)."""
API_ENV = "SHEETOPS_SHEETS_API"
TOKEN_ENV = "SHEETOPS_GOOGLE_TOKEN"
CONFIG_ENV = "SHEETOPS_CONFIG_DIR"
CREDENTIALS_FILE = "credentials.json"
CLIENT_SECRETS_FILE = "client_secrets.json"


@dataclass(frozen=True)
class Endpoints:
    """Base URLs of the Sheets API and the Drive API (both the local server when set)."""

    sheets: str = GOOGLE_SHEETS_API
    drive: str = GOOGLE_DRIVE_API

    @property
    def local(self) -> bool:
        return is_loopback(self.sheets)


def is_loopback(url: str) -> bool:
    """True when ``url`` names this machine (127.0.0.0/8, ::1 or ``localhost``)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def endpoints(environ: "os._Environ[str] | dict[str, str] | None" = None) -> Endpoints:
    """The endpoints ``SHEETOPS_SHEETS_API`` asks for, else Google's."""
    env = os.environ if environ is None else environ
    base = (env.get(API_ENV) or "").strip().rstrip("/")
    if not base:
        return Endpoints()
    if urlsplit(base).scheme not in ("http", "https"):
        raise BadArguments(f"{API_ENV} must be a URL such as http://127.0.0.1:8080, not {base!r}.")
    return Endpoints(sheets=base, drive=base)


def authorized_client(
    *, create: bool = False, environ: "os._Environ[str] | dict[str, str] | None" = None
) -> tuple[Any, str | None]:
    """A ``gspread.Client`` carrying credentials, and the account's e-mail when known.

    ``create=True`` adds the Drive file scope (creating and sharing a new spreadsheet)."""
    import gspread
    import requests

    env = os.environ if environ is None else environ
    where = endpoints(env)
    token = (env.get(TOKEN_ENV) or "").strip()
    if token:
        if not where.local:
            raise AccessDenied(
                f"{TOKEN_ENV} is only used with a local test server; unset it, or set "
                f"{API_ENV} to a loopback address such as http://127.0.0.1:8080."
            )
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        return gspread.Client(auth=None, session=session), None  # type: ignore[arg-type]
    credentials = load_credentials(create=create)
    return gspread.Client(auth=credentials), account_email(credentials)


def load_credentials(*, create: bool = False) -> Any:
    """The stored ``sheetops login`` credential, else Application Default Credentials with
    the spreadsheets scope (and Drive file)."""
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    stored = stored_credentials()
    if stored is not None:
        return stored
    scopes = [SHEETS_SCOPE, DRIVE_FILE_SCOPE] if create else [SHEETS_SCOPE]
    try:
        credentials, _project = google.auth.default(scopes=scopes)
    except DefaultCredentialsError:
        raise AccessDenied(
            f"No Google credentials were found; sign in with 'sheetops login' (or '{LOGIN_WITH_SCOPES}'), "
            "or set GOOGLE_APPLICATION_CREDENTIALS to a service account key file."
        ) from None
    return credentials


def account_email(credentials: Any) -> str | None:
    """The e-mail of a service account (people share the sheet with it), else None."""
    email = getattr(credentials, "service_account_email", None)
    if isinstance(email, str) and "@" in email:
        return email
    return None


def is_service_account(email: str | None) -> bool:
    """True for a service account's e-mail (``...@PROJECT.iam.gserviceaccount.com``)."""
    return bool(email) and str(email).lower().endswith(".gserviceaccount.com")


# -- a person's own sign-in, stored by ``sheetops login`` (``google_login``) ----------------
def config_dir(environ: "os._Environ[str] | dict[str, str] | None" = None) -> Path:
    """Where SheetOps keeps a person's sign-in: ``$SHEETOPS_CONFIG_DIR``, else
    ``$XDG_CONFIG_HOME/sheetops``, else ``~/.config/sheetops``."""
    env = os.environ if environ is None else environ
    if (env.get(CONFIG_ENV) or "").strip():
        return Path(env[CONFIG_ENV].strip()).expanduser()
    base = (env.get("XDG_CONFIG_HOME") or "").strip()
    return (Path(base) if base else Path.home() / ".config") / "sheetops"


def stored_credentials(environ: "os._Environ[str] | dict[str, str] | None" = None) -> Any:
    """The credential ``sheetops login`` stored (authorized-user JSON), or None."""
    path = config_dir(environ) / CREDENTIALS_FILE
    if not path.is_file():
        return None
    from google.oauth2.credentials import Credentials

    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        credentials = Credentials.from_authorized_user_info(info)  # type: ignore[no-untyped-call]
    except (ValueError, KeyError):
        raise AccessDenied(f"The sign-in stored in {path} is damaged; run 'sheetops login' again.") from None
    # google-auth always sends a stored sign-in to Google's token endpoint; a local test
    # server's (loopback) endpoint is kept only while the API itself is a local server.
    token_uri = str(info.get("token_uri") or "")
    if is_loopback(token_uri) and endpoints(environ).local:
        credentials = credentials.with_token_uri(token_uri)
    return credentials
