"""Edits of a tab people use (placeholder)."""

from __future__ import annotations

from .base import TabEdit
from .xlsx_styles import Styles


def edit_sheet(xml: bytes, edit: TabEdit, styles: Styles) -> tuple[bytes, bool]:
    raise NotImplementedError
