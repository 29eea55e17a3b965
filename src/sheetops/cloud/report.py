"""``refresh_http`` asked for a report: ``{"spreadsheet": ..., "report": "weekly" | "qbr"}``
with ``Accept: application/pdf`` answers the client report of an allowed spreadsheet as a
PDF (``sheetops report``'s document), so a schedule can mail it. Nothing is written to the
spreadsheet.

Errors are JSON, as for a refresh (statuses in :mod:`.runner`); 406 when the request does not
accept a PDF. Each request writes one structured log line.
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable

from ..errors import BadArguments
from . import config
from .logs import log, severity_for
from .runner import check_allowed, failed, open_sheet

REPORTS = ("weekly", "qbr")
FIELDS = ("spreadsheet", "report")
PDF = "application/pdf"

Reporter = Callable[[str, str], tuple[bytes, str]]
"""(sheet ID, report) -> (PDF bytes, file name); replaces the real one in tests."""


def wants_report(data: dict[str, Any]) -> bool:
    return "report" in data


def parse_report(data: dict[str, Any]) -> tuple[str, str]:
    """The checked (sheet ID, report) of a report request, or ``BadArguments``."""
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise BadArguments(f"Unknown field {', '.join(map(repr, unknown))} for a report; the fields are "
                           f"{', '.join(FIELDS)}.")
    report = data.get("report")
    if report not in REPORTS:
        raise BadArguments("'report' must be \"weekly\" (the Weekly or Monthly Report) or \"qbr\".")
    sheet = data.get("spreadsheet")
    if not isinstance(sheet, str) or not sheet.strip():
        raise BadArguments("'spreadsheet' is required: the ID or URL of the Google Sheet to report on.")
    return config.sheet_id_of(sheet), str(report)


def accepts_pdf(accept: str | None) -> bool:
    return bool(accept) and any(part.split(";")[0].strip() in (PDF, "application/*", "*/*")
                                for part in str(accept).split(","))


def answer(status: int, body: dict[str, Any]) -> tuple[str, int, dict[str, str]]:
    """A JSON answer, as ``http.answer`` writes them (kept here: ``http`` imports this module)."""
    return json.dumps(body, ensure_ascii=False), status, {"Content-Type": "application/json; charset=utf-8",
                                                          "Cache-Control": "no-store"}


def _real_reporter(sheet_id: str, report: str) -> tuple[bytes, str]:
    from ..documents import report_pdf_bytes

    return report_pdf_bytes(open_sheet(sheet_id), report)  # type: ignore[arg-type]


def report_answer(data: dict[str, Any], accept: str | None, *,
                  reporter: Reporter | None = None) -> tuple[Any, int, dict[str, str]]:
    """The PDF answer (bytes, 200, headers), or an error as (JSON text, status, headers)."""
    started = time.perf_counter()
    try:
        sheet_id, report = parse_report(data)
    except BadArguments as exc:
        log(severity_for(400), str(exc), trigger="http", status=400, result="refused")
        return answer(400, {"error": str(exc)})
    if not accepts_pdf(accept):
        message = "A report is answered as a PDF; send the header Accept: application/pdf."
        log(severity_for(406), message, trigger="http", status=406, result="refused", spreadsheet=sheet_id)
        return answer(406, {"error": message})
    try:
        check_allowed(sheet_id)
        pdf, name = (reporter or _real_reporter)(sheet_id, report)
    except Exception as exc:  # every failure becomes a JSON answer and a log line
        outcome = failed(sheet_id, exc, seconds=time.perf_counter() - started)
        outcome.log_line("http")
        return answer(outcome.status, outcome.body)
    log("INFO", f"Sent the {report} report of {sheet_id} as a PDF ({len(pdf)} bytes).", trigger="http", status=200,
        result="ok", spreadsheet=sheet_id, report=report, seconds=round(time.perf_counter() - started, 3))
    return pdf, 200, {"Content-Type": PDF, "Content-Disposition": f'attachment; filename="{name}"',
                      "Cache-Control": "no-store"}
