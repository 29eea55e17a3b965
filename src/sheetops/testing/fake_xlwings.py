"""A faithful fake of the few xlwings objects SheetOps uses, for testing without Excel.

It mirrors xlwings (0.37, desktop Excel on Windows) where SheetOps depends on it:

- ``Range.value`` reads give 2-D lists with ``options(ndim=2)``, ``None`` for empty cells,
  numbers as ``float``, dates as naive ``datetime``, and error cells as ``None`` (or as
  ``"#N/A"``-style strings with ``options(err_to_str=True)``; errors xlwings does not know,
  such as ``#SPILL!``, come through as the raw COM integer, as on Windows);
- ``Range.value`` writes behave like typing into Excel: in a cell formatted ``General`` (or
  any number format) a ``str`` starting with ``=`` becomes a formula, ``+1``/``-2`` become
  numbers, ``TRUE`` a boolean, ``2026-11-09`` a date; in a cell formatted ``@`` (Text) the
  string stays text; a leading apostrophe always makes the rest literal text;
- ``Sheet.used_range`` is the box of cells holding a value or a number format (it need not
  start at A1; an empty sheet gives A1);
- ``Sheets.add(name, before=, after=)`` makes the new sheet active, refuses duplicate and
  invalid names; the last visible sheet cannot be hidden;
- ``sheet.api`` / ``range.api`` / ``app.api`` / ``name.api`` imitate the Windows COM
  members SheetOps calls (``Protect``, ``Unprotect``, ``ProtectContents``, ``Locked``,
  ``ActiveWindow.SplitRow``/``FreezePanes``, ``Visible``); writing a locked cell of a
  protected sheet raises ``ComError`` as Excel does.

A test in ``tests/unit/test_fake_xlwings.py`` checks that every public name defined here
exists on the installed xlwings class of the same name, so the fake cannot drift.
Inspection helpers for tests start with an underscore.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import operator
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterator, Sequence

from ..backends.base import cell_a1, column_letter

ERROR_HRESULT = {
    "#NULL!": -2146826288,
    "#DIV/0!": -2146826281,
    "#VALUE!": -2146826273,
    "#REF!": -2146826265,
    "#NAME?": -2146826259,
    "#NUM!": -2146826252,
    "#N/A": -2146826246,
    "#SPILL!": -2146826243,
    "#CALC!": -2146826238,
}
XLWINGS_KNOWN_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")
_BAD_SHEET_CHARS = set("[]:*?/\\")


class ComError(Exception):
    """What pywin32 raises when Excel refuses a call (``pywintypes.com_error``)."""


@dataclass(frozen=True)
class _Err:
    code: str


@dataclass
class _Cell:
    value: Any = None
    formula: str | None = None
    fmt: str = "General"
    validation: tuple[str, ...] | None = None

    @property
    def used(self) -> bool:
        return self.value is not None or self.formula is not None or self.fmt != "General"


# ---------------------------------------------------------------- typing into a cell

_NUMBER = re.compile(r"^[+-]?\$?(\d{1,3}(,\d{3})+|\d*)(\.\d+)?([eE][+-]?\d+)?%?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _typed(text: str, fmt: str) -> tuple[Any, str | None]:
    """(value, formula) of ``text`` typed into a cell of number format ``fmt``."""
    if text == "":
        return None, None
    if text.startswith("'"):
        return text[1:], None
    if fmt == "@":
        return text, None
    if text.startswith("="):
        return _evaluate(text), text
    if text.startswith("@"):
        return _evaluate("=" + text), "=" + text
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE", None
    if _NUMBER.match(text) and any(ch.isdigit() for ch in text):
        number = float(text.replace(",", "").replace("$", "").rstrip("%"))
        return (number / 100 if text.endswith("%") else number), None
    if text[0] in "+-":
        return _evaluate("=" + text), "=" + text
    if m := _ISO.match(text):
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
        try:
            return dt.datetime(y, mo, d, h, mi, s), None
        except ValueError:
            return text, None
    if m := _US.match(text):
        try:
            return dt.datetime(int(m[3]), int(m[1]), int(m[2])), None
        except ValueError:
            return text, None
    return text, None


def _evaluate(formula: str) -> Any:
    """The few formulas SheetOps could produce: HYPERLINK and plain arithmetic."""
    body = formula[1:].strip()
    if m := re.fullmatch(r'HYPERLINK\(\s*"((?:[^"]|"")*)"\s*(?:,\s*"((?:[^"]|"")*)"\s*)?\)', body, re.I):
        return (m[2] if m[2] is not None else m[1]).replace('""', '"')
    try:
        return _arith(ast.parse(body, mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError):
        return _Err("#NAME?") if not re.fullmatch(r"[\d.+\-*/() ]+", body) else _Err("#DIV/0!")


def _arith(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        value = _arith(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
        return _ARITH[type(node.op)](_arith(node.left), _arith(node.right))
    raise ValueError("not arithmetic")


def _stored(value: Any, fmt: str) -> tuple[Any, str | None]:
    """What Excel keeps when xlwings sends ``value`` to a cell."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
        return (None, None) if math.isnan(number) else (number, None)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None), None
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day), None
    if isinstance(value, str):
        return _typed(value, fmt)
    raise ComError(f"Excel cannot hold a {type(value).__name__} value")


