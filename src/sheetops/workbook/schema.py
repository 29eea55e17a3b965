"""Every tab and column of a SheetOps workbook, declared once.

The templates, the readers, the validators and the ``Start Here`` tab all read this module;
``workbook.md`` in the product spec is the source. A column's ``type`` says how its cells
are parsed (``cells.py`` beside it) and formatted in templates:

- ``text``: free text; ``handle``: a creator handle; ``code``: a short code (Campaign, Rule)
- ``money``: an amount in the workbook currency; ``rate``: a percentage
- ``date`` / ``datetime``; ``int``: a whole number; ``enum``: one of ``allowed``
- ``ids``: a comma-separated list of TikTok Product IDs
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

ColumnType = Literal["text", "handle", "code", "money", "rate", "date", "datetime", "int", "enum", "ids"]
TabRole = Literal["settings", "input", "ledger", "output", "guide"]


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: ColumnType = "text"
    required: bool = False
    allowed: tuple[str, ...] = ()
    help: str = ""
    width: float = 14
    refers_to: str | None = None
    """``Creators`` or ``Campaigns`` when the column names one of those (a dropdown)."""
    default: str | None = None

    @property
    def key(self) -> str:
        return normalize_header(self.name)

    @property
    def number_format(self) -> str:
        """The number format a template gives the column's cells (see ``NUMBER_FORMATS``)."""
        return NUMBER_FORMATS[self.type]


@dataclass(frozen=True)
class TabSpec:
    name: str
    role: TabRole
    columns: tuple[ColumnSpec, ...]
    help: str = ""
    unique: tuple[str, ...] = ()
    """Columns whose values together are unique in the tab."""

    def column(self, name: str) -> ColumnSpec:
        key = normalize_header(name)
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def normalize_header(text: object) -> str:
    """How headers are compared: case-insensitive, surrounding and repeated spaces ignored."""
    return " ".join(str(text or "").split()).casefold()


def normalize_tab(text: object) -> str:
    return normalize_header(text)


C = ColumnSpec

NUMBER_FORMATS: dict[str, str] = {
    "money": "#,##0.00",
    "rate": "0.00%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "int": "0",
    # Text-like columns are formatted as text ("@") so that typed or pasted IDs such as
    # 19-digit TikTok Product IDs stay exact and never turn into 1.73E+18 or formulas.
    "text": "@",
    "handle": "@",
    "code": "@",
    "ids": "@",
    "enum": "@",
}
"""Excel-style number format per column type; templates apply them to every data row."""

CONTENT_TYPES = ("Video", "LIVE", "Showcase", "Other")
ORDER_STATUSES = ("Pending", "Settled", "Refunded", "Ineligible", "Frozen", "Unpaid")
RULE_TYPES = ("Percent", "Per video", "Bonus", "Retainer")
CREATOR_STATUSES = ("Active", "Paused", "Offboarded")
PAYOUT_STATUSES = ("Draft", "Below minimum", "On hold", "Approved", "Paid")
LOCKED_STATUSES = ("Approved", "Paid")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class SettingSpec:
    name: str
    default: str
    help: str
    allowed: tuple[str, ...] = ()


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("Currency", "USD", "ISO 4217 code of every money value in the workbook"),
    SettingSpec("Timezone", "UTC", "IANA time zone; dates without a zone are read in it"),
    SettingSpec("Payout period", "Weekly", "Weekly or Monthly", ("Weekly", "Monthly")),
    SettingSpec("Week starts", "Monday", "first day of a weekly period", WEEKDAYS),
    SettingSpec("Minimum payout", "0", "a period total below it is carried into the next period"),
    SettingSpec("Date order", "", "YMD, MDY or DMY, for ambiguous text dates", ("YMD", "MDY", "DMY")),
    SettingSpec("Client", "", "name shown on reports"),
    SettingSpec("As of", "", "run as if today were this date (blank = today)"),
)

SETTINGS_TAB = TabSpec(
    "Settings",
    "settings",
    (
        C("Setting", "text", True, width=22),
        C("Value", "text", width=28),
        C("Help", "text", width=70, help="what the setting means; not read by the tool"),
    ),
    help="How the whole workbook is read: currency, time zone, payout period.",
    unique=("Setting",),
)

