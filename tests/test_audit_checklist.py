"""`credwall audit`, the agent-era checklist (credwall/audit_agents.py): one credential in several
places, MCP servers an agent here can start, files agents load by default, and agent transcripts
and memory under the home directory. Workspaces and homes are built in tmp (never the real
ones), secrets at run time; every rendered output is checked for any 8 characters of a value."""

from __future__ import annotations

import io
import json
import os
import string
from pathlib import Path

import pytest

from credwall import audit_agents
from credwall.audit import Item, audit, exit_code, render
from credwall.engine.matcher import Matcher
from tests import tokens
from tests.conftest import GitRepo


def _opaque(seed: int, n: int = 32) -> str:
    return "Qz" + tokens.rand(n - 2, string.ascii_letters + string.digits, seed=seed)


def _put(base: Path, rel: str, text: str) -> Path:
    path = base / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o600)
    return path


def _assert_no_leak(secrets: list[str], text: str) -> None:
    for value in secrets:
        for start in range(0, max(len(value) - 7, 1)):
            assert value[start:start + 8] not in text, f"8 characters of a secret appear: {value[start:start + 2]}…"


def _items(root: Path, home: Path | None, matcher: Matcher, environ: dict[str, str] | None = None) -> list[Item]:
    return audit(str(root), str(home) if home is not None else None, environ or {}, matcher)


def _kind(items: list[Item], kind: str) -> list[Item]:
    return [i for i in items if i.kind == kind]


# --- the "done when": three problems in one workspace, no value printed -----------------------

