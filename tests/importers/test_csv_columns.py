"""The column-wise CSV read gives the ``csv`` module's cells and lines, or says it cannot."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetops.importers import csv_table
from sheetops.importers.csv_table import NotColumnWise, column_batches, reads_alike


def _row_wise(path: Path, delimiter: str) -> list[tuple[int, list[str]]]:
    """What ``sources.ExportSource._csv_rows`` gives (line, cells)."""
    out = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        line = 1
        for cells in reader:
            out.append((line, [c.replace("\ufeff", "") for c in cells]))
            line = reader.line_num + 1
    return out


def _column_wise(path: Path, delimiter: str, header_line: int, width: int) -> list[tuple[int, list[str]]] | None:
    try:
        rows = [(b.first_line + i, b.cells(i)) for b in column_batches(path, delimiter=delimiter,
                                                                      header_line=header_line, width=width)
                for i in range(b.rows)]
    except NotColumnWise:
        return None
    return rows if reads_alike(path, header_line=header_line, rows=len(rows)) else None


CELL = st.text(alphabet=['a', '1', ' ', '"', ',', ';', '\t', '\r', '\n', '\ufeff', '\x00', 'é', '|', '$'], max_size=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=6),
       delimiter=st.sampled_from([",", ";", "\t", "|"]), ending=st.sampled_from(["\n", "\r\n", "\r"]),
       quoted=st.booleans(), bom=st.booleans(), last_break=st.booleans(), title=st.booleans())
def test_the_column_read_gives_the_csv_modules_cells_or_refuses(
    tmp_path: Path, rows: list[list[str]], delimiter: str, ending: str, quoted: bool, bom: bool,
    last_break: bool, title: bool,
) -> None:
    width = len(rows[0])
    header = [f"h{j}" for j in range(width)]
    body = io.StringIO()
    if quoted:
        writer = csv.writer(body, delimiter=delimiter, lineterminator=ending)
        for row in [["A title"]] * title + [header] + rows:
            writer.writerow(row)
    else:  # written by hand: odd quoting, separators inside cells, ragged rows
        body.write(ending.join(delimiter.join(r) for r in [["A title"]] * title + [header] + rows) + ending)
    text = body.getvalue() if last_break else body.getvalue()[: -len(ending)]
    path = tmp_path / "export.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    header_line = 1 + title
    expected = [(line, cells) for line, cells in _row_wise(path, delimiter) if line > header_line]
    got = _column_wise(path, delimiter, header_line, width)
    if got is not None:
        assert got == expected
    well_formed = quoted and all(len(r) == width for r in rows) and not any(
        ch in cell for r in rows for cell in r for ch in "\r\n") and not any(
        r[0].startswith("\ufeff") for r in rows)  # a row starting with a byte order mark is read row-wise
    if well_formed:  # what real exports are: the column-wise read must take them
        assert got == expected


def test_a_typical_export_is_read_column_wise_with_its_lines(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("\ufeffReport,,\r\nOrder ID,Product Name,Payment Amount\r\n"
                     '576001,"Serum, 30ml","$1,234.50"\r\n576002,"The ""Best"" Mask",$12.00\r\n'.encode())
    got = _column_wise(path, ",", 2, 3)
    assert got == [(3, ["576001", "Serum, 30ml", "$1,234.50"]), (4, ["576002", 'The "Best" Mask', "$12.00"])]
    assert got == [(line, cells) for line, cells in _row_wise(path, ",") if line > 2]


def test_files_the_column_read_cannot_promise_are_refused(tmp_path: Path) -> None:
    cases = {
        "a quoted value across lines": 'Order ID,Note\n1,"two\nlines"\n2,x\n',
        "a blank line": "Order ID,Note\n1,x\n\n2,y\n",
        "a short row": "Order ID,Note\n1,x\n2\n",
        "a long row": "Order ID,Note\n1,x\n2,y,z\n",
        "a header across lines": 'Order ID,"No\nte"\n1,x\n',
    }
    for why, text in cases.items():
        path = tmp_path / "export.csv"
        path.write_text(text, encoding="utf-8")
        assert _column_wise(path, ",", 1, 2) is None, why
    path.write_text("Order ID,Note\n", encoding="utf-8")
    assert _column_wise(path, ",", 1, 2) == []  # no data rows: nothing to differ on


def test_a_cell_longer_than_the_csv_module_allows_is_left_to_it(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Order ID,Note\n1," + "x" * (csv.field_size_limit() + 1) + "\n", encoding="utf-8")
    assert _column_wise(path, ",", 1, 2) is None


def test_not_utf8_is_left_to_the_row_wise_read(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("Order ID,Note\n1,caf\xe9\n".encode("latin-1"))
    assert _column_wise(path, ",", 1, 2) is None


def test_rows_come_in_batches_with_their_lines(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(csv_table, "BLOCK_BYTES", 4096)
    path = tmp_path / "export.csv"
    path.write_text("Order ID,Note\n" + "".join(f"{i},note {i}\n" for i in range(3000)), encoding="utf-8")
    batches = list(column_batches(path, delimiter=",", header_line=1, width=2))
    assert len(batches) > 5
    assert [b.first_line for b in batches] == [2 + sum(b.rows for b in batches[:k]) for k in range(len(batches))]
    assert _column_wise(path, ",", 1, 2) == [(line, cells) for line, cells in _row_wise(path, ",") if line > 1]


def test_a_line_starting_with_a_byte_order_mark_where_a_piece_starts_is_left_to_the_csv_module(
        tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """pyarrow drops a byte order mark at the start of what it reads; the csv module keeps it
    (so a quote after it is no quote). Two exports pasted together put one mid-file."""
    path = tmp_path / "export.csv"
    line = '\ufeff"576001","Serum, 30ml"\n'
    path.write_bytes(("Order ID,Product\n" + line + '576002,"Mask"\n' + line).encode())
    expected = [(line, cells) for line, cells in _row_wise(path, ",") if line > 1]
    assert expected[0][1] == ['"576001"', 'Serum, 30ml']  # what the csv module makes of it
    got = _column_wise(path, ",", 1, 2)
    assert got is None or got == expected
    for size in (8, 16, 32):  # a piece starting at every line
        monkeypatch.setattr(csv_table, "BLOCK_BYTES", size)
        got = _column_wise(path, ",", 1, 2)
        assert got is None or got == expected
