"""What the sheet XML itself says, read in passes over a sheet part: the few things neither
calamine reader gives as the row-wise read needs them (``xlsx_read`` uses these).

- ``peek``: is row 1 an all-text header, which columns look like text holding numbers, and
  which hold only numbers or dates in the rows read;
- ``scan``: error cells (``#N/A``: both readers show them empty), the cells of text columns
  that are not text, with their stored values, the columns of numbers that hold a text cell
  somewhere, and whether the part is written in a way these passes read (else the tab is
  read row-wise);
- ``error_cells``: the error cells alone, for the row-wise read.
"""

from __future__ import annotations

import functools
import os
import re
import struct
import zipfile
import zlib
from typing import Iterable, Iterator, NamedTuple

import numpy as np

from .base import CellError
from .xlsx_xml import attrs, split_ref

_ERROR_MARKS = (b't="e"', b"t='e'")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)</(?:[\w.-]+:)?v>")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c>")

_ROW_START = re.compile(rb"<(?:[\w.-]+:)?row\b([^>]*?)(/?)>")
_ROW_END = re.compile(rb"</(?:[\w.-]+:)?row>")
_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c>)", re.S)
_HAS_VALUE = re.compile(rb"<(?:[\w.-]+:)?(?:v>[^<]|is\b)")
_TEXT_TYPES = {"s", "inlineStr", "str"}

PEEK_BYTES = 1 << 18
"""How much of a sheet part past its header row ``peek`` reads (256 KB, a few thousand rows)."""
BLOCK_BYTES = 1 << 23
"""The passes decompress a sheet part in blocks of about this size (8 MB), each ending after
a whole row. Tests make both small, so that words further down and blocks are exercised."""


class Peeked(NamedTuple):
    """What the first rows of a sheet part say about its columns (letters)."""

    guess: set[str]
    """Columns holding a text cell that looks like a number or a date (shared strings: any
    text cell): a guess of which columns fastexcel will make text that may hide numbers."""
    typed: set[str]
    """Columns whose filled cells are all numbers or dates (``t`` absent or ``n``): a text cell
    further down makes fastexcel turn such a column into text, so ``scan`` watches them."""


def peek(zip_file: zipfile.ZipFile, part: str) -> Peeked | None:
    """None unless the sheet's first row with cells is row 1 and every filled cell in it is
    text (read from the start of the part only); else what the rows read with it say."""
    data = b""
    with zip_file.open(part) as stream:
        while True:
            chunk = stream.read(max(1, min(1 << 16, PEEK_BYTES)))
            data += chunk
            start = _ROW_START.search(data)
            if start and (start.group(2) or _ROW_END.search(data, start.end())):
                break
            if not chunk or len(data) > 1 << 24:
                return None
        data += stream.read(PEEK_BYTES)
    a = attrs(start.group(1).decode("utf-8", "replace"))
    if start.group(2) or a.get("r", "1") != "1":
        return None
    end = _ROW_END.search(data, start.end())
    assert end is not None
    filled = 0
    for cell in _CELL.finditer(data, start.end(), end.start()):
        body = cell.group(2) or b""
        if not _HAS_VALUE.search(body):
            continue
        if attrs(cell.group(1).decode("utf-8", "replace")).get("t", "n") not in _TEXT_TYPES:
            return None
        filled += 1
    if not filled:
        return None
    texts = list(_TEXT_CELL.finditer(data, end.end()))
    guess = {m.group(1).decode() for m in texts
             if m.group(2) != b"inlineStr" or m.group(3) is None or _SHAPED.match(m.group(3))}
    typed = {x.decode() for x in _PLAIN_CELL.findall(data, end.end())} - {m.group(1).decode() for m in texts}
    return Peeked(guess, typed)


