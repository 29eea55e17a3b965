"""Integer-coded keys and Arrow text: the building blocks of fast order commissions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sheetops.money.order_lines import BLANK, STR, Coded, text


def test_blanks_of_every_kind_share_the_blank_code() -> None:
    coded = Coded.of(pd.Series(["ann", None, "", "bob", "ann", np.nan], dtype=object))
    assert coded.codes.tolist() == [0, BLANK, BLANK, 2, 0, BLANK]
    assert coded.values().tolist() == ["ann", None, None, "bob", "ann", None]


def test_equal_matches_a_value_and_never_a_blank_or_an_unknown_value() -> None:
    coded = Coded.of(pd.Series(["ann", "", "bob"], dtype=STR))
    assert coded.equal("bob").tolist() == [False, False, True]
    assert not coded.equal("").any()
    assert not coded.equal("carol").any()


def test_mapped_looks_each_distinct_value_up_once() -> None:
    creators = Coded.of(np.array(["ann", "bob", None, "ann"], dtype=object))
    tiers = creators.mapped({"ann": "gold"})
    assert tiers.values().tolist() == ["gold", None, None, "gold"]
    assert tiers.equal("gold").tolist() == [True, False, False, True]


def test_take_and_text_give_the_values_back_as_arrow_text() -> None:
    coded = Coded.of(np.array(["x", None, "y", "x"], dtype=object)).take(np.array([3, 1, 2]))
    out = coded.text()
    assert out.dtype == STR
    assert list(pd.Series(out).fillna("<blank>")) == ["x", "<blank>", "y"]


def test_text_of_objects_numbers_and_repeated_values() -> None:
    assert list(pd.Series(text(np.array(["a", None], dtype=object))).fillna("-")) == ["a", "-"]
    assert list(text(np.array(["a", 12], dtype=object))) == ["a", "12"]  # a stray number becomes its text
    assert list(text("Bonus", 2)) == ["Bonus", "Bonus"]
    assert pd.Series(text(None, 2)).isna().all()