CREATORS = TabSpec(
    "Creators",
    "input",
    (
        C("Creator", "handle", True, help="TikTok handle, with or without @", width=20),
        C("Name", width=20),
        C("Status", "enum", allowed=CREATOR_STATUSES, default="Active", help="Active, Paused or Offboarded"),
        C("Tier", help="free text used by rules, e.g. Gold"),
        C("Manager", help="who owns the relationship"),
        C("Email", width=24),
        C("Payout method", "enum", allowed=("PayPal", "Bank transfer", "Other")),
        C("Payout account", help="e.g. the PayPal email; never printed in logs", width=24),
        C("Joined", "date"),
        C("Notes", width=30),
    ),
    help="One row per creator in the program.",
    unique=("Creator",),
)

CAMPAIGNS = TabSpec(
    "Campaigns",
    "input",
    (
        C("Campaign", "code", True, help="short code, e.g. FALL26"),
        C("Name", width=20),
        C("Brand"),
        C("Start", "date", True),
        C("End", "date", help="not before Start"),
        C("Products", "ids", help="comma-separated TikTok Product IDs", width=28),
        C("Target GMV", "money"),
        C("Status", "enum", allowed=("Planned", "Live", "Ended")),
    ),
    help="One row per campaign; order lines find their campaign by product and date.",
    unique=("Campaign",),
)

RULES = TabSpec(
    "Rules",
    "input",
    (
        C("Rule", "code", True, help="short code, unique"),
        C("Type", "enum", True, allowed=RULE_TYPES),
        C("Creator", "handle", refers_to="Creators", help="blank = any creator"),
        C("Campaign", "code", refers_to="Campaigns", help="blank = any campaign"),
        C("Product", "text", help="TikTok Product ID; blank = any"),
        C("Tier", help="blank = any tier"),
        C("Rate", "rate", help="percentage; needed for Percent"),
        C("Amount", "money", help="needed for Per video and Retainer"),
        C("Min GMV", "money", help="needed for Bonus"),
        C("Max GMV", "money", help="upper end of a Bonus band"),
        C("Valid from", "date", help="needed for Retainer"),
        C("Valid to", "date", help="inclusive"),
        C("Priority", "int", help="breaks ties between equally specific rules"),
    ),
    help="What the brand pays creators on top of TikTok's own commission.",
    unique=("Rule",),
)

ORDERS = TabSpec(
    "Orders",
    "input",
    (
        C("Order ID", "text", True, width=22),
        C("SKU ID", "text", width=20),
        C("Product ID", "text", width=20),
        C("Product", width=24),
        C("Creator", "handle", True, refers_to="Creators", width=20),
        C("Campaign", "code", refers_to="Campaigns"),
        C("Order date", "datetime", True, width=20),
        C("Settled date", "datetime", help="needed when Status is Settled", width=20),
        C("Status", "enum", True, allowed=ORDER_STATUSES),
        C("Quantity", "int", default="1"),
        C("GMV", "money", True),
        C("Refund", "money", default="0"),
        C("Commission base", "money"),
        C("TikTok rate", "rate"),
        C("TikTok commission", "money"),
        C("Content type", "enum", allowed=CONTENT_TYPES),
        C("Content ID", "text", width=22),
        C("Currency", "text", width=10),
    ),
    help="One row per TikTok Shop affiliate order line (order and SKU).",
    unique=("Order ID", "SKU ID"),
)

CONTENT = TabSpec(
    "Content",
    "input",
    (
        C("Content ID", "text", True, width=22),
        C("Creator", "handle", True, refers_to="Creators", width=20),
        C("Campaign", "code", refers_to="Campaigns"),
        C("Type", "enum", allowed=("Video", "LIVE")),
        C("Posted", "date", True),
        C("URL", width=36),
        C("Approved", "enum", allowed=("Yes", "No", "Pending"), default="Pending", help="only Yes is paid"),
    ),
    help="Videos and LIVEs creators delivered; paid by Per video rules.",
    unique=("Content ID",),
)

SAMPLES = TabSpec(
    "Samples",
    "input",
    (
        C("Creator", "handle", True, refers_to="Creators", width=20),
        C("Campaign", "code", refers_to="Campaigns"),
        C("Product ID", "text", width=20),
        C("Shipped", "date", True),
        C("Units", "int", default="1"),
        C("Unit cost", "money", True),
    ),
    help="Products shipped free to creators; a cost of the creator in reports.",
)

