"""A heartbeat: something a running refresh does every few seconds so that its run lock
stays fresh, and goes stale within a minute once the run has died."""

from __future__ import annotations

import threading
from typing import Callable


class Heartbeat:
    """Calls ``beat`` every ``every`` seconds in a daemon thread until stopped (errors ignored:
    a missed beat only makes the lock go stale sooner)."""

    def __init__(self, beat: Callable[[], None], every: float) -> None:
        self._beat, self._every = beat, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sheetops-heartbeat", daemon=True)

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                self._beat()
            except Exception:
                pass
