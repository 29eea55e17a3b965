"""money.md "Payouts, locking and later changes", rule by rule, on small workbooks.

Weeks start on Monday; with as-of 2026-11-18 the last closed week is 2026-11-09..15.
"""

from __future__ import annotations

from ..builders import order, rows, workbook
from .helpers import approve, cents, errors, lines_of, payouts, run, set_cell

W1, W2, W3 = "2026-11-02", "2026-11-09", "2026-11-16"
MIA, DAN = "glowwithmia", "dadjokesdan"


def adjustments(*entries: tuple[str, str, object, str]) -> dict[str, list[list[object]]]:
    return {"Adjustments": [["Creator", "Date", "Amount", "Reason"], *map(list, entries)]}


def test_rule_2_a_lock_takes_the_lines_shown_not_a_fresh_computation() -> None:
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-10")])
    run(wb, "2026-11-18")
    approve(wb, f"{W2}/{MIA}")
    wb.tabs["Rules"][1][6] = "20%"  # the rate changes before the next refresh
    run(wb, "2026-11-18")
    row = payouts(wb)[f"{W2}/{MIA}"]
    assert cents(row["Total"]) == 1000 and row["Status"] == "Approved"
    assert [r["Item"] for r in rows(wb, "Ledger") if r["Kind"] != "Payout"] == ["order:O1|S1"]
    assert set(payouts(wb)) == {f"{W2}/{MIA}"}  # the +10.00 waits: no closed week after W2 yet
    run(wb, "2026-11-25")
    fix = payouts(wb)[f"{W3}/{MIA}"]
    assert cents(fix["Corrections"]) == 1000 and cents(fix["Total"]) == 1000 and fix["Status"] == "Draft"
    assert [line["Kind"] for line in lines_of(wb, f"{W3}/{MIA}")] == ["Correction"]


def test_rule_2_a_total_that_differs_from_its_lines_is_not_locked_and_stops_no_one_else() -> None:
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-10"), order("O2", DAN, 300, settled="2026-11-10")])
    run(wb, "2026-11-18")
    set_cell(wb, "Payouts", f"{W2}/{MIA}", "Total", 99.0)
    approve(wb, f"{W2}/{MIA}")
    wb.tabs["Orders"].append(order("O3", DAN, 100, settled="2026-11-11"))  # Dan's week changes meanwhile
    result = run(wb, "2026-11-18")
    assert result.exit_code == 1 and not result.message and result.payouts["not_locked"] == 1
    mia = payouts(wb)[f"{W2}/{MIA}"]
    assert (mia["Status"], cents(mia["Total"])) == ("Approved", 9900)  # kept as the person left it
    assert [cents(r["Amount"]) for r in lines_of(wb, f"{W2}/{MIA}")] == [1000]  # the lines it showed
    assert cents(payouts(wb)[f"{W2}/{DAN}"]["Total"]) == 4000 and not rows(wb, "Ledger")  # Dan refreshed
    assert [e["Cell"] for e in errors(wb)] == ["Payouts!N3"] and "changed by hand" in errors(wb)[0]["Problem"]
    run(wb, "2026-11-18")  # the same again until a person resolves it
    assert payouts(wb)[f"{W2}/{MIA}"]["Status"] == "Approved" and len(errors(wb)) == 1
    approve(wb, f"{W2}/{MIA}", "Draft")  # what the Error says to do
    run(wb, "2026-11-18")
    assert cents(payouts(wb)[f"{W2}/{MIA}"]["Total"]) == 1000 and not errors(wb)


def test_rule_2_lines_gone_means_no_lock_for_that_row_alone() -> None:
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-10"), order("O2", DAN, 300, settled="2026-11-10")])
    run(wb, "2026-11-18")
    approve(wb, f"{W2}/{MIA}")
    approve(wb, f"{W2}/{DAN}")
    grid = wb.tabs["Commission Lines"]
    wb.tabs["Commission Lines"] = [grid[0], *(r for r in grid[1:] if r[0] != f"{W2}/{MIA}")]
    result = run(wb, "2026-11-18")
    assert result.exit_code == 1 and result.payouts["locked"] == 1 and result.payouts["not_locked"] == 1
    assert any("Commission Lines" in e["Problem"] for e in errors(wb))
    assert [r["Payout ID"] for r in rows(wb, "Ledger") if r["Kind"] == "Payout"] == [f"{W2}/{DAN}"]
    assert payouts(wb)[f"{W2}/{MIA}"]["Status"] == "Approved" and not lines_of(wb, f"{W2}/{MIA}")


