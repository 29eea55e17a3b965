"""A minimal Google Sheet template, as ``batchUpdate`` requests built from ``schema.py``.

Stand-in until ``sheetops.templates`` provides the full Google template (Start Here text,
creator/campaign dropdowns): every tab people edit and ``Payouts`` with bold, frozen
headers, column widths, number formats, dropdowns for fixed lists, the Settings rows with
their defaults, and ``Payouts`` protected except the columns people set.
"""

from __future__ import annotations

from typing import Any

from .. import schema
from .base import Column, ColumnKind, TabWrite
from .gsheets_cells import NUMBER_FORMATS
from .gsheets_requests import Request, add_sheet, dressing_requests

ROWS = 1000
KIND_OF_TYPE: dict[str, ColumnKind] = {"money": "money", "rate": "rate", "date": "date", "datetime": "datetime", "int": "int"}


def _text_row(values: list[str]) -> dict[str, Any]:
    return {"values": [{"userEnteredValue": {"stringValue": v}} for v in values]}


def _tab_requests(spec: schema.TabSpec, sheet_id: int, rows: list[list[str]]) -> list[Request]:
    import pandas as pd

    columns = [Column(c.name, KIND_OF_TYPE.get(c.type, "text"), c.width) for c in spec.columns]
    shape = TabWrite(
        spec.name,
        [Column(c.name, "text", c.width) for c in columns],
        pd.DataFrame({c.name: [] for c in columns}),
        protected=spec.role == "ledger",
        editable=schema.PAYOUT_PEOPLE_COLUMNS if spec.role == "ledger" else (),
    )
    out: list[Request] = [add_sheet(sheet_id, spec.name, shape)]
    out[0]["addSheet"]["properties"]["gridProperties"].update(rowCount=ROWS, columnCount=max(len(columns), 1))
    out.append(
        {
            "updateCells": {
                "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                "rows": [_text_row([c.name for c in columns])] + [_text_row(r) for r in rows],
                "fields": "userEnteredValue",
            }
        }
    )
    out += dressing_requests(shape, sheet_id, editor=None)
    for i, (col, spec_col) in enumerate(zip(columns, spec.columns)):
        fmt = NUMBER_FORMATS.get(col.kind)
        rng = {"sheetId": sheet_id, "startRowIndex": 1, "endRowIndex": ROWS, "startColumnIndex": i, "endColumnIndex": i + 1}
        if fmt:
            out.append({"repeatCell": {"range": rng, "cell": {"userEnteredFormat": {"numberFormat": fmt}}, "fields": "userEnteredFormat.numberFormat"}})
        if spec_col.allowed:
            condition = {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in spec_col.allowed]}
            out.append({"setDataValidation": {"range": rng, "rule": {"condition": condition, "strict": True, "showCustomUi": True}}})
    return out


def template_requests() -> list[Request]:
    """The requests that turn a new, empty spreadsheet into a SheetOps workbook (new tabs
    get sheetIds 1, 2, ...; the caller deletes the spreadsheet's default tab)."""
    out: list[Request] = []
    settings_rows = [[s.name, s.default] for s in schema.SETTINGS]
    for i, spec in enumerate((*schema.EDITED_TABS, schema.PAYOUTS), start=1):
        out += _tab_requests(spec, i, settings_rows if spec.name == schema.SETTINGS_TAB.name else [])
    return out
