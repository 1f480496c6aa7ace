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


class Runs:
    """One command's interleaved runs: wall and CPU seconds (user+sys of the whole process
    tree: git, pool workers) and peak RSS (KiB, the largest process of the tree)."""

    def __init__(self) -> None:
        self.walls: list[float] = []
        self.cpus: list[float] = []
        self.rss: list[int] = []
        self.code = 0

    def wall(self) -> float:
        return statistics.median(self.walls)

    def cpu(self) -> float:
        return statistics.median(self.cpus)

    def describe(self, unit: str = "s") -> str:
        """`median [min-max]` of wall and CPU, peak RSS."""
        scale, fmt = (1000, "{:,.0f}") if unit == "ms" else (1, "{:.2f}")

        def span(values: list[float]) -> str:
            return (f"{fmt.format(statistics.median(values) * scale)} {unit} "
                    f"[{fmt.format(min(values) * scale)}-{fmt.format(max(values) * scale)}]")

        return f"wall {span(self.walls)}  CPU {span(self.cpus)}  peak RSS {max(self.rss) / 1024:5.1f} MiB"


def run_measured(cmd: Sequence[str], cwd: str | None = None, env: dict[str, str] | None = None) -> tuple[float, float, int, int]:
    """(wall s, CPU s, peak RSS KiB, exit code) of one whole process tree. CPU from wait4's
    rusage (which includes the descendants it waited for); peak RSS from GNU time, since a
    child's ru_maxrss counts the forking parent's pages it had before exec (this script's
    ~40 MiB), which would hide every tool's own figure."""
    gnu_time = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
    with tempfile.NamedTemporaryFile("r") as out:
        full = [gnu_time, "-f", "%M", "-o", out.name, *cmd] if gnu_time else list(cmd)
        started = time.perf_counter()
        proc = subprocess.Popen(full, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        lines = out.read().strip().splitlines() if gnu_time else []
    code = proc.returncode
    if gnu_time and lines and lines[0].startswith("Command exited with non-zero status"):
        code = int(lines[0].rsplit(" ", 1)[-1])
    rss = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    return wall, usage.ru_utime + usage.ru_stime, rss, code


def interleaved_runs(cmds: dict[str, Sequence[str]], runs: int, cwd: str | None = None, warmup: int = 1,
                     envs: dict[str, dict[str, str]] | None = None) -> dict[str, Runs]:
    """Every command once per round, in turn, so that drift in the machine's load hits them
    alike; wall, CPU and peak RSS of each run. `envs`: per-label environments."""
    envs = envs or {}
    for _ in range(warmup):
        for label, cmd in cmds.items():
            run_measured(cmd, cwd, envs.get(label))
    results = {label: Runs() for label in cmds}
    for _ in range(runs):
        for label, cmd in cmds.items():
            wall, cpu, rss, code = run_measured(cmd, cwd, envs.get(label))
            runs_ = results[label]
            runs_.walls.append(wall)
            runs_.cpus.append(cpu)
            runs_.rss.append(rss)
            runs_.code = code
    return results


def against_env(against: Path | None, rows: Sequence[tuple[str, Sequence[str]]]) -> dict[str, dict[str, str]]:
    """Environments for the rows that run another install (`--against`): a cache directory of
    their own, since the regex cache is kept per `_regex` binary and two installs sharing one
    would evict each other's programs every run (and both would run cold)."""
    if against is None:
        return {}
    base = os.environ.get("CREDWALL_CACHE_DIR") or os.path.join(tempfile.gettempdir(), "credwall-bench-cache")
    env = {**os.environ, "CREDWALL_CACHE_DIR": base + "-against"}
    return {label: env for label, cmd in rows if cmd and cmd[0].startswith(str(against))}
