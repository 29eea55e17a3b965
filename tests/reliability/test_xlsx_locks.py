"""Locks that heal and no litter on .xlsx and live Excel (issue #17, points 1 and 5).

A run killed with SIGKILL in the middle of writing leaves its lock file and a half-written
temporary file; the next run of the same workbook takes the lock over (with a note in the
Run Log) and removes the temporary file."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import sheetops
from sheetops.backends import xlsx_lock
from sheetops.backends.excel_live import LOCK_NAME, ExcelLiveWorkbook
from sheetops.backends.xlsx import XlsxWorkbook
from sheetops.errors import RefreshRunning
from sheetops.testing import fake_xlwings as fake

from .test_late_edits import AS_OF, _xlsx

SRC = Path(sheetops.__file__).resolve().parents[1]


def _run_log(path: Path) -> list[dict[str, object]]:
    grid = XlsxWorkbook(path).read(["Run Log"])["Run Log"]
    return [dict(zip(grid[0], r)) for r in grid[1:]]


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_run_killed_mid_write_leaves_nothing_the_next_run_does_not_heal(tmp_path: Path) -> None:
    path = _xlsx(tmp_path)
    killer = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(SRC)!r})
        from pathlib import Path
        from sheetops.backends.xlsx_lock import atomic_write, run_lock
        path = Path({str(path)!r})
        def write(temp):
            temp.write_bytes(b"PK" + b"x" * 1_000_000)   # half a workbook
            os.kill(os.getpid(), signal.SIGKILL)
        with run_lock(path):
            atomic_write(path, write)
    """)
    done = subprocess.run([sys.executable, "-c", killer], capture_output=True)
    assert done.returncode == -9
    temps = list(tmp_path.glob(".~sheetops-program.xlsx.*.tmp"))
    assert len(temps) == 1 and xlsx_lock.lock_path(path).exists(), "the killed run left its litter"
    _age(temps[0], 120)  # nothing wrote to it for two minutes
    in_use = tmp_path / ".~sheetops-program.xlsx.other.tmp"
    in_use.write_bytes(b"being written")  # fresh: possibly another program's, left alone
    before = path.read_bytes()
    result = sheetops.refresh(path, as_of=AS_OF)
    assert result.result == "ok" and path.read_bytes() != before
    assert not temps[0].exists() and in_use.exists()
    assert not xlsx_lock.lock_path(path).exists()
    assert "took the lock over" in str(_run_log(path)[-1]["Notes"])


def _lock_record(path: Path, *, host: str, pid: int) -> Path:
    lock = xlsx_lock.lock_path(path)
    lock.write_text(json.dumps({"pid": pid, "host": host, "token": "theirs", "started": "2026-11-18 09:00:00"}))
    return lock


def test_a_lock_from_another_computer_is_kept_while_it_beats_and_taken_over_after_a_minute(tmp_path: Path) -> None:
    path = _xlsx(tmp_path)
    lock = _lock_record(path, host="other-laptop", pid=1)
    with pytest.raises(RefreshRunning, match="other-laptop"):
        sheetops.refresh(path, as_of=AS_OF)
    _age(lock, xlsx_lock.STALE_AFTER + 5)
    sheetops.refresh(path, as_of=AS_OF)
    assert "other-laptop" in str(_run_log(path)[-1]["Notes"])


def test_the_heartbeat_keeps_the_lock_file_fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _xlsx(tmp_path)
    monkeypatch.setattr(xlsx_lock, "HEARTBEAT_EVERY", 0.05)
    with xlsx_lock.run_lock(path):
        lock = xlsx_lock.lock_path(path)
        _age(lock, 3600)
        time.sleep(0.3)
        assert time.time() - lock.stat().st_mtime < 5, "the heartbeat touched the lock"
    assert not lock.exists()


def test_a_release_that_fails_is_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _xlsx(tmp_path)
    real, calls = Path.unlink, []

    def flaky(self: Path, missing_ok: bool = False) -> None:
        if self.name.endswith(".lock") and not calls:
            calls.append(self)
            raise PermissionError("held by a virus scanner")
        real(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", flaky)
    with xlsx_lock.run_lock(path):
        pass
    assert calls and not xlsx_lock.lock_path(path).exists()


def test_live_excel_takes_over_a_dead_runs_marker_with_a_note() -> None:
    book = fake.Book(name="live.xlsx", tabs={"Settings": []})
    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=90)
    book.names.add(LOCK_NAME, f'="4242|other-pc|{old.isoformat(timespec="seconds")}"')  # no beat for 90 s
    with ExcelLiveWorkbook(book).lock() as note:
        assert note and "took it over" in note and "other-pc" in note
    dead = 2**22 + 12345  # above the default Linux pid_max: no such process here
    book.names.add(LOCK_NAME, f'="{dead}|{socket.gethostname()}|{dt.datetime.now(dt.timezone.utc).isoformat()}"')
    with ExcelLiveWorkbook(book).lock() as note:
        assert note and str(dead) in note
    fresh = dt.datetime.now(dt.timezone.utc)
    book.names.add(LOCK_NAME, f'="4242|other-pc|{fresh.isoformat(timespec="seconds")}"')
    with pytest.raises(RefreshRunning):
        with ExcelLiveWorkbook(book).lock():
            pass
