"""The cloud functions' logic; ``functions/main.py`` is a thin door around each of these.

- ``handle_http(request)``: ``refresh_http``, one POST refreshes one allowed spreadsheet
  (:mod:`.http`, statuses in :mod:`.runner`);
- ``handle_scheduled(event)``: ``refresh_scheduled``, a Pub/Sub CloudEvent refreshes one or
  more spreadsheets, one structured log line each (:mod:`.events`);
- ``handle_dispatch(event)``: ``dispatch``, one Pub/Sub message per registered spreadsheet
  (:mod:`.dispatch`, :mod:`.pubsub`);
- ``build_source(out)``: a folder ``gcloud functions deploy --source`` accepts (:mod:`.build`;
  ``python -m sheetops.cloud build-source OUT``).

Environment variables are described in :mod:`.config`. Importing does no I/O and needs no
credentials: Google clients are made on first use.
"""

from __future__ import annotations

from .build import build_source
from .dispatch import handle_dispatch
from .events import handle_scheduled
from .http import handle_http

__all__ = ["build_source", "handle_dispatch", "handle_http", "handle_scheduled"]
