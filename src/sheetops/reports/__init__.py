"""The report tabs a client receives: the Weekly (or Monthly) Report (``weekly``), the
quarterly business review (``qbr``), and the shared cell and chart layout (``layout``).

May import: ``sheetops.money`` (rollups), ``sheetops.workbook``, the backends' interface;
pandas and numpy. ``sheetops.compute.Computed`` only for type checking (under
``TYPE_CHECKING``). Not the ledger. Pure: computed frames in, ``TabWrite``s out.
"""
