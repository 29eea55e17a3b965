"""The strict server's check of a whole API call before any handler runs: query parameters
(known to the method, enums, booleans, the ``fields`` selector of a read) and the body
(see :mod:`strict_schema`), against the vendored discovery document.

Unknown query parameter, as Google answers it::

    Invalid JSON payload received. Unknown name "foo": Cannot bind query parameter.
    Field 'foo' could not be found in request message.
"""

from __future__ import annotations

from typing import Any

from sheetops.testing import discovery
from sheetops.testing.google_errors import invalid_argument, violation
from sheetops.testing.strict_masks import check_read_mask
from sheetops.testing.strict_schema import check_body

ENUM_TYPES = {
    "valueInputOption": "google.apps.sheets.v4.ValueInputOption",
    "valueRenderOption": "google.apps.sheets.v4.ValueRenderOption",
    "responseValueRenderOption": "google.apps.sheets.v4.ValueRenderOption",
    "dateTimeRenderOption": "google.apps.sheets.v4.DateTimeRenderOption",
    "responseDateTimeRenderOption": "google.apps.sheets.v4.DateTimeRenderOption",
    "majorDimension": "google.apps.sheets.v4.Dimension",
    "insertDataOption": "google.apps.sheets.v4.AppendValuesRequest.InsertDataOption",
}
"""Proto enum names Google's messages give for the enum query parameters."""


def check_query(method: discovery.Method, params: dict[str, list[str]]) -> None:
    """Refuse unknown query parameters and bad values of known ones (400, every problem)."""
    known = method.query_parameters()
    standard = discovery.document()["parameters"]
    found: list[dict[str, str]] = []
    for name, values in params.items():
        spec = known.get(name) or (standard.get(name) if name in discovery.STANDARD_QUERY else None)
        if spec is None:
            found.append(violation("", f"Invalid JSON payload received. Unknown name \"{name}\": Cannot bind "
                                       f"query parameter. Field '{name}' could not be found in request message."))
            continue
        for value in values if spec.get("repeated") else values[-1:]:
            problem = _param_problem(name, spec, value)
            if problem:
                found.append(violation(discovery.snake(name), problem))
    if found:
        raise invalid_argument(found)


def _param_problem(name: str, spec: dict[str, Any], value: str) -> str | None:
    field = discovery.snake(name)
    if "enum" in spec and value not in spec["enum"]:
        return f"Invalid value at '{field}' ({ENUM_TYPES.get(name, 'TYPE_ENUM')}), \"{value}\""
    if spec.get("type") == "boolean" and value.lower() not in ("true", "false", "1", "0"):
        return f"Invalid value at '{field}' (TYPE_BOOL), \"{value}\""
    if spec.get("type") == "integer":
        try:
            int(value)
        except ValueError:
            return f"Invalid value at '{field}' (TYPE_INT32), \"{value}\""
    return None


def check_call(method: discovery.Method, params: dict[str, list[str]], body: Any) -> None:
    """Everything Google checks about a call before running it (query, fields, body)."""
    check_query(method, params)
    fields = params.get("fields")
    if fields:
        check_read_mask(method.response, fields[-1])
    if method.request is not None and body:
        check_body(method.request, body)
