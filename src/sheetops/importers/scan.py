"""First pass over an export file: where its header is, which layout it is, and how to
read it (decimal separator per money column, day/month order for the whole file).

The scan keeps only counters, so it runs in constant memory; the import pass reads the
file again. Everything that makes a whole file unreadable is raised here, before any line
of any file is imported, as ``ImportFileError`` with one sentence saying what to do.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterator

import pyarrow as pa

from ..backends.base import RawCell
from ..workbook.cells import DateOrder
from ..errors import ImportFileError
from . import layouts as L
from .column_lines import SkipState, scan_evidence, skipped_rows
from .csv_table import CsvBatch, NotColumnWise, column_batches, reads_alike
from .lines import FileContext, is_blank_row, is_description
from .sources import ExportSource, sniff_delimiter
from .values import DateEvidence, DecimalStyle, currency_code, decimal_evidence


SCAN_PROGRESS_EVERY = 50_000
COLUMN_WISE = True
"""Read CSV exports column-wise where ``csv_table`` can (tests turn it off to compare)."""


@dataclass
class FilePlan:
    """How to read one file, decided by the scan."""

    source: ExportSource
    header_line: int
    ctx: FileContext
    data_rows: int
    assumed: str | None = None
    """What the scan assumed for lack of evidence (the date order from the currency), said as
    an Info line of the import's summary."""
    delimiter: str | None = None
    """Set when the file is read column-wise (a CSV file ``csv_table`` reads alike): its separator."""
    width: int = 0
    """The header's number of cells."""

    def batches(self) -> Iterator[CsvBatch]:
        """The data rows, column-wise, a batch at a time (only when ``delimiter`` is set)."""
        assert self.delimiter is not None
        return column_batches(self.source.path, delimiter=self.delimiter, header_line=self.header_line,
                              width=self.width)

    @property
    def layout(self) -> L.Layout:
        return self.ctx.detected.layout


def data_rows(plan: FilePlan) -> Iterator[tuple[int, list[RawCell], str | None]]:
    """Every row after the header: (line, cells, why it is skipped or None)."""
    first = True
    for line, cells in plan.source.rows():
        if line <= plan.header_line:
            continue
        if is_blank_row(cells):
            yield line, cells, "blank"
            continue
        if first and is_description(cells, plan.ctx):
            first = False
            yield line, cells, "description"
            continue
        first = False
        yield line, cells, None


def scan_file(
    source: ExportSource,
    *,
    tz: dt.tzinfo,
    date_order: DateOrder | None,
    creator: str | None,
    progress: Callable[[int, int | None], None] | None = None,
    currency: str | None = None,
) -> FilePlan:
    """Decide how to read ``source``; raise ``ImportFileError`` when it cannot be read.

    ``progress(rows scanned, None)`` is called now and then: the total is not known yet."""
    source, header_line, detected, width = _find_header(source)
    if L.CREATOR not in detected.index and not creator:
        raise ImportFileError(
            f"{source.name} is a {detected.layout.label}, which does not say whose orders these are; "
            "import it with the creator's handle (sheetops import WORKBOOK FILE --creator @handle)."
        )
    ctx = FileContext(detected, tz=tz, date_order=None, creator=creator)
    plan = FilePlan(source, header_line, ctx, data_rows=0, width=width)
    counts = _Counts(detected)
    progress = _never_back(progress)
    if not (source.is_csv and COLUMN_WISE and _scan_columns(plan, counts, progress)):
        counts = _Counts(detected)
        _scan_rows(plan, counts, progress)
    evidence, decimals, currencies, amount_codes = counts.evidence, counts.decimals, counts.currencies, counts.amount_codes
    ctx.money_style = _money_styles(decimals)
    found = next((c.most_common(1)[0][0] for c in (amount_codes, currencies) if c), None)
    ctx.date_order, plan.assumed = _date_order(source, evidence, date_order, found or currency)
    return plan


def _never_back(progress: Callable[[int, int | None], None] | None) -> Callable[[int, int | None], None] | None:
    """``progress``, told only of rows past those it was already told of: a file the
    column-wise scan gives up on partway is scanned again from its first row."""
    if progress is None:
        return None
    told = [0]

    def forward(done: int, total: int | None) -> None:
        if done > told[0]:
            told[0] = done
            progress(done, total)
    return forward


class _Counts:
    """What the scan counts: day/month evidence, decimal separators, currency codes."""

    evidence: DateEvidence
    decimals: dict[str, Counter[str]]
    currencies: Counter[str]
    amount_codes: Counter[str]

    def __init__(self, detected: L.Detected) -> None:
        self.evidence = DateEvidence()
        self.decimals = {f: Counter() for f in L.MONEY_FIELDS if f in detected.index}
        self.currencies, self.amount_codes = Counter(), Counter()


