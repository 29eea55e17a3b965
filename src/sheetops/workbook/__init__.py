"""The workbook model: every tab and column (``schema``), pure cell parsers (``cells``), raw
grids to typed tables (``tables``), every check as an Issue row pointing at a cell
(``validate``, ``issues``), ``Settings`` and payout ``periods``.

May import: the standard library, pandas, numpy, ``sheetops.errors`` and the backends'
interface (``sheetops.backends.base``). Nothing else of SheetOps: every other area builds on
this one. No I/O.
"""
