"""`credwall install-agent-hooks`: write the guard's hook entries into each agent's config.

| agent | project file (default: local) | with `--shared` | `--scope user` (under ~) |
|---|---|---|---|
| Claude Code | `.claude/settings.local.json` | `.claude/settings.json` | `.claude/settings.json` |
| Cursor | `.cursor/hooks.json` | the same | `.cursor/hooks.json` |
| Codex | `.codex/hooks.json` | the same | `.codex/hooks.json` |
| Copilot | `.github/hooks/hooks.json` | the same | `.copilot/hooks/credwall.json` |
| VS Code (agent mode) | `.github/hooks/credwall-vscode.json` | the same | `.copilot/hooks/credwall-vscode.json` |

Claude Code gets `hooks.PreToolUse` / `PostToolUse` / `UserPromptSubmit` and `permissions.deny`
`Read(…)` rules for secret files; Cursor `beforeShellExecution`, `beforeMCPExecution`,
`beforeReadFile`, `preToolUse` (write tools), `postToolUse`, `beforeSubmitPrompt`; Codex, Copilot
and VS Code their `PreToolUse` / `PostToolUse` / `UserPromptSubmit` events.

Every entry runs the launcher of credwall.agentguard.launcher, never a bare path: it finds
credwall on whichever machine the file lands on and blocks the call when it cannot. Only files
that stay on this machine (Claude's `settings.local.json`, which is also added to
`.git/info/exclude`, and user-scope files) also name the credwall this install ran from. Where an
agent has a fail-closed setting of its own it is set too: Claude Code `"onFailure": "block"`
(2.1.295 and later), Cursor `"failClosed": true`; `--no-fail-closed` leaves them out for older
versions.

Existing JSON is merged, never replaced: user keys and other hooks stay where they are. Our
hook entries are recognised by their command (`… agent-hook --agent <name>`). The
`permissions.deny` rules a Claude Code settings file already had are never touched; the ones we
add are listed in a sidecar (`credwall-agent-guard.json` next to it, `.local.json` for the local
file) so `--uninstall` removes exactly those. Installing twice changes nothing; `--uninstall`
removes only what install added (and a file that is left empty), from every file of the scope.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
from typing import Any, Callable, NamedTuple, Sequence

from .launcher import explicit_command, posix_command, powershell_command

# Project files shared through the repository, by agent (the `--shared` targets).
AGENT_FILES = {
    "claude-code": ".claude/settings.json",
    "cursor": ".cursor/hooks.json",
    "codex": ".codex/hooks.json",
    "copilot": ".github/hooks/hooks.json",
    "vscode": ".github/hooks/credwall-vscode.json",
}
# Agents with a project file of their own that is not committed: the default target.
LOCAL_FILES = {"claude-code": ".claude/settings.local.json"}
# User-level files, relative to the home directory.
USER_FILES = {
    "claude-code": ".claude/settings.json",
    "cursor": ".cursor/hooks.json",
    "codex": ".codex/hooks.json",
    "copilot": ".copilot/hooks/credwall.json",
    "vscode": ".copilot/hooks/credwall-vscode.json",
}
DEFAULT_AGENTS = ("claude-code", "cursor", "codex", "copilot")  # VS Code runs the Claude and Copilot entries too
SCOPES = ("project", "user")
SIDECAR = ".claude/credwall-agent-guard.json"
HOOK_TIMEOUT_SECONDS = 30  # the first run builds the rule caches; later runs take milliseconds

CLAUDE_EVENTS: tuple[tuple[str, str | None], ...] = (
    ("PreToolUse", "Bash|Read|Write|Edit|MultiEdit|NotebookEdit|Grep|WebFetch|WebSearch|mcp__.*"),
    ("PostToolUse", "Bash|Read|Grep|WebFetch|mcp__.*"),
    ("UserPromptSubmit", None),
)
CODEX_EVENTS = ("PreToolUse", "PostToolUse", "UserPromptSubmit")
VSCODE_EVENTS = ("PreToolUse", "PostToolUse", "UserPromptSubmit")
CURSOR_EVENTS: tuple[tuple[str, str | None], ...] = (
    ("beforeShellExecution", None),
    ("beforeMCPExecution", None),
    ("beforeReadFile", None),
    ("preToolUse", "Write|StrReplace|Edit|MultiEdit|EditNotebook|TabWrite"),  # shell/MCP/read have their own events
    ("postToolUse", None),
    ("beforeSubmitPrompt", None),
)
COPILOT_EVENTS = ("preToolUse", "postToolUse", "userPromptSubmitted")
COPILOT_COMMENT = "credwall agent guard (added by credwall install-agent-hooks)"

# Claude Code permission rules: a second layer that holds even if a hook cannot run. Claude's
# rules have no exceptions, so `.env.*` also hides `.env.example` from the Read tool; the
# guard itself still lets the agent `cat .env.example`.
CLAUDE_DENY_RULES = (
    "Read(./.env)", "Read(./.env.*)", "Read(**/.env)", "Read(**/.env.*)", "Read(**/.envrc)",
    "Read(**/*.pem)", "Read(**/*.key)", "Read(**/*.p12)", "Read(**/*.pfx)",
    "Read(**/id_rsa)", "Read(**/id_dsa)", "Read(**/id_ecdsa)", "Read(**/id_ed25519)",
    "Read(**/*.tfstate)", "Read(**/*.tfstate.backup)",
    "Read(~/.aws/credentials)", "Read(~/.config/gcloud/**)", "Read(~/.azure/**)", "Read(~/.kube/config)",
    "Read(~/.docker/config.json)", "Read(~/.netrc)", "Read(~/.git-credentials)", "Read(~/.npmrc)",
    "Read(~/.pypirc)", "Read(~/.ssh/id_*)",
)

_OURS_RE = re.compile(r"agent-hook'?\s+'?--agent'?\s+['\"]?(claude-code|cursor|codex|copilot|vscode)\b")
_EXCLUDE_NOTE = "# credwall agent guard: machine-local hook settings"


class Commands(NamedTuple):
    """How the entries of one file run credwall."""

    posix: Callable[[str, str | None], str]
    powershell: Callable[[str, str | None], str]
    fail_closed: bool  # set the agents' own fail-closed options


def commands(prefix: Sequence[str] | None = None, local_path: str | None = None, fail_closed: bool = True) -> Commands:
    """The launcher (with this machine's credwall first, for machine-local files), or the
    user's own --command as given."""
    if prefix:
        fixed = list(prefix)
        return Commands(lambda agent, event: explicit_command(fixed, agent, event),
                        lambda agent, event: explicit_command(fixed, agent, event), fail_closed)
    return Commands(lambda agent, event: posix_command(agent, event, local_path),
                    lambda agent, event: powershell_command(agent, event), fail_closed)


class InstallError(Exception):
    """A config file cannot be merged (malformed JSON, unexpected shape); the message names it."""


class Change(NamedTuple):
    path: str  # relative to the root
    before: str | None  # None: the file did not exist
    after: str | None  # None: the file is removed

    @property
    def action(self) -> str:
        if self.before == self.after:
            return "unchanged"
        if self.before is None:
            return "create"
        if self.after is None:
            return "remove"
        return "update"

    def diff(self) -> str:
        lines = difflib.unified_diff((self.before or "").splitlines(keepends=True),
                                     (self.after or "").splitlines(keepends=True),
                                     fromfile=f"a/{self.path}" if self.before is not None else "/dev/null",
                                     tofile=f"b/{self.path}" if self.after is not None else "/dev/null")
        return "".join(lines)


def credwall_command() -> list[str]:
    """The absolute command that runs credwall on this machine: the `credwall` script next to
    this Python (a venv), else the one on PATH, else `python -m credwall` by absolute path."""
    import shutil

    exe_dir = os.path.dirname(os.path.abspath(sys.executable))
    for name in ("credwall", "credwall.exe"):
        candidate = os.path.join(exe_dir, name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return [candidate]
    found = shutil.which("credwall")
    if found:
        return [os.path.abspath(found)]
    return [os.path.abspath(sys.executable), "-m", "credwall"]


def _is_ours(command: Any) -> bool:
    return isinstance(command, str) and "credwall" in command.lower() and bool(_OURS_RE.search(command))


# --- JSON helpers ---------------------------------------------------------------------------------

def _load(path: str) -> tuple[str | None, dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        return None, {}
    except OSError as exc:
        raise InstallError(f"{path}: cannot read: {exc.strerror}") from None
    if not text.strip():
        return text, {}
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InstallError(f"{path}: not valid JSON ({exc}); fix or move it, nothing was changed") from None
    if not isinstance(data, dict):
        raise InstallError(f"{path}: expected a JSON object at the top level; nothing was changed")
    return text, data


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _table(parent: dict[str, Any], key: str, path: str, kind: type = dict) -> Any:
    value = parent.get(key)
    if value is None:
        value = kind()
        parent[key] = value
    if not isinstance(value, kind):
        raise InstallError(f"{path}: {key!r} should be a JSON {'object' if kind is dict else 'array'}")
    return value


def _prune(parent: dict[str, Any], key: str) -> None:
    """Drop parent[key] when our removal left it empty."""
    if key in parent and not parent[key]:
        del parent[key]


# --- per agent ----------------------------------------------------------------------------------

def _ours_hook(hook: Any) -> bool:
    return isinstance(hook, dict) and _is_ours(hook.get("command"))


def _nested_hooks(data: dict[str, Any], path: str, events: Sequence[tuple[str, str | None]],
                  entry: Callable[[], dict[str, Any]], uninstall: bool) -> None:
    """Claude Code / Codex shape: hooks.<Event> = [{matcher?, hooks: [{type, command, …}]}]."""
    if uninstall and "hooks" not in data:
        return
    hooks = _table(data, "hooks", path)
    wanted = dict(events)
    removed = False
    for event in list(hooks):
        groups = hooks[event]
        if not isinstance(groups, list) or (not uninstall and event in wanted):
            continue
        kept_groups = []
        for group in groups:
            if isinstance(group, dict) and isinstance(group.get("hooks"), list):
                kept = [h for h in group["hooks"] if not _ours_hook(h)]
                if len(kept) != len(group["hooks"]):
                    removed = True
                    if not kept:
                        continue  # a group that held only our hook
                    group["hooks"] = kept
            kept_groups.append(group)
        if len(kept_groups) != len(groups) or removed:
            hooks[event] = kept_groups
            if not kept_groups:
                del hooks[event]
    if uninstall:
        if removed:
            _prune(data, "hooks")
        return
    for event, matcher in events:
        groups = _table(hooks, event, path, list)
        mine = entry()
        placed = False
        result = []
        for group in groups:
            if isinstance(group, dict) and isinstance(group.get("hooks"), list) \
                    and any(_ours_hook(h) for h in group["hooks"]):
                new_hooks = []
                for hook in group["hooks"]:
                    if not _ours_hook(hook):
                        new_hooks.append(hook)
                    elif not placed:  # update ours in place; drop any duplicate
                        new_hooks.append({**hook, **mine})
                        placed = True
                if not new_hooks:
                    continue
                group["hooks"] = new_hooks
                if matcher is not None and len(new_hooks) == 1:
                    group["matcher"] = matcher
            result.append(group)
        if not placed:
            result.append({"matcher": matcher, "hooks": [mine]} if matcher is not None else {"hooks": [mine]})
        hooks[event] = result


def _flat_hooks(data: dict[str, Any], path: str, events: Sequence[tuple[str, str | None]],
                entry: Callable[[str], dict[str, Any]], is_ours: Callable[[dict[str, Any]], bool],
                uninstall: bool, version: bool = True) -> None:
    """Cursor / Copilot shape: {"version": 1, "hooks": {"<event>": [{command…}]}}."""
    if uninstall and "hooks" not in data:
        return
    hooks = _table(data, "hooks", path)
    if not uninstall and version:
        data.setdefault("version", 1)
    wanted = dict(events)
    touched = False
    for event, entries in list(hooks.items()):
        if not isinstance(entries, list):
            continue
        if uninstall or event not in wanted:
            kept = [e for e in entries if not (isinstance(e, dict) and is_ours(e))]
            if len(kept) != len(entries):
                touched = True
                hooks[event] = kept
                _prune(hooks, event)
    if uninstall:
        if touched:
            _prune(data, "hooks")
        return
    for event, matcher in events:
        entries = _table(hooks, event, path, list)
        mine = entry(event)
        if matcher is not None:
            mine["matcher"] = matcher
        positions = [i for i, e in enumerate(entries) if isinstance(e, dict) and is_ours(e)]
        if positions:
            entries[positions[0]] = {**entries[positions[0]], **mine}
            for i in reversed(positions[1:]):
                del entries[i]
        else:
            entries.append(mine)


def _claude(data: dict[str, Any], path: str, run: Commands, uninstall: bool,
            sidecar: dict[str, Any], deny_rules: bool) -> None:
    entry = {"type": "command", "command": run.posix("claude-code", None), "timeout": HOOK_TIMEOUT_SECONDS}
    if run.fail_closed:
        entry["onFailure"] = "block"  # a hook that cannot start, times out or crashes blocks the call
    _nested_hooks(data, path, CLAUDE_EVENTS, lambda: dict(entry), uninstall)
    added = [r for r in sidecar.get("deny_rules_added", []) if isinstance(r, str)]
    if uninstall:
        perms = data.get("permissions")
        if isinstance(perms, dict) and isinstance(perms.get("deny"), list) and added:
            perms["deny"] = [r for r in perms["deny"] if r not in added]
            _prune(perms, "deny")
            _prune(data, "permissions")
        sidecar.clear()
        return
    if not deny_rules:
        return
    perms = _table(data, "permissions", path)
    deny = _table(perms, "deny", path, list)
    for rule in CLAUDE_DENY_RULES:
        if rule not in deny:
            deny.append(rule)
            if rule not in added:
                added.append(rule)
    if added:
        sidecar["version"] = 1
        sidecar["note"] = (f"permissions.deny rules added to {path} by `credwall install-agent-hooks`; "
                           "`credwall install-agent-hooks --uninstall` removes exactly these")
        sidecar["deny_rules_added"] = added


def _codex(data: dict[str, Any], path: str, run: Commands, uninstall: bool) -> None:
    command = run.posix("codex", None)
    _nested_hooks(data, path, tuple((e, None) for e in CODEX_EVENTS),
                  lambda: {"type": "command", "command": command, "timeout": HOOK_TIMEOUT_SECONDS}, uninstall)


def _cursor(data: dict[str, Any], path: str, run: Commands, uninstall: bool) -> None:
    entry: dict[str, Any] = {"command": run.posix("cursor", None)}
    if run.fail_closed:
        entry["failClosed"] = True  # a hook that fails blocks the action instead of allowing it
    _flat_hooks(data, path, CURSOR_EVENTS, lambda event: dict(entry), lambda e: _is_ours(e.get("command")), uninstall)


def _copilot(data: dict[str, Any], path: str, run: Commands, uninstall: bool) -> None:
    def entry(event: str) -> dict[str, Any]:
        return {"type": "command", "bash": run.posix("copilot", event), "powershell": run.powershell("copilot", event),
                "timeoutSec": HOOK_TIMEOUT_SECONDS, "comment": COPILOT_COMMENT}

    _flat_hooks(data, path, tuple((e, None) for e in COPILOT_EVENTS), entry,
                lambda e: _is_ours(e.get("bash")) or _is_ours(e.get("powershell")), uninstall)


def _vscode(data: dict[str, Any], path: str, run: Commands, uninstall: bool) -> None:
    def entry(event: str) -> dict[str, Any]:
        # Copilot CLI loads every .json in the same directories and knows `bash`/`powershell`;
        # VS Code maps those to its own `linux`/`osx` and `windows`: the same commands either way.
        posix, powershell = run.posix("vscode", None), run.powershell("vscode", None)
        return {"type": "command", "command": posix, "windows": powershell, "bash": posix, "powershell": powershell,
                "timeout": HOOK_TIMEOUT_SECONDS}

    _flat_hooks(data, path, tuple((e, None) for e in VSCODE_EVENTS), entry,
                lambda e: _is_ours(e.get("command")) or _is_ours(e.get("windows")), uninstall, version=False)


def _empty(data: dict[str, Any]) -> bool:
    """A config that does nothing: {} or just a version and an empty hooks table."""
    return not {k: v for k, v in data.items() if not (k == "version" or (k == "hooks" and not v))}


# --- planning and writing -----------------------------------------------------------------------

def targets(agent: str, scope: str = "project", shared: bool = False, *, uninstall: bool = False) -> list[str]:
    """The file(s) of an agent in a scope, relative to the project root or the home directory.
    Uninstalling looks in every file of the scope."""
    if agent not in AGENT_FILES:
        raise InstallError(f"unknown agent {agent!r} (known: {', '.join(AGENT_FILES)})")
    if scope == "user":
        return [USER_FILES[agent]]
    if scope != "project":
        raise InstallError(f"unknown scope {scope!r} (known: {', '.join(SCOPES)})")
    local = LOCAL_FILES.get(agent)
    if uninstall:
        return [AGENT_FILES[agent]] + ([local] if local else [])
    return [AGENT_FILES[agent] if shared or not local else local]


def machine_local(rel: str, scope: str) -> bool:
    """Does this file stay on this machine (so it may name this machine's credwall)?"""
    return scope == "user" or rel in LOCAL_FILES.values()


def sidecar_path(rel: str) -> str:
    """Where the deny rules added to a Claude settings file are listed."""
    directory = os.path.dirname(rel)
    local = rel.endswith(".local.json")
    return os.path.join(directory, "credwall-agent-guard.local.json" if local else "credwall-agent-guard.json")


def plan(root: str, agents: Sequence[str], prefix: Sequence[str] | None = None, *, uninstall: bool = False,
         deny_rules: bool = True, scope: str = "project", shared: bool = False, fail_closed: bool = True,
         local_path: str | None = None) -> list[Change]:
    """The file changes that installing (or uninstalling) for these agents makes under `root`
    (the project, or the home directory for scope "user"); nothing is written. `prefix`: the
    user's own command (else the launcher); `local_path`: this machine's credwall, named first
    by the launcher in machine-local files (default: the one running now). InstallError when an
    existing file cannot be merged."""
    if local_path is None and not prefix:
        here = credwall_command()
        local_path = here[0] if len(here) == 1 else None
    changes: list[Change] = []
    for agent in agents:
        files = targets(agent, scope, shared, uninstall=uninstall)
        if not uninstall and scope == "project" and not shared and agent in LOCAL_FILES \
                and _has_ours(os.path.join(root, AGENT_FILES[agent])):
            files.append(AGENT_FILES[agent])  # an earlier shared install: bring its command up to date too
        for rel in files:
            run = commands(prefix, local_path if machine_local(rel, scope) else None, fail_closed)
            changes.extend(_plan_file(root, agent, rel, run, uninstall=uninstall, deny_rules=deny_rules))
            if not uninstall and scope == "project" and rel in LOCAL_FILES.values():
                changes.extend(_exclude_change(root, rel))
    return changes


def _has_ours(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as fh:
            return bool(_OURS_RE.search(fh.read()))
    except OSError:
        return False


def _plan_file(root: str, agent: str, rel: str, run: Commands, *, uninstall: bool, deny_rules: bool) -> list[Change]:
    path = os.path.join(root, rel)
    before, data = _load(path)
    changes: list[Change] = []
    if uninstall and before is None:
        if agent == "claude-code":
            changes.extend(_sidecar_change(root, sidecar_path(rel), {}, uninstall=True))
        return changes
    if agent == "claude-code":
        side = sidecar_path(rel)
        side_before, sidecar = _load(os.path.join(root, side))
        _claude(data, rel, run, uninstall, sidecar, deny_rules)
        changes.extend(_sidecar_change(root, side, sidecar, uninstall=uninstall, before=side_before))
    elif agent == "codex":
        _codex(data, rel, run, uninstall)
    elif agent == "cursor":
        _cursor(data, rel, run, uninstall)
    elif agent == "vscode":
        _vscode(data, rel, run, uninstall)
    else:
        _copilot(data, rel, run, uninstall)
    if uninstall and _empty(data):
        after = None
    else:
        after = _dump(data)
        if before is not None and _same_json(before, after):
            after = before  # keep the user's formatting when nothing changed
    changes.append(Change(rel, before, after))
    return changes


def _exclude_change(root: str, rel: str) -> list[Change]:
    """Keep a machine-local settings file out of commits: list it in .git/info/exclude."""
    git = os.path.join(root, ".git")
    if not os.path.isdir(git):
        return []
    exclude = os.path.join(".git", "info", "exclude")
    try:
        with open(os.path.join(root, exclude), encoding="utf-8") as fh:
            before: str | None = fh.read()
    except OSError:
        before = None
    lines = (before or "").splitlines()
    if f"/{rel}" in lines or rel in lines:
        return []
    text = (before or "")
    if text and not text.endswith("\n"):
        text += "\n"
    return [Change(exclude, before, text + f"{_EXCLUDE_NOTE}\n/{rel}\n")]


def _sidecar_change(root: str, rel: str, sidecar: dict[str, Any], *, uninstall: bool,
                    before: str | None = None) -> list[Change]:
    if before is None:
        try:
            with open(os.path.join(root, rel), encoding="utf-8") as fh:
                before = fh.read()
        except OSError:
            before = None
    if uninstall or not sidecar:
        return [Change(rel, before, None)] if before is not None else []
    after = _dump(sidecar)
    if before is not None and _same_json(before, after):
        after = before
    return [Change(rel, before, after)]


def _same_json(a: str, b: str) -> bool:
    try:
        return bool(json.loads(a) == json.loads(b))
    except ValueError:
        return False


def apply(root: str, changes: Sequence[Change]) -> None:
    """Write the planned changes (atomically, keeping each file's mode)."""
    for change in changes:
        path = os.path.join(root, change.path)
        if change.action == "unchanged":
            continue
        if change.after is None:
            os.remove(path)
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.credwall-tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(change.after)
        if change.before is not None:
            try:
                os.chmod(tmp, os.stat(path).st_mode & 0o7777)
            except OSError:
                pass
        os.replace(tmp, path)


AGENT_NOTES = {
    "claude-code": "Claude Code: runs on the next tool call; check with /hooks.",
    "cursor": "Cursor: restart Cursor, then check Settings → Hooks.",
    "codex": ("Codex: review and trust the new hooks with /hooks (untrusted project hooks do not run); "
              "Codex before 0.124 also needs `[features] codex_hooks = true` in config.toml."),
    "copilot": ("Copilot: the CLI reads .github/hooks/ from the working directory; the cloud agent reads it from "
                "the default branch and runs it on GitHub's runner: install credwall in copilot-setup-steps.yml "
                "(without it, the launcher denies every tool call there)."),
    "vscode": ("VS Code: agent mode reads .github/hooks/*.json (and .claude/settings*.json); "
               "check the 'GitHub Copilot Chat Hooks' output channel."),
}