_TEXT_CELL = re.compile(rb'<c r="([A-Z]+)\d+"[^>]*?\bt="(s|inlineStr|str)"[^>]*>(?:<is><t>([^<]*)</t>)?')
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]+)\d+"(?![^>]*\bt="(?!n"))[^>]*><(?:f\b|v>)')
"""A cell with a value and no ``t`` attribute but ``t="n"``: a number, or a date by its style."""
_NUMBER = r"-?(?:\d+(?:\.\d*)?|inf|NaN)"
NUMBER_SHOWN = rf"^{_NUMBER}$"
"""How fastexcel shows a number cell in a column it made text."""
SHOWN_NOT_TEXT = rf"^(?:{_NUMBER}|[+-]?\d{{4,}}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)$"
"""How fastexcel shows a number or a date cell in a column it made text: only text columns
holding such a value can hide cells that are not text, so only those are scanned."""
_SHAPED = re.compile(SHOWN_NOT_TEXT.encode())


class Scanned(NamedTuple):
    odd: np.ndarray
    """The cells of the scanned columns that are not text, one row each: (column letters, row,
    attributes, stored value), as a 2-D bytes array (compact: a worded column of a million
    amounts is a million rows here, made a block at a time, not a million Python tuples)."""
    errors: list[tuple[tuple[int, int], CellError]]
    """The error cells: ((data row from 1, sheet column), error)."""
    worded: dict[str, int]
    """The watched columns that hold a text cell, each with the block it was first found in:
    from that block on, its cells that are not text are in ``odd``; the blocks before it need
    a second pass (``scan(..., upto=block)``)."""


def scan(zip_file: zipfile.ZipFile, part: str, letters: list[str], *, errors: bool = True,
         watch: Iterable[str] = (), upto: int | None = None) -> Scanned | None:
    """One pass over a sheet part: the cells of the ``letters`` columns that are not text,
    the error cells, and which ``watch`` columns hold a text cell. None when the part holds
    true/false cells, or when it is written in a way this scan does not read (a cell without
    ``r="..."`` first, single quotes, prefixed tags): then the tab is read row-wise. How
    cells are written is the writer's, the same through the whole part, so that is checked
    on the first block. ``errors=False``: only the cells of ``letters`` (a second pass), in
    the blocks before ``upto`` when given."""
    odd: list[np.ndarray] = []
    found: list[tuple[tuple[int, int], CellError]] = []
    first = errors
    scanned = set(letters)
    watched = set(watch) - scanned
    worded: dict[str, int] = {}
    for index, block in enumerate(_blocks(zip_file, part)):
        if upto is not None and index >= upto:
            break
        if first and (b"='" in block or b':c r="' in block or b"<c>" in block
                      or _SPACED.search(block) or block.count(b"<c ") != block.count(b'<c r="')):
            return None
        first = False
        if errors and _MARKED.search(block):  # rare: one search for the three marks first
            if b't="b"' in block or b't="d"' in block:
                return None
            if b't="e"' in block:
                found.extend(_errors_in(block))
        if watched:  # one pass for both; a watched column's text cells are rare
            cells = _table(_cells(tuple(sorted(scanned)), tuple(sorted(watched))).findall(block), 5)
            word = cells[:, 4] != b""
            odd.append(cells[~word, :4])
            hits = {x.decode() for x in set(cells[word, 4].tolist())}
            if hits:  # from this block on, its cells are scanned like a text column's
                odd.append(_table(_cells(tuple(sorted(hits)), ()).findall(block), 4))
                worded.update(dict.fromkeys(hits, index))
                scanned |= hits
                watched -= hits
        elif scanned:
            odd.append(_table(_cells(tuple(sorted(scanned)), ()).findall(block), 4))
    return Scanned(stacked(odd), found, worded)


def _table(cells: list[tuple[bytes, ...]], width: int) -> np.ndarray:
    """Cells found by a pattern as a 2-D bytes array of ``width`` columns."""
    return np.array(cells, dtype=bytes) if cells else np.empty((0, width), dtype="S1")


def stacked(tables: list[np.ndarray]) -> np.ndarray:
    """Tables of cells (as ``Scanned.odd``) one after the other."""
    tables = [t for t in tables if len(t)]
    return np.concatenate(tables) if tables else np.empty((0, 4), dtype="S1")


_MARKED = re.compile(rb't="[bde]"')


def _blocks(zip_file: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """A sheet part decompressed in blocks of about 8 MB, each ending after a whole row."""
    carry = b""
    chunks = _inflated(zip_file, part)
    while True:
        chunk = next(chunks, b"")
        last = not chunk
        data = carry + chunk
        del chunk  # only the block is held while it is looked at (a pass runs beside fastexcel)
        cut = len(data) if last else data.rfind(b"</row>") + 6 if b"</row>" in data else 0
        block, carry = data[:cut], data[cut:]
        del data
        if block:
            yield block
        if last:
            return


def _inflated(zip_file: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part's bytes in pieces of ``BLOCK_BYTES`` (the last one shorter), as
    ``zip_file.open(part).read(BLOCK_BYTES)`` gives them, with the same checks (the name in
    the local header, the CRC-32 once the whole part is read: a damaged part is refused, never
    read with wrong values). Read straight from the open file with ``os.pread`` (the zip's
    own file position is left alone) and inflated here, in larger steps than zipfile takes;
    zipfile's own reader where that cannot be done (Windows, a zip in memory)."""
    info = zip_file.getinfo(part)
    fileno = _fileno(zip_file)
    if fileno is None or info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        with zip_file.open(part) as stream:
            while chunk := stream.read(BLOCK_BYTES):
                yield chunk
        return
    header = os.pread(fileno, 30, info.header_offset)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"Bad magic number for file header of {part!r}")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    name = os.pread(fileno, name_len, info.header_offset + 30)
    if name.decode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace") != info.orig_filename:
        raise zipfile.BadZipFile(f"File name in directory {info.orig_filename!r} and header {name!r} differ.")
    at, left = info.header_offset + 30 + name_len + extra_len, info.compress_size
    inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    crc, pieces, have = 0, [], 0  # pieces of the next block, never more than BLOCK_BYTES in all
    while left:
        raw = os.pread(fileno, min(left, 1 << 20), at)
        if not raw:
            raise zipfile.BadZipFile(f"{part} is truncated")
        at, left = at + len(raw), left - len(raw)
        while raw:
            need = BLOCK_BYTES - have
            if inflate is None:
                out, raw = raw[:need], raw[need:]
            else:
                out = inflate.decompress(raw, need)
                raw = inflate.unconsumed_tail
            crc = zlib.crc32(out, crc)
            pieces.append(out)
            have += len(out)
            if have == BLOCK_BYTES:
                block = b"".join(pieces)
                pieces, have = [], 0
                yield block
                del block
    if inflate is not None:
        out = inflate.flush()
        crc = zlib.crc32(out, crc)
        pieces.append(out)
    if crc != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {part!r}")
    rest = b"".join(pieces)
    for start in range(0, len(rest), BLOCK_BYTES):
        yield rest[start:start + BLOCK_BYTES]


def _fileno(zip_file: zipfile.ZipFile) -> int | None:
    """The descriptor of the file the zip was opened from, where ``os.pread`` can use it."""
    if not hasattr(os, "pread"):  # Windows
        return None
    try:
        return zip_file.fp.fileno() if zip_file.fp is not None else None
    except (AttributeError, OSError, ValueError):  # a zip opened from memory
        return None


_SPACED = re.compile(rb"<(?:c|v|f|row)\b[^>]*>[ \t\r\n]+<|</(?:v|f|c|is|row)>[ \t\r\n]+<"
                     rb"|<c[\t\r\n]|</?v[\s/]|<!--|<c r=\"[a-z$]|<c\b[^>]*[-.:]t=\"")
"""XML written in ways the passes do not read: white space between or inside the tags of
cells (pretty-printed), comments, lower-case or absolute cell references, an attribute
whose name ends in ``t``: the tab is read row-wise."""


@functools.lru_cache(maxsize=64)
def _cells(letters: tuple[str, ...], watch: tuple[str, ...]) -> "re.Pattern[bytes]":
    """The cells of ``letters`` that are not text, as (letters, row, attributes, stored
    value); with ``watch``, also the text cells of those columns, as a fifth group (the
    header row excepted), written as Excel and this tool write them (``s`` before ``t``, no
    other attribute): a text cell written otherwise is not seen here, and its column is then
    read by a pass after fastexcel, as any column that turns out text."""
    def alternatives(names: tuple[str, ...]) -> bytes:
        return b"|".join(x.encode() for x in sorted(names, key=len, reverse=True)) or b"(?!)"

    odd = (rb"(" + alternatives(letters) + rb')(\d+)"(?![^>]*\bt="(?:s|inlineStr|str)")([^>]*)>'
           rb"(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?<v>([^<]*)</v>")
    if not watch:
        return re.compile(rb'<c r="' + odd)
    return re.compile(rb'<c r="(?:' + odd + rb"|(" + alternatives(watch) + rb')(?!1")\d+"(?: s="\d+")? t="(?:s|inlineStr|str)")')


T_ATTR = re.compile(rb'\bt="([^"]*)"')


def error_cells(zip_file: zipfile.ZipFile, part: str) -> Iterator[tuple[tuple[int, int], CellError]]:
    """Error cells of a sheet part, found without parsing the rest of it."""
    for block in _blocks(zip_file, part):
        if any(mark in block for mark in _ERROR_MARKS):
            yield from _errors_in(block)


def _errors_in(block: bytes) -> Iterator[tuple[tuple[int, int], CellError]]:
    for mark in _ERROR_MARKS:
        pos = block.find(mark)
        while pos >= 0:
            start = block.rfind(b"<", 0, pos)
            tag_end = block.find(b">", pos)
            a = attrs(block[start:tag_end].decode("utf-8", "replace"))
            end = None if block[tag_end - 1: tag_end] == b"/" else _CELL_END.search(block, tag_end)
            body = block[tag_end + 1: end.start()] if end else b""
            v = _VALUE.search(body)
            if "r" in a and v:
                try:
                    yield split_ref(a["r"]), CellError(v.group(1).decode("utf-8"))
                except ValueError:
                    pass
            pos = block.find(mark, pos + 1)
