"""The words of the ``Start Here`` tab, for a manager who is not a programmer.

The guide is short lines of text in column A (each fits on a screen without wrapping), then
a table of every tab and column with its help text, generated from ``workbook/schema.py`` so it
never falls behind the real workbook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from ..workbook import schema

if TYPE_CHECKING:  # pragma: no cover
    from .layout import TabLayout

Row = tuple[str, ...]

WIDTH = 4
"""Columns of the guide: Tab, Column, Required, What goes in it."""

GUIDE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "What SheetOps is",
        (
            "SheetOps turns this workbook into the app for your TikTok Shop creator program.",
            "You keep creators, campaigns, rules and orders here. SheetOps works out every",
            "commission and payout to the cent, and writes the results into the grey tabs.",
        ),
    ),
    (
        "Fill in, in this order",
        (
            "1. Settings: your currency, time zone and payout period (weekly or monthly).",
            "2. Creators: one row per creator, with their TikTok handle, tier and payout details.",
            "3. Campaigns: one row per campaign, with its dates and the Product IDs it covers.",
            "4. Rules: what you pay on top of TikTok's commission (Percent, Per video, Bonus, "
            "Retainer).",
            "5. Orders: import the TikTok Shop affiliate orders export, or paste it under the headers.",
            "6. Content: the videos and LIVEs creators delivered; set Approved to Yes to pay them.",
            "7. Samples: free products you shipped to creators (they count as a cost in reports).",
            "8. Adjustments: one-off amounts to add to (or take from) a creator's payout.",
            "Blue tabs are yours to edit. Columns may be in any order; extra columns are kept.",
        ),
    ),
    (
        "Then run SheetOps",
        (
            "Excel: open the SheetOps tab on the ribbon and click Run, then save the workbook.",
            "Google Sheets: SheetOps refreshes the sheet on a schedule (for example every hour).",
            "Command line: sheetops run YOUR-WORKBOOK.xlsx",
            "Importing orders from the command line: sheetops import YOUR-WORKBOOK.xlsx "
            "orders-export.csv",
        ),
    ),
    (
        "Approve and pay",
        (
            "Each closed week (or month) gets one row per creator in Payouts, with Status Draft.",
            "Check it, then set Status to Approved and fill in Approved by.",
            "Once the money is sent, set Status to Paid and fill in Paid on and Reference.",
            "Approved and Paid rows are locked: SheetOps never changes their amounts again.",
            "Payout Export lists approved, unpaid payouts ready for a PayPal Payouts upload.",
        ),
    ),
    (
        "When something is wrong",
        (
            "Every problem is listed in the Issues tab: what is wrong and how to fix it,",
            "with a link that jumps straight to the cell.",
            "A row with an Error is left out of payouts until you fix it; Warnings are worth a look.",
            "Run Log shows one row per run: when it ran and how it went.",
        ),
    ),
    (
        "Never edit",
        (
            "The grey tabs are written by SheetOps and are protected. In Payouts you may change",
            "only Status, Approved by, Paid on and Reference. Never edit Commission Lines,",
            "the GMV by ... tabs, the reports, Payout Export, Issues, Run Log or the hidden Ledger.",
            "Anything typed there is replaced on the next run.",
        ),
    ),
)


def _line(text: str) -> Row:
    return (text,) + ("",) * (WIDTH - 1)


def start_here_rows(tabs: Sequence["TabLayout"]) -> tuple[tuple[Row, ...], tuple[int, ...]]:
    """The guide's rows (4 text cells each) and the 0-based rows shown in bold."""
    rows: list[Row] = [_line("SheetOps: start here")]
    bold: list[int] = [0]
    for heading, lines in GUIDE:
        rows.append(_line(""))
        bold.append(len(rows))
        rows.append(_line(heading))
        rows.extend(_line(text) for text in lines)
    rows.append(_line(""))
    bold.append(len(rows))
    rows.append(_line("Every tab and column"))
    bold.append(len(rows))
    rows.append(("Tab", "Column", "Required", "What goes in it"))
    for tab in tabs:
        bold.append(len(rows))
        rows.extend(_tab_rows(tab))
    return tuple(rows), tuple(bold)


def _tab_rows(tab: "TabLayout") -> list[Row]:
    who = "you edit" if tab.color == "people" else "SheetOps writes"
    if tab.hidden:
        who = "SheetOps keeps, hidden"
    rows: list[Row] = [(tab.name, "", "", f"({who}) {tab.help}".strip())]
    spec = schema.ALL_TABS.get(tab.name)
    if spec is None:
        return rows
    for column in spec.columns:
        rows.append(("", column.name, "yes" if column.required else "", _column_help(tab.name, column)))
    return rows


def _column_help(tab: str, column: schema.ColumnSpec) -> str:
    parts: list[str] = []
    if column.help:
        parts.append(column.help[:1].upper() + column.help[1:])
    if column.allowed and not all(a in column.help for a in column.allowed):
        parts.append("One of: " + ", ".join(column.allowed))
    if column.refers_to:
        parts.append(f"Pick from the {column.refers_to} tab")
    kind = _KIND_WORDS.get(column.type)
    if kind and _ALREADY_SAID.get(column.type, "\0") not in column.help.casefold():
        parts.append(kind)
    if column.default:
        parts.append(f"Blank means {column.default}")
    if tab == schema.PAYOUTS.name and column.name in schema.PAYOUT_PEOPLE_COLUMNS:
        parts.append("You may edit this column")
    return ". ".join(parts) + ("." if parts else "")


_ALREADY_SAID: dict[str, str] = {"rate": "percent", "ids": "product ids", "handle": "handle"}
"""Words in a column's help that make the type's sentence below redundant."""

_KIND_WORDS: dict[str, str] = {
    "money": "An amount, e.g. 1,234.50",
    "rate": "A percentage, e.g. 12%",
    "date": "A date, e.g. 2026-11-09",
    "datetime": "A date and time, e.g. 2026-11-09 14:30",
    "int": "A whole number",
    "ids": "Product IDs separated by commas",
    "handle": "A TikTok handle, with or without @",
}