@pytest.fixture
def incident(git_repo: GitRepo, tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """Two env files sharing a production token, an MCP server on a production database as its
    superuser, a Claude Code transcript holding a GitHub token."""
    ws, home = git_repo.path, tmp_path / "home"
    live = tokens.stripe_live(seed=101)
    db_password = _opaque(102, 24)
    github = tokens.github_classic(seed=103)
    git_repo.write(".gitignore", ".env*\n")
    _put(ws, ".env.development", f"STRIPE_SECRET_KEY={live}\nDEBUG=1\n")
    _put(ws, ".env.production", f"STRIPE_SECRET_KEY={live}\n")
    _put(ws, ".mcp.json", json.dumps({"mcpServers": {"shop-db": {
        "command": "uvx", "args": ["postgres-mcp", "--access-mode=unrestricted",
                                   f"postgresql://postgres:{db_password}@prod-db.internal:5432/shop?sslmode=require"]}}},
        indent=2))
    _put(home, ".claude/projects/-work-shop/0b7c5a1e-2f4d-4c1e-9d1a-6f3e2a1b9c8d.jsonl",
         json.dumps({"type": "user", "message": {"role": "user", "content": "deploy it"}}) + "\n"
         + json.dumps({"type": "user", "message": {"role": "user", "content": [{
             "type": "tool_result", "content": f"$ gh auth token\n{github}\n"}]}}) + "\n")
    return ws, home, [live, db_password, github]


def test_the_three_problems_are_reported_with_no_value_printed(incident, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ws, home, secrets = incident
    monkeypatch.setenv("HOME", str(home))
    code, out, err = run_cli("audit", str(ws), "--format", "json")
    assert code == 1
    items = json.loads(out)["items"]
    shared = [i for i in items if i["kind"] == "shared-credential"]
    assert len(shared) == 1 and shared[0]["severity"] == "high" and shared[0]["production"]
    assert ".env.development (STRIPE_SECRET_KEY)" in shared[0]["what"] and ".env.production" in shared[0]["what"]
    [db] = [i for i in items if i["kind"] == "mcp-server" and i["rules"] == ["mcp-database-write-access"]]
    assert db["severity"] == "critical" and "postgresql://postgres@prod-db.internal/shop as a superuser" in db["what"]
    [session] = [i for i in items if i["kind"] == "agent-transcript"]
    assert session["where"].startswith("~/.claude/projects/-work-shop/") and "github-pat" in session["what"]
    assert session["secrets"][0]["label"] == "github-pat" and session["action"] == "rotate"
    _assert_no_leak(secrets, out + err)
    code, table, err = run_cli("audit", str(ws), "--format", "table")
    assert "the same credential in 2 places" in table and "can write to postgresql://postgres@prod-db.internal" in table
    _assert_no_leak(secrets, table + err)


# --- one credential in several places ------------------------------------------------------------------

def test_env_files_and_mcp_entries_sharing_a_value(git_repo: GitRepo, tmp_path: Path, matcher: Matcher) -> None:
    ws = git_repo.path
    key = _opaque(110, 40)
    other = _opaque(111, 40)
    _put(ws, ".env.staging", f"API_TOKEN={key}\n")
    _put(ws, "services/api/.env", f"UPSTREAM_TOKEN={key}\nOTHER_TOKEN={other}\n")
    _put(ws, ".cursor/mcp.json", json.dumps({"mcpServers": {
        "tracker-staging": {"command": "tracker-mcp", "env": {"TRACKER_TOKEN": other}},
        "tracker-prod": {"command": "tracker-mcp", "env": {"TRACKER_TOKEN": other}}}}, indent=2))
    shared = _kind(_items(ws, None, matcher), "shared-credential")
    by_where = {i.where: i for i in shared}
    assert set(by_where) == {".cursor/mcp.json [tracker-prod]", ".env.staging"}
    prod = by_where[".cursor/mcp.json [tracker-prod]"]
    assert prod.severity == "high" and prod.production and "[tracker-staging]" in prod.what
    assert "services/api/.env (OTHER_TOKEN)" in prod.what and "sits in" in prod.remedy
    staging = by_where[".env.staging"]
    assert staging.severity == "medium" and not staging.production  # no production in sight
    assert all(len(s.fingerprint) == 64 for s in staging.secrets)


def test_near_misses_of_shared_values(git_repo: GitRepo, matcher: Matcher) -> None:
    ws = git_repo.path
    key = _opaque(112, 40)
    _put(ws, ".env", f"API_TOKEN={key}\nAPI_TOKEN_BACKUP={key}\n")  # twice in one file: one place
    _put(ws, ".env.production", f"API_TOKEN={_opaque(113, 40)}\n")  # a different value
    _put(ws, ".env.example", "API_TOKEN=changeme\n")
    _put(ws, ".env.test", "API_TOKEN=changeme\n")
    assert _kind(_items(ws, None, matcher), "shared-credential") == []


# --- MCP servers -------------------------------------------------------------------------------------------

def test_every_server_an_agent_here_can_start(git_repo: GitRepo, tmp_path: Path, matcher: Matcher) -> None:
    ws, home = git_repo.path, tmp_path / "home"
    _put(ws, ".mcp.json", json.dumps({"mcpServers": {
        "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github", "--cache", "$HOME/.cache"],
                   "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN}", "NODE_ENV": "${NODE_ENV}"}},
        "docs": {"type": "http", "url": "https://docs.internal/mcp", "headers": {"Authorization": "Bearer ${DOCS_TOKEN}"}},
        "db": {"command": "uvx", "args": ["postgres-mcp"], "env": {"DATABASE_URI": "${DATABASE_URL}"}}}}, indent=2))
    _put(ws, ".env", f"DATABASE_URL=postgresql://postgres:{_opaque(120, 20)}@db.prod.internal:5432/shop\n")
    gone = str(tmp_path / "old-project")
    _put(home, ".claude.json", json.dumps({
        "mcpServers": {"sentry": {"command": "npx", "args": ["-y", "@sentry/mcp-server"],
                                  "env": {"SENTRY_AUTH_TOKEN": "${SENTRY_AUTH_TOKEN}"}},
                       "time": {"command": "uvx", "args": ["mcp-server-time"]}},
        "projects": {str(ws): {"mcpServers": {"linear": {"command": "npx", "args": ["-y", "linear-mcp"],
                                                            "env": {"LINEAR_API_KEY": "${LINEAR_API_KEY}"}}}},
                     str(tmp_path / "other"): {"mcpServers": {"linear": {"command": "npx", "args": ["-y", "linear-mcp"],
                                                                           "env": {"LINEAR_API_KEY": "${LINEAR_API_KEY}"}}}},
                     gone: {"mcpServers": {"stripe": {"command": "npx", "args": ["-y", "@stripe/mcp"],
                                                      "env": {"STRIPE_SECRET_KEY": "${STRIPE_SECRET_KEY}"}}}}}}))
    (tmp_path / "other").mkdir()
    _put(home, ".cursor/mcp.json", json.dumps({"mcpServers": {"browser": {"command": "npx", "args": ["-y", "browser-mcp"]}}}))
    servers = {i.where: i for i in _kind(_items(ws, home, matcher), "mcp-server")}
    assert set(servers) == {".mcp.json [github]", ".mcp.json [docs]", ".mcp.json [db]", "~/.claude.json [sentry]",
                            "~/.claude.json [time]", "~/.claude.json [linear]", "~/.claude.json [stripe]",
                            "~/.cursor/mcp.json [browser]"}
    github = servers[".mcp.json [github]"]
    assert github.severity == "info" and "npx @modelcontextprotocol/server-github" in github.what
    assert github.what.endswith("credentials GITHUB_PERSONAL_ACCESS_TOKEN ← ${GITHUB_TOKEN}")  # not $HOME, NODE_ENV
    assert "Claude Code project config" in github.what
    assert "https://docs.internal" in servers[".mcp.json [docs]"].what
    assert "Authorization ← ${DOCS_TOKEN}" in servers[".mcp.json [docs]"].what
    db = servers[".mcp.json [db]"]  # its reference resolved from .env, the value never shown
    assert db.severity == "critical" and db.rules == ("mcp-database-write-access",)
    assert "postgresql://postgres@db.prod.internal/shop" in db.what and "from $DATABASE_URL" in db.what
    sentry = servers["~/.claude.json [sentry]"]
    assert sentry.severity == "medium" and "every project's agent can start it" in sentry.what
    assert servers["~/.claude.json [time]"].severity == "info"  # user level, but no credential
    linear = servers["~/.claude.json [linear]"]
    assert linear.severity == "medium" and "configured for 1 other project(s)" in linear.what
    stale = servers["~/.claude.json [stripe]"]
    assert (stale.severity, stale.action) == ("low", "remove") and gone in stale.what
    assert servers["~/.cursor/mcp.json [browser]"].severity == "info"


