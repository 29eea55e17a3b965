"""The add-on's pieces without a server: cards parse strictly as google.apps.card.v1.Card,
the deployment as the Workspace Add-ons API's Deployment with the fewest scopes, events parse."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from sheetops.addon import cards, sidebar
from sheetops.addon.deployment import DRIVE_FILE_SCOPE, EMAIL_SCOPE, deployment
from sheetops.addon.events import parse_event
from sheetops.addon.sheets import SheetState, WeekDrafts, week_drafts
from sheetops.errors import BadArguments

from ..addon_strict import card_text, check_answer, parse_card, parse_deployment

ENDPOINT = "https://sheetops-addon.example.run.app"


def _state() -> SheetState:
    head = ["Payout ID", "Period start", "Creator", "Total", "Status"]
    rows = [["2026-11-16/glowwithmia", "2026-11-16", "glowwithmia", "120.50", "Draft"],
            ["2026-11-16/dadjokesdan", "2026-11-16", "dadjokesdan", "80.00", "On hold"],
            ["2026-11-16/brows.by.bri", "2026-11-16", "brows.by.bri", "19.50", "Draft"],
            ["2026-11-09/glowwithmia", "2026-11-09", "glowwithmia", "99.00", "Draft"],
            ["2026-11-09/brows.by.bri", "2026-11-09", "brows.by.bri", "5.00", "Below minimum"]]
    payouts = [(i, dict(zip(head, r))) for i, r in enumerate(rows, start=1)]
    run = {"Started": "2026-11-18 09:00:00", "Trigger": "addon", "Result": "errors", "Errors": 2, "Warnings": 1,
           "Rows read": "Creators 36, Orders 200"}
    issues = [{"Severity": "Error", "Tab": "Orders", "Cell": "Orders!E72", "Problem": "ghost <is> not a creator"}]
    return SheetState({}, run, payouts, issues, {"Orders": 7}, None)


def test_every_card_parses_strictly() -> None:
    state = _state()
    week = week_drafts(state)
    made = [sidebar.home_card(state, "Lumi", ENDPOINT), sidebar.issues_card(state, "1AbC", ENDPOINT),
            sidebar.confirm_card(week, "mia@lumi.example", ENDPOINT),
            sidebar.confirm_card(WeekDrafts(dt.date(2026, 11, 16), [], 0, ["dadjokesdan"]), "m@x.example", ENDPOINT),
            sidebar.approved_card(week, "mia@lumi.example", ENDPOINT), sidebar.started_card(250_000, ENDPOINT),
            sidebar.too_big_card(250_000, 100_000, ENDPOINT), sidebar.not_sheetops_card("Budget", ENDPOINT),
            sidebar.grant_card(ENDPOINT), cards.error_card("Something plain.", ENDPOINT)]
    for c in made:
        parse_card(c)
        check_answer(cards.push(c), endpoint=ENDPOINT)
        check_answer(cards.update(c, notice="Done."), endpoint=ENDPOINT)
    check_answer(cards.request_file_scope(), endpoint=ENDPOINT)


def test_a_misspelt_card_field_is_refused() -> None:
    with pytest.raises(Exception):
        parse_card({"header": {"title": "x"}, "sections": [{"widgets": [{"textParagraf": {"text": "x"}}]}]})


def test_last_weeks_drafts_are_the_newest_periods_drafts_and_holds_are_named() -> None:
    week = week_drafts(_state())
    assert week.period_start == dt.date(2026, 11, 16)
    assert [pid for _, pid in week.rows] == ["2026-11-16/glowwithmia", "2026-11-16/brows.by.bri"]
    assert week.total_cents == 14000 and week.on_hold == ["dadjokesdan"]
    text = card_text(parse_card(sidebar.confirm_card(week, "mia@lumi.example", ENDPOINT)))
    assert "Approve 2 draft payouts" in text and "140.00" in text and "@dadjokesdan is On hold" in text


def test_issues_link_to_their_cell_and_text_is_escaped() -> None:
    c = parse_card(sidebar.issues_card(_state(), "1AbC", ENDPOINT))
    widget = c.sections[0].widgets[0].decorated_text
    assert widget.on_click.open_link.url == "https://docs.google.com/spreadsheets/d/1AbC/edit#gid=7&range=E72"
    assert "&lt;is&gt;" in widget.text


def test_the_deployment_parses_as_a_workspace_add_ons_deployment_with_the_fewest_scopes() -> None:
    out = subprocess.run([sys.executable, "-m", "sheetops.cli", "addon-deployment", "--url",
                          "https://example.test/addon"], capture_output=True, text=True, check=True)
    import json

    parsed = parse_deployment(json.loads(out.stdout))
    assert set(parsed.oauth_scopes) == {DRIVE_FILE_SCOPE, EMAIL_SCOPE}
    assert parsed.add_ons.sheets.homepage_trigger.run_function == "https://example.test/addon"
    assert parsed.add_ons.sheets.on_file_scope_granted_trigger.run_function == "https://example.test/addon"
    assert parsed.add_ons.http_options.authorization_header.name == "SYSTEM_ID_TOKEN"
    assert parsed.add_ons.common.name == "SheetOps" and parsed.add_ons.common.logo_url.startswith("https://")
    with pytest.raises(BadArguments):
        deployment("http://example.test/addon")


def test_events_parse_and_an_unknown_button_is_refused() -> None:
    event = parse_event(b'{"commonEventObject": {"hostApp": "SHEETS", "parameters": {"do": "refresh"}},'
                        b'"authorizationEventObject": {"userOAuthToken": "ya29.SECRET"},'
                        b'"sheets": {"id": "1AbC", "title": "Lumi", "addonHasFileScopePermission": true}}')
    assert (event.action, event.spreadsheet_id, event.has_file_scope) == ("refresh", "1AbC", True)
    assert "SECRET" not in repr(event)
    home = parse_event(b'{"commonEventObject": {"hostApp": "SHEETS"}, "sheets": {}}')
    assert home.action == "home" and home.spreadsheet_id is None
    with pytest.raises(BadArguments):
        parse_event(b'{"commonEventObject": {"parameters": {"do": "rm -rf"}}}')
    with pytest.raises(BadArguments):
        parse_event(b"not json")
