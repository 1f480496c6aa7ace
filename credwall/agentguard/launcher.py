"""The command an agent's hook configuration runs: a launcher that finds credwall on whichever
machine the configuration lands on, and blocks the call when it cannot.

A hook command that is missing is the worst failure a guard can have: Claude Code, Codex, VS
Code and Cursor treat any exit but 2 as "no objection", so a config that names a virtualenv
rebuilt since, or a teammate's path, lets every call through without a word. The launcher tries,
in order: the credwall this install ran from (only in files that stay on this machine), a
`credwall` on PATH, the project's `.venv/bin/credwall` or `venv/bin/credwall`, and `python3 -m
credwall`; when none runs it says why on stderr and exits 2 (Copilot, which ignores a failing
hook, gets its deny JSON on stdout instead). `credwall doctor` runs each installed command.
"""

from __future__ import annotations

import json
import shlex
from typing import Sequence

MISSING = ("credwall agent guard: credwall is not installed where this agent runs, so this call is blocked. "
           "Install credwall here (pip install credwall), or remove the guard with "
           "credwall install-agent-hooks --uninstall")
_PROJECT_CANDIDATES = ('"${CLAUDE_PROJECT_DIR:-.}/.venv/bin/credwall"', ".venv/bin/credwall", "venv/bin/credwall")


def hook_args(agent: str, event: str | None = None) -> list[str]:
    return ["agent-hook", "--agent", agent] + (["--event", event] if event else [])


def _deny_json(agent: str) -> str:
    if agent == "copilot":  # top level for the CLI, hookSpecificOutput for VS Code, which runs these too
        return json.dumps({"permissionDecision": "deny", "permissionDecisionReason": MISSING,
                           "hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
                                                  "permissionDecisionReason": MISSING}})
    if agent == "cursor":
        return json.dumps({"permission": "deny", "continue": False, "user_message": MISSING, "agent_message": MISSING})
    return ""


def posix_command(agent: str, event: str | None = None, local_path: str | None = None) -> str:
    """`sh -c '…' credwall agent-hook --agent AGENT`: runs credwall wherever it is installed."""
    first = [shlex.quote(local_path)] if local_path else []
    candidates = " ".join(first + ["credwall", *_PROJECT_CANDIDATES])
    deny = _deny_json(agent)
    script = (
        f'for c in {candidates}; do '
        'case $c in */*) [ -x "$c" ] && exec "$c" "$@";; '
        '*) command -v "$c" >/dev/null 2>&1 && exec "$c" "$@";; esac; done; '
        'for p in python3 python; do command -v "$p" >/dev/null 2>&1 && '
        '"$p" -c "import credwall" >/dev/null 2>&1 && exec "$p" -m credwall "$@"; done; '
        f'echo {shlex.quote(MISSING)} >&2; '
        + (f"printf '%s\\n' {shlex.quote(deny)}; " if deny else "")
        + ("exit 0" if agent == "copilot" else "exit 2")
    )
    return shlex.join(["sh", "-c", script, "credwall", *hook_args(agent, event)])


def powershell_command(agent: str, event: str | None = None) -> str:
    """The same for PowerShell (Copilot's `powershell`, VS Code's `windows`)."""
    args = " ".join(hook_args(agent, event))
    deny = _deny_json(agent)
    fallback = f"[Console]::Error.WriteLine('{MISSING}'); " + (f"Write-Output '{deny}'; " if deny else "")
    return (f"$c = Get-Command credwall -ErrorAction SilentlyContinue; "
            f"if ($c) {{ & $c.Source {args}; exit $LASTEXITCODE }} else {{ {fallback}"
            f"exit {0 if agent == 'copilot' else 2} }}")


def explicit_command(prefix: Sequence[str], agent: str, event: str | None = None) -> str:
    """A command the user chose with --command, run as given."""
    return shlex.join([*prefix, *hook_args(agent, event)])
