"""The ledger as a hypothesis state machine: weeks of what people do, in any order, with the
tool run after each step it chooses, and money.md's promises checked after every run.

Steps: orders arrive, settle (also late, into weeks already approved), refunds before and
after payment, lines turn Ineligible, rate changes, back-dated adjustments, bad rows that
later get fixed, approvals (of Draft, Below minimum and On hold rows) and payments, and the
calendar moving on, with a minimum payout so amounts carry forward. After every run
``Program.check`` and ``Program.check_isolation`` (sim.py) assert:

- per creator, locked payouts + drafts + items waiting for a period to close == what every
  item currently earns, computed by the simulator itself (money.md's invariant);
- no locked row or Ledger row ever changes, and no item is in two locks;
- every Total is the sum of its columns and of its Commission Lines;
- every draft's Status follows its Total (rules 6, 7, 8);
- one creator's bad row changes no other creator's Payouts or Commission Lines;
- a repeated run writes the same workbook (when the machine runs twice).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from .sim import CREATORS, Program

CREATOR = st.sampled_from(CREATORS)
PICK = st.integers(0, 50)


class Weeks(RuleBasedStateMachine):
    program: Program

    @initialize(minimum_cents=st.sampled_from([0, 1_000, 2_000]))
    def start(self, minimum_cents: int) -> None:
        self.program = Program(minimum_cents=minimum_cents)

    @rule(creator=CREATOR, gmv=st.integers(1, 50_000), days_back=st.integers(0, 12),
          settled=st.one_of(st.none(), st.integers(0, 12)), product=st.sampled_from(["P100", "P200"]))
    def order_arrives(self, creator: str, gmv: int, days_back: int, settled: int | None, product: str) -> None:
        self.program.order(creator, gmv, days_back, settled, product)

    @rule(n=PICK, days_back=st.integers(0, 20))
    def settles(self, n: int, days_back: int) -> None:
        self.program.settle(n, days_back)  # may land in a week already approved: a late item

    @rule(n=PICK, part=st.sampled_from([10, 50, 100]))
    def refunded(self, n: int, part: int) -> None:
        self.program.refund(n, part)  # after payment: a Correction

    @rule(n=PICK)
    def turns_ineligible(self, n: int) -> None:
        self.program.ineligible(n)

    @rule(tenths=st.integers(0, 300))
    def rate_changes(self, tenths: int) -> None:
        self.program.change_rate(tenths)

    @rule(creator=CREATOR, days_back=st.integers(0, 21), amount=st.integers(-5_000, 5_000))
    def back_dated_adjustment(self, creator: str, days_back: int, amount: int) -> None:
        self.program.adjust(creator, days_back, amount)

    @rule(creator=CREATOR)
    def a_bad_row_arrives(self, creator: str) -> None:
        self.program.break_line(creator)

    @rule()
    def bad_rows_are_fixed(self) -> None:
        self.program.fix_lines()

    @rule(n=PICK)
    def manager_approves(self, n: int) -> None:
        self.program.approve(n)

    @rule(n=PICK)
    def manager_pays(self, n: int) -> None:
        self.program.pay(n)

    @rule(days=st.integers(1, 8), twice=st.booleans())
    def a_week_goes_by(self, days: int, twice: bool) -> None:
        self.program.advance(days)
        self.program.run(twice=twice)

    @rule(twice=st.booleans())
    def refresh(self, twice: bool) -> None:
        self.program.run(twice=twice)

    def teardown(self) -> None:
        """Whatever happened last, one more week and two runs: the checks hold there too."""
        if hasattr(self, "program"):
            self.program.advance(7)
            self.program.run(twice=True)


Weeks.TestCase.settings = settings(max_examples=8, stateful_step_count=14, deadline=None,
                                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
test_weeks_keep_the_ledger_right = Weeks.TestCase


class LongWeeks(Weeks):
    pass


LongWeeks.TestCase.settings = settings(max_examples=80, stateful_step_count=40, deadline=None,
                                       suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
test_many_weeks_keep_the_ledger_right = pytest.mark.slow(LongWeeks.TestCase)


def test_a_row_that_passed_on_a_carry_it_received_stays_below_minimum() -> None:
    """Found by the machine above: a week that received a carry, then passed it on with its own
    negative adjustment kept back, shows Total 0 and a positive net Carried in; it carried
    everything forward, so it is Below minimum (rule 6), as its carry-out line says."""
    machine = Weeks()
    machine.start(minimum_cents=1_000)
    for amount, creator, days_back in [
            (163, "dadjokesdan", 20), (0, "glowwithmia", 0), (331, "glowwithmia", 21), (601, "glowwithmia", 14),
            (1891, "glowwithmia", 10), (331, "glowwithmia", 0), (1000, "glowwithmia", 3), (-39, "dadjokesdan", 5),
            (-99, "glowwithmia", 11), (974, "glowwithmia", 14), (-1321, "glowwithmia", 19), (271, "glowwithmia", 1),
            (-233, "dadjokesdan", 0)]:
        machine.back_dated_adjustment(amount=amount, creator=creator, days_back=days_back)
    machine.teardown()  # two runs a week later; Program.check holds after each