def test_info_rows_never_fail_the_run(git_repo: GitRepo, matcher: Matcher) -> None:
    _put(git_repo.path, ".mcp.json", json.dumps({"mcpServers": {"time": {"command": "uvx", "args": ["mcp-server-time"]}}}))
    items = _items(git_repo.path, None, matcher)
    assert [i.severity for i in items] == ["info"] and exit_code(items) == 0
    out = io.StringIO()
    render(items, out, "json")
    assert json.loads(out.getvalue())["counts"]["info"] == 1


def test_a_project_config_linked_from_elsewhere_is_shared(git_repo: GitRepo, tmp_path: Path, matcher: Matcher) -> None:
    shared = _put(tmp_path / "dotfiles", "mcp.json", json.dumps({"mcpServers": {"gh": {
        "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
        "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN}"}}}}))
    os.symlink(shared, git_repo.path / ".mcp.json")
    [server] = _kind(_items(git_repo.path, None, matcher), "mcp-server")
    assert server.severity == "medium" and f"shared file (a link to {shared.resolve()})" in server.what


# --- files agents load by default -----------------------------------------------------------------------

def test_what_claude_md_imports_is_loaded_by_every_session(git_repo: GitRepo, tmp_path: Path, matcher: Matcher) -> None:
    ws, home = git_repo.path, tmp_path / "home"
    live = tokens.stripe_live(seed=130)
    _put(ws, "CLAUDE.md", "# Shop\n\nSee @docs/ops.md for the runbook and @~/.claude/shop-notes.md.\n"
                          "Contact dev@example.com. In code: `@docs/example.md`.\n\n```\n@docs/fenced.md\n```\n")
    _put(ws, "docs/ops.md", f"# Runbook\n\nStripe (live): {live}\n\nMore in @deep/more.md\n")
    _put(ws, "docs/deep/more.md", f"token: {tokens.github_classic(seed=131)}\n")
    _put(ws, "docs/example.md", f"{tokens.github_classic(seed=132)}\n")
    _put(ws, "docs/fenced.md", f"{tokens.github_classic(seed=133)}\n")
    _put(home, ".claude/shop-notes.md", f"npm: {tokens.npm_token(seed=134)}\n")
    imported = {i.where: i for i in _kind(_items(ws, home, matcher), "agent-import")}
    assert set(imported) == {"docs/ops.md", "docs/deep/more.md", "~/.claude/shop-notes.md"}
    ops = imported["docs/ops.md"]
    assert ops.severity == "critical" and ops.production and "imported by CLAUDE.md (`@docs/ops.md`)" in ops.what
    assert imported["docs/deep/more.md"].severity == "high" and "imported by docs/ops.md" in imported["docs/deep/more.md"].what
    assert "github-pat" in imported["docs/deep/more.md"].rules
    no_home = {i.where for i in _kind(_items(ws, None, matcher), "agent-import")}
    assert no_home == {"docs/ops.md", "docs/deep/more.md"}  # --no-home: nothing outside the tree


def test_a_production_value_raises_an_agent_file(git_repo: GitRepo, matcher: Matcher) -> None:
    _put(git_repo.path, "AGENTS.md", f"Use this key for checkout tests: {tokens.stripe_live(seed=135)}\n")
    [item] = [i for i in _items(git_repo.path, None, matcher) if i.where == "AGENTS.md"]
    assert item.production and item.severity == "critical"  # `sk_live_`: its format says production


