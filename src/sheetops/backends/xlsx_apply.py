"""Stage a ``WritePlan`` into an open package: the surgical part of the ``.xlsx`` backend.

What changes, and nothing else:

- each tool tab's worksheet part (rewritten whole), its relationships part, and its own
  drawing and chart parts (an old drawing, chart, comment or table of a tool tab is dropped
  when nothing else refers to it);
- ``xl/workbook.xml``: a ``<sheet>`` element appended for a new tool tab, or a tool tab's
  ``state`` changed; ``xl/_rels/workbook.xml.rels`` and ``[Content_Types].xml``: entries
  appended for new parts and removed for dropped ones; ``xl/styles.xml``: formats appended;
- the worksheet part of a tab people edit, for a ``TabEdit``;
- ``xl/calcChain.xml`` is dropped (Excel rebuilds it silently) only when it lists a cell of
  a tab whose formulas the tool replaced; otherwise Excel would offer to repair the file.
"""

from __future__ import annotations

import re

from ..errors import NotASheetOpsWorkbook, SheetOpsError
from .base import TabEdit, TabWrite, WritePlan
from .xlsx_book import Book, SheetEntry
from .xlsx_chart import add_charts
from .xlsx_edit import edit_sheet_parts
from .xlsx_package import REL_DRAWING, Package, ct_remove_override, new_rels_xml, relative, rels_name
from .xlsx_sheet import sheet_xml
from .xlsx_styles import Styles

_BAD_TAB_NAME = re.compile(r"[\[\]:*?/\\]")


def stage_plan(pkg: Package, plan: WritePlan) -> None:
    """Put every change of ``plan`` into ``pkg`` (nothing is written to disk here)."""
    book = Book(pkg)
    styles_part = _styles_part(pkg, book)
    styles = Styles(pkg.read(styles_part))
    freed: set[str] = set()
    for tab in plan.tabs:
        _check_name(tab.name)
        freed |= _write_tab(pkg, book, styles, tab)
    for edit in plan.edits:
        _edit_tab(pkg, book, styles, edit)
    book.save()
    data = styles.to_bytes()
    if data is not None:
        pkg.put(styles_part, data)
    gone = [name for name in sorted(freed) if not pkg.exists(name)]
    if gone:
        types = pkg.read("[Content_Types].xml")
        for name in gone:
            types = ct_remove_override(types, name)
        pkg.put("[Content_Types].xml", types)


def _styles_part(pkg: Package, book: Book) -> str:
    from .xlsx_package import REL_STYLES, parse_rels

    for rel in parse_rels(book.rels_xml, book.part):
        if rel.type == REL_STYLES and pkg.exists(rel.part):
            return rel.part
    raise NotASheetOpsWorkbook(
        f"{pkg.path.name} has no styles part; open it in Excel or LibreOffice, save it, and run again."
    )


def _check_name(name: str) -> None:
    if not name or len(name) > 31 or _BAD_TAB_NAME.search(name) or name.startswith("'") or name.endswith("'"):
        raise ValueError(f"{name!r} is not a valid Excel tab name")


def _write_tab(pkg: Package, book: Book, styles: Styles, tab: TabWrite) -> set[str]:
    """Stage one tool tab; returns the names of old parts it freed (for content types)."""
    entry = book.find(tab.name)
    freed: set[str] = set()
    if entry is None:
        entry = book.add_sheet(tab.name, tab.hidden)
    else:
        _check_replaceable(pkg, entry)
        freed = _free_old_parts(pkg, book, entry)
        book.set_hidden(entry, tab.hidden)
        book.drop_calc_chain({entry.sheet_id})
    sheet_rels: list[tuple[str, str, str]] = []
    drawing_rid = None
    if tab.charts:
        drawing = add_charts(pkg, tab)
        drawing_rid = "rId1"
        sheet_rels.append((drawing_rid, REL_DRAWING, relative(entry.part, drawing)))
    if sheet_rels:
        pkg.put(rels_name(entry.part), new_rels_xml(sheet_rels))
    pkg.put(entry.part, sheet_xml(tab, styles, drawing_rid))
    titles = tab.page.title_rows if tab.page else None
    offset = 2 if tab.header else 1
    book.set_print_titles(entry, (titles[0] + offset, titles[1] + offset) if titles else None)
    return freed


def _check_replaceable(pkg: Package, entry: SheetEntry) -> None:
    if not entry.is_worksheet or not pkg.exists(entry.part):
        raise SheetOpsError(
            f"The tab {entry.name} is not a plain worksheet (it may be a chart sheet); rename or delete it "
            "so SheetOps can write its own tab, and run again."
        )


def _free_old_parts(pkg: Package, book: Book, entry: SheetEntry) -> set[str]:
    """Remove the old relationships of a tool tab and every part only it used (its old
    drawings, charts, images, comments); their names become free for the new parts."""
    old = pkg.reachable(entry.part)
    if pkg.exists(rels_name(entry.part)):
        pkg.remove(rels_name(entry.part))
    book.save()
    alive = pkg.reachable("")
    dead = {name for name in old if name not in alive}
    for name in dead:
        pkg.remove(name)
        if pkg.exists(rels_name(name)):
            pkg.remove(rels_name(name))
    return dead


def _edit_tab(pkg: Package, book: Book, styles: Styles, edit: TabEdit) -> None:
    entry = book.find(edit.name)
    if entry is None or not entry.is_worksheet or not pkg.exists(entry.part):
        raise NotASheetOpsWorkbook(
            f"The workbook has no tab named {edit.name}; add it (the template has it) and run again."
        )
    parts, replaced_formula = edit_sheet_parts(pkg.read(entry.part), edit, styles)
    pkg.put(entry.part, lambda: iter(parts))
    if replaced_formula:
        book.drop_calc_chain({entry.sheet_id})
