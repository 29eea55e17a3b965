"""SheetOps: the spreadsheet is the app for TikTok Shop creator programs.

>>> import sheetops
>>> result = sheetops.refresh("program.xlsx", as_of="2026-11-18")   # doctest: +SKIP
>>> result.to_json()["payouts"]["draft_total"]                       # doctest: +SKIP
'1234.50'
"""

from __future__ import annotations

__version__ = "0.1.0"

from .refresh import RunResult, refresh

__all__ = ["RunResult", "refresh", "__version__"]
