"""A whole CSV export -> Orders lines, a column at a time (the fast twin of ``lines.map_row``).

``lines.map_row`` reads one row with one Python call per cell. Here each export column is
parsed once per *distinct* value (exports repeat prices, rates, statuses, creators and
products on many lines) with the very same parsers (``values.py``), and the columns whose
values are all different (IDs, date-times) are read with Arrow compute for the shapes TikTok
writes. ``map_row``'s arithmetic (refund, Refunded status, actual or estimated commission)
then runs on whole columns.

``map_row`` stays the judge: a row this module is not sure of (any problem, a required cell
blank, a value outside the shapes read here, a partly refunded line) is handed to it, so
every Issue is worded and placed exactly as before. ``tests/importers/test_column_lines.py``
holds the two to the same lines on random exports.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..workbook.cells import FIRST_DATE, LAST_DATE, parse_int
from . import layouts as L
from .csv_table import CsvBatch
from .lines import FileContext, OrderLine, _shared, is_blank_row, is_description
from .values import (
    BLANK_WORDS,
    DateEvidence,
    content_type_for,
    currency_code,
    decimal_evidence,
    read_datetime,
    read_money,
    read_rate,
    read_yes_no,
    status_for,
    text_of,
)

Skipped = dict[int, str]
"""Row index -> why the row is skipped ("blank" or "description"), as ``scan.data_rows`` says."""

_ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
"""What ``str.strip()`` removes from ASCII text; non-ASCII cells are read one by one."""
_SPACE_CLASS = r"[ \t\n\r\x0b\x0c\x1c-\x1f]"
_TIME = (rf"(?:[ T](?P<hh>\d{{1,2}}):(?P<mm>\d{{2}})(?::(?P<ss>\d{{2}})%s)?{_SPACE_CLASS}*"
         r"(?P<ap>AM|PM|am|pm)?)?")
_ISO = r"^(?P<y>\d{4})[-/.](?P<a>\d{1,2})[-/.](?P<b>\d{1,2})" + _TIME % r"(?:\.\d+)?" + "$"
_SLASH = r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4})" + _TIME % "" + "$"
"""``cells._ISO_RE`` without a zone and ``cells._SLASH_RE``, for ASCII text (RE2 has no Unicode
``\\d`` or ``\\s``); anything else goes through ``read_datetime`` itself."""
_EVIDENCE = r"^[ \t\n\r\x0b\x0c\x1c-\x1f]*(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-]\d{4}(?:[^0-9A-Za-z_]|$)"
"""``values._SLASH_DATE`` for ASCII text."""
_BLANK_SET = pa.array(sorted(BLANK_WORDS))
_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


# --- reading one column -------------------------------------------------------------------


def _objects(values: list[Any], indices: np.ndarray) -> np.ndarray:
    table = np.empty(len(values), dtype=object)
    table[:] = values
    return table[indices]


def _encoded(column: pa.Array) -> tuple[list[Any], np.ndarray]:
    encoded = pc.dictionary_encode(column, null_encoding="encode")
    return encoded.dictionary.to_pylist(), encoded.indices.to_numpy(zero_copy_only=False)


def per_value(column: pa.Array, read: Callable[[Any], Any]) -> np.ndarray:
    """``read`` of every cell, called once per distinct value (an object array)."""
    distinct, indices = _encoded(column)
    return _objects([read(v) for v in distinct], indices)


def shared_texts(column: pa.Array) -> np.ndarray:
    """``text_of`` of a column whose values repeat (products, creators): one string per value."""
    return per_value(column, lambda raw: _shared(text_of(raw)))


def texts(column: pa.Array) -> np.ndarray:
    """``values.text_of`` of every cell: trimmed text, None when blank or a blank marker."""
    if not pc.all(pc.string_is_ascii(column)).as_py():
        return per_value(column, text_of)
    trimmed = pc.utf8_trim(column, characters=_ASCII_SPACE)
    out = np.array(trimmed.to_pylist(), dtype=object)
    out[_blank_words(trimmed)] = None
    return out


def _blank_words(trimmed: pa.Array) -> np.ndarray:
    """Where trimmed ASCII text is empty or a blank marker (``--``, ``N/A``)."""
    return pc.is_in(pc.ascii_lower(trimmed), value_set=_BLANK_SET).to_numpy(zero_copy_only=False)


@dataclass
class Read:
    """One column read: the values (None when blank or wrong) and where a value was wrong."""

    values: np.ndarray
    wrong: np.ndarray


def _per_value_parsed(column: pa.Array, read: Callable[[str], Any]) -> Read:
    distinct, indices = _encoded(column)
    parsed = [read(v) for v in distinct]
    return Read(_objects([p.value for p in parsed], indices), np.array([p.error is not None for p in parsed],
                                                                       dtype=bool)[indices])


def _ints(strings: pa.Array, default: int = 0) -> np.ndarray:
    digits = pc.if_else(pc.equal(strings, ""), str(default), strings)
    return pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False)


def _hours(hh: np.ndarray, ap: np.ndarray) -> np.ndarray:
    """``cells._hour`` on whole columns (``ap``: 0 none, 1 AM, 2 PM)."""
    out = hh.copy()
    twelve = hh == 12
    out[twelve & (ap == 1)] = 0
    out[~twelve & (ap == 2)] += 12
    return out


def datetimes(column: pa.Array, *, tz: dt.tzinfo, order: str | None) -> Read:
    """``values.read_datetime`` of every cell; the usual ISO and slash shapes read by Arrow."""
    n = len(column)
    values = np.full(n, None, dtype=object)
    done = np.zeros(n, dtype=bool)
    if n and pc.all(pc.string_is_ascii(column)).as_py():
        text = pc.utf8_trim(column, characters=_ASCII_SPACE)
        done |= _blank_words(text)
        for pattern, is_iso in ((_ISO, True), (_SLASH, False)):
            found = pc.extract_regex(text, pattern)
            matched = found.is_valid().to_numpy(zero_copy_only=False) & ~done
            if not matched.any():
                continue
            part = {name: found.field(name) for name in ("y", "a", "b", "hh", "mm", "ss", "ap")}
            year, first, second = _ints(part["y"]), _ints(part["a"]), _ints(part["b"])
            hh, mm, ss = _ints(part["hh"]), _ints(part["mm"]), _ints(part["ss"])
            ap_text = pc.ascii_upper(part["ap"])
            ap = np.where(pc.equal(ap_text, "AM").to_numpy(zero_copy_only=False), 1,
                          np.where(pc.equal(ap_text, "PM").to_numpy(zero_copy_only=False), 2, 0))
            if is_iso:
                month, day, sure = first, second, matched
            else:
                by_order = order if order in ("DMY", "MDY", "YMD") else None
                if by_order is not None:
                    month_first = np.full(n, by_order in ("MDY", "YMD"))
                    sure = matched
                else:  # cells._parse_datetime's own rule when the file's order is unknown
                    day_first = (first > 12) & (second <= 12)
                    month_first = ((second > 12) & (first <= 12)) | (first == second)
                    sure = matched & (day_first | month_first)
                month, day = np.where(month_first, first, second), np.where(month_first, second, first)
            hour = _hours(hh, ap)
            leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
            month_ok = (month >= 1) & (month <= 12)
            last_day = _DAYS[np.where(month_ok, month, 0)] + (leap & (month == 2))
            ok = (sure & month_ok & (day >= 1) & (day <= last_day) & (hour <= 23) & (mm <= 59) & (ss <= 59)
                  & (year >= FIRST_DATE.year) & (year <= LAST_DATE.year))
            if ok.any():
                stamps = ((year[ok] - 1970) * 12 + month[ok] - 1).astype("datetime64[M]").astype("datetime64[D]")
                stamps = (stamps + (day[ok] - 1).astype("timedelta64[D]")).astype("datetime64[s]") + (
                    hour[ok] * 3600 + mm[ok] * 60 + ss[ok]).astype("timedelta64[s]")
                values[ok] = stamps.astype(object)
                done |= ok
    wrong = np.zeros(n, dtype=bool)
    rest = np.flatnonzero(~done)
    if len(rest):
        cache: dict[str, Any] = {}
        for i, raw in zip(rest, column.take(pa.array(rest)).to_pylist()):
            parsed = cache.get(raw)
            if parsed is None:
                parsed = cache[raw] = read_datetime(raw, tz=tz, order=order)  # type: ignore[arg-type]
            values[i], wrong[i] = parsed.value, parsed.error is not None
    return Read(values, wrong)


# --- which rows are skipped, and what the scan learns ----------------------------------------


def blanks(column: pa.Array) -> np.ndarray:
    """Where ``text_of`` of a cell is None (blank or a blank marker), without Python strings
    for ASCII columns."""
    if not pc.all(pc.string_is_ascii(column)).as_py():
        return per_value(column, lambda raw: text_of(raw) is None).astype(bool)
    return _blank_words(pc.utf8_trim(column, characters=_ASCII_SPACE))


@dataclass
class SkipState:
    """Across a file's batches: whether the first row that is not blank was seen yet."""

    first_seen: bool = False


