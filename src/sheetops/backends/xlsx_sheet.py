"""A tool tab (``TabWrite``) as worksheet XML, generated in chunks for large tabs.

Text is always an inline string (``t="inlineStr"``), never a formula. Numbers are written
as exact decimal text: money from integer cents (``money_text``), rates from integer
millionths (``rate_text``), dates as whole serial days. Links are ``<hyperlink
location=...>`` elements over a text cell showing the label: no formula, so nothing needs
recalculating, nothing can go stale, and the cell reads back as its label.

A million rows by eleven columns is built chunk by chunk (``CHUNK_ROWS`` rows at a time,
a column at a time) and streamed into the zip, so memory stays bounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import pandas as pd
import pyarrow as pa

from .base import EDITABLE_FILL, CellStyle, Column, Link, PageSetup, TabWrite, column_letter, money_text, rate_text
from .xlsx_columns import column_cells, rows_bytes, serials, vectorised
from .xlsx_styles import Styles
from .xlsx_xml import (
    MAIN_NS,
    REL_NS,
    XML_DECL,
    bool_cell,
    esc_attr,
    is_na,
    kind_of,
    number_cell,
    sheet_location,
    t_element,
    text_cell,
    value_text,
)

CHUNK_ROWS = 10_000
"""Rows of a tool tab made at once. 10,000 rather than 50,000: a 100,000-line refresh peaked
at 380-389 MiB instead of 450-454 (Commission Lines' chunks were the largest thing held while
the zip was written), in the same time; at 1,000,000 lines 46.1 s against 48.4 s, same peak."""
MAX_ROW = 1_048_576
_NEEDS_ESCAPE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x")
_EDGE_SPACE = re.compile(r"(?:^|\n)\s|\s(?:\n|$)")
_KINDS = ("text", "money", "amount", "rate", "ratio", "times", "number", "int", "date", "datetime", "link", "bool")


@dataclass
class _ColumnOut:
    """What a column needs while its cells are generated."""

    letter: str
    column: Column
    series: pd.Series
    styles: dict[str, int]
    links: list[str] = field(default_factory=list)
    styled: dict[int, int] = field(default_factory=dict)
    """0-based frame row -> the cell format of a cell with its own ``CellStyle``."""


def sheet_xml(tab: TabWrite, styles: Styles, drawing_rid: str | None = None) -> Callable[[], Iterator[bytes]]:
    """A function giving the worksheet XML of ``tab`` in chunks. Every style index is
    settled now, before the styles part is written."""
    editable = set(tab.editable)
    header_style = styles.xf("text", bold=True)
    # the headers of the columns people may edit on a protected tab are marked (green fill)
    editable_header = styles.styled("text", CellStyle(bold=True, fill=EDITABLE_FILL)) if tab.protected else header_style
    outs: list[_ColumnOut] = []
    for i, col in enumerate(tab.columns):
        unlocked = col.name in editable and tab.protected
        kinds = _KINDS if col.kind == "mixed" else (col.kind,)
        outs.append(
            _ColumnOut(column_letter(i), col, tab.frame[col.name], {k: styles.xf(k, unlocked=unlocked) for k in kinds})
        )
    plain_unlocked = styles.xf("text", unlocked=True) if editable and tab.protected else 0
    dxfs = {(column, value): styles.dxf(fill) for column, fills in tab.highlights.items()
            for value, fill in fills.items()}
    for (row, at), look in tab.styles.items():  # settled now, before the styles part is written
        value = tab.frame.iat[row, at]
        kind: str = tab.columns[at].kind
        kind = kind_of(value) if kind == "mixed" and not is_na(value) else "text" if kind == "mixed" else kind
        outs[at].styled[row] = styles.styled(kind, look)
    heights = {r + (1 if tab.header else 0) + 1: h for r, h in tab.row_heights.items()}

    def chunks() -> Iterator[bytes]:
        offset = 1 if tab.header else 0
        last_row = len(tab.frame) + offset
        yield _head(tab, outs, last_row, plain_unlocked).encode("utf-8")
        if tab.header:
            cells = "".join(text_cell(f"{o.letter}1", o.column.name,
                                      editable_header if o.column.name in tab.editable else header_style) for o in outs)
            yield f'<row r="1">{cells}</row>'.encode("utf-8")
        for start in range(0, len(tab.frame), CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, len(tab.frame))
            numbers = [str(r) for r in range(start + offset + 1, stop + offset + 1)]
            if heights:  # report tabs: a few rows, some taller
                columns = [_cells(o, start, stop, numbers) for o in outs]
                rows = [f'<row r="{r}"{_height(heights, r)}>{"".join(cells)}</row>'
                        for r, *cells in zip(numbers, *columns)]
                yield "".join(rows).encode("utf-8")
                continue
            # a whole column at a time (xlsx_columns); columns it does not take, cell by cell
            labels = pa.array(numbers, pa.string())
            arrays = [column_cells(o.letter, o.column.kind, o.series.iloc[start:stop], labels, o.styles[o.column.kind])
                      if _columnar(o) else pa.array(_cells(o, start, stop, numbers), pa.string()) for o in outs]
            yield bytes(rows_bytes(labels, arrays))
        yield _tail(tab, outs, offset, drawing_rid, dxfs).encode("utf-8")

    return chunks


def _height(heights: dict[int, float], row: str) -> str:
    h = heights.get(int(row)) if heights else None
    return f' ht="{h:g}" customHeight="1"' if h else ""


def _head(tab: TabWrite, outs: list[_ColumnOut], last_row: int, plain_unlocked: int) -> str:
    last = f"{outs[-1].letter}{max(last_row, 1)}" if outs else "A1"
    view = '<sheetView workbookViewId="0"' + ("" if tab.gridlines else ' showGridLines="0"') + ">"
    if tab.header:
        view += ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                 '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>')
    view += "</sheetView>"
    cols = ""
    for i, o in enumerate(outs, start=1):
        style = o.styles.get(o.column.kind, 0) if o.column.kind != "mixed" else plain_unlocked
        width = o.column.width
        if width is None and not style:
            continue
        attrs = f'min="{i}" max="{i}" width="{width if width is not None else 9.140625}"'
        attrs += ' customWidth="1"' if width is not None else ""
        attrs += f' style="{style}"' if style else ""
        cols += f"<col {attrs}/>"
    return (
        f'{XML_DECL}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        + ('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if tab.page and tab.page.fit_width else "")
        + f'<dimension ref="{"A1:" + last if last != "A1" else "A1"}"/><sheetViews>{view}</sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/>{"<cols>" + cols + "</cols>" if cols else ""}<sheetData>'
    )


def _tail(tab: TabWrite, outs: list[_ColumnOut], offset: int, drawing_rid: str | None,
          dxfs: dict[tuple[str, str], int] | None = None) -> str:
    out = "</sheetData>"
    if tab.protected:
        out += ('<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0" formatRows="0" '
                'autoFilter="0" sort="0"/>')
    if tab.header and tab.filter and outs:
        out += f'<autoFilter ref="A1:{outs[-1].letter}{max(len(tab.frame) + 1, 2)}"/>'
    rules, priority = [], 1
    for o in outs:
        for (column, value), dxf in (dxfs or {}).items():
            if column != o.column.name:
                continue
            literal = esc_attr('"' + value.replace('"', '""') + '"')
            rules.append(f'<conditionalFormatting sqref="{o.letter}{offset + 1}:{o.letter}{MAX_ROW}">'
                         f'<cfRule type="cellIs" dxfId="{dxf}" priority="{priority}" operator="equal">'
                         f'<formula>{literal}</formula></cfRule></conditionalFormatting>')
            priority += 1
    out += "".join(rules)
    validations = []
    for o in outs:
        values = tab.dropdowns.get(o.column.name)
        if not values:
            continue
        listed = ",".join(v.replace('"', '""') for v in values)
        if len(listed) > 255:  # Excel's limit for a literal list; longer lists are left unchecked
            continue
        sqref = f"{o.letter}{offset + 1}:{o.letter}{MAX_ROW}"
        validations.append(
            f'<dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1" '
            f'sqref="{sqref}"><formula1>{esc_attr(chr(34) + listed + chr(34))}</formula1></dataValidation>'
        )
    if validations:
        out += f'<dataValidations count="{len(validations)}">{"".join(validations)}</dataValidations>'
    links = [link for o in outs for link in o.links]
    if links:
        out += f"<hyperlinks>{''.join(links)}</hyperlinks>"
    out += _page(tab.page, offset)
    if drawing_rid:
        out += f'<drawing r:id="{drawing_rid}"/>'
    return out + "</worksheet>"


PAPER = {"Letter": 1, "A4": 9}


def _page(page: PageSetup | None, offset: int) -> str:
    """Margins, and for a declared ``PageSetup``: orientation, fit to width, paper, footer, page breaks."""
    if page is None:
        return '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    left, right, top, bottom = page.margins_in
    out = (f'<pageMargins left="{left:g}" right="{right:g}" top="{top:g}" bottom="{bottom:g}" header="0.2" '
           f'footer="0.25"/>')
    fit = f' fitToWidth="{page.fit_width}" fitToHeight="{page.fit_height}"' if page.fit_width else ""
    out += (f'<pageSetup paperSize="{PAPER[page.paper]}" orientation="{"landscape" if page.landscape else "portrait"}"'
            f'{fit}/>')
    footer = ""
    if page.footer_left:
        footer += "&L" + page.footer_left.replace("&", "&&")
    if page.page_numbers:
        footer += "&RPage &P of &N"
    if footer:
        out += f"<headerFooter><oddFooter>{esc_attr(footer)}</oddFooter></headerFooter>"
    if page.row_breaks:
        brk = "".join(f'<brk id="{r + offset}" max="16383" man="1"/>' for r in sorted(set(page.row_breaks)))
        out += f'<rowBreaks count="{len(set(page.row_breaks))}" manualBreakCount="{len(set(page.row_breaks))}">{brk}</rowBreaks>'
    return out


def _columnar(o: _ColumnOut) -> bool:
    """Whether a column's cells are made a whole column at a time (``xlsx_columns``)."""
    kind = o.column.kind
    if not vectorised(kind) or o.styled:
        return False
    return kind not in ("date", "datetime") or pd.api.types.is_datetime64_any_dtype(o.series.dtype)


