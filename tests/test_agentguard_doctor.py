"""`credwall doctor` (credwall/agentguard/doctor.py): every installed guard command is run the way
its agent runs it, and one that does not guard is reported (exit 1)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from credwall.agentguard.doctor import doctor_main
from credwall.agentguard.install import apply, plan
from credwall.cli import main as credwall_main


def doctor(root: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = doctor_main(["--root", str(root), "--home", str(root / "home"), *args], stdout=out)
    return code, out.getvalue()


def test_nothing_installed(tmp_path: Path) -> None:
    code, out = doctor(tmp_path)
    assert code == 0 and "no agent guard hooks" in out


def test_installed_guards_run_and_deny(tmp_path: Path) -> None:
    apply(str(tmp_path), plan(str(tmp_path), ["claude-code", "cursor", "codex", "copilot", "vscode"]))
    code, out = doctor(tmp_path)
    assert code == 0, out
    lines = out.splitlines()
    assert any(line.startswith("ok") and ".claude/settings.local.json (claude-code): denies `cat .env`" in line
               for line in lines)
    for agent in ("cursor", "codex", "copilot", "vscode"):
        assert any(f"({agent}): denies" in line for line in lines), (agent, out)
    assert any("(copilot): runs for postToolUse" in line for line in lines)


def test_a_path_that_no_longer_exists_is_reported(tmp_path: Path) -> None:
    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude/settings.json").write_text(json.dumps({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"type": "command", "command": "/old/venv/bin/credwall agent-hook --agent claude-code"}]}]}}))
    code, out = doctor(tmp_path)
    assert code == 1
    assert "BROKEN   .claude/settings.json (claude-code): exits 127" in out
    assert "lets every call through" in out
    code, out = doctor(tmp_path, "--format", "json")
    (entry,) = json.loads(out)["checks"]
    assert code == 1 and entry["status"] == "broken" and entry["agent"] == "claude-code"


def test_a_launcher_that_cannot_find_credwall_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    apply(str(tmp_path), plan(str(tmp_path), ["claude-code"], shared=True))
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for name in ("python3", "python"):
        (stubs / name).write_text("#!/bin/sh\nexit 1\n")
        (stubs / name).chmod(0o755)
    monkeypatch.setenv("PATH", f"{stubs}:/usr/bin:/bin")  # no credwall anywhere the launcher looks
    code, out = doctor(tmp_path)
    assert code == 1 and "BLOCKS" in out and "credwall cannot be found" in out


def test_invalid_json_and_the_main_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".cursor").mkdir()
    (tmp_path / ".cursor/hooks.json").write_text("{not json")
    assert credwall_main(["doctor", "--root", str(tmp_path), "--home", str(tmp_path / "h")]) == 1
    assert "INVALID  .cursor/hooks.json (cursor): cannot be read" in capsys.readouterr().out
    assert credwall_main(["doctor", "--bogus"]) == 2
    assert os.path.exists(tmp_path / ".cursor/hooks.json")  # the doctor never writes
