"""refresh_http checks its caller itself when SHEETOPS_AUDIENCE is set (issue #17, point 6).

Tokens are real RS256 ID tokens minted by ``sheetops.testing.id_tokens`` and verified with
google-auth against certificates served on loopback (``SHEETOPS_CERTS_URL``)."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass, field
from typing import Any, Iterator

import pytest

from sheetops.cloud import caller
from sheetops.cloud.http import handle_http
from sheetops.refresh import RunResult
from sheetops.testing.id_tokens import CertsServer, IdTokenIssuer

AUDIENCE = "https://europe-west1-lumi.cloudfunctions.net/refresh_http"
SCHEDULER = "sheetops-scheduler@lumi.iam.gserviceaccount.com"
SHEET = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"


@dataclass
class Request:
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "POST"
    body: bytes = json.dumps({"spreadsheet": SHEET, "as_of": "2026-11-18"}).encode()

    def __post_init__(self) -> None:
        self.content_length = len(self.body)
        self.stream = io.BytesIO(self.body)


def _refresher(sheet_id: str, **options: Any) -> RunResult:
    return RunResult(workbook=sheet_id, as_of=dt.date(2026, 11, 18))


ISSUER = IdTokenIssuer()


@pytest.fixture()
def certs(monkeypatch: pytest.MonkeyPatch) -> Iterator[CertsServer]:
    caller._CACHE.clear()
    with CertsServer(ISSUER) as server:
        monkeypatch.setenv("SHEETOPS_AUDIENCE", AUDIENCE)
        monkeypatch.setenv("SHEETOPS_ALLOWED_CALLERS", f"{SCHEDULER}, ops@lumi.example")
        monkeypatch.setenv("SHEETOPS_CERTS_URL", server.certs_url)
        monkeypatch.setenv("SHEETOPS_ALLOWED_SPREADSHEETS", SHEET)
        yield server


def _call(token: str | None, header: str = "Bearer") -> tuple[int, dict[str, Any], dict[str, str]]:
    headers = {"Authorization": f"{header} {token}"} if token is not None else {}
    text, status, out = handle_http(Request(headers), refresher=_refresher)  # type: ignore[arg-type]
    return status, json.loads(text), out


def test_an_allowed_caller_with_a_valid_token_refreshes(certs: CertsServer) -> None:
    status, body, _ = _call(ISSUER.mint(audience=AUDIENCE, email=SCHEDULER))
    assert status == 200 and body["workbook"] == SHEET
    assert _call(ISSUER.mint(audience=AUDIENCE, email="OPS@lumi.example"))[0] == 200
    assert certs.fetches == 1, "certificates are cached"


@pytest.mark.parametrize("case", ["missing", "not bearer", "garbage", "expired", "other audience", "other issuer",
                                  "foreign key", "tampered"])
def test_no_valid_token_is_401(certs: CertsServer, case: str) -> None:
    good = ISSUER.mint(audience=AUDIENCE, email=SCHEDULER)
    token, header = {
        "missing": (None, "Bearer"),
        "not bearer": (good, "Basic"),
        "garbage": ("not.a.token", "Bearer"),
        "expired": (ISSUER.mint(audience=AUDIENCE, email=SCHEDULER, expires_in=-120), "Bearer"),
        "other audience": (ISSUER.mint(audience="https://elsewhere.example", email=SCHEDULER), "Bearer"),
        "other issuer": (ISSUER.mint(audience=AUDIENCE, email=SCHEDULER, issuer="https://evil.example"), "Bearer"),
        "foreign key": (IdTokenIssuer().mint(audience=AUDIENCE, email=SCHEDULER), "Bearer"),
        "tampered": (good[:-6] + ("AAAAAA" if not good.endswith("AAAAAA") else "BBBBBB"), "Bearer"),
    }[case]
    status, body, headers = _call(token, header)
    assert status == 401, body
    assert "WWW-Authenticate" in headers and set(body) == {"error"}
    assert token is None or token not in body["error"], "the token is never echoed"


@pytest.mark.parametrize("email, verified", [("stranger@gmail.com", True), (SCHEDULER, False), (None, True)])
def test_a_valid_token_of_a_caller_not_allowed_is_403(certs: CertsServer, email: str | None, verified: bool) -> None:
    status, body, _ = _call(ISSUER.mint(audience=AUDIENCE, email=email, email_verified=verified))
    assert status == 403, body


def test_no_callers_listed_means_none_is_allowed(certs: CertsServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHEETOPS_ALLOWED_CALLERS")
    assert _call(ISSUER.mint(audience=AUDIENCE, email=SCHEDULER))[0] == 403


def test_without_an_audience_the_function_relies_on_cloud_iam(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHEETOPS_AUDIENCE", raising=False)
    monkeypatch.setenv("SHEETOPS_ALLOWED_SPREADSHEETS", SHEET)
    assert _call(None)[0] == 200
