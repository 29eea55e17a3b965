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

from typing import TYPE_CHECKING, Any

from .dispatch import handle_dispatch
from .events import handle_scheduled
from .http import handle_http

if TYPE_CHECKING:
    from .build import build_source


def __getattr__(name: str) -> Any:
    """``build_source`` on first use (PEP 562): deploying needs it, a function's cold start does not."""
    if name == "build_source":
        from .build import build_source

        return build_source
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["build_source", "handle_dispatch", "handle_http", "handle_scheduled"]
