"""The Sheets API v4 discovery document, vendored, and the few lookups the strict server
needs from it: methods (HTTP verb, query parameters, request/response schemas, scopes) and
schemas (fields, types, enums).

The document is ``data/sheets.v4.json`` beside this module, exactly as Google publishes it
(``https://sheets.googleapis.com/$discovery/rest?version=v4``); :data:`REVISION` is its
``revision``. ``scripts/refresh_discovery.py`` downloads a newer one.

>>> method_of("PUT", "/v4/spreadsheets/abc/values/A1").id
'sheets.spreadsheets.values.update'
>>> snake("userEnteredValue")
'user_entered_value'
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

DOCUMENT = "sheets.v4.json"
STANDARD_QUERY = frozenset({"$.xgafv", "access_token", "alt", "callback", "fields", "key", "oauth_token",
                            "prettyPrint", "quotaUser", "uploadType", "upload_protocol"})
"""Query parameters every Google API method accepts (the document's top-level ``parameters``)."""


@functools.lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    """The parsed discovery document (read once)."""
    text = resources.files("sheetops.testing").joinpath("data", DOCUMENT).read_text(encoding="utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


def revision() -> str:
    """The revision of the vendored document, e.g. ``"20261019"``."""
    return str(document()["revision"])


def schema(name: str) -> dict[str, Any]:
    """One schema (``"Request"``, ``"CellData"``...) of the document."""
    found: dict[str, Any] = document()["schemas"][name]
    return found


@functools.lru_cache(maxsize=4096)
def snake(name: str) -> str:
    """A JSON (lowerCamel) field name as the proto field name Google's messages use."""
    return re.sub(r"(?<!^)([A-Z])", lambda m: "_" + m.group(1).lower(), name)


@dataclass(frozen=True)
class Method:
    """One REST method of the document, matched against request paths."""

    id: str
    http_method: str
    path: str
    parameters: dict[str, Any]
    request: str | None
    response: str | None
    scopes: frozenset[str]

    @property
    def rpc(self) -> str:
        """The gRPC method name Google puts in ErrorInfo metadata, e.g.
        ``google.apps.sheets.v4.SpreadsheetsService.GetSpreadsheet``."""
        parts = self.id.split(".")[1:]
        verb = parts[-1][0].upper() + parts[-1][1:]
        service = "SpreadsheetsService"
        if parts[:2] == ["spreadsheets", "values"]:
            noun = {"get": "GetValues", "update": "UpdateValues", "append": "AppendValues", "clear": "ClearValues"}
            return f"google.apps.sheets.v4.{service}.{noun.get(parts[-1], verb + 'Values')}"
        if parts == ["spreadsheets", "batchUpdate"]:
            return f"google.apps.sheets.v4.{service}.BatchUpdateSpreadsheet"
        return f"google.apps.sheets.v4.{service}.{verb}Spreadsheet"

    def query_parameters(self) -> dict[str, Any]:
        return {k: v for k, v in self.parameters.items() if v.get("location") == "query"}


def _walk(resource: dict[str, Any]) -> list[Method]:
    out = []
    for m in resource.get("methods", {}).values():
        out.append(Method(m["id"], m["httpMethod"], m["flatPath"], m.get("parameters", {}),
                          (m.get("request") or {}).get("$ref"), (m.get("response") or {}).get("$ref"),
                          frozenset(m.get("scopes", ()))))
    for sub in resource.get("resources", {}).values():
        out.extend(_walk(sub))
    return out


@functools.lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern[str], Method]]:
    """Each method's flat path as a regular expression; literal suffixes first."""
    out = []
    for method in _walk(document()):
        parts = re.split(r"(\{[^}]+\})", method.path)
        regex = "".join("[^/]+?" if p.startswith("{") and p != "{range}" else ".+?" if p == "{range}"
                        else re.escape(p) for p in parts)
        out.append((re.compile(f"^/{regex}$"), method))
    out.sort(key=lambda pm: -len(pm[1].path.split("}")[-1]))
    return out


def method_of(http_method: str, path: str) -> Method | None:
    """The method a request calls (``None`` for paths the document does not have)."""
    for pattern, method in _patterns():
        if method.http_method == http_method and pattern.match(path):
            return method
    return None


def methods() -> dict[str, Method]:
    """Every method of the document, by id (``sheets.spreadsheets.get``...)."""
    return {m.id: m for _, m in _patterns()}