# --- transcripts, histories and memory ------------------------------------------------------------------

def _session(home: Path, rel: str, content: str, mtime: float | None = None) -> Path:
    path = _put(home, rel, json.dumps({"type": "user", "message": {"content": content}}) + "\n")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def test_sessions_of_several_agents(git_repo: GitRepo, tmp_path: Path, matcher: Matcher) -> None:
    home = tmp_path / "home"
    aws = tokens.aws_key_id(seed=140)
    _session(home, ".claude/projects/-work-shop/a.jsonl", f"export AWS_ACCESS_KEY_ID={aws}")
    _session(home, ".claude/projects/-work-shop/b.jsonl", "password = \"" + tokens.password(seed=142) + "\"  # test data")  # generic only
    _session(home, ".codex/sessions/2026/03/02/rollout-2026-03-02T10-00-00-abc.jsonl",
             f"ANTHROPIC_API_KEY={tokens.anthropic_key(seed=141)}")
    _put(home, ".gemini/tmp/5f1e0c/chats/session-1.json",
         json.dumps({"messages": [{"content": f"the token is {tokens.github_classic(seed=142)}"}]}))
    _put(home, ".claude/projects/-work-shop/memory/deploy.md", f"Deploy token: {tokens.github_classic(seed=143)}\n")
    _put(git_repo.path, ".aider.chat.history.md", f"> npm token {tokens.npm_token(seed=144)}\n")
    items = _items(git_repo.path, home, matcher)
    sessions = {i.where: i for i in _kind(items, "agent-transcript")}
    assert set(sessions) == {"~/.claude/projects/-work-shop/a.jsonl",
                             "~/.codex/sessions/2026/03/02/rollout-2026-03-02T10-00-00-abc.jsonl",
                             "~/.gemini/tmp/5f1e0c/chats/session-1.json", ".aider.chat.history.md"}
    claude = sessions["~/.claude/projects/-work-shop/a.jsonl"]
    assert "Claude Code session transcript (project -work-shop, last written" in claude.what
    assert "cleanupPeriodDays" in claude.remedy and "rm ~/.claude/projects/-work-shop/a.jsonl" in claude.remedy
    assert "Codex" in sessions["~/.codex/sessions/2026/03/02/rollout-2026-03-02T10-00-00-abc.jsonl"].what
    [memory] = _kind(items, "agent-memory")
    assert memory.where == "~/.claude/projects/-work-shop/memory/deploy.md" and memory.severity == "high"


def test_the_read_is_bounded_newest_first(git_repo: GitRepo, tmp_path: Path, matcher: Matcher,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    _session(home, ".claude/projects/p/old.jsonl", tokens.github_classic(seed=150), mtime=1_700_000_000)
    _session(home, ".claude/projects/p/new.jsonl", tokens.github_classic(seed=151), mtime=1_800_000_000)
    monkeypatch.setattr(audit_agents, "MAX_SESSION_FILES", 1)
    items = _items(git_repo.path, home, matcher)
    assert [i.where for i in _kind(items, "agent-transcript")] == ["~/.claude/projects/p/new.jsonl"]
    [unread] = _kind(items, "agent-transcripts-unread")
    assert unread.severity == "low" and "1 older agent session file(s) not read" in unread.what


def test_links_are_not_followed_and_claude_config_dir_is(git_repo: GitRepo, tmp_path: Path, matcher: Matcher) -> None:
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    target = _session(elsewhere, "secret.jsonl", tokens.github_classic(seed=160))
    (home / ".claude" / "projects" / "p").mkdir(parents=True)
    os.symlink(target, home / ".claude" / "projects" / "p" / "linked.jsonl")
    _session(tmp_path / "claude-config", "projects/p/s.jsonl", tokens.github_classic(seed=161))
    items = _items(git_repo.path, home, matcher, {"CLAUDE_CONFIG_DIR": str(tmp_path / "claude-config")})
    assert [i.where for i in _kind(items, "agent-transcript")] == [str(tmp_path / "claude-config/projects/p/s.jsonl")]


def test_a_tracked_imported_file_is_critical_and_rotated(git_repo: GitRepo, matcher: Matcher) -> None:
    _put(git_repo.path, "AGENTS.md", "Runbook: see @docs/runbook.md\n")
    git_repo.write("docs/runbook.md", f"CI token: {tokens.github_classic(seed=136)}\n")
    git_repo.git("add", "docs/runbook.md")
    git_repo.commit("docs")
    [item] = _kind(_items(git_repo.path, None, matcher), "agent-import")
    assert (item.where, item.severity, item.action) == ("docs/runbook.md", "critical", "rotate")
