"""Creator statements: each one holds exactly the lines of its own payout, they add up to its
Total, nothing of another creator or any payout account shows, and file names are safe."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetops.backends.memory import MemoryWorkbook
from sheetops.documents import computed, statements_of
from sheetops.reports.statements import LINE_COLUMNS, safe_stem, statement_csv, statement_tab

from ..builders import order, workbook

ACCOUNT = "mia.secret@paypal.example"
CREATORS = [["Creator", "Name", "Status", "Tier", "Joined", "Payout method", "Payout account"],
            ["@glowwithmia", "Mia Tran", "Active", "Gold", "2026-01-01", "PayPal", ACCOUNT],
            ["dadjokesdan", "Dan Ruiz", "Active", "Silver", "2026-01-01", "PayPal", "dan.secret@paypal.example"]]
RULES = [["R-BASE", "Percent", "", "", "", "", "10%", "", "", "", "", "", ""],
         ["B-BAND", "Bonus", "", "", "", "", "2%", "5", "100", "1000", "", "", ""],
         ["T-MIA", "Retainer", "glowwithmia", "", "", "", "", "25", "", "", "2026-01-01", "", ""]]
WEEK = dt.date(2026, 11, 9)


def _program() -> MemoryWorkbook:
    orders = [order("O1", "glowwithmia", 120, settled="2026-11-10"),
              order("O2", "glowwithmia", "80.40", settled="2026-11-12", refund="10.40"),
              order("O3", "dadjokesdan", 55, settled="2026-11-11"),
              order("O4", "dadjokesdan", 10, settled="2026-11-03")]
    return workbook(orders=orders, creators=CREATORS, rules=RULES, extra={
        "Adjustments": [["Creator", "Date", "Amount", "Reason"], ["glowwithmia", "2026-11-13", "-4.50",
                                                                  "Sample returned damaged | clawback"]],
        "Content": [["Content ID", "Creator", "Type", "Posted", "Approved"],
                    ["V9", "glowwithmia", "Video", "2026-11-11", "Yes"]],
    })


def test_one_statement_per_payout_with_its_lines_and_total() -> None:
    done = computed(_program(), as_of=dt.date(2026, 11, 18))
    found = statements_of(done, WEEK)
    payouts = done.ledger.payouts[pd.to_datetime(done.ledger.payouts["Period start"]) == pd.Timestamp(WEEK)]
    assert sorted(s.payout_id for s in found) == sorted(payouts["Payout ID"])
    mia = next(s for s in found if s.creator == "glowwithmia")
    assert mia.name == "Mia Tran" and mia.status == "Draft"
    assert mia.lines_cents == mia.total_cents == int(payouts.set_index("Payout ID").at[mia.payout_id, "Total"])
    kinds = mia.lines["Kind"].tolist()
    assert kinds[:2] == ["Commission", "Commission"] and "Bonus" in kinds and "Retainer" in kinds
    assert "Adjustment" in kinds
    by_kind = {r["Kind"]: r for r in mia.lines.to_dict("records")}
    assert by_kind["Adjustment"]["Detail"] == "Sample returned damaged | clawback"
    assert by_kind["Bonus"]["Detail"].startswith("your GMV 190.00 in GMV band 100.00 to 1,000.00")
    o2 = mia.lines[mia.lines["Order ID"] == "O2"].iloc[0]
    assert (o2["Base"], o2["Rate"], o2["Amount"], str(o2["Settled date"])) == (7000, 100_000, 700, "2026-11-12")


def test_no_other_creator_and_no_payout_account_in_a_statement() -> None:
    done = computed(_program(), as_of=dt.date(2026, 11, 18))
    for s in statements_of(done, WEEK):
        tab = statement_tab(s, client="Lumi Beauty", prepared_on=dt.date(2026, 11, 18))
        words = " ".join(str(v) for v in tab.frame.to_numpy().ravel() if v is not None)
        words += " ".join(",".join(r) for r in statement_csv(s))
        assert "secret@paypal" not in words
        other = "dadjokesdan" if s.creator == "glowwithmia" else "glowwithmia"
        assert other not in words and s.creator in words
        assert not (set(s.lines["Order ID"].dropna()) & set(done.ledger.lines.loc[
            ~done.ledger.lines["Payout ID"].eq(s.payout_id), "Order ID"].dropna()))


def test_csv_has_the_same_lines_and_the_total() -> None:
    done = computed(_program(), as_of=dt.date(2026, 11, 18))
    s = next(x for x in statements_of(done, WEEK) if x.creator == "glowwithmia")
    rows = statement_csv(s)
    assert rows[0][4:] == list(LINE_COLUMNS)
    assert len(rows) == len(s.lines) + 2
    amounts = [int(round(float(r[4 + LINE_COLUMNS.index("Amount")]) * 100)) for r in rows[1:-1]]
    assert sum(amounts) == s.total_cents and rows[-1][4] == "Total"


@given(st.text(min_size=0, max_size=40), st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)))
def test_file_names_are_safe(handle: str, day: dt.date) -> None:
    stem = safe_stem(handle, pd.Timestamp(day))
    assert re.fullmatch(r"statement-\d{4}-\d{2}-\d{2}-[A-Za-z0-9._-]+", stem), stem
    assert "/" not in stem and "\\" not in stem and ".." not in stem.split("-", 4)[-1][:2]


ORDER = st.tuples(st.sampled_from(["glowwithmia", "dadjokesdan", "ghost"]),
                  st.integers(0, 200_00), st.integers(0, 100), st.sampled_from(["Settled", "Refunded", "Pending"]),
                  st.integers(0, 20))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(orders=st.lists(ORDER, max_size=25), adjustments=st.lists(st.tuples(st.integers(-50_00, 50_00),
                                                                            st.integers(0, 20)), max_size=4),
       minimum=st.sampled_from([0, 5, 40]))
def test_each_statements_lines_add_up_to_its_payouts_total(orders: list[Any], adjustments: list[Any],
                                                          minimum: int) -> None:
    start = dt.date(2026, 10, 19)
    rows = []
    for i, (creator, gmv_cents, refund_pct, status, day) in enumerate(orders):
        settled = start + dt.timedelta(days=day)
        refund = gmv_cents * refund_pct // 100 if status == "Refunded" else 0
        rows.append(order(f"O{i}", creator, f"{gmv_cents / 100:.2f}", settled=settled.isoformat() if status != "Pending"
                          else None, status=status, ordered=f"{settled.isoformat()} 09:00:00",
                          refund=f"{refund / 100:.2f}"))
    adj = [["Creator", "Date", "Amount", "Reason"]] + [
        ["dadjokesdan", (start + dt.timedelta(days=d)).isoformat(), f"{a / 100:.2f}", f"reason {i}"]
        for i, (a, d) in enumerate(adjustments)]
    wb = workbook(orders=rows, creators=CREATORS, rules=RULES, minimum_payout=minimum, extra={"Adjustments": adj})
    done = computed(wb, as_of=dt.date(2026, 11, 18))
    payouts = done.ledger.payouts
    for week in pd.date_range("2026-10-19", "2026-11-09", freq="7D"):
        found = statements_of(done, week.date())
        mine = payouts[pd.to_datetime(payouts["Period start"]) == week]
        assert sorted(s.payout_id for s in found) == sorted(mine["Payout ID"])
        totals = dict(zip(mine["Payout ID"], mine["Total"]))
        for s in found:
            assert s.lines_cents == s.total_cents == int(totals[s.payout_id])
