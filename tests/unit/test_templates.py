"""The template layout, the Excel template file and the Google batchUpdate requests."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sheetops.workbook import schema
from sheetops.backends.base import column_letter
from sheetops.demo.data import make_demo
from sheetops.templates.layout import LISTS_TAB, setting_lists
from sheetops.templates import (
    DEFINED_NAMES,
    google_template_requests,
    template_layout,
    template_sheet_ids,
    template_tool_tabs,
    write_excel_template,
)

SCHEMA_TABS = (*schema.EDITED_TABS, schema.PAYOUTS)
TODAY = dt.date(2026, 11, 18)


@pytest.fixture(scope="module")
def template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "SheetOps.xlsx"
    write_excel_template(path)
    return path


@pytest.fixture(scope="module")
def wb(template_path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(template_path)


@pytest.fixture(scope="module")
def requests() -> list[dict]:
    return google_template_requests(delete_sheet_id=0)


# --- layout -----------------------------------------------------------------------------


def test_tab_order_starts_with_guide_then_people_tabs_then_tool_tabs() -> None:
    names = template_layout().tab_names
    assert names[0] == schema.START_HERE
    assert names[1 : 1 + len(schema.EDITED_TABS)] == tuple(t.name for t in schema.EDITED_TABS)
    assert names[1 + len(schema.EDITED_TABS) :] == (*template_tool_tabs("Weekly"), LISTS_TAB)
    assert schema.MONTHLY_REPORT not in names and schema.WEEKLY_REPORT in names
    assert schema.MONTHLY_REPORT in template_tool_tabs("Monthly")
    assert schema.WEEKLY_REPORT not in template_tool_tabs("Monthly")


def test_every_tool_tab_but_ledger_and_payout_export_has_a_header() -> None:
    layout = template_layout()
    for name in template_tool_tabs():
        tab = layout.tab(name)
        assert tab.protected, name
        if name == schema.LEDGER:
            assert tab.hidden
        elif name == schema.PAYOUT_EXPORT:
            assert not tab.header and tab.frozen_rows == 0, "Save as CSV must give PayPal's file: no header row"
        else:
            assert tab.header and tab.columns, name


def test_start_here_lines_fit_a_screen_and_mention_every_tab_and_column() -> None:
    layout = template_layout()
    guide = layout.tab(schema.START_HERE)
    text = "\n".join(" | ".join(row) for row in guide.rows)
    for name in layout.tab_names[1:]:
        assert name in text, name
    table = [row for row in guide.rows if row[1]]
    for spec in SCHEMA_TABS:
        for column in spec.columns:
            assert any(row[1] == column.name for row in table), (spec.name, column.name)
    prose = [row[0] for row in guide.rows if not row[1]]
    assert max(len(line) for line in prose) <= 100
    for words in ("Settings", "Creators", "Campaigns", "Rules", "Orders", "Run", "sheetops run",
                  "Approved", "Paid", "Issues", "schedule"):
        assert words in text, words


# --- the Excel file ---------------------------------------------------------------------


def _validations(ws) -> dict[str, str]:
    """Map each validated range (as text) to its formula1."""
    return {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}


def test_every_schema_tab_and_column_has_its_header(wb: openpyxl.Workbook) -> None:
    assert wb.sheetnames == list(template_layout().tab_names)
    for spec in SCHEMA_TABS:
        ws = wb[spec.name]
        assert [c.value for c in ws[1]] == [c.name for c in spec.columns], spec.name
        assert ws.freeze_panes == "A2"
    for name, headers in schema.TOOL_TAB_COLUMNS.items():
        if name in wb.sheetnames and name != schema.PAYOUT_EXPORT:  # no header row: a PayPal file
            assert [c.value for c in wb[name][1]] == list(headers), name


def test_fixed_list_columns_have_dropdowns(wb: openpyxl.Workbook) -> None:
    for spec in SCHEMA_TABS:
        validations = _validations(wb[spec.name])
        for i, column in enumerate(spec.columns):
            if not column.allowed:
                continue
            letter = column_letter(i)
            formula = validations.get(f"{letter}2:{letter}1048576")
            assert formula == '"' + ",".join(column.allowed) + '"', (spec.name, column.name)


def test_dropdowns_warn_or_stop_on_other_values(wb: openpyxl.Workbook) -> None:
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            assert dv.showErrorMessage and dv.allow_blank and not dv.showDropDown, (ws.title, dv.sqref)
            expected = "warning" if dv.formula1.startswith("SheetOps_") else "stop"
            assert dv.errorStyle == expected, (ws.title, dv.sqref)


def test_creator_and_campaign_columns_draw_from_defined_names(wb: openpyxl.Workbook) -> None:
    assert wb.defined_names["SheetOps_Creators"].attr_text == "Creators!$A$2:$A$5000"
    assert wb.defined_names["SheetOps_Campaigns"].attr_text == "Campaigns!$A$2:$A$5000"
    seen = 0
    for spec in SCHEMA_TABS:
        validations = _validations(wb[spec.name])
        for i, column in enumerate(spec.columns):
            if column.refers_to:
                letter = column_letter(i)
                assert validations[f"{letter}2:{letter}1048576"] == DEFINED_NAMES[column.refers_to]
                seen += 1
    assert seen >= 8


def test_settings_defaults_help_and_dropdowns(wb: openpyxl.Workbook) -> None:
    ws = wb["Settings"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == [s.name for s in schema.SETTINGS]
    for row, setting in zip(rows, schema.SETTINGS):
        if setting.name == "Minimum payout":  # a number, so formulas and people can use it as one
            assert row[1] == 0 and not isinstance(row[1], str)
        else:
            assert (row[1] or "") == setting.default
        assert row[2] and row[2].endswith(".")
    validations = _validations(ws)
    names = [s.name for s in schema.SETTINGS]
    assert validations[f"B{2 + names.index('Payout period')}"] == '"Weekly,Monthly"'
    assert validations[f"B{2 + names.index('Currency')}"] == "SheetOps_Currencies"
    assert validations[f"B{2 + names.index('Timezone')}"] == "SheetOps_Timezones"
    lists = wb[LISTS_TAB]
    currencies = [c.value for c in lists["A"][1:] if c.value]
    zones = [c.value for c in lists["B"][1:] if c.value]
    assert "USD" in currencies and "GBP" in currencies and "XYZ" not in currencies
    assert "America/New_York" in zones and "Europe/London" in zones
    assert wb.defined_names["SheetOps_Currencies"].attr_text == f"'{LISTS_TAB}'!$A$2:$A${len(currencies) + 1}"


def test_tool_tabs_are_protected_and_people_tabs_are_not(wb: openpyxl.Workbook) -> None:
    for name in template_tool_tabs():
        assert wb[name].protection.sheet, name
    for spec in schema.EDITED_TABS:
        assert not wb[spec.name].protection.sheet, spec.name
    assert wb[schema.LEDGER].sheet_state == "hidden" and wb[LISTS_TAB].sheet_state == "hidden"
    assert all(wb[n].sheet_state == "visible" for n in wb.sheetnames if n not in (schema.LEDGER, LISTS_TAB))


def test_payouts_people_columns_are_unlocked(wb: openpyxl.Workbook) -> None:
    ws = wb["Payouts"]
    for i, column in enumerate(schema.PAYOUTS.columns):
        dim = ws.column_dimensions[column_letter(i)]
        unlocked = dim.protection.locked is False
        assert unlocked == (column.name in schema.PAYOUT_PEOPLE_COLUMNS), column.name
    validations = _validations(ws)
    status = column_letter([c.name for c in schema.PAYOUTS.columns].index("Status"))
    assert validations[f"{status}2:{status}1048576"] == '"' + ",".join(schema.PAYOUT_STATUSES) + '"'


@pytest.mark.parametrize(
    ("tab", "column", "fmt"),
    [
        ("Orders", "GMV", "#,##0.00"),
        ("Orders", "TikTok rate", "0.00%"),
        ("Orders", "Order date", "yyyy-mm-dd hh:mm"),
        ("Orders", "Quantity", "0"),
        ("Orders", "Product ID", "@"),
        ("Campaigns", "Start", "yyyy-mm-dd"),
        ("Payouts", "Total", "#,##0.00"),
    ],
)
def test_number_formats_per_column_type(wb: openpyxl.Workbook, tab: str, column: str, fmt: str) -> None:
    spec = schema.ALL_TABS[tab]
    letter = column_letter(spec.columns.index(spec.column(column)))
    assert wb[tab].column_dimensions[letter].number_format == fmt


def test_column_widths_come_from_schema(wb: openpyxl.Workbook) -> None:
    ws = wb["Orders"]
    for i, column in enumerate(schema.ORDERS.columns):
        assert ws.column_dimensions[column_letter(i)].width == column.width


def test_formula_looking_text_stays_text(tmp_path: Path) -> None:
    demo = make_demo(orders=40, seed=3, today=TODAY)
    path = tmp_path / "demo.xlsx"
    write_excel_template(path, demo=demo)
    wb = openpyxl.load_workbook(path)
    notes = [c for c in wb["Creators"]["J"] if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    reasons = [c for c in wb["Adjustments"]["D"] if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    handles = [c for c in wb["Creators"]["A"] if isinstance(c.value, str) and c.value.startswith("@")]
    assert {c.value[0] for c in notes + reasons} >= {"=", "+", "-", "@"}
    assert handles
    for cell in notes + reasons + handles:
        assert cell.data_type == "s", cell.coordinate
        assert cell.quotePrefix
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
        everything = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
        assert "=VIP: ask Priya" in everything


def test_demo_values_are_typed_cells(tmp_path: Path) -> None:
    demo = make_demo(orders=30, seed=4, today=TODAY)
    path = tmp_path / "demo.xlsx"
    write_excel_template(path, demo=demo)
    ws = openpyxl.load_workbook(path)["Orders"]
    header = [c.value for c in ws[1]]
    row = [c for c in ws[2]]
    by = dict(zip(header, row))
    assert by["Order date"].is_date and isinstance(by["Order date"].value, dt.datetime)
    assert by["GMV"].data_type == "n" and by["GMV"].number_format == "#,##0.00"
    assert by["TikTok rate"].number_format == "0.00%"
    assert by["Order ID"].data_type == "s" and re.fullmatch(r"\d{18}", by["Order ID"].value)
    assert by["Product ID"].data_type == "s" and re.fullmatch(r"\d{19}", by["Product ID"].value)
    joined = openpyxl.load_workbook(path)["Creators"]["I2"]
    assert joined.is_date and joined.number_format == "yyyy-mm-dd"


# --- Google requests --------------------------------------------------------------------


def _kinds(requests: list[dict], kind: str) -> list[dict]:
    return [r[kind] for r in requests if kind in r]


def test_google_requests_are_json_and_add_every_tab_with_fixed_ids(requests: list[dict]) -> None:
    json.dumps(requests)
    ids = template_sheet_ids()
    added = [r["properties"] for r in _kinds(requests, "addSheet")]
    assert [p["title"] for p in added] == list(template_layout().tab_names)
    assert {p["title"]: p["sheetId"] for p in added} == ids
    assert len(set(ids.values())) == len(ids)
    for p in added:
        frozen = p["gridProperties"].get("frozenRowCount", 0)
        assert frozen == (0 if p["title"] in (schema.START_HERE, schema.LEDGER, schema.PAYOUT_EXPORT) else 1), p["title"]
    assert [p for p in added if p.get("hidden")] == [p for p in added if p["title"] in (schema.LEDGER, LISTS_TAB)]
    assert _kinds(requests, "deleteSheet") == [{"sheetId": 0}]
    first_other = next(i for i, r in enumerate(requests) if "addSheet" not in r)
    assert all("addSheet" not in r for r in requests[first_other:])


def test_google_requests_only_point_at_added_sheets(requests: list[dict]) -> None:
    ids = set(template_sheet_ids().values())

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "sheetId" in node:
                assert node["sheetId"] in ids | {0}
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(requests)


def test_google_headers_and_text_are_string_values(requests: list[dict]) -> None:
    ids = template_sheet_ids()
    by_sheet = {u["start"]["sheetId"]: u for u in _kinds(requests, "updateCells")}
    for spec in SCHEMA_TABS:
        header = by_sheet[ids[spec.name]]["rows"][0]["values"]
        assert [v["userEnteredValue"]["stringValue"] for v in header] == [c.name for c in spec.columns]
    for update in by_sheet.values():
        for row in update["rows"]:
            for value in row["values"]:
                assert set(value.get("userEnteredValue", {})) <= {"stringValue"} or (
                    update["start"]["sheetId"] == ids["Settings"] and set(value["userEnteredValue"]) == {"numberValue"})
    guide = by_sheet[ids[schema.START_HERE]]["rows"]
    text = " ".join(v.get("userEnteredValue", {}).get("stringValue", "") for r in guide for v in r["values"])
    assert "Issues" in text and "Approved" in text


def test_google_dropdowns_and_named_ranges(requests: list[dict]) -> None:
    ids = template_sheet_ids()
    rules = {
        (v["range"]["sheetId"], v["range"].get("startColumnIndex"), v["range"].get("startRowIndex")): v["rule"]
        for v in _kinds(requests, "setDataValidation")
    }
    for spec in SCHEMA_TABS:
        if spec.name == "Settings":  # rules on single cells, checked below
            continue
        for i, column in enumerate(spec.columns):
            rule = rules.get((ids[spec.name], i, 1))
            if column.allowed:
                assert rule["condition"]["type"] == "ONE_OF_LIST"
                assert [v["userEnteredValue"] for v in rule["condition"]["values"]] == list(column.allowed)
                assert rule["strict"] and rule["showCustomUi"]
            elif column.refers_to:
                assert rule["condition"]["type"] == "ONE_OF_RANGE"
                assert rule["condition"]["values"] == [{"userEnteredValue": f"={column.refers_to}!$A$2:$A$5000"}]
            else:
                assert rule is None, (spec.name, column.name)
    currency = rules[(ids["Settings"], 1, 1 + [s.name for s in schema.SETTINGS].index("Currency"))]
    assert currency["condition"] == {"type": "ONE_OF_RANGE", "values": [
        {"userEnteredValue": f"='{LISTS_TAB}'!$A$2:$A${len(setting_lists()['Currency']) + 1}"}]}
    named = {n["namedRange"]["name"]: n["namedRange"]["range"] for n in _kinds(requests, "addNamedRange")}
    assert named["SheetOps_Creators"] == {
        "sheetId": ids["Creators"], "startRowIndex": 1, "endRowIndex": 5000, "startColumnIndex": 0, "endColumnIndex": 1
    }
    added = {r["properties"]["title"]: r["properties"] for r in _kinds(requests, "addSheet")}
    creators = added["Creators"]
    assert creators["gridProperties"]["rowCount"] >= 5000


def test_google_protects_tool_tabs_leaving_payout_status_columns_open(requests: list[dict]) -> None:
    ids = template_sheet_ids()
    protected = {p["protectedRange"]["range"]["sheetId"]: p["protectedRange"] for p in _kinds(requests, "addProtectedRange")}
    assert set(protected) == {ids[n] for n in (*template_tool_tabs(), LISTS_TAB)}
    payouts = protected[ids["Payouts"]]
    names = [c.name for c in schema.PAYOUTS.columns]
    open_columns = {names[r["startColumnIndex"]] for r in payouts["unprotectedRanges"]}
    assert open_columns == set(schema.PAYOUT_PEOPLE_COLUMNS)
    assert all(r["startRowIndex"] == 1 for r in payouts["unprotectedRanges"])
    assert all(not p["warningOnly"] for p in protected.values())
    assert all(p["protectedRange"]["warningOnly"] for p in _kinds(google_template_requests(warning_only=True), "addProtectedRange"))


def test_google_number_formats_and_widths(requests: list[dict]) -> None:
    ids = template_sheet_ids()
    formats = {
        (r["range"]["sheetId"], r["range"]["startColumnIndex"]): r["cell"]["userEnteredFormat"]["numberFormat"]
        for r in _kinds(requests, "repeatCell")
    }
    orders = [c.name for c in schema.ORDERS.columns]
    assert formats[(ids["Orders"], orders.index("GMV"))] == {"type": "NUMBER", "pattern": "#,##0.00"}
    assert formats[(ids["Orders"], orders.index("TikTok rate"))] == {"type": "PERCENT", "pattern": "0.00%"}
    assert formats[(ids["Orders"], orders.index("Order date"))]["type"] == "DATE_TIME"
    assert formats[(ids["Orders"], orders.index("Product ID"))]["type"] == "TEXT"
    widths = [r for r in _kinds(requests, "updateDimensionProperties") if r["range"]["sheetId"] == ids["Orders"]]
    assert len(widths) == len(orders)
    assert all(r["fields"] == "pixelSize" and r["properties"]["pixelSize"] > 50 for r in widths)


def test_google_custom_sheet_ids_and_errors() -> None:
    custom = {name: 7000 + i for i, name in enumerate(template_layout().tab_names)}
    requests = google_template_requests(sheet_ids=custom)
    assert {r["addSheet"]["properties"]["sheetId"] for r in requests if "addSheet" in r} == set(custom.values())
    with pytest.raises(ValueError, match="no sheet ID"):
        google_template_requests(sheet_ids={"Settings": 1})
    with pytest.raises(ValueError, match="both kept and deleted"):
        google_template_requests(delete_sheet_id=template_sheet_ids()["Settings"])


def test_google_demo_requests_keep_text_text_and_fit_the_grid() -> None:
    from sheetops.templates import google_demo_requests

    demo = make_demo(orders=1500, seed=2, today=TODAY)
    ids = template_sheet_ids()
    requests = google_demo_requests(demo)
    json.dumps(requests)
    appended = _kinds(requests, "appendDimension")
    assert appended == [{"sheetId": ids["Orders"], "dimension": "ROWS", "length": 501}]
    updates = {u["start"]["sheetId"]: u for u in _kinds(requests, "updateCells")}
    assert all(u["start"]["rowIndex"] == 1 and u["fields"] == "userEnteredValue" for u in updates.values())
    orders = updates[ids["Orders"]]["rows"]
    assert len(orders) == 1500
    header = demo.header("Orders")
    first = orders[0]["values"]
    assert set(first[header.index("Order ID")]["userEnteredValue"]) == {"stringValue"}
    assert set(first[header.index("GMV")]["userEnteredValue"]) == {"numberValue"}
    serial = first[header.index("Order date")]["userEnteredValue"]["numberValue"]
    assert 46_000 < serial < 47_000 and serial != int(serial)
    notes = [r["values"][9] for r in updates[ids["Creators"]]["rows"]]
    assert {"userEnteredValue": {"stringValue": "=VIP: ask Priya before changing her rules"}} in notes
    assert {} in notes  # blank cells stay blank