def test_rule_1_and_3_a_locked_row_edited_by_hand_is_an_error_and_kept_as_found() -> None:
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-10")])
    run(wb, "2026-11-18")
    approve(wb, f"{W2}/{MIA}")
    run(wb, "2026-11-18")
    ledger_before = [list(r) for r in wb.tabs["Ledger"]]
    set_cell(wb, "Payouts", f"{W2}/{MIA}", "Commission", 50.0)
    result = run(wb, "2026-11-18")
    row = payouts(wb)[f"{W2}/{MIA}"]
    assert result.exit_code == 1 and cents(row["Commission"]) == 5000  # written as found
    problem = [e for e in errors(wb) if e["Column"] == "Commission"]
    assert problem and problem[0]["Cell"] == "Payouts!E2" and "was 10.00" in problem[0]["Problem"]
    assert wb.tabs["Ledger"] == ledger_before
    set_cell(wb, "Payouts", f"{W2}/{MIA}", "Commission", 10.0)
    assert run(wb, "2026-11-18").exit_code == 0


def test_rule_3_an_edited_payout_id_is_noticed_by_checksum() -> None:
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-10")])
    run(wb, "2026-11-18")
    approve(wb, f"{W2}/{MIA}")
    run(wb, "2026-11-18")
    set_cell(wb, "Payouts", f"{W2}/{MIA}", "Payout ID", f"{W2}/someoneelse")
    run(wb, "2026-11-18")
    assert set(payouts(wb)) == {f"{W2}/someoneelse"}
    assert [e["Column"] for e in errors(wb)] == ["Payout ID"]


def test_rule_4_refund_after_payment_and_refunded_status_are_corrections() -> None:
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-03"), order("O2", MIA, 300, settled="2026-11-04")])
    run(wb, "2026-11-10")
    approve(wb, f"{W1}/{MIA}", "Paid")
    run(wb, "2026-11-10")
    wb.tabs["Orders"][1][10] = 40  # O1: refund of 40 after payment
    wb.tabs["Orders"][2][7] = "Refunded"  # O2 turned Refunded
    run(wb, "2026-11-18")
    fix = payouts(wb)[f"{W2}/{MIA}"]
    assert cents(fix["Corrections"]) == -400 - 3000 and cents(fix["Total"]) == -3400
    assert fix["Status"] == "Draft"  # rule 8: a negative total stays a negative draft
    assert sorted(cents(line["Amount"]) for line in lines_of(wb, f"{W2}/{MIA}")) == [-3000, -400]
    again = {t: [list(r) for r in g] for t, g in wb.tabs.items() if t != "Run Log"}
    run(wb, "2026-11-18")  # a correction of an item that is gone reads the same from the Ledger every time
    assert {t: g for t, g in wb.tabs.items() if t != "Run Log"} == again
    # paid in the earliest open week after the locked one: not again once W2 is locked too
    approve(wb, f"{W2}/{MIA}")
    run(wb, "2026-11-18")
    run(wb, "2026-11-25")
    assert f"{W3}/{MIA}" not in payouts(wb)


def test_rule_4_a_bonus_whose_gmv_changed_is_corrected() -> None:
    bonus = ["B", "Bonus", "", "", "", "", "", 10, 100, "", "", "", ""]
    base = ["R", "Percent", "", "", "", "", "0%", "", "", "", "", "", ""]
    wb = workbook(orders=[order("O1", MIA, 150, settled="2026-11-03")], rules=[base, bonus])
    run(wb, "2026-11-10")
    approve(wb, f"{W1}/{MIA}")
    run(wb, "2026-11-10")
    wb.tabs["Orders"][1][10] = 100  # refund: GMV 50 is below the bonus threshold
    run(wb, "2026-11-18")
    assert [(line["Kind"], line["Rule"], cents(line["Amount"])) for line in lines_of(wb, f"{W2}/{MIA}")] == [
        ("Correction", "B", -1000)]
    assert cents(payouts(wb)[f"{W2}/{MIA}"]["Corrections"]) == -1000


