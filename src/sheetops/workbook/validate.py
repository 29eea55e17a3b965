"""Checks that need more than one cell: duplicates, references, amounts that must agree.

``check_program`` turns the raw grids of every tab people edit into a ``Program`` of typed
``Table``s, logging every problem as an Issue; rows with an Error are flagged ``_error``
and take no part in any amount.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema
from ..backends.base import Grid, money_text, rate_text
from .issues import IssueLog
from .settings import Settings, read_settings
from .tables import Table, key_series, read_table, text_key


@dataclass
class Program:
    """Everything people typed, checked and typed."""

    settings: Settings
    creators: Table
    campaigns: Table
    rules: Table
    orders: Table
    content: Table
    samples: Table
    adjustments: Table

    @property
    def tables(self) -> list[Table]:
        return [self.creators, self.campaigns, self.rules, self.orders, self.content, self.samples, self.adjustments]

    @property
    def blocking(self) -> bool:
        """A required column is missing somewhere: payouts are not written on this run."""
        return any(t.missing_required for t in self.tables)

    def not_on_creators(self, table: Table) -> np.ndarray:
        """Rows of ``table`` whose creator is not on the Creators tab (the check's own rule:
        a handle given, and no row of Creators without an Error has it)."""
        key = table.frame["_creator"].fillna("") if "_creator" in table.frame else pd.Series([""] * len(table.frame))
        known, _ = _known(self)
        return ((key != "") & ~key.isin(known)).to_numpy(dtype=bool)

    def creators_on_hold(self) -> set[str]:
        """Creators with an Error on their order lines, content rows or adjustments."""
        held: set[str] = set()
        for table in (self.orders, self.content, self.adjustments):
            bad = table.frame[table.frame["_error"]]
            held.update(k for k in bad["_creator"].tolist() if k)
        return held


class _Flagger:
    """Marks rows of one table as Error and logs why."""

    def __init__(self, table: Table, log: IssueLog) -> None:
        self.table, self.log = table, log

    def flag(self, mask: pd.Series | np.ndarray, column: str, problems: pd.Series | str, fix: str,
             values: pd.Series | None = None) -> None:
        frame = self.table.frame
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        shown = values if values is not None else frame[column] if column in frame else None
        for i in np.flatnonzero(mask):
            problem = problems if isinstance(problems, str) else str(problems.iat[i])
            value = "" if shown is None else shown.iat[i]
            value = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else value
            value = self._shown(column, value)
            self.log.add("Error", self.table.name, int(frame["_row"].iat[i]), column, value, problem, fix,
                         col_index=self.table.col_index(column))
        frame.loc[mask, "_error"] = True

    def _shown(self, column: str, value: object) -> object:
        """A typed value as the person typed it: cents as money, millionths as a percent."""
        if value == "" or isinstance(value, str):
            return value
        if isinstance(value, pd.Timestamp):
            return value.date().isoformat() if value == value.normalize() else value.isoformat(sep=" ")
        kind = next((c.type for c in self.table.spec.columns if c.name == column), "text")
        if kind == "money":
            return money_text(int(value))  # type: ignore[call-overload]
        if kind == "rate":
            return rate_text(int(value) * 100) + "%"  # type: ignore[call-overload]
        return value

    def errored(self, column: str) -> np.ndarray:
        """Rows that already have an Error on ``column`` (so a second sentence is not added)."""
        rows = {i.row for i in self.log.issues if i.tab == self.table.name and i.column == column and i.severity == "Error"}
        return self.table.frame["_row"].isin(rows).to_numpy()


def check_program(grids: dict[str, Grid | None], log: IssueLog) -> Program:
    settings = read_settings(grids.get("Settings"), log)
    t = {spec.name: read_table(spec, grids.get(spec.name), settings, log) for spec in schema.INPUT_TABS}
    program = Program(settings, t["Creators"], t["Campaigns"], t["Rules"], t["Orders"], t["Content"],
                      t["Samples"], t["Adjustments"])
    for table in program.tables:
        if "Creator" in table.frame:
            table.frame["_creator"] = key_series(table.frame["Creator"], "handle")
    _check_creators(program, log)
    _check_campaigns(program, log)
    _check_references(program, log)
    _check_rules(program, log)
    _check_orders(program, log)
    _check_unique(program.content, ["Content ID"], log)
    return program


def _check_unique(table: Table, columns: list[str], log: IssueLog, keys: list[pd.Series] | None = None) -> None:
    frame = table.frame
    if frame.empty or not all(table.has(c) or c in frame for c in columns[:1]):
        return
    keys = keys or [text_key(frame[c]) for c in columns]
    key_frame = pd.concat(keys, axis=1)
    filled = keys[0].ne("")
    dup = key_frame.duplicated(keep="first") & filled
    if not dup.any():
        return
    first_row = frame["_row"].groupby([k.to_numpy() for k in keys]).transform("first")
    def named(c: str, i: int) -> str:
        value = frame[c].iat[i] if c in frame else None
        return f"a blank {c}" if value is None or pd.isna(value) or str(value) == "" else f"{c} {value}"

    where = np.flatnonzero(dup.to_numpy(dtype=bool)).tolist()
    problems = pd.Series("", index=frame.index, dtype=object)
    problems.iloc[where] = [" with ".join(named(c, i) for c in columns) + f" appears again (first on row {first_row.iat[i]})."
                            for i in where]
    _Flagger(table, log).flag(dup, columns[0], problems,
                              "Delete the repeated row, or correct it so each row is unique.")


def _check_creators(program: Program, log: IssueLog) -> None:
    creators = program.creators
    _check_unique(creators, ["Creator"], log, [creators.frame["_creator"]])


def _check_campaigns(program: Program, log: IssueLog) -> None:
    campaigns = program.campaigns
    frame = campaigns.frame
    frame["_campaign"] = key_series(frame["Campaign"], "code")
    _check_unique(campaigns, ["Campaign"], log, [frame["_campaign"]])
    bad = (frame["End"] < frame["Start"]).fillna(False)
    _Flagger(campaigns, log).flag(bad, "End", "The End date is before the Start date.",
                                  "Make End the same as or later than Start.")


def _known(program: Program) -> tuple[set[str], set[str]]:
    creators = set(program.creators.frame["_creator"][~program.creators.frame["_error"]]) - {""}
    campaigns = set(program.campaigns.frame["_campaign"][~program.campaigns.frame["_error"]]) - {""}
    return creators, campaigns


def _check_references(program: Program, log: IssueLog) -> None:
    _, campaigns = _known(program)
    for table in (program.rules, program.orders, program.content, program.samples, program.adjustments):
        frame = table.frame
        if "_creator" in frame and table.has("Creator"):
            unknown = program.not_on_creators(table)
            problems = frame["Creator"].astype(str).str.strip() + " is not on the Creators tab."
            _Flagger(table, log).flag(unknown, "Creator", problems,
                                      "Add the creator to the Creators tab, or correct the handle here.")
        if "Campaign" in frame:
            frame["_campaign"] = key_series(frame["Campaign"], "code")
            if table.has("Campaign"):
                unknown = frame["_campaign"].ne("") & ~frame["_campaign"].isin(campaigns)
                problems = frame["Campaign"].astype(str).str.strip() + " is not on the Campaigns tab."
                _Flagger(table, log).flag(unknown, "Campaign", problems,
                                          "Add the campaign to the Campaigns tab, or correct the code here.")


def _check_rules(program: Program, log: IssueLog) -> None:
    rules = program.rules
    frame = rules.frame
    frame["_rule"] = key_series(frame["Rule"], "code")
    _check_unique(rules, ["Rule"], log, [frame["_rule"]])
    flag = _Flagger(rules, log)
    kind = frame["Type"]
    need = [
        ("Percent", "Rate", "A Percent rule needs a Rate.", "Type the rate, such as 10%."),
        ("Per video", "Amount", "A Per video rule needs an Amount.", "Type the fee per approved video, such as 50."),
        ("Retainer", "Amount", "A Retainer rule needs an Amount.", "Type the amount paid each period, such as 100."),
        ("Retainer", "Valid from", "A Retainer rule needs a Valid from date.", "Type the first date the retainer applies."),
        ("Bonus", "Min GMV", "A Bonus rule needs a Min GMV.", "Type the GMV the creator must reach, such as 1000 (0 for any)."),
    ]
    for rule_type, column, problem, fix in need:
        flag.flag((kind == rule_type) & frame[column].isna() & ~flag.errored(column), column, problem, fix)
    no_pay = (kind == "Bonus") & frame["Amount"].isna() & frame["Rate"].isna()
    flag.flag(no_pay, "Amount", "A Bonus rule needs an Amount, a Rate, or both.",
              "Type a fixed Amount and/or a Rate paid on GMV above Min GMV.")
    flag.flag((frame["Max GMV"] < frame["Min GMV"]).fillna(False), "Max GMV", "Max GMV is below Min GMV.",
              "Make Max GMV larger than Min GMV, or leave it blank for no limit.")
    flag.flag((frame["Valid to"] < frame["Valid from"]).fillna(False), "Valid to",
              "Valid to is before Valid from.", "Make Valid to the same as or later than Valid from.")
    for column in ("Amount", "Min GMV", "Max GMV"):
        flag.flag((frame[column] < 0).fillna(False), column, f"{column} cannot be negative.",
                  "Type an amount of 0 or more; use the Adjustments tab to take money back.")


def _check_orders(program: Program, log: IssueLog) -> None:
    orders = program.orders
    frame = orders.frame
    flag = _Flagger(orders, log)
    oid, sku = (text_key(frame[c]) for c in ("Order ID", "SKU ID"))
    _check_unique(orders, ["Order ID", "SKU ID"], log, [oid, sku])
    gmv, refund = frame["GMV"], frame["Refund"]
    flag.flag((gmv < 0).fillna(False), "GMV", "GMV cannot be negative.", "Type what the buyer paid, 0 or more; put refunds in Refund.")
    flag.flag((refund < 0).fillna(False), "Refund", "Refund cannot be negative.", "Type the refunded amount as a positive number.")
    over = (refund > gmv).fillna(False)
    flag.flag(over, "Refund", "Refund is larger than the GMV of the line.",
              "Type a refund between 0 and the line's GMV.")
    settled = (frame["Status"] == "Settled") & frame["Settled date"].isna()
    flag.flag(settled, "Settled date", "The line is Settled but has no Settled date.",
              "Type the date TikTok settled the line, or change the Status.")
    if orders.has("Currency") and program.settings.unknown_currency is None:  # else one Issue at Settings
        cur = frame["Currency"].astype(object).where(frame["Currency"].notna(), "").astype(str).str.strip().str.upper()
        wrong = cur.ne("") & cur.ne(program.settings.currency)
        flag.flag(wrong, "Currency",
                  frame["Currency"].astype(str) + f" is not the workbook currency ({program.settings.currency}).",
                  "SheetOps works in one currency per workbook: convert the line, or keep this shop in its own workbook.")
    _infer_campaigns(program, log)


def _infer_campaigns(program: Program, log: IssueLog) -> None:
    """A line with a blank Campaign belongs to the campaign listing its product on its date."""
    frame = program.orders.frame
    frame["_campaign"] = key_series(frame["Campaign"], "code")
    camps = program.campaigns.valid
    if camps.empty or frame.empty:
        return
    listed = pd.DataFrame({
        "_campaign_code": camps["Campaign"], "_key": camps["_campaign"],
        "Start": camps["Start"], "End": camps["End"], "_product": camps["Products"].map(_split_ids),
    }).explode("_product").dropna(subset=["_product"])
    if listed.empty:
        return
    blank = frame[frame["_campaign"].eq("") & frame["Product ID"].notna() & frame["Order date"].notna()]
    if blank.empty:
        return
    cand = blank[["Product ID", "Order date"]].reset_index().merge(
        listed, left_on="Product ID", right_on="_product", how="inner")
    day = cand["Order date"].dt.normalize()
    inside = (day >= cand["Start"]) & (cand["End"].isna() | (day <= cand["End"]))
    cand = cand[inside]
    if cand.empty:
        return
    counts = cand.groupby("index")["_key"].nunique()
    single = cand[cand["index"].isin(counts[counts == 1].index)].drop_duplicates("index")
    frame.loc[single["index"], "Campaign"] = single["_campaign_code"].to_numpy()
    frame.loc[single["index"], "_campaign"] = single["_key"].to_numpy()
    many = counts[counts > 1].index
    if len(many):
        names = cand[cand["index"].isin(many)].groupby("index")["_campaign_code"].agg(lambda s: " and ".join(sorted(set(s))))
        mask = frame.index.isin(many)
        problems = pd.Series("", index=frame.index)
        problems.loc[names.index] = "The line's product belongs to campaigns " + names + " on its order date."
        _Flagger(program.orders, log).flag(mask, "Campaign", problems,
                                           "Type the right campaign in this line's Campaign cell, or fix the campaigns' Products or dates.")


def _split_ids(value: object) -> list[str]:
    from .cells import split_ids

    return list(split_ids(value))
