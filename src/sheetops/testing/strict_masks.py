"""Field masks checked against the discovery document's schemas, as Google checks them.

Two kinds of mask reach the Sheets API:

- the ``fields`` query parameter of a read (a *partial response* selector) names fields of
  the method's response, e.g. ``sheets(properties(sheetId,title))``; a path that names no
  field is a 400 "Error expanding 'fields' parameter. Cannot find matching fields for path";
- the ``fields`` of an update request (``updateSheetProperties``, ``repeatCell``,
  ``updateCells``...) names fields of the object being written (``SheetProperties``,
  ``CellData``...); a path that names no field is a 400 too.

Google's parser does not skip whitespace: ``"a, b"`` names a field called ``" b"``.
"""

from __future__ import annotations

import functools
from typing import Any

from sheetops.testing import discovery
from sheetops.testing.google_errors import invalid_argument, violation
from sheetops.testing.sheets_state import ApiError

UPDATE_TARGETS: dict[str, str] = {
    "AppendCellsRequest": "CellData",
    "RepeatCellRequest": "CellData",
    "UpdateCellsRequest": "CellData",
    "UpdateBandingRequest": "BandedRange",
    "UpdateDataSourceRequest": "DataSource",
    "UpdateDeveloperMetadataRequest": "DeveloperMetadata",
    "UpdateDimensionGroupRequest": "DimensionGroup",
    "UpdateDimensionPropertiesRequest": "DimensionProperties",
    "UpdateEmbeddedObjectBorderRequest": "EmbeddedObjectBorder",
    "UpdateEmbeddedObjectPositionRequest": "EmbeddedObjectPosition",
    "UpdateFilterViewRequest": "FilterView",
    "UpdateNamedRangeRequest": "NamedRange",
    "UpdateProtectedRangeRequest": "ProtectedRange",
    "UpdateSheetPropertiesRequest": "SheetProperties",
    "UpdateSlicerSpecRequest": "SlicerSpec",
    "UpdateSpreadsheetPropertiesRequest": "SpreadsheetProperties",
    "UpdateTableRequest": "Table",
}
"""Which schema the ``fields`` mask of each update request is relative to (the discovery
document types the mask as ``google-fieldmask`` but does not say of what)."""


class MaskSyntaxError(ValueError):
    pass


@functools.lru_cache(maxsize=512)
def parse_mask(mask: str) -> tuple[str, ...]:
    """A mask as dotted paths: ``a(b,c.d),e`` -> ``("a.b", "a.c.d", "e")``; ``/`` is
    read as ``.``. Raises :class:`MaskSyntaxError` for unbalanced parentheses."""
    out: list[str] = []
    stack, token = [""], ""
    for ch in mask.replace("/", ".") + ",":
        if ch == "(":
            stack.append(stack[-1] + token + ".")
            token = ""
        elif ch in ",)":
            if token:
                out.append(stack[-1] + token)
            token = ""
            if ch == ")":
                if len(stack) == 1:
                    raise MaskSyntaxError(mask)
                stack.pop()
        else:
            token += ch
    if len(stack) != 1:
        raise MaskSyntaxError(mask)
    return tuple(out)


def _property(schema_name: str, key: str) -> dict[str, Any] | None:
    props: dict[str, Any] = discovery.schema(schema_name).get("properties", {})
    if key in props:
        found: dict[str, Any] = props[key]
        return found
    for name, spec in props.items():  # Google accepts proto (snake_case) names too
        if discovery.snake(name) == key:
            return dict(spec)
    return None


def path_exists(schema_name: str, path: str) -> bool:
    """True when a dotted path names a field (``*`` matches any field at its level)."""
    current: str | None = schema_name
    for part in path.split("."):
        if part == "*":
            return True
        if current is None:  # below a map or a scalar: only maps/"any" accept more
            return False
        spec = _property(current, part)
        if spec is None:
            return False
        while spec.get("type") == "array":
            spec = spec.get("items", {})
        if spec.get("type") in ("any",) or "additionalProperties" in spec:
            return True
        current = spec.get("$ref")
    return True


def check_read_mask(response_schema: str | None, mask: str) -> None:
    """The ``fields`` query parameter of a read, against the response schema."""
    if response_schema is None or mask == "*":
        return
    try:
        paths = parse_mask(mask)
    except MaskSyntaxError:
        raise _read_error(mask) from None
    for path in paths:
        if not path_exists(response_schema, path):
            raise _read_error(path)


def _read_error(path: str) -> ApiError:
    return invalid_argument([violation("fields", f"Error expanding 'fields' parameter. Cannot find matching "
                                                 f"fields for path '{path}'.")])


def check_update_mask(request_schema: str, mask: Any, where: str) -> list[dict[str, str]]:
    """Violations of an update request's ``fields`` (``where`` is its proto path)."""
    target = UPDATE_TARGETS.get(request_schema)
    if target is None or not isinstance(mask, str) or mask in ("", "*"):
        return []
    try:
        paths = parse_mask(mask)
    except MaskSyntaxError:
        return [violation(where, f"Invalid field mask at '{where}': cannot parse \"{mask}\".")]
    return [violation(where, f"Invalid field mask at '{where}': Cannot find field '{path}' in {target}.")
            for path in paths if not path_exists(target, path)]


def mask_selects(mask: str, prefix: str) -> bool:
    """True when a read mask selects ``prefix`` or something under it (e.g. whether
    ``sheets.data`` is asked for: ``*``, ``sheets``, ``sheets(data)``, ``sheets.data.rowData``)."""
    try:
        paths = parse_mask(mask)
    except MaskSyntaxError:
        return False
    want = prefix.split(".")
    for path in paths:
        parts = path.split(".")
        n = min(len(parts), len(want))
        if all(a == b or a == "*" for a, b in zip(parts[:n], want[:n])):
            return True
    return False
