"""People signing in on the local Sheets API server: Google's installed-app OAuth flow.

What ``google-auth-oauthlib``'s ``InstalledAppFlow`` (and so ``sheetops login`` and
gspread's ``oauth()``) talks to, checked as Google checks it:

- ``GET /o/oauth2/auth?client_id=..&redirect_uri=http://localhost:PORT/&response_type=code
  &scope=..&state=..&code_challenge=..&code_challenge_method=S256`` stands in for the
  consent screen: the person (``OAuthUsers.person``) says yes at once, and the answer is a
  302 to ``redirect_uri?state=..&code=..&scope=..``. Unknown clients and redirect URIs
  that are not loopback are refused, as for a Desktop-app client;
- ``POST /token`` with ``grant_type=authorization_code`` exchanges the code once (client
  secret, the same redirect URI and the PKCE verifier checked) for an access token with
  the scopes granted and a refresh token; ``grant_type=refresh_token`` gives a new access
  token for a refresh token.

``SheetsServer.oauth_client()`` registers a client and returns the ``client_secrets.json``
content (type ``installed``) whose ``auth_uri`` and ``token_uri`` point at the server.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qs, urlencode, urlsplit

from sheetops.testing.sheets_auth import TOKEN_LIFETIME, OAuthError

AUTH_PATH = "/o/oauth2/auth"


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    scopes: frozenset[str]
    person: str
    challenge: str | None


@dataclass
class OAuthUsers:
    """Registered OAuth clients, outstanding codes and refresh tokens."""

    issue: Callable[[str, frozenset[str]], str]
    """Issues an access token for (identity, scopes): the server's ``TokenAuthority.issue``."""
    person: str = "mia@agency.example"
    clients: dict[str, str] = field(default_factory=dict)  # client_id -> client_secret
    codes: dict[str, _Code] = field(default_factory=dict)
    refresh_tokens: dict[str, tuple[str, str, frozenset[str]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, base_url: str, client_id: str | None = None) -> dict[str, Any]:
        """Register a Desktop-app client; the ``client_secrets.json`` content for it."""
        cid = client_id or f"{secrets.randbelow(10**12):012d}-local.apps.googleusercontent.com"
        secret = "GOCSPX-local-" + secrets.token_urlsafe(18)
        with self.lock:
            self.clients[cid] = secret
        return {"installed": {"client_id": cid, "client_secret": secret, "project_id": "local-project",
                              "auth_uri": f"{base_url}{AUTH_PATH}", "token_uri": f"{base_url}/token",
                              "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                              "redirect_uris": ["http://localhost"]}}

    def consent(self, query: str) -> str:
        """The consent screen: the URL the browser is sent back to (or ValueError)."""
        q = {k: v[-1] for k, v in parse_qs(query).items()}
        if q.get("client_id") not in self.clients:
            raise ValueError("invalid_client: The OAuth client was not found.")
        redirect = q.get("redirect_uri") or ""
        if urlsplit(redirect).hostname not in ("localhost", "127.0.0.1", "::1"):
            raise ValueError("redirect_uri_mismatch: a Desktop-app client may only redirect to a loopback address.")
        if q.get("response_type") != "code" or not q.get("scope"):
            raise ValueError("invalid_request: response_type=code and a scope are required.")
        if q.get("code_challenge") and q.get("code_challenge_method", "plain") != "S256":
            raise ValueError("invalid_request: only the S256 code challenge method is accepted.")
        code = "4/local-" + secrets.token_urlsafe(24)
        scopes = frozenset(q["scope"].split())
        with self.lock:
            self.codes[code] = _Code(q["client_id"], redirect, scopes, self.person, q.get("code_challenge"))
        answer = {"state": q.get("state", ""), "code": code, "scope": " ".join(sorted(scopes))}
        return f"{redirect}{'&' if '?' in redirect else '?'}{urlencode(answer)}"

    def grant(self, form: dict[str, str]) -> dict[str, Any]:
        """``/token`` for ``authorization_code`` and ``refresh_token`` grants."""
        cid, secret = form.get("client_id", ""), form.get("client_secret", "")
        if self.clients.get(cid) != secret or not secret:
            raise OAuthError("invalid_client", "Unauthorized")
        if form.get("grant_type") == "authorization_code":
            with self.lock:
                code = self.codes.pop(form.get("code", ""), None)  # a code is used once
            if code is None or code.client_id != cid:
                raise OAuthError("invalid_grant", "Malformed auth code.")
            if form.get("redirect_uri") != code.redirect_uri:
                raise OAuthError("invalid_grant", "Bad Request")  # Google's answer to a redirect mismatch
            if code.challenge is not None and _s256(form.get("code_verifier", "")) != code.challenge:
                raise OAuthError("invalid_grant", "Invalid code verifier.")
            refresh = "1//local-" + secrets.token_urlsafe(30)
            with self.lock:
                self.refresh_tokens[refresh] = (cid, code.person, code.scopes)
            return self._access(code.person, code.scopes, refresh)
        if form.get("grant_type") == "refresh_token":
            with self.lock:
                found = self.refresh_tokens.get(form.get("refresh_token", ""))
            if found is None or found[0] != cid:
                raise OAuthError("invalid_grant", "Token has been expired or revoked.")
            return self._access(found[1], found[2], None)
        raise OAuthError("unsupported_grant_type", "Invalid grant_type: " + str(form.get("grant_type")))

    def _access(self, person: str, scopes: frozenset[str], refresh: str | None) -> dict[str, Any]:
        answer: dict[str, Any] = {"access_token": self.issue(person, scopes), "expires_in": TOKEN_LIFETIME - 1,
                                  "scope": " ".join(sorted(scopes)), "token_type": "Bearer"}
        if refresh:
            answer["refresh_token"] = refresh
        return answer


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