def _scan_columns(plan: FilePlan, counts: _Counts, progress: Callable[[int, int | None], None] | None) -> bool:
    """Count a CSV file column-wise; False when it must be read row by row (``csv_table``)."""
    plan.delimiter = sniff_delimiter(plan.source.path)
    rows, state = 0, SkipState()
    try:
        for batch in plan.batches():
            skipped = skipped_rows(batch, plan.ctx, state)
            scan_evidence(batch, plan.ctx, skipped, counts.evidence, counts.decimals, counts.currencies,
                          counts.amount_codes)
            if progress is not None:  # at every SCAN_PROGRESS_EVERY rows, as the row-wise scan calls it
                for done in range((rows // SCAN_PROGRESS_EVERY + 1) * SCAN_PROGRESS_EVERY, rows + batch.rows + 1,
                                  SCAN_PROGRESS_EVERY):
                    progress(done, None)
            rows += batch.rows
    except NotColumnWise:
        plan.delimiter = None
        return False
    pa.default_memory_pool().release_unused()  # the pieces' Arrow memory back to the system
    if not reads_alike(plan.source.path, header_line=plan.header_line, rows=rows):
        plan.delimiter = None
        return False
    plan.data_rows = rows
    return True


def _scan_rows(plan: FilePlan, counts: _Counts, progress: Callable[[int, int | None], None] | None) -> None:
    """Count a file row by row."""
    detected = plan.ctx.detected
    date_cols = [detected.index[f] for f in L.DATE_FIELDS if f in detected.index]
    money_cols = [(f, detected.index[f]) for f in counts.decimals]
    currency_col = detected.index.get(L.CURRENCY)
    gmv_col = detected.index.get(L.GMV)
    for _line, cells, skipped in data_rows(plan):
        plan.data_rows += 1
        if progress is not None and plan.data_rows % SCAN_PROGRESS_EVERY == 0:
            progress(plan.data_rows, None)
        if skipped:
            continue
        for i in date_cols:
            if i < len(cells):
                counts.evidence.add(cells[i])
        for fld, i in money_cols:
            if i < len(cells) and (style := decimal_evidence(cells[i])) is not None:
                counts.decimals[fld][style] += 1
        code = cells[currency_col] if currency_col is not None and currency_col < len(cells) else None
        if isinstance(code, str) and code.strip():
            counts.currencies[code.strip().upper()] += 1
        if gmv_col is not None and gmv_col < len(cells) and (symbol := currency_code(cells[gmv_col])):
            counts.amount_codes[symbol] += 1  # what the amounts are written in (£12.50) says more than a column


def _find_header(source: ExportSource) -> tuple[ExportSource, int, L.Detected, int]:
    """The first sheet and row holding a header of a known layout, and the header's width."""
    closest: L.Detected | None = None
    for sheet in range(source.sheet_count()):
        candidate = ExportSource(source.path, sheet) if sheet else source
        for n, (line, cells) in enumerate(candidate.rows()):
            if n >= L.HEADER_SEARCH_ROWS:
                break
            if not L.is_header_row(cells):
                continue
            detected, near = L.detect(cells)
            if detected is not None:
                return candidate, line, detected, len(cells)
            closest = closest or near
    if closest is not None:
        names = L.missing(closest)
        columns = ", ".join(names)
        noun = "column" if len(names) == 1 else "columns"
        raise ImportFileError(
            f"{source.name} looks like a TikTok Shop {closest.layout.label} but has no {columns} {noun}; "
            f"download it again from {closest.layout.where} without removing columns, and import that file."
        )
    raise ImportFileError(
        f"{source.name} is not a TikTok Shop affiliate orders export (none of its first "
        f"{L.HEADER_SEARCH_ROWS} rows has an Order ID column); download the affiliate orders export "
        "from Seller Center, Creator Center or Partner Center and import that file."
    )


def _money_styles(decimals: dict[str, Counter[str]]) -> dict[str, DecimalStyle]:
    """Per money column: the separator its cells show; columns that cannot tell (whole
    numbers, ``1,234``) follow the file as a whole; a file that cannot tell uses a point."""
    total: Counter[str] = sum(decimals.values(), Counter())
    file_style: DecimalStyle = "comma" if total["comma"] > total["dot"] else "dot"
    styles: dict[str, DecimalStyle] = {}
    for fld, counts in decimals.items():
        if counts["comma"] > counts["dot"]:
            styles[fld] = "comma"
        elif counts["dot"] > counts["comma"]:
            styles[fld] = "dot"
        else:
            styles[fld] = file_style
    return styles


MONTH_FIRST_CURRENCIES = frozenset({"USD", "PHP"})
"""Currencies of the TikTok Shop regions whose exports write month/day (US, Philippines);
every other region's exports write day/month."""


def _date_order(source: ExportSource, evidence: DateEvidence, setting: DateOrder | None,
                currency: str | None = None) -> tuple[DateOrder | None, str | None]:
    """The file's day/month order: what its rows show, else Settings ``Date order``, else what
    the export's currency (or the workbook's) says; and the sentence saying what was assumed."""
    decided = evidence.decide()
    if decided is not None or not evidence.undecided:
        return decided, None
    if setting in ("DMY", "MDY"):
        return setting, None
    example = evidence.example or "01/02/2026"
    if currency:
        order: DateOrder = "MDY" if currency.upper() in MONTH_FIRST_CURRENCIES else "DMY"
        words = "month first (as US exports write them)" if order == "MDY" else "day first (as UK and EU exports do)"
        return order, (f"{source.name}: dates such as {example} could be day/month or month/day and no row decides "
                       f"it, so SheetOps read them {words}, from the currency {currency.upper()}. If that is wrong, set "
                       f"Date order in the Settings tab to {'DMY' if order == 'MDY' else 'MDY'} and import again.")
    raise ImportFileError(
        f"{source.name} has dates such as {example} that could be day/month or month/day, and no row "
        "decides it; in the Settings tab set Date order to DMY (day first, as in UK exports) or MDY "
        "(month first, as in US exports), then import again."
    )
