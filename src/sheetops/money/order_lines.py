"""The payable order lines of one refresh, with their keys as integer codes.

Order commissions and bonus bands both work on the Settled order lines that have no Error.
They are selected once, and the keys rules filter on (creator, tier, campaign, product) are
turned into integer codes once, so that matching a rule is an integer comparison over a
numpy array, and no column of a million strings is copied, compared or converted on the way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..workbook.periods import period_start
from ..workbook.validate import Program

BLANK = -1
"""The code of a blank value (None, NaN or "")."""

STR = pd.StringDtype("pyarrow", na_value=np.nan)
"""pandas' Arrow-backed text: a column of it is one buffer, cheap to select, join and copy."""


def arrow_text(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A text column as Arrow large strings (nulls for blanks), without a copy when it is
    Arrow text already."""
    return pa.array(text(values), type=pa.large_string())


def text(values: object, n: int | None = None) -> pd.api.extensions.ExtensionArray:
    """Text values as an Arrow string array (NaN for blanks): from Arrow, from an object
    array, or one value (or None) repeated ``n`` times."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return pd.array(values.cast(pa.large_string()), dtype=STR)
    if isinstance(values, (pd.Series, pd.api.extensions.ExtensionArray)) and values.dtype == STR:
        return pd.array(values, dtype=STR)
    if isinstance(values, (np.ndarray, pd.Series, pd.api.extensions.ExtensionArray)):
        objects = np.asarray(values, dtype=object)
        try:
            return pd.array(pa.array(objects, type=pa.large_string(), from_pandas=True), dtype=STR)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # not all text: each value as its text
            return pd.array([None if pd.isna(v) else str(v) for v in objects], dtype=STR)
    if n is None:
        raise ValueError("text() of one value needs the number of rows")
    if values is None:
        return pd.array(pa.nulls(n, pa.large_string()), dtype=STR)
    return pd.array(pa.repeat(pa.scalar(str(values), pa.large_string()), n), dtype=STR)


@dataclass(frozen=True)
class Coded:
    """A column as integer codes into its distinct values (``BLANK`` for a blank cell)."""

    codes: np.ndarray
    uniques: np.ndarray

    @classmethod
    def of(cls, values: pd.Series | np.ndarray) -> Coded:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=object)
        empty = np.flatnonzero(uniques == "")
        if len(empty):  # "" is a blank too: the same code as None
            codes = np.where(codes == empty[0], BLANK, codes)
        return cls(codes.astype("int64", copy=False), uniques)

    def code_of(self, value: object) -> int:
        """The code of ``value``; a value no line holds gets a code no line has."""
        found = np.flatnonzero(self.uniques == value)
        return int(found[0]) if len(found) and value != "" else -2

    def equal(self, value: object) -> np.ndarray:
        return self.codes == self.code_of(value)

    def take(self, rows: np.ndarray) -> Coded:
        return Coded(self.codes[rows], self.uniques)

    def mapped(self, lookup: dict[object, object]) -> Coded:
        """Each line's value looked up in ``lookup`` (blank when absent), computed per
        distinct value: a creator's tier for every line of that creator."""
        per_unique = Coded.of(np.array([lookup.get(u) for u in self.uniques], dtype=object))
        extended = np.append(per_unique.codes, BLANK)  # index -1 (a blank line) -> blank
        return Coded(extended[self.codes], per_unique.uniques)

    def values(self) -> np.ndarray:
        """The values again (object array, None for blanks)."""
        return np.concatenate([self.uniques, np.array([None], dtype=object)])[self.codes]

    def text(self) -> pd.api.extensions.ExtensionArray:
        """The values again as Arrow text (NaN for blanks), without a Python object per row."""
        dictionary = pa.array(self.uniques, type=pa.large_string(), from_pandas=True)
        return text(pc.take(dictionary, pa.array(self.codes, mask=self.codes < 0)))


@dataclass(frozen=True)
class PayableLines:
    """Settled order lines without an Error: positions in the Orders frame and coded keys."""

    rows: np.ndarray
    creator: Coded
    campaign: Coded
    product: Coded
    order_day: np.ndarray
    """Order date as ``datetime64[D]`` (NaT when blank)."""
    period: np.ndarray
    """Start of the payout period holding the Settled date (``datetime64[ns]``)."""
    base: np.ndarray
    """Commission base in cents: the column when filled, else GMV minus Refund."""

    @classmethod
    def of(cls, program: Program) -> PayableLines:
        frame = program.orders.frame
        rows = np.flatnonzero((frame["Status"] == "Settled").to_numpy(dtype=bool) & ~frame["_error"].to_numpy(dtype=bool))
        base = frame["Commission base"].take(rows)
        gmv, refund = frame["GMV"].take(rows), frame["Refund"].take(rows)
        base = base.fillna(gmv - refund.fillna(0))
        return cls(
            rows=rows,
            creator=Coded.of(frame["_creator"].take(rows)),
            campaign=Coded.of(frame["_campaign"].take(rows)),
            product=Coded.of(frame["Product ID"].take(rows)),
            order_day=frame["Order date"].to_numpy()[rows].astype("datetime64[D]"),
            period=period_start(frame["Settled date"].take(rows), program.settings).to_numpy(dtype="datetime64[ns]"),
            base=base.to_numpy(dtype="int64", na_value=0),
        )

    def __len__(self) -> int:
        return len(self.rows)

    def select(self, keep: np.ndarray) -> PayableLines:
        """The lines where ``keep`` (a boolean array, one per line) is true."""
        at = np.flatnonzero(keep)
        return PayableLines(self.rows[at], self.creator.take(at), self.campaign.take(at), self.product.take(at),
                            self.order_day[at], self.period[at], self.base[at])
