"""Raw grids to typed frames, column by column, with an Issue for every cell that fails.

``read_table`` finds columns by header text, skips blank rows, parses each known column by
its schema type (vectorised where the values allow it, otherwise once per distinct value)
and returns a ``Table``: a frame whose columns are the schema's column names, plus
``_row`` (the sheet row number) and ``_error`` (the row has an Error issue).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import pandas as pd

from . import cells
from ..backends.base import CellError, Grid, RawCell
from ..backends.column_grid import ColumnGrid, day_or_time, python_cells
from .cells import Parsed
from .issues import IssueLog
from .schema import ColumnSpec, TabSpec, normalize_header
from .settings import Settings

if TYPE_CHECKING:
    import pyarrow as pa

STR = pd.StringDtype("pyarrow", na_value=np.nan)
"""pandas' Arrow-backed text (NaN for blanks)."""

FIX = {
    "money": "Type the amount as a number such as 1234.50, without letters.",
    "rate": "Type a percentage such as 12% (or 0.12).",
    "date": "Type the date as 2026-11-09, or set Date order in Settings for dates like 11/09/2026.",
    "datetime": "Type the date as 2026-11-09 14:03, or set Date order in Settings for dates like 11/09/2026.",
    "int": "Type a whole number such as 1.",
}
ERROR_FIX = "Fix the formula in this cell, or type the value itself."


@dataclass
class Table:
    """One tab people edit, parsed."""

    spec: TabSpec
    frame: pd.DataFrame
    positions: dict[str, int] = field(default_factory=dict)
    """Schema column name -> 0-based column index in the sheet."""
    rows_read: int = 0
    missing_required: list[str] = field(default_factory=list)
    present: bool = True

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def valid(self) -> pd.DataFrame:
        return self.frame[~self.frame["_error"]]

    def col_index(self, column: str) -> int | None:
        return self.positions.get(column)

    def has(self, column: str) -> bool:
        return column in self.positions


def empty_frame(spec: TabSpec) -> pd.DataFrame:
    frame = pd.DataFrame({c.name: pd.Series([], dtype=object) for c in spec.columns})
    frame["_row"] = pd.Series([], dtype="int64")
    frame["_error"] = pd.Series([], dtype=bool)
    return frame


