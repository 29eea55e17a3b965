"""Request bodies checked against the discovery document, the way Google's JSON parser
checks them before any handler runs.

At any depth: unknown field names (``Unknown name "foo" at 'requests[0].update_cells':
Cannot find field.``), values of the wrong JSON type (a string where a number or an
object belongs, a list for a field that is not repeated), int32 out of range, enum values
not in the list, two members of a oneof, and update masks naming no field. Every problem
found becomes one ``fieldViolations`` entry of one 400 answer, its ``field`` the proto
path (``requests[0].update_cells.rows[0].values[1].user_entered_value``).

Google's JSON parser accepts the proto (snake_case) spelling of a field as well as the
lowerCamel one, ``null`` for any field (the default), integers for enums, and strings
holding numbers for numeric fields; so does this check, and it rewrites those in place
(proto spellings to lowerCamel, numeric strings of numeric fields to numbers) so the
handlers see one form.
"""

from __future__ import annotations

import functools
import json
import math
from typing import Any

from sheetops.testing import discovery
from sheetops.testing.google_errors import invalid_argument, violation
from sheetops.testing.strict_masks import check_update_mask

TYPE_URL = "type.googleapis.com/google.apps.sheets.v4."
INT32 = (-(2**31), 2**31 - 1)
MAX_VIOLATIONS = 20


@functools.lru_cache(maxsize=1)
def oneofs() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """The oneofs of the Sheets v4 protos, by schema: [(oneof name, member fields)].

    The discovery document does not mark oneofs (only some descriptions say "only one of"),
    so they are listed here by hand from the published reference ("Union field ... can be
    only one of the following"). ``Request`` and ``Response`` are one oneof of all their
    fields: a request holds exactly one kind.
    """
    request_kinds = tuple(discovery.schema("Request")["properties"])
    response_kinds = tuple(discovery.schema("Response")["properties"])
    return {
        "Request": [("kind", request_kinds)],
        "Response": [("kind", response_kinds)],
        "ExtendedValue": [("value", ("numberValue", "stringValue", "boolValue", "formulaValue", "errorValue"))],
        "DataFilter": [("filter", ("developerMetadataLookup", "a1Range", "gridRange"))],
        "UpdateCellsRequest": [("area", ("start", "range"))],
        "ConditionalFormatRule": [("rule", ("booleanRule", "gradientRule"))],
        "ColorStyle": [("kind", ("rgbColor", "themeColor"))],
        "EmbeddedObjectPosition": [("location", ("sheetId", "overlayPosition", "newSheet"))],
        "ChartSpec": [("chart", ("basicChart", "pieChart", "bubbleChart", "candlestickChart", "orgChart",
                                 "histogramChart", "waterfallChart", "treemapChart", "scorecardChart"))],
        "ChartData": [("type", ("sourceRange", "columnReference"))],
        "PasteDataRequest": [("kind", ("delimiter", "html"))],
        "FindReplaceRequest": [("scope", ("range", "sheetId", "allSheets"))],
        "AutoFillRequest": [("area", ("range", "sourceAndDestination"))],
        "PivotTable": [("source_data", ("source", "dataSourceId"))],
        "PivotValue": [("value", ("sourceColumnOffset", "formula", "dataSourceColumnReference"))],
        "PivotGroup": [("source", ("sourceColumnOffset", "dataSourceColumnReference"))],
        "DeveloperMetadataLocation": [("location", ("sheetId", "spreadsheet", "dimensionRange"))],
        "DataSourceSpec": [("spec", ("bigQuery", "looker"))],
        "BigQueryDataSourceSpec": [("spec", ("querySpec", "tableSpec"))],
    }


def check_body(schema_name: str, data: Any) -> None:
    """Raise a 400 naming every field of ``data`` that ``schema_name`` refuses."""
    found: list[dict[str, str]] = []
    _message(schema_name, data, "", found)
    if found:
        raise invalid_argument(found[:MAX_VIOLATIONS])


def _show(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)[:200]


def _bad_value(path: str, type_name: str, value: Any) -> dict[str, str]:
    return violation(path, f"Invalid value at '{path}' ({type_name}), {_show(value)}")


def _lookup(props: dict[str, Any], key: str) -> tuple[str, dict[str, Any]] | None:
    if key in props:
        return key, props[key]
    for name, spec in props.items():
        if discovery.snake(name) == key:
            return name, spec
    return None


