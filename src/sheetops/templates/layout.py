"""The SheetOps template, described once and independent of any spreadsheet program.

``template_layout()`` turns ``workbook/schema.py`` into a ``TemplateLayout``: the tabs in order, each
with its header, column widths, number formats, dropdowns, frozen rows, protection and any
fixed content (Settings defaults, the ``Start Here`` guide). The Excel writer
(``templates.excel``) and the Google Sheets request builder (``templates.google``) both
render this one description, so the two templates cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..workbook import schema
from ..backends.base import column_letter
from .start_here import start_here_rows

TabColor = Literal["guide", "people", "tool"]

LIST_ROWS = 5000
"""Rows covered by the creator and campaign lists behind dropdowns (``SheetOps_Creators``)."""

DEFINED_NAMES: dict[str, str] = {"Creators": "SheetOps_Creators", "Campaigns": "SheetOps_Campaigns"}
"""The workbook-level name of each list a ``refers_to`` column draws its dropdown from."""

_LIST_KEYS: dict[str, str] = {"Creators": "Creator", "Campaigns": "Campaign"}


@dataclass(frozen=True)
class ColumnLayout:
    """One column of a template tab."""

    name: str
    width: float
    number_format: str | None = None
    """Excel-style format for the data rows (``#,##0.00``); None leaves the default."""
    choices: tuple[str, ...] = ()
    """A fixed dropdown list (schema ``allowed``)."""
    list_name: str | None = None
    """A dropdown drawn from a named list (``SheetOps_Creators``)."""
    editable: bool = True
    """False on a protected tab for columns only the tool writes."""
    help: str = ""
    kind: str = "text"
    """The schema column type (``money``, ``date``, ...), ``text`` when unknown."""


@dataclass(frozen=True)
class CellChoices:
    """A dropdown on one cell (e.g. Settings ``Payout period``); row and column 0-based."""

    row: int
    col: int
    choices: tuple[str, ...] = ()
    list_name: str | None = None
    """Instead of ``choices``: a named list too long to write inline (currencies, time zones)."""


@dataclass(frozen=True)
class TabLayout:
    """One tab of the template, in the order tabs appear."""

    name: str
    role: str
    columns: tuple[ColumnLayout, ...]
    rows: tuple[tuple[str, ...], ...] = ()
    """Fixed text rows after the header (Settings defaults, the Start Here guide)."""
    header: bool = True
    frozen_rows: int = 1
    protected: bool = False
    hidden: bool = False
    color: TabColor = "people"
    help: str = ""
    bold_rows: tuple[int, ...] = ()
    """0-based rows of ``rows`` shown in bold (guide headings)."""
    cell_choices: tuple[CellChoices, ...] = ()
    numbers: tuple[tuple[int, int], ...] = ()
    """(row of ``rows``, column) of fixed values written as numbers, not text (Minimum payout)."""

    @property
    def editable_columns(self) -> tuple[int, ...]:
        """0-based indexes of the columns people may edit on a protected tab."""
        return tuple(i for i, c in enumerate(self.columns) if c.editable)

    def column_index(self, name: str) -> int:
        key = schema.normalize_header(name)
        for i, c in enumerate(self.columns):
            if schema.normalize_header(c.name) == key:
                return i
        raise KeyError(f"{self.name} has no column {name!r}")


@dataclass(frozen=True)
class NamedList:
    """A workbook-level name for one column of a tab, rows 2..``last_row`` (1-based)."""

    name: str
    tab: str
    col: int
    last_row: int = LIST_ROWS

    @property
    def excel_ref(self) -> str:
        letter = column_letter(self.col)
        return f"{quote_tab(self.tab)}!${letter}$2:${letter}${self.last_row}"


@dataclass(frozen=True)
class TemplateLayout:
    tabs: tuple[TabLayout, ...]
    named_lists: tuple[NamedList, ...] = field(default_factory=tuple)

    def tab(self, name: str) -> TabLayout:
        for t in self.tabs:
            if t.name == name:
                return t
        raise KeyError(name)

    @property
    def tab_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tabs)


def quote_tab(name: str) -> str:
    """A tab name as a formula reference needs it: ``'GMV by Creator'``, ``Creators``."""
    if name.replace("_", "").isalnum() and not name[0].isdigit():
        return name
    return "'" + name.replace("'", "''") + "'"


def _column(spec: schema.ColumnSpec, *, editable: bool = True) -> ColumnLayout:
    return ColumnLayout(
        name=spec.name,
        width=spec.width,
        number_format=spec.number_format,
        choices=spec.allowed,
        list_name=DEFINED_NAMES.get(spec.refers_to or ""),
        editable=editable,
        help=spec.help,
        kind=spec.type,
    )


LISTS_TAB = "SheetOps Lists"
"""A hidden tab of the template holding the long dropdown lists of Settings."""
SETTING_LISTS = {"Currency": "SheetOps_Currencies", "Timezone": "SheetOps_Timezones"}
"""Settings whose value is picked from a named list on LISTS_TAB (too long to write inline)."""


def setting_lists() -> dict[str, tuple[str, ...]]:
    """The values of each list of LISTS_TAB: ISO 4217 currencies, IANA time zones."""
    import zoneinfo

    from ..workbook.currencies import ISO_4217

    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")
    return {"Currency": tuple(sorted(ISO_4217)), "Timezone": tuple(zones)}


