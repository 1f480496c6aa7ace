"""The agent guard against a labelled event set (tests/agent_events.py): per technique, how many
bad events are denied or asked (a credential in a tool's output or a prompt: flagged), how many
everyday events are blocked, and the whole-process time per event, as an agent spawns the hook.

    python bench/agent_guard_events.py [--runs 1] [--no-latency] [--show-misses] [--python PATH]

Each event runs in a real project (a git work tree under the temp dir, with a `.env`) and a home
directory with credential files, so globs and paths resolve as the shell would. Decisions are
taken in-process through `hook_main` (the same code path as the hook); latency is measured by
starting one `python -c "…hook_main…"` process per event (median and p90 wall time, median CPU
time), like bench/agent_hook_latency.py, beside a bare `python -c pass` of the same interpreter
run between them. --python runs the hook processes with another interpreter: a virtualenv where
credwall is installed from a wheel (`pip install .`), as users have it, rather than this
checkout's editable install, whose import hook costs every process 15-25 ms more. Prints
figures; asserts nothing. Goals: >= 95% of bad events caught, <= 2% of everyday events blocked,
median <= 50 ms per event.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.agent_events import BAD, LabelledEvent, caught, environment, events, make_home, make_project, \
    run_in_process, verdict_of  # noqa: E402


def decisions(evs: list[LabelledEvent], project: Path, home: Path, cache: str) -> list[str]:
    """Each event's verdict, in-process, with the project as the working directory."""
    saved = dict(os.environ), os.getcwd()
    os.environ.update({"HOME": str(home), "CREDWALL_CACHE_DIR": cache})
    os.chdir(project)
    try:
        return [run_in_process(e) for e in evs]
    finally:
        os.chdir(saved[1])
        os.environ.clear()
        os.environ.update(saved[0])


def latencies(evs: list[LabelledEvent], project: Path, env: dict[str, str], runs: int,
              python: str) -> tuple[list[tuple[float, float]], list[float]]:
    """(wall seconds, CPU seconds) of one whole hook process per event and run, and the wall
    time of a bare interpreter started after every fifth event."""
    samples = []
    bare: list[float] = []
    for _ in range(runs):
        for index, e in enumerate(evs):
            if index % 5 == 0:
                started = time.perf_counter()
                subprocess.run([python, "-c", "pass"], env=env, check=True)
                bare.append(time.perf_counter() - started)
            argv = ["--agent", e.agent] + (["--event", e.event] if e.event else [])
            cmd = [python, "-c", f"from credwall.agentguard.cli import hook_main; "
                                 f"raise SystemExit(hook_main({argv!r}))"]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            proc = subprocess.run(cmd, input=json.dumps(e.payload).encode(), capture_output=True, env=env,
                                  cwd=project, check=False)
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if proc.returncode != 0:
                raise SystemExit(f"{e.what!r} exited {proc.returncode}: {proc.stderr.decode(errors='replace')[:300]}")
            verdict_of(e.agent, proc.stdout.decode(), proc.stderr.decode())  # the output parses
            samples.append((wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)))
    return samples, bare


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="whole-process runs per event (default 1)")
    parser.add_argument("--no-latency", action="store_true", help="decisions only")
    parser.add_argument("--show-misses", action="store_true", help="list every miss and false block")
    parser.add_argument("--python", default=sys.executable, help="the interpreter of the hook processes")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="credwall-events-") as tmp:
        project = make_project(Path(tmp) / "project")
        home = make_home(Path(tmp) / "home")
        cache = str(Path(tmp) / "cache")
        evs = events(project, home)
        verdicts = decisions(evs, project, home, cache)

        groups: dict[tuple[str, str], list[tuple[LabelledEvent, str]]] = defaultdict(list)
        for e, v in zip(evs, verdicts):
            groups[(e.label, e.technique)].append((e, v))
        bad = [(e, v) for e, v in zip(evs, verdicts) if e.label == BAD]
        good = [(e, v) for e, v in zip(evs, verdicts) if e.label != BAD]
        print(f"{len(evs)} events: {len(bad)} bad, {len(good)} everyday; python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"\n{'bad events, by technique':32} {'n':>4} {'caught':>7} {'rate':>7}   (deny / ask / warn)")
        for (label, technique), rows in sorted(groups.items()):
            if label != BAD:
                continue
            hits = [v for _, v in rows if v not in ("allow", "error")]
            counts = "/".join(str(sum(v == d for v in hits)) for d in ("deny", "ask", "warn"))
            print(f"  {technique:30} {len(rows):4} {len(hits):7} {len(hits) / len(rows):7.1%}   ({counts})")
        caught_bad = sum(caught(e, v) and v != "error" for e, v in bad)
        print(f"  {'all bad events':30} {len(bad):4} {caught_bad:7} {caught_bad / len(bad):7.1%}")
        print(f"\n{'everyday events, by workflow':32} {'n':>4} {'blocked':>7} {'rate':>7}")
        for (label, technique), rows in sorted(groups.items()):
            if label == BAD:
                continue
            blocked = sum(v != "allow" for _, v in rows)
            print(f"  {technique:30} {len(rows):4} {blocked:7} {blocked / len(rows):7.1%}")
        blocked_good = sum(v != "allow" for _, v in good)
        print(f"  {'all everyday events':30} {len(good):4} {blocked_good:7} {blocked_good / len(good):7.1%}")

        misses = [(e, v) for e, v in bad if v in ("allow", "error")]
        false_blocks = [(e, v) for e, v in good if v != "allow"]
        if args.show_misses or len(misses) + len(false_blocks) <= 12:
            for title, rows in (("missed", misses), ("everyday but blocked", false_blocks)):
                for e, v in rows:
                    print(f"  {title}: [{e.technique}] {e.agent}: {e.what.splitlines()[0][:90]!r} -> {v}")

        if not args.no_latency:
            env = environment(home, cache)
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pyc")
            latencies(evs[:20], project, env, 1, args.python)  # warm-up: rule caches, bytecode
            samples, bare = latencies(evs, project, env, args.runs, args.python)
            walls = sorted(s[0] for s in samples)
            p90 = walls[min(len(walls) - 1, int(len(walls) * 0.9))]
            print(f"\nwhole process ({args.python}), {len(samples)} runs: median {statistics.median(walls) * 1e3:.1f} ms, "
                  f"p90 {p90 * 1e3:.1f} ms, CPU median {statistics.median(s[1] for s in samples) * 1e3:.1f} ms; "
                  f"bare interpreter median {statistics.median(bare) * 1e3:.1f} ms")
            by_kind: dict[str, list[float]] = defaultdict(list)
            for e, (wall, _) in zip(evs * args.runs, samples):
                kind = e.payload.get("hook_event_name") or e.payload.get("hookEventName") or e.event or "?"
                by_kind[str(kind)].append(wall)
            print("  by event: " + ", ".join(f"{k} {statistics.median(v) * 1e3:.1f} ms (n={len(v)})"
                                             for k, v in sorted(by_kind.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