def read_table(spec: TabSpec, grid: Grid | None, settings: Settings, log: IssueLog) -> Table:
    """Parse ``grid`` (row 0 = header) as the tab ``spec``, logging every problem."""
    if not grid:
        return Table(spec, _typed_empty(spec), present=grid is not None)
    header = grid[0]
    positions: dict[str, int] = {}
    seen: dict[str, int] = {}
    for idx, text in enumerate(header):
        key = normalize_header(text)
        if not key:
            continue
        if key in seen:
            log.add("Error", spec.name, 1, str(text), text,
                    f"The header {str(text).strip()} appears twice (columns {cells_col(seen[key])} and {cells_col(idx)}).",
                    "Rename or delete one of the two columns so each header appears once.", col_index=idx)
            continue
        seen[key] = idx
    for col in spec.columns:
        if col.key in seen:
            positions[col.name] = seen[col.key]
    missing = [c.name for c in spec.columns if c.required and c.name not in positions]
    for name in missing:
        log.add("Error", spec.name, 1, name, "",
                f"The {spec.name} tab has no {name} column, so nothing on it can be used.",
                f"Add a column headed {name} in row 1 of {spec.name} (the Start Here tab lists every column).",
                col_index=len(header))

    if isinstance(grid, ColumnGrid):  # read column-wise: typed columns, no object per cell
        height = grid.height
        raw = {name: _typed_column(grid.column(idx), height) for name, idx in positions.items()}
    else:
        body = grid[1:]
        height = len(body)
        raw = _raw_columns(body, positions, max(len(header), 1))
    row_numbers = np.arange(2, height + 2, dtype="int64")
    texts: dict[str, pd.Series | None] = {}  # all-text columns as Arrow text, converted once
    blank_cells: dict[str, np.ndarray] = {}
    for k, v in raw.items():
        blank_cells[k], texts[k] = _blanks(v)
    keep = ~np.logical_and.reduce(list(blank_cells.values())) if blank_cells else np.zeros(height, dtype=bool)
    every = bool(keep.all())
    raw = {k: v if every else v[keep].reset_index(drop=True) for k, v in raw.items()}
    texts = {k: t if t is None or every else t[keep].reset_index(drop=True) for k, t in texts.items()}
    blank_cells = {k: v if every else v[keep] for k, v in blank_cells.items()}
    sheet_row = row_numbers[keep]
    columns: dict[str, Any] = {"_row": sheet_row}  # made into the frame at once: cheaper than column by column
    error = np.zeros(len(sheet_row), dtype=bool)
    if missing:
        error[:] = True
    for col in spec.columns:
        if col.name not in positions:
            columns[col.name] = _default_column(col, len(sheet_row))
            continue
        values, errors, notes = parse_column(col, raw[col.name], settings, texts.get(col.name))
        columns[col.name] = values
        idx = positions[col.name]
        if col.required and blank_cells[col.name].any():
            blank = pd.Series(blank_cells[col.name], index=errors.index) & errors.isna()
            errors = errors.mask(blank, f"The {col.name} is missing")
        bad = errors.notna().to_numpy()
        if bad.any():
            error |= bad
            fix_default = FIX.get(col.type, f"Choose one of: {', '.join(col.allowed)}." if col.allowed else "")
            at = np.flatnonzero(bad)  # per bad cell: plain arrays, not a pandas lookup per cell
            sheet_rows = sheet_row[at].tolist()
            raw_values = python_values(raw[col.name].iloc[at])
            problems = errors.to_numpy(dtype=object)[at].tolist()
            missing_fix = f"Fill in the {col.name}, or delete the row if it is not needed."
            for row, raw_value, problem in zip(sheet_rows, raw_values, problems):
                problem = str(problem)
                fix = ERROR_FIX if isinstance(raw_value, CellError) else (
                    missing_fix if problem.startswith("The ") and problem.endswith("is missing") else fix_default)
                log.add("Error", spec.name, int(row), col.name, cells.shown(raw_value), problem + ".", fix,
                        col_index=idx)
        if notes is not None:
            at = np.flatnonzero(notes.notna().to_numpy())
            for row, raw_value, note in zip(sheet_row[at].tolist(),
                                            python_values(raw[col.name].iloc[at]),
                                            notes.to_numpy(dtype=object)[at].tolist()):
                text, severity = note
                log.add(severity, spec.name, int(row), col.name, cells.shown(raw_value), text + ".",
                        FIX.get(col.type, "Check the value."), col_index=idx)
    columns["_error"] = error
    frame = pd.DataFrame(columns, copy=False)
    return Table(spec, frame, positions, rows_read=len(frame), missing_required=missing)


def cells_col(idx: int) -> str:
    from ..backends.base import column_letter

    return column_letter(idx)


def _typed_empty(spec: TabSpec) -> pd.DataFrame:
    frame = pd.DataFrame({"_row": pd.Series([], dtype="int64")})
    for col in spec.columns:
        frame[col.name] = _default_column(col, 0)
    frame["_error"] = pd.Series([], dtype=bool)
    return frame


def _default_column(col: ColumnSpec, n: int) -> pd.Series:
    if col.type in ("money", "rate", "int"):
        default = None
        if col.default is not None:
            default = cells.parse_int(col.default).value if col.type == "int" else cells.parse_money(col.default).value
        return pd.Series([default] * n, dtype="Int64")
    if col.type in ("date", "datetime"):
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    return pd.Series([col.default] * n, dtype=object)


def _raw_columns(body: Grid, positions: dict[str, int], width: int) -> dict[str, pd.Series]:
    """One object Series per known column; a rectangular grid is transposed in C."""
    if not body:
        return {name: pd.Series([], dtype=object) for name in positions}
    full = max(width, max(positions.values(), default=0) + 1)
    if any(len(r) < full for r in body):
        body = [list(r) + [None] * (full - len(r)) if len(r) < full else r for r in body]
    columns = list(zip(*body))
    return {name: pd.Series(columns[idx], dtype=object) for name, idx in positions.items()}


