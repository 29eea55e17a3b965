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

import re
from typing import Any, Iterator

from .fake_excel_cells import ERROR_HRESULT, XLWINGS_KNOWN_ERRORS, Cell, ComError, Err, parse_a1, stored
from .fake_xlwings_range import Chart, Charts, DataValidation, Range

_BAD_SHEET_CHARS = set("[]:*?/\\")


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
        self._cells: dict[tuple[int, int], Cell] = {}
        self._visible = True
        self._protected = False
        self._password: str | None = None
        self._split = (0, 0)
        self._frozen = False
        self._widths: dict[int, float] = {}
        self._lock_rules: list[tuple[tuple[int, int, int, int], bool]] = []
        self._charts = Charts(self)
        self._autofilter: tuple[int, int, int, int] | None = None
        """The range with AutoFilter buttons (one per sheet, as in Excel)."""
        self._conditions: list[tuple[tuple[int, int, int, int], str, Any]] = []
        """Conditional formats: (range, formula, the condition whose Interior.Color is set)."""
        self._fills: dict[tuple[int, int], int] = {}
        """Cell -> fill colour as Excel's integer (R + 256 G + 65536 B)."""
        self._tab_color: int | None = None
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
        r1, c1 = parse_a1(cell1) if isinstance(cell1, str) else cell1
        r2, c2 = (r1, c1) if cell2 is None else (parse_a1(cell2) if isinstance(cell2, str) else cell2)
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
        self._conditions.clear()  # ... and removes formats, conditional ones too (not the AutoFilter)
        self._fills.clear()

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
                cell = Cell()
                if isinstance(value, str):
                    cell.value = value
                else:
                    cell.value, cell.formula = stored(value, "General")
                self._cells[(i + 1, j + 1)] = cell

    def _cell(self, a1: str) -> Cell:
        return self._cells.get(parse_a1(a1), Cell())

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

    @property
    def AutoFilterMode(self) -> bool:  # noqa: N802 - COM name
        return self._sheet._autofilter is not None

    @AutoFilterMode.setter
    def AutoFilterMode(self, value: bool) -> None:  # noqa: N802
        if value:
            raise ComError("AutoFilterMode can only be set to False; use Range.AutoFilter to turn it on")
        self._sheet._autofilter = None

    @property
    def Tab(self) -> "_TabApi":  # noqa: N802 - COM name
        return _TabApi(self._sheet)

    def Unprotect(self, Password: str | None = None) -> None:  # noqa: N802,N803
        if self._sheet._protected and self._sheet._password and Password != self._sheet._password:
            raise ComError("The password you supplied is not correct.")
        self._sheet._protected = False
        self._sheet._password = None


class _TabApi:
    """``Worksheet.Tab``: the sheet tab's colour (Excel's integer colour, or None)."""

    def __init__(self, sheet: Sheet) -> None:
        self._sheet = sheet

    @property
    def Color(self) -> int | None:  # noqa: N802 - COM name
        return self._sheet._tab_color

    @Color.setter
    def Color(self, value: int) -> None:  # noqa: N802
        self._sheet._tab_color = int(value)


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
    cell = sheet._cells.setdefault(parse_a1(a1), Cell())
    cell.value, cell.formula = Err(code), f"=ERROR.TYPE({code})"


__all__ = ["App", "Book", "Chart", "Charts", "ComError", "DataValidation", "ERROR_HRESULT", "Name", "Names",
           "Range", "Sheet", "Sheets", "XLWINGS_KNOWN_ERRORS", "set_error"]
