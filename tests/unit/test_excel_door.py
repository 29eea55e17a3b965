"""The ribbon button's door: one short message in Excel, whatever happens."""

from __future__ import annotations

import datetime as dt
import io
import sys
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sheetops.excel import button as excel
from sheetops.backends.base import Column, TabWrite, WritePlan
from sheetops.backends.excel_live import ExcelLiveWorkbook
from sheetops.errors import RefreshRunning
from sheetops.refresh import RunResult
from sheetops.workbook.schema import ALL_TABS
from sheetops.testing import fake_xlwings as fake

AS_OF = dt.date(2026, 11, 18)


def _book() -> fake.Book:
    return fake.Book("Program.xlsx", tabs={"Settings": [["Setting", "Value"], ["As of", "2026-11-18"]]})


def _result(**kw: Any) -> RunResult:
    return RunResult(workbook="Program.xlsx", as_of=AS_OF, **kw)


def _alert(book: fake.Book) -> dict[str, Any]:
    assert len(book.app._alerts) == 1, "exactly one message box"
    return book.app._alerts[0]


def test_success_names_counts_and_payouts(tmp_path: Path) -> None:
    book = _book()
    seen: dict[str, Any] = {}

    def refresh(workbook: Any, *, trigger: str) -> RunResult:
        seen.update(workbook=workbook, trigger=trigger)
        return _result(payouts={"draft": 3, "below_minimum": 1, "on_hold": 0, "locked": 2}, draft_total_cents=123450)

    message = excel.run(book, refresh=refresh, log_path=tmp_path / "x.log")
    assert isinstance(seen["workbook"], ExcelLiveWorkbook) and seen["workbook"].book is book
    assert seen["trigger"] == "excel"
    assert message == ("SheetOps is done for 2026-11-18: no errors, no warnings; 3 payouts ready "
                       "(total 1234.50). Save the workbook to keep the results.")
    alert = _alert(book)
    assert alert == {"prompt": message, "title": "SheetOps", "buttons": "ok", "mode": "info"}
    assert book.app._status[1] == "SheetOps is running..." and book.app.status_bar is False


def test_errors_and_warnings_point_to_the_issues_tab(tmp_path: Path) -> None:
    book = _book()
    result = _result(result="errors", issues={"error": 2, "warning": 1, "info": 4}, payouts={"draft": 1, "below_minimum": 0, "on_hold": 0, "locked": 0}, draft_total_cents=500)
    message = excel.run(book, refresh=lambda wb, trigger: result, log_path=tmp_path / "x.log")
    assert message.startswith("SheetOps is done for 2026-11-18: 2 errors, 1 warning; 1 payout ready (total 5.00).")
    assert "See the Issues tab" in message
    assert _alert(book)["mode"] == "critical"


def test_a_sheetops_error_shows_its_own_sentence(tmp_path: Path) -> None:
    book = _book()
    sentence = "Another refresh of Program.xlsx is running; wait for it to finish, then click Run again."

    def refresh(workbook: Any, *, trigger: str) -> RunResult:
        raise RefreshRunning(sentence)

    assert excel.run(book, refresh=refresh, log_path=tmp_path / "x.log") == sentence
    assert _alert(book)["prompt"] == sentence and _alert(book)["mode"] == "critical"


def test_an_unexpected_error_is_one_line_without_traceback_and_logged(tmp_path: Path) -> None:
    book = _book()
    log = tmp_path / "logs" / "excel.log"

    def refresh(workbook: Any, *, trigger: str) -> RunResult:
        return {}["Creator"]

    message = excel.run(book, refresh=refresh, log_path=log)
    assert message == f"SheetOps could not finish: 'Creator'; nothing was written. Details are in {log}."
    prompt = _alert(book)["prompt"]
    assert "Traceback" not in prompt and "\n" not in prompt and 'File "' not in prompt
    assert "Traceback" in log.read_text() and "KeyError" in log.read_text()
    assert book.app.status_bar is False


def test_an_unexpected_error_after_writing_says_how_to_undo(tmp_path: Path) -> None:
    book = _book()

    def refresh(workbook: Any, *, trigger: str) -> RunResult:
        workbook.apply(WritePlan(tabs=[TabWrite("Issues", [Column("Problem")], pd.DataFrame({"Problem": ["x"]}))]))
        raise RuntimeError("boom\nsecond line")

    message = excel.run(book, refresh=refresh, log_path=tmp_path / "x.log")
    assert message.startswith("SheetOps could not finish: boom second line; some tabs may already be updated")
    assert "without saving" in message


def test_when_no_box_can_be_shown_the_status_bar_says_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = _book()

    def broken_alert(*args: Any, **kwargs: Any) -> str:
        raise fake.ComError("no window")

    monkeypatch.setattr(book.app, "alert", broken_alert)
    message = excel.run(book, refresh=lambda wb, trigger: _result(), log_path=tmp_path / "x.log")
    assert book.app.status_bar == message


def test_main_outside_excel_prints_one_sentence_and_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETOPS_EXCEL_LOG", str(tmp_path / "excel.log"))
    monkeypatch.setattr(sys, "argv", ["python"])
    err = io.StringIO()
    with redirect_stderr(err), pytest.raises(SystemExit) as stop:
        excel.main()
    assert stop.value.code == 1
    text = err.getvalue().strip()
    assert text.startswith("SheetOps could not reach the workbook in Excel") and "\n" not in text
    assert "Traceback" in (tmp_path / "excel.log").read_text()


def test_importing_the_door_does_not_import_xlwings_or_the_engine() -> None:
    import subprocess

    code = "import sheetops.excel, sys; print('xlwings' in sys.modules, 'sheetops.compute' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(Path(excel.__file__).parents[1])}).stdout
    assert out.split() == ["False", "False"]


def test_the_real_refresh_runs_through_the_button() -> None:
    tabs = {name: [[c.name for c in spec.columns]] for name, spec in ALL_TABS.items() if name != "Payouts"}
    tabs["Settings"] = [["Setting", "Value"], ["Currency", "USD"], ["As of", "2026-11-18"]]
    book = fake.Book("Program.xlsx", tabs=tabs)
    message = excel.run(book)
    assert message.startswith("SheetOps is done for 2026-11-18"), message
    assert "Issues" in book.sheets and "Run Log" in book.sheets
