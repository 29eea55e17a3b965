"""Demo workbooks: a season of realistic creators, campaigns, rules, orders, content and
samples (``data``), from a people generator (``people``) and a vectorised order generator
(``orders``), with a few bad rows planted so the Issues tab has something to show.

May import: ``sheetops.workbook`` (the schema), the backends' interface; numpy and pandas.
Used by the templates (``sheetops init --demo``), the tests and the benchmarks.
"""
