"""No full secret ever leaves credwall: every command and output format, run over every rule's
examples, prints only masked prefixes — and neither do the files it writes (caches)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from credwall.engine.rules import load_rules
from tests.conftest import REPO_ROOT

RULES = load_rules(use_cache=False)
# A secret of 10+ characters is distinctive enough that finding it in output means it leaked.
# (Advisory rules' examples name printed expressions, `DB_PASSWORD`, not secrets.)
SECRETS = sorted({e.secret for r in RULES if not r.advisory for e in r.examples if len(e.secret) >= 10})


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("leak")
    for rule in RULES:
        if rule.examples:
            (root / f"{rule.id}.txt").write_text("\n".join(e.text for e in rule.examples) + "\n")
    # the same texts under the names the context hooks own
    joined = "\n".join(e.text for r in RULES for e in r.examples)
    (root / "CLAUDE.md").write_text(joined)
    (root / ".env").write_text(joined)
    env = {f"API_TOKEN_{n}": secret for n, secret in enumerate(SECRETS)}
    (root / ".mcp.json").write_text(json.dumps({"mcpServers": {"svc": {"command": "npx", "env": env}}}, indent=1))
    workflow = root / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("on: push\njobs:\n  a:\n    runs-on: x\n    env:\n"
                        + "".join(f"      API_TOKEN_{n}: {json.dumps(s)}\n" for n, s in enumerate(SECRETS)))
    return root


def _run(args: list[str], cwd: Path, cache: Path) -> str:
    env = dict(os.environ, CREDWALL_CACHE_DIR=str(cache), GITHUB_ACTIONS="")
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode in (1, 2), proc.stderr[-2000:]
    return proc.stdout + proc.stderr


def _assert_no_secret(text: str, where: str) -> None:
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, f"{len(leaked)} example secrets appear in {where}, e.g. {leaked[0][:4]}…"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_scan_never_prints_a_secret(corpus: Path, tmp_path: Path, fmt: str) -> None:
    out = _run([sys.executable, "-m", "credwall", "scan", "--format", fmt, "."], corpus, tmp_path / "cache")
    assert "Traceback" not in out
    _assert_no_secret(out, f"`scan --format {fmt}` output")


@pytest.mark.parametrize("module", ["check_secrets", "check_env_files", "check_mcp", "check_agent_files", "check_ci"])
def test_hooks_never_print_a_secret(corpus: Path, tmp_path: Path, module: str) -> None:
    files = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*") if p.is_file())
    out = _run([sys.executable, "-m", f"credwall.hooks.{module}", *files], corpus, tmp_path / "cache")
    _assert_no_secret(out, f"{module} output")


def test_caches_hold_no_secret(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run([sys.executable, "-m", "credwall", "scan", "."], corpus, cache)
    files = list(cache.iterdir())
    assert files, "the scan wrote no cache"
    for path in files:
        data = path.read_bytes()
        leaked = [s for s in SECRETS if s.encode() in data]
        assert not leaked, f"{path.name} holds {len(leaked)} example secrets"


def test_docs_hold_no_secret() -> None:
    _assert_no_secret((REPO_ROOT / "docs" / "rules.md").read_text(), "docs/rules.md")


def test_baseline_file_holds_no_secret(corpus: Path, tmp_path: Path) -> None:
    env = dict(os.environ, CREDWALL_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.run([sys.executable, "-m", "credwall", "baseline", "create", str(corpus / "b.jsonl")],
                          cwd=corpus, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    data = (corpus / "b.jsonl").read_text()
    assert data.count("\n") > 100  # it did record the findings
    _assert_no_secret(data + proc.stdout + proc.stderr, "the baseline file")
    (corpus / "b.jsonl").unlink()


def test_credwall_has_no_networking_code() -> None:
    """Secrets never leave the machine: no module of credwall imports a network library."""
    import re

    network = re.compile(r"^\s*(?:import|from)\s+(?:socket|ssl|http|urllib\.request|ftplib|smtplib|requests|"
                         r"httpx|aiohttp|urllib3)\b", re.M)
    offenders = [str(p.relative_to(REPO_ROOT)) for d in ("credwall", "hooks") for p in (REPO_ROOT / d).rglob("*.py")
                 if network.search(p.read_text())]
    assert offenders == []
