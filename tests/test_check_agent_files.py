"""The `credwall-agent-files` hook (hooks/check_agent_files.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from credwall.hooks.check_agent_files import main
from tests import tokens


def _write(root: Path, rel: str, text: str) -> str:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return rel


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    return tmp_path


@pytest.mark.parametrize("rel", ["CLAUDE.md", "AGENTS.md", "GEMINI.md", ".cursorrules", ".windsurfrules",
                                 ".cursor/rules/deploy/staging.mdc", ".github/copilot-instructions.md",
                                 "skills/release/SKILL.md", ".claude/commands/deploy.md", ".clinerules"])
def test_provider_token_in_any_agent_file(here: Path, capsys: pytest.CaptureFixture[str], rel: str) -> None:
    secret = tokens.github_classic()
    _write(here, rel, f"# Deploy\n\nRun with:\n\n```sh\nGH_TOKEN={secret} ./deploy.sh\n```\n")
    assert main([rel]) == 1
    out, err = capsys.readouterr()
    assert f"{rel}:6:10: github-pat" in out
    assert secret not in out + err


def test_prose_hand_over_without_a_provider_format(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    value = tokens.rand(20, seed=71) + "9x"
    _write(here, "AGENTS.md", f"## Staging\nUse this key for staging: {value} (ask Sam for prod).\n")
    assert main(["AGENTS.md"]) == 1
    out = capsys.readouterr().out
    assert "AGENTS.md:2:27: agent-prose-credential" in out


@pytest.mark.parametrize("text", [
    "Set the API key in `OPENAI_API_KEY`; never paste it here.\n",
    "The token is read from ${GITHUB_TOKEN} at run time.\n",
    "password: <ask the on-call engineer>\n",
    "Tokens expire after 3600 seconds; refresh them with the CLI.\n",
    "Use the key: `your-api-key-here`.\n",
])
def test_prose_about_credentials_is_not_a_credential(here: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    _write(here, "CLAUDE.md", text)
    assert main(["CLAUDE.md"]) == 0, capsys.readouterr().out


def test_local_memory_file_is_itself_a_finding(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(here, "CLAUDE.local.md", "my sandbox notes\n")
    assert main(["CLAUDE.local.md"]) == 1
    assert "CLAUDE.local.md:1:1: agent-local-file-committed" in capsys.readouterr().out


def test_settings_env_and_permissions(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env_value = tokens.rand(24, seed=72) + "7q"
    secret = tokens.github_classic(seed=73)
    settings = {
        "env": {"OPENAI_API_KEY": env_value, "DEBUG": "1", "GITHUB_TOKEN": "${GITHUB_TOKEN}"},
        "permissions": {"allow": ["Bash(ls)", f"Bash(curl -H 'Authorization: token {secret}' https://api.github.com)"]},
    }
    _write(here, ".claude/settings.json", json.dumps(settings, indent=2))
    assert main([".claude/settings.json"]) == 1
    out, err = capsys.readouterr()
    assert ".claude/settings.json:3:24: agent-settings-env env.OPENAI_API_KEY" in out  # the value, after its quote
    assert "permissions.allow[1]" in out and "github-pat" in out
    assert "GITHUB_TOKEN" not in out  # a reference passes
    assert env_value not in out + err and secret not in out + err


def test_malformed_settings_is_a_clear_error(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(here, ".claude/settings.json", '{"env": {"A": "b",, }')
    assert main([".claude/settings.json"]) == 2
    err = capsys.readouterr().err
    assert ".claude/settings.json: malformed JSON: line 1" in err
    assert "Traceback" not in err


def test_clean_instructions_pass(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(here, "CLAUDE.md", "# Project\n\n- Run `make test` before committing.\n- Secrets live in 1Password.\n")
    assert main(["CLAUDE.md"]) == 0
    assert "no secrets found; scanned 1 file" in capsys.readouterr().err
