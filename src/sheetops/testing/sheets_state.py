"""The in-memory spreadsheets behind the local Sheets API server: the data model.

A :class:`Sheet` keeps its cells as a list of rows (each a list of stored values, see
:mod:`sheets_values`), ragged and trimmed, so a 100,000-row tab costs one Python list per
row. Formats, data validation rules and notes are kept sparse: per-cell entries plus
"layers" for whole ranges (``repeatCell``), resolved in the order they were written.
"""

from __future__ import annotations

import copy
import functools
import random
import secrets
from dataclasses import dataclass, field
from typing import Any

from sheetops.testing.a1 import A1Error, parse_a1, quote_sheet

MAX_CELLS = 10_000_000
MAX_CELL_CHARS = 50_000

Rect = tuple[int, int | None, int, int | None]
"""(row0, row1, col0, col1): 0-based, half-open, ``None`` for an open end."""


class ApiError(Exception):
    """An error answered in Google's JSON error shape."""

    STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
              404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}

    def __init__(self, code: int, message: str, status: str | None = None,
                 details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or self.STATUS.get(code, "UNKNOWN")
        self.details = details or []

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}


def bad(message: str) -> ApiError:
    """A 400 INVALID_ARGUMENT error."""
    return ApiError(400, message)


def rect_of(grid_range: dict[str, Any]) -> Rect:
    """A GridRange's bounds as a Rect (missing indexes are open ends)."""
    return (int(grid_range.get("startRowIndex", 0)), _opt_int(grid_range.get("endRowIndex")),
            int(grid_range.get("startColumnIndex", 0)), _opt_int(grid_range.get("endColumnIndex")))


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def covers(rect: Rect, row: int, col: int) -> bool:
    r0, r1, c0, c1 = rect
    return r0 <= row and (r1 is None or row < r1) and c0 <= col and (c1 is None or col < c1)


def merge_masked(target: dict[str, Any], patch: dict[str, Any], fields: str) -> dict[str, Any]:
    """``target`` updated with ``patch`` at the paths of a field mask (``*`` = all of it);
    a path missing from ``patch`` is cleared, as Google does."""
    out = copy.deepcopy(target)
    paths = [p.strip().replace("/", ".") for p in fields.split(",") if p.strip()]
    if not paths or "*" in paths:
        return copy.deepcopy(patch)
    for path in paths:
        keys = path.split(".")
        src: Any = patch
        for key in keys:
            src = src.get(key) if isinstance(src, dict) else None
        dst = out
        for key in keys[:-1]:
            dst = dst.setdefault(key, {})
        if src is None:
            dst.pop(keys[-1], None)
        else:
            dst[keys[-1]] = copy.deepcopy(src)
    return out


def merge_format(current: dict[str, Any], patch: dict[str, Any], fields: str) -> dict[str, Any]:
    """A new format: ``current`` with ``patch`` at the mask's paths (shallow for the
    common top-level masks; format dicts are shared and never changed in place)."""
    if fields == "*":
        return patch
    keys = _top_keys(fields)
    if keys is None:
        return merge_masked(current, patch, fields)
    if not current:
        return {k: patch[k] for k in keys if k in patch}
    new = {k: v for k, v in current.items() if k not in keys}
    for k in keys:
        if k in patch:
            new[k] = patch[k]
    return new


@functools.lru_cache(maxsize=128)
def _top_keys(fields: str) -> tuple[str, ...] | None:
    """The keys of a mask naming only top-level fields, or None for nested paths."""
    keys = tuple(fields.split(","))
    return None if any("." in k or "(" in k for k in keys) else keys


