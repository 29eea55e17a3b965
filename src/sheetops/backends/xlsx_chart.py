"""Native charts on a tool tab (placeholder; filled in below)."""

from __future__ import annotations

from .base import TabWrite
from .xlsx_package import Package


def add_charts(pkg: Package, tab: TabWrite) -> str:
    raise NotImplementedError
