"""The tabs the tool writes, as ``TabWrite``s: Payouts, Commission Lines, the GMV rollups,
Issues and Run Log. Pure: frames in, typed tab descriptions out."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from .workbook import schema
from .backends.base import Column, ColumnKind, Grid, TabWrite
from .workbook.issues import IssueLog, issues_frame
from .ledger.explain import explain_lines
from .ledger.payouts import LINE_COLUMNS, Ledger
from .money.rollups import Rollups
from .workbook.validate import Program

MONEY_SUMS = ("GMV", "Refunds", "Net GMV", "TikTok commission", "Brand payouts", "Sample cost", "Creator cost",
              "Previous Net GMV", "Target GMV")
COUNTS = ("Orders", "Units", "Rank", "Row", "Errors", "Warnings")
RATIOS = ("Refund rate", "Change", "Share", "Progress")
DATES = ("Period start", "Period end", "Start", "End", "Paid on")
NUMBERS = ("AOV", "Seconds")
WIDTHS = {"Problem": 60, "How to fix": 60, "Payout ID": 30, "Value": 24, "Creator": 20, "Name": 20,
          "Product": 28, "Product ID": 22, "Order ID": 22, "Rows read": 60, "Started": 20, "Finished": 20,
          "Summary": 80, "Rows": 30, "Order date": 20, "Settled date": 14, "Why": 60, "Item": 34}


def kind_of(name: str) -> ColumnKind:
    if name in MONEY_SUMS or name in schema.PAYOUT_AMOUNT_COLUMNS or name in ("Total", "Base", "Amount"):
        return "money"
    if name == "Rate":
        return "rate"
    if name in COUNTS:
        return "int"
    if name in RATIOS:
        return "ratio"
    if name == "ROI":
        return "times"
    if name in NUMBERS:
        return "number"
    if name in DATES:
        return "date"
    if name in ("Started", "Finished"):
        return "datetime"
    if name == "Cell":
        return "link"
    return "text"


def table_tab(name: str, frame: pd.DataFrame, *, kinds: dict[str, ColumnKind] | None = None, **options) -> TabWrite:
    """A tool tab from a frame, each column's kind taken from its header."""
    kinds = kinds or {}
    columns = [Column(str(c), kinds.get(str(c), kind_of(str(c))), WIDTHS.get(str(c), 14)) for c in frame.columns]
    frame = frame.copy()
    frame.columns = [c.name for c in columns]
    for col in columns:
        if col.kind in ("money", "int", "rate"):
            frame[col.name] = pd.array(pd.to_numeric(frame[col.name], errors="coerce").round(), dtype="Int64") \
                if frame[col.name].dtype == object else frame[col.name].astype("Int64")
        elif col.kind == "text" and isinstance(frame[col.name].dtype, pd.StringDtype):
            continue  # text already (blanks are missing values): kept as it is, no copy per cell
        elif col.kind == "text":
            frame[col.name] = _text(frame[col.name])
    tab = TabWrite(name, columns, frame.reset_index(drop=True), **options)
    return say_when_empty(tab)


def say_when_empty(tab: TabWrite) -> TabWrite:
    """A tool tab with no rows gets one row under its header saying so (``schema.EMPTY_NOTES``);
    its first column is then written as text for that run."""
    note = schema.EMPTY_NOTES.get(tab.name)
    if note is None or len(tab.frame) or not tab.columns:
        return tab
    first = tab.columns[0]
    tab.columns[0] = Column(first.name, "text", first.width)
    data = {c.name: pd.array([None], dtype="Int64") if c.kind in ("money", "amount", "int", "rate")
            else pd.array([float("nan")], dtype="float64") if c.kind in ("ratio", "times", "number")
            else pd.array([None], dtype=object) for c in tab.columns}
    data[first.name] = pd.array([note], dtype=object)
    tab.frame = pd.DataFrame(data)
    return tab


def _text(column: pd.Series) -> pd.Series:
    """A text column as Arrow text (blanks missing), built in C when every value is a ``str``;
    other values are shown with ``str`` one at a time, as before."""
    values = column.to_numpy(dtype=object)
    try:
        return pd.Series(pd.array(pa.array(values, type=pa.string(), from_pandas=True), dtype="string[pyarrow]"),
                         index=column.index)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        shown = column.astype(object).where(column.notna(), None)
        return shown.map(lambda v: v if v is None or isinstance(v, str) else str(v))


