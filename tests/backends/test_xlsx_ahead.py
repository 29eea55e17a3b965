"""The writer makes a large tab's next chunk of XML in a second thread while it deflates the
last one (``xlsx_package.ahead``): the chunks come in order, an error while making them is
raised to the writer, and a writer that stops early stops the maker too."""

from __future__ import annotations

import threading
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
