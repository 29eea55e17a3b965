"""TikTok Shop affiliate order exports -> the Orders tab (``sheetops import``).

    sources.py    export files as (line, cells) streams: CSV (streamed) and XLSX (calamine)
    layouts.py    the seller, creator and partner layouts, header matching, detection
    values.py     export cell parsing: amounts, decimal commas, dates, status words
    scan.py       first pass: header, layout, decimal separators, day/month order
    lines.py      one export row -> one Orders line (the column mapping)
    csv_table.py  a CSV's data rows read column-wise (pyarrow), only where they read alike
    column_lines.py  a batch of rows -> Orders lines a column at a time (map_row judges the rest)
    orders_tab.py the Orders tab: find lines by (Order ID, SKU ID), add or update them
    result.py     ImportResult: counts per file and issue rows
    run.py        import_files(), the one entry point

Only this package (and the backends) read files; the engine never knows an import ran.
"""

from __future__ import annotations

from .result import FileResult, ImportIssue, ImportResult
from .run import Progress, import_files

__all__ = ["FileResult", "ImportIssue", "ImportResult", "Progress", "import_files"]
