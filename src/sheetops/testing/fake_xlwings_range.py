"""``Range``, charts and data validation of the xlwings fake (see ``fake_xlwings``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Sequence

from ..backends.base import column_letter
from .fake_excel_cells import Cell, ComError, read_cell, stored

if TYPE_CHECKING:
    from .fake_xlwings import Sheet


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
        grid = [[read_cell(self._sheet._cells.get((r, c)), err_to_str) for c in range(c1, c2 + 1)]
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
                cell = self._sheet._cells.setdefault((r0 + i, c0 + j), Cell())
                cell.value, cell.formula = stored(v, cell.fmt)
                if not cell.used and cell.validation is None:
                    del self._sheet._cells[(r0 + i, c0 + j)]

    @property
    def number_format(self) -> str | None:
        r1, c1, r2, c2 = self._box
        formats = {self._sheet._cells.get((r, c), Cell()).fmt
                   for r in range(r1, min(r2, r1 + 2000) + 1) for c in range(c1, c2 + 1)}
        return formats.pop() if len(formats) == 1 else None

    @number_format.setter
    def number_format(self, value: str) -> None:
        r1, c1, r2, c2 = self._box
        keys = [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
        self._writable(keys)
        for key in keys:
            self._sheet._cells.setdefault(key, Cell()).fmt = value

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

    def AutoFilter(self) -> bool:  # noqa: N802 - COM name; no arguments: toggles the buttons
        sheet = self._range._sheet
        if sheet._protected:
            raise ComError("AutoFilter method of Range class failed")
        sheet._autofilter = None if sheet._autofilter is not None else self._range._box
        return True

    @property
    def FormatConditions(self) -> "_FormatConditions":  # noqa: N802 - COM name
        return _FormatConditions(self._range)

    @property
    def Interior(self) -> "_RangeInterior":  # noqa: N802 - COM name
        return _RangeInterior(self._range)

    @property
    def Locked(self) -> bool:  # noqa: N802 - COM name
        return self._range._sheet._locked(self._range._box[0], self._range._box[1])

    @Locked.setter
    def Locked(self, value: bool) -> None:  # noqa: N802
        if self._range._sheet._protected:
            raise ComError("Unable to set the Locked property of the Range class")
        self._range._sheet._lock_rules.append((self._range._box, bool(value)))


class _FormatConditions:
    """``Range.FormatConditions``: ``Add(Type=1, Operator=3, Formula1='="Draft"')`` (cell value
    equal to) and ``Delete()`` (every condition over the range)."""

    XL_CELL_VALUE, XL_EQUAL = 1, 3

    def __init__(self, rng: Range) -> None:
        self._range = rng

    def Add(self, Type: int, Operator: int | None = None, Formula1: str = "", **_: object) -> object:  # noqa: N802,N803
        sheet = self._range._sheet
        if sheet._protected:
            raise ComError("Unable to add a FormatCondition to a protected sheet")
        if Type != self.XL_CELL_VALUE or Operator != self.XL_EQUAL or not Formula1.startswith("="):
            raise ComError("Only cell-value-equals conditions are modelled")
        condition = FormatCondition(Formula1)
        sheet._conditions.append((self._range._box, Formula1, condition))
        return condition

    def Delete(self) -> None:  # noqa: N802
        sheet = self._range._sheet
        r1, c1, r2, c2 = self._range._box
        sheet._conditions = [c for c in sheet._conditions
                             if not (r1 <= c[0][0] and c[0][2] <= r2 and c1 <= c[0][1] and c[0][3] <= c2)]

    @property
    def Count(self) -> int:  # noqa: N802
        return len(self._range._sheet._conditions)


class _InteriorApi:
    def __init__(self) -> None:
        self.Color: int | None = None


class FormatCondition:
    """One ``FormatCondition`` (xlCellValue, xlEqual): cells equal to ``formula`` get
    ``Interior.Color``."""

    def __init__(self, formula: str) -> None:
        self.Formula1 = formula
        self.Interior = _InteriorApi()


class _RangeInterior:
    """``Range.Interior.Color``: the fill of every cell of the range."""

    def __init__(self, rng: Range) -> None:
        self._range = rng

    @property
    def Color(self) -> int | None:  # noqa: N802 - COM name
        r1, c1, _, _ = self._range._box
        return self._range._sheet._fills.get((r1, c1))

    @Color.setter
    def Color(self, value: int) -> None:  # noqa: N802
        r1, c1, r2, c2 = self._range._box
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                self._range._sheet._fills[(r, c)] = int(value)


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
                self._range._sheet._cells.setdefault((r, c), Cell()).validation = values


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
