"""The hooks through real pre-commit: `pre-commit try-repo` for each hook id, and a repository
that enables every credwall hook at once."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests import tokens
from tests.conftest import REPO_ROOT, run_pre_commit as _pre_commit

pytestmark = pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit not installed")

# Commit-stage hooks (credwall-push runs at pre-push and has its own test, tests/test_check_push.py).
HOOK_IDS = [hook["id"] for hook in yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
            if "pre-push" not in hook.get("stages", [])]
def _try_repo(repo: Path, hook_repo: tuple[Path, str], home: Path, hook: str, *extra: str) -> subprocess.CompletedProcess[str]:
    path, sha = hook_repo
    return _pre_commit(["try-repo", str(path), hook, "--ref", sha, *extra], repo, home)


def test_try_repo_blocks_a_staged_token_and_passes_a_clean_change(git_repo, hook_repo, pre_commit_home) -> None:  # type: ignore[no-untyped-def]
    secret = tokens.github_classic()
    git_repo.stage("deploy.sh", f"export GH_TOKEN={secret}\n")
    blocked = _try_repo(git_repo.path, hook_repo, pre_commit_home, "credwall")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "deploy.sh:1:17: github-pat" in blocked.stdout
    assert secret not in blocked.stdout + blocked.stderr

    git_repo.git("rm", "-q", "--cached", "deploy.sh")
    (git_repo.path / "deploy.sh").unlink()
    git_repo.stage("hello.py", "print('hello')\n")
    clean = _try_repo(git_repo.path, hook_repo, pre_commit_home, "credwall")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout


def _fixture_for(hook: str) -> tuple[str, str, str]:
    """(file, content, expected fragment of the report) that the hook must block."""
    gh = tokens.github_classic(seed=91)
    literal = tokens.rand(20, seed=92) + "5z"
    return {
        "credwall": ("app.py", f"TOKEN = '{gh}'\n", "app.py:1:10: github-pat"),
        "credwall-env-files": (".env", f"API_KEY={literal}\n", ".env:1:"),
        "credwall-mcp": (".mcp.json", '{"mcpServers": {"gh": {"command": "npx", "env": {"GITHUB_TOKEN": "%s"}}}}' % gh,
                         ".mcp.json:1:"),
        "credwall-agent-files": ("CLAUDE.md", f"# Notes\nstaging password: {literal}\n", "CLAUDE.md:2:"),
        "credwall-ignores": (".gitignore", "node_modules/\n", "added .env"),
        "credwall-ci": (".github/workflows/ci.yml",
                        f"on: push\njobs:\n  a:\n    runs-on: x\n    env:\n      DEPLOY_TOKEN: {literal}\n",
                        ".github/workflows/ci.yml:6:"),
    }[hook]


@pytest.mark.parametrize("hook", HOOK_IDS)
def test_each_hook_id_blocks_its_kind_of_file(git_repo, hook_repo, pre_commit_home, hook: str) -> None:  # type: ignore[no-untyped-def]
    name, content, expected = _fixture_for(hook)
    git_repo.stage(name, content)
    proc = _try_repo(git_repo.path, hook_repo, pre_commit_home, hook)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert expected in proc.stdout, proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def _findings_by_hook(output: str) -> dict[str, set[str]]:
    """`path:line:column: rule-id` lines of pre-commit's output, per hook id."""
    import re

    found: dict[str, set[str]] = {}
    hook = ""
    for line in output.splitlines():
        if line.startswith("- hook id: "):
            hook = line[len("- hook id: "):].strip()
            found.setdefault(hook, set())
        elif re.match(r"^\S+:\d+:\d+: [a-z0-9-]+ ", line):
            found[hook].add(" ".join(line.split(" ", 2)[:2]))
    return found