ADJUSTMENTS = TabSpec(
    "Adjustments",
    "input",
    (
        C("Creator", "handle", True, refers_to="Creators", width=20),
        C("Date", "date", True, help="the adjustment belongs to the period holding this date"),
        C("Amount", "money", True, help="may be negative"),
        C("Reason", "text", True, width=36),
    ),
    help="One-off amounts added to (or taken from) a creator's payout.",
)

PAYOUT_AMOUNT_COLUMNS = (
    "Commission", "Video fees", "Bonus", "Retainer", "Adjustments", "Corrections", "Carried in",
)
PAYOUT_PEOPLE_COLUMNS = ("Status", "Approved by", "Paid on", "Reference")

PAYOUTS = TabSpec(
    "Payouts",
    "ledger",
    (
        C("Payout ID", width=30),
        C("Period start", "date"),
        C("Period end", "date"),
        C("Creator", "handle", width=20),
        *(C(name, "money") for name in PAYOUT_AMOUNT_COLUMNS),
        C("Total", "money"),
        C("Currency", width=10),
        C("Status", "enum", allowed=PAYOUT_STATUSES, help="set Approved, then Paid"),
        C("Approved by"),
        C("Paid on", "date"),
        C("Reference", width=20),
        C("Checksum", width=18),
    ),
    help="The tool writes payouts; people set Status to Approved, then Paid.",
    unique=("Payout ID",),
)

INPUT_TABS: tuple[TabSpec, ...] = (CREATORS, CAMPAIGNS, RULES, ORDERS, CONTENT, SAMPLES, ADJUSTMENTS)
EDITED_TABS: tuple[TabSpec, ...] = (SETTINGS_TAB, *INPUT_TABS)
REQUIRED_TABS: tuple[str, ...] = ("Settings", "Creators", "Orders")
"""Tabs without which a workbook is not a SheetOps workbook (others may be missing)."""

# Tool-written tabs, in the order they appear after the tabs people edit.
COMMISSION_LINES = "Commission Lines"
GMV_BY_CREATOR = "GMV by Creator"
GMV_BY_CAMPAIGN = "GMV by Campaign"
GMV_BY_PRODUCT = "GMV by Product"
GMV_BY_PERIOD = "GMV by Period"
WEEKLY_REPORT = "Weekly Report"
MONTHLY_REPORT = "Monthly Report"
QBR = "QBR"
PAYOUT_EXPORT = "Payout Export"
ISSUES = "Issues"
RUN_LOG = "Run Log"
LEDGER = "Ledger"
START_HERE = "Start Here"

ISSUE_COLUMNS = ("Severity", "Tab", "Row", "Column", "Cell", "Value", "Problem", "How to fix", "Rows")
RUN_LOG_COLUMNS = (
    "Started", "Finished", "Trigger", "Result", "Rows read", "Errors", "Warnings", "Seconds", "Version", "Summary",
    "Notes",
)
COMMISSION_LINE_COLUMNS = (
    "Payout ID", "Creator", "Campaign", "Kind", "Rule", "Order ID", "SKU ID", "Content ID",
    "Base", "Rate", "Amount", "Item", "Period start", "Order date", "Settled date", "Product ID", "Product", "Why",
)
"""``Item`` is the key of the paid item (see money.md); a lock finds its items by it. The
columns after it explain the line (its payout's period, the order's dates and product, the
rule in plain words); the tool writes them and never reads them back."""

GMV_MEASURE_COLUMNS = (
    "GMV", "Refunds", "Net GMV", "Orders", "Units", "AOV", "Refund rate", "TikTok commission",
    "Brand payouts", "Sample cost", "Creator cost", "ROI",
)
PERIOD_CHANGE_COLUMNS = ("Previous Net GMV", "Change", "Share", "Rank")

