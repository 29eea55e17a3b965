"""OAuth for the local Sheets API server: the JWT-bearer grant that google-auth service
account credentials send, checked for real, and the access tokens it issues.

Tests register a service account's public key (see :func:`make_service_account`, which
generates a fresh RSA key in memory), google-auth signs an assertion with the private key,
posts it to ``{server}/token``, and the server verifies signature, issuer, audience,
lifetime and scope before issuing a bearer token that the API accepts.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
SCOPE_SHEETS = "https://www.googleapis.com/auth/spreadsheets"
SCOPE_SHEETS_READONLY = "https://www.googleapis.com/auth/spreadsheets.readonly"
SCOPE_DRIVE = "https://www.googleapis.com/auth/drive"
SCOPE_DRIVE_FILE = "https://www.googleapis.com/auth/drive.file"
WRITE_SCOPES = frozenset({SCOPE_SHEETS, SCOPE_DRIVE, SCOPE_DRIVE_FILE})
READ_SCOPES = WRITE_SCOPES | {SCOPE_SHEETS_READONLY, "https://www.googleapis.com/auth/drive.readonly"}
DRIVE_WRITE_SCOPES = frozenset({SCOPE_DRIVE, SCOPE_DRIVE_FILE})
DRIVE_READ_SCOPES = DRIVE_WRITE_SCOPES | {"https://www.googleapis.com/auth/drive.readonly",
                                          "https://www.googleapis.com/auth/drive.metadata.readonly"}
TOKEN_LIFETIME = 3600


class OAuthError(Exception):
    """A refused grant, answered as ``{"error": ..., "error_description": ...}``."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error, self.description = error, description


@dataclass
class AccessToken:
    """An issued bearer token: who holds it, for which scopes, until when."""

    subject: str
    scopes: frozenset[str]
    expires_at: float


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


@dataclass
class TokenAuthority:
    """Registered service-account keys and the access tokens issued from them."""

    audiences: set[str] = field(default_factory=lambda: {GOOGLE_TOKEN_URI})
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, AccessToken] = field(default_factory=dict)
    clock_skew: float = 300.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def register_key(self, client_email: str, public_key_pem: bytes | str, key_id: str = "") -> None:
        """Trust assertions from ``client_email`` signed by this RSA public key; an account
        may have several keys, told apart by the JWT header's ``kid`` (``key_id``)."""
        pem = public_key_pem.encode() if isinstance(public_key_pem, str) else public_key_pem
        self.keys.setdefault(client_email, {})[key_id] = serialization.load_pem_public_key(pem)

    def issue(self, subject: str = "test@local", scopes: frozenset[str] | set[str] = frozenset({SCOPE_SHEETS}),
              lifetime: float = TOKEN_LIFETIME, token: str | None = None) -> str:
        """Issue a bearer token directly (no JWT), e.g. for ``SHEETOPS_GOOGLE_TOKEN``."""
        value = token or "ya29.local-" + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[value] = AccessToken(subject, frozenset(scopes), time.time() + lifetime)
        return value

    def revoke_all(self) -> None:
        with self.lock:
            self.tokens.clear()

    def grant(self, form: dict[str, str]) -> dict[str, Any]:
        """The token endpoint: verify a JWT-bearer assertion and issue an access token."""
        if form.get("grant_type") != JWT_GRANT:
            raise OAuthError("unsupported_grant_type", "Invalid grant_type: " + str(form.get("grant_type")))
        assertion = form.get("assertion") or ""
        claims = self.verify(assertion)
        scopes = frozenset(str(claims.get("scope", "")).split())
        if not scopes:
            raise OAuthError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        token = self.issue(str(claims["iss"]), scopes)
        return {"access_token": token, "expires_in": TOKEN_LIFETIME - 1, "token_type": "Bearer"}

    def verify(self, assertion: str) -> dict[str, Any]:
        """Check an RS256 JWT's signature and claims; return the claims."""
        parts = assertion.split(".")
        if len(parts) != 3:
            raise OAuthError("invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.")
        try:
            header = json.loads(_b64decode(parts[0]))
            claims: dict[str, Any] = json.loads(_b64decode(parts[1]))
            signature = _b64decode(parts[2])
        except ValueError:
            raise OAuthError("invalid_grant", "Invalid JWT: malformed.") from None
        if header.get("alg") != "RS256":
            raise OAuthError("invalid_grant", "Invalid JWT: only RS256 is accepted.")
        account = self.keys.get(str(claims.get("iss")))
        if not account:
            raise OAuthError("invalid_grant", "Invalid grant: account not found")
        kid = header.get("kid")
        candidates = [account[kid]] if kid in account else list(account.values())
        signed = f"{parts[0]}.{parts[1]}".encode()
        for key in candidates:
            try:
                key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
                break
            except InvalidSignature:
                continue
        else:
            raise OAuthError("invalid_grant", "Invalid JWT Signature.")
        now = time.time()
        iat, exp = float(claims.get("iat", 0)), float(claims.get("exp", 0))
        if exp < now - self.clock_skew or iat > now + self.clock_skew or exp - iat > TOKEN_LIFETIME + 1:
            raise OAuthError("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) "
                             "and in a reasonable timeframe. Check your iat and exp values in the JWT claim.")
        if claims.get("aud") not in self.audiences:
            raise OAuthError("invalid_grant", "Invalid JWT: Failed audience check.")
        return claims

    def authenticate(self, authorization: str | None) -> AccessToken:
        """The live token of an ``Authorization: Bearer`` header; PermissionError(401) if none."""
        if not authorization or not authorization.startswith("Bearer "):
            raise PermissionError(401)
        with self.lock:
            found = self.tokens.get(authorization[7:].strip())
        if found is None or found.expires_at < time.time():
            raise PermissionError(401)
        return found

    def check(self, authorization: str | None, *, write: bool, drive: bool = False) -> AccessToken:
        """The token of an ``Authorization: Bearer`` header, or an error code (401/403).
        Drive calls need a Drive scope; Sheets calls a Sheets or Drive scope (the server
        checks Sheets calls against each method's scopes in the discovery document)."""
        found = self.authenticate(authorization)
        allowed = WRITE_SCOPES if write else READ_SCOPES
        if drive:
            allowed = DRIVE_WRITE_SCOPES if write else DRIVE_READ_SCOPES
        if not found.scopes & allowed:
            raise PermissionError(403)
        return found


def make_service_account(token_uri: str, *, client_email: str = "sheetops-test@local-project.iam.gserviceaccount.com",
                         authority: TokenAuthority | None = None,
                         scopes: tuple[str, ...] = (SCOPE_SHEETS, SCOPE_DRIVE_FILE)) -> tuple[dict[str, Any], Any]:
    """A fresh service account (RSA key generated now, never written to disk) whose
    ``token_uri`` is the local server; its public key is registered with ``authority``.

    Returns (service-account info dict, google-auth credentials with ``scopes``).
    """
    from google.oauth2 import service_account

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    info = {
        "type": "service_account",
        "project_id": "local-project",
        "private_key_id": secrets.token_hex(20),
        "private_key": private_pem,
        "client_email": client_email,
        "client_id": str(secrets.randbelow(10**20)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "universe_domain": "googleapis.com",
    }
    if authority is not None:
        authority.register_key(client_email, public_pem, info["private_key_id"])
    credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        info, scopes=list(scopes))
    # google-auth >= 2.62 looks up a "Regional Access Boundary" at iamcredentials.googleapis.com
    # after each token refresh: network traffic a local test must not make.
    credentials._is_regional_access_boundary_lookup_required = lambda: False
    return info, credentials