@dataclass
class Sheet:
    """One tab: properties, cells (list of rows) and sparse per-cell metadata."""

    sheet_id: int
    title: str
    row_count: int = 1000
    col_count: int = 26
    hidden: bool = False
    frozen_rows: int = 0
    frozen_cols: int = 0
    extra_props: dict[str, Any] = field(default_factory=dict)
    rows: list[list[Any]] = field(default_factory=list)
    cell_formats: dict[tuple[int, int], tuple[int, dict[str, Any]]] = field(default_factory=dict)
    format_layers: list[tuple[int, Rect, dict[str, Any], str]] = field(default_factory=list)
    validations: list[tuple[Rect, dict[str, Any] | None]] = field(default_factory=list)
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    conditional_formats: list[dict[str, Any]] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    row_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    col_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    basic_filter: dict[str, Any] | None = None
    has_formulas: bool = False

    def clone(self) -> Sheet:
        """A copy whose cells and metadata can change without touching this one."""
        other = copy.copy(self)
        other.rows = [r.copy() for r in self.rows]
        other.cell_formats = dict(self.cell_formats)  # entries are never changed in place
        other.notes = dict(self.notes)
        other.row_meta = dict(self.row_meta)
        other.col_meta = dict(self.col_meta)
        for name in ("extra_props", "format_layers", "validations", "protected_ranges",
                     "conditional_formats", "charts", "basic_filter"):
            setattr(other, name, copy.deepcopy(getattr(self, name)))
        return other

    # -- properties -------------------------------------------------------------------
    def properties(self, index: int) -> dict[str, Any]:
        """The SheetProperties JSON Google returns."""
        grid: dict[str, Any] = {"rowCount": self.row_count, "columnCount": self.col_count}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_cols:
            grid["frozenColumnCount"] = self.frozen_cols
        props: dict[str, Any] = {"sheetId": self.sheet_id, "title": self.title, "index": index,
                                 "sheetType": "GRID", "gridProperties": grid}
        if self.hidden:
            props["hidden"] = True
        props.update(copy.deepcopy(self.extra_props))
        return props

    def set_properties(self, props: dict[str, Any]) -> None:
        """Apply SheetProperties JSON (already merged with a field mask)."""
        grid = props.get("gridProperties", {})
        self.title = props.get("title", self.title)
        self.hidden = bool(props.get("hidden", False))
        self.frozen_rows = int(grid.get("frozenRowCount", 0))
        self.frozen_cols = int(grid.get("frozenColumnCount", 0))
        self.resize(int(grid.get("rowCount", self.row_count)), int(grid.get("columnCount", self.col_count)))
        self.extra_props = {k: v for k, v in props.items()
                            if k not in ("sheetId", "title", "index", "sheetType", "gridProperties", "hidden")}

    def resize(self, rows: int, cols: int) -> None:
        """Change the grid size; cells outside the new grid are dropped."""
        if rows < 1 or cols < 1:
            raise bad("Grid must have at least one row and one column.")
        if rows < len(self.rows):
            del self.rows[rows:]
        if cols < self.col_count:
            for row in self.rows:
                del row[cols:]
        self.row_count, self.col_count = rows, cols

    # -- cells ------------------------------------------------------------------------
    def value(self, row: int, col: int) -> Any:
        """The stored value of one cell (``None`` when empty)."""
        if row < len(self.rows):
            r = self.rows[row]
            if col < len(r):
                return r[col]
        return None

    def used_rows(self) -> int:
        """How many rows there are up to the last one holding a value."""
        n = len(self.rows)
        while n and not any(v is not None for v in self.rows[n - 1]):
            n -= 1
        return n

    def format_at(self, row: int, col: int) -> dict[str, Any]:
        """The cell's userEnteredFormat: per-cell entry plus later range layers.
        The result may be shared: build a new dict to change it."""
        seq0, fmt = self.cell_formats.get((row, col), (-1, {}))
        for seq, rect, patch, fields in self.format_layers:
            if seq > seq0 and covers(rect, row, col):
                fmt = merge_format(fmt, patch, fields)
        return fmt

    def number_format_at(self, row: int, col: int) -> dict[str, Any] | None:
        """The cell's numberFormat, or None: the fast path used when rendering values."""
        if not self.format_layers:
            entry = self.cell_formats.get((row, col))
            return entry[1].get("numberFormat") if entry else None
        return self.format_at(row, col).get("numberFormat")

    def validation_at(self, row: int, col: int) -> dict[str, Any] | None:
        """The data validation rule of a cell, or None."""
        rule = None
        for rect, r in self.validations:
            if covers(rect, row, col):
                rule = r
        return rule


