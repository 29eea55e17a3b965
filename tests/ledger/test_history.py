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

from .model import BONUS_RULES, VIDEO_RULES
from .sim import CREATORS, Program

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
                  st.lists(st.sampled_from(VIDEO_RULES), unique=True, max_size=3))
MANAGER = st.tuples(st.sampled_from(["approve", "approve", "pay"]), st.integers(0, 50))
WEEK = st.tuples(st.lists(ORDER, max_size=4), st.lists(CHANGE, max_size=3), st.lists(MANAGER, max_size=3),
                 st.integers(1, 8), st.booleans())


def play(minimum_cents: int, weeks: list[tuple], rules: tuple[list, list] = ([], [])) -> Program:
    """Each week: orders arrive and things change, the tool runs (sometimes twice in a row), the
    manager approves or pays some of the payouts it shows, and the calendar moves on."""
    program = Program(minimum_cents=minimum_cents, bonus_rules=list(rules[0]), video_rules=list(rules[1]))
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
def test_history_keeps_the_ledger_right(minimum_cents: int, weeks: list[tuple], rules: tuple[list, list]) -> None:
    play(minimum_cents, weeks, rules)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from([0, 1_000, 5_000]), st.lists(WEEK, min_size=6, max_size=16), RULES)
def test_long_history_keeps_the_ledger_right(minimum_cents: int, weeks: list[tuple], rules: tuple[list, list]) -> None:
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
