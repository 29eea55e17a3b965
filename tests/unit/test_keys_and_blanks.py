"""Two shortcuts of the checks (issue #21) give exactly what the plain way gives: match keys
made once per distinct name, and blank text found without stripping every value."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sheetops.workbook.tables import STR, _keys_of, _only_spaces, key_series

NAMES = st.one_of(st.none(), st.sampled_from(["@Ana", " bo ", "ANA", "Straße", "ǅemal", "  ", "", "@@x", "İstanbul",
                                              "\u3000zoe\u3000", "ß", "ﬁ", "@ @y"]),
                  st.text(max_size=6))


@settings(max_examples=40, deadline=None)
@given(names=st.lists(NAMES, min_size=1, max_size=30), rows=st.integers(1001, 3000), seed=st.integers(0, 2**32 - 1),
       kind=st.sampled_from(["handle", "code"]), start=st.integers(0, 5), name=st.sampled_from([None, "Creator"]))
def test_keys_made_per_distinct_name_are_the_keys_made_per_value(names: list[str | None], rows: int, seed: int,
                                                                   kind: str, start: int, name: str | None) -> None:
    picks = np.random.default_rng(seed).integers(0, len(names), rows)
    values = pd.Series([names[i] for i in picks], dtype=STR, index=range(start, start + rows), name=name)
    pd.testing.assert_series_equal(key_series(values, kind), _keys_of(values, kind))


def test_only_spaces_is_strip_then_empty_on_every_code_point() -> None:
    chars = [chr(c) for c in range(0x30000) if not 0xD800 <= c <= 0xDFFF]
    values = pd.Series(chars + [c * 3 for c in chars[:0x3100]] + ["", " a", "a ", None, " \u3000 "], dtype=STR)
    plain = values.str.strip().eq("").to_numpy(dtype=bool, na_value=False)
    assert (_only_spaces(values) == plain).all()
