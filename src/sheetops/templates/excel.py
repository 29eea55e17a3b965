"""Write the SheetOps template (and optional demo data) as a new ``.xlsx`` file.

The file is built with openpyxl from ``template_layout()`` and saved deterministically
(fixed document timestamps, fixed zip entry times), so regenerating the committed template
gives the same bytes on the same library versions and always the same XML.

Demo data fills the tabs people edit. Text always stays text: a value such as ``=1+1`` or
``@mia`` is stored as a string cell (with Excel's quote prefix), never as a formula. A large
``Orders`` tab (more than ``FAST_ORDERS_THRESHOLD`` lines) is streamed straight into the
sheet's XML (``fast_rows``), because building a million openpyxl cells takes minutes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..backends.base import column_letter
from .fast_rows import splice_rows
from .layout import TabLayout, TemplateLayout, template_layout

if TYPE_CHECKING:  # pragma: no cover
    from ..demo.data import DemoData

FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
"""The created/modified time stamped in every generated file, so output is reproducible."""

MAX_ROW = 1_048_576
FAST_ORDERS_THRESHOLD = 50_000

TAB_COLORS = {"guide": "2E7D32", "people": "1565C0", "tool": "9E9E9E"}
HEADER_FILLS = {"guide": "E8F5E9", "people": "DCE6F2", "tool": "E0E0E0"}
FORMULA_START = ("=", "+", "-", "@")


def write_excel_template(
    path: str | os.PathLike[str],
    *,
    demo: "DemoData | None" = None,
    fast_threshold: int = FAST_ORDERS_THRESHOLD,
) -> None:
    """Write a fresh SheetOps workbook to ``path`` (replacing any file there).

    With ``demo``, the tabs people edit are filled with its rows. Tabs with more than
    ``fast_threshold`` rows are streamed into the file rather than built cell by cell.

    >>> write_excel_template("SheetOps.xlsx")  # doctest: +SKIP
    """
    layout = template_layout()
    workbook = build_workbook(layout)
    streamed: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]], int]] = {}
    if demo is not None:
        for tab in layout.tabs:
            if tab.name not in demo.tab_names:
                continue
            ws = workbook[tab.name]
            if demo.row_count(tab.name) > fast_threshold:
                streamed[tab.name] = (demo.header(tab.name), demo.iter_rows(tab.name), demo.row_count(tab.name))
            else:
                fill_rows(ws, tab, demo.header(tab.name), demo.iter_rows(tab.name))
    save_deterministic(workbook, Path(path), layout=layout, streamed=streamed)


def build_workbook(layout: TemplateLayout | None = None) -> Workbook:
    """The empty template as an openpyxl ``Workbook`` (not yet saved)."""
    layout = layout or template_layout()
    wb = Workbook()
    wb.remove(wb.active)
    for tab in layout.tabs:
        _add_tab(wb.create_sheet(tab.name), tab)
    for named in layout.named_lists:
        wb.defined_names[named.name] = DefinedName(named.name, attr_text=named.excel_ref)
    wb.active = 0
    for i, ws in enumerate(wb.worksheets):
        ws.sheet_view.tabSelected = i == 0
    wb.properties.creator = "SheetOps"
    wb.properties.title = "SheetOps workbook"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.lastModifiedBy = None
    return wb


def _add_tab(ws: Worksheet, tab: TabLayout) -> None:
    ws.sheet_properties.tabColor = TAB_COLORS[tab.color]
    for i, col in enumerate(tab.columns):
        letter = column_letter(i)
        dim = ws.column_dimensions[letter]
        dim.width = col.width
        if tab.header and col.number_format:
            dim.number_format = col.number_format
        if tab.protected and col.editable:
            dim.protection = Protection(locked=False)
    if tab.header:
        fill = PatternFill("solid", fgColor=HEADER_FILLS[tab.color])
        for i, col in enumerate(tab.columns):
            cell = ws.cell(row=1, column=i + 1)
            set_text(cell, col.name)
            cell.font = Font(bold=True)
            cell.fill = fill
            if col.help:
                cell.comment = Comment(col.help, "SheetOps", width=240, height=80)
    first = 2 if tab.header else 1
    for r, row in enumerate(tab.rows):
        for c, text in enumerate(row):
            if text == "":
                continue
            cell = ws.cell(row=first + r, column=c + 1)
            if (r, c) in tab.numbers:
                cell.value = float(text) if "." in text else int(text)
                cell.number_format = "#,##0.00"
            else:
                set_text(cell, text)
                if tab.header and tab.columns[c].number_format:
                    cell.number_format = tab.columns[c].number_format
            if r in tab.bold_rows:
                cell.font = Font(bold=True, size=14 if r == 0 else 11)
    if tab.frozen_rows:
        ws.freeze_panes = f"A{tab.frozen_rows + 1}"
    _add_dropdowns(ws, tab)
    if tab.protected:
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.autoFilter = False
        ws.protection.sort = False
    if tab.hidden:
        ws.sheet_state = "hidden"
    if tab.role == "guide":  # print the guide one page wide
        ws.page_setup.orientation = "landscape"
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0


def _add_dropdowns(ws: Worksheet, tab: TabLayout) -> None:
    for i, col in enumerate(tab.columns):
        letter = column_letter(i)
        span = f"{letter}2:{letter}{MAX_ROW}"
        if col.choices:
            ws.add_data_validation(_list_validation(col.choices, span, strict=True))
        elif col.list_name:
            dv = DataValidation(type="list", formula1=col.list_name, allow_blank=True, showErrorMessage=True)
            dv.errorStyle = "warning"
            dv.errorTitle = "Not on the list"
            dv.error = f"This is not on the {col.list_name.removeprefix('SheetOps_')} tab yet."
            dv.add(span)
            ws.add_data_validation(dv)
    for choice in tab.cell_choices:
        ref = f"{column_letter(choice.col)}{choice.row + 1}"
        if choice.list_name:
            dv = DataValidation(type="list", formula1=choice.list_name, allow_blank=True, showErrorMessage=True)
            dv.errorStyle = "warning"
            dv.errorTitle = "Not a known value"
            dv.error = "Pick from the list (type to search); SheetOps flags an unknown value in Issues."
            dv.add(ref)
            ws.add_data_validation(dv)
        else:
            ws.add_data_validation(_list_validation(choice.choices, ref, strict=True))


def _list_validation(choices: Sequence[str], ref: str, *, strict: bool) -> DataValidation:
    formula = '"' + ",".join(choices) + '"'
    if len(formula) > 255:  # Excel's limit for an inline list
        raise ValueError(f"dropdown list too long for Excel: {formula}")
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    dv.errorStyle = "stop" if strict else "warning"
    dv.errorTitle = "Pick from the list"
    dv.error = "Pick one of: " + ", ".join(choices)
    dv.add(ref)
    return dv


def set_text(cell: Any, text: str) -> None:
    """Store ``text`` as a literal string, even when it looks like a formula."""
    cell.value = text
    if cell.data_type != "s":
        cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True


def set_value(cell: Any, value: Any, number_format: str | None) -> None:
    """Store one demo value: text as text, numbers as numbers, dates as date cells."""
    if value is None or value == "":
        return
    if isinstance(value, str):
        set_text(cell, value)
    else:
        cell.value = value
    if number_format:
        cell.number_format = _cell_format(value, number_format)


def _cell_format(value: Any, number_format: str) -> str:
    # A datetime in a date-only column keeps its time visible; a date never shows 00:00.
    if isinstance(value, dt.datetime) and number_format == "yyyy-mm-dd":
        return "yyyy-mm-dd hh:mm"
    return number_format


def fill_rows(ws: Worksheet, tab: TabLayout, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write demo rows under the header, matching columns by header name."""
    positions = [tab.column_index(h) for h in header]
    formats = [tab.columns[p].number_format for p in positions]
    for r, row in enumerate(rows, start=2):
        for value, pos, fmt in zip(row, positions, formats):
            set_value(ws.cell(row=r, column=pos + 1), value, fmt)