def _cells(o: _ColumnOut, start: int, stop: int, numbers: list[str]) -> list[str]:
    """The cell XML of rows ``start:stop`` of one column ('' for a blank cell)."""
    part = o.series.iloc[start:stop]
    kind = o.column.kind
    letter = o.letter
    if kind == "text":
        return _text_cells(letter, part, numbers, o.styles["text"])
    if kind in ("money", "amount", "rate", "int"):
        s = f' s="{o.styles[kind]}"' if o.styles[kind] else ""
        blank = part.isna().tolist()
        ints = part.fillna(0).astype("int64").tolist() if len(part) else []
        fmt = money_text if kind in ("money", "amount") else rate_text if kind == "rate" else str
        return ["" if b else f'<c r="{letter}{r}"{s}><v>{fmt(v)}</v></c>' for r, v, b in zip(numbers, ints, blank)]
    if kind in ("date", "datetime") and not o.styled and pd.api.types.is_datetime64_any_dtype(part.dtype):
        s = f' s="{o.styles[kind]}"' if o.styles.get(kind) else ""
        serials = serial_texts(part, dates_only=kind == "date")
        return ["" if v is None else f'<c r="{letter}{r}"{s}><v>{v}</v></c>' for r, v in zip(numbers, serials)]
    if o.styled:
        return [_one_cell(f"{letter}{r}", v, kind, o, o.styled.get(i))
                for i, (r, v) in enumerate(zip(numbers, part.tolist()), start=start)]
    return [_one_cell(f"{letter}{r}", v, kind, o) for r, v in zip(numbers, part.tolist())]