def test_rule_5_late_items_go_to_the_next_open_week_or_wait() -> None:
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-10")])
    run(wb, "2026-11-18")
    approve(wb, f"{W2}/{MIA}")
    run(wb, "2026-11-18")
    wb.tabs["Orders"].append(order("O2", MIA, 200, settled="2026-11-12"))  # settled late, in the locked week
    wb.tabs.update(adjustments((MIA, "2026-11-11", 7, "Back-dated bonus")))
    run(wb, "2026-11-18")
    assert set(payouts(wb)) == {f"{W2}/{MIA}"}  # no closed open week yet: they wait
    run(wb, "2026-11-24")
    late = payouts(wb)[f"{W3}/{MIA}"]
    assert cents(late["Commission"]) == 2000 and cents(late["Adjustments"]) == 700
    assert {line["Item"] for line in lines_of(wb, f"{W3}/{MIA}")} == {"order:O2|S1",
                                                                    f"adjustment:{MIA}|2026-11-11|700|Back-dated bonus#0"}


def test_rule_6_carry_into_a_payout_that_is_then_locked() -> None:
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-03"), order("O2", MIA, 300, settled="2026-11-10")],
                  minimum_payout=20)
    run(wb, "2026-11-18")
    approve(wb, f"{W2}/{MIA}")  # the row that shows +10.00 carried in
    run(wb, "2026-11-18")
    early, late = payouts(wb)[f"{W1}/{MIA}"], payouts(wb)[f"{W2}/{MIA}"]
    assert cents(late["Carried in"]) == 1000 and cents(late["Total"]) == 4000 and late["Status"] == "Approved"
    assert early["Status"] == "Below minimum" and cents(early["Carried in"]) == -1000 and cents(early["Total"]) == 0
    # a late item in the Below-minimum week: that week is still a draft, so it is paid there,
    # and stays below the minimum until the creator has a later payout of their own
    wb.tabs["Orders"].append(order("O3", MIA, 50, settled="2026-11-04"))
    run(wb, "2026-11-25")
    early = payouts(wb)[f"{W1}/{MIA}"]
    assert cents(early["Commission"]) == 1500 and cents(early["Carried in"]) == -1000
    assert cents(early["Total"]) == 500 and early["Status"] == "Below minimum"
    wb.tabs["Orders"].append(order("O4", MIA, 300, settled="2026-11-17"))
    run(wb, "2026-11-25")
    early, later = payouts(wb)[f"{W1}/{MIA}"], payouts(wb)[f"{W3}/{MIA}"]
    assert cents(early["Carried in"]) == -1500 and cents(early["Total"]) == 0
    assert cents(later["Carried in"]) == 500 and cents(later["Total"]) == 3500
    assert cents(payouts(wb)[f"{W2}/{MIA}"]["Total"]) == 4000  # the locked row never changes


def test_rule_6_status_follows_the_total_after_a_carry_was_locked() -> None:
    """A row that carried its amount forward (Total 0) and later gets amounts of its own: at or
    above the minimum it is Draft, negative it is Draft, positive below it Below minimum."""
    def season() -> object:
        wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-03"), order("O2", MIA, 300, settled="2026-11-10")],
                      minimum_payout=20)
        run(wb, "2026-11-18")
        approve(wb, f"{W2}/{MIA}")
        run(wb, "2026-11-18")
        assert payouts(wb)[f"{W1}/{MIA}"]["Status"] == "Below minimum"
        return wb

    wb = season()
    wb.tabs["Orders"].append(order("O3", MIA, 300, settled="2026-11-04"))  # settles late into W1: +30.00
    run(wb, "2026-11-18")
    early = payouts(wb)[f"{W1}/{MIA}"]
    assert (cents(early["Total"]), early["Status"]) == (3000, "Draft")
    wb = season()
    wb.tabs["Adjustments"] = [["Creator", "Date", "Amount", "Reason"], [MIA, "2026-11-04", "-7.00", "Sample returned"]]
    run(wb, "2026-11-18")
    early = payouts(wb)[f"{W1}/{MIA}"]
    assert (cents(early["Total"]), early["Status"]) == (-700, "Draft")


