"""Many weeks of a program, played by hypothesis: orders, late settlements, refunds before and
after payment, approvals and payments, rate changes and back-dated adjustments, Bonus bands
(whose G moves with late settlements and refunds) and Per video fees (videos approved late,
un-approved after payment, back-dated into paid weeks), with the tool run after every step. The checks live in ``Program.check`` (sim.py):

- no item is in two locked payouts (rule 1);
- a locked payout's row and Ledger rows never change (rules 2, 3);
- every Total is the sum of its columns and of its Commission Lines;
- for every creator: sum of locked payouts + sum of drafts + items waiting for a period to
  close == sum of what every item currently earns (computed by the simulator), to the cent;
- an item waits only when every closed period it could go to is locked;
- a repeated run writes exactly the same workbook.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .model import BONUS_RULES, VIDEO_RULES, BonusRule
from ..builders import rows
from .sim import CREATORS, Program, cents

CREATOR = st.sampled_from(CREATORS)
ORDER = st.tuples(st.just("order"), CREATOR, st.integers(1, 50_000), st.integers(0, 12),
                  st.one_of(st.none(), st.integers(0, 12)), st.sampled_from(["P100", "P100", "P200"]))
CHANGE = st.one_of(
    st.tuples(st.just("settle"), st.integers(0, 50), st.integers(0, 20)),
    st.tuples(st.just("refund"), st.integers(0, 50), st.sampled_from([10, 50, 100])),
    st.tuples(st.just("ineligible"), st.integers(0, 50)),
    st.tuples(st.just("change_rate"), st.integers(0, 300)),
    st.tuples(st.just("adjust"), CREATOR, st.integers(0, 21), st.integers(-5_000, 5_000)),
    st.tuples(st.just("break_line"), CREATOR),
    st.tuples(st.just("fix_lines")),
    st.tuples(st.just("change_bonus"), st.integers(0, 9), st.integers(0, 80)),
    st.tuples(st.just("change_video_fee"), st.integers(0, 9), st.integers(0, 6_000)),
    st.tuples(st.just("post"), CREATOR, st.integers(0, 21), st.sampled_from(["Pending", "Yes"]),
              st.sampled_from(["", "FALL26"])),
    st.tuples(st.just("approve_video"), st.integers(0, 20)),
    st.tuples(st.just("unapprove_video"), st.integers(0, 20)),
    st.tuples(st.just("backdate_video"), st.integers(0, 20), st.integers(1, 14)),
)
RULES = st.tuples(st.lists(st.sampled_from(BONUS_RULES), unique=True, max_size=4),
                  st.lists(st.sampled_from(VIDEO_RULES), unique=True, max_size=3), st.sampled_from(["", "P100"]))
MANAGER = st.tuples(st.sampled_from(["approve", "approve", "pay"]), st.integers(0, 50))
WEEK = st.tuples(st.lists(ORDER, max_size=4), st.lists(CHANGE, max_size=3), st.lists(MANAGER, max_size=3),
                 st.integers(1, 8), st.booleans())


def play(minimum_cents: int, weeks: list[tuple], rules: tuple[list, list, str] = ([], [], "")) -> Program:
    """Each week: orders arrive and things change, the tool runs (sometimes twice in a row), the
    manager approves or pays some of the payouts it shows, and the calendar moves on."""
    program = Program(minimum_cents=minimum_cents, bonus_rules=list(rules[0]), video_rules=list(rules[1]),
                      percent_product=rules[2])
    for orders, changes, manager, days, twice in weeks:
        for name, *args in [*orders, *changes]:
            getattr(program, name)(*args)
        program.run(twice=twice)
        for name, *args in manager:
            getattr(program, name)(*args)
        program.advance(days)
    program.run(twice=True)
    return program


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from([0, 2_000]), st.lists(WEEK, min_size=2, max_size=4), RULES)
def test_history_keeps_the_ledger_right(minimum_cents: int, weeks: list[tuple], rules: tuple[list, list, str]) -> None:
    play(minimum_cents, weeks, rules)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from([0, 1_000, 5_000]), st.lists(WEEK, min_size=6, max_size=16), RULES)
def test_long_history_keeps_the_ledger_right(minimum_cents: int, weeks: list[tuple], rules: tuple[list, list, str]) -> None:
    play(minimum_cents, weeks, rules)


def test_a_scripted_season() -> None:
    """Twelve weeks of a typical program, every rule exercised at least once."""
    p = Program(minimum_cents=2_000)
    p.order("glowwithmia", 40_000)
    p.order("dadjokesdan", 9_000)
    p.advance(2)
    p.settle(0, 0)
    p.settle(0, 0)
    p.run()
    p.advance(7)
    p.run()
    assert p.approve(0)
    p.run()
    p.order("glowwithmia", 12_000, days_back=1)
    p.refund(0, 50)  # after approval: a correction next week
    p.settle(0, 12)  # settles back in the approved week: a late item
    p.adjust("dadjokesdan", 10, -500)
    p.advance(7)
    p.run(twice=True)
    p.pay(0)
    p.change_rate(125)
    p.run()
    for _ in range(3):
        p.approve(0)
        p.approve(1)
        p.advance(7)
        p.order("dadjokesdan", 1_500)
        p.settle(0, 3)
        p.run(twice=True)
    p.ineligible(0)
    p.advance(7)
    p.run(twice=True)
    assert p.seen_locked and p.runs >= 8


def test_a_scripted_season_of_bonuses_and_video_fees() -> None:
    """Bonus G that moves after payment, a video approved late, one un-approved after payment,
    and one back-dated into a paid week; the checks in ``Program.check`` run after every step."""
    bands, fees = {r.name: r for r in BONUS_RULES}, {r.name: r for r in VIDEO_RULES}
    p200 = BonusRule("B-P200", min_gmv=20_00, amount=1_00, product="P200")
    p = Program(bonus_rules=[bands["B-BAND1"], bands["B-GOLD"], p200],
                video_rules=[fees["V-ALL"], fees["V-GOLD"]])
    p.order("glowwithmia", 200_00, settled_days_back=0)
    p.post("glowwithmia", 0, "Yes")
    p.post("dadjokesdan", 0, "Pending")
    p.advance(7)
    p.run()
    week1, week2 = "2026-10-05/glowwithmia", "2026-10-12/glowwithmia"
    assert kinds(p, week1) == [("Bonus", "B-BAND1", 500), ("Bonus", "B-GOLD", 1000), ("Commission", "R-BASE", 2000),
                               ("Retainer", "R-GOLD", 500), ("Video fee", "V-ALL", 2500)]
    assert p.approve(0) == week1 and p.pay(0) == week1
    p.run()
    p.approve_video(0)  # Dan's video, approved a week late: paid in its own (open) week
    p.refund(0, 50)  # G drops to 100.00 after payment: both bands are corrected
    p.unapprove_video(0)  # Mia's paid video turns No: a negative correction
    p.post("glowwithmia", 7, "Yes")  # back-dated into the paid week: a late item
    p.order("glowwithmia", 30_00, days_back=7, settled_days_back=6, product="P200")  # settles late in the paid week
    p.advance(7)
    p.run(twice=True)
    assert kinds(p, week2) == [
        ("Bonus", "B-P200", 100),  # a late bonus: week 1 had no P200 sales when it was locked
        ("Commission", "R-BASE", 300),
        ("Correction", "B-BAND1", -500 + 325),  # 2.5% of 130.00
        ("Correction", "B-GOLD", -1000),  # 130.00 is below 150.00
        ("Correction", "R-BASE", -1000), ("Correction", "V-ALL", -2500),
        ("Retainer", "R-GOLD", 500), ("Video fee", "V-ALL", 2500)]
    assert ("Video fee", "V-ALL", 2500) in kinds(p, "2026-10-05/dadjokesdan")
    p.approve(0)
    p.approve(0)
    p.advance(14)
    p.post("glowwithmia", 0, "Yes")  # after V-GOLD's Valid from: the more specific rule pays
    p.change_video_fee(0, 30_00)  # V-ALL changes: every locked V-ALL video is corrected
    p.advance(7)
    p.run(twice=True)
    shown = [(r["Kind"], r["Rule"], cents(r["Amount"])) for r in rows(p.wb, "Commission Lines")]
    assert ("Video fee", "V-GOLD", 4000) in shown and ("Correction", "V-ALL", 500) in shown


def kinds(p: Program, pid: str) -> list[tuple[str, str, int]]:
    return sorted((r["Kind"], r["Rule"], cents(r["Amount"])) for r in rows(p.wb, "Commission Lines")
                  if r["Payout ID"] == pid)