def skipped_rows(batch: CsvBatch, ctx: FileContext, state: SkipState) -> Skipped:
    """The blank rows and the description row of one batch, as ``scan.data_rows`` finds them."""
    maybe_blank = np.flatnonzero(blanks(batch.columns[ctx.detected.index[L.ORDER_ID]])).tolist()
    skipped: Skipped = {i: "blank" for i in maybe_blank if is_blank_row(batch.cells(i))}
    if not state.first_seen:
        first = next((i for i in range(batch.rows) if i not in skipped), None)
        if first is not None:
            state.first_seen = True
            if is_description(batch.cells(first), ctx):
                skipped[first] = "description"
    return skipped


def scan_evidence(table: CsvBatch, ctx: FileContext, skipped: Skipped, evidence: DateEvidence,
                  decimals: dict[str, Any], currencies: Any, amount_codes: Any) -> None:
    """What ``scan.scan_file``'s row loop counts, counted a column at a time over the rows not skipped."""
    keep = np.ones(table.rows, dtype=bool)
    keep[list(skipped)] = False
    mask = pa.array(keep)
    index = ctx.detected.index
    examples = [found for order, fld in enumerate(L.DATE_FIELDS) if fld in index
                if (found := _date_evidence(table.columns[index[fld]].filter(mask), evidence, order)) is not None]
    if examples and not evidence.example:
        evidence.example = min(examples)[2]  # the first in the file, row by row as scan_file reads
    for fld in decimals:
        for value, count in _counts(table.columns[index[fld]].filter(mask)):
            if (style := decimal_evidence(value)) is not None:
                decimals[fld][style] += count
    if L.CURRENCY in index:
        for value, count in _counts(table.columns[index[L.CURRENCY]].filter(mask)):
            if value.strip():
                currencies[value.strip().upper()] += count
    if L.GMV in index:
        for value, count in _counts(table.columns[index[L.GMV]].filter(mask)):
            if symbol := currency_code(value):
                amount_codes[symbol] += count


