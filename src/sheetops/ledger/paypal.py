"""Approved, unpaid payouts in the layout of a PayPal Payouts upload.

Columns, with no header row (PayPal's CSV format): Recipient (the creator's Payout account,
else Email), Amount, Currency, Customer ID (a stable id of the payout: at most 30
characters, no spaces), Note (the creator and the period), Wallet (``PAYPAL``).

``export_frame`` is pure and feeds the ``Payout Export`` tab on every refresh;
``export_payouts`` reads a workbook and writes the CSV files for ``sheetops export-payouts``:
one currency per file, at most 5,000 rows per file (more go to ``FILE-2.csv``, ...). Only
payouts that are locked and ``Approved`` are exported; ``Paid`` ones never again.
Payout account values are sensitive: they go into the files and the tab, never into
messages or logs.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import schema
from .backends.base import Column, ColumnKind, TabWrite, Workbook, money_text
from .issues import IssueLog, Severity

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


def export_tab(frame: pd.DataFrame) -> TabWrite:
    """The Payout Export tab: no header row, so File > Save as CSV gives PayPal's upload file."""
    kinds: dict[str, ColumnKind] = {"Amount": "money"}
    columns = [Column(c, kinds.get(c, "text"), 34 if c in ("Recipient", "Note") else 16) for c in EXPORT_COLUMNS]
    frame = frame.copy()
    for c in EXPORT_COLUMNS:
        if c != "Amount":
            frame[c] = frame[c].astype(object)
    return TabWrite(schema.PAYOUT_EXPORT, columns, frame.reset_index(drop=True), header=False)


def numbered(out: Path, n: int) -> Path:
    """``FILE.csv`` for the first file, ``FILE-2.csv``, ``FILE-3.csv`` ... after it."""
    return out if n == 1 else out.with_name(f"{out.stem}-{n}{out.suffix}")


def write_files(frame: pd.DataFrame, out: Path) -> list[str]:
    """Write the export rows as PayPal CSV files; returns one line per file written."""
    if frame.empty:
        return ["There are no approved, unpaid payouts to export; no file was written."]
    lines, n = [], 0
    for currency, group in sorted(frame.groupby("Currency", sort=False), key=lambda g: str(g[0])):
        for first in range(0, len(group), MAX_ROWS):
            chunk = group.iloc[first:first + MAX_ROWS]
            n += 1
            path = numbered(out, n)
            _write_csv(path, [[r["Recipient"], money_text(int(r["Amount"])), r["Currency"], r["Customer ID"], r["Note"],
                               r["Wallet"]] for r in chunk.to_dict("records")])
            total = money_text(int(chunk["Amount"].sum()))
            lines.append(f"Wrote {len(chunk)} payout{'s' if len(chunk) != 1 else ''} ({currency} {total}) to {path}.")
    stale = n + 1
    while numbered(out, stale).exists():
        numbered(out, stale).unlink()
        lines.append(f"Removed {numbered(out, stale)}, left from an earlier export, so nothing is paid twice.")
        stale += 1
    return lines


def _write_csv(path: Path, rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".payouts-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_payouts(workbook: "str | os.PathLike[str] | Workbook", out: Path) -> list[str]:
    """Read a workbook and write its approved, unpaid payouts as PayPal Payouts CSV files.

    Returns human lines saying what was written and which approved payouts were left out."""
    from .backends import open_workbook
    from .engine import compute, resolve_tabs
    from .errors import SheetOpsError

    backend = open_workbook(workbook)
    tabs = resolve_tabs(backend)
    read = backend.read(list(tabs.values()))
    done = compute({canon: read.get(actual) for canon, actual in tabs.items()}, None)
    if done.program.blocking or done.ledger.blocked:
        raise SheetOpsError(f"{backend.label} has problems that stop payouts; run 'sheetops run' and fix the "
                            "Errors in the Issues tab, then export again. No file was written.")
    lines = write_files(done.ledger.export, Path(out))
    left_out = [i.problem for i in done.log.issues if i.tab == schema.PAYOUTS.name and "Payout Export" in i.problem]
    return lines + left_out
