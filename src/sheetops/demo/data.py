"""Realistic demo data for a SheetOps workbook: ``make_demo(orders=N, seed=S, today=D)``.

A beauty brand's creator program: three dozen creators in Gold/Silver/Bronze tiers, five
campaigns with their products, rules of all four types, content, samples, adjustments and
N order lines over the 12 weeks before ``today``. The same seed always gives the same data.

Three order lines are wrong on purpose (``DemoData.bad_rows``) so the Issues tab has
something to show: a creator not on the roster, a GMV typed with a letter O (``12O.00``)
and a Refund above the GMV. Everything else is meant to be clean.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np
import pandas as pd

from ..workbook import schema
from .orders import HEADER as ORDER_HEADER
from .orders import WINDOW_DAYS, Catalog, OrderColumns, make_orders
from .people import BRAND, people_tabs

Grid = list[list[Any]]

GHOST_CREATOR = "ghostcreator"


@dataclass(frozen=True)
class BadRow:
    """A cell that is wrong on purpose; ``row`` is the 1-based sheet row."""

    tab: str
    row: int
    column: str
    value: Any
    why: str


class DemoData(Mapping[str, Grid]):
    """Demo tabs: ``demo["Creators"]`` is a grid of raw values, header first.

    The Orders tab is kept as columns (``orders``) so a million lines fit in memory; use
    ``iter_rows("Orders")`` or ``orders_frame()`` rather than ``demo["Orders"]`` for big N.
    """

    def __init__(self, tabs: dict[str, Grid], orders: OrderColumns, bad_rows: tuple[BadRow, ...]) -> None:
        self._tabs = tabs
        self.orders = orders
        self.bad_rows = bad_rows

    @property
    def tab_names(self) -> tuple[str, ...]:
        return tuple(t for t in (schema.SETTINGS_TAB.name, *(s.name for s in schema.INPUT_TABS)) if t in self)

    def __contains__(self, name: object) -> bool:
        return name == schema.ORDERS.name or name in self._tabs

    def __iter__(self) -> Iterator[str]:
        return iter(self.tab_names)

    def __len__(self) -> int:
        return len(self.tab_names)

    def __getitem__(self, name: str) -> Grid:
        return [list(self.header(name)), *self.iter_rows(name)]

    def header(self, name: str) -> list[str]:
        if name == schema.ORDERS.name:
            return list(ORDER_HEADER)
        return list(self._tabs[name][0])

    def row_count(self, name: str) -> int:
        if name == schema.ORDERS.name:
            return len(self.orders)
        return len(self._tabs[name]) - 1

    def iter_rows(self, name: str) -> Iterator[list[Any]]:
        if name == schema.ORDERS.name:
            return self.orders.iter_rows()
        return iter([list(r) for r in self._tabs[name][1:]])

    def orders_frame(self) -> pd.DataFrame:
        """The Orders tab as a DataFrame (the fast path for big N)."""
        return self.orders.frame()


def make_demo(*, orders: int, seed: int, today: dt.date) -> DemoData:
    """Demo data with ``orders`` order lines dated in the 12 weeks before ``today``.

    >>> demo = make_demo(orders=200, seed=7, today=dt.date(2026, 11, 18))
    >>> demo.row_count("Orders"), demo["Creators"][0][0]
    (200, 'Creator')
    """
    if orders < 0:
        raise ValueError("orders must be 0 or more")
    rng = np.random.default_rng(seed)
    tabs, catalog = people_tabs(rng, today=today)
    lines = make_orders(rng, catalog, n=orders, today=today)
    bad = _spoil(lines, catalog)
    _set_targets(tabs, lines, rng)
    _scale_bonuses(tabs, lines, catalog)
    return DemoData(tabs, lines, bad)


def _spoil(lines: OrderColumns, catalog: Catalog) -> tuple[BadRow, ...]:
    """Make three lines wrong on purpose (fewer when there are fewer than 3 lines)."""
    n = len(lines)
    spots = sorted({int(n * f) for f in (0.35, 0.6, 0.85)} & set(range(n)))
    bad: list[BadRow] = []
    for kind, line in zip(("creator", "gmv", "refund"), spots):
        if kind == "creator":
            value: Any = GHOST_CREATOR
            bad.append(BadRow("Orders", line + 2, "Creator", value, "creator not on the Creators tab"))
            lines.overrides[(line, "Creator")] = value
        elif kind == "gmv":
            value = "12O.00"
            bad.append(BadRow("Orders", line + 2, "GMV", value, "GMV typed with a letter O"))
            lines.overrides[(line, "GMV")] = value
            lines.overrides[(line, "Commission base")] = None
        else:
            gmv = int(lines.gmv_cents[line]) or 2400
            lines.gmv_cents[line] = gmv
            value = (gmv + 1000) / 100
            bad.append(BadRow("Orders", line + 2, "Refund", value, "Refund above GMV"))
            lines.overrides[(line, "Refund")] = value
            lines.overrides[(line, "Status")] = "Refunded"
            lines.overrides[(line, "Settled date")] = None
            lines.overrides[(line, "Commission base")] = None
            lines.overrides[(line, "TikTok commission")] = 0.0
    return tuple(bad)


def _campaign_net_gmv(lines: OrderColumns) -> np.ndarray:
    n_campaigns = len(lines.catalog.campaign_codes)
    net = lines.gmv_cents - np.maximum(lines.refund_cents, 0)
    mask = lines.campaign >= 0
    return np.bincount(lines.campaign[mask], weights=net[mask], minlength=n_campaigns)


def _set_targets(tabs: dict[str, Grid], lines: OrderColumns, rng: np.random.Generator) -> None:
    """Campaign targets near what the demo sells, so progress bars say something."""
    net = _campaign_net_gmv(lines)
    header = tabs["Campaigns"][0]
    col = header.index("Target GMV")
    for i, row in enumerate(tabs["Campaigns"][1:]):
        expected = net[i] / 100 if net[i] else 5_000.0
        row[col] = float(max(500, round(expected * float(rng.uniform(0.9, 1.3)), -2)))


def _scale_bonuses(tabs: dict[str, Grid], lines: OrderColumns, catalog: Catalog) -> None:
    """Put Bonus bands where a busy creator's week lands, whatever N is."""
    weekly = lines.gmv_cents.sum() / 100 / (WINDOW_DAYS / 7)
    share = catalog.creator_weights.max() / catalog.creator_weights.sum()
    top_week = max(weekly * share, 100.0)
    header = tabs["Rules"][0]
    lo, hi = header.index("Min GMV"), header.index("Max GMV")
    for row in tabs["Rules"][1:]:
        if row[header.index("Type")] != "Bonus":
            continue
        for col in (lo, hi):
            if isinstance(row[col], float):
                row[col] = _nice(row[col] * top_week)


def _nice(amount: float) -> float:
    """Round to a number a person would pick: 120 -> 100.0, 2,740 -> 2,500.0."""
    if amount <= 0:
        return 0.0
    magnitude = 10 ** int(np.floor(np.log10(amount)))
    steps = np.array([1, 2, 2.5, 5, 10]) * magnitude
    return float(steps[np.argmin(np.abs(steps - amount))])


__all__ = ["BRAND", "BadRow", "DemoData", "GHOST_CREATOR", "make_demo"]