def _counts(column: pa.Array) -> Iterator[tuple[str, int]]:
    for item in pc.value_counts(column).to_pylist():
        yield item["values"], item["counts"]


def _date_evidence(column: pa.Array, evidence: DateEvidence, order: int) -> tuple[int, int, str] | None:
    """Count what every cell says (``DateEvidence.add``); the first cell that cannot tell, as
    (row, ``order``, its text), or None."""
    if not len(column):
        return None
    if not pc.all(pc.string_is_ascii(column)).as_py():
        own = DateEvidence()
        example: tuple[int, int, str] | None = None
        for i, raw in enumerate(column.to_pylist()):
            own.add(raw)
            if example is None and own.example:
                example = (i, order, own.example)
        evidence.day_first += own.day_first
        evidence.month_first += own.month_first
        evidence.ambiguous += own.ambiguous
        return example
    found = pc.extract_regex(column, _EVIDENCE)
    matched = found.is_valid().to_numpy(zero_copy_only=False)
    first, second = _ints(found.field("a")), _ints(found.field("b"))
    day_first = matched & (first > 12) & (second <= 12)
    month_first = matched & (second > 12) & (first <= 12)
    ambiguous = matched & ~day_first & ~month_first & (first != second)
    evidence.day_first += int(day_first.sum())
    evidence.month_first += int(month_first.sum())
    evidence.ambiguous += int(ambiguous.sum())
    if not ambiguous.any():
        return None
    row = int(np.argmax(ambiguous))
    return row, order, column[row].as_py().strip()


# --- the lines ------------------------------------------------------------------------------


