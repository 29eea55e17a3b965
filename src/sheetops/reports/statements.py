"""Creator statements: every line behind one creator's payout, for the creator to read.

``build_statements`` takes the computed payouts and their commission lines as plain frames
(the door gets them from ``compute``; this module never imports the ledger) and returns one
``Statement`` per payout of a period: the creator, the period, the payout's parts, Total and
Status, and its lines with what explains them (order, product, dates, base, rate, rule; the
video, the bonus's GMV band, the adjustment's reason, the payout a correction corrects, where
a carried amount comes from or goes to). A statement holds only its own payout's lines, and
no payout account (the frames passed in have none, and none is looked up).

``statement_tab`` lays a statement out as a printable tab; ``statement_csv`` gives the same
lines as CSV rows. Pure: frames in, values out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd

from ..backends.base import Column, Money, PageSetup, Rate, TabWrite, column_letter, money_text, rate_text
from ..workbook.schema import PAYOUT_AMOUNT_COLUMNS
from .layout import STYLES, day_text, paper_for

LINE_COLUMNS = ("Kind", "Order ID", "SKU ID", "Product", "Order date", "Settled date", "Campaign", "Rule", "Base",
                "Rate", "Amount", "Detail")
"""The columns of a statement's lines, in the PDF and the CSV alike."""
KIND_ORDER = ("Commission", "Video fee", "Bonus", "Retainer", "Adjustment", "Correction", "Carried in")
WIDTHS = (12.0, 21.0, 21.0, 26.0, 11.0, 11.0, 10.0, 11.0, 11.0, 8.0, 11.0, 46.0)
STATUS_WORDS = {
    "Draft": "computed, not approved yet: it may still change",
    "Below minimum": "below the minimum payout: carried into a later payout",
    "On hold": "held until a problem with one of the creator's rows is fixed",
    "Approved": "approved for payment",
    "Paid": "paid",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Statement:
    """One creator's payout for one period, with the lines that make it up."""

    payout_id: str
    creator: str
    name: str | None
    period_start: pd.Timestamp
    period_end: pd.Timestamp
    status: str
    currency: str
    total_cents: int
    parts: dict[str, int]
    """Payout column (Commission .. Carried in) -> cents."""
    records: list[dict[str, Any]] = field(default_factory=list)
    """One dict per line (``LINE_COLUMNS``); Base and Amount in integer cents, Rate in
    millionths, dates as dates; in the order the statement shows them."""

    @property
    def lines(self) -> pd.DataFrame:
        """The lines as a frame (``LINE_COLUMNS``)."""
        return pd.DataFrame(self.records, columns=list(LINE_COLUMNS))

    @property
    def lines_cents(self) -> int:
        return sum(int(r["Amount"] or 0) for r in self.records)

    @property
    def file_stem(self) -> str:
        """``statement-<period start>-<handle>``: letters, digits, dot, dash, underscore only."""
        return safe_stem(self.creator, self.period_start)


def safe_stem(handle: str, period_start: Any) -> str:
    """A file name (without extension) for a handle and a period, with no path characters.

    >>> safe_stem("@Glow/With Mia..", pd.Timestamp("2026-11-09"))
    'statement-2026-11-09-Glow_With_Mia'
    """
    clean = _UNSAFE.sub("_", str(handle).strip().lstrip("@")).strip("._-")[:60] or "creator"
    return f"statement-{day_text(period_start)}-{clean}"


def build_statements(payouts: pd.DataFrame, lines: pd.DataFrame, *, period_start: Any,
                     orders: pd.DataFrame | None = None, content: pd.DataFrame | None = None,
                     rules: pd.DataFrame | None = None, locked: pd.DataFrame | None = None,
                     names: Mapping[str, str] | None = None) -> list[Statement]:
    """One statement per payout whose period starts on ``period_start``, by creator handle.

    ``payouts`` and ``lines`` are the Payouts and Commission Lines frames of a computed ledger
    (money in cents). The optional frames explain the lines: ``orders`` (Order ID, SKU ID,
    Product ID, Product, Order date, Settled date), ``content`` (Content ID, Type, Posted),
    ``rules`` (Rule, Min GMV, Max GMV, Amount, Rate), ``locked`` (Payout ID, key: the items of
    approved or paid payouts, to name the payout a correction corrects); ``names`` maps a
    handle to the creator's name."""
    start = pd.Timestamp(period_start).normalize()
    if payouts.empty:
        return []
    mine = payouts[pd.to_datetime(payouts["Period start"]).dt.normalize() == start]
    wanted = set(mine["Payout ID"].astype(str))
    lines = lines[lines["Payout ID"].astype(str).isin(wanted)]
    by_payout: dict[str, list[dict[str, Any]]] = {}
    for rec in lines.to_dict("records"):
        by_payout.setdefault(str(rec["Payout ID"]), []).append(rec)
    if orders is not None and len(orders) and len(lines):  # only the orders these lines name
        orders = orders[orders["Order ID"].astype(str).isin(set(lines["Order ID"].dropna().astype(str)))]
    explain = _Explainer(orders, content, rules, locked)
    out = []
    for row in mine.sort_values("Creator", key=lambda s: s.astype(str).str.casefold()).to_dict("records"):
        pid = str(row["Payout ID"])
        handle = str(row["Creator"])
        own = by_payout.get(pid, [])
        out.append(Statement(
            payout_id=pid, creator=handle, name=(names or {}).get(handle), period_start=start,
            period_end=pd.Timestamp(row["Period end"]).normalize(), status=str(row["Status"]),
            currency=str(row["Currency"]), total_cents=int(row["Total"]),
            parts={c: int(row[c]) for c in PAYOUT_AMOUNT_COLUMNS}, records=explain.lines(own, pid),
        ))
    return out


class _Explainer:
    """Turns Commission Lines rows into statement lines, with the words that explain them."""

    def __init__(self, orders: pd.DataFrame | None, content: pd.DataFrame | None, rules: pd.DataFrame | None,
                 locked: pd.DataFrame | None) -> None:
        self.orders: dict[tuple[str, str], dict[str, Any]] = {}
        if orders is not None and len(orders):
            keys = zip(orders["Order ID"].astype(str), orders["SKU ID"].fillna("").astype(str))
            self.orders = dict(zip(keys, orders[["Product ID", "Product", "Order date", "Settled date"]]
                                   .to_dict("records")))
        self.content = ({str(r["Content ID"]): r for r in content[["Content ID", "Type", "Posted"]].to_dict("records")}
                        if content is not None and len(content) else {})
        self.rules = ({str(r["Rule"]): r for r in rules.to_dict("records")} if rules is not None and len(rules) else {})
        self.locked = locked if locked is not None else pd.DataFrame(columns=["Payout ID", "key"])

    def lines(self, own: list[dict[str, Any]], payout_id: str) -> list[dict[str, Any]]:
        """The statement lines of one payout's Commission Lines rows, by kind, then date."""
        rows = [self._line(r, payout_id) for r in own]
        rows.sort(key=lambda r: (r.pop("_rank"), *(str(r[c] or "~") for c in ("Settled date", "Order date", "Order ID",
                                                                               "Detail"))))
        return rows

    def _line(self, r: dict[str, Any], payout_id: str) -> dict[str, Any]:
        kind = _text(r.get("Kind")) or ""
        out: dict[str, Any] = {c: None for c in LINE_COLUMNS}
        out.update({"Kind": kind, "Campaign": _text(r.get("Campaign")), "Rule": _text(r.get("Rule")),
                    "Order ID": _text(r.get("Order ID")), "SKU ID": _text(r.get("SKU ID")),
                    "Base": _cents(r.get("Base")), "Rate": _cents(r.get("Rate")), "Amount": _cents(r.get("Amount")) or 0,
                    "_rank": KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)})
        order = self.orders.get((out["Order ID"] or "", out["SKU ID"] or "")) if out["Order ID"] else None
        if order:
            out["Product"] = _text(order.get("Product")) or _text(order.get("Product ID"))
            out["Order date"] = _day(order.get("Order date"))
            out["Settled date"] = _day(order.get("Settled date"))
        key = _text(r.get("Item")) or ""
        out["Detail"] = self._detail(kind, r, out, key, payout_id)
        return out

    def _detail(self, kind: str, r: dict[str, Any], out: dict[str, Any], key: str, payout_id: str) -> str | None:
        if kind == "Commission":
            return None
        if kind == "Video fee":
            video = self.content.get(_text(r.get("Content ID")) or "")
            what = (_text(video.get("Type")) if video else None) or "Video"
            posted = f", posted {day_text(video['Posted'])}" if video and not pd.isna(video.get("Posted")) else ""
            return f"{what} {_text(r.get('Content ID')) or ''}{posted}".strip()
        if kind == "Bonus":
            return self._band(out)
        if kind == "Retainer":
            return "retainer for this period"
        if kind == "Adjustment":
            return _reason(key)
        if kind == "Correction":
            return self._correction(key, payout_id, out)
        if kind == "Carried in":
            rule = out["Rule"] or ""
            if rule.startswith("from "):
                return f"carried in from payout {rule[5:]} (it was below the minimum payout)"
            if rule.startswith("to "):
                return f"carried to payout {rule[3:]} (this payout was below the minimum payout)"
        return None

    def _band(self, out: dict[str, Any]) -> str:
        rule = self.rules.get(out["Rule"] or "", {})
        low, high = _cents(rule.get("Min GMV")), _cents(rule.get("Max GMV"))
        band = f"GMV band {_grouped(low or 0)} to {_grouped(high) if high is not None else 'no limit'}"
        gmv = f"your GMV {_grouped(out['Base'])}" if out["Base"] is not None else "your GMV"
        parts = []
        if _cents(rule.get("Amount")):
            parts.append(f"{_grouped(_cents(rule.get('Amount')) or 0)}")
        if _cents(rule.get("Rate")):
            parts.append(f"{rate_text(int(_cents(rule.get('Rate')) or 0) * 100).rstrip('.')}% of GMV above "
                         f"{_grouped(low or 0)}" + (f" up to {_grouped(high)}" if high is not None else ""))
        return f"{gmv} in {band}: " + " + ".join(parts) if parts else f"{gmv} in {band}"

    def _correction(self, key: str, payout_id: str, out: dict[str, Any]) -> str:
        rest = key.removeprefix("correction:")
        item = rest.split(":", 1)[1] if ":" in rest else rest
        earlier = self.locked[(self.locked["key"].astype(str) == item)
                              & (self.locked["Payout ID"].astype(str) != payout_id)]["Payout ID"].astype(str)
        what = (f"order {out['Order ID']}" if out["Order ID"] else f"video {item.split(':', 1)[-1]}"
                if item.startswith("content:") else item.split(":", 1)[0] or "an item")
        where = f"payout {sorted(earlier)[-1]}" if len(earlier) else "an earlier approved payout"
        return f"corrects {what}, paid in {where}, which now earns a different amount"


