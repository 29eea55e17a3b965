"""Edges of the column-wise read, each found by a review: sheets built from raw XML, read both
ways, must give the same cells (and the same Issues once checked), and never crash."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
import pytest

from sheetops.backends.column_grid import ColumnGrid
from sheetops.backends.xlsx_book import Book
from sheetops.backends.xlsx_package import Package
from sheetops.backends.xlsx_read import read_grids
from sheetops.workbook import schema
from sheetops.workbook.issues import IssueLog
from sheetops.workbook.settings import read_settings
from sheetops.workbook.tables import read_table

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _styles(formats: list[int]) -> str:
    """Style 0: General; style i (1..): built-in format ``formats[i-1]``, or 164 = a date-time."""
    xfs = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' + "".join(
        f'<xf numFmtId="{f}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' for f in formats)
    return (f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(formats) + 1}">{xfs}</cellXfs></styleSheet>')


def _book(path: Path, sheet_data: str, formats: tuple[int, ...] = (14, 164)) -> Path:
    """A one-tab workbook "T" from raw ``<sheetData>`` content (style 1: a date, 2: a date-time)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   f'<Override PartName="/xl/workbook.xml" ContentType="{CT_MAIN}.sheet.main+xml"/>'
                   f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT_MAIN}.worksheet+xml"/>'
                   f'<Override PartName="/xl/styles.xml" ContentType="{CT_MAIN}.styles+xml"/></Types>')
        z.writestr("_rels/.rels", f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
                                  f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
                                      '<sheet name="T" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
                   f'<Relationship Id="rId2" Type="{DOC}/styles" Target="styles.xml"/></Relationships>')
        z.writestr("xl/styles.xml", _styles(list(formats)))
        z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_data}</sheetData></worksheet>')
    return path


