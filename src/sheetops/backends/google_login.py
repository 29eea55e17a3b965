"""``sheetops login``: a person signs in to Google once, and later runs use that sign-in.

The installed-app OAuth flow (``google-auth-oauthlib``'s ``InstalledAppFlow``, as gspread's
``oauth()`` uses): SheetOps opens the browser at Google's consent screen, asking for exactly
the scopes it needs (``spreadsheets`` and ``drive.file``: the sheets the person opens with it
and the files it creates, nothing else of their Drive), listens on a loopback port for
Google's redirect, exchanges the code (with PKCE) and stores the authorized-user credential
(refresh token, client ID and secret) as JSON in the config folder:

- ``$SHEETOPS_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/sheetops``, else ``~/.config/sheetops``;
- ``credentials.json`` there, readable by its owner only (0600, the folder 0700).

The OAuth client comes from ``--client-secrets FILE`` (a Desktop-app client ID downloaded
from the Google Cloud console), else ``client_secrets.json`` in the same folder.
``google_auth.load_credentials`` uses the stored credential before Application Default
Credentials (``google_auth.stored_credentials``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import AccessDenied, BadArguments
from .google_auth import CLIENT_SECRETS_FILE, CREDENTIALS_FILE, DRIVE_FILE_SCOPE, SHEETS_SCOPE, config_dir, is_loopback

LOGIN_SCOPES = [SHEETS_SCOPE, DRIVE_FILE_SCOPE]


def login(client_secrets: Path | None = None, *, open_browser: bool = True, browser: str | None = None,
          environ: "os._Environ[str] | dict[str, str] | None" = None) -> Path:
    """Sign a person in with the installed-app flow; the path of the stored credential."""
    from google_auth_oauthlib.flow import InstalledAppFlow

    folder = config_dir(environ)
    secrets_file = client_secrets or folder / CLIENT_SECRETS_FILE
    if not secrets_file.is_file():
        raise BadArguments(
            f"No OAuth client file at {secrets_file}; in the Google Cloud console (APIs & Services > Credentials) "
            "create an OAuth client ID of type Desktop app, download its JSON and run "
            "'sheetops login --client-secrets FILE'."
        )
    try:
        flow = InstalledAppFlow.from_client_secrets_file(str(secrets_file), scopes=LOGIN_SCOPES)
    except (ValueError, KeyError, json.JSONDecodeError):
        raise BadArguments(f"{secrets_file} is not an OAuth client file of type Desktop app (it needs an "
                           "'installed' section); download it again from the Google Cloud console.") from None
    if is_loopback(str(flow.client_config.get("token_uri", ""))):
        os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"  # a local test server speaks plain HTTP on loopback
    prompt = "Sign in to Google in your browser; if it did not open, visit this URL:\n{url}"
    try:
        credentials = flow.run_local_server(host="localhost", port=0, open_browser=open_browser, browser=browser,
                                            authorization_prompt_message=prompt, timeout_seconds=300,
                                            success_message="SheetOps is signed in; you can close this tab.")
    except Exception as exc:  # the flow's own errors name OAuth details a person cannot act on
        raise AccessDenied(f"Google sign-in did not finish ({type(exc).__name__}); run 'sheetops login' again.") \
            from None
    granted = set(credentials.granted_scopes or credentials.scopes or [])
    if SHEETS_SCOPE not in granted:
        raise AccessDenied("Google sign-in finished without access to Google Sheets (the box was left unticked "
                           "on the consent screen); run 'sheetops login' again and allow it.")
    return store(json.loads(credentials.to_json()), folder)


def store(info: dict[str, Any], folder: Path) -> Path:
    """Write an authorized-user credential, owner-only (folder 0700, file 0600)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / CREDENTIALS_FILE
    keep = {k: info[k] for k in ("type", "client_id", "client_secret", "refresh_token", "token_uri", "scopes",
                                 "universe_domain", "account") if k in info}
    keep.setdefault("type", "authorized_user")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        os.fchmod(out.fileno(), 0o600)
        json.dump(keep, out, indent=2)
    return path
