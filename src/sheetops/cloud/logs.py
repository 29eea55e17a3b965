"""Structured log lines that Cloud Logging understands, with secrets kept out.

Cloud Functions (2nd gen) turn each JSON object printed on one stdout line into a log entry:
``severity`` sets the level and ``message`` the summary; every other key lands in
``jsonPayload``. A line never holds a credential: ``redact`` masks bearer and access tokens,
private keys and the value of ``SHEETOPS_GOOGLE_TOKEN``, and an unexpected exception is
logged by its type and where it happened, never by its message (which may quote a cell,
e.g. a ``Payout account``).
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import traceback
from pathlib import Path
from typing import Any, TextIO

from ..backends.google_auth import TOKEN_ENV

_WRITE = threading.Lock()
_PATTERNS = [
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(r"\bya29\.[A-Za-z0-9._~+/=-]+"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.S),
    re.compile(r'(?i)"?(access_token|refresh_token|id_token|private_key|client_secret)"?\s*[:=]\s*"?[^",\s}]+'),
]
MASK = "[redacted]"


def redact(text: str, *, environ: "os._Environ[str] | dict[str, str] | None" = None) -> str:
    """``text`` with tokens, keys and the configured test token replaced by ``[redacted]``."""
    env = os.environ if environ is None else environ
    token = (env.get(TOKEN_ENV) or "").strip()
    if len(token) >= 6:
        text = text.replace(token, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    return text


def log(severity: str, message: str, *, stream: TextIO | None = None, **fields: Any) -> dict[str, Any]:
    """Write one JSON log line (``severity``, ``message`` and ``fields``) and return it."""
    entry: dict[str, Any] = {"severity": severity, "message": message, "component": "sheetops", **fields}
    line = redact(json.dumps(entry, default=str, ensure_ascii=False, separators=(",", ":")))
    out = stream or sys.stdout
    with _WRITE:
        out.write(line + "\n")
        out.flush()
    return entry


def where(exc: BaseException, *, frames: int = 8) -> list[str]:
    """The last ``frames`` places an exception passed through, as ``file:line in func``
    (file names only: no paths, no messages, no local values)."""
    stack = traceback.extract_tb(exc.__traceback__)[-frames:]
    return [f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in stack]


def severity_for(status: int) -> str:
    """Log level for an HTTP status: 5xx ERROR, 4xx WARNING, else INFO."""
    return "ERROR" if status >= 500 else "WARNING" if status >= 400 else "INFO"
