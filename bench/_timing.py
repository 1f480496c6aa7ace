"""Whole-process timing for the benchmarks: wall time and peak RSS of each child, by os.wait4."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import Sequence


def run_once(cmd: Sequence[str], cwd: str | None = None, env: dict[str, str] | None = None) -> tuple[float, int, int]:
    """(wall seconds, peak RSS KiB of the whole process tree's largest child, exit code)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss, proc.returncode


def median_run(cmd: Sequence[str], runs: int, cwd: str | None = None, warmup: int = 2,
               env: dict[str, str] | None = None) -> tuple[float, int, int]:
    for _ in range(warmup):
        run_once(cmd, cwd, env)
    results = [run_once(cmd, cwd, env) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results), results[-1][2]


def tool(name: str) -> str:
    """A credwall entry point next to the running interpreter (a venv), else on PATH."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else name


def anchor(name: str) -> str | None:
    prefix = Path(os.environ.get("ANCHORS_PREFIX", "/tmp/anchors")) / "bin" / name
    return str(prefix) if prefix.exists() else None


def stdlib_dir() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def stdlib_text_files(limit_bytes: int = 2_000_000) -> list[Path]:
    """The interpreter's stdlib .py/.txt/.rst/... text files, no site-packages, no tests' data blobs."""
    root = stdlib_dir()
    files = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).parts
        if "site-packages" in rel or "__pycache__" in rel or not path.is_file() or path.is_symlink():
            continue
        if path.suffix not in {".py", ".txt", ".rst", ".cfg", ".ini", ".toml", ".json", ".xml", ".html", ".c", ".h", ".sh", ".bat", ".ps1", ".csv", ".css", ".js"}:
            continue
        if path.stat().st_size <= limit_bytes:
            files.append(path)
    return files


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"
