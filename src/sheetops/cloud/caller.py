"""Who is calling ``refresh_http``: the Google-signed ID token, checked by the function itself.

Cloud Functions normally sit behind Cloud IAM ("no unauthenticated access"), which checks
the caller before the function runs. Defense in depth: when ``SHEETOPS_AUDIENCE`` is set,
the function verifies the caller's ID token too, so that a function deployed (or later
changed) with public access still refreshes for nobody but the callers it lists:

- ``SHEETOPS_AUDIENCE``: the audience the token must carry (the function's URL, as given to
  ``--audience``/``oidcToken.audience``); comma-separated for several;
- ``SHEETOPS_ALLOWED_CALLERS``: comma-separated e-mails (service accounts or people) whose
  verified tokens may refresh; unset or empty means none may;
- ``SHEETOPS_CERTS_URL``: where Google publishes its signing certificates (default
  ``https://www.googleapis.com/oauth2/v1/certs``; tests point it at a local server).

The answer is 401 when the token is missing, malformed, expired, badly signed, for another
audience or from another issuer; 403 when it is valid but its e-mail is not verified or
not allowed. Certificates are cached for five minutes. The token itself is never logged.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Mapping

from .config import Env, environ

AUDIENCE_ENV = "SHEETOPS_AUDIENCE"
CALLERS_ENV = "SHEETOPS_ALLOWED_CALLERS"
CERTS_URL_ENV = "SHEETOPS_CERTS_URL"
GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
ISSUERS = ("accounts.google.com", "https://accounts.google.com")
CERTS_TTL = 300.0

_CACHE: dict[str, tuple[float, Mapping[str, Any]]] = {}
_CACHE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(",") if p.strip()]


def _certs(url: str) -> Mapping[str, Any]:
    with _CACHE_LOCK:
        hit = _CACHE.get(url)
        if hit and time.monotonic() - hit[0] < CERTS_TTL:
            return hit[1]
    import google.auth.transport.requests
    from google.oauth2 import id_token

    certs = id_token._fetch_certs(google.auth.transport.requests.Request(), url)  # noqa: SLF001 (the documented format)
    with _CACHE_LOCK:
        _CACHE[url] = (time.monotonic(), certs)
    return certs


class TokenRejected(Exception):
    """An ID token that did not verify; ``reason`` says why in a few words (never the token)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def bearer_token(headers: Mapping[str, str] | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, else None."""
    auth = (headers or {}).get("Authorization") or ""
    scheme, _, token = auth.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def verify_id_token(token: str, audiences: list[str], certs_url: str | None = None) -> Mapping[str, Any]:
    """The claims of a Google-signed ID token for one of ``audiences``, checked with google-auth
    (signature against the certificates at ``certs_url``, expiry, audience, Google as issuer);
    raise ``TokenRejected`` otherwise. Shared by ``refresh_http`` and the add-on."""
    try:
        from google.auth import exceptions, jwt

        certs = _certs(certs_url or GOOGLE_CERTS_URL)
        claims = jwt.decode(token, certs=certs, audience=audiences if len(audiences) > 1 else audiences[0],
                            clock_skew_in_seconds=10)
    except (ValueError, exceptions.GoogleAuthError) as exc:
        raise TokenRejected(_reason(exc)) from None
    if claims.get("iss") not in ISSUERS:
        raise TokenRejected("it was not issued by Google")
    return claims


def check_caller(headers: Mapping[str, str] | None, env: Env | None = None) -> Refusal | None:
    """None when the caller may refresh (or no audience is configured), else the refusal."""
    env = environ(env)
    audiences = _split(env.get(AUDIENCE_ENV))
    if not audiences:
        return None
    token = bearer_token(headers)
    if token is None:
        return Refusal(401, "This function needs a Google-signed ID token: send 'Authorization: Bearer <ID token>' "
                            "(Cloud Scheduler: add an OIDC token for the function's URL).")
    try:
        claims = verify_id_token(token, audiences, env.get(CERTS_URL_ENV))
    except TokenRejected as exc:
        if exc.reason == "it was not issued by Google":
            return Refusal(401, "The ID token was not issued by Google; call with a Google-signed ID token.")
        return Refusal(401, f"The ID token was not accepted ({exc.reason}); get a fresh token for this function's "
                            "URL and try again.")
    email = str(claims.get("email") or "")
    if not email or claims.get("email_verified") is not True:
        return Refusal(403, "The ID token carries no verified e-mail; call as a service account or a Google account.")
    allowed = {e.lower() for e in _split(env.get(CALLERS_ENV))}
    if email.lower() not in allowed:
        return Refusal(403, f"{email} may not refresh spreadsheets with this function; add it to "
                            f"{CALLERS_ENV} if it should.")
    return None


def _reason(exc: Exception) -> str:
    """A short reason without the token in it."""
    text = str(exc).lower()
    for words, reason in (("expired", "it has expired"), ("audience", "it is for another audience"),
                          ("signature", "its signature does not match Google's keys"),
                          ("certificate for key id", "it was signed with a key Google does not publish"),
                          ("too early", "it is not valid yet")):
        if words in text:
            return reason
    return "it is not a well-formed ID token"
