"""File classification and which enabled hook owns a file (hooks report each problem once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from credwall.analysers.registry import ALL_HOOKS, classify, enabled_hooks, owned_by, owner
from tests.conftest import REPO_ROOT


@pytest.mark.parametrize(("path", "kind"), [
    (".env", "env"), (".env.local", "env"), ("deploy/prod.env", "env"), (".envrc", "env"),
    (".env.production.local", "env"), (".env.example", "env-template"), ("example.env", "env-template"),
    (".env.sample", "env-template"), ("app.env.template", "env-template"), (".env.dist", "env-template"),
    ("id_rsa", "keyfile"), ("keys/server.key", "keyfile"), ("cert.p12", "keyfile"), (".npmrc", "keyfile"),
    ("infra/terraform.tfstate", "keyfile"), (".kube/config", "keyfile"), (".docker/config.json", "keyfile"),
    (".mcp.json", "mcp"), (".cursor/mcp.json", "mcp"), (".vscode/mcp.json", "mcp"), (".codex/config.toml", "mcp"),
    ("claude_desktop_config.json", "mcp"), (".gemini/settings.json", "mcp"), ("plugins/x/.mcp.json", "mcp"),
    (".claude/settings.json", "agent-settings"), (".claude/settings.local.json", "agent-settings"),
    ("CLAUDE.md", "agent"), ("sub/AGENTS.md", "agent"), ("GEMINI.md", "agent"), (".cursorrules", "agent"),
    (".cursor/rules/a/b.mdc", "agent"), (".github/copilot-instructions.md", "agent"), ("SKILL.md", "agent"),
    (".claude/commands/deploy.md", "agent"), (".windsurfrules", "agent"),
    (".github/workflows/ci.yml", "ci"), (".gitlab-ci.yml", "ci"), ("Jenkinsfile", "ci"),
    ("bitbucket-pipelines.yml", "ci"), (".circleci/config.yml", "ci"), ("azure-pipelines.yml", "ci"),
    ("src/app.py", None), ("id_rsa.pub", None), ("environment.py", None), ("README.md", None),
    ("docs/env.md", None), ("gcp-service-account.json", "keyfile"), ("app-credentials.json", "keyfile"),
    (".env.vault", None), ("secrets.env.enc", None), (".env.age", None),
])
def test_classify(path: str, kind: str | None) -> None:
    assert classify(path) == kind


def test_owner_is_the_most_specific_enabled_hook() -> None:
    everything = set(ALL_HOOKS)
    assert owner(".mcp.json", everything) == "credwall-mcp"
    assert owner(".mcp.json", {"credwall"}) == "credwall"
    assert owner(".claude/settings.json", everything) == "credwall-agent-files"
    assert owner(".claude/settings.json", {"credwall", "credwall-mcp"}) == "credwall-mcp"
    assert owner("src/app.py", everything) == "credwall"
    assert owned_by("credwall", [".env", "app.py", "CLAUDE.md"], everything) == ["app.py"]
    assert owned_by("credwall", [".env", "app.py"], None) == [".env", "app.py"]  # no config: take all


def test_enabled_hooks_from_the_repo_config(tmp_path: Path) -> None:
    assert enabled_hooks(str(tmp_path)) is None
    (tmp_path / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: https://example.invalid/credwall\n  rev: v0.1.0\n  hooks:\n"
        "  - id: credwall\n  - id: credwall-mcp\n    args: [--color=never]\n"
        "- repo: local\n  hooks:\n  - id: not-ours\n")
    assert enabled_hooks(str(tmp_path)) == {"credwall", "credwall-mcp"}


def test_hook_file_patterns_agree_with_classify() -> None:
    """`files:` in .pre-commit-hooks.yaml hands each hook the files it owns (tested as written)."""
    import re

    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())}
    kinds = {"credwall-env-files": {"env", "env-template", "keyfile"}, "credwall-mcp": {"mcp", "agent-settings"},
             "credwall-agent-files": {"agent", "agent-settings"}, "credwall-ci": {"ci"}}
    samples = [p for p, _ in test_classify.pytestmark[0].args[1]]  # type: ignore[attr-defined]
    for hook_id, wanted in kinds.items():
        pattern = re.compile(hooks[hook_id]["files"])
        for path in samples:
            if classify(path) in wanted:
                assert pattern.search(path), (hook_id, path)
