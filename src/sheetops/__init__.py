"""SheetOps: the spreadsheet is the app for TikTok Shop creator programs.

>>> import sheetops
>>> result = sheetops.refresh("program.xlsx", as_of="2026-11-18")   # doctest: +SKIP
>>> result.to_json()["payouts"]["draft_total"]                       # doctest: +SKIP
'1234.50'

The package is laid out by business area, and imports point one way: down this list. A
module may import modules of its own area and of the areas on the lines below its own,
never those above it nor another area on its own line (imports under ``if TYPE_CHECKING:``
aside). ``tests/unit/test_architecture.py`` reads this list and holds it, with no cycles.

Layers (top to bottom):
    command:   cli
    doors:     excel, cloud, addon
    shared:    cloud.runner, cloud.pubsub, cloud.caller
    cloud:     cloud.config, cloud.logs
    testing:   testing
    package:   sheetops
    documents: documents
    refresh:   refresh
    runs:      unchanged
    backends:  backends
    templates: templates
    inputs:    importers, demo
    compute:   compute, tool_tabs, late_edits, result
    areas:     reports, ledger
    money:     money
    workbook:  workbook
    grids:     backends.column_grid
    base:      backends.base, errors, progress, _version

- command, doors: the command line (it also builds the add-in), the Excel ribbon button, the
  cloud functions, the Google Sheets add-on; thin. shared, cloud: the pieces of ``cloud/`` both
  cloud doors use (refresh runner and statuses, Pub/Sub, ID-token check; settings, log lines).
  ``sheetops`` itself is the public API: ``refresh`` and ``RunResult``.
- documents: the client report as a PDF and creator statements (read -> compute -> print),
  beside refresh, which it uses to read a workbook; it writes nothing back.
- refresh: the one use case every door calls (read -> check -> compute -> write); unchanged:
  how it sees that nothing changed since the last refresh and stops after one Run Log row.
- backends, templates, importers, demo: I/O with workbooks and files (``backends.base`` is
  their interface, at the bottom so the pure core can name a ``Grid`` or a ``TabWrite``;
  ``backends.column_grid`` is the ``Grid`` of a tab read column-wise, which the checks use).
- compute: the pure core of a refresh; tool_tabs: its results as the tool's tabs; late_edits:
  people's Payouts edits made during a run, kept in what the run writes; result: what a run
  did (``RunResult``) and its Run Log row.
- reports, ledger, money, workbook: the business areas (see each package's docstring).
"""

from __future__ import annotations

from ._version import __version__
from .refresh import RunResult, refresh

__all__ = ["RunResult", "refresh", "__version__"]
