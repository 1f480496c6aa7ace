"""`credwall install-agent-hooks` (credwall/agentguard/install.py) on real files in temp dirs:
merging with existing JSON, idempotence, dry runs, uninstalling exactly what was added, local and
shared and user-level files, and a guard that blocks rather than allows when credwall is gone."""

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
from credwall.agentguard.install import (CLAUDE_DENY_RULES, DEFAULT_AGENTS, SIDECAR, InstallError, apply,
                                         credwall_command, plan)

PREFIX = ["/opt/venv/bin/credwall"]


def install(root: Path, *args: str, shared: bool = True) -> tuple[int, str, str]:
    """Install with an explicit command (so entries are predictable) into the shared files."""
    out, err = io.StringIO(), io.StringIO()
    argv = ["--root", str(root), "--command", shlex.join(PREFIX), "--agent", "claude-code", "--agent", "cursor",
            "--agent", "codex", "--agent", "copilot", *args] if "--agent" not in args else \
        ["--root", str(root), "--command", shlex.join(PREFIX), *args]
    code = install_main(argv + (["--shared"] if shared else []), stdout=out, stderr=err)
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
        {"type": "command", "command": "/opt/venv/bin/credwall agent-hook --agent claude-code", "timeout": 30,
         "onFailure": "block"}]}]
    assert "Bash" in pre[0]["matcher"] and "mcp__" in pre[0]["matcher"]
    assert set(claude["hooks"]) == {"PreToolUse", "PostToolUse", "UserPromptSubmit"}
    assert "matcher" not in claude["hooks"]["UserPromptSubmit"][0]
    assert claude["permissions"]["deny"] == list(CLAUDE_DENY_RULES)
    assert {"Read(./.env)", "Read(./.env.*)", "Read(**/*.pem)", "Read(~/.aws/credentials)"} <= set(CLAUDE_DENY_RULES)
    assert read(tmp_path, SIDECAR)["deny_rules_added"] == list(CLAUDE_DENY_RULES)

    cursor = read(tmp_path, ".cursor/hooks.json")
    assert cursor["version"] == 1
    assert cursor["hooks"]["beforeShellExecution"] == [{"command": "/opt/venv/bin/credwall agent-hook --agent cursor",
                                                         "failClosed": True}]
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
    assert entry["powershell"] == "/opt/venv/bin/credwall agent-hook --agent copilot --event preToolUse"
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
    assert out.count("unchanged:") == len(DEFAULT_AGENTS) + 1  # and the sidecar
    assert all(c.action == "unchanged" for c in plan(str(tmp_path), list(DEFAULT_AGENTS), PREFIX, shared=True))


def test_reinstall_updates_the_path_in_place(tmp_path: Path) -> None:
    install(tmp_path, "--agent", "claude-code", "--agent", "codex")
    settings = read(tmp_path, ".claude/settings.json")
    settings["hooks"]["PreToolUse"][0]["hooks"].append({"type": "command", "command": "./mine.sh"})
    (tmp_path / ".claude/settings.json").write_text(json.dumps(settings))
    changes = plan(str(tmp_path), ["claude-code", "codex"], ["/new/venv/bin/credwall"], shared=True)
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
        plan(str(tmp_path), ["claude-code"], PREFIX, shared=True)


def test_default_command_is_an_absolute_path() -> None:
    command = credwall_command()
    assert os.path.isabs(command[0])


def _payload(cwd: Path) -> bytes:
    return json.dumps({"session_id": "s", "transcript_path": "/t", "cwd": str(cwd), "permission_mode": "default",
                       "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_use_id": "t",
                       "tool_input": {"command": "cat .env"}}).encode()


