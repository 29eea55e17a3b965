"""A new ``.xlsx`` file holding only the given tool tabs: what the PDF documents are printed
from (a report tab, or one creator's statement).

The file starts as the smallest valid workbook (a workbook part with no sheet, a styles
part with Excel's default font) and gets its tabs through the same writer a refresh uses
(``xlsx_apply.stage_plan``), so a document looks exactly like the tab in a person's
workbook: the same cells, formats, charts and page setup.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Sequence

from .base import TabWrite, WritePlan
from .xlsx_apply import stage_plan
from .xlsx_package import REL_OFFICE_DOCUMENT, REL_STYLES, Package
from .xlsx_xml import MAIN_NS, REL_NS, XML_DECL

_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_WORKBOOK_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_STYLES_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"

EMPTY_PARTS: dict[str, str] = {
    "[Content_Types].xml": (
        f'{XML_DECL}<Types xmlns="{_CT_NS}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_WORKBOOK_CT}"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_STYLES_CT}"/></Types>'),
    "_rels/.rels": (f'{XML_DECL}<Relationships xmlns="{_PKG_RELS}">'
                    f'<Relationship Id="rId1" Type="{REL_OFFICE_DOCUMENT}" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (f'{XML_DECL}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
                        '<bookViews><workbookView activeTab="0"/></bookViews><sheets></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (f'{XML_DECL}<Relationships xmlns="{_PKG_RELS}">'
                                   f'<Relationship Id="rId1" Type="{REL_STYLES}" Target="styles.xml"/></Relationships>'),
    "xl/styles.xml": (
        f'{XML_DECL}<styleSheet xmlns="{MAIN_NS}">'
        '<fonts count="1"><font><sz val="10"/><name val="Arial"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
        '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}


def write_new_xlsx(path: str | os.PathLike[str], tabs: Sequence[TabWrite]) -> Path:
    """Write a new workbook holding ``tabs`` (in order) to ``path``, replacing any file there."""
    path = Path(path)
    empty = path.with_name(f".{path.name}.empty")
    with zipfile.ZipFile(empty, "w", zipfile.ZIP_DEFLATED) as out:
        for name, text in EMPTY_PARTS.items():
            out.writestr(name, text)
    try:
        pkg = Package(empty)
        try:
            stage_plan(pkg, WritePlan(tabs=list(tabs)))
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as out:
                pkg.write(out)
        finally:
            pkg.close()
    finally:
        empty.unlink(missing_ok=True)
    return path
