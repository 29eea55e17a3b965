"""Payouts over time: drafts per creator and period (``payouts``), locking what a person
approved (``locks``, ``approvals``), corrections and late items after a lock
(``corrections``), the minimum payout and carry-forward (``carry``), and the PayPal
Payouts layout of approved payouts (``paypal``).

May import: ``sheetops.money``, ``sheetops.workbook``, the backends' interface,
``sheetops.errors``; pandas and numpy. Not reports, compute or refresh. No I/O (the export
files are written by ``sheetops.refresh.export_payouts``).
"""
