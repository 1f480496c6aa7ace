"""Whole-process timing for the benchmarks: wall time and peak RSS of each child, by os.wait4."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Sequence


def run_once(cmd: Sequence[str], cwd: str | None = None, env: dict[str, str] | None = None) -> tuple[float, int]:
    """(wall seconds, exit code) of one whole process."""
    started = time.perf_counter()
    code = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return time.perf_counter() - started, code


def peak_rss_kib(cmd: Sequence[str], cwd: str | None = None, env: dict[str, str] | None = None) -> int:
    """Peak RSS of the process and its waited-for children (pool workers), via GNU time."""
    gnu_time = "/usr/bin/time"
    if not os.path.exists(gnu_time):
        return 0
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run([gnu_time, "-f", "%M", "-o", out.name, *cmd], cwd=cwd, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return int(out.read().strip().splitlines()[-1] or 0)


def median_run(cmd: Sequence[str], runs: int, cwd: str | None = None, warmup: int = 2,
               env: dict[str, str] | None = None) -> tuple[float, int, int]:
    """(median wall seconds, peak RSS KiB, exit code)."""
    for _ in range(warmup):
        run_once(cmd, cwd, env)
    results = [run_once(cmd, cwd, env) for _ in range(runs)]
    return statistics.median(r[0] for r in results), peak_rss_kib(cmd, cwd, env), results[-1][1]


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


def interleaved(cmds: dict[str, Sequence[str]], runs: int, cwd: str | None = None, warmup: int = 2) -> dict[str, tuple[float, int, int]]:
    """Median wall per command, running the commands in turn each round so that drift in the
    machine's load hits every tool alike. Values: (median seconds, peak RSS KiB, exit code)."""
    for _ in range(warmup):
        for cmd in cmds.values():
            run_once(cmd, cwd)
    walls: dict[str, list[float]] = {label: [] for label in cmds}
    codes: dict[str, int] = {}
    for _ in range(runs):
        for label, cmd in cmds.items():
            wall, codes[label] = run_once(cmd, cwd)
            walls[label].append(wall)
    return {label: (statistics.median(walls[label]), peak_rss_kib(cmd, cwd), codes[label]) for label, cmd in cmds.items()}