def _text(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def _rows(header: list[str], *rows: str) -> str:
    cells = "".join(_text(f"{chr(65 + i)}1", h) for i, h in enumerate(header))
    return f'<row r="1">{cells}</row>' + "".join(f'<row r="{2 + i}">{r}</row>' for i, r in enumerate(rows))


def _both(path: Path) -> tuple[object, object]:
    pkg = Package(path)
    try:
        parts = {s.name: s.part for s in Book(pkg).sheets() if s.is_worksheet}
        return read_grids(path, pkg.zip, parts, min_bytes=0)["T"], read_grids(path, pkg.zip, parts, columns=False)["T"]
    finally:
        pkg.close()


def _same(path: Path) -> object:
    fast, slow = _both(path)
    assert list(fast) == slow  # type: ignore[call-overload]
    return fast


def _same_checks(path: Path) -> None:
    fast, slow = _both(path)
    out = []
    for grid in (fast, slow):
        log = IssueLog()
        table = read_table(schema.ORDERS, grid, read_settings(None, IssueLog()), log)  # type: ignore[arg-type]
        out.append((table.frame, log.issues))
    pd.testing.assert_frame_equal(out[0][0], out[1][0])
    assert out[0][1] == out[1][1]


NULL_LIKE = ["N/A", "NA", "n/a", "#N/A", "null", "NULL", "None", "1.#IND", "nan", "NaN", "-nan", "<NA>"]


@pytest.mark.parametrize("word", NULL_LIKE)
def test_a_typed_missing_value_word_among_amounts_and_dates_is_kept(tmp_path: Path, word: str) -> None:
    """fastexcel takes "N/A", "null", "NaN"... for missing values in a column of numbers or
    dates; here they are the person's text, and the Issue says so ("N/A is not an amount")."""
    data = _rows(["Order ID", "Order date", "GMV", "Refund"],
                 _text("A2", "1") + '<c r="B2" s="2"><v>46000.5</v></c><c r="C2"><v>12.5</v></c><c r="D2"><v>0</v></c>',
                 _text("A3", "2") + _text("B3", word) + _text("C3", word) + _text("D3", word),
                 _text("A4", "3") + '<c r="B4" s="1"><v>46001</v></c><c r="C4"><v>7.25</v></c><c r="D4"><v>1</v></c>')
    path = _book(tmp_path / "w.xlsx", data)
    grid = _same(path)
    assert list(grid)[2][1:] == [word] * 3  # type: ignore[call-overload]
    if word not in ("nan", "NaN", "-nan"):  # fastexcel makes those numbers: the tab is read row-wise
        assert isinstance(grid, ColumnGrid)
    _same_checks(path)


def test_east_asian_date_formats_are_read_row_wise(tmp_path: Path) -> None:
    """The two calamine versions disagree on Excel's built-in formats 27-36 and 50-58."""
    data = _rows(["Order ID", "Order date"], _text("A2", "1") + '<c r="B2" s="3"><v>46000.25</v></c>',
                 _text("A3", "2") + '<c r="B3" s="3"><v>0.5</v></c>')
    path = _book(tmp_path / "w.xlsx", data, formats=(14, 164, 57))
    assert not isinstance(_same(path), ColumnGrid)
    _same_checks(path)


def test_an_east_asian_date_format_written_with_single_quotes_is_seen(tmp_path: Path) -> None:
    data = _rows(["Order ID", "Order date"], _text("A2", "1") + '<c r="B2" s="3"><v>46000.25</v></c>')
    path = _book(tmp_path / "w.xlsx", data, formats=(14, 164, 31))
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/styles.xml"] = parts["xl/styles.xml"].replace(b'numFmtId="31"', b"numFmtId = '31'")
    with zipfile.ZipFile(path, "w") as z:
        for name, data_ in parts.items():
            z.writestr(name, data_)
    assert not isinstance(_same(path), ColumnGrid)


@pytest.mark.parametrize("serial", ["20261102", "3000000", "1e20"])
def test_a_number_too_large_for_a_date_in_a_date_cell(tmp_path: Path, serial: str) -> None:
    """A yyyymmdd typed as a number in a date-formatted cell: no crash, the number itself."""
    data = _rows(["Order ID", "Order date", "Note"],
                 _text("A2", "1") + '<c r="B2" s="1"><v>46000</v></c>' + _text("C2", "x"),
                 _text("A3", "2") + f'<c r="B3" s="1"><v>{serial}</v></c>' + f'<c r="C3" s="1"><v>{serial}</v></c>')
    path = _book(tmp_path / "w.xlsx", data)
    _same(path)
    _same_checks(path)


@pytest.mark.parametrize("stored", ["45000.000000001", "45000.9999999999", "45000.0000000046"])
def test_a_date_time_a_hair_off_midnight(tmp_path: Path, stored: str) -> None:
    data = _rows(["Order ID", "Order date", "Note"],
                 _text("A2", "1") + f'<c r="B2" s="2"><v>{stored}</v></c>' + f'<c r="C2" s="2"><v>{stored}</v></c>',
                 _text("A3", "2") + '<c r="B3" s="2"><v>45001.5</v></c>' + _text("C3", "x"))
    path = _book(tmp_path / "w.xlsx", data)
    _same(path)
    _same_checks(path)


CASES = {
    "pretty-printed": _rows(["A", "B"], _text("A2", "x") + '<c r="B2">\n  <v>3.5</v>\n</c>',
                            _text("A3", "y") + _text("B3", "12O")),
    "pretty-printed formula": _rows(["A", "B"], _text("A2", "x") + '<c r="B2"><f>1+2.5</f>\n<v>3.5</v></c>',
                                    _text("A3", "y") + _text("B3", "12O")),
    "ISO date cell": _rows(["A", "B"], _text("A2", "x") + '<c r="B2" t="d"><v>2026-01-02T00:00:00</v></c>',
                           _text("A3", "y") + _text("B3", "soon")),
    "empty number in the header row": '<row r="1">' + _text("A1", "A") + '<c r="B1"><v></v></c></row>'
                                      '<row r="2">' + _text("A2", "x") + _text("B2", "12") + '</row>'
                                      '<row r="3">' + _text("A3", "y") + _text("B3", "keep") + '</row>',
    "empty number below the data": _rows(["A", "B"], _text("A2", "x") + _text("B2", "12"),
                                         _text("A3", "y") + _text("B3", "abc")) + '<row r="9"><c r="B9"><v></v></c></row>',
    "a number cell holding text": _rows(["A", "B"], _text("A2", "x") + _text("B2", "12"),
                                        _text("A3", "y") + '<c r="B3"><v>abc</v></c>'),
    "formula with a cached number": _rows(["A", "B"], _text("A2", "x") + '<c r="B2"><f>1+2</f><v>3</v></c>',
                                          _text("A3", "y") + _text("B3", "12O")),
    "t before s": _rows(["A", "B"], _text("A2", "x") + '<c r="B2" t="n" s="0"><v>3</v></c>',
                        _text("A3", "y") + _text("B3", "12O")),
    "a tab after <c": _rows(["A", "B"], _text("A2", "x") + '<c\tr="B2"><v>7</v></c>', _text("A3", "y") + _text("B3", "12")),
    "a space in <v >": _rows(["A", "B"], _text("A2", "x") + '<c r="B2"><v >7</v ></c>', _text("A3", "y") + _text("B3", "12")),
    "a comment": _rows(["A", "B"], _text("A2", "x") + '<c r="B2"><!-- n --><v>7</v></c>', _text("A3", "y") + _text("B3", "12")),
    "a lower-case reference": _rows(["A", "B"], _text("A2", "x") + '<c r="b2"><v>7</v></c>', _text("A3", "y") + _text("B3", "12")),
    "an attribute ending in t": _rows(["A", "B"], _text("A2", "x") + '<c r="B2" data-t="s"><v>7</v></c>',
                                      _text("A3", "y") + _text("B3", "12")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_cells_written_unusually_read_the_same(tmp_path: Path, case: str) -> None:
    _same(_book(tmp_path / "w.xlsx", CASES[case]))
