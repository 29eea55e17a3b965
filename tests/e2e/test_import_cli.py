"""`sheetops import` on a real .xlsx, as a manager exporting twice a week would use it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sheetops.backends.xlsx import XlsxWorkbook

from ..importers.exports import make_sales, refund, seller_table, settle, write_csv
from .conftest import sheetops


def _orders(path: Path) -> list[list]:
    grid = XlsxWorkbook(path).read(["Orders"])["Orders"]
    return [r for r in grid[1:] if any(v not in (None, "") for v in r)]


def test_import_twice_then_later_settlements_update_in_place(tmp_path: Path) -> None:
    book = tmp_path / "lumi.xlsx"
    assert sheetops("init", str(book)).returncode == 0
    sales = make_sales(40, seed=11)
    first = write_csv(tmp_path / "week1.csv", *seller_table(sales))

    done = sheetops("import", str(book), str(first))
    assert done.returncode in (0, 1), done.stderr
    rows = _orders(book)
    assert len(rows) == 40
    assert len({(r[0], r[1]) for r in rows}) == 40

    before = book.read_bytes()
    again = sheetops("import", str(book), str(first))
    assert "nothing was written" in again.stdout
    assert book.read_bytes() == before, "the same file imported twice changes nothing"

    later = [settle(s, s.ordered + dt.timedelta(days=9)) if s.orders_status == "Pending" else s for s in sales[:20]]
    later += [refund(s) for s in sales[20:25]] + make_sales(5, seed=99)
    second = write_csv(tmp_path / "week2.csv", *seller_table(later))
    dry = sheetops("import", str(book), str(second), "--dry-run")
    assert "Dry run" in dry.stdout and book.read_bytes() == before
    done = sheetops("import", str(book), str(second))
    assert done.returncode in (0, 1), done.stderr
    rows = _orders(book)
    assert len(rows) == 45, "five new lines; the rest updated in place, never duplicated"
    assert len({(r[0], r[1]) for r in rows}) == 45

    run = sheetops("run", str(book), "--as-of", "2026-12-01", "--json")
    assert run.returncode in (0, 1), run.stderr
    assert '"Orders": 45' in run.stdout


def test_import_of_a_file_that_is_no_export_is_one_sentence(tmp_path: Path) -> None:
    book = tmp_path / "lumi.xlsx"
    sheetops("init", str(book))
    junk = tmp_path / "notes.csv"
    junk.write_text("Name,Notes\nMia,hello\n")
    done = sheetops("import", str(book), str(junk))
    assert done.returncode == 2 and "Traceback" not in done.stderr and "notes.csv" in done.stderr


def test_the_import_tells_which_creators_are_not_on_creators(tmp_path: Path) -> None:
    """A fresh template has nobody on Creators: every imported line's creator is named, with
    the lines and GMV that will not be paid until they are added (issue #14)."""
    book = tmp_path / "lumi.xlsx"
    assert sheetops("init", str(book)).returncode == 0
    sales = make_sales(30, seed=5)
    export = write_csv(tmp_path / "week1.csv", *seller_table(sales))
    done = sheetops("import", str(book), str(export))
    assert done.returncode in (0, 1), done.stderr
    per_creator: dict[str, list[int]] = {}
    for s in sales:
        tally = per_creator.setdefault(s.creator, [0, 0])
        tally[0] += 1
        tally[1] += s.gmv_cents
    for creator, (lines, gmv) in per_creator.items():
        words = f"{lines} line{'s' if lines != 1 else ''}, {gmv // 100:,}.{gmv % 100:02d} GMV, for {creator}, " \
                "who is not on Creators: add them to pay these lines."
        assert words in done.stdout, (words, done.stdout)


def test_an_import_into_a_fresh_template_takes_each_column_format(tmp_path: Path) -> None:
    """Dates as dates, money as money, rates as percents: new rows under the header alone take
    the template's column formats, never the header's style (issue #15)."""
    import openpyxl

    book = tmp_path / "lumi.xlsx"
    assert sheetops("init", str(book)).returncode == 0
    export = write_csv(tmp_path / "week1.csv", *seller_table(make_sales(6, seed=4)))
    assert sheetops("import", str(book), str(export)).returncode in (0, 1)
    sheet = openpyxl.load_workbook(book)["Orders"]
    header = [c.value for c in sheet[1]]
    row = sheet[2]
    formats = {name: row[header.index(name)].number_format for name in ("Order date", "GMV", "TikTok rate")}
    assert "yy" in formats["Order date"] and "mm" in formats["Order date"], formats
    assert "0.00" in formats["GMV"] and "%" in formats["TikTok rate"], formats
    assert not row[header.index("Order ID")].font.bold  # not the header's look