def payouts_tab(ledger: Ledger) -> TabWrite:
    """Payouts, newest period first (approval is done a week at a time), then by creator."""
    frame = ledger.payouts
    if len(frame):
        start = pd.to_datetime(pd.Series(frame["Period start"], dtype=object), errors="coerce")
        order = pd.DataFrame({"start": start, "creator": frame["Creator"].astype(str).str.lstrip("@").str.casefold()})
        order = order.sort_values(["start", "creator"], ascending=[False, True], kind="stable", na_position="last")
        frame = frame.loc[order.index].reset_index(drop=True)
    kinds: dict[str, ColumnKind] = {"Paid on": "mixed", "Approved by": "mixed", "Reference": "mixed"}
    kinds.update({c: "mixed" for c in ledger.extra_columns})  # columns people added: kept as they typed them
    return table_tab(
        schema.PAYOUTS.name, frame, kinds=kinds, editable=(*schema.PAYOUT_PEOPLE_COLUMNS, *ledger.extra_columns),
        dropdowns={"Status": schema.PAYOUT_STATUSES}, highlights={"Status": STATUS_FILLS},
    )


STATUS_FILLS = {"Draft": "FFF2CC", "Below minimum": "EDEDED", "On hold": "F8CBAD", "Approved": "C6E0B4",
                "Paid": "A9D08E"}
"""Payouts Status colours, as conditional formats: yellow to check, grey below the minimum,
red on hold, greens once approved and paid."""


def lines_tab(ledger: Ledger, program: Program | None = None) -> TabWrite:
    """Commission Lines; with the ``program``, each line also says its period, the order's
    dates and product, and why it earns what it does (``ledger/explain.py``)."""
    lines = ledger.lines[LINE_COLUMNS]
    if program is not None:
        lines = explain_lines(lines, program)
    return table_tab(schema.COMMISSION_LINES, lines, kinds={"Order date": "datetime", "Settled date": "date"})


def rollup_tabs(rollups: Rollups) -> list[TabWrite]:
    """The four GMV tabs, with the columns schema.TOOL_TAB_COLUMNS declares."""
    frames = {schema.GMV_BY_CREATOR: rollups.by_creator, schema.GMV_BY_CAMPAIGN: rollups.by_campaign,
              schema.GMV_BY_PRODUCT: rollups.by_product, schema.GMV_BY_PERIOD: rollups.by_period}
    return [table_tab(name, frame.reindex(columns=list(schema.TOOL_TAB_COLUMNS[name])))
            for name, frame in frames.items()]


def issues_tab(log: IssueLog) -> TabWrite:
    return table_tab(schema.ISSUES, issues_frame(log))


def run_log_tab(previous: Grid | None, row: dict[str, object]) -> TabWrite:
    """The Run Log with one row appended (earlier rows kept as they were)."""
    columns = list(schema.RUN_LOG_COLUMNS)
    old = []
    if previous:
        # the header row is the one naming the columns, wherever it is; rows without one above
        # them (a title typed above it, or every row when the header was deleted) are kept by
        # position, so no earlier run is read through a wrong header and blanked
        at = next((i for i, r in enumerate(previous) if {"Started", "Result"} <= {str(h or "").strip() for h in r}),
                  len(previous))
        for r in previous[:at]:
            if any(v not in (None, "") for v in r):
                old.append({c: (r[i] if i < len(r) else None) for i, c in enumerate(columns)})
        header = [str(h or "").strip() for h in previous[at]] if at < len(previous) else []
        for r in previous[at + 1:]:
            if any(v not in (None, "") for v in r):
                old.append({h: (r[i] if i < len(r) else None) for i, h in enumerate(header) if h in columns})
    frame = pd.DataFrame(old + [row], columns=columns)
    kinds: dict[str, ColumnKind] = {c: "mixed" for c in columns}
    for c in ("Started", "Finished"):
        frame[c] = frame[c].map(lambda v: v.to_pydatetime() if isinstance(v, pd.Timestamp) else v)
    frame = frame.astype(object).where(frame.notna(), None)
    for c in ("Errors", "Warnings"):  # counts read back as 3.0 are shown as counts again, not 3.00
        frame[c] = pd.Series([None if isinstance(v, float) and v != v else int(v) if isinstance(v, float)
                              and v.is_integer() else v for v in frame[c]], index=frame.index, dtype=object)
    return TabWrite(schema.RUN_LOG, [Column(c, kinds[c], WIDTHS.get(c, 12)) for c in columns], frame)
