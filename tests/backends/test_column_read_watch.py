"""A typed word further down a column of numbers (issue #21): the pass over the XML that runs
while fastexcel parses watches the columns of numbers and dates for a text cell, takes such a
column's cells from the block where its first word is, and reads the blocks before it again
at once. These tests make the peek and the blocks tiny, so that words sit past what ``peek``
saw and in later blocks, and hold the column-wise read to the row-wise read's cells."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetops.backends import xlsx_read, xlsx_scan
from sheetops.backends.column_grid import ColumnGrid
from sheetops.backends.xlsx_scan import peek, scan

from .test_column_read import HEADERS, _both, _write, columns


@pytest.fixture()
def tiny() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(xlsx_scan, "PEEK_BYTES", 64)
        mp.setattr(xlsx_scan, "BLOCK_BYTES", 300)
        yield mp


def _spy(mp: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The scans the column-wise read makes, with their arguments."""
    calls: list[dict[str, Any]] = []

    def spied(zip_file: zipfile.ZipFile, part: str, letters: list[str], **kw: Any) -> Any:
        calls.append({"letters": list(letters), **kw})
        return scan(zip_file, part, letters, **kw)

    mp.setattr(xlsx_read, "scan", spied)
    return calls


AMOUNTS = [12.5, 0.1, 5e-324, 1e20, 17.1, -0.0, 3.0, 99.99, 123456789.125, 0.3, 7.25, 1.5] * 4


@pytest.mark.parametrize("at", [0, 5, 20, 47])
def test_a_word_anywhere_down_a_column_of_amounts_is_read_exactly(tmp_path: Path, tiny: pytest.MonkeyPatch,
                                                                 at: int) -> None:
    amounts: list[Any] = list(AMOUNTS)
    amounts[at] = "12O.00"
    when = [dt.datetime(2026, 1, 1 + i % 28, 9, i % 60) for i in range(len(amounts))]
    path = _write(tmp_path / "o.xlsx", ["Order ID", "GMV", "Order date"],
                  [[f"A{i}" for i in range(len(amounts))], amounts, when])
    calls = _spy(tiny)
    fast, slow = _both(path)
    grid = fast["T"]
    assert isinstance(grid, ColumnGrid)
    assert grid.column(1) == amounts  # each number the XML's own, the word kept
    assert list(grid) == slow["T"]
    if at == 0:
        return  # peek saw the word: the column is neither watched nor guessed, a pass after fastexcel reads it
    first = calls[0]
    assert "B" in first["watch"]  # a column of numbers in what peek saw
    # no pass after fastexcel: the word's column was taken in the same pass (and, when the
    # word is past the first block, the blocks before it read again at once)
    later = [c for c in calls[1:] if c.get("upto") is None]
    assert later == []
    earlier = [c for c in calls[1:] if c.get("upto") is not None]
    assert all(c["letters"] == ["B"] and c["upto"] > 0 for c in earlier)


def test_words_in_two_columns_in_different_blocks(tmp_path: Path, tiny: pytest.MonkeyPatch) -> None:
    gmv: list[Any] = list(AMOUNTS)
    refund: list[Any] = list(AMOUNTS)
    gmv[40] = "N/A"
    refund[9] = "twelve"
    path = _write(tmp_path / "o.xlsx", ["Order ID", "GMV", "Refund"], [[str(i) for i in range(len(gmv))], gmv, refund])
    calls = _spy(tiny)
    fast, slow = _both(path)
    assert isinstance(fast["T"], ColumnGrid)
    assert fast["T"].column(1) == gmv and fast["T"].column(2) == refund
    assert list(fast["T"]) == slow["T"]
    uptos = {c["letters"][0]: c["upto"] for c in calls[1:]}
    assert set(uptos) == {"B", "C"} and uptos["B"] > uptos["C"]


def test_the_watch_pass_finds_the_same_cells_as_a_whole_second_pass(tmp_path: Path, tiny: pytest.MonkeyPatch) -> None:
    amounts: list[Any] = list(AMOUNTS)
    amounts[30] = "12O.00"
    path = _write(tmp_path / "o.xlsx", ["Order ID", "GMV"], [[str(i) for i in range(len(amounts))], amounts])
    with zipfile.ZipFile(path) as z:
        part = "xl/worksheets/sheet1.xml"
        seen = peek(z, part)
        assert seen is not None and seen.typed == {"B"}
        found = scan(z, part, sorted(seen.guess), watch=seen.typed)
        assert found is not None and list(found.worded) == ["B"] and found.worded["B"] > 0
        before = scan(z, part, ["B"], errors=False, upto=found.worded["B"])
        whole = scan(z, part, ["B"], errors=False)
        assert before is not None and whole is not None
        both = [tuple(r) for r in found.odd.tolist() + before.odd.tolist()]
        assert sorted(both) == sorted(tuple(r) for r in whole.odd.tolist())
        assert len(whole.odd) == len(amounts) - 1


