"""Agent hook latency: whole-process time of one `agent-hook` call, as an agent spawns it.

Two payloads through `python -c "from credwall.agentguard.cli import hook_main; …"` (and through
`credwall agent-hook` when the CLI has that subcommand): a typical Claude Code Bash PreToolUse
event, and a Write PreToolUse event carrying a 2,000-line file. Median and 90th percentile wall
time, and median CPU time (user + system, which a busy machine inflates less than wall time),
beside a bare `python -c pass` for scale. Prints figures; asserts nothing. Goal: <= 50 ms median.

    python bench/agent_hook_latency.py [--runs 40] [--no-bytecode-cache]

Bytecode: agents run an installed credwall, whose modules are compiled once. When
PYTHONDONTWRITEBYTECODE is set (as in some sandboxes), every run would compile every module
again, so by default the children get PYTHONPYCACHEPREFIX=<temp dir> and may write bytecode
there; --no-bytecode-cache keeps the environment as it is.
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
from pathlib import Path

from _timing import stdlib_text_files, tool


def bash_payload() -> bytes:
    return json.dumps({
        "session_id": "bench", "transcript_path": "/tmp/bench.jsonl", "cwd": os.getcwd(),
        "permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": "Bash",
        "tool_input": {"command": "npm test -- --watch=false && git status --short",
                       "description": "Run the tests"},
        "tool_use_id": "toolu_bench",
    }).encode()


def write_payload(lines: int = 2000) -> bytes:
    """A Write of 2,000 lines of real Python (stdlib text, no secrets)."""
    text: list[str] = []
    for path in stdlib_text_files():
        if path.suffix == ".py":
            text.extend(path.read_text("utf-8", "replace").splitlines())
        if len(text) >= lines:
            break
    content = "\n".join(text[:lines]) + "\n"
    return json.dumps({
        "session_id": "bench", "transcript_path": "/tmp/bench.jsonl", "cwd": os.getcwd(),
        "permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": "Write",
        "tool_input": {"file_path": os.path.join(os.getcwd(), "src", "big_module.py"), "content": content},
        "tool_use_id": "toolu_bench",
    }).encode()


def run(cmd: list[str], payload: bytes, env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, child CPU seconds, stdout) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, input=payload, capture_output=True, env=env, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:3]} exited {proc.returncode}: {proc.stderr.decode(errors='replace')[:500]}")
    return wall, cpu, proc.stdout.decode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--no-bytecode-cache", action="store_true")
    args = parser.parse_args()

    env = dict(os.environ)
    pycache = None
    if not args.no_bytecode_cache:
        pycache = tempfile.TemporaryDirectory(prefix="credwall-bench-pyc-")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache.name
    py = sys.executable
    via_python = [py, "-c", "from credwall.agentguard.cli import hook_main; "
                            "raise SystemExit(hook_main(['--agent', 'claude-code']))"]
    commands = {"python -c hook_main": via_python}
    credwall = tool("credwall")
    probe = subprocess.run([credwall, "agent-hook", "--agent", "claude-code"], input=bash_payload(),
                           capture_output=True, env=env, check=False)
    if probe.returncode == 0:
        commands["credwall agent-hook"] = [credwall, "agent-hook", "--agent", "claude-code"]
    payloads = {"Bash PreToolUse": bash_payload(), "Write 2,000 lines": write_payload()}
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, bytecode cache: "
          f"{'yes (' + pycache.name + ')' if pycache else 'as the environment says'}")
    print(f"payloads: Bash {len(payloads['Bash PreToolUse']):,} bytes, Write {len(payloads['Write 2,000 lines']):,} bytes")

    rows: dict[str, list[tuple[float, float]]] = {}
    outputs: dict[str, str] = {}
    jobs = [("python -c pass (startup only)", [py, "-c", "pass"], b"")]
    for label, cmd in commands.items():
        for name, payload in payloads.items():
            jobs.append((f"{label}: {name}", cmd, payload))
    for label, cmd, payload in jobs:  # warm-up: rule and regex caches, bytecode
        for _ in range(3):
            outputs[label] = run(cmd, payload, env)[2]
    for _ in range(args.runs):  # interleaved, so drift in the machine's load hits every row alike
        for label, cmd, payload in jobs:
            wall, cpu, _ = run(cmd, payload, env)
            rows.setdefault(label, []).append((wall, cpu))

    print(f"\n{'':44} {'median':>9} {'p90':>9} {'CPU med':>9}  verdict")
    for label, samples in rows.items():
        walls = sorted(s[0] for s in samples)
        cpus = [s[1] for s in samples]
        p90 = walls[min(len(walls) - 1, int(len(walls) * 0.9))]
        verdict = outputs[label].strip() or ("(no output: allow)" if "pass" not in label else "")
        print(f"{label:44} {statistics.median(walls) * 1e3:7.1f}ms {p90 * 1e3:7.1f}ms "
              f"{statistics.median(cpus) * 1e3:7.1f}ms  {verdict[:60]}")
    if pycache:
        pycache.cleanup()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
