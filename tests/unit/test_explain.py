"""Commission Lines that explain themselves (issue #15): each line's period, the order's dates
and product, and why it earns what it does, on the spec's worked example."""

from __future__ import annotations

import pandas as pd

from sheetops.compute import compute
from sheetops.ledger.explain import explain_lines

from ..conftest import EXAMPLES, load_example


def test_every_line_says_its_period_order_product_and_why() -> None:
    example = load_example(EXAMPLES[0])
    done = compute(example["tabs"], example["as_of"])
    lines = explain_lines(done.ledger.lines, done.program)
    by_item = {r["Item"]: r for r in lines.to_dict("records")}
    o1 = by_item["order:O1|S1"]
    assert o1["Period start"] == pd.Timestamp("2026-11-09")
    assert (o1["Order date"], o1["Settled date"]) == (pd.Timestamp("2026-11-05 10:00"), pd.Timestamp("2026-11-10"))
    assert (o1["Product ID"], o1["Product"]) == ("P100", "Glow Serum")
    assert o1["Why"] == "R-MIA: 10% of the base for @glowwithmia on FALL26"
    assert by_item["order:O2|S1"]["Why"] == "R-BASE: 5% of the base on every line"
    adjustment = next(r for r in by_item.values() if r["Kind"] == "Adjustment")
    assert adjustment["Why"] == "Adjustment: Sample not returned" and pd.isna(adjustment["Order date"])
    assert adjustment["Product"] is None
    bonus = next(r for r in by_item.values() if r["Kind"] == "Bonus")
    assert bonus["Why"].startswith("B-GOLD: bonus 25.00 + 2% of the GMV above 1,000.00") and "tier Gold" in bonus["Why"]
    assert lines["Why"].notna().all() and len(lines) == len(done.ledger.lines)