@dataclass
class Spreadsheet:
    """One spreadsheet file: properties, tabs, named ranges and developer metadata."""

    spreadsheet_id: str
    properties: dict[str, Any]
    sheets: list[Sheet] = field(default_factory=list)
    named_ranges: list[dict[str, Any]] = field(default_factory=list)
    developer_metadata: list[dict[str, Any]] = field(default_factory=list)
    """On the whole spreadsheet (``metadata_requests``)."""
    seq: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def clone(self) -> Spreadsheet:
        """A copy for a transaction: apply changes to it, swap it in on success."""
        other = copy.copy(self)
        other.properties = copy.deepcopy(self.properties)
        other.sheets = [s.clone() for s in self.sheets]
        other.named_ranges = copy.deepcopy(self.named_ranges)
        other.developer_metadata = copy.deepcopy(self.developer_metadata)
        other.rng = random.Random()
        other.rng.setstate(self.rng.getstate())
        return other

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def new_id(self, taken: set[int]) -> int:
        """A fresh random id like Google's sheet, range and chart ids."""
        while True:
            n = self.rng.randrange(1, 2**31 - 1)
            if n not in taken:
                return n

    def all_ids(self) -> set[int]:
        ids = {s.sheet_id for s in self.sheets}
        for s in self.sheets:
            ids.update(p["protectedRangeId"] for p in s.protected_ranges)
            ids.update(c["chartId"] for c in s.charts)
        return ids

    def sheet_by_id(self, sheet_id: Any) -> Sheet:
        for s in self.sheets:
            if s.sheet_id == sheet_id:
                return s
        raise bad(f"No grid with id: {sheet_id}")

    def sheet_by_title(self, title: str) -> Sheet | None:
        for s in self.sheets:
            if s.title == title:
                return s
        low = title.lower()
        for s in self.sheets:  # Google matches sheet names case-insensitively
            if s.title.lower() == low:
                return s
        return None

    def total_cells(self) -> int:
        return sum(s.row_count * s.col_count for s in self.sheets)

    def check_cell_limit(self) -> None:
        if self.total_cells() > MAX_CELLS:
            raise bad(f"This action would increase the number of cells in the workbook above the limit of {MAX_CELLS} cells.")

    def resolve(self, text: str) -> tuple[Sheet, Rect]:
        """An A1 range (or named range) to its sheet and bounds; 400 when it names nothing."""
        whole = self.sheet_by_title(text.strip())
        if whole is not None and "!" not in text:
            return whole, (0, None, 0, None)
        for named in self.named_ranges:
            if named["name"] == text.strip():
                r = named["range"]
                return self.sheet_by_id(r.get("sheetId", 0)), rect_of(r)
        try:
            parsed = parse_a1(text)
        except A1Error:
            raise bad(f"Unable to parse range: {text}") from None
        if parsed.sheet is None:
            sheet = self.sheets[0]
        else:
            found = self.sheet_by_title(parsed.sheet)
            if found is None:
                raise bad(f"Unable to parse range: {text}")
            sheet = found
        return sheet, (parsed.row0, parsed.row1, parsed.col0, parsed.col1)

    def clip(self, sheet: Sheet, rect: Rect, text: str) -> tuple[int, int, int, int]:
        """Close a Rect's open ends at the grid edge; 400 when it starts outside the grid."""
        r0, r1, c0, c1 = rect
        if r0 >= sheet.row_count or c0 >= sheet.col_count:
            raise grid_error(sheet, text)
        return r0, min(r1 if r1 is not None else sheet.row_count, sheet.row_count), \
            c0, min(c1 if c1 is not None else sheet.col_count, sheet.col_count)


def grid_error(sheet: Sheet, text: str) -> ApiError:
    """Google's message for a range outside a sheet's grid."""
    ref = text.split("!")[-1] if "!" in text else text
    return bad(f"Range ({quote_sheet(sheet.title)}!{ref}) exceeds grid limits. "
               f"Max rows: {sheet.row_count}, max columns: {sheet.col_count}")


def new_spreadsheet(title: str = "Untitled spreadsheet", *, spreadsheet_id: str | None = None,
                    sheets: list[dict[str, Any]] | None = None, locale: str = "en_US",
                    time_zone: str = "Etc/GMT") -> Spreadsheet:
    """A spreadsheet as spreadsheets.create makes it: one ``Sheet1`` unless sheets given."""
    sid = spreadsheet_id or secrets.token_urlsafe(33)[:44]
    book = Spreadsheet(sid, {"title": title, "locale": locale, "autoRecalc": "ON_CHANGE",
                             "timeZone": time_zone},
                       rng=random.Random(sid))
    for i, spec in enumerate(sheets or [{}]):
        props = spec.get("properties", {})
        grid = props.get("gridProperties", {})
        sheet = Sheet(int(props.get("sheetId", 0 if i == 0 else book.new_id(book.all_ids()))),
                      props.get("title", f"Sheet{i + 1}"), int(grid.get("rowCount", 1000)),
                      int(grid.get("columnCount", 26)))
        sheet.set_properties(merge_masked(sheet.properties(i), props, ",".join(_leaf_paths(props))))
        book.sheets.append(sheet)
    book.check_cell_limit()
    return book


def _leaf_paths(d: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for k, v in d.items():
        if isinstance(v, dict) and k == "gridProperties":
            out.extend(_leaf_paths(v, prefix + k + "."))
        else:
            out.append(prefix + k)
    return out

