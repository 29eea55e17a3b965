"""A local server speaking the Google Sheets API v4 over HTTP, for tests.

Run the real gspread (with real google-auth credentials) against it::

    with SheetsServer() as server:
        info, creds = server.service_account()
        gc = gspread_client(server, creds)          # sheetops.testing.gspread_client
        sh = gc.open_by_key(server.seed("Book", {"Orders": [["Order ID"], ["A1"]]}))

or from a shell: ``python -m sheetops.testing.sheets_server --port 8765 [--open]``.

What it serves, at Google's paths: ``POST /token`` (JWT-bearer grant), ``/v4/spreadsheets``
(create, get, batchUpdate, values get/batchGet/update/batchUpdate/append/clear/batchClear)
and a little of Drive v3 (``/drive/v3/files`` create/list/get/delete) so gspread's
``Client.create``/``open``/``del_spreadsheet`` work. Errors use Google's JSON shape.
Formulas are stored as text; see :mod:`sheetops.testing.formulas` for what is computed.
"""

from __future__ import annotations

import argparse
import base64
import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlsplit

from sheetops.testing import sheets_gate as gate
from sheetops.testing.background import BackgroundServer
from sheetops.testing.drive_files import Folders
from sheetops.testing.oauth_users import AUTH_PATH, OAuthUsers
from sheetops.testing.sheets_auth import SCOPE_DRIVE, SCOPE_SHEETS, OAuthError, TokenAuthority, make_service_account
from sheetops.testing.sheets_routes import route
from sheetops.testing.sheets_sharing import Sharing
from sheetops.testing.sheets_state import ApiError
from sheetops.testing.sheets_store import SheetsStore
from sheetops.testing.sheets_traffic import Counters, Fault, FaultKind, Quotas, RequestKind, SimulatedClock, Traffic
from sheetops.testing.strict_requests import check_call

MAX_REQUEST_BYTES = 10 * 1024 * 1024
"""Google refuses a request body larger than 10 MiB (400, "Request payload size exceeds the limit")."""


def request_kind(method: str, path: str) -> RequestKind:
    """Which quota and counter a request belongs to."""
    if path == "/token":
        return "auth"
    if path.startswith("/drive/"):
        return "drive"
    if path.startswith("/v4/spreadsheets"):
        return "read" if method == "GET" else "write"
    return "other"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms stalls

    def log_message(self, format: str, *args: Any) -> None:  # quiet by default
        if self.server.owner.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        owner = self.server.owner
        split = urlsplit(self.path)
        raw_path = split.path
        kind = request_kind(method, raw_path)
        if raw_path == AUTH_PATH and method == "GET":
            self._consent(split.query)
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        owner.traffic.count(kind, len(body) + len(self.path) + sum(len(k) + len(v) + 4 for k, v in self.headers.items()))
        fault = owner.traffic.next_fault(method, raw_path, kind)
        if fault is not None:
            if fault.kind == "lost":  # the request is applied, then the answer is lost
                self._answer(method, raw_path, split.query, body, kind)
            if fault.kind in ("drop", "lost"):
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            if fault.kind == "slow":
                time.sleep(fault.seconds)
            else:
                messages = {429: "Resource has been exhausted (e.g. check quota).",
                            500: "Internal error encountered.", 503: "The service is currently unavailable."}
                self._send(kind, *_error(ApiError(int(fault.kind), messages[int(fault.kind)])))
                return
        status, payload = self._answer(method, raw_path, split.query, body, kind)
        self._send(kind, status, payload)

    def _answer(self, method: str, path: str, query: str, body: bytes, kind: RequestKind) -> tuple[int, Any]:
        owner = self.server.owner
        if kind == "auth":
            return self._token(method, body)
        try:
            caller = gate.authorize(owner.auth, self.headers.get("Authorization"), method, path, kind,
                                    open_auth=owner.open_auth, disabled=owner.api_disabled)
            gate.admit(owner.traffic, kind, caller)
            if len(body) > MAX_REQUEST_BYTES:
                raise ApiError(400, f"Request payload size exceeds the limit: {MAX_REQUEST_BYTES} bytes.")
            multi = parse_qs(query, keep_blank_values=True)
            params = {k: (v if k == "ranges" else v[-1]) for k, v in multi.items()}
            try:
                data = json.loads(body) if body else {}
            except ValueError:
                raise ApiError(400, "Invalid JSON payload received.") from None
            if not isinstance(data, dict):
                raise ApiError(400, "Invalid JSON payload received. The body must be a JSON object.")
            api = gate.api_method(method, path)
            if owner.strict and api is not None:
                check_call(api, multi, data)
            gate.check_access(owner.sharing, path, caller, lambda sid: sid in owner.store.books)
            return 200, self._route(method, path, params, data, caller)
        except ApiError as e:
            return _error(e)
        except Exception as e:  # a bug in the fake must still answer like a server
            return _error(ApiError(500, f"Internal error encountered: {type(e).__name__}: {e}"))

    def _route(self, method: str, path: str, params: dict[str, Any], data: dict[str, Any],
               caller: gate.Caller) -> Any:
        owner = self.server.owner
        answer = route(owner.store, method, path, params, data, caller=caller.identity, folders=owner.folders)
        if method == "POST" and path.rstrip("/") in ("/v4/spreadsheets", "/drive/v3/files") and not answer.get("driveId"):
            owner.sharing.created(str(answer.get("spreadsheetId") or answer.get("id")), caller.identity)
        elif method == "GET" and path.rstrip("/") == "/drive/v3/files":
            answer["files"] = [f for f in answer["files"] if owner.sharing.allowed(f["id"], caller.identity)]
        return answer

    def _consent(self, query: str) -> None:
        """The consent screen of a person's sign-in: straight back to the app, with a code."""
        try:
            location, status, text = self.server.owner.users.consent(query), 302, b""
        except ValueError as e:
            location, status, text = "", 400, str(e).encode()
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Type", "text/plain; charset=UTF-8")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def _token(self, method: str, body: bytes) -> tuple[int, Any]:
        if method != "POST":
            return 405, {"error": "invalid_request", "error_description": "Use POST."}
        form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        basic = self.headers.get("Authorization") or ""
        if basic.startswith("Basic "):  # client id and secret may come as HTTP Basic auth
            cid, _, secret = base64.b64decode(basic[6:]).decode("utf-8", "replace").partition(":")
            form.setdefault("client_id", unquote_plus(cid))
            form.setdefault("client_secret", unquote_plus(secret))
        try:
            if form.get("grant_type") in ("authorization_code", "refresh_token"):
                return 200, self.server.owner.users.grant(form)
            return 200, self.server.owner.auth.grant(form)
        except OAuthError as e:
            return 400, {"error": e.error, "error_description": e.description}

    def _send(self, kind: RequestKind, status: int, payload: Any) -> None:
        data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        self.server.owner.traffic.add_out(kind, len(data))  # before sending: no race with readers
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self._headers_buffer.append(b"\r\n" + data)  # type: ignore[attr-defined]  # one send
        self.flush_headers()


