"""The real google-auth service-account flow against the local server makes no call to
Google: every name looked up and every connection is on this machine."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from sheetops.testing.gspread_client import gspread_client
from sheetops.testing.sheets_server import SheetsServer


def test_service_account_flow_stays_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    hosts: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        hosts.append(str(host))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with SheetsServer() as server:
        _, credentials = server.service_account()
        client = gspread_client(server, credentials)
        sid = server.seed("Token flow", {"Orders": [["Order ID"], ["O1"]]})
        assert client.open_by_key(sid).worksheet("Orders").get_all_values() == [["Order ID"], ["O1"]]
        assert credentials.token, "google-auth obtained a token from the local token endpoint"
        time.sleep(0.5)  # google-auth's background lookups would have started by now
    assert hosts and set(hosts) <= {"127.0.0.1", "localhost"}, hosts
