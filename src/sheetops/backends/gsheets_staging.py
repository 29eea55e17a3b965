"""Pure builders for writing big tabs through hidden staging tabs.

When one ``batchUpdate`` would exceed the request size Google advises (~2 MB), the big tool
tabs are written first into hidden tabs named ``~staging <title>``:

1. one ``batchUpdate`` adds the staging tabs (hidden, sized, formatted, protected, with
   their dropdowns and charts) and deletes stale staging tabs of an earlier failed run;
2. ``values.batchUpdate`` bodies with ``valueInputOption=RAW`` carry the cells (text stays
   text, numbers and date serials stay numbers), each body at most the byte limit;
3. ``batchUpdate`` bodies carry the few cells that need a ``CellData`` (links, formatted
   ``mixed`` cells), also packed up to the byte limit;
4. one atomic ``batchUpdate`` deletes the old tabs and renames the staged ones into place,
   together with every small tab and edit of the plan.

Before step 4 nothing visible has changed; a failure leaves the old tabs as they were.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

from .base import TabWrite, column_letter
from .grid import mixed_cell, out_cell
from .gsheets_cells import GidMap, frame_cell, quote_tab, raw_value
from .gsheets_requests import Request, add_sheet, dressing_requests

STAGING_PREFIX = "~staging "


def staging_title(title: str) -> str:
    return STAGING_PREFIX + title


def _size(obj: Any) -> int:
    return len(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")) + 1


def prepare_requests(tab: TabWrite, sheet_id: int, *, editor: str | None) -> list[Request]:
    """The staging tab for ``tab``: hidden, sized, and dressed (no cells yet)."""
    return [add_sheet(sheet_id, staging_title(tab.name), tab, hidden=True), *dressing_requests(tab, sheet_id, editor=editor)]


def swap_requests(tab: TabWrite, sheet_id: int, old_id: int | None, old_index: int | None) -> list[Request]:
    """Delete the old tab and give the staged one its title, visibility and place."""
    out: list[Request] = [] if old_id is None else [{"deleteSheet": {"sheetId": old_id}}]
    props: dict[str, Any] = {"sheetId": sheet_id, "title": tab.name, "hidden": tab.hidden}
    fields = "title,hidden"
    if old_index is not None:
        props["index"] = old_index
        fields += ",index"
    out.append({"updateSheetProperties": {"properties": props, "fields": fields}})
    return out


def _plain_and_special(tab: TabWrite, gids: GidMap) -> Iterator[tuple[list[Any], dict[int, dict[str, Any]]]]:
    """Each grid row as RAW values, plus the cells (by column) that need a ``CellData``."""
    if tab.header:
        yield [c.name for c in tab.columns], {}
    series = [tab.frame[c.name].tolist() for c in tab.columns]
    kinds = [c.kind for c in tab.columns]
    for i in range(len(tab.frame)):
        plain: list[Any] = []
        special: dict[int, dict[str, Any]] = {}
        for c, (values, kind) in enumerate(zip(series, kinds)):
            value = values[i]
            if kind == "link" or kind == "mixed":
                cell = frame_cell(value, kind, gids)
                if "formulaValue" in cell.get("userEnteredValue", {}) or "userEnteredFormat" in cell:
                    special[c] = cell
                    plain.append(None)
                    continue
            plain.append(raw_value(mixed_cell(value) if kind == "mixed" else out_cell(value, kind)))
        yield plain, special


class _Packer:
    """Packs pieces into bodies of at most ``limit`` bytes (a piece bigger than the limit
    goes alone)."""

    def __init__(self, limit: int, overhead: int) -> None:
        self.limit, self.overhead = limit, overhead
        self.bodies: list[list[Any]] = []
        self.current: list[Any] = []
        self.used = overhead

    def add(self, piece: Any, size: int) -> None:
        if self.current and self.used + size > self.limit:
            self.flush()
        self.current.append(piece)
        self.used += size

    def flush(self) -> None:
        if self.current:
            self.bodies.append(self.current)
        self.current, self.used = [], self.overhead


def chunk_bodies(
    tabs: list[tuple[TabWrite, int]], gids: GidMap, *, limit: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``values.batchUpdate`` bodies and ``batchUpdate`` bodies filling the staging tabs
    (``(tab, staging sheetId)`` pairs), each body at most ``limit`` bytes."""
    values = _Packer(limit, 64)
    cells = _Packer(limit, 32)
    for tab, sheet_id in tabs:
        title = staging_title(tab.name)
        last_col = column_letter(max(len(tab.columns), 1) - 1)
        block: list[list[Any]] = []
        block_start = 0
        block_bytes = 0
        runs: dict[int, tuple[int, list[dict[str, Any]]]] = {}

        def close_block(end_row: int) -> None:
            nonlocal block, block_bytes
            if block:
                a1 = f"{quote_tab(title)}!A{block_start + 1}:{last_col}{end_row}"
                values.add({"range": a1, "majorDimension": "ROWS", "values": block}, block_bytes + len(a1) + 40)
            block, block_bytes = [], 0

        def close_run(col: int) -> None:
            start, run = runs.pop(col)
            request = {
                "updateCells": {
                    "start": {"sheetId": sheet_id, "rowIndex": start, "columnIndex": col},
                    "rows": [{"values": [cell]} for cell in run],
                    "fields": "userEnteredValue,userEnteredFormat.numberFormat",
                }
            }
            cells.add(request, _size(request))

        for r, (plain, special) in enumerate(_plain_and_special(tab, gids)):
            size = _size(plain)
            if block and (block_bytes + size > limit // 2 or values.used + block_bytes + size > limit):
                close_block(r)
            if not block:
                block_start = r
            block.append(plain)
            block_bytes += size
            for col in list(runs):
                if col not in special or runs[col][0] + len(runs[col][1]) != r or _run_bytes(runs[col][1]) > limit // 2:
                    close_run(col)
            for col, cell in special.items():
                if col in runs:
                    runs[col][1].append(cell)
                else:
                    runs[col] = (r, [cell])
        close_block(len(tab.frame) + (1 if tab.header else 0))
        for col in list(runs):
            close_run(col)
    values.flush()
    cells.flush()
    value_bodies = [{"valueInputOption": "RAW", "data": data} for data in values.bodies]
    cell_bodies = [{"requests": reqs} for reqs in cells.bodies]
    return value_bodies, cell_bodies


def _run_bytes(run: list[dict[str, Any]]) -> int:
    # A cheap estimate: links dominate, at roughly 100 bytes each.
    return 100 * len(run)
