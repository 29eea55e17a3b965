"""Point the real gspread 6 at a local Sheets API server.

gspread builds its URLs from constants in ``gspread.urls`` that its modules import by
name, so patching them is fragile. Instead :func:`local_http_client` makes an
``HTTPClient`` subclass (plain or with gspread's back-off) whose ``request`` rewrites the
Google hosts to the local base URL; everything else in gspread runs unchanged.

The project convention: ``SHEETOPS_SHEETS_API=http://127.0.0.1:PORT`` points every
Google-backed command at a local server, and only then (and only for a loopback address)
``SHEETOPS_GOOGLE_TOKEN`` is sent as the bearer token; :func:`sheets_api_from_env` reads
that safely.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from gspread import Client
from gspread.http_client import HTTPClient

from ..backends.google_auth import is_loopback

GOOGLE_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")


def local_http_client(base_url: str, base: type[HTTPClient] = HTTPClient) -> type[HTTPClient]:
    """An HTTPClient class (subclass of ``base``, e.g. ``gspread.BackOffHTTPClient``) that
    sends every Google API call to ``base_url`` instead."""
    root = base_url.rstrip("/")

    class LocalHTTPClient(base):  # type: ignore[valid-type, misc]
        local_base_url = root

        def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> requests.Response:
            for host in GOOGLE_HOSTS:
                if endpoint.startswith(host):
                    endpoint = root + endpoint[len(host):]
                    break
            response: requests.Response = super().request(method, endpoint, *args, **kwargs)
            return response

    LocalHTTPClient.__name__ = LocalHTTPClient.__qualname__ = f"Local{base.__name__}"
    return LocalHTTPClient


def gspread_client(server: Any, credentials: Any = None, *, token: str | None = None,
                   http_client: type[HTTPClient] = HTTPClient) -> Client:
    """A ``gspread.Client`` talking to a local server (a ``SheetsServer`` or a base URL).

    Give google-auth ``credentials`` (their ``token_uri`` should be the server's
    ``/token``), or a bearer ``token`` string.
    """
    base_url = server if isinstance(server, str) else server.url
    cls = local_http_client(base_url, http_client)
    if credentials is not None:
        return Client(auth=credentials, http_client=cls)
    if token is None:
        raise ValueError("give credentials or a token")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return Client(auth=None, session=session, http_client=cls)  # type: ignore[arg-type]


def is_loopback_url(url: str) -> bool:
    """True for http(s) URLs on 127.0.0.0/8, ::1 or localhost."""
    return urlsplit(url).scheme in ("http", "https") and is_loopback(url)


def sheets_api_from_env(environ: Mapping[str, str] | None = None) -> tuple[str | None, str | None]:
    """(base URL, bearer token) from ``SHEETOPS_SHEETS_API`` / ``SHEETOPS_GOOGLE_TOKEN``.

    The token is returned only when the base URL is a loopback address, so a token meant
    for a local test server is never sent anywhere else. (None, None) when unset.
    """
    env = os.environ if environ is None else environ
    base = (env.get("SHEETOPS_SHEETS_API") or "").strip() or None
    if base is None:
        return None, None
    token = (env.get("SHEETOPS_GOOGLE_TOKEN") or "").strip() or None
    return base.rstrip("/"), token if is_loopback_url(base) else None
