"""What each event does: the homepage and file-scope triggers show the sidebar; the buttons
(``do`` = refresh, dry_run, issues, approve_week, and their helpers) act on the spreadsheet
as the signed-in user and answer with a card.

Long refreshes: the sidebar waits for an answer for at most ``RESPONSE_LIMIT_SECONDS``.
A sheet whose last run read more than ``SHEETOPS_ADDON_MAX_ROWS`` rows (default
``MAX_ROWS``, measured in docs/performance.md) is not refreshed while the user waits: when
the sheet is one the scheduled refresh may open (``SHEETOPS_ALLOWED_SPREADSHEETS`` and
``SHEETOPS_REFRESH_TOPIC`` are set), a message goes to the existing Pub/Sub path
(``refresh_scheduled`` refreshes it) and the card says "Refresh started"; otherwise the
card says how to get there. The user's token never goes into the message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..errors import BadArguments, NotASheetOpsWorkbook, SheetOpsError
from . import cards, sidebar
from .auth import endpoint_url, user_email
from .events import AddonEvent
from .sheets import approve_week, is_sheetops, open_as_user, read_state, week_drafts

RESPONSE_LIMIT_SECONDS = 30
"""How long Google waits for an add-on's answer before it shows the user an error."""
MAX_ROWS = 60_000
"""Rows (all tabs a refresh reads) up to which a refresh answers within the limit; see
docs/performance.md, 'Inside Google Sheets'."""
MAX_ROWS_ENV = "SHEETOPS_ADDON_MAX_ROWS"


@dataclass
class Answer:
    """An add-on answer and what its log line says."""

    body: dict[str, Any]
    result: str
    detail: dict[str, Any]


def max_rows() -> int:
    raw = (os.environ.get(MAX_ROWS_ENV) or "").strip()
    return int(raw) if raw.isdigit() else MAX_ROWS


def _show(event: AddonEvent, c: cards.Card) -> dict[str, Any]:
    """A homepage/file-scope trigger pushes the card; a button replaces the one on show."""
    return cards.push(c) if event.action == "home" and "do" not in event.parameters else cards.update(c)


def run(event: AddonEvent) -> Answer:
    """Answer one event (``SheetOpsError`` sentences and other failures are the caller's)."""
    endpoint = endpoint_url()
    if event.action == "grant" or event.spreadsheet_id is None or not event.user_token:
        if event.action == "grant":
            return Answer(cards.request_file_scope(), "grant", {})
        return Answer(_show(event, sidebar.grant_card(endpoint)), "needs-access", {})
    wb = open_as_user(event.spreadsheet_id, event.user_token)
    if event.action == "add_tabs":
        from .sheets import add_tabs

        if not is_sheetops(wb):
            add_tabs(wb)
        wb = open_as_user(event.spreadsheet_id, event.user_token)
    try:
        state = read_state(wb)
    except NotASheetOpsWorkbook:
        return Answer(_show(event, sidebar.not_sheetops_card(event.title, endpoint)), "not-sheetops", {})
    if event.action in ("home", "add_tabs"):
        return Answer(_show(event, sidebar.home_card(state, event.title, endpoint)), "shown", {})
    if event.action == "issues":
        return Answer(cards.update(sidebar.issues_card(state, event.spreadsheet_id, endpoint)), "shown", {})
    if event.action in ("refresh", "dry_run"):
        return _refresh(event, wb, state.rows_estimate(), endpoint)
    email = user_email(event.user_id_token)
    if not email:
        raise BadArguments("SheetOps could not tell who you are (your Google account sent no verified e-mail), "
                           "so it cannot write your name in Approved by; close the sidebar and open it again.")
    week = week_drafts(state)
    if event.action == "approve_week":
        return Answer(cards.update(sidebar.confirm_card(week, email, endpoint)), "confirm",
                      {"drafts": len(week.rows)})
    done = approve_week(wb, event.parameters.get("shown", ""), email)
    return Answer(cards.update(sidebar.approved_card(done, email, endpoint), notice=f"Approved {len(done.rows)} "
                               "payouts."), "approved", {"approved": len(done.rows)})


def _refresh(event: AddonEvent, wb: Any, rows: int, endpoint: str) -> Answer:
    from ..refresh import refresh

    dry_run = event.action == "dry_run"
    limit = max_rows()
    if rows > limit and not dry_run:
        if _publish(str(event.spreadsheet_id)):
            return Answer(cards.update(sidebar.started_card(rows, endpoint)), "started", {"rows": rows})
        return Answer(cards.update(sidebar.too_big_card(rows, limit, endpoint)), "too-big", {"rows": rows})
    result = refresh(wb, dry_run=dry_run, trigger="addon")
    j = result.to_json()
    return Answer(cards.update(sidebar.result_card(result, endpoint)), j["result"],
                  {"issues": j["issues"], "payouts": j["payouts"], "rows": j["rows"], "run_seconds": j["seconds"],
                   "dry_run": dry_run})


def _publish(spreadsheet_id: str) -> bool:
    """Send the sheet to the scheduled refresh when it may go there; False when it may not."""
    from ..cloud import config
    from ..cloud.pubsub import Message, Publisher, session

    if spreadsheet_id not in config.allowed_ids() or not (os.environ.get(config.TOPIC_ENV) or "").strip():
        return False
    publisher = Publisher(session(), config.refresh_topic(), base=config.pubsub_base(), retry=config.retry_policy())
    publisher.publish([Message({"spreadsheet": spreadsheet_id}, {"trigger": "addon"})])
    return True


def failure_answer(event: AddonEvent | None, exc: BaseException) -> dict[str, Any]:
    """An error card with one plain sentence (a ``SheetOpsError``'s own, else a fixed one)."""
    from ..cloud.runner import INTERNAL

    sentence = str(exc) if isinstance(exc, SheetOpsError) else INTERNAL
    c = cards.error_card(sentence, endpoint_url())
    return cards.push(c) if event is None or "do" not in event.parameters else cards.update(c)
