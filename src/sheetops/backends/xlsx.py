"""The ``.xlsx``/``.xlsm`` file backend: fast reads, surgical atomic writes.

Reading uses python-calamine (a Rust reader, many times faster than openpyxl), plus a
cheap scan for error cells that calamine cannot show (see ``xlsx_read``).

Writing never round-trips the workbook through a library model. The file is a zip of XML
parts; the tool rewrites only its own tabs' parts and the tab people edit in an import,
appends what it needs to the shared parts (``xl/workbook.xml``, ``xl/styles.xml``, the
relationships, ``[Content_Types].xml``), and copies every other part (other tabs, their
validations, conditional formats, drawings, images, charts, comments, printer settings,
``vbaProject.bin``) byte for byte. See ``xlsx_apply`` for the exact list.

Text the tool writes is an inline string (``t="inlineStr"``), not a shared string: the
shared-strings part, which can hold millions of strings of the ``Orders`` tab, then never
has to be read or rewritten, text can never become a formula, and every reader (Excel,
LibreOffice, calamine, openpyxl) understands it; Excel turns it into shared strings on its
next save. The cost is a larger tool tab before compression, not after.

The new file is written beside the original and swapped in with ``os.replace`` only when
complete (``xlsx_lock``); a run lock file and Excel's own owner file keep two writers apart.
"""

from __future__ import annotations

import os
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from ..errors import RefreshRunning, WorkbookNotFound
from .base import Grid, WritePlan
from .xlsx_apply import stage_plan
from .xlsx_book import Book
from .xlsx_memory import custom_part, fingerprint, read_state, stage_state, state_part
from .xlsx_lock import FileChanged, atomic_write, check_not_held, check_not_open, file_identity, run_lock
from .xlsx_package import Package
from .xlsx_read import read_grids

ATTEMPTS = 3
"""How often a write is redone when another program saved the file while SheetOps wrote it."""
COMPRESS_LEVEL = 3
"""Deflate level of the parts the tool writes: 1-3 are several times faster than 6 on a
million-row tab, for a file about 10% larger."""


class XlsxWorkbook:
    """An ``.xlsx`` or ``.xlsm`` file on disk (see the module docstring)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.label = self.path.name
        if not self.path.is_file():
            raise WorkbookNotFound(
                f"There is no file {self.path}; check the path, or create one with 'sheetops init {self.path}'."
            )
        self._token: str | None = None
        with self._package() as pkg:
            Book(pkg).sheets()  # a damaged or foreign file fails here, with a plain sentence

    @contextmanager
    def _package(self) -> Iterator[Package]:
        pkg = Package(self.path)
        try:
            yield pkg
        finally:
            pkg.close()

    def tab_names(self) -> list[str]:
        with self._package() as pkg:
            return [s.name for s in Book(pkg).sheets() if s.is_worksheet]

    def read(self, tabs: Sequence[str]) -> dict[str, Grid]:
        """The raw cells of the named tabs that exist (others are left out)."""
        with self._package() as pkg:
            entries = {s.name: s for s in Book(pkg).sheets() if s.is_worksheet}
            parts = {name: entries[name].part for name in tabs if name in entries}
            return read_grids(self.path, pkg.zip, parts)

    def apply(self, plan: WritePlan) -> None:
        """Write the whole plan into a new file and swap it in; on any error the original
        file is untouched.

        With ``plan.late_edits``, the Payouts tab is read again from the very file being
        replaced, and the swap happens only if that file is still the one read (same size,
        time and inode); if another program saved it meanwhile, the plan is merged again
        with what it saved (a few times, then ``RefreshRunning``)."""
        if plan.is_empty:
            return
        check_not_open(self.path)
        check_not_held(self.path, self._token)
        for _ in range(ATTEMPTS):
            seen = file_identity(self.path)
            with self._package() as pkg:
                if plan.late_edits is not None:
                    self._keep_late_edits(pkg, plan)
                source = self._fingerprint(pkg, plan.remember_skip) if plan.remember is not None else ""
                stage_plan(pkg, plan)
                last = self._remember(pkg, plan, source)

                def write(temp: Path) -> None:
                    with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as out:
                        pkg.write(out, last)

                try:
                    atomic_write(self.path, write, expect=seen)
                    return
                except FileChanged:
                    continue
        raise RefreshRunning(f"{self.path.name} kept changing while SheetOps wrote it; close other programs that "
                             "save it, then run again.")

    def last_run(self, log_tab: str, reads: Sequence[str] = (), tools: Sequence[str] = (),
                 rewritten: Sequence[str] = ()) -> tuple[str, dict[str, Any] | None]:
        """The fingerprint of the file now (its central directory only) and the state the last
        refresh kept in it; see ``xlsx_memory``."""
        with self._package() as pkg:
            return self._fingerprint(pkg, log_tab), read_state(pkg)

    @staticmethod
    def _fingerprint(pkg: Package, log_tab: str) -> str:
        """The fingerprint of the file as it is on disk (staged changes aside)."""
        entry = Book(pkg).find(log_tab)
        return fingerprint(pkg.zip.infolist(), {custom_part(pkg)} | ({entry.part} if entry and entry.part else set()))

    @staticmethod
    def _remember(pkg: Package, plan: WritePlan,
                  source: str) -> "tuple[str, Callable[[list[zipfile.ZipInfo]], bytes]] | None":
        if plan.remember is None:
            return None
        stage_state(pkg)
        entry = Book(pkg).find(plan.remember_skip)
        part = custom_part(pkg)
        skip = {part} | ({entry.part} if entry and entry.part else set())
        remember = plan.remember
        return part, lambda written: state_part(pkg, remember(), skip, source)(written)

    def _keep_late_edits(self, pkg: Package, plan: WritePlan) -> None:
        assert plan.late_edits is not None
        name = plan.late_edits.tab
        entries = {s.name: s for s in Book(pkg).sheets() if s.is_worksheet}
        grid = read_grids(self.path, pkg.zip, {name: entries[name].part}).get(name) if name in entries else None
        plan.late_edits.keep(grid)

    @contextmanager
    def lock(self) -> Iterator[str | None]:
        """Hold this workbook's run lock (``RefreshRunning`` when another run has it, or
        when the file is open in Excel); yields a sentence when a dead run's lock was taken over."""
        check_not_open(self.path)
        with run_lock(self.path) as (token, note):
            self._token = token
            try:
                yield note
            finally:
                self._token = None
