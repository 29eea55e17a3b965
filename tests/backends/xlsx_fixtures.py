"""Rich workbooks for the ``.xlsx`` backend tests: what a person's real file holds."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from sheetops.backends.base import ChartSeries, ChartSpec, Column, Link, TabWrite

X14_EXT = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showErrorMessage="1"><x14:formula1><xm:f>Creators!$A$2:$A$50</xm:f>'
    "</x14:formula1><xm:sqref>E2:E1000</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>"
)
VBA_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4


def tiny_png() -> bytes:
    """A 2x2 red PNG, made here so no image library is needed."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class _PngImage(Image):
    """openpyxl's Image without Pillow: the PNG bytes are given."""

    def __init__(self, data: bytes) -> None:  # noqa: D107 - deliberately skips Pillow
        self.ref = data
        self.width, self.height, self.format = 20, 20, "png"

    def _data(self) -> bytes:
        return self.ref


def rich_workbook(path: Path, *, macro: bool = False) -> Path:
    """Creators, Orders (validations incl. an x14 one, conditional format, comment, image,
    chart, frozen header, text that looks like a formula), a hidden sheet, defined names."""
    book = openpyxl.Workbook()
    creators = book.active
    creators.title = "Creators"
    creators.append(["Creator", "Name", "Status"])
    creators.append(["@glowwithmia", "Mia", "Active"])
    creators.append(["@fitbyleo", "Leo", "Paused"])
    status = DataValidation(type="list", formula1='"Active,Paused,Offboarded"', allow_blank=True)
    creators.add_data_validation(status)
    status.add("C2:C500")
    orders = book.create_sheet("Orders")
    orders.append(["Order ID", "SKU ID", "Order date", "GMV", "Creator", "Notes"])
    for i in range(1, 6):
        orders.append([f"O{i}", f"S{i}", dt.datetime(2026, 11, i, 10, 30), 10.5 * i, "@glowwithmia", None])
    orders["F2"].value = "=1+1"
    orders["F2"].data_type = "s"
    for row in range(2, 7):
        orders.cell(row, 3).number_format = "yyyy-mm-dd hh:mm"
        orders.cell(row, 4).number_format = "#,##0.00"
    orders.freeze_panes = "A2"
    orders.conditional_formatting.add("D2:D100", CellIsRule(operator="greaterThan", formula=["40"], font=openpyxl.styles.Font(color="FF0000")))
    orders["A1"].comment = Comment("Paste the TikTok export here", "Mia")
    image = _PngImage(tiny_png())
    orders.add_image(image, "H2")
    chart = BarChart()
    chart.add_data(Reference(orders, min_col=4, min_row=1, max_row=6), titles_from_data=True)
    orders.add_chart(chart, "H10")
    secret = book.create_sheet("Lists")
    secret.append(["Active"])
    secret.sheet_state = "hidden"
    book.defined_names["StatusList"] = DefinedName("StatusList", attr_text="Lists!$A$1:$A$3")
    orders.print_area = "A1:F6"
    book.save(path)
    _inject(path, macro=macro)
    return path


def _inject(path: Path, *, macro: bool) -> None:
    """Add what openpyxl cannot write: an x14 extension validation (as Excel writes for
    lists from another sheet) and, for .xlsm, a vbaProject.bin part."""
    temp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"</worksheet>", X14_EXT.encode() + b"</worksheet>")
            if macro and info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                ).replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            if macro and info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
                    b'Target="vbaProject.bin"/></Relationships>',
                )
            out.writestr(info, data)
        if macro:
            out.writestr("xl/vbaProject.bin", VBA_BYTES)
    os.replace(temp, path)


def commission_lines(n: int = 6) -> TabWrite:
    frame = pd.DataFrame(
        {
            "Payout ID": [f"2026-11-02/creator{i % 3}" for i in range(n)],
            "Creator": ["=HYPERLINK(\"http://evil\")", "+1", "-2", "@mia", "a & b <c>", " spaced "][: n] + ["x"] * max(0, n - 6),
            "Amount": pd.array([(i * 1234567) % 100000 - 5000 for i in range(n)], dtype="Int64"),
            "Rate": pd.array([125000] * n, dtype="Int64"),
            "Order": [Link("Orders", f"A{i + 2}") for i in range(n)],
        }
    )
    columns = [Column("Payout ID", width=24), Column("Creator"), Column("Amount", "money"), Column("Rate", "rate"),
               Column("Order", "link")]
    return TabWrite("Commission Lines", columns, frame)


def report_tab() -> TabWrite:
    weeks = [dt.date(2026, 10, 5) + dt.timedelta(days=7 * i) for i in range(6)]
    frame = pd.DataFrame({"Week": weeks, "GMV": pd.array([100000, 150000, 90000, 200000, 180000, 220000], dtype="Int64")})
    charts = [
        ChartSpec("line", "GMV by week", "Week", (ChartSeries("GMV", "GMV"),), 0, 5, "D2"),
        ChartSpec("column", "GMV columns", "Week", (ChartSeries("GMV", "GMV"),), 0, 5, "D20"),
    ]
    return TabWrite("Weekly Report", [Column("Week", "date", 12), Column("GMV", "money", 14)], frame, charts=charts,
                    protected=False)


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def soffice() -> str | None:
    """The LibreOffice binary; a clear failure when CI demands it and it is missing."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("SHEETOPS_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("SHEETOPS_REQUIRE_LIBREOFFICE=1 but soffice is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def convert(path: Path, target: str, out_dir: Path) -> Path:
    """Convert with LibreOffice headless (its own profile dir, so runs do not collide)."""
    binary = soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / "profile"
    subprocess.run(
        [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
         "--outdir", str(out_dir), str(path)],
        check=True, capture_output=True, timeout=180,
    )
    return out_dir
