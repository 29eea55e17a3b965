"""Google's per-minute quotas on the local server: per project and per user, 60-second
windows on a clock the test moves, 429 RESOURCE_EXHAUSTED with quota details."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from sheetops.testing.sheets_server import SheetsServer, SimulatedClock


def _get(server: SheetsServer, sid: str, token: str) -> requests.Response:
    return requests.get(f"{server.url}/v4/spreadsheets/{sid}/values/A1", headers={"Authorization": f"Bearer {token}"},
                        timeout=10)


def _write(server: SheetsServer, sid: str, token: str) -> requests.Response:
    return requests.put(f"{server.url}/v4/spreadsheets/{sid}/values/A1", params={"valueInputOption": "RAW"},
                        json={"values": [["@glowwithmia"]]}, headers={"Authorization": f"Bearer {token}"}, timeout=10)


def _info(resp: requests.Response) -> dict[str, Any]:
    (info,) = [d for d in resp.json()["error"]["details"] if d["@type"].endswith("ErrorInfo")]
    return info


def test_one_user_past_60_reads_is_refused_while_another_is_served() -> None:
    clock = SimulatedClock()
    with SheetsServer(clock=clock) as server:
        sid = server.seed("Program", {"Sheet1": [["x"]]})
        mia = server.issue_token(identity="mia@agency.example")
        leo = server.issue_token(identity="leo@agency.example")
        assert all(_get(server, sid, mia).status_code == 200 for _ in range(60))
        refused = _get(server, sid, mia)
        assert refused.status_code == 429
        error = refused.json()["error"]
        assert error["status"] == "RESOURCE_EXHAUSTED"
        assert error["message"] == ("Quota exceeded for quota metric 'Read requests' and limit 'Read requests per "
                                    "minute per user' of service 'sheets.googleapis.com' for consumer "
                                    "'project_number:000000000000'.")
        info = _info(refused)
        assert info["reason"] == "RATE_LIMIT_EXCEEDED" and info["domain"] == "googleapis.com"
        assert info["metadata"]["quota_limit"] == "ReadRequestsPerMinutePerUser"
        assert info["metadata"]["quota_metric"] == "sheets.googleapis.com/read_requests"
        assert info["metadata"]["quota_limit_value"] == "60" and info["metadata"]["service"] == "sheets.googleapis.com"
        assert _get(server, sid, leo).status_code == 200          # another user is served
        assert _write(server, sid, mia).status_code == 200        # writes have their own quota
        clock.advance(59)
        assert _get(server, sid, mia).status_code == 429          # still the same minute
        clock.advance(1.5)
        assert _get(server, sid, mia).status_code == 200          # the window has moved on
        assert server.counters().quota_rejections == 2


def test_writes_per_user_and_reads_per_project() -> None:
    clock = SimulatedClock()
    with SheetsServer(clock=clock, read_per_minute=5) as server:
        sid = server.seed("Program")
        tokens = [server.issue_token(identity=f"user{i}@agency.example") for i in range(3)]
        assert [_get(server, sid, tokens[i % 3]).status_code for i in range(6)] == [200] * 5 + [429]
        resp = _get(server, sid, tokens[2])
        assert _info(resp)["metadata"]["quota_limit"] == "ReadRequestsPerMinutePerProject"
        assert "limit 'Read requests per minute' of service" in resp.json()["error"]["message"]
        assert all(_write(server, sid, tokens[0]).status_code == 200 for _ in range(60))
        assert _info(_write(server, sid, tokens[0]))["metadata"]["quota_limit"] == "WriteRequestsPerMinutePerUser"
        clock.advance(61)
        assert _get(server, sid, tokens[0]).status_code == 200


def test_tests_that_need_more_raise_the_limits() -> None:
    with SheetsServer(read_per_minute_per_user=10**9) as server:
        sid, token = server.seed("Program"), server.issue_token()
        assert all(_get(server, sid, token).status_code == 200 for _ in range(70))
        server.set_quota(read_per_minute_per_user=70)
        assert _get(server, sid, token).status_code == 429


def test_a_service_account_is_one_user() -> None:
    import gspread

    from sheetops.testing.gspread_client import gspread_client

    with SheetsServer(clock=SimulatedClock(), read_per_minute_per_user=3) as server:
        sid = server.seed("Program", {"Sheet1": [["x"]]})
        bot = gspread_client(server, server.service_account()[1])
        other = gspread_client(server, server.service_account(client_email="other@p.iam.gserviceaccount.com")[1])
        with pytest.raises(gspread.exceptions.APIError, match="per minute per user"):
            for _ in range(4):
                bot.open_by_key(sid).sheet1.get_all_values()
        assert other.open_by_key(sid).sheet1.get_all_values() == [["x"]]
