"""`credwall doctor`: does each installed agent guard actually run?

A guard whose command does not run is worse than none: the agents treat a hook that fails as
"no objection" (Claude Code, Codex, VS Code, Cursor without `failClosed`, Copilot always), so a
config naming a path that no longer exists silently lets every call through. The doctor finds
credwall's hook entries in every project and user file install-agent-hooks writes, runs each
distinct command the way the agent does (through a shell, in the project, with a credential read
as the payload), and reports one line per entry:

- ok: it answered with a deny;
- blocks: it runs, but credwall cannot be found there, so the launcher blocks every call;
- broken: it exits with something the agent ignores (a missing binary: 127), times out, or
  answers without denying; the agent goes ahead with every call;
- invalid: the file is not JSON the agent can read.

Exit codes: 0 every guard found runs (or none is installed), 1 one does not, 2 usage error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any, Iterator, NamedTuple, Sequence, TextIO

from .install import AGENT_FILES, LOCAL_FILES, USER_FILES, _is_ours
from .launcher import MISSING

OK, BLOCKS, BROKEN, INVALID = "ok", "blocks", "broken", "invalid"
PROBE_COMMAND = "cat .env"
TIMEOUT_SECONDS = 60


class Hook(NamedTuple):
    file: str  # as shown: relative to the project, or ~/…
    agent: str
    command: str
    events: tuple[str, ...] = ()  # the events that run this command
    fail_closed: bool = False  # the entry sets the agent's own fail-closed option


_PRE_EVENTS = frozenset({"PreToolUse", "preToolUse", "beforeShellExecution"})


class Check(NamedTuple):
    file: str
    agent: str
    status: str
    detail: str


def installed(root: str, home: str) -> Iterator[Hook | Check]:
    """Each distinct guard command per file (or an INVALID check for a file that is not JSON)."""
    places: list[tuple[str, str, str]] = []  # (agent, absolute path, as shown)
    for agent, rel in [*AGENT_FILES.items(), *LOCAL_FILES.items()]:
        places.append((agent, os.path.join(root, rel), rel))
    for agent, rel in USER_FILES.items():
        places.append((agent, os.path.join(home, rel), "~/" + rel))
    files: set[str] = set()
    for agent, path, shown in places:
        real = os.path.realpath(path)
        if real in files:
            continue  # the same file reached twice (a home that is the project)
        files.add(real)
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except FileNotFoundError:
            continue
        except (OSError, ValueError) as exc:
            yield Check(shown, agent, INVALID, f"cannot be read: {exc}")
            continue
        events: dict[str, list[str]] = {}
        closed: dict[str, bool] = {}
        for event, command, fail_closed in _commands(data, agent):
            events.setdefault(command, []).append(event)
            closed[command] = closed.get(command, True) and fail_closed
        for command, names in events.items():
            yield Hook(shown, agent, command, tuple(names), closed[command])


def _commands(data: Any, agent: str) -> Iterator[tuple[str, str, bool]]:
    """(event, command, fails closed) for each of our entries in a hook config."""
    hooks = data.get("hooks") if isinstance(data, dict) else None
    if not isinstance(hooks, dict):
        return
    for event, entries in hooks.items():
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            inner = entry.get("hooks")
            nested = inner if isinstance(inner, list) else [entry]
            for hook in nested:
                if not isinstance(hook, dict):
                    continue
                command = hook.get("bash") if agent == "copilot" else hook.get("command")
                if isinstance(command, str) and _is_ours(command):
                    yield str(event), command, hook.get("onFailure") == "block" or hook.get("failClosed") is True


def probe(agent: str, cwd: str, pre: bool = True) -> bytes:
    """A pre-tool event asking to run `cat .env` in the agent's own format, or (pre=False) an
    event after a harmless tool ran."""
    if not pre:
        if agent == "copilot":
            return json.dumps({"timestamp": 0, "cwd": cwd, "toolName": "bash", "toolArgs": "{}",
                               "toolResult": {"resultType": "success", "textResultForLlm": "ok"}}).encode()
        name = "postToolUse" if agent == "cursor" else "PostToolUse"
        key = "hookEventName" if agent == "vscode" else "hook_event_name"
        return json.dumps({key: name, "cwd": cwd, "tool_name": "Bash", "tool_input": {"command": "ls"},
                           "tool_response": {"stdout": "ok"}, "tool_output": "ok", "workspace_roots": [cwd]}).encode()
    if agent == "cursor":
        payload: dict[str, Any] = {"hook_event_name": "beforeShellExecution", "command": PROBE_COMMAND, "cwd": cwd,
                                   "workspace_roots": [cwd]}
    elif agent == "copilot":
        payload = {"timestamp": 0, "cwd": cwd, "toolName": "bash", "toolArgs": json.dumps({"command": PROBE_COMMAND})}
    elif agent == "vscode":
        payload = {"hookEventName": "PreToolUse", "cwd": cwd, "tool_name": "run_in_terminal",
                   "tool_input": {"command": PROBE_COMMAND}}
    else:
        payload = {"hook_event_name": "PreToolUse", "cwd": cwd, "tool_name": "Bash",
                   "tool_input": {"command": PROBE_COMMAND}, "session_id": "credwall-doctor"}
    return json.dumps(payload).encode()


def check(hook: Hook, cwd: str, timeout: float = TIMEOUT_SECONDS) -> Check:
    """Run one guard command as its agent would, and say whether it guards."""
    command = hook.command
    pre = not hook.events or bool(_PRE_EVENTS & set(hook.events))
    started = time.perf_counter()
    try:
        proc = subprocess.run(["/bin/sh", "-c", command], input=probe(hook.agent, cwd, pre), capture_output=True,
                              cwd=cwd, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return Check(hook.file, hook.agent, BROKEN, f"did not answer in {timeout:.0f} s; the agent goes ahead when "
                                                    f"a hook times out")
    except OSError as exc:
        return Check(hook.file, hook.agent, BROKEN, f"cannot be started: {exc}")
    ms = (time.perf_counter() - started) * 1000
    out, err = proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace").strip()
    if MISSING in err or MISSING in out:
        return Check(hook.file, hook.agent, BLOCKS, "credwall cannot be found where this hook runs, so every call of "
                                                    "the agent is blocked: install credwall there")
    if proc.returncode != 0:
        last = err.splitlines()[-1] if err else "no message"
        name = _AGENT_NAMES[hook.agent]
        if (proc.returncode == 2 and hook.agent != "copilot") or hook.fail_closed:
            return Check(hook.file, hook.agent, BLOCKS, f"exits {proc.returncode} ({last}); {name} blocks every call "
                                                        f"this hook sees")
        return Check(hook.file, hook.agent, BROKEN, f"exits {proc.returncode} ({last}); {name} treats that as no "
                                                    f"objection and lets every call through")
    if not pre:
        return Check(hook.file, hook.agent, OK, f"runs for {', '.join(hook.events)} ({ms:.0f} ms)")
    if _denies(out):
        return Check(hook.file, hook.agent, OK, f"denies `{PROBE_COMMAND}` ({ms:.0f} ms)")
    return Check(hook.file, hook.agent, BROKEN, f"ran but did not deny `{PROBE_COMMAND}`: {out.strip()[:160]!r}")


_AGENT_NAMES = {"claude-code": "Claude Code", "cursor": "Cursor", "codex": "Codex", "copilot": "Copilot",
                "vscode": "VS Code"}


def _denies(stdout: str) -> bool:
    try:
        data = json.loads(stdout) if stdout.strip() else None
    except ValueError:
        return False
    if not isinstance(data, dict):
        return False
    found = data.get("hookSpecificOutput")
    specific = found if isinstance(found, dict) else {}
    return "deny" in (data.get("permissionDecision"), data.get("permission"), specific.get("permissionDecision")) \
        or data.get("decision") == "block"


def doctor_main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
                stderr: TextIO | None = None) -> int:
    """`credwall doctor [--root DIR] [--home DIR] [--format text|json]`."""
    import argparse

    out = stdout or sys.stdout
    parser = argparse.ArgumentParser(prog="credwall doctor",
                                     description="Check that every installed agent guard hook runs and denies.")
    parser.add_argument("--root", default=None, help="the project root (default: the git work tree, else .)")
    parser.add_argument("--home", default=None, help="the home directory for user-level hooks (default: ~)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    root = args.root
    if root is None:
        from ..sources.git import toplevel

        root = toplevel() or os.getcwd()
    root = os.path.abspath(root)
    home = os.path.abspath(os.path.expanduser(args.home or "~"))
    checks = [item if isinstance(item, Check) else check(item, root) for item in installed(root, home)]
    failing = [c for c in checks if c.status != OK]
    if args.format == "json":
        out.write(json.dumps({"version": 1, "root": root, "checks": [c._asdict() for c in checks]}, indent=2) + "\n")
    elif not checks:
        out.write(f"credwall doctor: no agent guard hooks in {root} or {home} "
                  f"(install them with `credwall install-agent-hooks`)\n")
    else:
        for c in checks:
            out.write(f"{c.status.upper() if c.status != OK else 'ok':8} {c.file} ({c.agent}): {c.detail}\n")
        if failing:
            out.write(f"{len(failing)} of {len(checks)} agent guard hooks do not guard: reinstall with "
                      f"`credwall install-agent-hooks` (its launcher finds credwall on every machine)\n")
    return 1 if failing else 0
