"""``refresh_scheduled`` served by functions-framework: Pub/Sub CloudEvents (binary and
structured mode) refresh sheets; a broken sheet does not stop the others; one log line each."""

from __future__ import annotations

from sheetops.testing.sheets_server import SheetsServer

from .conftest import Book, Function, example, lines_for, send_event


def test_a_batch_with_broken_sheets_still_refreshes_the_others(scheduled_fn: Function, sheets: SheetsServer,
                                                               book: Book) -> None:
    names = [book["sched_a"], book["missing"], book["broken"], book.outsider, "not a sheet!",
             f"https://docs.google.com/spreadsheets/d/{book['sched_b']}/edit"]
    reply = send_event(scheduled_fn, {"spreadsheets": names, "as_of": example()["as_of"]})
    assert reply.status_code == 200, reply.text
    for ok in ("sched_a", "sched_b"):
        assert sheets.cells(book[ok], "Payouts")[0][0] == "Payout ID"
        [line] = lines_for(scheduled_fn, book[ok])
        assert line["severity"] == "WARNING" and line["result"] == "errors" and line["trigger"] == "schedule"
        assert line["issues"]["error"] == 2 and set(line["issues"]) == {"error", "warning", "info"}
        assert set(line["payouts"]) >= {"draft", "below_minimum", "on_hold", "locked", "draft_total"}
        assert isinstance(line["seconds"], float) and line["message"].startswith("Refreshed")
        assert [r[2] for r in sheets.cells(book[ok], "Run Log")[1:]] == ["schedule"]
    expected = {book["missing"]: ("WorkbookNotFound", 404), book["broken"]: ("NotASheetOpsWorkbook", 422),
                book.outsider: ("NotAllowed", 403), "not a sheet!": ("BadArguments", 400)}
    for sid, (kind, status) in expected.items():
        [line] = lines_for(scheduled_fn, sid)
        assert (line["error"], line["status"], line["result"]) == (kind, status, "failed")
        assert line["severity"] in ("WARNING", "ERROR") and line["message"]
    assert "Payouts" not in [s["properties"]["title"] for s in sheets.store.get(book.outsider, {})["sheets"]]


def test_structured_mode_event_with_one_spreadsheet(scheduled_fn: Function, sheets: SheetsServer,
                                                    book: Book) -> None:
    reply = send_event(scheduled_fn, {"spreadsheet": book["structured"], "dry_run": True}, structured=True)
    assert reply.status_code == 200, reply.text
    [line] = lines_for(scheduled_fn, book["structured"])
    assert line["dry_run"] is True and line["message"].startswith("Checked (dry run)")
    assert "Payouts" not in [s["properties"]["title"] for s in sheets.store.get(book["structured"], {})["sheets"]]


def test_malformed_messages_are_logged_and_acknowledged(scheduled_fn: Function) -> None:
    for payload, says in [(b"not json", "JSON"), ({"spreadsheets": []}, "non-empty list"),
                          ({"spreadsheet": "a", "spreadsheets": ["b"]}, "exactly one"),
                          ({"sheet": "a"}, "Unknown field")]:
        before = len(scheduled_fn.log_lines())
        reply = send_event(scheduled_fn, payload)
        assert reply.status_code == 200  # acknowledged: delivering it again would not help
        [line] = scheduled_fn.log_lines()[before:]
        assert line["severity"] == "ERROR" and says in line["message"] and line["result"] == "refused"
