"""``refresh_http`` under functions-framework with SHEETOPS_AUDIENCE set: it verifies the
caller's Google-signed ID token itself (issue #17, point 6), end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
import requests

from sheetops.testing.id_tokens import CertsServer, IdTokenIssuer
from sheetops.testing.sheets_server import SheetsServer

from .conftest import Book, Function, example, function_env, start_function

SCHEDULER = "sheetops-invoker@lumi.iam.gserviceaccount.com"
ISSUER = IdTokenIssuer()


@pytest.fixture(scope="module")
def guarded_fn(sheets: SheetsServer, book: Book, logs_dir: Path) -> Iterator[tuple[Function, CertsServer]]:
    with CertsServer(ISSUER) as certs:
        fn = start_function("refresh_http", logs_dir, function_env(
            sheets, book, SHEETOPS_AUDIENCE="https://sheetops-refresh-http.example.run.app",
            SHEETOPS_ALLOWED_CALLERS=SCHEDULER, SHEETOPS_CERTS_URL=certs.certs_url))
        yield fn, certs
        fn.stop()


def _post(fn: Function, sheet: str, token: str | None) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(fn.url, json={"spreadsheet": sheet, "as_of": example()["as_of"], "dry_run": True},
                         headers=headers, timeout=120)


def test_only_an_allowed_caller_with_a_token_for_this_function_refreshes(
        guarded_fn: tuple[Function, CertsServer], book: Book) -> None:
    fn, _ = guarded_fn
    audience = "https://sheetops-refresh-http.example.run.app"
    assert _post(fn, book["dry"], None).status_code == 401
    assert _post(fn, book["dry"], ISSUER.mint(audience="https://other.example", email=SCHEDULER)).status_code == 401
    assert _post(fn, book["dry"], ISSUER.mint(audience=audience, email="someone@gmail.com")).status_code == 403
    good = ISSUER.mint(audience=audience, email=SCHEDULER)
    reply = _post(fn, book["dry"], good)
    assert reply.status_code == 200, reply.text
    assert good not in fn.all_output(), "the token never reaches a log line"
