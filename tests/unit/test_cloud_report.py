"""``refresh_http`` asked for a report PDF: the request checks, the allow-list, the answer."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from sheetops.cloud import handle_http
from sheetops.cloud import report as cloud_report


@dataclass
class Request:
    body: dict[str, Any]
    accept: str | None = "application/pdf"
    method: str = "POST"
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        data = json.dumps(self.body).encode()
        self.stream = io.BytesIO(data)
        self.content_length = len(data)
        if self.accept:
            self.headers["Accept"] = self.accept


@pytest.fixture(autouse=True)
def allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETOPS_ALLOWED_SPREADSHEETS", "1AbC")


def fake(sheet_id: str, report: str) -> tuple[bytes, str]:
    return b"%PDF-1.7 " + f"{sheet_id} {report}".encode(), f"{report}.pdf"


def test_the_pdf_of_an_allowed_sheet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cloud_report, "_real_reporter", fake)
    body, status, headers = handle_http(Request({"spreadsheet": "gsheet:1AbC", "report": "qbr"}))
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF") and b"1AbC qbr" in body and "qbr.pdf" in headers["Content-Disposition"]


@pytest.mark.parametrize("body, accept, status, says", [
    ({"spreadsheet": "1AbC", "report": "monthly"}, "application/pdf", 400, "'report' must be"),
    ({"spreadsheet": "1AbC", "report": "weekly", "as_of": "2026-11-18"}, "application/pdf", 400, "Unknown field"),
    ({"report": "weekly"}, "application/pdf", 400, "'spreadsheet' is required"),
    ({"spreadsheet": "1AbC", "report": "weekly"}, "application/json", 406, "Accept: application/pdf"),
    ({"spreadsheet": "1AbC", "report": "weekly"}, None, 406, "Accept: application/pdf"),
    ({"spreadsheet": "9XyZ", "report": "weekly"}, "application/pdf", 403, "not one this function may"),
])
def test_refusals_are_json_sentences(monkeypatch: pytest.MonkeyPatch, body: dict[str, Any], accept: str | None,
                                     status: int, says: str) -> None:
    monkeypatch.setattr(cloud_report, "_real_reporter", fake)
    text, got, headers = handle_http(Request(body, accept))
    assert got == status and headers["Content-Type"].startswith("application/json")
    assert says in json.loads(text)["error"]


def test_a_failure_while_printing_is_a_plain_500(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(sheet_id: str, report: str) -> tuple[bytes, str]:
        raise RuntimeError("boom")

    monkeypatch.setattr(cloud_report, "_real_reporter", broken)
    text, status, _ = handle_http(Request({"spreadsheet": "1AbC", "report": "weekly"}))
    assert status == 500 and "boom" not in text and "Traceback" not in text