def _reason(key: str) -> str | None:
    """The Reason of an Adjustments row, from its item key ``adjustment:creator|date|amount|reason#n``."""
    body = key.removeprefix("adjustment:")
    parts = body.split("|", 3)
    return parts[3].rpartition("#")[0] or parts[3] if len(parts) == 4 else None


def _text(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _cents(value: Any) -> int | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return int(value)


def _day(value: Any) -> Any:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _grouped(cents: int | None) -> str:
    if cents is None:
        return ""
    whole, frac = divmod(abs(int(cents)), 100)
    return f"{'-' if cents < 0 else ''}{whole:,}.{frac:02d}"


# -- the printable statement ---------------------------------------------------------------


def statement_tab(st: Statement, *, client: str = "", prepared_on: Any = None) -> TabWrite:
    """The statement as a one-tab document: title, facts, the payout's parts, every line and
    the Total, printed landscape and one page wide."""
    width = len(LINE_COLUMNS)
    letters = [column_letter(i) for i in range(width)]
    rows: list[list[Any]] = []
    styles = {}

    def add(*cells: Any, style: str | None = None, styled: dict[int, str] | None = None) -> int:
        rows.append(list(cells) + [None] * (width - len(cells)))
        r = len(rows) - 1
        for c, v in enumerate(cells):
            if style and v is not None:
                styles[(r, c)] = STYLES[style]
        for c, name in (styled or {}).items():
            styles[(r, c)] = STYLES[name]
        return r

    title = add("Payout statement", style="title")
    who = f"@{st.creator}" + (f" ({st.name})" if st.name else "")
    facts = [("Creator", who), ("Period", f"{day_text(st.period_start)} to {day_text(st.period_end)}"),
             ("Payout ID", st.payout_id), ("Status", f"{st.status}: {STATUS_WORDS.get(st.status, st.status)}"),
             ("Prepared by", ("SheetOps" + (f" for {client}" if client else "")
                              + (f" on {day_text(prepared_on)}" if prepared_on is not None else "")
                              + f"; amounts in {st.currency}"))]
    for label, value in facts:
        add(label, value, styled={0: "fact_label", 1: "fact"})
    add()
    add("Summary", style="section")
    add("Part", "Amount", styled={0: "header", 1: "header_number"})
    for part in PAYOUT_AMOUNT_COLUMNS:
        add(part, Money(st.parts[part]))
    add("Total", Money(st.total_cents), style="total")
    add()
    add("Every line behind the payout", None, None, "they add up to the Total", styled={0: "section", 3: "section_note"})
    numbers = {"Base", "Rate", "Amount"}
    add(*LINE_COLUMNS, styled={i: "header_number" if c in numbers else "header" for i, c in enumerate(LINE_COLUMNS)})
    for line in st.records:
        add(*[_cell(c, line[c]) for c in LINE_COLUMNS])
    if not st.records:
        add(None, "No lines: nothing was earned in this period.", style="note")
    add(*(["Total"] + [None] * (width - 2) + [None]), style="total")
    rows[-1][LINE_COLUMNS.index("Amount")] = Money(st.lines_cents)
    styles[(len(rows) - 1, LINE_COLUMNS.index("Amount"))] = STYLES["total"]
    frame = pd.DataFrame(rows, columns=letters, dtype=object)
    frame = frame.astype(object).where(frame.notna(), None)
    page = PageSetup(landscape=True, fit_width=1, fit_height=0, paper=paper_for(st.currency),
                     title_rows=(title, title + 1), footer_left=f"@{st.creator} · {day_text(st.period_start)}")
    return TabWrite("Statement", [Column(c, "mixed", w) for c, w in zip(letters, WIDTHS)], frame, header=False,
                    protected=False, styles=styles, row_heights={title: 30.0}, page=page, gridlines=False)


def _cell(column: str, value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if column in ("Base", "Amount"):
        return Money(int(value))
    if column == "Rate":
        return Rate(int(value))
    return value


def statement_csv(st: Statement) -> list[list[str]]:
    """The statement's lines as CSV rows: a header, one row per line, then the Total row.
    Amounts are plain ``0.00``, rates decimal fractions (``0.08``), dates ``YYYY-MM-DD``."""
    out = [["Creator", "Period start", "Period end", "Payout ID", *LINE_COLUMNS]]
    head = [st.creator, day_text(st.period_start), day_text(st.period_end), st.payout_id]
    for line in st.records:
        out.append(head + [_csv(c, line[c]) for c in LINE_COLUMNS])
    total = head + [""] * len(LINE_COLUMNS)
    total[4] = "Total"
    total[4 + LINE_COLUMNS.index("Amount")] = money_text(st.lines_cents)
    total[4 + LINE_COLUMNS.index("Detail")] = f"Status {st.status}"
    out.append(total)
    return out


def _csv(column: str, value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if column in ("Base", "Amount"):
        return money_text(int(value))
    if column == "Rate":
        return rate_text(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