def test_rule_6_approving_a_below_minimum_row_pays_it_as_shown() -> None:
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-10")], minimum_payout=20)
    run(wb, "2026-11-18")
    assert payouts(wb)[f"{W2}/{MIA}"]["Status"] == "Below minimum"
    approve(wb, f"{W2}/{MIA}")
    run(wb, "2026-11-18")
    wb.tabs["Orders"].append(order("O2", MIA, 400, settled="2026-11-17"))
    run(wb, "2026-11-25")
    assert cents(payouts(wb)[f"{W2}/{MIA}"]["Total"]) == 1000
    assert cents(payouts(wb)[f"{W3}/{MIA}"]["Carried in"]) == 0 and cents(payouts(wb)[f"{W3}/{MIA}"]["Total"]) == 4000


def test_rule_7_an_approval_is_locked_as_shown_when_the_creator_has_an_error_since() -> None:
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-10"), order("O2", DAN, 300, settled="2026-11-10")])
    run(wb, "2026-11-18")
    approve(wb, f"{W2}/{MIA}")
    wb.tabs["Orders"].append(order("O3", MIA, "12O.00", settled="2026-11-11"))  # a bad GMV arrives
    wb.tabs["Orders"].append(order("O4", MIA, 50, settled="2026-11-17"))
    result = run(wb, "2026-11-25")
    mia, dan = payouts(wb)[f"{W2}/{MIA}"], payouts(wb)[f"{W2}/{DAN}"]
    assert (mia["Status"], cents(mia["Total"])) == ("Approved", 1000)  # locked as shown
    assert [r["Payout ID"] for r in rows(wb, "Ledger") if r["Kind"] == "Payout"] == [f"{W2}/{MIA}"]
    assert payouts(wb)[f"{W3}/{MIA}"]["Status"] == "On hold" and dan["Status"] == "Draft"
    assert result.payouts["on_hold"] == 1 and result.to_json()["payouts"]["on_hold_total"] == "5.00"
    (error,) = errors(wb)
    assert error["Tab"] == "Orders" and "holds 1 draft payout of @glowwithmia, 5.00 in all" in error["Problem"]
    wb.tabs["Orders"][3][9] = "120.00"  # the person fixes the cell: the late line is a late item in W3
    run(wb, "2026-11-25")
    assert cents(payouts(wb)[f"{W3}/{MIA}"]["Total"]) == 1200 + 500 and not errors(wb)
    assert payouts(wb)[f"{W3}/{MIA}"]["Status"] == "Draft"


def test_rule_7_an_approval_of_a_row_shown_on_hold_is_locked_as_shown() -> None:
    """What an On hold row shows leaves the lines in Error out, so locking it pays nothing that
    is known to be wrong; once the row is fixed its amount comes as a late item."""
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-10"), order("O2", MIA, 100, status="Bogus")])
    run(wb, "2026-11-18")
    assert payouts(wb)[f"{W2}/{MIA}"]["Status"] == "On hold"
    approve(wb, f"{W2}/{MIA}")
    result = run(wb, "2026-11-18")
    assert result.payouts["locked"] == 1 and [e["Tab"] for e in errors(wb)] == ["Orders"]
    assert [r["Payout ID"] for r in rows(wb, "Ledger") if r["Kind"] == "Payout"] == [f"{W2}/{MIA}"]


def test_rule_8_negative_totals_stay_visible() -> None:
    wb = workbook(extra=adjustments((MIA, "2026-11-10", -40, "Sample not returned")))
    run(wb, "2026-11-18")
    assert cents(payouts(wb)[f"{W2}/{MIA}"]["Total"]) == -4000


