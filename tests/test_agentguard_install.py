"""`credwall install-agent-hooks` (credwall/agentguard/install.py) on real files in temp dirs:
merging with existing JSON, idempotence, dry runs, and uninstalling exactly what was added."""

from __future__ import annotations

import io
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from credwall.agentguard.cli import install_main
from credwall.agentguard.install import (AGENT_FILES, CLAUDE_DENY_RULES, SIDECAR, InstallError, apply,
                                         credwall_command, plan)

PREFIX = ["/opt/venv/bin/credwall"]


def install(root: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = install_main(["--root", str(root), "--command", shlex.join(PREFIX), *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def read(root: Path, rel: str) -> Any:
    return json.loads((root / rel).read_text())


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def test_fresh_install_writes_every_agent(tmp_path: Path) -> None:
    code, out, err = install(tmp_path)
    assert (code, err) == (0, "")
    claude = read(tmp_path, ".claude/settings.json")
    pre = claude["hooks"]["PreToolUse"]
    assert pre == [{"matcher": pre[0]["matcher"], "hooks": [
        {"type": "command", "command": "/opt/venv/bin/credwall agent-hook --agent claude-code", "timeout": 30}]}]
    assert "Bash" in pre[0]["matcher"] and "mcp__" in pre[0]["matcher"]
    assert set(claude["hooks"]) == {"PreToolUse", "PostToolUse", "UserPromptSubmit"}
    assert "matcher" not in claude["hooks"]["UserPromptSubmit"][0]
    assert claude["permissions"]["deny"] == list(CLAUDE_DENY_RULES)
    assert {"Read(./.env)", "Read(./.env.*)", "Read(**/*.pem)", "Read(~/.aws/credentials)"} <= set(CLAUDE_DENY_RULES)
    assert read(tmp_path, SIDECAR)["deny_rules_added"] == list(CLAUDE_DENY_RULES)

    cursor = read(tmp_path, ".cursor/hooks.json")
    assert cursor["version"] == 1
    assert cursor["hooks"]["beforeShellExecution"] == [{"command": "/opt/venv/bin/credwall agent-hook --agent cursor"}]
    assert set(cursor["hooks"]) == {"beforeShellExecution", "beforeMCPExecution", "beforeReadFile", "preToolUse",
                                    "postToolUse", "beforeSubmitPrompt"}
    assert "Write" in cursor["hooks"]["preToolUse"][0]["matcher"]

    codex = read(tmp_path, ".codex/hooks.json")
    assert codex == {"hooks": {event: [{"hooks": [{"type": "command", "timeout": 30,
                                                   "command": "/opt/venv/bin/credwall agent-hook --agent codex"}]}]
                               for event in ("PreToolUse", "PostToolUse", "UserPromptSubmit")}}

    copilot = read(tmp_path, ".github/hooks/hooks.json")
    entry = copilot["hooks"]["preToolUse"][0]
    assert copilot["version"] == 1
    assert entry["type"] == "command" and entry["timeoutSec"] == 30 and "credwall" in entry["comment"]
    assert entry["bash"] == "/opt/venv/bin/credwall agent-hook --agent copilot --event preToolUse"
    assert entry["powershell"] == "& '/opt/venv/bin/credwall' agent-hook --agent copilot --event preToolUse"
    assert set(copilot["hooks"]) == {"preToolUse", "postToolUse", "userPromptSubmitted"}
    assert "created: .claude/settings.json" in out and "/hooks" in out


def test_merges_without_dropping_user_keys(tmp_path: Path) -> None:
    user_hook = {"type": "command", "command": "./scripts/lint.sh"}
    settings = {
        "model": "opus", "env": {"FOO": "1"},
        "permissions": {"allow": ["Bash(npm test)"], "deny": ["Read(./.env)", "Bash(curl:*)"]},
        "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [user_hook]}],
                  "Stop": [{"hooks": [{"type": "command", "command": "say done"}]}]},
    }
    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude/settings.json").write_text(json.dumps(settings, indent=4))
    (tmp_path / ".cursor").mkdir()
    (tmp_path / ".cursor/hooks.json").write_text(json.dumps(
        {"version": 1, "hooks": {"afterFileEdit": [{"command": "./hooks/format.sh"}],
                                 "beforeShellExecution": [{"command": "./hooks/audit.sh"}]}}))
    (tmp_path / ".github/hooks").mkdir(parents=True)
    (tmp_path / ".github/hooks/hooks.json").write_text(json.dumps(
        {"version": 1, "hooks": {"sessionStart": [{"type": "command", "bash": "./start.sh"}]}, "x-team": "infra"}))

    assert install(tmp_path)[0] == 0
    claude = read(tmp_path, ".claude/settings.json")
    assert claude["model"] == "opus" and claude["env"] == {"FOO": "1"}
    assert claude["permissions"]["allow"] == ["Bash(npm test)"]
    assert claude["permissions"]["deny"][:2] == ["Read(./.env)", "Bash(curl:*)"]
    assert claude["permissions"]["deny"].count("Read(./.env)") == 1
    assert claude["hooks"]["Stop"] == settings["hooks"]["Stop"]
    assert claude["hooks"]["PreToolUse"][0] == {"matcher": "Bash", "hooks": [user_hook]}
    assert "agent-hook" in claude["hooks"]["PreToolUse"][1]["hooks"][0]["command"]
    # the rule the user already had is not ours to remove later
    assert "Read(./.env)" not in read(tmp_path, SIDECAR)["deny_rules_added"]

    cursor = read(tmp_path, ".cursor/hooks.json")
    assert cursor["hooks"]["afterFileEdit"] == [{"command": "./hooks/format.sh"}]
    assert cursor["hooks"]["beforeShellExecution"][0] == {"command": "./hooks/audit.sh"}
    copilot = read(tmp_path, ".github/hooks/hooks.json")
    assert copilot["x-team"] == "infra" and copilot["hooks"]["sessionStart"] == [{"type": "command", "bash": "./start.sh"}]

    # uninstall restores every file to what the user had (as JSON), and removes our own files
    assert install(tmp_path, "--uninstall")[0] == 0
    assert read(tmp_path, ".claude/settings.json") == settings
    assert read(tmp_path, ".cursor/hooks.json")["hooks"] == {"afterFileEdit": [{"command": "./hooks/format.sh"}],
                                                             "beforeShellExecution": [{"command": "./hooks/audit.sh"}]}
    assert read(tmp_path, ".github/hooks/hooks.json")["hooks"] == {"sessionStart": [{"type": "command", "bash": "./start.sh"}]}
    assert not (tmp_path / SIDECAR).exists()
    assert not (tmp_path / ".codex/hooks.json").exists()


def test_idempotent(tmp_path: Path) -> None:
    install(tmp_path)
    first = snapshot(tmp_path)
    code, out, _ = install(tmp_path)
    assert code == 0 and snapshot(tmp_path) == first
    assert out.count("unchanged:") == len(AGENT_FILES) + 1  # and the sidecar
    assert all(c.action == "unchanged" for c in plan(str(tmp_path), list(AGENT_FILES), PREFIX))


def test_reinstall_updates_the_path_in_place(tmp_path: Path) -> None:
    install(tmp_path, "--agent", "claude-code", "--agent", "codex")
    settings = read(tmp_path, ".claude/settings.json")
    settings["hooks"]["PreToolUse"][0]["hooks"].append({"type": "command", "command": "./mine.sh"})
    (tmp_path / ".claude/settings.json").write_text(json.dumps(settings))
    changes = plan(str(tmp_path), ["claude-code", "codex"], ["/new/venv/bin/credwall"])
    apply(str(tmp_path), changes)
    pre = read(tmp_path, ".claude/settings.json")["hooks"]["PreToolUse"]
    assert len(pre) == 1
    assert [h["command"] for h in pre[0]["hooks"]] == ["/new/venv/bin/credwall agent-hook --agent claude-code", "./mine.sh"]
    assert "matcher" in pre[0]
    codex = json.dumps(read(tmp_path, ".codex/hooks.json"))
    assert "/new/venv/bin/credwall" in codex and "/opt/venv" not in codex


def test_fresh_install_then_uninstall_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("hi\n")
    install(tmp_path)
    code, out, _ = install(tmp_path, "--uninstall")
    assert code == 0 and "removed: .claude/settings.json" in out
    assert snapshot(tmp_path) == {"README.md": "hi\n"}
    assert install(tmp_path, "--uninstall")[0] == 0  # nothing to remove: still fine


def test_uninstall_keeps_rules_and_hooks_added_by_the_user_afterwards(tmp_path: Path) -> None:
    install(tmp_path, "--agent", "claude-code")
    settings = read(tmp_path, ".claude/settings.json")
    settings["permissions"]["deny"].append("Read(./secrets/**)")
    settings["hooks"]["UserPromptSubmit"][0]["hooks"].append({"type": "command", "command": "./audit.sh"})
    (tmp_path / ".claude/settings.json").write_text(json.dumps(settings))
    install(tmp_path, "--agent", "claude-code", "--uninstall")
    left = read(tmp_path, ".claude/settings.json")
    assert left == {"permissions": {"deny": ["Read(./secrets/**)"]},
                    "hooks": {"UserPromptSubmit": [{"hooks": [{"type": "command", "command": "./audit.sh"}]}]}}


def test_dry_run_writes_nothing_and_prints_a_diff(tmp_path: Path) -> None:
    (tmp_path / ".cursor").mkdir()
    (tmp_path / ".cursor/hooks.json").write_text('{"version": 1, "hooks": {}}\n')
    before = snapshot(tmp_path)
    code, out, _ = install(tmp_path, "--dry-run", "--agent", "cursor", "--agent", "claude-code")
    assert code == 0 and snapshot(tmp_path) == before
    assert "--- a/.cursor/hooks.json" in out and "+++ b/.cursor/hooks.json" in out
    assert "--- /dev/null" in out and "+++ b/.claude/settings.json" in out
    assert "would be created: .claude/settings.json" in out and "dry run: nothing was written" in out


def test_no_deny_rules(tmp_path: Path) -> None:
    install(tmp_path, "--agent", "claude-code", "--no-deny-rules")
    assert "permissions" not in read(tmp_path, ".claude/settings.json")
    assert not (tmp_path / SIDECAR).exists()


@pytest.mark.parametrize("text", ["{broken", "[1, 2]", '{"hooks": []}'])
def test_unmergeable_files_are_errors_and_nothing_is_written(tmp_path: Path, text: str) -> None:
    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude/settings.json").write_text(text)
    before = snapshot(tmp_path)
    code, out, err = install(tmp_path)
    assert code == 2 and ".claude/settings.json" in err
    assert snapshot(tmp_path) == before
    with pytest.raises(InstallError):
        plan(str(tmp_path), ["claude-code"], PREFIX)


def test_default_command_is_an_absolute_path() -> None:
    command = credwall_command()
    assert os.path.isabs(command[0])


def test_installed_command_runs_the_guard(tmp_path: Path) -> None:
    """The command written into the config, run the way an agent runs it (through a shell, from
    another directory, with a minimal PATH), answers a real payload."""
    prefix = [sys.executable, "-m", "credwall.agentguard"]
    apply(str(tmp_path), plan(str(tmp_path), ["claude-code"], prefix))
    command = read(tmp_path, ".claude/settings.json")["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
    payload = {"session_id": "s", "transcript_path": "/t", "cwd": str(tmp_path), "permission_mode": "default",
               "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_use_id": "t",
               "tool_input": {"command": "cat .env"}}
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
           "CREDWALL_CACHE_DIR": os.environ["CREDWALL_CACHE_DIR"], "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(["/bin/sh", "-c", command], input=json.dumps(payload).encode(), capture_output=True,
                          cwd=tmp_path, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"
