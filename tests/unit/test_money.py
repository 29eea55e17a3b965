"""money.md, rule by rule, on small business-like workbooks."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sheetops
from sheetops.workbook.cells import parse_money

from ..builders import order, rows, workbook

AS_OF = "2026-11-18"  # last closed week: 2026-11-09 .. 2026-11-15


def cents(v: object) -> int:
    return parse_money(v).value or 0


def payouts(wb) -> dict[str, dict]:
    return {r["Payout ID"]: r for r in rows(wb, "Payouts")}


def rule(code: str, kind: str, *, creator="", campaign="", product="", tier="", rate="", amount="", min_gmv="",
         max_gmv="", valid_from="", valid_to="", priority="") -> list:
    return [code, kind, creator, campaign, product, tier, rate, amount, min_gmv, max_gmv, valid_from, valid_to, priority]


def test_most_specific_rule_wins_then_priority() -> None:
    wb = workbook(
        orders=[order("O1", "glowwithmia", 100), order("O2", "dadjokesdan", 100, product="P999")],
        rules=[rule("BASE", "Percent", rate="5%"), rule("FALL", "Percent", campaign="FALL26", rate="8%"),
               rule("FALL-HI", "Percent", campaign="FALL26", rate="9%", priority=2),
               rule("GOLD", "Percent", tier="gold", rate="7%")],
    )
    sheetops.refresh(wb, as_of=AS_OF)
    lines = {r["Order ID"]: r for r in rows(wb, "Commission Lines")}
    assert lines["O1"]["Rule"] == "FALL-HI" and cents(lines["O1"]["Amount"]) == 900
    assert lines["O2"]["Rule"] == "BASE" and cents(lines["O2"]["Amount"]) == 500


def test_tied_rules_are_an_error_and_hold_the_creator() -> None:
    wb = workbook(orders=[order("O1", "glowwithmia", 100), order("O2", "glowwithmia", 50, product="P2")],
                  rules=[rule("A", "Percent", campaign="FALL26", rate="5%"), rule("B", "Percent", tier="Gold", rate="6%")])
    result = sheetops.refresh(wb, as_of=AS_OF)
    errors = [i for i in rows(wb, "Issues") if i["Severity"] == "Error"]
    assert len(errors) == 1 and "A and B" in errors[0]["Problem"] and errors[0]["Row"] == 2
    assert payouts(wb)["2026-11-09/glowwithmia"]["Status"] == "On hold"
    assert result.exit_code == 1


def test_base_is_commission_base_else_gmv_minus_refund() -> None:
    wb = workbook(orders=[order("O1", "glowwithmia", 200, refund=50),
                          order("O2", "glowwithmia", 200, refund=50, sku="S2")])
    wb.tabs["Orders"][0].append("Commission base")
    wb.tabs["Orders"][2].append(120)
    sheetops.refresh(wb, as_of=AS_OF)
    bases = sorted(cents(r["Base"]) for r in rows(wb, "Commission Lines"))
    assert bases == [12000, 15000]


def test_only_settled_lines_of_closed_periods_are_paid() -> None:
    wb = workbook(orders=[order("O1", "glowwithmia", 100, status="Pending", settled=None),
                          order("O2", "glowwithmia", 100, settled="2026-11-17"),
                          order("O3", "glowwithmia", 100, status="Refunded"),
                          order("O4", "glowwithmia", 100, settled="2026-11-15")])
    sheetops.refresh(wb, as_of=AS_OF)
    assert [r["Order ID"] for r in rows(wb, "Commission Lines")] == ["O4"]


def test_bonus_bands() -> None:
    wb = workbook(orders=[order("O1", "glowwithmia", 2500)],
                  rules=[rule("BASE", "Percent", rate="0%"),
                         rule("B1", "Bonus", tier="Gold", rate="2%", amount=25, min_gmv=1000, max_gmv=2000),
                         rule("B2", "Bonus", tier="Gold", rate="3%", min_gmv=2000),
                         rule("B3", "Bonus", tier="Silver", amount=99, min_gmv=0)])
    sheetops.refresh(wb, as_of=AS_OF)
    bonus = {r["Rule"]: cents(r["Amount"]) for r in rows(wb, "Commission Lines") if r["Kind"] == "Bonus"}
    assert bonus == {"B1": 2500 + 2000, "B2": 1500}


def test_retainers_respect_status_joined_and_validity() -> None:
    wb = workbook(creators=[["mia", "", "Active", "Gold", "2026-11-04"], ["dan", "", "Offboarded", "Gold", ""],
                            ["zoe", "", "Paused", "Gold", "2026-11-12"]],
                  rules=[rule("T", "Retainer", tier="Gold", amount=100, valid_from="2026-10-27", valid_to="2026-11-30")])
    sheetops.refresh(wb, as_of=AS_OF)
    got = sorted((r["Payout ID"], cents(r["Retainer"])) for r in rows(wb, "Payouts"))
    assert got == [("2026-11-02/mia", 10000), ("2026-11-09/mia", 10000), ("2026-11-09/zoe", 10000)]


def test_monthly_periods_and_sunday_weeks() -> None:
    wb = workbook(orders=[order("O1", "glowwithmia", 100, settled="2026-10-31"),
                          order("O2", "glowwithmia", 100, settled="2026-11-01")], payout_period="Monthly")
    sheetops.refresh(wb, as_of=AS_OF)
    assert set(payouts(wb)) == {"2026-10-01/glowwithmia"}
    wb = workbook(orders=[order("O1", "glowwithmia", 100, settled="2026-11-08")], week_starts="Sunday")
    sheetops.refresh(wb, as_of=AS_OF)
    assert set(payouts(wb)) == {"2026-11-08/glowwithmia"}


def test_below_minimum_carries_into_the_next_payout() -> None:
    wb = workbook(orders=[order("O1", "glowwithmia", 100, settled="2026-11-03"),
                          order("O2", "glowwithmia", 300, settled="2026-11-10")], minimum_payout=20)
    sheetops.refresh(wb, as_of=AS_OF)
    p = payouts(wb)
    early, late = p["2026-11-02/glowwithmia"], p["2026-11-09/glowwithmia"]
    assert early["Status"] == "Below minimum" and cents(early["Carried in"]) == -1000 and cents(early["Total"]) == 0
    assert late["Status"] == "Draft" and cents(late["Carried in"]) == 1000 and cents(late["Total"]) == 4000


def test_negative_total_stays_a_negative_draft() -> None:
    wb = workbook(extra={"Adjustments": [["Creator", "Date", "Amount", "Reason"], ["glowwithmia", "2026-11-10", -40, "Sample not returned"]]})
    sheetops.refresh(wb, as_of=AS_OF)
    row = payouts(wb)["2026-11-09/glowwithmia"]
    assert cents(row["Total"]) == -4000 and row["Status"] == "Draft"


def test_missing_required_column_blocks_payouts() -> None:
    wb = workbook(orders=[order("O1", "glowwithmia", 100)])
    wb.tabs["Orders"] = [[h for h in r] for r in wb.tabs["Orders"]]
    wb.tabs["Orders"][0][9] = "Amount paid"  # GMV header renamed
    result = sheetops.refresh(wb, as_of=AS_OF)
    assert "Payouts" not in wb.tabs and result.exit_code == 1
    assert any("no GMV column" in i["Problem"] for i in rows(wb, "Issues"))


AMOUNT = st.decimals(min_value=0, max_value=5000, places=2).map(lambda d: float(d))
ORDER = st.tuples(st.sampled_from(["glowwithmia", "dadjokesdan", "ghost"]), AMOUNT,
                  st.sampled_from(["2026-11-03", "2026-11-10", "2026-11-12", "2026-11-17"]),
                  st.sampled_from(["Settled", "Pending", "Refunded", "Bogus"]), st.sampled_from(["", 0, 10, "x"]),
                  st.sampled_from(["P100", "P200"]))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ORDER, max_size=25), st.sampled_from([0, 20, 100]))
def test_invariants(orders_spec: list, minimum: int) -> None:
    """Totals equal their columns and their lines; rows are all accounted; reruns are identical."""
    orders = [order(f"O{i}", c, g, settled=s, status=st_, refund=r, product=p)
              for i, (c, g, s, st_, r, p) in enumerate(orders_spec)]
    wb = workbook(orders=orders, minimum_payout=minimum,
                  rules=[rule("BASE", "Percent", rate="7.5%"), rule("B", "Bonus", rate="1%", amount=5, min_gmv=100)])
    result = sheetops.refresh(wb, as_of=AS_OF)
    lines_by_payout: dict[str, int] = defaultdict(int)
    for line in rows(wb, "Commission Lines"):
        lines_by_payout[line["Payout ID"]] += cents(line["Amount"])
    for p in rows(wb, "Payouts"):
        parts = ["Commission", "Video fees", "Bonus", "Retainer", "Adjustments", "Corrections", "Carried in"]
        assert cents(p["Total"]) == sum(cents(p[c]) for c in parts)
        assert cents(p["Total"]) == lines_by_payout[p["Payout ID"]]
    flagged = {i["Row"] for i in rows(wb, "Issues") if i["Severity"] == "Error" and i["Tab"] == "Orders"}
    assert result.rows["Orders"] == len(orders) >= len(flagged)
    before = {t: wb.tabs[t] for t in wb.tabs if t != "Run Log"}
    sheetops.refresh(wb, as_of=AS_OF)
    assert {t: wb.tabs[t] for t in wb.tabs if t != "Run Log"} == before
    assert len(wb.tabs["Run Log"]) == 3


def test_issue_values_show_what_the_person_typed() -> None:
    """An Issue shows amounts as money, never as the cents the tool computes in."""
    wb = workbook(orders=[order("O1", "glowwithmia", 10, refund=20), order("O2", "glowwithmia", -5)],
                  rules=[rule("R", "Percent", rate="150%")])
    sheetops.refresh(wb, as_of=AS_OF)
    shown = {(i["Tab"], i["Row"], i["Column"]): (i["Value"], i["Problem"]) for i in rows(wb, "Issues")}
    assert shown[("Orders", 2, "Refund")][0] == "20.00"
    assert shown[("Orders", 3, "GMV")][0] == "-5.00"
    assert [k for k in shown if k[0] == "Rules"] == [("Rules", 2, "Rate")], "one sentence per problem"
