"""``xl/styles.xml``: find or append the few cell formats the tool's tabs need.

Existing fonts, number formats and cell formats keep their index and meaning: the tool only
appends (and reuses what it appended on an earlier run, so a second refresh leaves the part
byte for byte as it was). The file is edited as text; nothing else in it changes.
"""

from __future__ import annotations

import re

from .base import CellStyle
from .xlsx_xml import attrs, esc_attr

NUMBER_FORMATS: dict[str, tuple[int, str | None]] = {
    # kind: (built-in numFmtId, or 0 with a custom code)
    "text": (0, None),
    "link": (0, None),
    "bool": (0, None),
    "money": (4, None),  # #,##0.00
    "amount": (2, None),  # 0.00: no thousands separator (Save as CSV gives 1603.49)
    "times": (0, '0.0"×"'),
    "rate": (10, None),  # 0.00%
    "number": (2, None),  # 0.00
    "int": (1, None),  # 0
    "ratio": (0, "0.0%"),
    "date": (0, "yyyy-mm-dd"),
    "datetime": (0, "yyyy-mm-dd hh:mm:ss"),
}
LINK_COLOR = "FF0563C1"


def _section(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"<((?:[\w.-]+:)?){name}\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?{name}>)", re.S
    )


_NUMFMTS, _FONTS, _CELLXFS, _DXFS = _section("numFmts"), _section("fonts"), _section("cellXfs"), _section("dxfs")
_FILLS, _BORDERS = _section("fills"), _section("borders")
_DXF = re.compile(r"<(?:[\w.-]+:)?dxf\b[^>]*?/>|<(?:[\w.-]+:)?dxf\b[^>]*>.*?</(?:[\w.-]+:)?dxf>", re.S)


def _section_end(text: str, name: str) -> int | None:
    """Where the ``name`` section of a styles part ends (None when it has none)."""
    m = _section(name).search(text)
    return m.end() if m else None


_NUMFMT = re.compile(r"<(?:[\w.-]+:)?numFmt\b[^>]*?/>")
_FONT = re.compile(r"<(?:[\w.-]+:)?font\b[^>]*?/>|<(?:[\w.-]+:)?font\b[^>]*>.*?</(?:[\w.-]+:)?font>", re.S)
_FILL = re.compile(r"<(?:[\w.-]+:)?fill\b[^>]*?/>|<(?:[\w.-]+:)?fill\b[^>]*>.*?</(?:[\w.-]+:)?fill>", re.S)
_BORDER = re.compile(r"<(?:[\w.-]+:)?border\b[^>]*?/>|<(?:[\w.-]+:)?border\b[^>]*>.*?</(?:[\w.-]+:)?border>", re.S)
_XF = re.compile(r"<(?:[\w.-]+:)?xf\b[^>]*?/>|<(?:[\w.-]+:)?xf\b[^>]*>.*?</(?:[\w.-]+:)?xf>", re.S)


