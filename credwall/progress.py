"""A progress line for long runs (`credwall scan DIR`, `scan --history`), on stderr and only on a
terminal: never in a pipe, a CI log or a hook, whose output must stay what it was."""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO


class ProgressBar:
    """`label [####....] done/total unit  MB/s  ETA m:ss` on one line, redrawn at most ten times
    a second and only once a run has lasted `delay` seconds (short runs print nothing); erased
    at the end. The ETA comes from bytes when their total is known (files differ in size),
    else from the count."""

    def __init__(self, stream: TextIO, label: str = "history", unit: str = "commits", delay: float = 0.5) -> None:
        self.stream = stream
        self.label = label
        self.unit = unit
        self.started = time.perf_counter()
        self.delay = delay
        self.shown = False
        self._last = 0.0

    def __call__(self, done: int, total: int | None, nbytes: int, total_bytes: int | None = None) -> None:
        now = time.perf_counter()
        elapsed = now - self.started
        if elapsed < self.delay or (now - self._last < 0.1 and done != total):
            return
        self._last = now
        self.stream.write(f"\r\x1b[K{self.line(done, total, nbytes, total_bytes, elapsed)}")
        self.stream.flush()
        self.shown = True

    def line(self, done: int, total: int | None, nbytes: int, total_bytes: int | None, elapsed: float) -> str:
        rate = nbytes / 1e6 / elapsed if elapsed > 0 else 0.0
        if total:
            width = 24
            filled = min(width, width * done // total)
            text = f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} {self.unit}"
        else:
            text = f"{done:,} {self.unit}"
        text += f"  {nbytes / 1e6:,.1f} MB  {rate:,.1f} MB/s"
        eta = _eta(done, total, nbytes, total_bytes, elapsed)
        if eta is not None:
            text += f"  ETA {int(eta) // 60}:{int(eta) % 60:02d}"
        return f"credwall: {self.label} {text}"

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def _eta(done: int, total: int | None, nbytes: int, total_bytes: int | None, elapsed: float) -> float | None:
    if total_bytes and nbytes:
        return max(0.0, (total_bytes - nbytes) * elapsed / nbytes)
    if total and done:
        return max(0.0, (total - done) * elapsed / done)
    return None


def terminal_progress(stream: TextIO | None = None, label: str = "history", unit: str = "commits") -> ProgressBar | None:
    """A progress bar on stderr when it is a terminal (TERM not dumb, not under CI); None
    otherwise, so logs and CI output stay clean."""
    stream = stream if stream is not None else sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        return None
    if not tty or os.environ.get("TERM") == "dumb" or os.environ.get("CI"):
        return None
    return ProgressBar(stream, label, unit)
