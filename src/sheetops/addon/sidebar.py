"""The sidebar's cards, from what the sheet holds (``sheets.SheetState``) or a run's result.

Every card is built from plain words and numbers; nothing here reads or writes Google.
"""

from __future__ import annotations

import datetime as dt
import re

from ..backends.base import RawCell, money_text
from ..refresh import RunResult
from ..workbook.cells import parse_datetime
from .cards import Card, button, buttons, card, fact, link, section, text
from .sheets import SheetState, WeekDrafts, cents, status

ISSUES_SHOWN = 5
_CELL = re.compile(r"^'?(?P<tab>.+?)'?!\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+)$")


def money(amount_cents: int) -> str:
    return money_text(amount_cents, grouped=True)


def when(raw: RawCell) -> str:
    value = parse_datetime(raw).value if raw not in (None, "") else None
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(raw or "")


def _menu(endpoint: str) -> dict[str, object]:
    return section(buttons(button("Refresh now", endpoint, "refresh"),
                           button("Dry run (what would change)", endpoint, "dry_run"),
                           button("Show issues", endpoint, "issues"),
                           button("Approve last week's drafts", endpoint, "approve_week")))


def home_card(state: SheetState, title: str, endpoint: str) -> Card:
    """Last run, payouts by status, and the four buttons."""
    run = state.last_run
    progress = []
    if state.running_since is not None:
        progress.append(text(f"A refresh is running (started {state.running_since:%H:%M} UTC). Open the "
                             "sidebar again in a minute to see its result."))
    if run is None:
        last = [text("SheetOps has not refreshed this sheet yet. Click Refresh now.")]
    else:
        last = [fact("Last run", f"{when(run.get('Started'))}: {run.get('Result') or '?'}",
                     bottom=f"started by {run.get('Trigger') or '?'}"),
                fact("Errors and warnings", f"{run.get('Errors') or 0} errors, {run.get('Warnings') or 0} warnings")]
    counts: dict[str, list[int]] = {}
    for _, row in state.payouts:
        counts.setdefault(status(row).lower(), []).append(cents(row.get("Total")))
    draft, below, held = counts.get("draft", []), counts.get("below minimum", []), counts.get("on hold", [])
    done = counts.get("approved", []) + counts.get("paid", [])
    pay = [fact("Draft", f"{len(draft)} ready to approve, total {money(sum(draft))}"),
           fact("Below minimum", f"{len(below)} (carried to a later week)"),
           fact("On hold", f"{len(held)}, total {money(sum(held))}", bottom="fix their Errors in the Issues tab"),
           fact("Approved or paid", str(len(done)))]
    return card("SheetOps", section(*progress, *last, header="Last run"), section(*pay, header="Payouts"),
                _menu(endpoint), subtitle=title, name="home")


def cell_url(spreadsheet_id: str, state: SheetState, cell: str) -> str | None:
    """A link that opens the spreadsheet at ``cell`` (``Orders!E72``)."""
    m = _CELL.match(cell.strip())
    if not m:
        return None
    gid = state.sheet_ids.get(m["tab"])
    if gid is None:
        return None
    return f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}/edit#gid={gid}&range={m['col']}{m['row']}"


def issues_card(state: SheetState, spreadsheet_id: str, endpoint: str) -> Card:
    """The first few issues, each a link to its cell."""
    widgets = []
    for issue in state.issues[:ISSUES_SHOWN]:
        where = str(issue.get("Cell") or issue.get("Tab") or "")
        label = f"{issue.get('Severity') or 'Issue'} at {where}"
        words = str(issue.get("Problem") or "")
        url = cell_url(spreadsheet_id, state, where)
        widgets.append(link(label, words, url) if url else fact(label, words))
    if not widgets:
        widgets.append(text("No issues: every row was read without a problem."))
    more = len(state.issues) - ISSUES_SHOWN
    if more > 0:
        widgets.append(text(f"And {more} more in the Issues tab."))
    return card("Issues", section(*widgets), section(buttons(button("Back", endpoint, "home"))), name="issues")


