"""``sheetops login`` and ``init --google`` where files can live (issue #18, parts 3 and 4),
against the local Sheets API server: its consent screen and token endpoint stand in for
Google's, and this test plays the person's browser with an HTTP client."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from sheetops.backends.gsheets import create_spreadsheet
from sheetops.errors import AccessDenied, BadArguments
from sheetops.testing.gspread_client import gspread_client
from sheetops.testing.sheets_server import SheetsServer

from ..conftest import EXAMPLES, load_example
from .conftest import ROOT, sheetops

PERSON = "mia@agency.example"
SHEETS = "https://www.googleapis.com/auth/spreadsheets"
DRIVE_FILE = "https://www.googleapis.com/auth/drive.file"


@pytest.fixture(scope="module")
def server() -> Any:
    srv = SheetsServer().start()
    yield srv
    srv.stop()


def _login(server: SheetsServer, config: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``sheetops login --client-secrets FILE --no-browser``; the test follows the printed URL
    as a browser would: the consent screen redirects to the flow's loopback server."""
    secrets_file = tmp_path / "client_secret_desktop.json"
    secrets_file.write_text(json.dumps(server.oauth_client(person=PERSON)))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONUNBUFFERED": "1", "SHEETOPS_CONFIG_DIR": str(config),
           "SHEETOPS_SHEETS_API": server.url, "SHEETOPS_GOOGLE_TOKEN": ""}
    process = subprocess.Popen([sys.executable, "-m", "sheetops.cli", "login", "--client-secrets", str(secrets_file),
                                "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    url = ""
    for line in process.stdout:
        if line.startswith("http"):
            url = line.strip()
            break
    assert url.startswith(f"{server.url}/o/oauth2/auth?"), url
    query = dict(p.split("=", 1) for p in url.split("?", 1)[1].split("&"))
    assert set(requests.utils.unquote(query["scope"]).replace("+", " ").split()) == {SHEETS, DRIVE_FILE}
    assert query["code_challenge_method"] == "S256"  # PKCE
    page = requests.get(url, timeout=30)  # consent, then the redirect to http://localhost:PORT/?code=...
    assert page.status_code == 200 and "signed in" in page.text
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_login_stores_the_credential_owner_only_and_run_uses_it(server: SheetsServer, tmp_path: Path) -> None:
    config = tmp_path / "config" / "sheetops"
    done = _login(server, config, tmp_path)
    assert done.returncode == 0, done.stderr
    stored = config / "credentials.json"
    assert str(stored) in done.stdout
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600 and stat.S_IMODE(config.stat().st_mode) == 0o700
    info = json.loads(stored.read_text())
    assert info["type"] == "authorized_user" and info["refresh_token"].startswith("1//local-")
    assert info["token_uri"] == f"{server.url}/token" and sorted(info["scopes"]) == sorted([SHEETS, DRIVE_FILE])
    assert "token" not in info  # no short-lived access token kept on disk

    example = load_example(EXAMPLES[0])
    sid = server.seed("Mia's program", example["tabs"], input_option="RAW", owner=PERSON)
    env = {"SHEETOPS_CONFIG_DIR": str(config), "SHEETOPS_SHEETS_API": server.url, "SHEETOPS_GOOGLE_TOKEN": "",
           "GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "no-such-key.json")}  # the sign-in comes first
    run = sheetops("run", f"gsheet:{sid}", "--as-of", example["as_of"], "--json", env=env)
    assert run.returncode == 1, run.stderr  # finished; the example holds two Error rows
    assert json.loads(run.stdout)["issues"]["error"] == 2
    assert server.cells(sid, "Payouts")[0][0] == "Payout ID"

    other = server.seed("Somebody else's", example["tabs"], input_option="RAW", owner="dan@elsewhere.example")
    refused = sheetops("run", f"gsheet:{other}", env=env)
    assert refused.returncode == 2 and "not shared" in refused.stderr


def test_login_without_a_client_file_says_where_to_get_one(tmp_path: Path) -> None:
    done = sheetops("login", env={"SHEETOPS_CONFIG_DIR": str(tmp_path / "cfg")})
    assert done.returncode == 2 and "Desktop app" in done.stderr and "--client-secrets" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_service_account_is_told_it_cannot_own_files_before_google_is_asked(server: SheetsServer,
                                                                              tmp_path: Path) -> None:
    info, _ = server.service_account(client_email="sheetops-runner@lumi-prod.iam.gserviceaccount.com")
    key = tmp_path / "key.json"
    key.write_text(json.dumps(info))
    server.reset_counters()
    done = sheetops("init", "--google", "--title", "Lumi creators",
                    env={"GOOGLE_APPLICATION_CREDENTIALS": str(key), "SHEETOPS_SHEETS_API": server.url,
                         "SHEETOPS_GOOGLE_TOKEN": "", "SHEETOPS_CONFIG_DIR": str(tmp_path / "none")})
    assert done.returncode == 2
    assert "A service account cannot own files" in done.stderr and "--folder" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert server.counters().total_requests == 0  # said before calling Google


def test_a_service_account_creates_the_template_in_a_shared_drive_folder(server: SheetsServer) -> None:
    email = "sheetops-runner@lumi-prod.iam.gserviceaccount.com"
    _, credentials = server.service_account(client_email=email)
    client = gspread_client(server, credentials)
    folder = server.shared_drive("Lumi programs", members=[email, PERSON])
    sid, url = create_spreadsheet("Lumi creators", client=client, account=email, folder=folder,
                                  base_url=server.url, share=PERSON)
    assert sid in url and server.cells(sid, "Orders")[0][:2] == ["Order ID", "SKU ID"]
    assert server.sharing.allowed(sid, PERSON) and not server.sharing.allowed(sid, "dan@elsewhere.example")

    with pytest.raises(BadArguments, match="no folder .* Content manager"):  # not a member of that drive
        outsider = "sheetops-other@lumi-prod.iam.gserviceaccount.com"
        _, other = server.service_account(client_email=outsider)
        create_spreadsheet("X", client=gspread_client(server, other), account=outsider, folder=folder,
                           base_url=server.url)


def test_google_says_a_service_account_has_no_storage_and_the_sentence_says_what_to_do(server: SheetsServer) -> None:
    """If a creation reaches Google anyway (the account was not known to be a service account),
    Google's 403 storageQuotaExceeded becomes the same sentence."""
    email = "sheetops-runner@lumi-prod.iam.gserviceaccount.com"
    _, credentials = server.service_account(client_email=email)
    with pytest.raises(AccessDenied, match="A service account cannot own files"):
        create_spreadsheet("Lumi creators", client=gspread_client(server, credentials), account=None,
                           base_url=server.url)


def test_drive_create_is_strict_like_google(server: SheetsServer) -> None:
    folder = server.shared_drive("Strict", members=[PERSON])
    token = server.issue_token(scopes={SHEETS, DRIVE_FILE}, identity=PERSON)
    auth = {"Authorization": f"Bearer {token}"}
    body = {"name": "x", "mimeType": "application/vnd.google-apps.spreadsheet", "parents": [folder]}
    url = f"{server.url}/drive/v3/files"
    assert requests.post(url, json=body, headers=auth, params={"supportsAllDrive": "true"}, timeout=10).status_code == 400
    assert requests.post(url, json={**body, "parent": [folder]}, headers=auth,
                         params={"supportsAllDrives": "true"}, timeout=10).status_code == 400
    missing = requests.post(url, json=body, headers=auth, timeout=10)  # a shared drive needs supportsAllDrives
    assert missing.status_code == 404 and missing.json()["error"]["errors"][0]["reason"] == "notFound"
    made = requests.post(url, json=body, headers=auth, params={"supportsAllDrives": "true"}, timeout=10)
    assert made.status_code == 200 and made.json()["driveId"] == folder
    assert re.fullmatch(r"[\w-]+", made.json()["id"])
