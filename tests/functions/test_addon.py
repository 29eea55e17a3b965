"""The Google Sheets add-on (issue #19) end to end: events as Google sends them, through
functions-framework (target ``addon``), real ID tokens from ``sheetops.testing.id_tokens``
verified with google-auth, and the local Sheets API server holding the user's spreadsheet;
the assertions are on what the sheet holds afterwards."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from sheetops.testing.demo_sheet import seed_demo
from sheetops.testing.id_tokens import CertsServer, IdTokenIssuer
from sheetops.testing.pubsub_server import PubSubServer
from sheetops.testing.sheets_auth import SCOPE_DRIVE_FILE
from sheetops.testing.sheets_server import SheetsServer
from sheetops.workbook.cells import parse_date, parse_money

from ..addon_strict import card_text, check_answer
from .conftest import TOKEN, TOPIC, Function, start_function

AUDIENCE = "https://sheetops-addon-abc123-uc.a.run.app"
GOOGLE_SA = "service-123456789012@gcp-sa-gsuiteaddons.iam.gserviceaccount.com"
USER = "mia.manager@lumi.example"
ISSUER = IdTokenIssuer()


@pytest.fixture(scope="module")
def certs() -> Iterator[CertsServer]:
    with CertsServer(ISSUER) as server:
        yield server


@pytest.fixture(scope="module")
def user_token(sheets: SheetsServer) -> str:
    """The user's OAuth token as Google puts it in the event: the current file's scope only."""
    return sheets.issue_token(scopes={SCOPE_DRIVE_FILE}, identity=USER)


def _users_sheet(sheets: SheetsServer, **kwargs: Any) -> str:
    sid = seed_demo(sheets, **kwargs)
    sheets.sharing.created(sid, USER)  # the user's own file: no other account may open it
    return sid


@pytest.fixture(scope="module")
def addon_fn(sheets: SheetsServer, certs: CertsServer, logs_dir: Path) -> Iterator[Function]:
    fn = start_function("addon", logs_dir, {
        "SHEETOPS_SHEETS_API": sheets.url, "SHEETOPS_ADDON_AUDIENCE": AUDIENCE,
        "SHEETOPS_ADDON_SERVICE_ACCOUNT": GOOGLE_SA, "SHEETOPS_ADDON_CERTS_URL": certs.certs_url,
        "SHEETOPS_RETRY_ATTEMPTS": "3", "SHEETOPS_RETRY_BASE_SECONDS": "0.01"})
    yield fn
    fn.stop()


def event(sheet: str | None, user_token: str, do: str | None = None, **parameters: str) -> dict[str, Any]:
    common: dict[str, Any] = {"hostApp": "SHEETS", "platform": "WEB", "userLocale": "en",
                              "timeZone": {"id": "America/New_York", "offset": -18000000}}
    if do:
        common["parameters"] = {"do": do, **parameters}
    sheets_obj: dict[str, Any] = {"addonHasFileScopePermission": sheet is not None}
    if sheet:
        sheets_obj.update(id=sheet, title="Lumi creators")
    system = ISSUER.mint(audience=AUDIENCE, email=GOOGLE_SA)
    return {"commonEventObject": common, "sheets": sheets_obj,
            "authorizationEventObject": {"userOAuthToken": user_token, "systemIdToken": system,
                                         "userIdToken": ISSUER.mint(audience=AUDIENCE, email=USER)}}


def post(fn: Function, body: dict[str, Any], token: str | None = "system") -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if token == "system":
        token = ISSUER.mint(audience=AUDIENCE, email=GOOGLE_SA)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(fn.url, data=json.dumps(body), headers=headers, timeout=120)


def answer(fn: Function, body: dict[str, Any]) -> str:
    reply = post(fn, body)
    assert reply.status_code == 200, reply.text
    assert "Traceback" not in reply.text
    [card] = check_answer(reply.json(), endpoint=AUDIENCE)
    return card_text(card)


def records(sheets: SheetsServer, sid: str, tab: str) -> list[dict[str, Any]]:
    grid = sheets.cells(sid, tab)
    return [dict(zip(grid[0], r)) for r in grid[1:]]


def test_only_google_gets_an_answer(addon_fn: Function, sheets: SheetsServer, user_token: str) -> None:
    sid = _users_sheet(sheets, orders=60)
    body = event(sid, user_token)
    for token in (None, ISSUER.mint(audience="https://elsewhere.example", email=GOOGLE_SA),
                  ISSUER.mint(audience=AUDIENCE, email="someone@gmail.com"),
                  ISSUER.mint(audience=AUDIENCE, email=GOOGLE_SA, expires_in=-120),
                  IdTokenIssuer(key_id=ISSUER.key_id).mint(audience=AUDIENCE, email=GOOGLE_SA), "not-a-jwt"):
        reply = post(addon_fn, body, token)
        assert reply.status_code == 401 and reply.text == "", (token, reply.text)
    text = answer(addon_fn, body)
    assert "Last run" in text and "Refresh now" in text and "Approve last week's drafts" in text
    assert user_token not in addon_fn.all_output() and "ya29" not in addon_fn.all_output()


def test_without_the_file_scope_it_asks_for_this_spreadsheet_only(addon_fn: Function, user_token: str) -> None:
    text = answer(addon_fn, event(None, user_token))
    assert "only this one" in text
    reply = post(addon_fn, event(None, user_token, "grant"))
    assert reply.json() == {"renderActions": {"hostAppAction": {"editorAction": {
        "requestFileScopeForActiveDocument": {}}}}}


def test_refresh_writes_payouts_and_the_run_log_as_the_user(addon_fn: Function, sheets: SheetsServer,
                                                             user_token: str) -> None:
    sid = _users_sheet(sheets, orders=120)
    before = sheets.snapshot()[sid]
    text = answer(addon_fn, event(sid, user_token, "dry_run"))
    assert "dry run, nothing written" in text and sheets.snapshot()[sid] == before
    text = answer(addon_fn, event(sid, user_token, "refresh"))
    assert "Refreshed as of" in text and "ready to approve" in text
    payouts = records(sheets, sid, "Payouts")
    assert payouts and {p["Status"] for p in payouts} <= {"Draft", "On hold", "Below minimum"}
    assert records(sheets, sid, "Run Log")[-1]["Trigger"] == "addon"
    assert not sheets.sharing.allowed(sid, "direct@local"), "the sheet is the user's: only their token wrote it"
    home = answer(addon_fn, event(sid, user_token))
    assert "started by addon" in home
    issues = post(addon_fn, event(sid, user_token, "issues")).json()
    [card] = check_answer(issues, endpoint=AUDIENCE)
    links = [w.decorated_text.on_click.open_link.url for w in card.sections[0].widgets if w.decorated_text.on_click]
    assert links and all(u.startswith(f"https://docs.google.com/spreadsheets/d/{sid}/edit#gid=") for u in links)


def test_refreshing_an_untouched_sheet_again_says_nothing_changed(addon_fn: Function, sheets: SheetsServer,
                                                                   user_token: str) -> None:
    """The nothing-changed state lives in developer metadata, written with the user's own
    token (file scope only): repeated Refresh now clicks on an untouched sheet end in a
    quick run that says so and leaves the tool tabs as they were."""
    sid = _users_sheet(sheets, orders=60)
    texts = [answer(addon_fn, event(sid, user_token, "refresh")) for _ in range(4)]
    assert "Nothing changed since the last refresh" not in texts[0]
    assert "Nothing changed since the last refresh" in texts[-1] and "ready to approve" in texts[-1]
    before = {t: records(sheets, sid, t) for t in ("Payouts", "Commission Lines", "Issues")}
    assert "Nothing changed since the last refresh" in answer(addon_fn, event(sid, user_token, "refresh"))
    assert {t: records(sheets, sid, t) for t in before} == before


def test_approve_week_approves_exactly_last_weeks_drafts_with_the_users_email(
        addon_fn: Function, sheets: SheetsServer, user_token: str) -> None:
    sid = _users_sheet(sheets, orders=200)
    answer(addon_fn, event(sid, user_token, "refresh"))
    before = records(sheets, sid, "Payouts")
    last = max(parse_date(p["Period start"]).value for p in before)
    drafts = [p for p in before if parse_date(p["Period start"]).value == last and p["Status"] == "Draft"]
    held = sorted({p["Creator"] for p in before if parse_date(p["Period start"]).value == last
                   and p["Status"] == "On hold"})
    assert drafts and held, "the demo has drafts and an On hold creator in its last week"
    total = sum(parse_money(p["Total"]).value for p in drafts)
    reply = post(addon_fn, event(sid, user_token, "approve_week")).json()
    [card] = check_answer(reply, endpoint=AUDIENCE)
    text = card_text(card)
    assert f"Approve {len(drafts)} draft payouts of the week starting {last:%Y-%m-%d}" in text
    assert f"{total // 100:,}.{total % 100:02d}" in text
    assert all(f"@{h}" in text for h in held) and "On hold" in text
    assert records(sheets, sid, "Payouts") == before, "the confirmation writes nothing"
    confirm = next(b for w in card.sections[0].widgets for b in w.button_list.buttons if b.text.startswith("Approve"))
    shown = {p.key: p.value for p in confirm.on_click.action.parameters}
    assert shown["do"] == "approve_confirm"
    text = answer(addon_fn, event(sid, user_token, **shown))
    assert f"Approved {len(drafts)} payouts" in text and USER in text
    after = {p["Payout ID"]: p for p in records(sheets, sid, "Payouts")}
    ids = {p["Payout ID"] for p in drafts}
    for p in before:
        now = after[p["Payout ID"]]
        if p["Payout ID"] in ids:
            assert (now["Status"], now["Approved by"]) == ("Approved", USER)
        else:
            assert (now["Status"], now.get("Approved by")) == (p["Status"], p.get("Approved by"))
    again = answer(addon_fn, event(sid, user_token, **shown))
    assert "changed since you opened the confirmation" in again
    answer(addon_fn, event(sid, user_token, "refresh"))  # the next refresh locks them
    locked = {p["Payout ID"]: p for p in records(sheets, sid, "Payouts")}
    assert all(locked[i]["Status"] == "Approved" and locked[i]["Approved by"] == USER for i in ids)


def test_a_plain_spreadsheet_gets_the_sheetops_tabs(addon_fn: Function, sheets: SheetsServer,
                                                    user_token: str) -> None:
    sid = sheets.seed("Budget 2027", {"Sheet1": [["Item", "Cost"], ["Desk", 120]]}, owner=USER)
    text = answer(addon_fn, event(sid, user_token))
    assert "not a SheetOps workbook" in text and "Add the SheetOps tabs" in text
    text = answer(addon_fn, event(sid, user_token, "add_tabs"))
    assert "Last run" in text
    assert sheets.cells(sid, "Sheet1")[1] == ["Desk", 120]
    assert sheets.cells(sid, "Orders")[0][0] and sheets.cells(sid, "Creators")[0][0]


def test_errors_are_one_sentence_on_a_card(addon_fn: Function, sheets: SheetsServer) -> None:
    stranger = sheets.issue_token(scopes={SCOPE_DRIVE_FILE}, identity="stranger@elsewhere.example")
    sid = _users_sheet(sheets, orders=30)
    text = answer(addon_fn, event(sid, stranger, "refresh"))
    assert "SheetOps" in text and "Traceback" not in text and "Back" in text


# -- long refreshes: in process, with a Pub/Sub stand-in --------------------------------


class _Request:
    method = "POST"

    def __init__(self, body: dict[str, Any]) -> None:
        self.headers = {"Authorization": "Bearer " + ISSUER.mint(audience=AUDIENCE, email=GOOGLE_SA)}
        self.stream = io.BytesIO(json.dumps(body).encode())


def test_a_large_sheet_answers_refresh_started_and_goes_through_pubsub(
        sheets: SheetsServer, certs: CertsServer, user_token: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from sheetops.addon import handle_addon

    sid = _users_sheet(sheets, orders=80)
    with PubSubServer(token=TOKEN) as pubsub:
        pubsub.create_topic(TOPIC)
        for k, v in {"SHEETOPS_SHEETS_API": sheets.url, "SHEETOPS_ADDON_AUDIENCE": AUDIENCE,
                     "SHEETOPS_ADDON_SERVICE_ACCOUNT": GOOGLE_SA, "SHEETOPS_ADDON_CERTS_URL": certs.certs_url,
                     "SHEETOPS_ADDON_MAX_ROWS": "100", "SHEETOPS_PUBSUB_API": pubsub.url,
                     "SHEETOPS_GOOGLE_TOKEN": TOKEN, "SHEETOPS_REFRESH_TOPIC": TOPIC}.items():
            monkeypatch.setenv(k, v)
        body, status, _ = handle_addon(_Request(event(sid, user_token, "refresh")))
        assert status == 200
        assert not records(sheets, sid, "Run Log"), "never refreshed: the Orders grid's size is what counts"
        [card] = check_answer(json.loads(body), endpoint=AUDIENCE)
        assert "too large" in card_text(card).lower() or "up to 100 rows" in card_text(card)
        assert not pubsub.published(TOPIC), "a sheet the scheduled refresh may not open is never sent there"
        monkeypatch.setenv("SHEETOPS_ALLOWED_SPREADSHEETS", sid)
        body, status, _ = handle_addon(_Request(event(sid, user_token, "refresh")))
        [card] = check_answer(json.loads(body), endpoint=AUDIENCE)
        assert card_text(card).startswith("Refresh started")
        [message] = pubsub.published(TOPIC)
        assert message.json() == {"spreadsheet": sid} and user_token not in json.dumps(message.json())
