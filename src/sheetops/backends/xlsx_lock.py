"""The run lock of an ``.xlsx`` file, the "is it open in Excel?" check, and the atomic swap.

- Lock: ``.~sheetops-<file name>.lock`` beside the workbook, created with O_CREAT|O_EXCL,
  holding pid, host, start time and a token. It is stale (and taken over) when its process
  is gone on this host, or when it is older than ``STALE_AFTER`` seconds.
- Open elsewhere: Excel keeps an owner file ``~$<name>`` beside a workbook it has open
  (``~$`` replaces the first two letters of long names) and LibreOffice a ``.~lock.<name>#``;
  writing the file then would be lost when that program saves, so the tool refuses.
- Swap: the new file is written beside the original under a temporary name and moved over
  it with ``os.replace`` only once complete; on any error the temporary file is removed and
  the original is untouched.
"""

from __future__ import annotations

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

STALE_AFTER = 30 * 60


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
    if age > STALE_AFTER:
        return None
    pid = info.get("pid")
    if info.get("host") == socket.gethostname() and isinstance(pid, int) and not _pid_alive(pid):
        return None
    return info


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


@contextmanager
def run_lock(path: Path) -> Iterator[str]:
    """Hold the run lock of ``path``; yields this holder's token."""
    lock = lock_path(path)
    token = uuid.uuid4().hex
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
            lock.unlink(missing_ok=True)  # stale: its process is gone or it is too old
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
    try:
        yield token
    finally:
        try:
            if json.loads(lock.read_text("utf-8")).get("token") == token:
                lock.unlink()
        except (OSError, ValueError):
            pass


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temp_path)`` for a temporary file beside ``path``, then swap it in."""
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
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
