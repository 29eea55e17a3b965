"""The Excel door: the ribbon button's ``main`` (``button``) and the add-in file that puts the
SheetOps tab on Excel's ribbon (``addin``).

The add-in runs ``import sheetops.excel;sheetops.excel.main()``, so ``main`` stays importable
from here. May import: ``sheetops.refresh`` (the one use case), ``sheetops.backends``,
``sheetops.errors``. Importing this package is cheap: xlwings and pandas load on a click.
"""

from .button import main

__all__ = ["main"]