def save_deterministic(
    wb: Workbook,
    path: Path,
    *,
    layout: TemplateLayout,
    streamed: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]], int]] | None = None,
) -> None:
    """Save ``wb`` with fixed timestamps; stream any ``streamed`` tab's rows into its XML.

    The file is written beside ``path`` and moved into place only when complete.
    """
    streamed = streamed or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    sheet_parts = {ws.title: ws.path.lstrip("/") for ws in wb.worksheets}
    splices = {sheet_parts[name]: (name, spec) for name, spec in streamed.items()}
    tmp = path.with_name(path.name + ".tmp")
    try:
        with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for info in source.infolist():
                entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.create_system = 3
                entry.external_attr = 0o600 << 16
                data = source.read(info.filename)
                if info.filename not in splices:
                    out.writestr(entry, data)
                    continue
                name, (header, rows, count) = splices[info.filename]
                entry._compresslevel = 1  # type: ignore[attr-defined]  # a big part: speed over size
                with out.open(entry, "w", force_zip64=True) as sink:
                    splice_rows(data, sink, tab=layout.tab(name), style_ids=_column_styles(wb[name]),
                                header=header, rows=rows, count=count)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _column_styles(ws: Worksheet) -> dict[int, int]:
    """The cell style index of each column's data cells (the column's own style)."""
    styles: dict[int, int] = {}
    for letter, dim in ws.column_dimensions.items():
        styles[_column_number(letter)] = dim.style_id
    return styles


def _column_number(letter: str) -> int:
    n = 0
    for ch in letter:
        n = n * 26 + ord(ch) - 64
    return n - 1

