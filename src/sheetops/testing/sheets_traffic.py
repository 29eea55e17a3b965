"""Traffic control for the local Sheets API server: faults on demand, request and byte
counters per kind, and Google's per-minute read/write quotas, per project and per user,
answered with 429 like Google's.

Quotas use a clock that tests can replace: ``SheetsServer(clock=SimulatedClock())`` and
``clock.advance(61)`` open a new minute without sleeping.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal[429, 500, 503, "drop", "lost", "slow"]
RequestKind = Literal["read", "write", "auth", "drive", "other"]
KINDS: tuple[RequestKind, ...] = ("read", "write", "auth", "drive", "other")


@dataclass
class Fault:
    """One planned fault: fires on the ``nth`` matching request from now, ``times`` times.

    ``method`` (e.g. ``"POST"``) and ``path`` (a regular expression searched in the URL
    path, e.g. ``":batchUpdate$"``) narrow which requests count; ``kind`` is one of the
    HTTP statuses 429/500/503, ``"drop"`` (close the connection without answering or
    applying anything), ``"lost"`` (apply the request, then close the connection without
    answering: the ambiguous failure) or ``"slow"`` (sleep ``seconds``, then answer).
    """

    kind: FaultKind
    nth: int = 1
    method: str | None = None
    path: str | None = None
    times: int = 1
    seconds: float = 0.0
    request_kind: RequestKind | None = None
    seen: int = 0
    fired: int = 0

    def matches(self, method: str, path: str, kind: RequestKind) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        if self.request_kind and self.request_kind != kind:
            return False
        return not self.path or re.search(self.path, path) is not None


@dataclass
class Counters:
    """Requests and bytes per kind of request (read, write, auth, drive, other)."""

    requests: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    bytes_in: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    bytes_out: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    faults_fired: int = 0
    quota_rejections: int = 0

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    def copy(self) -> Counters:
        return Counters(dict(self.requests), dict(self.bytes_in), dict(self.bytes_out),
                        self.faults_fired, self.quota_rejections)


class SimulatedClock:
    """A clock that only moves when told: ``clock.advance(61)`` (seconds)."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        with self._lock:
            self.now += seconds
            return self.now


@dataclass
class Quotas:
    """Requests allowed per 60-second window: Google's defaults for the Sheets API."""

    read_per_minute: int = 300
    write_per_minute: int = 300
    read_per_minute_per_user: int = 60
    write_per_minute_per_user: int = 60

    def limit(self, kind: str, per_user: bool) -> int:
        return int(getattr(self, f"{kind}_per_minute" + ("_per_user" if per_user else "")))


class Traffic:
    """Faults, counters and quotas, shared by the server's handler threads."""

    def __init__(self, *, quotas: Quotas | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.lock = threading.Lock()
        self.faults: list[Fault] = []
        self.counters = Counters()
        self.quotas = quotas or Quotas()
        self.clock = clock
        self._windows: dict[tuple[str, str | None], deque[float]] = {}

    def inject(self, kind: FaultKind, *, nth: int = 1, method: str | None = None, path: str | None = None,
               times: int = 1, seconds: float = 0.0, request_kind: RequestKind | None = None) -> Fault:
        """Plan a fault (see :class:`Fault`); returns it so a test can check ``fired``."""
        if kind not in (429, 500, 503, "drop", "lost", "slow"):
            raise ValueError(f"unknown fault {kind!r}: use 429, 500, 503, 'drop', 'lost' or 'slow'")
        fault = Fault(kind, max(1, nth), method, path, times, seconds, request_kind)
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def next_fault(self, method: str, path: str, kind: RequestKind) -> Fault | None:
        """The fault this request triggers, if any (counting it against every plan)."""
        with self.lock:
            chosen = None
            for fault in self.faults:
                if fault.fired >= fault.times or not fault.matches(method, path, kind):
                    continue
                fault.seen += 1
                if chosen is None and fault.seen >= fault.nth:
                    chosen = fault
                    fault.fired += 1
                    self.counters.faults_fired += 1
            self.faults = [f for f in self.faults if f.fired < f.times]
            return chosen

    def count(self, kind: RequestKind, bytes_in: int = 0, bytes_out: int = 0) -> None:
        with self.lock:
            self.counters.requests[kind] += 1 if bytes_in >= 0 else 0
            self.counters.bytes_in[kind] += max(0, bytes_in)
            self.counters.bytes_out[kind] += bytes_out

    def add_out(self, kind: RequestKind, n: int) -> None:
        with self.lock:
            self.counters.bytes_out[kind] += n

    def snapshot(self) -> Counters:
        with self.lock:
            return self.counters.copy()

    def reset(self) -> None:
        """Zero the counters and forget the quota windows."""
        with self.lock:
            self.counters = Counters()
            self._windows.clear()

    def admit(self, kind: RequestKind, user: str | None = None) -> tuple[bool, int] | None:
        """Count a read/write against the project's and the user's per-minute quotas.

        None when admitted (and counted in both windows); else (per_user, limit) of the
        quota it is over, and the refused request is not counted."""
        if kind not in ("read", "write"):
            return None
        now = self.clock()
        with self.lock:
            keys = [(kind, None)] + ([(kind, user)] if user is not None else [])
            for key in keys:
                window = self._windows.setdefault(key, deque())
                while window and window[0] <= now - 60.0:
                    window.popleft()
                limit = self.quotas.limit(kind, key[1] is not None)
                if len(window) >= limit:
                    self.counters.quota_rejections += 1
                    return key[1] is not None, limit
            for key in keys:
                self._windows[key].append(now)
            return None