def test_the_header_is_not_a_word(tmp_path: Path, tiny: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "o.xlsx", ["Order ID", "GMV"], [[str(i) for i in range(30)], [float(i) for i in range(30)]])
    with zipfile.ZipFile(path) as z:
        seen = peek(z, "xl/worksheets/sheet1.xml")
        assert seen is not None
        found = scan(z, "xl/worksheets/sheet1.xml", sorted(seen.guess), watch=seen.typed)
        assert found is not None and found.worded == {}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=HEADERS, cols=st.lists(columns(), min_size=1, max_size=6), start=st.integers(1, 3))
def test_small_blocks_read_the_same_cells_as_the_row_read(tmp_path: Path, tiny: pytest.MonkeyPatch, header: list[Any],
                                                         cols: list[list[Any]], start: int) -> None:
    path = _write(tmp_path / "t.xlsx", header, cols, start)
    fast, slow = _both(path)
    assert list(fast["T"]) == slow["T"]
    assert len(fast["T"]) == len(slow["T"])


def _stored_sheet(tmp_path: Path, rows: int) -> Path:
    """A workbook whose one large sheet part is stored (not deflated), so its bytes can be damaged."""
    from .test_column_read_edges import _book, _text

    data = ['<row r="1">' + _text("A1", "Order ID") + _text("B1", "GMV") + "</row>"]
    data += [f'<row r="{r}">' + _text(f"A{r}", f"A{r}") + f'<c r="B{r}"><v>{r}.5</v></c></row>' for r in range(2, rows + 2)]
    src = _book(tmp_path / "src.xlsx", "".join(data))
    out = tmp_path / "stored.xlsx"
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(out, "w") as w:
        for info in z.infolist():
            stored = info.filename.endswith("sheet1.xml")
            w.writestr(info.filename, z.read(info.filename),
                       compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return out


@pytest.mark.parametrize("damage", ["a value", "the CRC"])
def test_a_damaged_sheet_part_is_refused_not_read_with_wrong_values(tmp_path: Path, damage: str) -> None:
    """The pass over the XML reads the part itself (os.pread) and checks its CRC-32 as zipfile
    does: a value changed on disk is an error, as it always was, never a wrong amount."""
    from sheetops.backends.xlsx_book import Book
    from sheetops.backends.xlsx_package import Package
    from sheetops.backends.xlsx_read import read_grids

    path = _stored_sheet(tmp_path, 30_000)
    raw = bytearray(path.read_bytes())
    if damage == "a value":
        at = raw.index(b"<v>20000.5</v>")
        raw[at + 3] = ord("9")  # 20000.5 -> 90000.5
    else:
        with zipfile.ZipFile(path) as z:
            offset = z.getinfo("xl/worksheets/sheet1.xml").header_offset
        raw[offset + 14] ^= 0xFF  # the CRC-32 in the local header...
        central = raw.rindex(b"xl/worksheets/sheet1.xml", 0, len(raw)) - 46  # ...and in the directory
        raw[central + 16] ^= 0xFF
    path.write_bytes(bytes(raw))
    pkg = Package(path)
    try:
        parts = {s.name: s.part for s in Book(pkg).sheets() if s.is_worksheet}
        with pytest.raises(zipfile.BadZipFile, match="CRC"):
            read_grids(path, pkg.zip, parts, min_bytes=0)
    finally:
        pkg.close()


@pytest.mark.parametrize("kind", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
@pytest.mark.parametrize("block", [300, None])
def test_the_pass_reads_the_same_pieces_as_zipfile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: int,
                                                   block: int | None) -> None:
    """Blocks are cut where zipfile's ``read(BLOCK_BYTES)`` would cut them, so a first block and
    the block numbers of two passes are what they always were (the part is read from disk 4 MB
    at a time: a stored part of more than that must still come in whole blocks)."""
    rows = 400 if block else 220_000  # the real block size: a part larger than one 4 MB read
    payload = b"".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>'.encode() for r in range(1, rows))
    if block:
        monkeypatch.setattr(xlsx_scan, "BLOCK_BYTES", block)
    path = tmp_path / "z.zip"
    with zipfile.ZipFile(path, "w", kind) as z:
        z.writestr("xl/worksheets/sheet1.xml", payload)
    with zipfile.ZipFile(path) as z:
        with z.open("xl/worksheets/sheet1.xml") as stream:
            expected = list(iter(lambda: stream.read(xlsx_scan.BLOCK_BYTES), b""))
        got = list(xlsx_scan._inflated(z, "xl/worksheets/sheet1.xml"))
    assert [len(x) for x in got] == [len(x) for x in expected] and got == expected
    assert len(expected) > 1
