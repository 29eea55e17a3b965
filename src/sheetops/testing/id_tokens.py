"""Google-style signed ID tokens for tests: an RS256 signer and a local certificates server.

Google signs the ID token a caller presents (Cloud Scheduler's OIDC token, ``gcloud auth
print-identity-token``, a Workspace add-on's request) with keys whose certificates it
publishes at ``https://www.googleapis.com/oauth2/v1/certs``. ``IdTokenIssuer`` does the same
with a key made now (never written to disk), and ``CertsServer`` publishes its certificate,
so that ``refresh_http`` (or an add-on endpoint) verifies real tokens against a local URL::

    issuer = IdTokenIssuer()
    with CertsServer(issuer) as certs:           # SHEETOPS_CERTS_URL=certs.certs_url
        token = issuer.mint(audience="https://refresh.example", email="scheduler@p.iam.gserviceaccount.com")
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from .background import BackgroundServer

GOOGLE_ISSUER = "https://accounts.google.com"


class IdTokenIssuer:
    """Mints RS256 ID tokens the way Google does, with a fresh key and its X.509 certificate."""

    def __init__(self, *, key_id: str | None = None) -> None:
        self.key_id = key_id or uuid.uuid4().hex
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sheetops-test-id-tokens")])
        now = dt.datetime.now(dt.timezone.utc)
        self.certificate = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(self._key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2)).sign(self._key, hashes.SHA256())
        )

    def certs(self) -> dict[str, str]:
        """What Google's v1 certificates URL answers: key id -> PEM certificate."""
        return {self.key_id: self.certificate.public_bytes(serialization.Encoding.PEM).decode()}

    def mint(self, *, audience: str, email: str | None = None, issuer: str = GOOGLE_ISSUER,
             expires_in: int = 3600, email_verified: bool = True, key_id: str | None = None,
             **claims: Any) -> str:
        """A signed ID token for ``audience`` (the URL of the function), from ``email``."""
        from google.auth import crypt, jwt

        now = int(time.time())
        payload: dict[str, Any] = {"iss": issuer, "aud": audience, "iat": now, "exp": now + expires_in,
                                   "sub": str(abs(hash(email)) if email else "0")}
        if email is not None:
            payload.update(email=email, email_verified=email_verified)
        payload.update(claims)
        pem = self._key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())
        signer = crypt.RSASigner.from_string(pem, key_id=key_id or self.key_id)
        return jwt.encode(signer, payload).decode()


class _Handler(BaseHTTPRequestHandler):
    server: "_HTTPServer"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        owner = self.server.owner
        owner.fetches += 1
        data = json.dumps(owner.issuer.certs()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "public, max-age=300")
        self.end_headers()
        self.wfile.write(data)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], owner: "CertsServer") -> None:
        self.owner = owner
        super().__init__(address, _Handler)


class CertsServer(BackgroundServer):
    """Serves an issuer's certificates (at any path) like Google's certificates URL."""

    def __init__(self, issuer: IdTokenIssuer, port: int = 0, host: str = "127.0.0.1") -> None:
        self.issuer, self.host, self.port = issuer, host, port
        self.fetches = 0

    def start(self) -> "CertsServer":
        self._serve(_HTTPServer((self.host, self.port), self), "certs-server")
        return self

    @property
    def certs_url(self) -> str:
        return f"{self.url}/oauth2/v1/certs"


__all__ = ["CertsServer", "GOOGLE_ISSUER", "IdTokenIssuer"]
