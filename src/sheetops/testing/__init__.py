"""Test helpers shipped with SheetOps: a local Google Sheets API v4 server
(:mod:`sheetops.testing.sheets_server`) and a gspread client pointed at it
(:mod:`sheetops.testing.gspread_client`). Importing this package does no I/O."""
