"""The small helpers that let the ledger work on integer codes instead of strings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sheetops.ledger.corrections import codes_of, positions_in
from sheetops.ledger.payouts import _name, _stacked, stable_order

DTYPES = ["object", "str", "category"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_codes_give_the_column_back(dtype: str) -> None:
    values = pd.Series(["b", "a", None, "b", "c"], dtype=object)
    column = values.astype(dtype) if dtype != "object" else values
    codes, uniques = codes_of(column)
    back = pd.Series(uniques[codes], dtype=object)
    assert back.isna().tolist() == values.isna().tolist()
    assert back[values.notna()].tolist() == values[values.notna()].tolist()
    assert codes[0] == codes[3] != codes[1] and codes[2] != codes[0]


def test_codes_of_dates_are_timestamps() -> None:
    codes, uniques = codes_of(pd.Series(pd.to_datetime(["2026-11-09", "2026-11-02", None, "2026-11-09"])))
    assert [uniques[c] for c in codes[[0, 1, 3]]] == [pd.Timestamp("2026-11-09"), pd.Timestamp("2026-11-02"),
                                                      pd.Timestamp("2026-11-09")]
    assert pd.isna(uniques[codes[2]])


@pytest.mark.parametrize("dtype", DTYPES)
def test_positions_in(dtype: str) -> None:
    values = pd.Series(["x", "q", "y", None], dtype=object)
    column = values.astype(dtype) if dtype != "object" else values
    assert positions_in(pd.Index(["y", "x"]), column).tolist() == [1, -1, 0, -1]


@pytest.mark.parametrize("n_keys", [5, 1 << 16, 1 << 20])
def test_stable_order_is_a_stable_argsort(n_keys: int) -> None:
    keys = np.random.default_rng(3).integers(0, n_keys, 5_000)
    assert np.array_equal(stable_order(keys, n_keys), np.argsort(keys, kind="stable"))


def test_name_falls_back_to_the_key() -> None:
    names = {"mia": "Mia Tran", "odd": float("nan")}  # type: ignore[dict-item]
    assert [_name(c, names) for c in ["mia", "dan", "odd", None]] == ["Mia Tran", "dan", "odd", None]


def test_stacked_keeps_the_big_columns_dtype() -> None:
    big = pd.Series(["a", None, "c"], dtype="str")
    out = _stacked([pd.Series(["L", None], dtype=object)], big, [pd.Series(["C"], dtype=object)])
    assert out.dtype == big.dtype
    assert out.astype(object).where(out.notna(), None).tolist() == ["L", None, "a", None, "c", "C"]
    cats = _stacked([], pd.Series(["a", "b"], dtype="category"), [pd.Series(["z"], dtype=object)])
    assert cats.tolist() == ["a", "b", "z"] and not isinstance(cats.dtype, pd.CategoricalDtype)
    plain = _stacked([pd.Series([1.0], dtype=object)], pd.Series(["a"], dtype=object), [])
    assert plain.dtype == object and plain.tolist() == [1.0, "a"]
