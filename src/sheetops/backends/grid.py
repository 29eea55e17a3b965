"""Turn a ``TabWrite`` into plain 2-D rows of Python values, for backends that write grids.

Money becomes a float that prints as its exact two-decimal value (``1205`` cents ->
``12.05``; ``float(c) / 100`` is the float nearest the decimal, so no cent is lost in
transport); rates become fractions; links become ``Link`` objects for the backend to render.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

import pandas as pd

from .base import RATE_SCALE, Column, Link, Money, Rate, Ratio, TabWrite

OutCell = None | str | int | float | dt.date | dt.datetime | Link


def _is_na(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def out_cell(value: Any, kind: str) -> OutCell:
    """One frame value of a column of ``kind`` as a plain Python value."""
    if _is_na(value):
        return None
    if kind == "text":
        return str(value)
    if kind in ("money", "amount"):
        return int(value) / 100
    if kind == "rate":
        return int(value) / RATE_SCALE
    if kind in ("ratio", "times", "number"):
        return float(value)
    if kind == "int":
        return int(value)
    if kind == "date":
        if isinstance(value, pd.Timestamp):
            return value.date()
        if isinstance(value, dt.datetime):
            return value.date()
        return value
    if kind == "datetime":
        if isinstance(value, pd.Timestamp):
            return value.to_pydatetime()
        return value
    if kind == "link":
        return value if isinstance(value, Link) else str(value)
    return mixed_cell(value)


def mixed_cell(value: Any) -> OutCell:
    if _is_na(value):
        return None
    if isinstance(value, Money):
        return value.cents / 100
    if isinstance(value, Rate):
        return value.millionths / RATE_SCALE
    if isinstance(value, Ratio):
        return float(value.value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (str, int, float, dt.date, Link)):
        return value
    return str(value)


def mixed_kind(value: Any) -> str:
    """The format kind of one ``mixed`` value."""
    if isinstance(value, Money):
        return "money"
    if isinstance(value, Rate):
        return "rate"
    if isinstance(value, Ratio):
        return "ratio"
    if isinstance(value, Link):
        return "link"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, bool):
        return "text"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "number"
    return "text"


def iter_rows(tab: TabWrite) -> Iterator[list[OutCell]]:
    """The header row (when the tab has one), then every data row, as plain values."""
    if tab.header:
        yield [c.name for c in tab.columns]
    columns: list[Column] = tab.columns
    series = [tab.frame[c.name].tolist() for c in columns]
    for i in range(len(tab.frame)):
        yield [out_cell(values[i], col.kind) for values, col in zip(series, columns)]


def tab_rows(tab: TabWrite) -> list[list[OutCell]]:
    return list(iter_rows(tab))