def result_lines(result: RunResult) -> list[str]:
    i = result.issues
    verb = "Checked (dry run, nothing written)" if result.dry_run else "Refreshed"
    lines = [f"{verb} as of {result.as_of.isoformat()} in {result.seconds:.1f} s: {i['error']} errors, "
             f"{i['warning']} warnings, {i['info']} notes.", result.payouts_sentence()]
    if result.unchanged:
        lines.insert(1, "Nothing changed since the last refresh, so the tool tabs were left as they were.")
    if result.not_paid_sentence():
        lines.append(result.not_paid_sentence())
    if result.dry_run and result.changes:
        lines.append("Would write: " + ", ".join(f"{k} ({v.get('rows_after', '?')} rows)"
                                                 for k, v in result.changes.items()) + ".")
        payouts = next((v for v in result.changes.values() if "new_payouts" in v), None)
        if payouts:
            lines.append(f"Payouts: {payouts['new_payouts']} new rows, {payouts['changed_totals']} with a "
                         "different Total.")
    if result.message:
        lines.append(result.message)
    return lines


def result_card(result: RunResult, endpoint: str) -> Card:
    title = "Dry run" if result.dry_run else "Refreshed"
    return card(title, section(*[text(line) for line in result_lines(result)]),
                section(buttons(button("Back", endpoint, "home"))), name="result")


def started_card(rows: int, endpoint: str) -> Card:
    return card("Refresh started", section(
        text(f"Refresh started. This sheet has about {rows:,} rows, more than the sidebar can refresh while you "
             "wait, so it runs in the background; it usually takes a minute or two."),
        text("Open the sidebar again to see its progress and its result."),
        buttons(button("Back", endpoint, "home"))), name="started")


def too_big_card(rows: int, limit: int, endpoint: str) -> Card:
    return card("Too large for the sidebar", section(
        text(f"This sheet has about {rows:,} rows; the sidebar refreshes sheets of up to {limit:,} rows while you "
             "wait. Ask whoever runs SheetOps to add this sheet to the scheduled refresh, then Refresh now runs "
             "it in the background."),
        buttons(button("Back", endpoint, "home"))), name="too-big")


def _held_note(week: WeekDrafts) -> list[dict[str, object]]:
    if not week.on_hold:
        return []
    names = ", ".join("@" + n.lstrip("@") for n in week.on_hold)
    return [text(f"Not approved: {names} {'is' if len(week.on_hold) == 1 else 'are'} On hold (their rows have "
                 "Errors, so their payouts are not Drafts). Fix their Errors in the Issues tab and refresh first.")]


def confirm_card(week: WeekDrafts, email: str, endpoint: str) -> Card:
    if not week.rows:
        what = (f"the week starting {week.period_start:%Y-%m-%d}" if week.period_start else "any week")
        return card("Approve last week's drafts", section(text(f"There are no Draft payouts for {what}."),
                                                          *_held_note(week),
                                                          buttons(button("Back", endpoint, "home"))), name="confirm")
    n = len(week.rows)
    return card("Approve last week's drafts", section(
        text(f"Approve {n} draft payout{'s' if n != 1 else ''} of the week starting {week.period_start:%Y-%m-%d}, "
             f"total {money(week.total_cents)}?"),
        text(f"Each gets Status Approved and {email} in Approved by; the next refresh locks them."),
        *_held_note(week),
        buttons(button(f"Approve {n} payout{'s' if n != 1 else ''}", endpoint, "approve_confirm", shown=week.token),
                button("Cancel", endpoint, "home"))), name="confirm")


def approved_card(week: WeekDrafts, email: str, endpoint: str) -> Card:
    n = len(week.rows)
    return card("Approved", section(
        text(f"Approved {n} payout{'s' if n != 1 else ''} of the week starting {week.period_start:%Y-%m-%d} "
             f"(total {money(week.total_cents)}) as {email}. The next refresh locks them."),
        *_held_note(week), buttons(button("Back", endpoint, "home"))), name="approved")


def not_sheetops_card(title: str, endpoint: str) -> Card:
    return card("SheetOps", section(
        text("This spreadsheet is not a SheetOps workbook yet. Add the SheetOps tabs (Start Here, Settings, "
             "Creators, Orders and the rest) to it, then fill in Settings and Creators."),
        buttons(button("Add the SheetOps tabs", endpoint, "add_tabs"))), subtitle=title, name="not-sheetops")


def grant_card(endpoint: str) -> Card:
    return card("SheetOps", section(
        text("SheetOps needs your permission to open this spreadsheet (only this one: it never sees your other "
             "files)."),
        buttons(button("Give SheetOps access to this spreadsheet", endpoint, "grant"))), name="grant")
