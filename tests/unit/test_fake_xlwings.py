"""The xlwings fake behaves like Excel where SheetOps depends on it, and names only what
the installed xlwings has, so the two cannot drift apart."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest

from xlwings import main as xw_main  # noqa: E402

from sheetops.testing import fake_xlwings as fake  # noqa: E402


def _instances() -> dict[str, object]:
    book = fake.Book("Program.xlsx", tabs={"Settings": [["Setting", "Value"]]})
    sheet = book.sheets[0]
    rng = sheet.range("A1")
    book.names.add("Marker", '="x"')
    chart = sheet.charts.add(source=sheet.range("A1:B2"))
    return {
        "App": book.app, "Book": book, "Sheets": book.sheets, "Sheet": sheet, "Range": rng,
        "Names": book.names, "Name": book.names["Marker"], "Charts": sheet.charts, "Chart": chart,
        "DataValidation": rng.data_validation,
    }


@pytest.mark.parametrize("class_name", sorted(_instances()))
def test_every_public_name_of_the_fake_exists_on_xlwings(class_name: str) -> None:
    real = getattr(xw_main, class_name)
    obj = _instances()[class_name]
    public = {n for n in dir(obj) if not n.startswith("_")}
    missing = sorted(n for n in public if not hasattr(real, n))
    assert not missing, f"fake {class_name} has names xlwings.{class_name} lacks: {missing}"
    for name in public:
        real_attr = inspect.getattr_static(real, name)
        fake_attr = inspect.getattr_static(type(obj), name, None)
        if isinstance(real_attr, property) and fake_attr is not None:
            assert isinstance(fake_attr, property), f"{class_name}.{name} is a property in xlwings"
        if callable(real_attr) and not isinstance(real_attr, property) and fake_attr is not None:
            assert callable(fake_attr) and not isinstance(fake_attr, property), f"{class_name}.{name} is a method in xlwings"


def test_fake_methods_take_only_parameters_xlwings_has() -> None:
    checked = 0
    for class_name, obj in _instances().items():
        real = getattr(xw_main, class_name)
        for name, member in inspect.getmembers(type(obj), inspect.isfunction):
            if name.startswith("_") or not callable(getattr(real, name, None)):
                continue
            fake_params = set(inspect.signature(member).parameters) - {"self"}
            real_params = set(inspect.signature(getattr(real, name)).parameters) - {"self"}
            assert fake_params <= real_params, f"{class_name}.{name}: {sorted(fake_params - real_params)}"
            checked += 1
    assert checked >= 10


def _sheet() -> fake.Sheet:
    return fake.Book(tabs={"S": []}).sheets["S"]


def test_a_string_typed_into_a_general_cell_becomes_a_formula_number_or_date() -> None:
    sheet = _sheet()
    sheet.range("A1").value = [["=1+1", "+1", "-2", "@mia", "TRUE", "2026-11-09", "1,234.50", "12%", "plain"]]
    row = sheet.range("A1:I1").options(ndim=2).value[0]
    assert row[:3] == [2.0, 1.0, -2.0]
    assert row[3] is None, "@mia is a formula giving #NAME?, read as None"
    assert row[4] is True and row[5] == dt.datetime(2026, 11, 9)
    assert row[6] == 1234.5 and row[7] == pytest.approx(0.12) and row[8] == "plain"
    assert sheet._cell("A1").formula == "=1+1"


def test_text_cells_and_the_apostrophe_keep_strings_literal() -> None:
    sheet = _sheet()
    sheet.range("A1:A3").number_format = "@"
    sheet.range("A1").value = [["=1+1"], ["+1"], ["007"]]
    sheet.range("B1").value = "'=HYPERLINK(\"x\")"
    assert sheet.range("A1:A3").value == ["=1+1", "+1", "007"]
    assert sheet.range("B1").value == '=HYPERLINK("x")'


def test_numbers_are_floats_dates_datetimes_empty_none_errors_none_or_text() -> None:
    sheet = _sheet()
    sheet.range("A1").value = [[3, dt.date(2026, 1, 2), None, 2.5]]
    fake.set_error(sheet, "E1", "#REF!")
    fake.set_error(sheet, "F1", "#SPILL!")
    assert sheet.range("A1:F1").value == [3.0, dt.datetime(2026, 1, 2), None, 2.5, None, -2146826243]
    assert sheet.range("E1").options(err_to_str=True).value == "#REF!"
    assert isinstance(sheet.range("A1").value, float)


def test_used_range_is_the_box_of_used_cells() -> None:
    sheet = _sheet()
    assert sheet.used_range.address == "$A$1"
    sheet.range("C3").value = [[1, 2], [3, 4]]
    used = sheet.used_range
    assert (used.row, used.column, used.shape) == (3, 3, (2, 2))
    assert used.options(ndim=2).value == [[1.0, 2.0], [3.0, 4.0]]
    sheet.range("F10").number_format = "0.00"
    assert sheet.used_range.last_cell.address == "$F$10"
    sheet.clear()
    assert sheet.used_range.address == "$A$1"


def test_sheets_add_after_and_names_are_checked() -> None:
    book = fake.Book(tabs={"A": [], "B": []})
    new = book.sheets.add("C", after=book.sheets[-1])
    assert book.sheet_names == ["A", "B", "C"] and book.sheets.active is new
    with pytest.raises(ValueError):
        book.sheets.add("c")
    with pytest.raises(fake.ComError):
        book.sheets.add("bad/name")


def test_protected_sheet_refuses_writes_to_locked_cells() -> None:
    sheet = _sheet()
    sheet.range("B2:B5").api.Locked = False
    sheet.api.Protect(Password="pw")
    sheet.range("B3").value = "ok"
    with pytest.raises(fake.ComError):
        sheet.range("A1").value = "no"
    with pytest.raises(fake.ComError):
        sheet.api.Unprotect()
    sheet.api.Unprotect("pw")
    sheet.range("A1").value = "yes"


def test_the_last_visible_sheet_cannot_be_hidden() -> None:
    book = fake.Book(tabs={"A": [], "B": []})
    book.sheets["A"].visible = False
    with pytest.raises(fake.ComError):
        book.sheets["B"].visible = False
