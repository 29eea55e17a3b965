"""The one small interface every workbook backend implements.

A backend knows how to talk to one kind of spreadsheet (an ``.xlsx`` file, a live Excel
workbook, a Google Sheet, or plain memory). The engine never knows which one it has:

- ``tab_names()`` lists the tabs as they are spelled in the workbook;
- ``read(tabs)`` returns each tab's cells as raw values (see ``RawCell``);
- ``apply(plan)`` writes a whole ``WritePlan`` atomically: every tab it names is updated,
  or the workbook is left exactly as it was;
- ``lock()`` is a context manager that refuses (``RefreshRunning``) while another refresh
  of the same workbook holds it; a lock whose run died (no heartbeat for a minute) is taken
  over, and the context manager yields a sentence saying so for the Run Log.

Writes are described, not performed, by the core: a ``WritePlan`` holds ``TabWrite``s (a
tool tab replaced whole, as a typed ``DataFrame``) and ``TabEdit``s (cells changed or rows
appended in a tab people edit; only ``sheetops import`` makes these).

Column kinds say how a backend writes a column's values:

======== ============================================ =========================
kind     value in the frame                           written as
======== ============================================ =========================
text     ``str`` or ``None``                          always literal text
money    integer cents (``Int64``; ``<NA>`` = blank)  number, format #,##0.00
rate     integer millionths (``Int64``)               number, format 0.00%
ratio    ``float`` (display only: shares, ROI)        number, format 0.0%
number   ``float`` (display only)                     number, format 0.00
int      ``Int64``                                    number, format 0
date     ``datetime.date`` / Timestamp / ``None``     date, yyyy-mm-dd
datetime ``datetime.datetime`` / Timestamp            date-time
link     ``Link`` or ``None``                         a link to a cell
mixed    any of the above, each wrapped when needed   per cell (small tabs only)
======== ============================================ =========================

In a ``mixed`` column (used by report tabs) a plain ``str`` is text, ``int``/``float``
numbers, ``date``/``datetime`` dates, and ``Money``/``Rate``/``Ratio``/``Link`` say the rest.
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Literal, Protocol, Sequence, runtime_checkable

if TYPE_CHECKING:  # annotations only: importing the interface does not load pandas
    import pandas as pd

RATE_SCALE = 1_000_000
"""Rates are integers in millionths: 12.5% is 125_000."""

ColumnKind = Literal[
    "text", "money", "amount", "rate", "ratio", "times", "number", "int", "date", "datetime", "link", "mixed"
]
"""How a column's values are held and shown: ``money`` is integer cents shown ``#,##0.00``;
``amount`` is integer cents shown plain ``0.00`` (for files other programs read, such as
PayPal's CSV); ``ratio`` is a fraction shown as a percent; ``times`` a multiple shown ``4.2×``."""


@dataclass(frozen=True)
class CellError:
    """A spreadsheet error value read from a cell, such as ``#REF!`` or ``#N/A``."""

    code: str

    def __str__(self) -> str:
        return self.code


RawCell = None | str | int | float | bool | dt.datetime | dt.date | dt.time | CellError
"""What ``read`` returns per cell: empty cells are ``None``; dates may also come as
numbers (Excel / Google serial days), which the parsers accept."""

Rows = list[list[RawCell]]
"""A tab as plain rows of cells, row 0 = row 1 of the sheet (what most backends build)."""

Grid = Sequence[list[RawCell]]
"""What ``read`` returns per tab: rows of cells. Either plain ``Rows`` or a
``backends.column_grid.ColumnGrid`` (the ``.xlsx`` backend's column-wise read), which gives the
same rows when asked and its typed columns to ``workbook.tables.read_table``."""


@dataclass(frozen=True)
class Money:
    """An amount in a ``mixed`` column: integer cents."""

    cents: int


@dataclass(frozen=True)
class Rate:
    """A rate in a ``mixed`` column: integer millionths (125_000 is 12.5%)."""

    millionths: int


@dataclass(frozen=True)
class Ratio:
    """A display-only ratio (share, change, ROI) in a ``mixed`` column, shown as percent."""

    value: float


@dataclass(frozen=True)
class Link:
    """A link to a cell of the same workbook, e.g. ``Link("Orders", "K10")``."""

    tab: str
    cell: str
    label: str | None = None

    @property
    def text(self) -> str:
        return self.label or f"{self.tab}!{self.cell}"


@dataclass(frozen=True)
class Column:
    """One column of a tab the tool writes."""

    name: str
    kind: ColumnKind = "text"
    width: float | None = None


@dataclass(frozen=True)
class ChartSeries:
    """One data series: a column of the tab, rows ``first_row..last_row`` (0-based, in the
    data frame, not counting the header)."""

    name: str
    column: str


@dataclass(frozen=True)
class ChartSpec:
    """A native chart placed on a tool tab.

    ``categories`` and each series name a column of the tab; the chart covers data rows
    ``first_row`` to ``last_row`` inclusive (0-based frame rows). ``anchor`` is the A1 cell
    of the chart's top-left corner.

    Report tabs (``header=False``, columns named by their letters ``A``..``H``) stack several
    small tables in one frame; a chart then covers one table's rows, and frame row 0 is the
    sheet's row 1. Such ranges start below the table's own header row, so a backend should
    take each series' legend label from ``ChartSeries.name``, or, where labels must come
    from cells (Google Sheets ``headerCount``), from ``header_row``: the 0-based frame row
    just above ``first_row`` whose cells hold the series' names (``None``: no such row).
    """

    kind: Literal["line", "column", "bar"]
    title: str
    categories: str
    series: tuple[ChartSeries, ...]
    first_row: int
    last_row: int
    anchor: str
    width_cm: float = 16.0
    height_cm: float = 8.0
    header_row: int | None = None
    colors: tuple[str, ...] = ()
    """Series colours (``RRGGBB``), in order; empty: the backend's own."""


@dataclass(frozen=True)
class CellStyle:
    """How one cell looks, beyond its column kind's number format (report tabs only).

    Colours are ``RRGGBB`` hex. ``number_format`` replaces the kind's format (e.g. ROI as
    ``0.0"×"``). A backend that cannot draw a property leaves it out: styles never change
    a value."""

    bold: bool = False
    italic: bool = False
    size: float | None = None
    color: str | None = None
    fill: str | None = None
    border_bottom: str | None = None
    """Colour of a thin line under the cell."""
    align: Literal["left", "center", "right"] | None = None
    wrap: bool = False
    number_format: str | None = None


@dataclass(frozen=True)
class PageSetup:
    """How a tab prints: declared by the report, drawn by each backend as it can (the
    ``.xlsx`` backend writes Excel's page setup; Google Sheets has no stored print setup,
    so its backend ignores it).

    ``title_rows`` are 0-based frame rows (first, last) repeated at the top of every page;
    margins are in inches; ``footer_left`` is plain text (the client), and page numbers
    ("Page 1 of 2") go on the right when ``page_numbers``."""

    landscape: bool = True
    fit_width: int = 1
    fit_height: int = 0
    """0: as many pages tall as needed."""
    paper: Literal["A4", "Letter"] = "A4"
    title_rows: tuple[int, int] | None = None
    margins_in: tuple[float, float, float, float] = (0.4, 0.4, 0.5, 0.6)
    """left, right, top, bottom."""
    footer_left: str = ""
    page_numbers: bool = True
    row_breaks: tuple[int, ...] = ()
    """0-based frame rows that start a new page."""


EDITABLE_FILL = "C6EFCE"
"""The light green that marks, on a protected tab the tool writes, the header of each column
people may edit (Payouts Status, Approved by, Paid on, Reference)."""


@dataclass
class TabWrite:
    """A tool tab, replaced whole: a header row from ``columns``, then ``frame``'s rows."""

    name: str
    columns: list[Column]
    frame: pd.DataFrame
    header: bool = True
    hidden: bool = False
    protected: bool = True
    editable: tuple[str, ...] = ()
    """Columns people may change in a protected tab (e.g. Payouts Status)."""
    dropdowns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    charts: list[ChartSpec] = field(default_factory=list)
    filter: bool = True
    """With a header row: filter buttons on it (Excel's AutoFilter, Google's basic filter),
    which work on a protected tab too."""
    highlights: dict[str, dict[str, str]] = field(default_factory=dict)
    """Column -> cell value -> fill colour (``RRGGBB``) as conditional formats, so a colour
    follows the value a person types (Payouts Status)."""
    styles: dict[tuple[int, int], CellStyle] = field(default_factory=dict)
    """(0-based frame row, column index) -> the cell's look; report tabs only."""
    row_heights: dict[int, float] = field(default_factory=dict)
    """0-based frame row -> height in points (taller title and tile rows)."""
    page: PageSetup | None = None
    gridlines: bool = True
    """False: the sheet is shown without gridlines, like a document."""

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if list(self.frame.columns) != names:
            raise ValueError(
                f"TabWrite {self.name!r}: frame columns {list(self.frame.columns)} "
                f"do not match declared columns {names}"
            )


@dataclass
class TabEdit:
    """Changes to a tab people edit (only imports make these).

    ``set_cells`` maps 0-based (row, column) positions of the tab's grid (row 0 is the
    header) to new values; ``append`` holds whole new rows whose columns are the grid's
    columns (by position), after the last non-empty row. Values are ``mixed`` values.
    ``add_headers`` appends header cells at the given 0-based columns of row 0.
    """

    name: str
    set_cells: dict[tuple[int, int], Any] = field(default_factory=dict)
    append: list[list[Any]] = field(default_factory=list)
    add_headers: dict[int, str] = field(default_factory=dict)


class KeepsLateEdits(Protocol):
    """Cells of a tool tab that people own (Payouts Status, Approved by, Paid on, Reference).

    A backend that writes ``tab`` reads it again as close to the write as it can and calls
    ``keep(grid)`` with what it found; ``keep`` puts into the plan what people typed since
    the run read the tab (see ``sheetops.late_edits``) and returns the rows it kept."""

    tab: str

    def keep(self, now: Grid | None) -> list[str]: ...


@dataclass
class WritePlan:
    """Everything one refresh (or import) writes, applied in one atomic step."""

    tabs: list[TabWrite] = field(default_factory=list)
    edits: list[TabEdit] = field(default_factory=list)
    late_edits: KeepsLateEdits | None = None
    last: bool = False
    """The run's last write under its run lock: a backend may release the lock in the same
    atomic step (the Google Sheets backend does, saving a request)."""
    """Set by a refresh that writes Payouts: re-read that tab just before writing, call
    ``late_edits.keep(grid)``, then write the plan (see ``KeepsLateEdits``)."""
    remember: "Callable[[], dict[str, Any]] | None" = None
    """For a backend that ``RemembersRuns``: the run's state, asked for at the very end of the
    write; the backend keeps it with the fingerprint of the workbook as written (every part
    but the ``remember_skip`` tab, the Run Log, which each run appends to)."""
    remember_skip: str = ""

    def tab(self, name: str) -> TabWrite:
        for t in self.tabs:
            if t.name == name:
                return t
        raise KeyError(name)

    @property
    def is_empty(self) -> bool:
        return not self.tabs and not self.edits


@runtime_checkable
class RemembersRuns(Protocol):
    """A backend that can tell cheaply whether anything changed since its last refresh."""

    def last_run(self, log_tab: str, reads: Sequence[str] = (), tools: Sequence[str] = (),
                 rewritten: Sequence[str] = ()) -> tuple[str, dict[str, Any] | None]:
        """(the fingerprint of the workbook now, leaving out the ``log_tab`` tab; the state the
        last refresh kept, or None). ``reads``: the tabs a refresh reads (besides ``log_tab``),
        ``tools``: tool tabs to check as well before a run is skipped, ``rewritten``: the
        ``reads`` tabs a refresh also writes (Payouts, Ledger), for a backend whose
        fingerprint is of their contents (Google Sheets: it reads them, and serves the read to
        the refresh); the ``.xlsx`` file's is of the whole file and needs no read."""
        ...


@runtime_checkable
class Workbook(Protocol):
    """A spreadsheet SheetOps can read and write. See the module docstring."""

    label: str
    """A short name for messages: a file name or a spreadsheet title."""

    def tab_names(self) -> list[str]: ...

    def read(self, tabs: Sequence[str]) -> dict[str, Grid]:
        """Return the raw cells of the named tabs (names as ``tab_names`` spells them).

        Trailing empty rows and columns may be trimmed; rows may be ragged."""
        ...

    def apply(self, plan: WritePlan) -> None:
        """Write the whole plan atomically, or raise and leave the workbook unchanged."""
        ...

    def lock(self) -> AbstractContextManager[str | None]:
        """Hold the run lock of this workbook; raise ``RefreshRunning`` when held. Yields a
        sentence for the Run Log when it took over the stale lock of a run that died, else None."""
        ...


def cell_a1(row0: int, col0: int) -> str:
    """0-based (row, column) to an A1 reference: ``cell_a1(9, 10) == "K10"``."""
    return f"{column_letter(col0)}{row0 + 1}"


def column_letter(col0: int) -> str:
    """0-based column index to letters: 0 -> A, 25 -> Z, 26 -> AA."""
    if col0 < 0:
        raise ValueError("column index must be >= 0")
    letters = ""
    n = col0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def money_text(cents: int, *, grouped: bool = False) -> str:
    """Integer cents as an exact decimal string: ``money_text(-1205) == "-12.05"``; with
    ``grouped``, thousands separated for people: ``money_text(1224546, grouped=True) == "12,245.46"``."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(int(cents)), 100)
    return f"{sign}{whole:,}.{frac:02d}" if grouped else f"{sign}{whole}.{frac:02d}"


def rate_text(millionths: int) -> str:
    """Rate millionths as an exact decimal fraction string: 125000 -> "0.125"."""
    sign = "-" if millionths < 0 else ""
    whole, frac = divmod(abs(int(millionths)), RATE_SCALE)
    s = f"{sign}{whole}.{frac:06d}".rstrip("0").rstrip(".")
    return s or "0"
