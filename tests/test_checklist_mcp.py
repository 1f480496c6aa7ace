"""MCP servers with write access to a production-looking database (credwall/analysers/mcp_database.py):
the scan's advisory on realistic configs of several clients, and the near-misses that stay quiet
(read-only servers and settings, local development databases, read-only logins)."""

from __future__ import annotations

import json

import pytest

from credwall.analysers.mcp_database import server_access, verdict
from credwall.engine.findings import ScanResult
from credwall.engine.matcher import Matcher
from credwall.pipeline import analyse_file
from tests import tokens


def _advisories(matcher: Matcher, path: str, config: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    text = json.dumps(config, indent=2)
    result = ScanResult()
    analyse_file(matcher, path, text.encode(), result)
    assert not result.errors
    lines = text.splitlines()
    return [(lines[f.line - 1][f.column - 1:f.end_column - 1], f.message)
            for f in result.findings if f.rule_id == "mcp-database-write-access"]


TEAM_CONFIG = {"mcpServers": {
    "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
               "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN}"}},
    "shop-db": {"command": "uvx", "args": ["postgres-mcp", "--access-mode=unrestricted",
                                           "postgresql://postgres:${PGPASSWORD}@shop-prod.cluster-c9x2.eu-west-1"
                                           ".rds.amazonaws.com:5432/shop?sslmode=verify-full"]},
    "analytics": {"command": "uvx", "args": ["postgres-mcp", "--access-mode=restricted"],
                  "env": {"DATABASE_URI": "${PROD_ANALYTICS_URL}"}},
    "dev-db": {"command": "uvx", "args": ["postgres-mcp", "postgresql://postgres:postgres@localhost:5432/shop_dev"]},
    "compose-db": {"command": "uvx", "args": ["postgres-mcp", "postgresql://postgres:postgres@db:5432/shop"]},
    "docs": {"type": "http", "url": "https://docs.internal/mcp", "headers": {"Authorization": "Bearer ${DOCS_TOKEN}"}},
}}


def test_a_team_config_flags_the_production_superuser_only(matcher: Matcher) -> None:
    found = _advisories(matcher, ".mcp.json", TEAM_CONFIG)
    assert [where for where, _ in found] == ["shop-prod.cluster-c9x2.eu-west-1.rds.amazonaws.com"]
    message = found[0][1]
    assert "`shop-db`" in message and "superuser (`postgres`)" in message and "production-looking" in message
    assert "read-only" in message and "PGPASSWORD" not in message


def test_a_literal_password_in_the_url_is_still_a_credential_finding(matcher: Matcher) -> None:
    """The advisory sits on the host; the password keeps its own finding."""
    password = tokens.rand(20, seed=93)
    config = {"mcpServers": {"db": {"command": "uvx", "args": [
        "postgres-mcp", f"postgresql://postgres:{password}@prod-db.internal:5432/shop"]}}}
    result = ScanResult()
    analyse_file(matcher, ".mcp.json", json.dumps(config).encode(), result)
    rules = sorted(f.rule_id for f in result.findings)
    assert "mcp-database-write-access" in rules and len(rules) == 2
    assert all(password not in f.message and password[:8] not in f.secret_masked for f in result.findings)


@pytest.mark.parametrize(("path", "config"), [
    (".cursor/mcp.json", {"mcpServers": {"pg": {"command": "uvx", "args": ["postgres-mcp"],
                                                "env": {"DATABASE_URI": "${env:PROD_DATABASE_URL}"}}}}),
    (".vscode/mcp.json", {"servers": {"mysql": {"type": "stdio", "command": "npx",
                                                "args": ["-y", "@benborla29/mcp-server-mysql"],
                                                "env": {"MYSQL_HOST": "mysql.live.internal", "MYSQL_USER": "root",
                                                        "MYSQL_PASS": "${input:mysql-pass}",
                                                        "ALLOW_INSERT_OPERATION": "true"}}}}),
    (".claude/settings.json", {"mcpServers": {"supabase": {"command": "npx", "args": [
        "-y", "pg-mcp", "postgresql://postgres.abcdefghijklmnop:${SUPABASE_DB_PASSWORD}"
        "@aws-0-eu-central-1.pooler.supabase.com:6543/postgres"]}}}),
    (".gemini/settings.json", {"mcpServers": {"mongo": {"command": "npx", "args": [
        "-y", "mongodb-mcp-server", "--connectionString",
        "mongodb+srv://admin:${MONGO_PASSWORD}@shop-prod.x1y2z.mongodb.net/shop"]}}}),
])
def test_flagged_across_clients(matcher: Matcher, path: str, config: dict) -> None:  # type: ignore[type-arg]
    assert len(_advisories(matcher, path, config)) == 1


@pytest.mark.parametrize("entry", [
    {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-postgres",
                                "postgresql://postgres:${PGPASSWORD}@prod-db.internal:5432/shop"]},
    {"command": "uvx", "args": ["postgres-mcp", "--access-mode", "restricted",
                                "postgresql://postgres:${PGPASSWORD}@prod-db.internal/shop"]},
    {"command": "npx", "args": ["-y", "@supabase/mcp-server-supabase", "--read-only", "--project-ref=abcdefghijklmnop"],
     "env": {"SUPABASE_ACCESS_TOKEN": "${SUPABASE_ACCESS_TOKEN}"}},
    {"command": "uvx", "args": ["postgres-mcp", "postgresql://readonly_analyst:${PW}@prod-db.internal/shop"]},
    {"command": "uvx", "args": ["postgres-mcp", "postgresql://app:${PW}@prod-db.internal/shop"
                                "?options=-c%20default_transaction_read_only%3Don"]},
    {"command": "npx", "args": ["-y", "@benborla29/mcp-server-mysql"],
     "env": {"MYSQL_HOST": "mysql.prod.internal", "MYSQL_USER": "root", "MYSQL_PASS": "${MYSQL_PASS}"}},
    {"command": "uvx", "args": ["postgres-mcp", "postgresql://app:${PW}@staging-db.internal/shop"]},
    {"command": "mcp-proxy", "args": ["--host", "prod-gateway.internal", "--port", "8080"]},
])
def test_near_misses(entry: dict) -> None:  # type: ignore[type-arg]
    access = server_access(entry, "db")
    assert access is None or verdict(access) is None, access


def test_the_audit_may_resolve_a_reference() -> None:
    entry = {"command": "uvx", "args": ["postgres-mcp"], "env": {"DATABASE_URI": "${DATABASE_URL}"}}
    assert verdict(server_access(entry, "db")) is None  # nothing says production
    values = {"DATABASE_URL": "postgresql://postgres:x@db.prod.internal:5432/shop?sslmode=require"}
    access = server_access(entry, "db", values.get)
    assert access is not None and verdict(access) == "critical"
    assert access.describe() == "postgresql://postgres@db.prod.internal/shop" and "$DATABASE_URL" in access.via