TOOL_TAB_COLUMNS: dict[str, tuple[str, ...]] = {
    COMMISSION_LINES: COMMISSION_LINE_COLUMNS,
    GMV_BY_CREATOR: ("Period start", "Creator", "Name", "Tier", *GMV_MEASURE_COLUMNS, *PERIOD_CHANGE_COLUMNS),
    GMV_BY_CAMPAIGN: ("Campaign", "Name", "Brand", "Start", "End", "Status", *GMV_MEASURE_COLUMNS, "Target GMV",
                      "Progress"),
    GMV_BY_PRODUCT: ("Period start", "Product ID", "Product", *GMV_MEASURE_COLUMNS, *PERIOD_CHANGE_COLUMNS),
    GMV_BY_PERIOD: ("Period start", "Period end", "In progress", *GMV_MEASURE_COLUMNS),
    WEEKLY_REPORT: ("Metric", "This week", "Previous week", "Change"),
    MONTHLY_REPORT: ("Metric", "This month", "Previous month", "Change"),
    QBR: ("Metric", "This quarter", "Previous quarter", "Change"),
    PAYOUT_EXPORT: ("Recipient", "Amount", "Currency", "Customer ID", "Note", "Wallet"),
    ISSUES: ISSUE_COLUMNS,
    RUN_LOG: RUN_LOG_COLUMNS,
}
"""Header rows a fresh template shows on the tool tabs other than Payouts (which has its
``TabSpec``) and Ledger (the tool's own). The engine rewrites these tabs on every run;
what it writes wins, so keep these in step with the code that builds each tab."""

TOOL_TAB_HELP: dict[str, str] = {
    PAYOUTS.name: "One row per creator and closed period. Set Status to Approved, then Paid.",
    COMMISSION_LINES: "Every paid item (order line, video, bonus, retainer, adjustment, correction).",
    GMV_BY_CREATOR: "Sales per creator: the last closed period against the one before.",
    GMV_BY_CAMPAIGN: "Sales per campaign over its whole run, against its Target GMV.",
    GMV_BY_PRODUCT: "Sales per product: the last closed period against the one before.",
    GMV_BY_PERIOD: "Sales per week (or month) from the first order to today.",
    WEEKLY_REPORT: "A client-ready summary of the last closed week, with a chart.",
    MONTHLY_REPORT: "A client-ready summary of the last closed month, with a chart.",
    QBR: "A quarterly business review: the last closed quarter against the one before.",
    PAYOUT_EXPORT: "Approved, unpaid payouts laid out for a PayPal Payouts upload.",
    ISSUES: "Every problem found, with a link to the cell and how to fix it.",
    RUN_LOG: "One row per run: when, what started it, the result.",
    LEDGER: "Hidden. What locked payouts contained. Never edit it.",
}
"""One plain sentence per tool tab, for the ``Start Here`` tab."""

EMPTY_NOTES: dict[str, str] = {
    PAYOUTS.name: ("No payouts yet. A row appears here for each creator once a week (or month) has closed and "
                   "their settled order lines, videos or retainers earn something; see the Issues tab if you expected one."),
    COMMISSION_LINES: ("No commission lines yet. Each paid item of every payout appears here once a period has closed "
                       "and a rule pays it."),
    GMV_BY_CREATOR: "No sales to show yet: this fills in once a week (or month) with settled orders has closed.",
    GMV_BY_CAMPAIGN: "No sales to show yet: this fills in once a week (or month) with settled orders has closed.",
    GMV_BY_PRODUCT: "No sales to show yet: this fills in once a week (or month) with settled orders has closed.",
    GMV_BY_PERIOD: "No sales to show yet: this fills in once a week (or month) with settled orders has closed.",
    ISSUES: "No issues: every row SheetOps checked is fine.",
}
"""What a tool tab says in its first row when it has nothing to show (issue #15). The row is
written under the header and skipped wherever the tool reads the tab back (``is_empty_note``).
The hidden Ledger (the tool's own record) is never given one."""


def is_empty_note(row: Sequence[object]) -> bool:
    """True for the one-line "nothing to show" row of a tool tab (``EMPTY_NOTES``)."""
    return bool(row) and isinstance(row[0], str) and row[0] in _NOTE_TEXTS and all(_blank(v) for v in row[1:])


def _blank(value: object) -> bool:
    """An empty cell as read back (None, ""), or a missing value of a frame (NaN, NA, NaT)."""
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    if isinstance(value, float):
        return value != value
    return type(value).__name__ in ("NAType", "NaTType")


_NOTE_TEXTS = frozenset(EMPTY_NOTES.values())

TOOL_TABS: tuple[str, ...] = (
    PAYOUTS.name, COMMISSION_LINES, GMV_BY_CREATOR, GMV_BY_CAMPAIGN, GMV_BY_PRODUCT,
    GMV_BY_PERIOD, WEEKLY_REPORT, MONTHLY_REPORT, QBR, PAYOUT_EXPORT, ISSUES, RUN_LOG, LEDGER,
)

ALL_TABS: dict[str, TabSpec] = {t.name: t for t in (*EDITED_TABS, PAYOUTS)}
