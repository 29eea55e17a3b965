"""Test helpers shipped with SheetOps, so anyone customising it can test the way we do:

- :mod:`sheetops.testing.sheets_server`: a local Google Sheets API v4 server (with an OAuth
  token endpoint, quotas and fault injection), and :mod:`sheetops.testing.gspread_client`, a
  gspread client pointed at it;
- :mod:`sheetops.testing.fake_xlwings`: a faithful fake of the xlwings objects the live-Excel
  backend uses.

Importing this package does no I/O."""
