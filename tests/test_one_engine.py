"""One answer per file: one repository run through every entry point — `credwall scan`, the
staged scan, each hook, the history scan, the push hook, `baseline create`, the agent guard and
`audit` — gives the same findings (rule ids, lines, columns, fingerprints)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests import tokens
from tests.conftest import GitRepo

Key = tuple[str, str, int, int, str]  # rule id, path, line, column, fingerprint


def _tree() -> dict[str, str]:
    literal = tokens.rand(26, seed=501) + "9x"
    return {
        ".env.production": f"APP_ENV=production\nDATABASE_PASSWORD={tokens.rand(22, seed=502)}7Q\n",
        ".mcp.json": json.dumps({"mcpServers": {"db": {"command": "npx", "args": ["-y", "db-mcp", "--api-key", literal]}}},
                                indent=2) + "\n",
        "CLAUDE.local.md": "My sandbox notes.\n",
        "CLAUDE.md": f"# Staging\n\nUse this token for the staging API: {tokens.rand(30, seed=503)}4k\n",
        "infra/prod.tfstate": json.dumps({"version": 4, "resources": [{"instances": [{"attributes": {
            "password": tokens.password(seed=504)}}]}]}) + "\n",
        "deploy/id_ed25519": tokens.openssh_private_key_unencrypted(seed=505),
        ".github/workflows/deploy.yml": ("on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n"
                                         f"      DEPLOY_TOKEN: {tokens.rand(24, seed=506)}3b\n"
                                         "    steps:\n      - run: ./deploy.sh\n"),
        "src/app.py": f"GITHUB_TOKEN = '{tokens.github_classic(seed=507)}'\n",
    }


def _keys(findings: list[dict]) -> set[Key]:  # type: ignore[type-arg]
    return {(f["rule_id"], os.path.normpath(f["path"]), f["line"], f["column"], f["fingerprint"]) for f in findings}


def _json_of(capsys: pytest.CaptureFixture[str]) -> set[Key]:
    return _keys(json.loads(capsys.readouterr().out)["findings"])


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    for name, content in _tree().items():
        git_repo.stage(name, content)
    return git_repo


def test_every_entry_point_gives_the_same_findings(repo: GitRepo, run_cli, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from credwall.hooks import check_agent_files, check_ci, check_env_files, check_mcp, check_push, check_secrets

    code, out, _ = run_cli("scan", "--format", "json", ".")
    assert code == 1
    scan = _keys(json.loads(out)["findings"])
    by_file = {path for _, path, *_ in scan}
    rules = {rule for rule, *_ in scan}
    # Each of the five files is reported by `scan`, with its analyser's rule.
    assert {".env.production", ".mcp.json", "CLAUDE.local.md", "infra/prod.tfstate", "deploy/id_ed25519"} <= by_file
    assert {"env-file-value", "mcp-literal-credential", "agent-local-file-committed", "terraform-state",
            "agent-prose-credential", "ci-literal-credential", "github-pat"} <= rules

    code, out, _ = run_cli("scan", "--staged", "--format", "json")
    assert (code, _keys(json.loads(out)["findings"])) == (1, scan)

    names = sorted(_tree())
    assert check_secrets.main(["--format", "json", *names]) == 1
    assert _json_of(capsys) == scan  # the main hook: every analyser
    kinds = {check_env_files: {".env.production", "infra/prod.tfstate", "deploy/id_ed25519"},
             check_mcp: {".mcp.json"}, check_agent_files: {"CLAUDE.md", "CLAUDE.local.md"},
             check_ci: {".github/workflows/deploy.yml"}}
    for hook, files in kinds.items():
        assert hook.main(["--format", "json", *names]) == 1
        assert _json_of(capsys) == {k for k in scan if k[1] in files}, hook.__name__

    repo.commit("everything")
    code, out, _ = run_cli("scan", "--history", "--format", "json")
    assert (code, _keys(json.loads(out)["findings"])) == (1, scan)

    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    assert check_push.main(["--format", "json", "--remote", "origin"]) == 1
    assert _json_of(capsys) == scan

    code, _, _ = run_cli("baseline", "create")
    assert code == 0
    entries = [json.loads(line) for line in (repo.path / ".credwall-baseline.jsonl").read_text().splitlines()[1:]]
    assert {(e["rule_id"], e["path"], e["fingerprint"]) for e in entries} == {(r, p, f) for r, p, _, _, f in scan}


def test_the_agent_guard_judges_a_write_as_the_file_it_becomes(repo: GitRepo, run_cli) -> None:  # type: ignore[no-untyped-def]
    """An agent's Write of each file is denied for every finding `credwall scan` reports in it
    that is about a value (findings about committing a whole file concern commits, not writes)."""
    from credwall.agentguard.cli import hook_main

    code, out, _ = run_cli("scan", "--format", "json", ".")
    scan = json.loads(out)["findings"]
    whole_file = {"agent-local-file-committed", "terraform-state", "env-file-committed", "private-key-file"}
    for name, content in _tree().items():
        expected = {f["rule_id"] for f in scan if os.path.normpath(f["path"]) == name} - whole_file
        if not expected:
            continue
        event = {"hook_event_name": "PreToolUse", "tool_name": "Write", "cwd": str(repo.path),
                 "tool_input": {"file_path": f"new/{name}", "content": content}}
        stdout = _run_guard(hook_main, event)
        verdict = json.loads(stdout)["hookSpecificOutput"]
        assert verdict["permissionDecision"] == "deny", (name, verdict)
        for rule_id in expected:
            assert rule_id in verdict["permissionDecisionReason"], (name, rule_id, verdict)


def _run_guard(hook_main, event: dict) -> str:  # type: ignore[no-untyped-def,type-arg]
    import io

    out, err = io.StringIO(), io.StringIO()
    stdin = io.BytesIO(json.dumps(event).encode())
    assert hook_main(["--agent", "claude-code"], stdin=stdin, stdout=out, stderr=err) == 0, err.getvalue()
    return out.getvalue()


def test_an_edit_is_judged_on_what_it_adds(repo: GitRepo) -> None:
    """An Edit that adds a literal to an MCP config is denied; one that leaves an existing
    literal where it is (the file is already reported on commit) is not the guard's to block."""
    from credwall.agentguard.cli import hook_main

    clean = json.dumps({"mcpServers": {"db": {"command": "npx", "args": ["db-mcp", "--api-key", "${DB_KEY}"]}}})
    repo.write("tools/.mcp.json", clean)
    literal = tokens.rand(26, seed=511) + "2W"
    edit = {"hook_event_name": "PreToolUse", "tool_name": "Edit", "cwd": str(repo.path),
            "tool_input": {"file_path": "tools/.mcp.json", "old_string": "${DB_KEY}", "new_string": literal}}
    verdict = json.loads(_run_guard(hook_main, edit))["hookSpecificOutput"]
    assert verdict["permissionDecision"] == "deny" and "mcp-literal-credential" in verdict["permissionDecisionReason"]
    assert literal not in json.dumps(verdict)

    rename = dict(edit, tool_input={"file_path": "tools/.mcp.json", "old_string": '"db"', "new_string": '"database"'})
    repo.write("tools/.mcp.json", clean.replace("${DB_KEY}", literal))
    stdout = _run_guard(hook_main, rename)
    assert "deny" not in stdout, stdout


def test_audit_reports_the_same_fingerprints(repo: GitRepo, run_cli) -> None:  # type: ignore[no-untyped-def]
    from credwall.audit import audit

    code, out, _ = run_cli("scan", "--format", "json", ".")
    scan = {os.path.normpath(f["path"]): set() for f in json.loads(out)["findings"]}
    for f in json.loads(out)["findings"]:
        scan[os.path.normpath(f["path"])].add(f["fingerprint"])
    items = {i.where: {s.fingerprint for s in i.secrets} for i in audit(str(repo.path), None, {})
             if i.kind not in ("file-permissions",)}
    for path in (".env.production", ".mcp.json", "CLAUDE.md", ".github/workflows/deploy.yml", "infra/prod.tfstate",
                 "deploy/id_ed25519"):
        assert path in items, (path, sorted(items))
        assert items[path] == scan[path], path
