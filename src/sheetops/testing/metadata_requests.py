"""Developer metadata (``createDeveloperMetadata``, ``deleteDeveloperMetadata``,
``updateDeveloperMetadata`` in ``spreadsheets.batchUpdate``; ``developerMetadata`` in a
spreadsheet's JSON), as Google's Sheets API v4 keeps it.

This server keeps metadata on the whole spreadsheet only (``location.spreadsheet: true``),
which is what SheetOps uses; metadata on a sheet, a row or a column is refused with a
sentence saying this server does not hold it (Google would accept it), never accepted and
dropped. Rules held as Google's reference and metadata guide state them:

- a metadata must have a key and a visibility (``DOCUMENT`` or ``PROJECT``); its location
  is exactly one of ``spreadsheet``, ``sheetId``, ``dimensionRange``; ``metadataId``, when
  given, is positive and not taken, else the server picks a random one;
- the keys and values held at one location total at most 30,000 characters;
- a delete or update names its metadata by ``DataFilter``s (``developerMetadataLookup``
  here) and answers with what it matched; a lookup that matches nothing deletes nothing.
"""

from __future__ import annotations

import copy
from typing import Any

from sheetops.testing.sheets_state import Spreadsheet, bad

LOCATION_LIMIT = 30_000
"""Characters of keys and values one location may hold (Google's metadata guide)."""
_VISIBILITIES = ("DOCUMENT", "PROJECT")
_LOOKUP_FIELDS = {"metadataId", "metadataKey", "metadataValue", "visibility", "locationType", "metadataLocation",
                  "locationMatchingStrategy"}


def _location(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or not body:
        raise bad("Developer metadata must have a location specified.")
    kinds = [k for k in ("spreadsheet", "sheetId", "dimensionRange") if k in body]
    if len(kinds) != 1:
        raise bad("Exactly one of spreadsheet, sheetId or dimensionRange must be set in the metadata location.")
    if kinds[0] != "spreadsheet":
        raise bad(f"This local server keeps developer metadata on the whole spreadsheet only, not by {kinds[0]}.")
    if body["spreadsheet"] is not True:
        raise bad("A spreadsheet location must have spreadsheet set to true.")
    return {"locationType": "SPREADSHEET", "spreadsheet": True}


def _check_size(book: Spreadsheet) -> None:
    used = sum(len(m.get("metadataKey", "")) + len(m.get("metadataValue", "")) for m in book.developer_metadata)
    if used > LOCATION_LIMIT:
        raise bad(f"The developer metadata at this location would total {used} characters; "
                  f"the limit is {LOCATION_LIMIT}.")


def create_developer_metadata(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    meta = req.get("developerMetadata")
    if not isinstance(meta, dict):
        raise bad("developerMetadata must be specified.")
    key = meta.get("metadataKey")
    if not isinstance(key, str) or not key:
        raise bad("Developer metadata must always have a key specified.")
    if meta.get("visibility") not in _VISIBILITIES:
        raise bad("Developer metadata must always have a visibility specified (DOCUMENT or PROJECT).")
    location = _location(meta.get("location"))
    taken = {m["metadataId"] for m in book.developer_metadata}
    given = meta.get("metadataId")
    if given is not None:
        given = int(given)
        if given <= 0:
            raise bad("The metadataId must be positive.")
        if given in taken:
            raise bad(f"Developer metadata with ID {given} already exists.")
    value = meta.get("metadataValue")
    if value is not None and not isinstance(value, str):
        raise bad("metadataValue must be a string.")
    made: dict[str, Any] = {"metadataId": given if given is not None else book.new_id(taken | book.all_ids()),
                            "metadataKey": key}
    if value:
        made["metadataValue"] = value
    made.update(location=location, visibility=meta["visibility"])
    book.developer_metadata.append(made)
    _check_size(book)
    return {"createDeveloperMetadata": {"developerMetadata": copy.deepcopy(made)}}


def _matches(meta: dict[str, Any], lookup: dict[str, Any]) -> bool:
    unknown = set(lookup) - _LOOKUP_FIELDS
    if unknown:
        raise bad(f"Unknown field in developerMetadataLookup: {sorted(unknown)[0]}.")
    if not lookup:
        raise bad("A developerMetadataLookup must specify at least one criterion.")
    if "metadataId" in lookup and int(lookup["metadataId"]) != meta["metadataId"]:
        return False
    for name in ("metadataKey", "metadataValue", "visibility"):
        if name in lookup and lookup[name] != meta.get(name):
            return False
    if "locationType" in lookup and lookup["locationType"] != "SPREADSHEET":
        return False
    where = lookup.get("metadataLocation")
    if where is not None and _location(where) != meta["location"]:
        return False
    return True


def _matched(book: Spreadsheet, filters: Any) -> list[dict[str, Any]]:
    if not isinstance(filters, list) or not filters:
        raise bad("At least one data filter must be specified.")
    hits: list[dict[str, Any]] = []
    for f in filters:
        if not isinstance(f, dict) or set(f) != {"developerMetadataLookup"}:
            raise bad("Only developerMetadataLookup data filters select developer metadata.")
        lookup = f["developerMetadataLookup"]
        if not isinstance(lookup, dict):
            raise bad("developerMetadataLookup must be an object.")
        hits += [m for m in book.developer_metadata if _matches(m, lookup) and m not in hits]
    return hits


def delete_developer_metadata(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    if "dataFilter" not in req:
        raise bad("A data filter must be specified.")
    gone = _matched(book, [req["dataFilter"]])
    book.developer_metadata = [m for m in book.developer_metadata if m not in gone]
    return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": copy.deepcopy(gone)}}


def update_developer_metadata(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any]:
    fields = req.get("fields")
    if not isinstance(fields, str) or not fields.strip():
        raise bad("The fields mask must be specified.")
    new = req.get("developerMetadata")
    if not isinstance(new, dict):
        raise bad("developerMetadata must be specified.")
    names = [f.strip() for f in fields.split(",")]
    for name in names:
        if name not in ("metadataKey", "metadataValue", "visibility", "location"):
            raise bad(f"Invalid field in the fields mask: {name}.")
    hits = _matched(book, req.get("dataFilters"))
    for meta in hits:
        for name in names:
            if name == "location":
                meta["location"] = _location(new.get("location"))
            elif name == "metadataKey" and not new.get("metadataKey"):
                raise bad("Developer metadata must always have a key specified.")
            elif name == "visibility" and new.get("visibility") not in _VISIBILITIES:
                raise bad("Developer metadata must always have a visibility specified (DOCUMENT or PROJECT).")
            elif new.get(name):
                meta[name] = new[name]
            else:
                meta.pop(name, None)
    _check_size(book)
    return {"updateDeveloperMetadata": {"developerMetadata": copy.deepcopy(hits)}}


METADATA_HANDLERS = {
    "createDeveloperMetadata": create_developer_metadata,
    "deleteDeveloperMetadata": delete_developer_metadata,
    "updateDeveloperMetadata": update_developer_metadata,
}