def test_damaged_ledger_writes_no_payouts_until_restored() -> None:
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-10"), order("O2", MIA, 70, settled="2026-11-11")])
    run(wb, "2026-11-18")
    approve(wb, f"{W2}/{MIA}")
    run(wb, "2026-11-18")
    good = [list(r) for r in wb.tabs["Ledger"]]
    for damage in ("edit", "delete item", "delete payout", "drop tab"):
        wb.tabs["Ledger"] = [list(r) for r in good]
        if damage == "edit":
            wb.tabs["Ledger"][2][13] = 99.0
        elif damage == "delete item":
            del wb.tabs["Ledger"][3]
        elif damage == "delete payout":
            del wb.tabs["Ledger"][1]
        else:
            del wb.tabs["Ledger"]
        before = [list(r) for r in wb.tabs["Payouts"]]
        result = run(wb, "2026-11-25")
        assert result.exit_code == 1 and wb.tabs["Payouts"] == before, damage
        assert any("Ledger" in e["Problem"] and "Restore the Ledger" in e["How to fix"] for e in errors(wb)), damage
    wb.tabs["Ledger"] = good
    assert run(wb, "2026-11-25").exit_code == 0


def test_people_columns_and_added_columns_are_kept() -> None:
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-10"), order("O2", MIA, 100, settled="2026-11-03")])
    run(wb, "2026-11-18")
    wb.tabs["Payouts"][0].append("Notes")
    for r in wb.tabs["Payouts"][1:]:
        r.append("=call " + r[0])
    approve(wb, f"{W2}/{MIA}", "paid")
    set_cell(wb, "Payouts", f"{W2}/{MIA}", "Reference", "PP-123")
    set_cell(wb, "Payouts", f"{W1}/{MIA}", "Approved by", "Ana")
    run(wb, "2026-11-18")
    p = payouts(wb)
    assert p[f"{W2}/{MIA}"]["Status"] == "Paid" and p[f"{W2}/{MIA}"]["Reference"] == "PP-123"
    assert p[f"{W1}/{MIA}"]["Approved by"] == "Ana" and p[f"{W1}/{MIA}"]["Notes"] == f"=call {W1}/{MIA}"
    # a locked row deleted from Payouts comes back from the Ledger
    wb.tabs["Payouts"] = [r for r in wb.tabs["Payouts"] if r[0] != f"{W2}/{MIA}"]
    result = run(wb, "2026-11-18")
    assert result.exit_code == 0 and payouts(wb)[f"{W2}/{MIA}"]["Status"] == "Paid"
    assert any("missing from the Payouts tab" in r["Problem"] for r in rows(wb, "Issues"))


def test_two_added_columns_with_one_header_and_a_second_status_column_are_both_kept() -> None:
    """People added two columns headed alike, and copied the Status column: the refresh does
    not stop (it used to, on a duplicate column name), and every typed cell is written back,
    the later column of each pair headed with a number."""
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-10"), order("O2", MIA, 100, settled="2026-11-03")])
    run(wb, "2026-11-18")
    wb.tabs["Payouts"][0] += ["Notes", "Notes", "Status"]
    for i, r in enumerate(wb.tabs["Payouts"][1:]):
        r += [f"first {i}", f"second {i}", "Approved"]
    assert run(wb, "2026-11-18").exit_code in (0, 1)
    p = payouts(wb)
    header = wb.tabs["Payouts"][0]
    assert "Notes" in header and "Notes (2)" in header and "Status (2)" in header
    typed = sorted((r["Notes"], r["Notes (2)"], r["Status (2)"]) for r in p.values())
    assert typed == [(f"first {i}", f"second {i}", "Approved") for i in range(len(typed))]
    assert all(r["Status"] != "Approved" for r in p.values())  # the copy approves nothing


def test_locked_payout_cannot_go_back_to_draft() -> None:
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-10")])
    run(wb, "2026-11-18")
    approve(wb, f"{W2}/{MIA}")
    run(wb, "2026-11-18")
    approve(wb, f"{W2}/{MIA}", "Draft")
    result = run(wb, "2026-11-18")
    assert result.exit_code == 1 and [e["Column"] for e in errors(wb)] == ["Status"]
    assert rows(wb, "Ledger")[0]["Status"] == "Approved"


def test_rule_1_an_order_moved_to_another_creator_after_payment() -> None:
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-03")])
    run(wb, "2026-11-10")
    approve(wb, f"{W1}/{MIA}", "Paid")
    run(wb, "2026-11-10")
    wb.tabs["Orders"][1][3] = "dadjokesdan"  # it was Dan's sale all along
    run(wb, "2026-11-18")
    p = payouts(wb)
    assert cents(p[f"{W2}/{MIA}"]["Corrections"]) == -1000 and cents(p[f"{W1}/dadjokesdan"]["Commission"]) == 1000
    approve(wb, f"{W1}/dadjokesdan")
    assert run(wb, "2026-11-18").exit_code == 0
    items = [(r["Payout ID"], r["Item"]) for r in rows(wb, "Ledger") if r["Kind"] != "Payout"]
    assert items == [(f"{W1}/dadjokesdan", "order:O1|S1"), (f"{W1}/{MIA}", "order:O1|S1")]


