"""Progress on long scans: a line on stderr when it is a terminal (files, bytes, rate, ETA),
nothing in pipes, CI logs or hooks; the scan reports its progress as it goes."""

from __future__ import annotations

import io
import os

from credwall.progress import ProgressBar, terminal_progress
from credwall.scan import scan_paths


def _tty_output(monkeypatch, feed) -> str:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("CI", raising=False)
    master, slave = os.openpty()
    try:
        with os.fdopen(slave, "w", closefd=False) as tty:
            bar = terminal_progress(tty, label="scan", unit="files")
            assert isinstance(bar, ProgressBar)
            bar.delay = 0.0
            feed(bar)
            bar.finish()
            return _drain(master)
    finally:
        os.close(master)
        os.close(slave)


def test_the_bar_shows_files_bytes_rate_and_eta(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    written = _tty_output(monkeypatch, lambda bar: bar(1_000, 4_000, 2_500_000, 10_000_000))
    assert "credwall: scan [######..................] 1,000/4,000 files  2.5 MB" in written
    assert "MB/s" in written and "ETA " in written
    assert written.endswith("\r\x1b[K")  # erased at the end: the summary line stays clean


def test_never_in_a_pipe_under_ci_or_on_a_dumb_terminal(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert terminal_progress(io.StringIO()) is None
    monkeypatch.setenv("CI", "true")
    master, slave = os.openpty()
    try:
        with os.fdopen(slave, "w", closefd=False) as tty:
            assert terminal_progress(tty) is None
            monkeypatch.delenv("CI")
            monkeypatch.setenv("TERM", "dumb")
            assert terminal_progress(tty) is None
    finally:
        os.close(master)
        os.close(slave)


def test_a_scan_reports_progress_to_the_end(tmp_path, matcher) -> None:  # type: ignore[no-untyped-def]
    for n in range(150):
        (tmp_path / f"f{n:03}.txt").write_text("x = 1\n" * (n + 1))
    calls: list[tuple[int, int, int, int]] = []

    class Recorder:
        finished = False

        def __call__(self, done: int, total: int, nbytes: int, total_bytes: int) -> None:
            calls.append((done, total, nbytes, total_bytes))

        def finish(self) -> None:
            Recorder.finished = True

    result = scan_paths(matcher, [str(tmp_path)], jobs=1, progress=Recorder())
    assert result.files == 150 and Recorder.finished
    assert [c[0] for c in calls] == [64, 128, 150]  # after each batch of files
    total = sum(len("x = 1\n" * (n + 1)) for n in range(150))
    assert calls[-1] == (150, 150, total, total)


def test_the_pool_reports_progress_too(tmp_path, matcher) -> None:  # type: ignore[no-untyped-def]
    for n in range(8):
        (tmp_path / f"big{n}.txt").write_text("y = 2\n" * 200_000)  # 1.2 MB each: above the pool's floor
    calls: list[tuple[int, int, int, int]] = []
    result = scan_paths(matcher, [str(tmp_path)], jobs=2, progress=lambda *a: calls.append(a))
    assert result.files == 8 and calls[-1][0] == 8 and calls[-1][2] == calls[-1][3] == 8 * 1_200_000
    assert len(calls) > 1


def _drain(fd: int) -> str:
    """Everything written to the terminal so far: a pty hands it over in pieces."""
    import select

    data = b""
    while select.select([fd], [], [], 0.2)[0]:
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data.decode()