class Styles:
    """The cell formats (``s=`` indexes) of one workbook's styles part."""

    def __init__(self, xml: bytes) -> None:
        self.original = xml
        self.text = xml.decode("utf-8")
        m = _FONTS.search(self.text)
        self.prefix = m.group(1) if m else ""
        self._cache: dict[tuple[str, bool, bool], int] = {}
        self._styled: dict[tuple[str, CellStyle], int] = {}
        self._sections: dict[str, tuple[str, re.Match[str], list[str]]] = {}
        """Per section: the text it was found in, the match and its items; found again only
        once the text changed (most formats asked for are there already)."""

    def xf(self, kind: str, *, bold: bool = False, unlocked: bool = False) -> int:
        """The index of a cell format for ``kind`` (number format, link font, bold header,
        unlocked for editable columns); 0 when the workbook's default format will do."""
        key = (kind, bold, unlocked)
        if key not in self._cache:
            self._cache[key] = self._make(kind, bold, unlocked)
        return self._cache[key]

    def _make(self, kind: str, bold: bool, unlocked: bool) -> int:
        builtin, code = NUMBER_FORMATS.get(kind, (0, None))
        num_id = self._numfmt(code) if code else builtin
        font_id = self._font("bold" if bold else "link" if kind == "link" else "")
        if not (num_id or font_id or unlocked):
            return 0
        p = self.prefix
        extra = ' applyNumberFormat="1"' if num_id else ""
        extra += ' applyFont="1"' if font_id else ""
        if unlocked:
            element = (f'<{p}xf numFmtId="{num_id}" fontId="{font_id}" fillId="0" borderId="0" xfId="0"{extra} '
                       f'applyProtection="1"><{p}protection locked="0"/></{p}xf>')
        else:
            element = f'<{p}xf numFmtId="{num_id}" fontId="{font_id}" fillId="0" borderId="0" xfId="0"{extra}/>'
        return self._append(_CELLXFS, _XF, "cellXfs", element)

    def dxf(self, fill: str) -> int:
        """The index of a differential format filling a cell with ``fill`` (``RRGGBB``), for
        conditional formats; the ``dxfs`` section is made when the workbook has none."""
        p = self.prefix
        element = (f'<{p}dxf><{p}fill><{p}patternFill patternType="solid"><{p}bgColor rgb="FF{fill.upper()}"/>'
                   f'</{p}patternFill></{p}fill></{p}dxf>')
        if not _DXFS.search(self.text):
            at = _section_end(self.text, "cellStyles") or _section_end(self.text, "cellXfs")
            assert at is not None, "a styles part always has cellXfs"
            self.text = self.text[:at] + f'<{p}dxfs count="0"></{p}dxfs>' + self.text[at:]
        return self._append(_DXFS, _DXF, "dxfs", element)

    def styled(self, kind: str, style: CellStyle) -> int:
        """The index of a cell format for a value of ``kind`` drawn with ``style`` (font,
        fill, a line below, alignment, an own number format); appended once and reused."""
        key = (kind, style)
        if key not in self._styled:
            self._styled[key] = self._make_styled(kind, style)
        return self._styled[key]

    def _make_styled(self, kind: str, style: CellStyle) -> int:
        p = self.prefix
        builtin, code = NUMBER_FORMATS.get(kind, (0, None))
        code = style.number_format or code
        num_id = self._numfmt(code) if code else builtin
        font_id = self._styled_font(style, link=kind == "link")
        fill_id = 0
        if style.fill:
            fill_id = self._append(_FILLS, _FILL, "fills", f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor '
                                   f'rgb="FF{style.fill}"/><{p}bgColor indexed="64"/></{p}patternFill></{p}fill>')
        border_id = 0
        if style.border_bottom:
            border_id = self._append(_BORDERS, _BORDER, "borders",
                                     f'<{p}border><{p}left/><{p}right/><{p}top/><{p}bottom style="thin"><{p}color '
                                     f'rgb="FF{style.border_bottom}"/></{p}bottom><{p}diagonal/></{p}border>')
        align = ""
        if style.align or style.wrap:
            align = f'<{p}alignment vertical="center"'
            align += f' horizontal="{style.align}"' if style.align else ""
            align += ' wrapText="1"' if style.wrap else ""
            align += "/>"
        extra = ' applyNumberFormat="1"' if num_id else ""
        extra += ' applyFont="1"' if font_id else ""
        extra += ' applyFill="1"' if fill_id else ""
        extra += ' applyBorder="1"' if border_id else ""
        extra += ' applyAlignment="1"' if align else ""
        head = f'<{p}xf numFmtId="{num_id}" fontId="{font_id}" fillId="{fill_id}" borderId="{border_id}" xfId="0"{extra}'
        return self._append(_CELLXFS, _XF, "cellXfs", f"{head}>{align}</{p}xf>" if align else f"{head}/>")

    def _styled_font(self, style: CellStyle, *, link: bool) -> int:
        if not (style.bold or style.italic or style.size or style.color or link):
            return 0
        inner = self._default_font_inner()
        p = self.prefix
        color = style.color or (LINK_COLOR[2:] if link else None)
        drop = "b|i|u" + ("|sz" if style.size else "") + ("|color" if color else "")
        inner = re.sub(rf"<{p}(?:{drop})\b[^>]*/>", "", inner)
        element = (("<" + p + "b/>" if style.bold else "") + ("<" + p + "i/>" if style.italic else "")
                   + ("<" + p + "u/>" if link else "")
                   + (f'<{p}sz val="{style.size:g}"/>' if style.size else "")
                   + (f'<{p}color rgb="FF{color}"/>' if color else "") + inner)
        return self._append(_FONTS, _FONT, "fonts", f"<{p}font>{element}</{p}font>")

    def _numfmt(self, code: str) -> int:
        m = _NUMFMTS.search(self.text)
        ids = []
        for f in _NUMFMT.finditer(m.group(0) if m else ""):
            a = attrs(f.group(0))
            if a.get("formatCode") == code:
                return int(a["numFmtId"])
            ids.append(int(a.get("numFmtId", "0")))
        num_id = max([163, *ids]) + 1
        element = f'<{self.prefix}numFmt numFmtId="{num_id}" formatCode="{esc_attr(code)}"/>'
        if not m:
            fonts = _FONTS.search(self.text)
            assert fonts is not None
            block = f'<{self.prefix}numFmts count="1">{element}</{self.prefix}numFmts>'
            self.text = self.text[: fonts.start()] + block + self.text[fonts.start():]
            return num_id
        self._append(_NUMFMTS, _NUMFMT, "numFmts", element)
        return num_id

    def _default_font_inner(self) -> str:
        """The children of the workbook's first (default) font, to derive other fonts from."""
        fonts = _FONTS.search(self.text)
        assert fonts is not None, "a styles part always has fonts"
        first = _FONT.search(fonts.group(3) or "")
        if first and not first.group(0).endswith("/>"):
            return first.group(0).split(">", 1)[1].rsplit("<", 1)[0]
        return ""

    def _font(self, variant: str) -> int:
        if not variant:
            return 0
        inner = self._default_font_inner()
        p = self.prefix
        if variant == "bold":
            inner = re.sub(rf"<{p}b\b[^>]*/>", "", inner)
            element = f"<{p}font><{p}b/>{inner}</{p}font>"
        else:
            inner = re.sub(rf"<{p}(?:u|color)\b[^>]*/>", "", inner)
            element = f'<{p}font><{p}u/><{p}color rgb="{LINK_COLOR}"/>{inner}</{p}font>'
        return self._append(_FONTS, _FONT, "fonts", element)

    def _append(self, section: re.Pattern[str], item: re.Pattern[str], name: str, element: str) -> int:
        """The index of ``element`` in a section, appending it (and fixing count) if new."""
        cached = self._sections.get(name)
        if cached is not None and cached[0] is self.text:
            _, m, items = cached
        else:
            found = section.search(self.text)
            if not found:
                raise ValueError(f"styles part has no {name}")
            m = found
            items = [x.group(0) for x in item.finditer(m.group(3) or "")]
            self._sections[name] = (self.text, m, items)
        body = m.group(3) or ""
        if element in items:
            return items.index(element)
        tail = m.group(2)
        if re.search(r'\bcount="\d*"', tail):
            tail = re.sub(r'\bcount="\d*"', f'count="{len(items) + 1}"', tail, count=1)
        else:
            tail += f' count="{len(items) + 1}"'
        head = f"<{m.group(1)}{name}{tail}"
        block = f"{head}>{body}{element}</{m.group(1)}{name}>"
        self.text = self.text[: m.start()] + block + self.text[m.end():]
        return len(items)

    def to_bytes(self) -> bytes | None:
        """The edited part, or None when nothing had to be added."""
        data = self.text.encode("utf-8")
        return None if data == self.original else data
