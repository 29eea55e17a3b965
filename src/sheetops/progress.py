"""A small progress bar for long steps: shown on a terminal, silent otherwise."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Callable, Iterator, TextIO

Progress = Callable[[int, "int | None"], None]


@contextmanager
def progress_bar(label: str, *, stream: TextIO | None = None, min_interval: float = 0.2) -> Iterator[Progress]:
    """Yield ``update(done, total)``; draws ``label [#####     ] 50%`` on a terminal only."""
    out = stream or sys.stderr
    active = hasattr(out, "isatty") and out.isatty()
    last = [0.0]

    def update(done: int, total: int | None) -> None:
        if not active:
            return
        now = time.monotonic()
        if now - last[0] < min_interval and (total is None or done < total):
            return
        last[0] = now
        if total:
            filled = int(30 * min(done, total) / total)
            out.write(f"\r{label} [{'#' * filled}{' ' * (30 - filled)}] {100 * done // total:3d}%")
        else:
            out.write(f"\r{label} {done:,} rows")
        out.flush()

    try:
        yield update
    finally:
        if active:
            out.write("\n")
            out.flush()


def step_printer(stream: TextIO | None = None) -> Callable[[str], None] | None:
    """``on_step`` for ``sheetops.refresh``: prints each step on a terminal, else nothing."""
    out = stream or sys.stderr
    if not (hasattr(out, "isatty") and out.isatty()):
        return None
    started = time.monotonic()

    def show(name: str) -> None:
        out.write(f"[{time.monotonic() - started:6.1f} s] {name}...\n")
        out.flush()

    return show
