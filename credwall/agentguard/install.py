"""`credwall install-agent-hooks`: write the guard's hook entries into each agent's config.

| agent | file | entries |
|---|---|---|
| Claude Code | `.claude/settings.json` | `hooks.PreToolUse` / `PostToolUse` / `UserPromptSubmit`, and `permissions.deny` `Read(…)` rules for secret files |
| Cursor | `.cursor/hooks.json` | `beforeShellExecution`, `beforeMCPExecution`, `beforeReadFile`, `preToolUse` (write tools), `postToolUse`, `beforeSubmitPrompt` |
| Codex | `.codex/hooks.json` | `hooks.PreToolUse` / `PostToolUse` / `UserPromptSubmit` |
| Copilot | `.github/hooks/hooks.json` | `preToolUse`, `postToolUse`, `userPromptSubmitted` |

Existing JSON is merged, never replaced: user keys and other hooks stay where they are. Our
hook entries are recognised by their command (`… agent-hook --agent <name>`), which runs the
credwall executable by ABSOLUTE path, because agents spawn hooks with their own PATH. The
`permissions.deny` rules a Claude Code settings file already had are never touched; the ones we
add are listed in `.claude/credwall-agent-guard.json` so `--uninstall` removes exactly those.
Installing twice changes nothing; `--uninstall` removes only what install added (and a file that
is left empty).
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shlex
import sys
from typing import Any, Callable, NamedTuple, Sequence

AGENT_FILES = {
    "claude-code": ".claude/settings.json",
    "cursor": ".cursor/hooks.json",
    "codex": ".codex/hooks.json",
    "copilot": ".github/hooks/hooks.json",
}
SIDECAR = ".claude/credwall-agent-guard.json"
HOOK_TIMEOUT_SECONDS = 30  # the first run builds the rule caches; later runs take milliseconds

CLAUDE_EVENTS: tuple[tuple[str, str | None], ...] = (
    ("PreToolUse", "Bash|Read|Write|Edit|MultiEdit|NotebookEdit|Grep|WebFetch|WebSearch|mcp__.*"),
    ("PostToolUse", "Bash|Read|Grep|WebFetch|mcp__.*"),
    ("UserPromptSubmit", None),
)
CODEX_EVENTS = ("PreToolUse", "PostToolUse", "UserPromptSubmit")
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

_OURS_RE = re.compile(r"agent-hook\s+--agent\s+['\"]?(claude-code|cursor|codex|copilot)\b")


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
    """The absolute command that runs credwall: the `credwall` script next to this Python (a
    venv), else the one on PATH, else `python -m credwall` by absolute interpreter path."""
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


def hook_command(prefix: Sequence[str], agent: str, event: str | None = None) -> str:
    args = [*prefix, "agent-hook", "--agent", agent] + (["--event", event] if event else [])
    return shlex.join(args)


def _powershell_command(prefix: Sequence[str], agent: str, event: str) -> str:
    quoted = ["'" + p.replace("'", "''") + "'" for p in prefix]
    return "& " + " ".join(quoted) + f" agent-hook --agent {agent} --event {event}"


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
                uninstall: bool) -> None:
    """Cursor / Copilot shape: {"version": 1, "hooks": {"<event>": [{command…}]}}."""
    if uninstall and "hooks" not in data:
        return
    hooks = _table(data, "hooks", path)
    if not uninstall:
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


def _claude(data: dict[str, Any], path: str, prefix: Sequence[str], uninstall: bool,
            sidecar: dict[str, Any], deny_rules: bool) -> None:
    command = hook_command(prefix, "claude-code")
    _nested_hooks(data, path, CLAUDE_EVENTS,
                  lambda: {"type": "command", "command": command, "timeout": HOOK_TIMEOUT_SECONDS}, uninstall)
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
        sidecar["note"] = ("permissions.deny rules added to .claude/settings.json by `credwall install-agent-hooks`; "
                           "`credwall install-agent-hooks --uninstall` removes exactly these")
        sidecar["deny_rules_added"] = added


def _codex(data: dict[str, Any], path: str, prefix: Sequence[str], uninstall: bool) -> None:
    command = hook_command(prefix, "codex")
    _nested_hooks(data, path, tuple((e, None) for e in CODEX_EVENTS),
                  lambda: {"type": "command", "command": command, "timeout": HOOK_TIMEOUT_SECONDS}, uninstall)


def _cursor(data: dict[str, Any], path: str, prefix: Sequence[str], uninstall: bool) -> None:
    command = hook_command(prefix, "cursor")
    _flat_hooks(data, path, CURSOR_EVENTS, lambda event: {"command": command},
                lambda e: _is_ours(e.get("command")), uninstall)


def _copilot(data: dict[str, Any], path: str, prefix: Sequence[str], uninstall: bool) -> None:
    def entry(event: str) -> dict[str, Any]:
        return {"type": "command", "bash": hook_command(prefix, "copilot", event),
                "powershell": _powershell_command(prefix, "copilot", event),
                "timeoutSec": HOOK_TIMEOUT_SECONDS, "comment": COPILOT_COMMENT}

    _flat_hooks(data, path, tuple((e, None) for e in COPILOT_EVENTS), entry,
                lambda e: _is_ours(e.get("bash")) or _is_ours(e.get("powershell")), uninstall)


def _empty(data: dict[str, Any]) -> bool:
    """A config that does nothing: {} or just a version and an empty hooks table."""
    return not {k: v for k, v in data.items() if not (k == "version" or (k == "hooks" and not v))}


# --- planning and writing -----------------------------------------------------------------------

def plan(root: str, agents: Sequence[str], prefix: Sequence[str] | None = None, *, uninstall: bool = False,
         deny_rules: bool = True) -> list[Change]:
    """The file changes that installing (or uninstalling) for these agents makes; nothing is
    written. InstallError when an existing file cannot be merged."""
    prefix = list(prefix) if prefix else credwall_command()
    changes: list[Change] = []
    for agent in agents:
        if agent not in AGENT_FILES:
            raise InstallError(f"unknown agent {agent!r} (known: {', '.join(AGENT_FILES)})")
        rel = AGENT_FILES[agent]
        path = os.path.join(root, rel)
        before, data = _load(path)
        if uninstall and before is None:
            if agent == "claude-code":
                changes.extend(_sidecar_change(root, {}, uninstall=True))
            continue
        if agent == "claude-code":
            side_before, sidecar = _load(os.path.join(root, SIDECAR))
            _claude(data, rel, prefix, uninstall, sidecar, deny_rules)
            changes.extend(_sidecar_change(root, sidecar, uninstall=uninstall, before=side_before))
        elif agent == "codex":
            _codex(data, rel, prefix, uninstall)
        elif agent == "cursor":
            _cursor(data, rel, prefix, uninstall)
        else:
            _copilot(data, rel, prefix, uninstall)
        if uninstall and _empty(data):
            after = None
        else:
            after = _dump(data)
            if before is not None and _same_json(before, after):
                after = before  # keep the user's formatting when nothing changed
        changes.append(Change(rel, before, after))
    return changes


def _sidecar_change(root: str, sidecar: dict[str, Any], *, uninstall: bool, before: str | None = None) -> list[Change]:
    if before is None:
        try:
            with open(os.path.join(root, SIDECAR), encoding="utf-8") as fh:
                before = fh.read()
        except OSError:
            before = None
    if uninstall or not sidecar:
        return [Change(SIDECAR, before, None)] if before is not None else []
    after = _dump(sidecar)
    if before is not None and _same_json(before, after):
        after = before
    return [Change(SIDECAR, before, after)]


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
                "the default branch and runs it on GitHub's runner, where this absolute path does not exist: "
                "install credwall in copilot-setup-steps.yml and re-run with --command credwall for that."),
}