def test_locks_survive_how_other_backends_read_cells_back() -> None:
    """xlsx gives dates back as datetimes, Google may give money as text: still the same lock."""
    import datetime as dt

    wb = workbook(orders=[order("O1", MIA, 123.45, settled="2026-11-10")], extra=adjustments((MIA, "2026-11-11", -7.5, "x")))
    run(wb, "2026-11-18")
    approve(wb, f"{W2}/{MIA}")
    run(wb, "2026-11-18")
    before = {t: [list(r) for r in wb.tabs[t]] for t in ("Payouts", "Ledger")}
    for tab in ("Payouts", "Ledger", "Commission Lines"):
        for r in wb.tabs[tab][1:]:
            for i, v in enumerate(r):
                if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
                    r[i] = dt.datetime(v.year, v.month, v.day)
                elif isinstance(v, float) and tab == "Payouts":
                    r[i] = f"{v:,.2f}"
    assert run(wb, "2026-11-18").exit_code == 0 and not errors(wb)
    assert {t: wb.tabs[t] for t in before} == before


def test_rule_4_an_item_gone_in_the_run_that_locks_it_reads_the_same_next_time() -> None:
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-03")])
    run(wb, "2026-11-10")
    approve(wb, f"{W1}/{MIA}")
    wb.tabs["Orders"][1][7] = "Refunded"  # refunded between the run the manager saw and the next one
    run(wb, "2026-11-18")
    assert [cents(line["Amount"]) for line in lines_of(wb, f"{W2}/{MIA}")] == [-1000]
    again = {t: [list(r) for r in g] for t, g in wb.tabs.items() if t != "Run Log"}
    run(wb, "2026-11-18")
    assert {t: g for t, g in wb.tabs.items() if t != "Run Log"} == again


def test_a_bonus_counts_payable_lines_that_no_percent_rule_pays() -> None:
    """Regression: a Bonus was skipped when no Percent rule paid a commission in a closed period."""
    bonus = ["B", "Bonus", "", "", "", "", "2%", 10, 100, "", "", "", ""]
    only_p100 = ["R", "Percent", "", "", "P100", "", "10%", "", "", "", "", "", ""]
    wb = workbook(orders=[order("O1", MIA, 150, settled="2026-11-03", product="P9")], rules=[only_p100, bonus])
    run(wb, "2026-11-10")
    assert [(line["Kind"], line["Rule"], cents(line["Amount"])) for line in lines_of(wb, f"{W1}/{MIA}")] == [
        ("Bonus", "B", 1000 + 100)]


def test_a_status_typo_is_kept_as_typed_not_approved_and_told() -> None:
    wb = workbook(orders=[order("O1", MIA, 100, settled="2026-11-10"), order("O2", DAN, 300, settled="2026-11-10")])
    run(wb, "2026-11-18")
    approve(wb, f"{W2}/{MIA}", "Approvd")
    result = run(wb, "2026-11-18")
    row = payouts(wb)[f"{W2}/{MIA}"]
    assert row["Status"] == "Approvd" and not rows(wb, "Ledger") and result.payouts["locked"] == 0
    (warning,) = [i for i in rows(wb, "Issues") if i["Severity"] == "Warning"]
    assert warning["Cell"] == "Payouts!N3" and "Approved" in warning["How to fix"] and "not approved" in warning["Problem"]
    assert not rows(wb, "Payout Export")
    run(wb, "2026-11-18")  # still as typed on the next run
    assert payouts(wb)[f"{W2}/{MIA}"]["Status"] == "Approvd"
    approve(wb, f"{W2}/{MIA}", "approved")  # any case of a known word is that word
    run(wb, "2026-11-18")
    assert [r["Payout ID"] for r in rows(wb, "Ledger") if r["Kind"] == "Payout"] == [f"{W2}/{MIA}"]