def _error(e: ApiError) -> tuple[int, Any]:
    return e.code, e.body()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], owner: SheetsServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)


class SheetsServer(BackgroundServer):
    """The local Sheets API server: ``start()``/``stop()`` or ``with SheetsServer() as s``.

    ``open_auth=True`` accepts any bearer token (like ``--open``); otherwise tokens must
    come from the ``/token`` grant or :meth:`issue_token`, and each Sheets method needs one
    of its scopes. Quotas default to Google's: 300 read and 300 write requests per minute
    per project, 60 and 60 per user (the token's identity); a test that needs more passes
    larger limits. ``strict=True`` (the default) checks every query parameter, body and
    field mask against the discovery document first. ``clock`` (e.g. a
    :class:`SimulatedClock`) drives the quota windows.
    """

    def __init__(self, port: int = 0, host: str = "127.0.0.1", *, open_auth: bool = False,
                 read_per_minute: int = 300, write_per_minute: int = 300,
                 read_per_minute_per_user: int = 60, write_per_minute_per_user: int = 60,
                 clock: Callable[[], float] = time.monotonic, verbose: bool = False, strict: bool = True) -> None:
        self.host, self.port = host, port
        self.open_auth = open_auth
        self.verbose = verbose
        self.strict = strict
        self.api_disabled = False
        """True answers every Sheets call 403 SERVICE_DISABLED, as when the API is not enabled."""
        self.store = SheetsStore()
        self.auth = TokenAuthority()
        self.users = OAuthUsers(issue=lambda who, scopes: self.auth.issue(who, scopes))
        """People signing in with the installed-app flow (``sheetops login``)."""
        self.folders = Folders()
        self.sharing = Sharing(self.store.permissions, self.folders)
        self.traffic = Traffic(quotas=Quotas(read_per_minute, write_per_minute, read_per_minute_per_user,
                                             write_per_minute_per_user), clock=clock)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> SheetsServer:
        """Bind (a free port when ``port=0``) and serve in a background thread."""
        self.bind()
        assert self._httpd is not None
        self._serve(self._httpd, "sheets-server")
        return self

    def bind(self) -> SheetsServer:
        """Open the listening socket (a free port when ``port=0``) without serving yet."""
        self._httpd = _HTTPServer((self.host, self.port), self)
        self.port = self._httpd.server_address[1]
        self.auth.audiences.add(self.token_uri)
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread (the command line)."""
        if self._httpd is None:
            self.bind()
        assert self._httpd is not None
        self._httpd.serve_forever()

    @property
    def token_uri(self) -> str:
        return f"{self.url}/token"

    # -- auth -------------------------------------------------------------------------
    def service_account(self, **kwargs: Any) -> tuple[dict[str, Any], Any]:
        """A fresh service account trusted by this server: (info dict, credentials)."""
        return make_service_account(self.token_uri, authority=self.auth, **kwargs)

    def issue_token(self, scopes: set[str] | frozenset[str] | None = None, token: str | None = None,
                    identity: str = "direct@local") -> str:
        """A bearer token the API accepts, without the JWT dance: ``identity`` is who it
        belongs to (for sharing and the per-user quota), ``scopes`` what it may do."""
        return self.auth.issue(identity, frozenset(scopes or {SCOPE_SHEETS}), token=token)

    def oauth_client(self, *, person: str | None = None) -> dict[str, Any]:
        """A Desktop-app OAuth client whose sign-ins come back as ``person``: the content
        of its ``client_secrets.json`` (see :mod:`oauth_users`)."""
        if person:
            self.users.person = person
        return self.users.client(self.url)

    def shared_drive(self, name: str, *, members: list[str]) -> str:
        """A shared drive whose ``members`` may create files in it: its root folder's ID
        (what ``sheetops init --google --folder`` takes)."""
        return self.folders.shared_drive(name, members)

    def share(self, spreadsheet_id: str, email: str) -> None:
        """Share a spreadsheet with another identity (see :mod:`sheets_sharing`)."""
        self.sharing.share(spreadsheet_id, email)

    # -- faults, counters, quotas -----------------------------------------------------
    def inject(self, kind: FaultKind, **kwargs: Any) -> Fault:
        """Plan a fault: ``inject(503, nth=3)``, ``inject("drop", method="POST",
        path=":batchUpdate")``, ``inject("lost", path=":batchUpdate")`` (applied, answer
        lost), ``inject("slow", seconds=2)``; see :class:`Fault`."""
        return self.traffic.inject(kind, **kwargs)

    def counters(self) -> Counters:
        return self.traffic.snapshot()

    def reset_counters(self) -> None:
        self.traffic.reset()

    def set_quota(self, **limits: int) -> None:
        """Change quotas: ``read_per_minute``, ``write_per_minute`` (per project),
        ``read_per_minute_per_user``, ``write_per_minute_per_user``."""
        for name, value in limits.items():
            if not hasattr(self.traffic.quotas, name):
                raise TypeError(f"unknown quota {name!r}")
            setattr(self.traffic.quotas, name, value)

    # -- state ------------------------------------------------------------------------
    def seed(self, title: str, tabs: dict[str, list[list[Any]]] | None = None, *, owner: str | None = None,
             **kwargs: Any) -> str:
        """Create a spreadsheet directly; see :meth:`SheetsStore.seed`. Without ``owner`` it
        is open to every token; with one, only to the owner and those it is shared with."""
        sid = self.store.seed(title, tabs, **kwargs)
        self.sharing.created(sid, owner)
        return sid

    def sheet(self, spreadsheet_id: str, title: str) -> Any:
        return self.store.sheet(spreadsheet_id, title)

    def cells(self, spreadsheet_id: str, title: str) -> list[list[Any]]:
        return self.store.cells(spreadsheet_id, title)

    def formulas(self, spreadsheet_id: str, title: str) -> dict[str, str]:
        return self.store.formulas(spreadsheet_id, title)

    def snapshot(self) -> dict[str, Any]:
        return self.store.snapshot()


def main(argv: list[str] | None = None) -> None:
    """``python -m sheetops.testing.sheets_server --port PORT [--open] [--token NAME[=SCOPE,...]]...
    [--seed-demo]``."""
    parser = argparse.ArgumentParser(description="Local Google Sheets API v4 server for tests.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--open", action="store_true", help="accept any bearer token")
    parser.add_argument("--token", action="append", default=[], metavar="NAME[=SCOPE,SCOPE...]",
                        help="accept bearer token NAME with these scopes (full URLs or short names such as "
                             "spreadsheets,drive.file; default spreadsheets,drive); repeatable")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    parser.add_argument("--seed-demo", action="store_true", help="create a SheetOps demo sheet and print its ID")
    args = parser.parse_args(argv)
    server = SheetsServer(args.port, open_auth=args.open, verbose=args.verbose)
    tokens = []
    for spec in args.token or [""]:
        name, _, scopes = spec.partition("=")
        granted = gate.parse_scopes(scopes) if scopes else frozenset({SCOPE_SHEETS, SCOPE_DRIVE})
        tokens.append(server.issue_token(token=name or None, scopes=granted,
                                         identity=f"{name}@local" if name else "direct@local"))
    server.bind()
    print(f"Sheets API on {server.url}  (token URI {server.token_uri})")
    print(f"export SHEETOPS_SHEETS_API={server.url} SHEETOPS_GOOGLE_TOKEN={tokens[0]}", flush=True)
    if args.seed_demo:
        from sheetops.testing.demo_sheet import seed_demo

        print(f"Demo spreadsheet: {seed_demo(server)}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()


__all__ = ["SheetsServer", "SimulatedClock", "main"]
