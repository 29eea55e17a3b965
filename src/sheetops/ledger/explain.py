"""Commission Lines that explain themselves (issue #15): each line with its payout's Period
start, the order's Order date, Settled date and Product (ID and name), and a plain-words
``Why`` ("R-MIA: 10% for @glowwithmia on FALL26"), so a line can be explained to a creator
without going back to Orders.

Pure: the lines and the checked program in, the same lines with the added columns out. The
order facts are looked up once per distinct order line (by Order ID and SKU ID); the Why
once per rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..backends.base import money_text, rate_text
from ..workbook.tables import STR, arrow_text
from ..workbook.validate import Program

EXPLAIN_COLUMNS = ["Period start", "Order date", "Settled date", "Product ID", "Product", "Why"]
"""The columns added after the Commission Lines' own, in this order."""

ORDER_FACTS = ["Order date", "Settled date", "Product ID", "Product"]


def explain_lines(lines: pd.DataFrame, program: Program) -> pd.DataFrame:
    """``lines`` (Commission Lines frame) with EXPLAIN_COLUMNS added."""
    out = lines.copy(deep=False)
    codes, payouts = pd.factorize(out["Payout ID"])  # a few thousand payouts for a million lines
    starts = pd.to_datetime(pd.Series(payouts, dtype=object).astype(str).str.slice(0, 10), format="%Y-%m-%d",
                            errors="coerce").to_numpy()
    out["Period start"] = np.where(codes >= 0, starts[np.maximum(codes, 0)], np.datetime64("NaT"))
    facts = _order_facts(out, program)
    for c in ORDER_FACTS:
        out[c] = facts[c]
    out["Why"] = _why(out, program)
    return out


def _order_facts(lines: pd.DataFrame, program: Program) -> pd.DataFrame:
    orders = program.orders.frame
    if orders.empty or lines.empty:
        return pd.DataFrame({c: [None] * len(lines) for c in ORDER_FACTS})
    # each line's order row, found by one hash lookup of "Order ID|SKU ID" in Arrow; a repeated
    # line: its first row, as the checks do
    found = pc.index_in(_keys(lines), value_set=_keys(orders))
    where = found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    is_order = (where >= 0) & lines["Order ID"].notna().to_numpy()
    at = np.maximum(where, 0)
    out = pd.DataFrame(index=lines.index)
    for c in ("Order date", "Settled date"):
        values = pd.to_datetime(orders[c], errors="coerce").to_numpy(dtype="datetime64[ns]")
        out[c] = np.where(is_order, values[at] if len(values) else np.datetime64("NaT"), np.datetime64("NaT"))
    for c in ("Product ID", "Product"):
        if orders[c].dtype == STR:  # checked text: only the lines' own values become Python text
            picked = arrow_text(orders[c]).take(pa.array(at)).to_numpy(zero_copy_only=False)
        else:
            values = orders[c].astype(object).to_numpy()
            picked = values[at] if len(values) else np.full(len(lines), None, dtype=object)
        out[c] = pd.Series(picked, index=lines.index, dtype=object).where(is_order & pd.notna(picked), None)
    return out


def _keys(frame: pd.DataFrame) -> pa.Array:
    """``Order ID|SKU ID`` of every row (blank parts as empty text), joined in Arrow."""
    parts = [pc.fill_null(arrow_text(frame[c]).cast(pa.large_string()) if frame[c].dtype == STR else
                          pa.array(frame[c].astype(object).where(frame[c].notna(), None), type=pa.large_string()), "")
             for c in ("Order ID", "SKU ID")]
    return pc.binary_join_element_wise(parts[0], parts[1], pa.scalar("|", pa.large_string()))


def _why(lines: pd.DataFrame, program: Program) -> pd.Series:
    """The plain-words reason of each line, from its Kind and Rule."""
    rules = {str(r["Rule"]).strip(): r for r in program.rules.frame.to_dict("records") if r.get("Rule")}
    per_rule = {code: rule_words(r) for code, r in rules.items()}
    kind = lines["Kind"].astype(object)
    rule = lines["Rule"].astype(object).where(lines["Rule"].notna(), "")
    out = rule.map(per_rule).astype(object)  # most lines: their rule's words, looked up per rule
    special = kind.isin(["Correction", "Carried in", "Adjustment"]).to_numpy() | out.isna().to_numpy()
    if not special.any():
        return out
    item = lines["Item"].astype(object).where(lines["Item"].notna(), "")
    words = []
    for k, r, i in zip(kind[special].tolist(), rule[special].tolist(), item[special].tolist()):
        r = str(r)
        if k == "Correction":
            corrected = str(i).split(":", 2)[1] if str(i).count(":") >= 2 else ""
            words.append(f"Correction of payout {corrected}: what it paid changed since it was locked"
                       + (f" ({per_rule[r]})" if r in per_rule else ""))
        elif k == "Carried in":
            words.append(f"Carried {r}: amounts below the minimum payout move into the next payout" if r else
                       "Carried: amounts below the minimum payout move into the next payout")
        elif k == "Adjustment":
            reason = str(i).split("|", 3)[3].rsplit("#", 1)[0] if str(i).count("|") >= 3 else ""
            words.append(f"Adjustment: {reason}" if reason else "Adjustment from the Adjustments tab")
        else:
            words.append(per_rule.get(r, f"{k}: rule {r}" if r else str(k or "")))
    out[special] = words
    return out


def rule_words(rule: dict[str, object]) -> str:
    """One rule in plain words: ``R-MIA: 10% for @glowwithmia on FALL26``."""
    code, kind = str(rule.get("Rule") or "").strip(), str(rule.get("Type") or "")
    filters = []
    if _filled(rule.get("Creator")):
        filters.append(f"for @{str(rule['Creator']).strip().lstrip('@')}")
    if _filled(rule.get("Tier")):
        filters.append(f"for tier {str(rule['Tier']).strip()}")
    if _filled(rule.get("Campaign")):
        filters.append(f"on {str(rule['Campaign']).strip()}")
    if _filled(rule.get("Product")):
        filters.append(f"for product {str(rule['Product']).strip()}")
    where = (" " + " ".join(filters)) if filters else " on every line"
    rate = _rate(rule.get("Rate"))
    amount = _money(rule.get("Amount"))
    if kind == "Percent":
        return f"{code}: {rate or '0%'} of the base{where}"
    if kind == "Per video":
        return f"{code}: {amount or '0.00'} per approved video{where if filters else ''}"
    if kind == "Bonus":
        low, high = _money(rule.get("Min GMV")) or "0.00", _money(rule.get("Max GMV"))
        band = f"GMV from {low}" + (f" to {high}" if high else " up")
        parts = [p for p in (amount, f"{rate} of the GMV above {low}" if rate else "") if p]
        return f"{code}: bonus {' + '.join(parts) or '0.00'} on {band}{where if filters else ''}"
    if kind == "Retainer":
        return f"{code}: retainer {amount or '0.00'} each period{where if filters else ''}"
    return f"{code}: {kind}"


def _filled(value: object) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value)) and str(value).strip() != ""


def _rate(value: object) -> str:
    if not _filled(value):
        return ""
    return rate_text(int(value) * 100) + "%"  # type: ignore[call-overload]  # as Issues show rates


def _money(value: object) -> str:
    return money_text(int(value), grouped=True) if _filled(value) else ""  # type: ignore[call-overload]
