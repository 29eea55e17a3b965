"""``xl/workbook.xml`` and its relationships, edited as text.

Lists the sheets (name, sheetId, relationship, part, visibility), adds a sheet at the end,
changes a tool tab's visibility, and drops the calculation chain when it would point at
formulas the tool removed. Everything else in the workbook part (defined names, views,
extension lists, namespaces) is kept byte for byte.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from ..errors import NotASheetOpsWorkbook
from .xlsx_package import (
    CT_WORKSHEET,
    REL_CALC_CHAIN,
    REL_WORKSHEET,
    Package,
    add_rel,
    ct_add_override,
    ct_remove_override,
    parse_rels,
    relative,
    remove_rels,
    rels_name,
)
from .xlsx_xml import REL_NS, attrs, esc_attr

_SHEETS = re.compile(r"<((?:[\w.-]+:)?)sheets\b[^>]*>(.*?)</(?:[\w.-]+:)?sheets>", re.S)
_SHEET = re.compile(r"<(?:[\w.-]+:)?sheet\b[^>]*?/>|<(?:[\w.-]+:)?sheet\b[^>]*>.*?</(?:[\w.-]+:)?sheet>", re.S)
_CALC_CELL = re.compile(r"<(?:[\w.-]+:)?c\b([^>]*?)/?>")
_DEFINED_NAMES = re.compile(r"<((?:[\w.-]+:)?)definedNames\b[^>]*>(.*?)</(?:[\w.-]+:)?definedNames>", re.S)
_DEFINED_NAME = re.compile(r"<(?:[\w.-]+:)?definedName\b([^>]*)>.*?</(?:[\w.-]+:)?definedName>", re.S)
_WORKBOOK_VIEW = re.compile(r"<(?:[\w.-]+:)?workbookView\b[^>]*?>")


@dataclass(frozen=True)
class SheetEntry:
    """One ``<sheet>`` of the workbook part."""

    name: str
    sheet_id: int
    rid: str
    part: str
    state: str
    start: int
    end: int
    rel_type: str = ""

    @property
    def is_worksheet(self) -> bool:
        return self.rel_type == REL_WORKSHEET


class Book:
    """The workbook part of a package, with its relationships, staged back on ``save``."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.part = pkg.workbook_part
        self.text = pkg.read(self.part).decode("utf-8")
        self.rels_part = rels_name(self.part)
        if not pkg.exists(self.rels_part):
            raise NotASheetOpsWorkbook(
                f"{pkg.path.name} is damaged (its workbook has no relationships part); open and save it in Excel."
            )
        self.rels_xml = pkg.read(self.rels_part)
        m = re.search(r'xmlns:([\w.-]+)="' + re.escape(REL_NS) + '"', self.text)
        self.rel_prefix = m.group(1) if m else ""
        self.changed = False
        self._sheets: tuple[str, bytes, tuple[SheetEntry, ...]] | None = None
        """The last ``sheets()`` answer with the texts it was read from (asked once per tab
        staged and more; read again only when the workbook part or its rels changed)."""

    def sheets(self) -> list[SheetEntry]:
        cached = self._sheets
        if cached is not None and cached[0] is self.text and cached[1] is self.rels_xml:
            return list(cached[2])
        out = self._read_sheets()
        self._sheets = (self.text, self.rels_xml, tuple(out))
        return out

    def _read_sheets(self) -> list[SheetEntry]:
        block = _SHEETS.search(self.text)
        if not block:
            raise NotASheetOpsWorkbook(f"{self.pkg.path.name} has no sheets; open it in Excel, save it, and run again.")
        targets = {r.id: r for r in parse_rels(self.rels_xml, self.part)}
        out: list[SheetEntry] = []
        for m in _SHEET.finditer(self.text, block.start(2), block.end(2)):
            a = attrs(m.group(0).split(">", 1)[0])
            rid = next((v for k, v in a.items() if k.endswith(":id") and not k.startswith("xmlns")), "")
            sid = a.get("sheetId", "0")
            rel = targets.get(rid)
            out.append(
                SheetEntry(a.get("name", ""), int(sid) if sid.isdigit() else 0, rid, rel.part if rel else "",
                           a.get("state", "visible"), m.start(), m.end(), rel.type if rel else "")
            )
        return out

    def find(self, name: str) -> SheetEntry | None:
        return next((s for s in self.sheets() if s.name == name), None)

    def add_sheet(self, name: str, hidden: bool) -> SheetEntry:
        """Add an empty worksheet part at the end of the workbook; returns its entry."""
        folder = posixpath.dirname(self.part)
        part = self.pkg.unused_name(posixpath.join(folder, "worksheets", "sheet{}.xml"))
        self.rels_xml, rid = add_rel(self.rels_xml, REL_WORKSHEET, relative(self.part, part))
        self.pkg.put(
            "[Content_Types].xml", ct_add_override(self.pkg.read("[Content_Types].xml"), part, CT_WORKSHEET)
        )
        block = _SHEETS.search(self.text)
        assert block is not None
        main = block.group(1)
        sheet_id = max((s.sheet_id for s in self.sheets()), default=0) + 1
        if self.rel_prefix:
            rel_attr = f'{self.rel_prefix}:id="{rid}"'
        else:
            rel_attr = f'xmlns:r="{REL_NS}" r:id="{rid}"'
        state = ' state="hidden"' if hidden else ""
        element = f'<{main}sheet name="{esc_attr(name)}" sheetId="{sheet_id}"{state} {rel_attr}/>'
        self.text = self.text[: block.end(2)] + element + self.text[block.end(2):]
        self.changed = True
        entry = self.find(name)
        assert entry is not None
        return entry

    def set_hidden(self, entry: SheetEntry, hidden: bool) -> None:
        """Show or hide a (tool) tab; a hidden tab never stays the active one."""
        if (entry.state != "visible") == hidden and entry.state != "veryHidden":
            return
        tag = self.text[entry.start: entry.end]
        tag = re.sub(r'\s+state="[^"]*"', "", tag, count=1)
        if hidden:
            tag = re.sub(r"(<(?:[\w.-]+:)?sheet)\b", r'\1 state="hidden"', tag, count=1)
        self.text = self.text[: entry.start] + tag + self.text[entry.end:]
        self.changed = True
        if hidden:
            self._activate_visible(entry)

    def _activate_visible(self, hidden: SheetEntry) -> None:
        sheets = self.sheets()
        index = next(i for i, s in enumerate(sheets) if s.name == hidden.name)
        visible = next((i for i, s in enumerate(sheets) if s.state == "visible"), 0)
        m = _WORKBOOK_VIEW.search(self.text)
        if not m:
            return
        a = attrs(m.group(0))
        if int(a.get("activeTab", "0") or 0) == index:
            tag = re.sub(r'\s+activeTab="[^"]*"', "", m.group(0))
            tag = re.sub(r"(<(?:[\w.-]+:)?workbookView)\b", rf'\1 activeTab="{visible}"', tag, count=1)
            self.text = self.text[: m.start()] + tag + self.text[m.end():]

    def set_print_titles(self, entry: SheetEntry, rows: tuple[int, int] | None) -> None:
        """Repeat sheet rows ``rows`` (1-based, inclusive) at the top of every printed page of
        ``entry`` (Excel's ``_xlnm.Print_Titles`` name), or stop repeating any (``None``)."""
        index = [s.name for s in self.sheets()].index(entry.name)
        m = _DEFINED_NAMES.search(self.text)
        body = m.group(2) if m else ""
        kept = [d.group(0) for d in _DEFINED_NAME.finditer(body)
                if not (attrs("<x " + d.group(1)).get("name") == "_xlnm.Print_Titles"
                        and attrs("<x " + d.group(1)).get("localSheetId") == str(index))]
        sheets = _SHEETS.search(self.text)
        assert sheets is not None
        main = sheets.group(1)
        if rows is not None:
            where = "'" + entry.name.replace("'", "''") + f"'!${rows[0]}:${rows[1]}"
            kept.append(f'<{main}definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
                        f"{esc_attr(where)}</{main}definedName>")
        block = f"<{main}definedNames>{''.join(kept)}</{main}definedNames>" if kept else ""
        if m:
            new = self.text[: m.start()] + block + self.text[m.end():]
        elif block:
            new = self.text[: sheets.end()] + block + self.text[sheets.end():]
        else:
            return
        if new != self.text:
            self.text = new
            self.changed = True

    def drop_calc_chain(self, sheet_ids: set[int] | None = None) -> bool:
        """Remove the calculation chain (Excel rebuilds it on open) when it lists cells of
        ``sheet_ids`` (or always, for ``None``): a chain naming cells that no longer hold
        formulas makes Excel offer to repair the file."""
        rel = next((r for r in parse_rels(self.rels_xml, self.part) if r.type == REL_CALC_CHAIN), None)
        if rel is None or not self.pkg.exists(rel.part):
            return False
        if sheet_ids is not None and not (_chain_sheets(self.pkg.read(rel.part)) & sheet_ids):
            return False
        self.rels_xml = remove_rels(self.rels_xml, {rel.id})
        self.pkg.remove(rel.part)
        self.pkg.put("[Content_Types].xml", ct_remove_override(self.pkg.read("[Content_Types].xml"), rel.part))
        return True

    def save(self) -> None:
        if self.changed:
            self.pkg.put(self.part, self.text.encode("utf-8"))
        if self.rels_xml != self.pkg.read(self.rels_part):
            self.pkg.put(self.rels_part, self.rels_xml)


def _chain_sheets(xml: bytes) -> set[int]:
    """The sheet ids a calcChain part mentions (an omitted ``i`` repeats the previous one)."""
    found: set[int] = set()
    current = 0
    for m in _CALC_CELL.finditer(xml.decode("utf-8")):
        i = attrs(m.group(1)).get("i")
        if i is not None and i.isdigit():
            current = int(i)
        found.add(current)
    return found