def test_every_hook_gives_the_main_hooks_answer_for_its_files(git_repo, hook_repo, pre_commit_home) -> None:  # type: ignore[no-untyped-def]
    """All hooks enabled: each subset hook reports exactly what the main `credwall` hook reports
    for the same files (one engine); none stands aside because another is enabled."""
    path, sha = hook_repo
    config = {"repos": [{"repo": str(path), "rev": sha, "hooks": [{"id": h} for h in HOOK_IDS]}]}
    (git_repo.path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    for hook in HOOK_IDS:
        name, content, _ = _fixture_for(hook)
        git_repo.stage(name, content)
    git_repo.git("add", ".pre-commit-config.yaml")
    proc = _pre_commit(["run", "--all-files"], git_repo.path, pre_commit_home)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    found = _findings_by_hook(proc.stdout)
    core = found["credwall"]
    for hook in HOOK_IDS:
        expected = _fixture_for(hook)[2]
        if hook == "credwall-ignores":
            assert expected in proc.stdout
            continue
        assert any(line.startswith(expected.split(": ")[0]) for line in found[hook]), (hook, proc.stdout)
        assert found[hook] <= core, (hook, found[hook] - core)  # the same ids, lines and columns
    assert any(line.startswith(".mcp.json:") for line in core) and any(line.startswith(".env:") for line in core)


def test_a_baseline_from_baseline_create_makes_every_hook_pass(git_repo, hook_repo, pre_commit_home) -> None:  # type: ignore[no-untyped-def]
    """One fingerprint scheme: the baseline `credwall baseline create` writes silences the same
    findings in every hook, and a new secret still fails."""
    from credwall.cli import main as cli_main

    path, sha = hook_repo
    hooks = [h for h in HOOK_IDS if h != "credwall-ignores"]  # a fixer: judged on .gitignore, not on findings
    config = {"repos": [{"repo": str(path), "rev": sha, "hooks": [{"id": h} for h in hooks]}]}
    (git_repo.path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    for hook in hooks:
        name, content, _ = _fixture_for(hook)
        git_repo.stage(name, content)
    (git_repo.path / ".credwall.toml").write_text('baseline = ".credwall-baseline.jsonl"\n')
    assert cli_main(["baseline", "create"]) == 0
    git_repo.git("add", "-A")
    proc = _pre_commit(["run", "--all-files"], git_repo.path, pre_commit_home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("Passed") == len(hooks), proc.stdout
    git_repo.stage("later.py", f"KEY = '{tokens.github_classic(seed=94)}'\n")
    proc = _pre_commit(["run", "--all-files"], git_repo.path, pre_commit_home)
    assert proc.returncode == 1 and "later.py:1:" in proc.stdout, proc.stdout


def test_skipping_a_subset_hook_never_lets_a_secret_through(git_repo, hook_repo, pre_commit_home) -> None:  # type: ignore[no-untyped-def]
    """`SKIP=credwall-mcp` (or the MCP hook left out, or `stages: [manual]`) leaves the main hook
    judging .mcp.json in full: the commit is blocked."""
    path, sha = hook_repo
    hooks = [{"id": "credwall"}, {"id": "credwall-mcp", "stages": ["manual"]}, {"id": "credwall-env-files"}]
    config = {"repos": [{"repo": str(path), "rev": sha, "hooks": hooks}]}
    (git_repo.path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    literal = tokens.rand(28, seed=93) + "7Q"
    git_repo.stage(".mcp.json", '{"mcpServers": {"db": {"command": "npx", "args": ["db-mcp", "--api-key", "%s"]}}}'
                   % literal)
    git_repo.git("add", ".pre-commit-config.yaml")
    install = _pre_commit(["install"], git_repo.path, pre_commit_home)
    assert install.returncode == 0, install.stdout + install.stderr
    env = dict(os.environ, PRE_COMMIT_HOME=str(pre_commit_home), PRE_COMMIT_COLOR="never",
               SKIP="credwall-mcp,credwall-env-files")
    proc = subprocess.run(["git", "commit", "-qm", "add mcp config"], cwd=git_repo.path, env=env,
                          capture_output=True, text=True, check=False, timeout=900)
    output = proc.stdout + proc.stderr  # git shows the hook's output on stderr
    assert proc.returncode == 1, output
    assert ".mcp.json:1:" in output and "mcp-literal-credential mcpServers.db.args[2]" in output, output
    assert literal not in output
    assert git_repo.git("rev-list", "--all").strip() == ""  # nothing reached a commit


def test_a_failure_in_one_file_fails_the_commit(git_repo, hook_repo, pre_commit_home, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Fail closed end to end: a rule that runs out of time on one file makes pre-commit fail the
    hook (exit 2, file named), even though every other file is clean."""
    (git_repo.path / "rules.yaml").write_text(
        "family: evil\nrules:\n  - id: evil-backtracking\n    description: catastrophic on purpose\n"
        "    keywords: [aaaa]\n    regex: '(?P<secret>(a|aa)+)+b'\n    confidence: high\n")
    (git_repo.path / ".credwall.toml").write_text('extra_rules = ["rules.yaml"]\n')
    git_repo.stage("clean.py", "print('hello')\n")
    git_repo.stage("evil.txt", "a" * 40 + "!\n")
    monkeypatch.setenv("CREDWALL_REGEX_TIMEOUT", "0.05")
    proc = _try_repo(git_repo.path, hook_repo, pre_commit_home, "credwall")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # pre-commit: the hook failed
    assert "exit code: 2" in proc.stdout
    assert "evil.txt: incomplete: rule evil-backtracking timed out" in proc.stdout


def test_manifest_declares_each_hooks_stages_and_the_pre_commit_it_needs() -> None:
    """No hook runs at a stage it was not written for: before stages were declared, a repository
    that also installed the pre-push hook ran every commit hook again at push time (each finding
    printed twice) and the fixer edited files during a push."""
    manifest = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    stages = {hook["id"]: hook.get("stages") for hook in manifest}
    assert stages["credwall-push"] == ["pre-push"]
    assert "pre-push" not in stages["credwall-ignores"] and "pre-commit" in stages["credwall-ignores"]
    for hook_id in ("credwall", "credwall-env-files", "credwall-mcp", "credwall-agent-files", "credwall-ci"):
        assert stages[hook_id] == ["pre-commit", "pre-merge-commit", "manual"], hook_id
    # The stage names above are pre-commit >= 3.2's ("commit" before).
    assert {hook.get("minimum_pre_commit_version") for hook in manifest} == {"3.2.0"}
    proc = subprocess.run(["pre-commit", "validate-manifest", str(REPO_ROOT / ".pre-commit-hooks.yaml")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_at_pre_push_only_the_push_hook_runs(git_repo, hook_repo, pre_commit_home) -> None:  # type: ignore[no-untyped-def]
    path, sha = hook_repo
    every = [hook["id"] for hook in yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())]
    config = {"repos": [{"repo": str(path), "rev": sha, "hooks": [{"id": h} for h in every]}]}
    (git_repo.path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git_repo.stage(".gitignore", ".env\n.env.*\n!.env.example\n*.pem\n*.key\nsecrets/\n")
    git_repo.stage("app.py", "print('hello')\n")
    git_repo.git("add", ".pre-commit-config.yaml")
    git_repo.commit("first")
    git_repo.stage("deploy.sh", f"export GH_TOKEN={tokens.github_classic(seed=95)}\n")
    git_repo.commit("second")
    first = git_repo.git("rev-parse", "HEAD~1").strip()
    proc = _pre_commit(["run", "--hook-stage", "pre-push", "--from-ref", first, "--to-ref", "HEAD"],
                       git_repo.path, pre_commit_home)
    ran = [line.split("...")[0].strip() for line in proc.stdout.splitlines() if "..." in line and not line.startswith("[")]
    assert ran == ["credwall (secrets in the commits being pushed)"], proc.stdout
    assert proc.stdout.count("deploy.sh:1:17: github-pat") == 1, proc.stdout
