"""File classification: the kind of a file decides its analyser, whichever entry point reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from credwall.analysers.registry import ANALYSERS, HOOK_KINDS, KINDS, analyser, classify, kind_of
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


@pytest.mark.parametrize(("path", "text", "kind"), [
    (".vscode/settings.json", '{"mcp": {"servers": {"gh": {"command": "npx"}}}}', "mcp"),
    ("team.code-workspace", '{"settings": {"mcp": {"servers": {"x": {"url": "https://x"}}}}}', "mcp"),
    (".continue/config.yaml", "mcpServers:\n  - name: db\n    command: db-mcp\n", "mcp"),
    ("package.json", '{"name": "app", "scripts": {"test": "jest"}}', "text"),
    ("config.yaml", "servers:\n  - web01\n  - web02\n", "text"),  # servers, but nothing an MCP server has
    ("src/app.py", "servers = {'mcp': 1}", "text"),  # not a structured file
    (".mcp.json", "{}", "mcp"),  # by name, whatever it holds
])
def test_kind_of_looks_at_structured_content(path: str, text: str, kind: str) -> None:
    assert kind_of(path, text) == kind


def test_every_kind_has_an_analyser_and_every_hook_names_kinds_that_exist() -> None:
    assert set(ANALYSERS) == set(KINDS)
    for kind in KINDS:
        if kind != "text":
            assert callable(analyser(kind))
    for hook_id, kinds in HOOK_KINDS.items():
        assert kinds is None or kinds <= set(KINDS), hook_id
    assert HOOK_KINDS["credwall"] is None  # the main hook analyses every kind


def test_hook_file_patterns_agree_with_classify() -> None:
    """`files:` in .pre-commit-hooks.yaml hands each hook the files it owns (tested as written)."""
    import re

    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())}
    kinds = {hook_id: wanted for hook_id, wanted in HOOK_KINDS.items() if wanted is not None}
    samples = [p for p, _ in test_classify.pytestmark[0].args[1]]  # type: ignore[attr-defined]
    for hook_id, wanted in kinds.items():
        pattern = re.compile(hooks[hook_id]["files"])
        for path in samples:
            if classify(path) in wanted:
                assert pattern.search(path), (hook_id, path)
