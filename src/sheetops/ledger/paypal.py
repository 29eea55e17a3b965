"""Approved, unpaid payouts in the layout of a PayPal Payouts upload.

Columns, with no header row (PayPal's CSV format): Recipient (the creator's Payout account,
else Email), Amount, Currency, Customer ID (a stable id of the payout: at most 30
characters, no spaces), Note (the creator and the period), Wallet (``PAYPAL``).

``export_frame`` is pure and feeds the ``Payout Export`` tab on every refresh;
``refresh.export_payouts`` writes it as the CSV files of ``sheetops export-payouts``:
one currency per file, at most 5,000 rows per file (more go to ``FILE-2.csv``, ...). Only
payouts that are locked and ``Approved`` are exported; ``Paid`` ones never again.
Payout account values are sensitive: they go into the files and the tab, never into
messages or logs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import pandas as pd

from ..workbook import schema
from ..backends.base import Column, TabWrite
from ..workbook.issues import IssueLog, Severity

EXPORT_COLUMNS = ["Recipient", "Amount", "Currency", "Customer ID", "Note", "Wallet"]
MAX_ROWS = 5000
WALLET = "PAYPAL"


@dataclass(frozen=True)
class Payee:
    """Where a creator is paid: ``recipient`` is the Payout account, else the Email."""

    recipient: str
    method: str = ""


def payees(creators: pd.DataFrame) -> dict[str, Payee]:
    """Creator key -> Payee, from the valid rows of the Creators tab."""
    out: dict[str, Payee] = {}
    if creators.empty or "_creator" not in creators:
        return out

    def col(name: str) -> list[str]:
        if name not in creators:
            return [""] * len(creators)
        return ["" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v).strip() for v in creators[name]]

    for key, account, email, method in zip(creators["_creator"], col("Payout account"), col("Email"), col("Payout method")):
        out[str(key)] = Payee(account or email, method)
    return out


def customer_id(payout_id: str) -> str:
    """A stable PayPal ``sender_item_id`` for a payout: date, handle (cut), short hash; <= 30 chars.

    >>> customer_id("2026-11-09/glowwithmia")
    '20261109-glowwithmia-b7f799'
    """
    start, _, handle = payout_id.partition("/")
    digest = hashlib.sha256(payout_id.encode()).hexdigest()[:6]
    day = re.sub(r"[^0-9]", "", start)[:8]
    handle = re.sub(r"[^A-Za-z0-9_.]", "", handle)[:12]
    return "-".join(p for p in (day, handle, digest) if p)


def export_frame(payouts: pd.DataFrame, recipients: dict[str, Payee], *, log: IssueLog | None = None,
                 locked: set[str] | None = None) -> pd.DataFrame:
    """The rows of the Payout Export tab: locked payouts whose Status is Approved and Total above 0."""
    rows = []
    locked = locked or set()
    for p in payouts.to_dict("records"):
        pid = str(p["Payout ID"])
        if p["Status"] != "Approved" or pid not in locked:
            continue
        creator = pid.partition("/")[2]
        total = p["Total"]
        if total is None or pd.isna(total) or int(total) <= 0:
            _note(log, "Info", pid, f"Approved payout {pid} has a Total of 0 or less, so there is nothing to send.",
                  "Nothing to do; a negative Total is what the creator owes back.")
            continue
        payee = recipients.get(creator, Payee(""))
        if payee.method and payee.method.casefold() != "paypal":
            _note(log, "Info", pid, f"Approved payout {pid} is paid by {payee.method}, so it is not in Payout Export.",
                  "Pay it by that method, then set its Status to Paid.")
            continue
        if not payee.recipient:
            _note(log, "Warning", pid, f"Approved payout {pid} is not in Payout Export: {p['Creator']} has no "
                  "Payout account or Email.", "Type the creator's PayPal email in Payout account on the Creators "
                  "tab, then refresh.")
            continue
        rows.append({"Recipient": payee.recipient, "Amount": int(total), "Currency": p["Currency"],
                     "Customer ID": customer_id(pid), "Wallet": WALLET,
                     "Note": f"Creator payout for {p['Creator']}, {_day(p['Period start'])} to {_day(p['Period end'])}"})
    frame = pd.DataFrame(rows, columns=EXPORT_COLUMNS)
    frame["Amount"] = frame["Amount"].astype("Int64")
    return frame


def _day(value: object) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _note(log: IssueLog | None, severity: Severity, pid: str, problem: str, fix: str) -> None:
    if log is not None:
        log.add(severity, schema.PAYOUTS.name, None, "Status", pid, problem, fix)


NOTHING_TO_EXPORT = ("Nothing to pay yet: approved, unpaid payouts appear here. Set a payout's Status to Approved "
                     "on the Payouts tab and run SheetOps; then File > Save as CSV gives PayPal's upload file "
                     "(or run: sheetops export-payouts).")


def export_tab(frame: pd.DataFrame) -> TabWrite:
    """The Payout Export tab: no header row, so File > Save as CSV gives PayPal's upload file.
    Amounts are plain ``0.00`` (no thousands separator, which PayPal refuses); ids are text.
    With nothing to export, one line says why and what to do."""
    columns = [Column(c, "amount" if c == "Amount" else "text", 34 if c in ("Recipient", "Note") else 16)
               for c in EXPORT_COLUMNS]
    frame = frame.copy()
    if frame.empty:
        frame = pd.DataFrame([[NOTHING_TO_EXPORT, None, None, None, None, None]], columns=EXPORT_COLUMNS)
        frame["Amount"] = pd.array([None], dtype="Int64")
    for c in EXPORT_COLUMNS:
        if c != "Amount":
            frame[c] = frame[c].astype(object)
    return TabWrite(schema.PAYOUT_EXPORT, columns, frame.reset_index(drop=True), header=False)
