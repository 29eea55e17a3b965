"""What items earn: which rule applies to an order line (``rules``, ``order_lines``), every
payable item priced and rounded once (``commissions``: order lines, video fees, bonuses,
retainers, adjustments), and GMV rollups by creator, campaign, product and period
(``rollup_lines``, ``rollups``).

May import: ``sheetops.workbook``, the backends' interface, ``sheetops.errors``; pandas and
numpy. Not the ledger, reports, compute or refresh. No I/O.
"""