def _read(cell: _Cell | None, err_to_str: bool) -> Any:
    if cell is None or cell.value is None:
        return None
    if isinstance(cell.value, _Err):
        if cell.value.code in XLWINGS_KNOWN_ERRORS:
            return cell.value.code if err_to_str else None
        return ERROR_HRESULT[cell.value.code]
    return cell.value


def _parse_a1(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref.strip())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    col = 0
    for ch in m[1].upper():
        col = col * 26 + ord(ch) - 64
    return int(m[2]), col


# ---------------------------------------------------------------- the xlwings objects


class App:
    """``xlwings.App``: alerts, the status bar, screen updating, and ``api.ActiveWindow``."""

    def __init__(self) -> None:
        self._books: list[Book] = []
        self._alerts: list[dict[str, Any]] = []
        self._status: list[str | bool] = [False]
        self._screen_updating = True
        self.api = _AppApi(self)

    @property
    def books(self) -> list[Book]:
        return list(self._books)

    def alert(
        self, prompt: str, title: str | None = None, buttons: str = "ok",
        mode: str | None = None, callback: str | None = None,
    ) -> str:
        self._alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return "ok"

    @property
    def status_bar(self) -> str | bool:
        return self._status[-1]

    @status_bar.setter
    def status_bar(self, value: str | bool) -> None:
        self._status.append(value)

    @property
    def screen_updating(self) -> bool:
        return self._screen_updating

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self._screen_updating = bool(value)


class _WindowApi:
    def __init__(self, app: App) -> None:
        self._app = app

    def _sheet(self) -> Sheet:
        return self._app._books[-1].sheets.active

    @property
    def SplitRow(self) -> int:  # noqa: N802 - COM name
        return self._sheet()._split[0]

    @SplitRow.setter
    def SplitRow(self, value: int) -> None:  # noqa: N802
        self._sheet()._split = (int(value), self._sheet()._split[1])

    @property
    def SplitColumn(self) -> int:  # noqa: N802
        return self._sheet()._split[1]

    @SplitColumn.setter
    def SplitColumn(self, value: int) -> None:  # noqa: N802
        self._sheet()._split = (self._sheet()._split[0], int(value))

    @property
    def FreezePanes(self) -> bool:  # noqa: N802
        return self._sheet()._frozen

    @FreezePanes.setter
    def FreezePanes(self, value: bool) -> None:  # noqa: N802
        self._sheet()._frozen = bool(value)


class _AppApi:
    def __init__(self, app: App) -> None:
        self.ActiveWindow = _WindowApi(app)  # noqa: N815 - COM name


class Book:
    """``xlwings.Book``: an open workbook with its sheets and defined names."""

    def __init__(self, name: str = "Program.xlsx", *, app: App | None = None,
                 tabs: dict[str, list[list[Any]]] | None = None) -> None:
        """A book holding ``tabs`` (name -> rows from A1) as a person left them."""
        self._name = name
        self._app = app or App()
        self._app._books.append(self)
        self._sheets = Sheets(self)
        self._names = Names(self)
        for tab, rows in (tabs or {"Sheet1": []}).items():
            sheet = self._sheets.add(tab, after=self._sheets[-1] if len(self._sheets) else None)
            sheet._seed(rows)

    @property
    def name(self) -> str:
        return self._name

    @property
    def fullname(self) -> str:
        return f"C:\\Users\\mia\\Documents\\{self._name}"

    @property
    def app(self) -> App:
        return self._app

    @property
    def sheets(self) -> Sheets:
        return self._sheets

    @property
    def names(self) -> Names:
        return self._names

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self._sheets]


