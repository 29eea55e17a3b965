"""The run lock of an ``.xlsx`` file, the "is it open in Excel?" check, and the atomic swap.

- Lock: ``.~sheetops-<file name>.lock`` beside the workbook, created with O_CREAT|O_EXCL,
  holding pid, host, start time and a token. While a run holds it, a heartbeat touches it
  every ``HEARTBEAT_EVERY`` seconds. It is stale (and taken over, with a sentence for the Run
  Log) when its process is gone on this host, when it comes from another computer sharing
  the folder and has had no heartbeat for ``STALE_AFTER`` seconds, or when it has had none
  for ``LIVE_STALE_AFTER`` seconds at all. Releasing
  is retried; a release that still fails leaves a lock that goes stale within a minute.
- Litter: temporary files of a killed run (``.~sheetops-<file name>.*.tmp``) are removed by
  the next run of the same workbook, once it holds the lock, when they are older than
  ``STALE_AFTER`` seconds (a file still being written is newer than that).
- Open elsewhere: Excel keeps an owner file ``~$<name>`` beside a workbook it has open
  (``~$`` replaces the first two letters of long names) and LibreOffice a ``.~lock.<name>#``;
  writing the file then would be lost when that program saves, so the tool refuses.
- Swap: the new file is written beside the original under a temporary name and moved over
  it with ``os.replace`` only once complete, and only if the original is still the file that
  was read (``expect``); on any error the temporary file is removed and the original is
  untouched.
"""

from __future__ import annotations

import glob
import json
import os
import socket
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ..errors import RefreshRunning, SheetOpsError
from .heartbeat import Heartbeat

STALE_AFTER = 60.0
"""Seconds without a heartbeat after which a lock (or a temporary file) is a dead run's."""
LIVE_STALE_AFTER = 10 * 60.0
"""Seconds without a heartbeat after which even a lock of a live process on this computer is
taken over (its heartbeat thread has been starved or stopped that long)."""
HEARTBEAT_EVERY = 15.0
RELEASE_ATTEMPTS = 3

FileIdentity = tuple[int, int, int]


class FileChanged(SheetOpsError):
    """The workbook file was replaced or saved by another program while SheetOps wrote it."""


def file_identity(path: Path) -> FileIdentity:
    """What tells one saved version of a file from the next: inode, size, modification time."""
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns


def lock_path(path: Path) -> Path:
    return path.with_name(f".~sheetops-{path.name}.lock")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _holder(lock: Path) -> dict[str, object] | None:
    """The live holder of a lock file, or None when there is none or it is stale."""
    try:
        info = json.loads(lock.read_text("utf-8") or "{}")
        age = time.time() - lock.stat().st_mtime
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        info, age = {}, 0.0
    pid = info.get("pid")
    if info.get("host") == socket.gethostname() and isinstance(pid, int):
        # here liveness is certain; age only guards against a process stuck for long
        return None if not _pid_alive(pid) or age > LIVE_STALE_AFTER else info
    return None if age > STALE_AFTER else info


def check_not_held(path: Path, token: str | None) -> None:
    """Raise ``RefreshRunning`` when someone other than ``token`` holds the lock."""
    info = _holder(lock_path(path))
    if info is not None and info.get("token") != token:
        raise RefreshRunning(_busy(path, info))


def _busy(path: Path, info: dict[str, object]) -> str:
    since = info.get("started", "")
    who = f" (process {info.get('pid')} on {info.get('host')}, since {since})" if info.get("pid") else ""
    return f"Another refresh of {path.name} is running{who}; wait for it to finish and run again."


def check_not_open(path: Path) -> None:
    """Refuse when Excel or LibreOffice has the workbook open (their lock file is beside it)."""
    name = path.name
    for owner in {f"~${name}", f"~${name[2:]}" if len(name) > 2 else f"~${name}"}:
        if (path.parent / owner).exists():
            raise RefreshRunning(
                f"{name} is open in Excel (its owner file {owner} is beside it); close the workbook in Excel "
                "and run again, or click the SheetOps button inside Excel instead."
            )
    if (path.parent / f".~lock.{name}#").exists():
        raise RefreshRunning(f"{name} is open in LibreOffice; close it there and run again.")


def _stale_note(path: Path, lock: Path) -> str:
    try:
        info = json.loads(lock.read_text("utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    who = f" (process {info.get('pid')} on {info.get('host')}, started {info.get('started')})" if info.get("pid") else ""
    return (f"A refresh of {path.name} that stopped without finishing{who} had left its run lock; "
            "this run took the lock over.")


def sweep_temp_files(path: Path, *, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove the temporary files a killed run of ``path`` left beside it (only those not
    written to for ``older_than`` seconds); returns the files removed."""
    removed = []
    now = time.time()
    for name in glob.glob(os.path.join(glob.escape(str(path.parent)), glob.escape(f".~sheetops-{path.name}.") + "*.tmp")):
        temp = Path(name)
        try:
            if now - temp.stat().st_mtime > older_than:
                temp.unlink()
                removed.append(temp)
        except OSError:  # in use, or removed meanwhile: leave it
            continue
    return removed


@contextmanager
def run_lock(path: Path) -> Iterator[tuple[str, str | None]]:
    """Hold the run lock of ``path``; yields this holder's token and, when it took over the
    stale lock of a dead run, a sentence saying so."""
    lock = lock_path(path)
    token = uuid.uuid4().hex
    note: str | None = None
    record = json.dumps({
        "pid": os.getpid(), "host": socket.gethostname(), "token": token,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    })
    for _ in range(3):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            info = _holder(lock)
            if info is not None:
                raise RefreshRunning(_busy(path, info)) from None
            note = _stale_note(path, lock)
            lock.unlink(missing_ok=True)  # stale: its process is gone or it has no heartbeat
            continue
        except OSError as exc:
            raise SheetOpsError(
                f"Cannot create the lock file beside {path.name} ({exc.strerror}); check that its folder is writable."
            ) from exc
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(record)
        break
    else:
        raise RefreshRunning(f"Another refresh of {path.name} keeps taking the lock; wait and run again.")
    def beat() -> None:
        if _token_of(lock) == token:
            os.utime(lock)

    try:
        sweep_temp_files(path)
        with Heartbeat(beat, HEARTBEAT_EVERY):
            yield token, note
    finally:
        _release(lock, token)


def _token_of(lock: Path) -> object:
    try:
        return json.loads(lock.read_text("utf-8")).get("token")
    except (OSError, ValueError, AttributeError):
        return None


def _release(lock: Path, token: str) -> None:
    """Remove our lock file (never another run's), retrying a refused removal a few times."""
    for attempt in range(RELEASE_ATTEMPTS):
        try:
            if _token_of(lock) == token:
                lock.unlink()
            return
        except FileNotFoundError:
            return
        except OSError:  # e.g. a virus scanner holds it on Windows
            time.sleep(0.2 * (attempt + 1))


def atomic_write(path: Path, write: Callable[[Path], None], *, expect: FileIdentity | None = None) -> None:
    """Call ``write(temp_path)`` for a temporary file beside ``path``, then swap it in;
    with ``expect``, only if ``path`` is still that version of the file (else ``FileChanged``)."""
    fd, name = tempfile.mkstemp(prefix=f".~sheetops-{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    temp = Path(name)
    try:
        write(temp)
        try:
            os.chmod(temp, path.stat().st_mode & 0o7777)
        except OSError:
            pass
        with open(temp, "rb+") as f:
            os.fsync(f.fileno())
        if expect is not None and file_identity(path) != expect:
            raise FileChanged(f"{path.name} was saved by another program while SheetOps wrote it.")
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