def _typed_column(cells: "pa.Array | list[RawCell] | None", height: int) -> pd.Series:
    """One column of a ``ColumnGrid`` as a Series: Arrow text, float64, datetime64, or (for a
    column of mixed kinds, true/false or no cells) objects as the row-wise read gives them."""
    import pyarrow as pa

    if cells is None:
        return pd.Series([None] * height, dtype=object)
    if isinstance(cells, list):
        return pd.Series(cells, dtype=object)
    kind = cells.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return pd.Series(pd.array(cells, dtype=STR))
    if pa.types.is_floating(kind):
        return pd.Series(cells.to_numpy(zero_copy_only=False), dtype="float64")
    if pa.types.is_timestamp(kind):
        return pd.Series(cells.to_numpy(zero_copy_only=False))
    return pd.Series(python_cells(cells), dtype=object)


def python_values(values: pd.Series) -> list[Any]:
    """Values of a raw column as the row-wise read gives them (dates at midnight as ``date``)."""
    if values.dtype.kind == "M":
        return [None if pd.isna(v) else day_or_time(v.to_pydatetime()) for v in values]
    return [None if v is None or (isinstance(v, float) and math.isnan(v) and values.dtype != object) else v
            for v in values.astype(object).tolist()]


def _blanks(col: pd.Series) -> tuple[np.ndarray, pd.Series | None]:
    """Which cells are blank (empty, or only spaces); and, when every non-empty value is text,
    the column as Arrow text (else None), so it is converted once, not once per use.
    (Masks are numpy arrays: a pandas boolean Series costs more to make than to use here.)"""
    blank = col.isna().to_numpy()
    if col.dtype == STR:
        return blank | _only_spaces(col), col
    if col.dtype.kind in "fM":
        return blank, None
    kind = pd.api.types.infer_dtype(col, skipna=True)
    strings = None
    if kind == "string":
        strings = col.astype("string[pyarrow]")
        blank = blank | _only_spaces(strings)
    elif kind in ("mixed", "mixed-integer"):  # text cells of only spaces, looked at one by one
        values = col.to_numpy(dtype=object)
        text = np.flatnonzero(np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values)))
        blank = blank.copy()
        blank[text] |= np.fromiter((not values[i].strip() for i in text.tolist()), dtype=bool, count=len(text))
    return blank, strings


def _only_spaces(col: pd.Series) -> np.ndarray:
    """Which cells of Arrow text are empty or only white space: what ``.str.strip() == ""``
    gives (Arrow's own white space, checked on every code point), without making the
    stripped text."""
    import pyarrow.compute as pc

    array = arrow_text(col)
    spaces = pc.fill_null(pc.or_(pc.utf8_is_space(array), pc.equal(array, "")), False)
    return np.asarray(spaces.to_numpy(zero_copy_only=False), dtype=bool)


def arrow_text(column: pd.Series) -> "pa.Array":
    """A column of Arrow-backed text (``STR``) as one Arrow array, nulls for blanks, without
    Python objects."""
    import pyarrow as pa

    array = pa.array(column)
    if isinstance(array, pa.ChunkedArray):
        array = pa.concat_arrays(array.chunks) if array.num_chunks else pa.array([], pa.string())
    return array


def text_key(column: pd.Series) -> pd.Series:
    """A column as text to compare, blanks as "": checked text stays Arrow text (a million
    order IDs are not made into Python strings to be compared); other values as ``str``."""
    if column.dtype == STR:
        return column.fillna("")
    return column.astype(object).where(column.notna(), "").astype(str)


Parser = Callable[[Any], Parsed[Any]]