def _fake_credwall(bin_dir: Path) -> Path:
    """A `credwall` executable, as a venv or a package manager would put on PATH."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    exe = bin_dir / "credwall"
    exe.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m credwall \"$@\"\n")
    exe.chmod(0o755)
    return exe


def _no_python(bin_dir: Path) -> None:
    """Interpreters that cannot import credwall, so the launcher's last resort fails here as it
    would on a machine without credwall (whatever this machine's own python3 has installed)."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name in ("python3", "python"):
        stub = bin_dir / name
        stub.write_text("#!/bin/sh\nexit 1\n")
        stub.chmod(0o755)


def _run(command: str, cwd: Path, path: str, payload: bytes) -> subprocess.CompletedProcess[bytes]:
    env = {"PATH": path, "HOME": str(cwd), "CREDWALL_CACHE_DIR": os.environ["CREDWALL_CACHE_DIR"],
           "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(["/bin/sh", "-c", command], input=payload, capture_output=True, cwd=cwd, env=env, timeout=120)


def test_installed_hook_blocks_the_call_when_credwall_is_gone(tmp_path: Path) -> None:
    """Install the hooks, run the agent's call through them, remove the credwall binary from
    PATH, and run the call again: blocked (exit 2, the reason on stderr), not allowed."""
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    tools = tmp_path / "tools"
    exe = _fake_credwall(tools)
    _no_python(tools)
    apply(str(project), plan(str(project), ["claude-code", "copilot"], local_path=str(exe)))
    command = read(project, ".claude/settings.local.json")["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
    path = f"{tools}:/usr/bin:/bin"

    proc = _run(command, project, path, _payload(project))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"

    exe.unlink()  # the venv was rebuilt, or this is a teammate's machine
    proc = _run(command, project, path, _payload(project))
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)  # Claude Code blocks on exit 2
    assert b"credwall is not installed" in proc.stderr
    # Copilot ignores a failing hook: its launcher denies in the output it does read
    bash = read(project, ".github/hooks/hooks.json")["hooks"]["preToolUse"][0]["bash"]
    proc = _run(bash, project, path, json.dumps({"toolName": "bash", "toolArgs": "{}"}).encode())
    assert proc.returncode == 0 and json.loads(proc.stdout)["permissionDecision"] == "deny"
    # what an absolute path did instead: exit 127, which every agent reads as "go ahead"
    old = _run(f"{shlex.quote(str(exe))} agent-hook --agent claude-code", project, path, _payload(project))
    assert old.returncode == 127


def test_the_launcher_finds_credwall_on_path_or_in_the_project_venv(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    apply(str(project), plan(str(project), ["claude-code"], shared=True))
    command = read(project, ".claude/settings.json")["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
    tools = tmp_path / "bin"
    _no_python(tools)
    _fake_credwall(tools)
    proc = _run(command, project, f"{tools}:/usr/bin:/bin", _payload(project))
    assert proc.returncode == 0 and json.loads(proc.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"
    (tools / "credwall").unlink()
    _fake_credwall(project / ".venv" / "bin")  # the project's own virtualenv
    proc = _run(command, project, f"{tools}:/usr/bin:/bin", _payload(project))
    assert proc.returncode == 0 and json.loads(proc.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"


def test_default_install_is_local_and_shared_files_name_no_machine_path(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    out, err = io.StringIO(), io.StringIO()
    assert install_main(["--root", str(tmp_path)], stdout=out, stderr=err) == 0, err.getvalue()
    assert not (tmp_path / ".claude/settings.json").exists()
    local = read(tmp_path, ".claude/settings.local.json")
    command = local["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
    here = credwall_command()[0]
    assert command.startswith("sh -c ") and here in command  # this machine's credwall first, then a search
    assert read(tmp_path, ".claude/credwall-agent-guard.local.json")["deny_rules_added"] == list(CLAUDE_DENY_RULES)
    assert "/.claude/settings.local.json" in (tmp_path / ".git/info/exclude").read_text().splitlines()
    for rel in (".cursor/hooks.json", ".codex/hooks.json", ".github/hooks/hooks.json"):
        text = (tmp_path / rel).read_text()
        assert "agent-hook" in text and here not in text and os.path.dirname(sys.executable) not in text, rel
    assert "credwall doctor" in out.getvalue()
    # shared: the committed Claude file, with no path of this machine either
    assert install_main(["--root", str(tmp_path), "--shared", "--agent", "claude-code"], stdout=out, stderr=err) == 0
    assert here not in (tmp_path / ".claude/settings.json").read_text()
    # installing again changes nothing, and uninstall removes both Claude files' entries
    before = snapshot(tmp_path)
    install_main(["--root", str(tmp_path)], stdout=out, stderr=err)
    assert snapshot(tmp_path) == before
    assert install_main(["--root", str(tmp_path), "--uninstall", "--agent", "claude-code"], stdout=out, stderr=err) == 0
    assert not (tmp_path / ".claude/settings.json").exists() and not (tmp_path / ".claude/settings.local.json").exists()
    assert not (tmp_path / ".claude/credwall-agent-guard.local.json").exists()


def test_user_scope_and_vscode(tmp_path: Path) -> None:
    home, project = tmp_path / "home", tmp_path / "project"
    project.mkdir()
    out, err = io.StringIO(), io.StringIO()
    code = install_main(["--scope", "user", "--home", str(home), "--agent", "claude-code", "--agent", "copilot",
                         "--agent", "vscode", "--agent", "cursor", "--root", str(project)], stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    assert list(project.iterdir()) == []
    assert "agent-hook --agent claude-code" in (home / ".claude/settings.json").read_text()
    assert "agent-hook --agent copilot --event preToolUse" in (home / ".copilot/hooks/credwall.json").read_text()
    assert read(home, ".cursor/hooks.json")["hooks"]["beforeShellExecution"][0]["failClosed"] is True
    vscode = read(home, ".copilot/hooks/credwall-vscode.json")
    assert "version" not in vscode and set(vscode["hooks"]) == {"PreToolUse", "PostToolUse", "UserPromptSubmit"}
    entry = vscode["hooks"]["PreToolUse"][0]
    assert entry["type"] == "command" and "agent-hook --agent vscode" in entry["command"] and "Get-Command" in entry["windows"]
    assert f"created: {home}/.claude/settings.json" in out.getvalue()
    assert install_main(["--scope", "user", "--home", str(home), "--uninstall", "--agent", "claude-code", "--agent",
                         "copilot", "--agent", "vscode", "--agent", "cursor"], stdout=out, stderr=err) == 0
    assert snapshot(home) == {}


def test_fail_closed_options_can_be_left_out(tmp_path: Path) -> None:
    install(tmp_path, "--agent", "claude-code", "--agent", "cursor", "--no-fail-closed")
    assert "onFailure" not in (tmp_path / ".claude/settings.json").read_text()
    assert "failClosed" not in (tmp_path / ".cursor/hooks.json").read_text()


def test_a_local_install_updates_an_earlier_shared_one(tmp_path: Path) -> None:
    """A team file written by an older install (an absolute path) gets the launcher too."""
    install(tmp_path, "--agent", "claude-code")  # shared, with /opt/venv/bin/credwall
    out, err = io.StringIO(), io.StringIO()
    assert install_main(["--root", str(tmp_path), "--agent", "claude-code"], stdout=out, stderr=err) == 0
    shared = (tmp_path / ".claude/settings.json").read_text()
    assert "/opt/venv/bin/credwall" not in shared and "sh -c" in shared and credwall_command()[0] not in shared
    assert "sh -c" in (tmp_path / ".claude/settings.local.json").read_text()
