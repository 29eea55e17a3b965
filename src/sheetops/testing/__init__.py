"""Helpers for testing SheetOps without real spreadsheets: fakes and local servers."""