def _per_unique(col: pd.Series, parser: Parser) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Apply ``parser`` once per distinct value: (values, errors, notes)."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    objects = isinstance(uniques, np.ndarray) and uniques.dtype == object  # kept as they are, not re-inferred
    results = [parser(u) for u in python_values(pd.Series(uniques, dtype=object if objects else None))]
    values = np.array([r.value for r in results] + [None], dtype=object)[codes]
    errors = np.array([r.error for r in results] + [None], dtype=object)[codes]
    notes_list: list[Any] = [(r.note, r.note_severity) if r.note else None for r in results] + [None]
    notes = np.empty(len(notes_list), dtype=object)
    notes[:] = notes_list
    index = col.index
    return pd.Series(values, index=index, dtype=object), pd.Series(errors, index=index, dtype=object), \
        pd.Series(notes[codes], index=index, dtype=object)


def _types(col: pd.Series) -> pd.Series:
    return col.map(type, na_action="ignore")


def _numbers(col: pd.Series) -> np.ndarray:
    """Which cells hold a number (not true/false, not text)."""
    if col.dtype.kind == "f":
        return col.notna().to_numpy()
    if col.dtype != object:
        return np.zeros(len(col), dtype=bool)
    return _types(col).isin([float, int]).to_numpy()


def _money_fast(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Cents for plain numbers whose shortest text has at most two decimals (exact), and
    the mask of the values that took this path; the rest need the careful parser."""
    numeric = _numbers(col)
    cents_out = np.zeros(len(col), dtype="int64")
    if not numeric.any():
        return cents_out, numeric
    x = col[numeric].astype("float64").to_numpy()
    with np.errstate(invalid="ignore", over="ignore"):
        cents = np.round(x * 100)
        exact = np.isfinite(x) & (cents / 100 == x) & (np.abs(cents) < cells.MAX_CENTS)
    idx = np.flatnonzero(numeric)
    cents_out[idx[exact]] = cents[exact].astype("int64")
    done = np.zeros(len(col), dtype=bool)
    done[idx[exact]] = True
    return cents_out, done


FIRST_SERIAL = (cells.FIRST_DATE - cells.EXCEL_EPOCH).days
LAST_SERIAL = (cells.LAST_DATE - cells.EXCEL_EPOCH).days + 1


def _day_of(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _datetime_fast(col: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Datetimes for real date cells and serial numbers, and the mask of values done here."""
    out = pd.Series(pd.NaT, index=col.index, dtype="datetime64[ns]")
    done = np.zeros(len(col), dtype=bool)
    if col.dtype.kind == "M":  # read column-wise: dates out of range are left to the careful parser
        days = col.dt.normalize()
        inside = (days >= cells.FIRST_DATE) & (days <= cells.LAST_DATE)
        done = inside.to_numpy(dtype=bool, na_value=False)
        out[done] = col[done].astype("datetime64[ns]")
        return out, done
    types = _types(col) if col.dtype == object else None
    real = types.isin([dt.datetime, dt.date, pd.Timestamp]).to_numpy() if types is not None else done
    if real.any():  # dates out of range (before 1900, after 2261) are left to the careful parser
        first, last = cells.FIRST_DATE.date(), cells.LAST_DATE.date()
        real = real.copy()
        inside = col[real].map(lambda v: first <= _day_of(v) <= last).to_numpy(bool)
        real[np.flatnonzero(real)[~inside]] = False
        try:
            out[real] = pd.to_datetime(col[real].tolist()).astype("datetime64[ns]")
            done |= real
        except (TypeError, ValueError):  # zone-aware values: the careful parser converts them
            pass
    numeric = _numbers(col)
    if numeric.any():
        if col.dtype.kind == "f":
            x = col[numeric].where(col[numeric].abs() < 1e15)
        else:
            x = col[numeric].map(lambda v: float(v) if abs(v) < 1e15 else math.nan).astype("float64")  # 10**400 too
        ok = ((x >= FIRST_SERIAL) & (x < LAST_SERIAL)).to_numpy()
        idx = np.flatnonzero(numeric)[ok]
        ms = (x[ok] * 86_400_000).round().astype("int64")
        out.iloc[idx] = (pd.Timestamp(cells.EXCEL_EPOCH) + pd.to_timedelta(ms.to_numpy(), unit="ms"))
        done[idx] = True
    return out, done


def _careful(raw: pd.Series, rest: np.ndarray, parser: Parser) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse only the ``rest`` values with ``parser``; errors and notes for every row."""
    errors = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    notes = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    values = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    if rest.any():
        v, e, n = _per_unique(raw[rest], parser)
        values[rest], errors[rest], notes[rest] = v, e, n
    return values, errors, notes


def parse_column(col: ColumnSpec, raw: pd.Series, settings: Settings,
                 strings: pd.Series | None = None) -> tuple[pd.Series, pd.Series, pd.Series | None]:
    """Typed values, error texts (None = fine) and notes for one column. ``strings``: the
    column as Arrow text when every non-empty value is text (None otherwise)."""
    if col.type == "money":
        cents, done = _money_fast(raw)
        rest = raw.notna().to_numpy() & ~done
        values, errors, notes = _careful(raw, rest, cells.parse_money)
        out = pd.array(cents, dtype="Int64")
        out[~done] = pd.NA
        if rest.any():
            out[rest] = pd.array(values[rest].tolist(), dtype="Int64")
        return pd.Series(out, index=raw.index), errors, notes
    if col.type == "rate":
        values, errors, notes = _per_unique(raw, cells.parse_rate)
        return pd.Series(pd.array(values.tolist(), dtype="Int64"), index=raw.index), errors, notes
    if col.type == "int":
        values, errors, notes = _per_unique(raw, lambda v: cells.parse_int(v, minimum=1 if col.name in ("Quantity", "Units") else None))
        default = cells.parse_int(col.default).value if col.default else None
        values = values.where(values.notna(), default) if default is not None else values
        return pd.Series(pd.array(values.tolist(), dtype="Int64"), index=raw.index), errors, notes
    if col.type in ("date", "datetime"):
        parsed, done = _datetime_fast(raw)
        rest = raw.notna().to_numpy() & ~done
        tz, order = settings.tz, settings.date_order
        values, errors, notes = _careful(raw, rest, lambda v: cells.parse_datetime(v, tz=tz, date_order=order))
        if rest.any():
            parsed[rest] = pd.to_datetime(values[rest], errors="coerce").astype("datetime64[ns]")
        return (parsed.dt.normalize() if col.type == "date" else parsed), errors, notes
    if col.type == "enum":
        words = cells.ORDER_STATUS_WORDS if col.name == "Status" and "Settled" in col.allowed else None
        values, errors, notes = _per_unique(raw, lambda v: cells.parse_choice(v, col.allowed, words))
        if col.default is not None:
            values = values.where(values.notna(), col.default)
        return values.astype(STR), errors, notes
    # text, handle, code, ids: literal text
    none = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    if strings is not None:  # kept as Arrow text: one buffer per column, cheap to select and join
        stripped = strings.str.strip()
        values = stripped.astype(STR).where(stripped.ne("").to_numpy(dtype=bool, na_value=False))
        return values, none, None
    if pd.api.types.infer_dtype(raw, skipna=True) == "empty":
        return raw.astype(STR), none, None
    values, errors, notes = _per_unique(raw, cells.parse_text)
    return values.astype(STR), errors, notes


def key_series(values: pd.Series, kind: str = "handle") -> pd.Series:
    """Match keys for handles (no @, case-folded) or codes (case-folded). A long column of
    checked text repeats a few hundred names: each distinct one is keyed once (case-folding
    is a Python call per value), and the keys are put in place by an Arrow take."""
    if values.dtype == STR and len(values) > 1000:
        codes, distinct = pd.factorize(values)
        if 4 * len(distinct) < len(values):
            keys = _keys_of(pd.Series(np.append(distinct.to_numpy(dtype=object), np.nan), dtype=STR), kind)
            at = np.where(codes < 0, len(distinct), codes)  # a blank's key is that of the added blank
            return pd.Series(keys.array.take(at), index=values.index, name=values.name)
    return _keys_of(values, kind)


def _keys_of(values: pd.Series, kind: str) -> pd.Series:
    s = text_key(values).str.strip()
    if kind == "handle":
        s = s.str.lstrip("@").str.strip()
    return s.str.casefold()


def day(value: pd.Timestamp | dt.datetime | None) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()