def serial_texts(values: pd.Series, *, dates_only: bool) -> list[str | None]:
    """A datetime64 column as Excel serial day texts (None for a blank): exactly what
    ``date_serial`` / ``datetime_serial`` give one value at a time (``xlsx_columns.serials``)."""
    return serials(values, dates_only=dates_only).to_pylist()


def _text_cells(letter: str, part: pd.Series, numbers: list[str], style: int) -> list[str]:
    values = [None if blank else v if type(v) is str else str(v) for v, blank in zip(part.tolist(), part.isna().tolist())]
    s = f' s="{style}"' if style else ""
    present = [v for v in values if v]
    blob = "\n".join(present)
    if _NEEDS_ESCAPE.search(blob) or _EDGE_SPACE.search(blob):
        return ["" if not v else f'<c r="{letter}{r}"{s} t="inlineStr"><is>{t_element(v)}</is></c>'
                for r, v in zip(numbers, values)]
    return ["" if not v else f'<c r="{letter}{r}"{s} t="inlineStr"><is><t>{v}</t></is></c>'
            for r, v in zip(numbers, values)]


def _one_cell(ref: str, value: Any, kind: str, o: _ColumnOut, styled: int | None = None) -> str:
    """One cell of a date, datetime, ratio, number, link or mixed column; ``styled`` is the
    format of a cell with its own look (then a blank cell is written too, for its fill)."""
    if is_na(value):
        return f'<c r="{ref}" s="{styled}"/>' if styled else ""
    if kind == "mixed":
        kind = kind_of(value)
    style = o.styles.get(kind, 0) if styled is None else styled
    if kind == "link" or isinstance(value, Link):
        if not isinstance(value, Link):
            return text_cell(ref, str(value), o.styles.get("text", 0))
        o.links.append(
            f'<hyperlink ref="{ref}" location="{esc_attr(sheet_location(value.tab, value.cell))}" '
            f'display="{esc_attr(value.text)}"/>'
        )
        return text_cell(ref, value.text, style)
    if kind == "bool":
        return bool_cell(ref, bool(value), style)
    if kind == "text":
        return text_cell(ref, value if isinstance(value, str) else str(value), style)
    number = value_text(value, kind)
    return number_cell(ref, number, style) if number is not None else ""