def column_lines(table: CsvBatch, ctx: FileContext, skipped: Skipped) -> list[OrderLine | None]:
    """Row ``i``'s Orders line, or None where ``map_row`` must read the row (and skipped rows)."""
    n = table.rows
    index, layout = ctx.detected.index, ctx.detected.layout
    unsure = np.zeros(n, dtype=bool)
    unsure[list(skipped)] = True
    none = np.full(n, None, dtype=object)

    def column(fld: str) -> pa.Array | None:
        return table.columns[index[fld]] if fld in index else None

    def text_of_field(fld: str, read: Callable[[pa.Array], np.ndarray] = texts) -> np.ndarray:
        col = column(fld)
        return read(col) if col is not None else none

    def read(fld: str, parse: Callable[[str], Any]) -> Read:
        col = column(fld)
        if col is None:  # map_row reads a missing column as a blank cell
            blank = parse(None)  # type: ignore[arg-type]
            return Read(np.full(n, blank.value, dtype=object), np.full(n, blank.error is not None))
        return _per_value_parsed(col, parse)

    def money(fld: str) -> Read:
        style = ctx.money_style.get(fld, "dot")
        return read(fld, lambda raw: read_money(raw, style))

    def dates(fld: str) -> Read:
        col = column(fld)
        if col is None:
            return Read(none, np.zeros(n, dtype=bool))
        return datetimes(col, tz=ctx.tz, order=ctx.date_order)

    order_id = text_of_field(L.ORDER_ID)
    sku_id = text_of_field(L.SKU_ID)
    creator = text_of_field(L.CREATOR, shared_texts)
    if ctx.creator:
        creator = np.where(creator == None, sys.intern(ctx.creator), creator)  # noqa: E711
    order_date, settled_date = dates(L.ORDER_DATE), dates(L.SETTLED_DATE)
    gmv = money(L.GMV)
    quantity = read(L.QUANTITY, lambda raw: parse_int(raw, minimum=0))
    paid = settled_date.values != None  # noqa: E711
    status_paid = read(L.STATUS, lambda raw: status_for(raw, commission_paid=True))
    status_unpaid = read(L.STATUS, lambda raw: status_for(raw, commission_paid=False))
    status = np.where(paid, status_paid.values, status_unpaid.values)
    rate = read(L.RATE, read_rate)
    unsure |= (order_id == None) | (creator == None) | (order_date.values == None) | (gmv.values == None)  # noqa: E711
    unsure |= order_date.wrong | settled_date.wrong | gmv.wrong | quantity.wrong | rate.wrong
    unsure |= np.where(paid, status_paid.wrong, status_unpaid.wrong)

    gmv_cents = np.where(unsure, 0, gmv.values).astype(np.int64)
    refund: np.ndarray = none
    if L.FULLY_REFUNDED in index:
        fully = read(L.FULLY_REFUNDED, read_yes_no)
        unsure |= fully.wrong
        refund = np.where(fully.values == True, gmv_cents, 0).astype(object)  # noqa: E712
    elif L.ITEMS_REFUNDED in index:
        items = read(L.ITEMS_REFUNDED, lambda raw: parse_int(raw, minimum=0))
        unsure |= items.wrong
        items_n = np.where(items.wrong | (items.values == None), 0, items.values).astype(np.int64)  # noqa: E711
        qty = np.where(quantity.values == None, 0, quantity.values).astype(np.int64)  # noqa: E711
        whole = (items_n > 0) & ((qty == 0) | (items_n >= qty))
        unsure |= (items_n > 0) & ~whole  # a share of GMV: map_row rounds it
        refund = np.where(whole, gmv_cents, 0).astype(object)
    if refund is not none:
        refunded = (gmv_cents != 0) & (refund.astype(np.int64) >= gmv_cents)
        refunded &= ~np.isin(status.astype(str), ["Ineligible", "Unpaid", "None"])
        status = np.where(refunded, "Refunded", status)
    settled = status == "Settled"

    base = money(L.ACT_BASE)
    unsure |= settled & base.wrong
    base_values = _where(settled, base.values)
    commission = np.zeros(n, dtype=np.int64)
    seen = np.zeros(n, dtype=bool)
    for actual, estimated in layout.commission_parts:
        for fld, when in ((actual, settled), (estimated, ~settled)):
            if fld not in index:
                continue
            part = money(fld)
            unsure |= when & part.wrong
            filled = when & (part.values != None)  # noqa: E711
            commission += np.where(filled & ~unsure, part.values, 0).astype(np.int64)
            seen |= filled
    commission_values = _where(seen, commission.astype(object))

    currency = text_of_field(L.CURRENCY)
    if (currency == None).any():  # noqa: E711
        gmv_col = column(L.GMV)
        codes = per_value(gmv_col, currency_code) if gmv_col is not None else none
        currency = np.where(currency == None, codes, currency)  # noqa: E711
    currency = per_value(pa.array(currency, type=pa.string()), lambda c: sys.intern(c.upper()) if c else None)
    content = text_of_field(L.CONTENT_TYPE, lambda col: per_value(col, content_type_for))

    columns = (
        order_id, sku_id, text_of_field(L.PRODUCT_ID, shared_texts), text_of_field(L.PRODUCT, shared_texts),
        creator, order_date.values, settled_date.values, status, quantity.values, gmv.values,
        refund, base_values, rate.values, commission_values, content, text_of_field(L.CONTENT_ID), currency,
    )
    lines: list[OrderLine | None] = list(zip(*(c.tolist() for c in columns)))
    for i in np.flatnonzero(unsure).tolist():
        lines[i] = None
    return lines


def _where(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` where ``mask``, None elsewhere (an object array)."""
    out = np.full(len(mask), None, dtype=object)
    out[mask] = values[mask]
    return out
