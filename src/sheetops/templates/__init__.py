"""The SheetOps templates: the Excel file and the Google Sheet, both from ``workbook/schema.py``.

- ``layout``: the backend-neutral description (``template_layout()``);
- ``start_here``: the words of the ``Start Here`` tab;
- ``excel``: ``write_excel_template(path, demo=...)`` writes a new ``.xlsx``;
- ``google``: ``google_template_requests(...)`` returns Sheets API batchUpdate requests;
- ``fast_rows``: streams very large demo tabs into the ``.xlsx``.

Regenerate the committed template with ``python -m sheetops.templates sheets_templates/SheetOps.xlsx``.
"""

from __future__ import annotations

from .excel import FAST_ORDERS_THRESHOLD, build_workbook, write_excel_template
from .google import google_demo_requests, google_template_requests, template_sheet_ids
from .layout import (
    DEFINED_NAMES,
    ColumnLayout,
    NamedList,
    TabLayout,
    TemplateLayout,
    template_layout,
    template_tool_tabs,
)

__all__ = [
    "DEFINED_NAMES",
    "FAST_ORDERS_THRESHOLD",
    "ColumnLayout",
    "NamedList",
    "TabLayout",
    "TemplateLayout",
    "build_workbook",
    "google_demo_requests",
    "google_template_requests",
    "template_layout",
    "template_sheet_ids",
    "template_tool_tabs",
    "write_excel_template",
]
