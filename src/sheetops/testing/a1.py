"""A1 notation as the Google Sheets API reads and writes it, kept pure.

A range string is ``[sheet!]ref[:ref]`` where ``sheet`` may be quoted (``'My Tab'``,
with ``''`` for a literal quote) and each ``ref`` is a cell (``B3``), a column (``B``) or a
row (``3``). A bare string that is not a reference names a whole sheet. Parsed ranges are
0-based and half-open, with ``None`` for an open end ("to the end of the grid"):

>>> parse_a1("'My Tab'!A2:C")
A1Range(sheet='My Tab', row0=1, row1=None, col0=0, col1=3)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..backends.base import column_letter

_REF = re.compile(r"^([A-Za-z]{0,3})(\d*)$")
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_REF = re.compile(r"^([A-Za-z]{1,3}\d*|\d+|[Rr]\d*[Cc]\d*)$")


class A1Error(ValueError):
    """A string that is not valid A1 notation."""


@dataclass(frozen=True)
class A1Range:
    """A parsed range: ``sheet`` is ``None`` when the string named no sheet; ``row1`` and
    ``col1`` are exclusive ends or ``None`` for open ends. ``whole_sheet`` is a bare name."""

    sheet: str | None
    row0: int = 0
    row1: int | None = None
    col0: int = 0
    col1: int | None = None

    @property
    def whole_sheet(self) -> bool:
        return self.row0 == 0 and self.col0 == 0 and self.row1 is None and self.col1 is None


def column_letters(col0: int) -> str:
    """0-based column index to letters: 0 -> ``A``, 26 -> ``AA``."""
    return column_letter(col0)


def column_index(letters: str) -> int:
    """Column letters to a 0-based index: ``AA`` -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def quote_sheet(name: str) -> str:
    """A sheet name as Google writes it in a range: quoted unless plainly alphanumeric."""
    if _PLAIN_NAME.match(name) and not _LOOKS_LIKE_REF.match(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def split_sheet(text: str) -> tuple[str | None, str]:
    """Split ``sheet!ref`` into (sheet or None, ref); a quoted sheet may contain ``!``."""
    text = text.strip()
    if text.startswith("'"):
        i, name = 1, []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if text[i + 1 : i + 2] == "'":
                    name.append("'")
                    i += 2
                    continue
                rest = text[i + 1 :]
                if rest == "":
                    return "".join(name), ""
                if not rest.startswith("!"):
                    raise A1Error(text)
                return "".join(name), rest[1:]
            name.append(ch)
            i += 1
        raise A1Error(text)
    if "!" in text:
        sheet, _, ref = text.rpartition("!")
        return sheet, ref
    return None, text


def _parse_ref(ref: str) -> tuple[int | None, int | None]:
    """One end of a range: (row0 or None, col0 or None)."""
    m = _REF.match(ref.strip().replace("$", ""))
    if not m or (not m.group(1) and not m.group(2)):
        raise A1Error(ref)
    letters, digits = m.groups()
    col = column_index(letters) if letters else None
    row = int(digits) - 1 if digits else None
    if row is not None and row < 0:
        raise A1Error(ref)
    return row, col


def parse_ref_part(ref: str) -> tuple[int, int | None, int, int | None]:
    """The part after ``!``: returns (row0, row1, col0, col1), half-open, None = open."""
    start, sep, end = ref.partition(":")
    r0, c0 = _parse_ref(start)
    if not sep:
        if r0 is None:  # "B" alone is a whole column, "3" alone is a whole row
            return 0, None, c0 or 0, (c0 or 0) + 1
        if c0 is None:
            return r0, r0 + 1, 0, None
        return r0, r0 + 1, c0, c0 + 1
    r1, c1 = _parse_ref(end)
    if (c0 is None) != (c1 is None) and r0 is None:
        raise A1Error(ref)
    rows = sorted(x for x in (r0, r1) if x is not None)
    cols = sorted(x for x in (c0, c1) if x is not None)
    row_lo = rows[0] if rows else 0
    row_hi = rows[-1] + 1 if r0 is not None and r1 is not None else None
    if r0 is None and r1 is not None:
        row_lo, row_hi = 0, None
    col_lo = cols[0] if cols else 0
    col_hi = cols[-1] + 1 if c0 is not None and c1 is not None else None
    return row_lo, row_hi, col_lo, col_hi


def parse_a1(text: str) -> A1Range:
    """Parse a range string; a string that is no reference is taken as a sheet name."""
    sheet, ref = split_sheet(text)
    if sheet is not None and ref == "":
        return A1Range(sheet)
    try:
        r0, r1, c0, c1 = parse_ref_part(ref)
    except A1Error:
        if sheet is None and ref:
            return A1Range(ref)
        raise
    return A1Range(sheet, r0, r1, c0, c1)


def format_a1(sheet: str, row0: int, row1: int, col0: int, col1: int) -> str:
    """A closed range as Google answers it: ``Sheet1!A1:C3``, or ``Sheet1!B2`` for a cell."""
    start = f"{column_letters(col0)}{row0 + 1}"
    if row1 - row0 <= 1 and col1 - col0 <= 1:
        return f"{quote_sheet(sheet)}!{start}"
    return f"{quote_sheet(sheet)}!{start}:{column_letters(col1 - 1)}{row1}"