def _lists_tab() -> TabLayout:
    lists = setting_lists()
    width = max(len(v) for v in lists.values())
    rows = tuple(tuple(v[i] if i < len(v) else "" for v in lists.values()) for i in range(width))
    return TabLayout(name=LISTS_TAB, role="tool", columns=tuple(ColumnLayout(n, 24) for n in lists), rows=rows,
                     protected=True, hidden=True, color="tool",
                     help="The lists behind the Currency and Time zone dropdowns of Settings.")


def _settings_tab() -> TabLayout:
    spec = schema.SETTINGS_TAB
    rows = tuple((s.name, s.default, _setting_help(s)) for s in schema.SETTINGS)
    choices = tuple(
        CellChoices(row=i + 1, col=1, choices=s.allowed) if s.allowed
        else CellChoices(row=i + 1, col=1, list_name=SETTING_LISTS[s.name])
        for i, s in enumerate(schema.SETTINGS) if s.allowed or s.name in SETTING_LISTS
    )
    numbers = tuple((i, 1) for i, s in enumerate(schema.SETTINGS) if s.name in NUMERIC_SETTINGS)
    return TabLayout(
        name=spec.name,
        role=spec.role,
        columns=tuple(_column(c) for c in spec.columns),
        rows=rows,
        help=spec.help,
        cell_choices=choices,
        numbers=numbers,
    )


NUMERIC_SETTINGS = ("Minimum payout",)
"""Settings whose value the template stores as a number (a money amount), not as text."""


def _setting_help(setting: schema.SettingSpec) -> str:
    text = setting.help[:1].upper() + setting.help[1:]
    if setting.allowed and "or" not in setting.help.split():
        text += " (" + ", ".join(setting.allowed) + ")"
    return text + "."


def _input_tab(spec: schema.TabSpec) -> TabLayout:
    return TabLayout(
        name=spec.name, role=spec.role, columns=tuple(_column(c) for c in spec.columns), help=spec.help
    )


def _payouts_tab() -> TabLayout:
    spec = schema.PAYOUTS
    people = {schema.normalize_header(n) for n in schema.PAYOUT_PEOPLE_COLUMNS}
    columns = tuple(_column(c, editable=c.key in people) for c in spec.columns)
    return TabLayout(
        name=spec.name, role=spec.role, columns=columns, protected=True, color="tool",
        help=schema.TOOL_TAB_HELP[spec.name],
    )


def _tool_tab(name: str) -> TabLayout:
    headers = schema.TOOL_TAB_COLUMNS.get(name, ())
    columns = tuple(ColumnLayout(name=h, width=max(12.0, len(h) + 4.0), editable=False) for h in headers)
    # Payout Export has no header row: File > Save as CSV must give PayPal's upload file as it is.
    header = bool(columns) and name != schema.PAYOUT_EXPORT
    return TabLayout(
        name=name,
        role="ledger" if name == schema.LEDGER else "output",
        columns=columns,
        header=header,
        frozen_rows=1 if header else 0,
        protected=True,
        hidden=name == schema.LEDGER,
        color="tool",
        help=schema.TOOL_TAB_HELP.get(name, ""),
    )


def _column_position(spec: schema.TabSpec, name: str) -> int:
    return spec.columns.index(spec.column(name))


def template_tool_tabs(payout_period: str = "Weekly") -> tuple[str, ...]:
    """The tool tabs of a fresh template: every tool tab but the other period's report."""
    skip = schema.MONTHLY_REPORT if payout_period == "Weekly" else schema.WEEKLY_REPORT
    return tuple(t for t in schema.TOOL_TABS if t != skip)


def template_layout(*, payout_period: str = "Weekly") -> TemplateLayout:
    """The whole template: Start Here, Settings, the tabs people edit, then the tool tabs.

    >>> template_layout().tab_names[:3]
    ('Start Here', 'Settings', 'Creators')
    """
    tool_names = template_tool_tabs(payout_period)
    body = (
        _settings_tab(),
        *(_input_tab(t) for t in schema.INPUT_TABS),
        *(_payouts_tab() if n == schema.PAYOUTS.name else _tool_tab(n) for n in tool_names),
        _lists_tab(),
    )
    guide_rows, bold = start_here_rows(body)
    guide = TabLayout(
        name=schema.START_HERE,
        role="guide",
        columns=(
            ColumnLayout("A", 22), ColumnLayout("B", 24), ColumnLayout("C", 10), ColumnLayout("D", 90),
        ),
        rows=guide_rows,
        header=False,
        frozen_rows=0,
        color="guide",
        bold_rows=bold,
    )
    named = tuple(
        NamedList(name=list_name, tab=tab, col=_column_position(schema.ALL_TABS[tab], _LIST_KEYS[tab]))
        for tab, list_name in DEFINED_NAMES.items()
    )
    lists = setting_lists()
    named += tuple(NamedList(name=SETTING_LISTS[k], tab=LISTS_TAB, col=i, last_row=len(v) + 1)
                   for i, (k, v) in enumerate(lists.items()))
    return TemplateLayout(tabs=(guide, *body), named_lists=named)
