"""The writer makes a large tab's next chunk of XML in a second thread while it deflates the
last one (``xlsx_package.ahead``): the chunks come in order, an error while making them is
raised to the writer, and a writer that stops early stops the maker too."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterator

import pytest

from sheetops.backends.xlsx_package import ahead


def test_chunks_come_in_order() -> None:
    assert list(ahead(str(i).encode() for i in range(200))) == [str(i).encode() for i in range(200)]
    assert list(ahead(iter([]))) == []


def test_an_error_while_making_chunks_reaches_the_writer() -> None:
    def chunks() -> Iterator[bytes]:
        yield b"a"
        raise ValueError("bad cell")

    got = []
    with pytest.raises(ValueError, match="bad cell"):
        for chunk in ahead(chunks()):
            got.append(chunk)
    assert got == [b"a"]


def test_a_writer_that_stops_early_stops_the_maker() -> None:
    made = []

    def chunks() -> Iterator[bytes]:
        for i in range(10_000):
            made.append(i)
            yield b"x"

    before = threading.active_count()
    stream = ahead(chunks())
    next(stream)
    stream.close()  # the writer failed (a full disk, say) and dropped the generator
    assert threading.active_count() == before
    assert len(made) < 10


def _xml(rows: int) -> bytes:
    import random

    rng = random.Random(7)
    return "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{rng.random():.12f} {rng.choice("abcdef") * 3}</t></is></c>'
                   f'<c r="B{r}"><v>{rng.randint(0, 10**9)}</v></c></row>' for r in range(1, rows)).encode()


@pytest.mark.parametrize("how", ["staged", "recompressed"])
def test_written_parts_are_deflated_at_the_files_level(tmp_path: Path, how: str) -> None:
    """``ZipFile.open(info, "w")`` ignores the file's ``compresslevel`` (zlib's default, 6,
    is used); the writer passes it on, so the level it chose is the level it gets."""
    import zipfile

    from sheetops.backends.xlsx_package import Package, _copy_recompressed

    payload = _xml(20_000)
    source = tmp_path / "in.xlsx"
    import openpyxl

    openpyxl.Workbook().save(source)
    sizes = {}
    for level in (1, 9):
        out_path = tmp_path / f"out{level}.xlsx"
        pkg = Package(source)
        try:
            with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as out:
                if how == "staged":
                    pkg.put("xl/worksheets/sheet1.xml", lambda: iter([payload[:len(payload) // 2], payload[len(payload) // 2:]]))
                    pkg.write(out)
                else:
                    with zipfile.ZipFile(tmp_path / "big.zip", "w", zipfile.ZIP_DEFLATED) as big:
                        big.writestr("xl/worksheets/sheet1.xml", payload)
                    with zipfile.ZipFile(tmp_path / "big.zip") as big:
                        _copy_recompressed(big, big.getinfo("xl/worksheets/sheet1.xml"), out)
        finally:
            pkg.close()
        with zipfile.ZipFile(out_path) as done:
            info = done.getinfo("xl/worksheets/sheet1.xml")
            assert done.read(info) == payload
            sizes[level] = info.compress_size
            import zlib

            alone = zlib.compressobj(level, zlib.DEFLATED, -15)
            assert info.compress_size == len(alone.compress(payload) + alone.flush())
    assert sizes[1] > sizes[9]