def _message(schema_name: str, data: Any, path: str, found: list[dict[str, str]]) -> None:
    if data is None:
        return
    if not isinstance(data, dict):
        found.append(_bad_value(path, TYPE_URL + schema_name, data))
        return
    props: dict[str, Any] = discovery.schema(schema_name).get("properties", {})
    set_fields: list[str] = []
    renames: list[tuple[str, str]] = []
    coerced: list[tuple[str, str]] = []
    for key, value in data.items():
        hit = _lookup(props, key)
        if hit is None:
            at = f" at '{path}'" if path else ""
            found.append(violation(path, f"Invalid JSON payload received. Unknown name \"{key}\"{at}: Cannot find field."))
            continue
        name, spec = hit
        if name != key:
            renames.append((key, name))
        if isinstance(value, str) and spec.get("type") in ("integer", "number") and _scalar_problem(spec, value) is None:
            coerced.append((key, value))
        if value is not None:
            set_fields.append(name)
        child = f"{path}.{discovery.snake(name)}" if path else discovery.snake(name)
        _field(spec, value, child, key, path, found)
        if spec.get("format") == "google-fieldmask":
            found.extend(check_update_mask(schema_name, value, child))
    for key, text in coerced:  # "5" for an int32 is 5 to Google; handlers see numbers
        number = float(text)
        data[key] = int(number) if number.is_integer() else number
    for key, name in renames:  # handlers read lowerCamel names only
        data[name] = data.pop(key)
    for group, members in oneofs().get(schema_name, []):
        chosen = [f for f in set_fields if f in members]
        if len(chosen) > 1:
            found.append(violation(path, f"Invalid value at '{path}' (oneof), oneof field '{group}' is already "
                                         f"set. Cannot set '{chosen[1]}'"))


def _field(spec: dict[str, Any], value: Any, path: str, key: str, parent: str, found: list[dict[str, str]]) -> None:
    if value is None:
        return
    if spec.get("type") == "array":
        if not isinstance(value, list):
            found.append(_bad_value(path, _type_name(spec.get("items", {})), value))
            return
        for i, item in enumerate(value):
            _element(spec.get("items", {}), item, f"{path}[{i}]", key, parent, found)
        return
    if isinstance(value, list) and spec.get("type") != "any":
        at = f" at '{parent}'" if parent else ""
        found.append(violation(parent, f"Invalid JSON payload received. Unknown name \"{key}\"{at}: "
                                       "Proto field is not repeating, cannot start list."))
        return
    _element(spec, value, path, key, parent, found)


def _element(spec: dict[str, Any], value: Any, path: str, key: str, parent: str, found: list[dict[str, str]]) -> None:
    """One value (a field, or an item of a repeated field) against its type."""
    if value is None:
        return
    if "$ref" in spec:
        _message(spec["$ref"], value, path, found)
        return
    kind = spec.get("type")
    if kind == "any":
        return
    if kind == "array":  # a list of lists (ValueRange.values): each inner list holds anything
        if not isinstance(value, list):
            found.append(_bad_value(path, "google.protobuf.ListValue", value))
        return
    if kind == "object":
        if not isinstance(value, dict):
            found.append(_bad_value(path, "google.protobuf.Struct", value))
        return
    problem = _scalar_problem(spec, value)
    if problem:
        found.append(_bad_value(path, problem, value))


def _type_name(spec: dict[str, Any]) -> str:
    if "$ref" in spec:
        return TYPE_URL + spec["$ref"]
    if "enum" in spec:
        return "TYPE_ENUM"
    return {"string": "TYPE_STRING", "boolean": "TYPE_BOOL", "integer": "TYPE_INT32"}.get(
        spec.get("type", ""), "TYPE_DOUBLE" if spec.get("format") == "double" else "TYPE_FLOAT")


def _scalar_problem(spec: dict[str, Any], value: Any) -> str | None:
    """The type name to report when ``value`` does not fit a scalar field, else None."""
    kind = spec.get("type")
    if isinstance(value, (dict, list)):
        return _type_name(spec)
    if kind == "string":
        if "enum" in spec:
            ok = (isinstance(value, str) and value in spec["enum"]) or (
                type(value) is int and 0 <= value < len(spec["enum"]))
            return None if ok else "TYPE_ENUM"
        return None if isinstance(value, str) else "TYPE_STRING"
    if kind == "boolean":
        return None if isinstance(value, bool) else "TYPE_BOOL"
    if kind == "integer":
        number = _as_number(value)
        ok = number is not None and not math.isinf(number) and float(number).is_integer() \
            and INT32[0] <= number <= INT32[1]
        return None if ok else "TYPE_INT32"
    if kind == "number":
        return None if _as_number(value) is not None else _type_name(spec)
    return None


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value) if value.strip() == value and value else None
        except ValueError:
            return None
    return None