class Sheets:
    """``xlwings.main.Sheets``: the ordered sheets of a book."""

    def __init__(self, book: Book) -> None:
        self._book = book
        self._items: list[Sheet] = []
        self._active: Sheet | None = None

    def __len__(self) -> int:
        return len(self._items)

    @property
    def count(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Sheet]:
        return iter(list(self._items))

    def __call__(self, name_or_index: int | str) -> Sheet:
        if isinstance(name_or_index, int):
            return self._items[name_or_index - 1]
        for sheet in self._items:
            if sheet.name.lower() == str(name_or_index).lower():
                return sheet
        raise KeyError(name_or_index)

    def __getitem__(self, key: int | str) -> Sheet:
        if isinstance(key, int):
            return self._items[key]
        return self(key)

    def __contains__(self, key: str) -> bool:
        return any(s.name.lower() == key.lower() for s in self._items)

    @property
    def active(self) -> Sheet:
        assert self._active is not None
        return self._active

    def add(self, name: str | None = None, before: Sheet | None = None, after: Sheet | None = None) -> Sheet:
        name = name or f"Sheet{len(self._items) + 1}"
        if name in self:
            raise ValueError(f"Sheet named '{name}' already present in workbook")
        _check_sheet_name(name)
        sheet = Sheet(self._book, name)
        if after is not None:
            position = self._items.index(after) + 1
        elif before is not None:
            position = self._items.index(before)
        else:
            position = self._items.index(self._active) if self._active in self._items else 0
        self._items.insert(position, sheet)
        self._active = sheet
        return sheet


def _check_sheet_name(name: str) -> None:
    if not name or len(name) > 31 or set(name) & _BAD_SHEET_CHARS or name.startswith("'"):
        raise ComError(f"You typed an invalid name for a sheet: {name!r}")


class Sheet:
    """``xlwings.Sheet``: a grid of cells with a name, a visibility and protection."""

    def __init__(self, book: Book, name: str) -> None:
        self._book = book
        self._name = name
        self._cells: dict[tuple[int, int], _Cell] = {}
        self._visible = True
        self._protected = False
        self._password: str | None = None
        self._split = (0, 0)
        self._frozen = False
        self._widths: dict[int, float] = {}
        self._lock_rules: list[tuple[tuple[int, int, int, int], bool]] = []
        self._charts = Charts(self)
        self.api = _SheetApi(self)

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        _check_sheet_name(value)
        self._name = value

    @property
    def book(self) -> Book:
        return self._book

    @property
    def index(self) -> int:
        return self._book.sheets._items.index(self) + 1

    @property
    def visible(self) -> bool:
        return self._visible

    @visible.setter
    def visible(self, value: bool) -> None:
        others = [s for s in self._book.sheets if s is not self and s._visible]
        if not value and not others:
            raise ComError("A workbook must contain at least one visible worksheet.")
        self._visible = bool(value)

    @property
    def charts(self) -> Charts:
        return self._charts

    def activate(self) -> None:
        self._book.sheets._active = self

    def range(self, cell1: str | tuple[int, int], cell2: str | tuple[int, int] | None = None) -> Range:
        if isinstance(cell1, str) and "," in cell1:
            areas = [self.range(part) for part in cell1.split(",")]
            return Range(self, *areas[0]._box, areas=[a.address for a in areas])
        if isinstance(cell1, str) and ":" in cell1 and cell2 is None:
            cell1, cell2 = cell1.split(":")
        r1, c1 = _parse_a1(cell1) if isinstance(cell1, str) else cell1
        r2, c2 = (r1, c1) if cell2 is None else (_parse_a1(cell2) if isinstance(cell2, str) else cell2)
        return Range(self, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))

    def __getitem__(self, item: str) -> Range:
        return self.range(item)

    @property
    def used_range(self) -> Range:
        used = [k for k, c in self._cells.items() if c.used]
        if not used:
            return Range(self, 1, 1, 1, 1)
        rows, cols = [r for r, _ in used], [c for _, c in used]
        return Range(self, min(rows), min(cols), max(rows), max(cols))

    def clear(self) -> None:
        self.range((1, 1), (1_048_576, 16_384)).clear()
        self._lock_rules.clear()  # Cells.Clear resets every cell to Locked

    def clear_contents(self) -> None:
        self.range((1, 1), (1_048_576, 16_384)).clear_contents()

    def delete(self) -> None:
        if len(self._book.sheets) == 1:
            raise ComError("A workbook must contain at least one visible worksheet.")
        self._book.sheets._items.remove(self)
        if self._book.sheets._active is self:
            self._book.sheets._active = self._book.sheets._items[0]

    # helpers for tests
    def _seed(self, rows: list[list[Any]]) -> None:
        """Put cells as a person left them: strings are text (as typed with a leading
        apostrophe or into Text cells), numbers floats, dates datetimes."""
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is None:
                    continue
                cell = _Cell()
                if isinstance(value, str):
                    cell.value = value
                else:
                    cell.value, cell.formula = _stored(value, "General")
                self._cells[(i + 1, j + 1)] = cell

    def _cell(self, a1: str) -> _Cell:
        return self._cells.get(_parse_a1(a1), _Cell())

    def _locked(self, row: int, col: int) -> bool:
        """Excel's Locked flag of a cell: True unless a later Locked=False range covers it."""
        locked = True
        for (r1, c1, r2, c2), value in self._lock_rules:
            if r1 <= row <= r2 and c1 <= col <= c2:
                locked = value
        return locked


class _SheetApi:
    """The Windows COM members of a Worksheet that SheetOps calls."""

    def __init__(self, sheet: Sheet) -> None:
        self._sheet = sheet

    @property
    def ProtectContents(self) -> bool:  # noqa: N802 - COM name
        return self._sheet._protected

    def Protect(self, Password: str | None = None, DrawingObjects: bool = True,  # noqa: N802,N803
                Contents: bool = True, Scenarios: bool = True, UserInterfaceOnly: bool = False,  # noqa: N803
                **allow: bool) -> None:
        self._sheet._protected = bool(Contents)
        self._sheet._password = Password or None

    def Unprotect(self, Password: str | None = None) -> None:  # noqa: N802,N803
        if self._sheet._protected and self._sheet._password and Password != self._sheet._password:
            raise ComError("The password you supplied is not correct.")
        self._sheet._protected = False
        self._sheet._password = None


class Range:
    """``xlwings.Range``: a box of cells; ``value`` reads and writes like Excel does."""

    def __init__(self, sheet: Sheet, r1: int, c1: int, r2: int, c2: int, *,
                 options: dict[str, Any] | None = None, areas: list[str] | None = None) -> None:
        self._sheet = sheet
        self._box = (r1, c1, r2, c2)
        self._options = dict(options or {})
        self._areas = areas
        self.api = _RangeApi(self)

    def _coords(self) -> Iterator[tuple[int, int]]:
        r1, c1, r2, c2 = self._box
        for (r, c) in list(self._sheet._cells):
            if r1 <= r <= r2 and c1 <= c <= c2:
                yield r, c

    def _writable(self, keys: Sequence[tuple[int, int]] | None = None) -> None:
        if not self._sheet._protected:
            return
        keys = list(self._coords()) if keys is None else keys
        if any(self._sheet._locked(*k) for k in keys) or keys == []:
            raise ComError("The cell or chart you're trying to change is on a protected sheet.")

    @property
    def sheet(self) -> Sheet:
        return self._sheet

    @property
    def row(self) -> int:
        return self._box[0]

    @property
    def column(self) -> int:
        return self._box[1]

    @property
    def shape(self) -> tuple[int, int]:
        r1, c1, r2, c2 = self._box
        return r2 - r1 + 1, c2 - c1 + 1

    @property
    def address(self) -> str:
        if self._areas:
            return ",".join(self._areas)
        r1, c1, r2, c2 = self._box
        first = f"${column_letter(c1 - 1)}${r1}"
        return first if (r1, c1) == (r2, c2) else f"{first}:${column_letter(c2 - 1)}${r2}"

    @property
    def last_cell(self) -> Range:
        return Range(self._sheet, self._box[2], self._box[3], self._box[2], self._box[3])

    def options(self, convert: Any = None, **options: Any) -> Range:
        return Range(self._sheet, *self._box, options={**self._options, **options}, areas=self._areas)

    def resize(self, row_size: int | None = None, column_size: int | None = None) -> Range:
        r1, c1, r2, c2 = self._box
        rows = row_size if row_size is not None else r2 - r1 + 1
        cols = column_size if column_size is not None else c2 - c1 + 1
        return Range(self._sheet, r1, c1, r1 + rows - 1, c1 + cols - 1)

    def offset(self, row_offset: int = 0, column_offset: int = 0) -> Range:
        r1, c1, r2, c2 = self._box
        return Range(self._sheet, r1 + row_offset, c1 + column_offset, r2 + row_offset, c2 + column_offset)

    @property
    def value(self) -> Any:
        r1, c1, r2, c2 = self._box
        err_to_str = bool(self._options.get("err_to_str"))
        grid = [[_read(self._sheet._cells.get((r, c)), err_to_str) for c in range(c1, c2 + 1)]
                for r in range(r1, r2 + 1)]
        if self._options.get("ndim") == 2:
            return grid
        if len(grid) == 1 and len(grid[0]) == 1:
            return grid[0][0]
        if len(grid) == 1:
            return grid[0]
        if len(grid[0]) == 1:
            return [row[0] for row in grid]
        return grid

    @value.setter
    def value(self, data: Any) -> None:
        if isinstance(data, (list, tuple)) and data and isinstance(data[0], (list, tuple)):
            rows = [list(r) for r in data]
            if len({len(r) for r in rows}) != 1:
                raise ValueError("All rows of a 2-D list must have the same length")
        elif isinstance(data, (list, tuple)):
            rows = [list(data)] if data else [[None]]
        else:
            rows = [[data]]
        r0, c0 = self._box[0], self._box[1]
        keys = [(r0 + i, c0 + j) for i, row in enumerate(rows) for j in range(len(row))]
        self._writable(keys)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                cell = self._sheet._cells.setdefault((r0 + i, c0 + j), _Cell())
                cell.value, cell.formula = _stored(v, cell.fmt)
                if not cell.used and cell.validation is None:
                    del self._sheet._cells[(r0 + i, c0 + j)]

    @property
    def number_format(self) -> str | None:
        r1, c1, r2, c2 = self._box
        formats = {self._sheet._cells.get((r, c), _Cell()).fmt
                   for r in range(r1, min(r2, r1 + 2000) + 1) for c in range(c1, c2 + 1)}
        return formats.pop() if len(formats) == 1 else None

    @number_format.setter
    def number_format(self, value: str) -> None:
        r1, c1, r2, c2 = self._box
        keys = [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
        self._writable(keys)
        for key in keys:
            self._sheet._cells.setdefault(key, _Cell()).fmt = value

    @property
    def column_width(self) -> float | None:
        widths = {self._sheet._widths.get(c, 8.43) for c in range(self._box[1], self._box[3] + 1)}
        return widths.pop() if len(widths) == 1 else None

    @column_width.setter
    def column_width(self, value: float) -> None:
        for c in range(self._box[1], self._box[3] + 1):
            self._sheet._widths[c] = float(value)

    @property
    def data_validation(self) -> DataValidation:
        return DataValidation(self)

    def clear_contents(self) -> None:
        self._writable()
        for key in list(self._coords()):
            cell = self._sheet._cells[key]
            cell.value, cell.formula = None, None

    def clear(self) -> None:
        self._writable()
        for key in list(self._coords()):
            del self._sheet._cells[key]


class _RangeApi:
    def __init__(self, rng: Range) -> None:
        self._range = rng

    @property
    def Locked(self) -> bool:  # noqa: N802 - COM name
        return self._range._sheet._locked(self._range._box[0], self._range._box[1])

    @Locked.setter
    def Locked(self, value: bool) -> None:  # noqa: N802
        if self._range._sheet._protected:
            raise ComError("Unable to set the Locked property of the Range class")
        self._range._sheet._lock_rules.append((self._range._box, bool(value)))


class DataValidation:
    """``xlwings.main.DataValidation``: only ``set_list`` (an in-cell dropdown)."""

    def __init__(self, rng: Range) -> None:
        self._range = rng

    def set_list(self, source: Sequence[str | int | float | bool], *, in_cell_dropdown: bool = True) -> None:
        values = tuple(str(v) for v in source)
        if len(",".join(values)) > 255:
            raise ValueError("literal list sources are limited to 255 characters")
        r1, c1, r2, c2 = self._range._box
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                self._range._sheet._cells.setdefault((r, c), _Cell()).validation = values


class Charts:
    """``xlwings.main.Charts``: the charts on a sheet."""

    def __init__(self, sheet: Sheet) -> None:
        self._sheet = sheet
        self._items: list[Chart] = []

    def __len__(self) -> int:
        return len(self._items)

    @property
    def count(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Chart]:
        return iter(list(self._items))

    def add(self, left: float = 0, top: float = 0, width: float = 355, height: float = 211,
            chart_type: str | None = None, source: Range | None = None, plot_by: str | None = None,
            name: str | None = None, anchor: Range | None = None, style: int | None = 227) -> Chart:
        if self._sheet._protected:
            raise ComError("The chart you're trying to add is on a protected sheet.")
        chart = Chart(self, name or f"Chart {len(self._items) + 1}")
        chart.chart_type = chart_type or "column_clustered"
        chart._source = source.address if source is not None else None
        chart._anchor = anchor.address if anchor is not None else None
        chart._size = (width, height)
        self._items.append(chart)
        return chart


class Chart:
    """``xlwings.main.Chart``: type, title, source range."""

    def __init__(self, charts: Charts, name: str) -> None:
        self._charts = charts
        self._name = name
        self._title: str | None = None
        self._source: str | None = None
        self._anchor: str | None = None
        self._size = (0.0, 0.0)
        self._type = "column_clustered"

    @property
    def name(self) -> str:
        return self._name

    @property
    def chart_type(self) -> str:
        return self._type

    @chart_type.setter
    def chart_type(self, value: str) -> None:
        self._type = value

    @property
    def title(self) -> str | None:
        return self._title

    @title.setter
    def title(self, value: str | None) -> None:
        self._title = value

    def set_source_data(self, source: Range) -> None:
        self._source = source.address

    def delete(self) -> None:
        self._charts._items.remove(self)


class Names:
    """``xlwings.main.Names``: the defined names of a book."""

    def __init__(self, book: Book) -> None:
        self._book = book
        self._items: dict[str, Name] = {}

    def add(self, name: str, refers_to: str) -> Name:
        if not re.fullmatch(r"[A-Za-z_\\][A-Za-z0-9_.]*", name):
            raise ComError(f"The syntax of this name isn't correct: {name!r}")
        item = Name(self, name, refers_to)
        self._items[name.lower()] = item
        return item

    def __contains__(self, item: int | str) -> bool:
        return str(item).lower() in self._items

    def __getitem__(self, item: int | str) -> Name:
        return self._items[str(item).lower()]

    def __iter__(self) -> Iterator[Name]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    @property
    def count(self) -> int:
        return len(self._items)


class Name:
    """``xlwings.main.Name``: a defined name; ``refers_to`` is its formula text."""

    def __init__(self, names: Names, name: str, refers_to: str) -> None:
        self._names = names
        self._name = name
        self._refers_to = refers_to
        self.api = _NameApi()

    @property
    def name(self) -> str:
        return self._name

    @property
    def refers_to(self) -> str:
        return self._refers_to

    def delete(self) -> None:
        self._names._items.pop(self._name.lower(), None)


class _NameApi:
    def __init__(self) -> None:
        self.Visible = True  # noqa: N815 - COM name


def set_error(sheet: Sheet, a1: str, code: str) -> None:
    """Put an error value such as ``#REF!`` in a cell (as a broken formula would)."""
    cell = sheet._cells.setdefault(_parse_a1(a1), _Cell())
    cell.value, cell.formula = _Err(code), f"=ERROR.TYPE({code})"


__all__ = ["App", "Book", "Chart", "Charts", "ComError", "DataValidation", "Name", "Names",
           "Range", "Sheet", "Sheets", "cell_a1", "set_error"]
