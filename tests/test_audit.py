"""`credwall audit` (credwall/audit.py): a work tree in a real git repository and a fake $HOME
under tmp (never the real one), filled with credentials built at run time. Every test that
renders output checks that no value, nor any 8 characters of one, is printed."""

from __future__ import annotations

import io
import json
import string
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from credwall.audit import (ACTIONS, SEVERITIES, Item, audit, exit_code, looks_production, render, secret_name,
                            unencrypted_private_key)
from credwall.engine.matcher import Matcher
from tests import tokens
from tests.conftest import GitRepo


class World:
    """A workspace, a home directory, an environment, and every secret value placed in them."""

    def __init__(self, ws: Path, home: Path) -> None:
        self.ws = ws
        self.home = home
        self.secrets: list[str] = []
        self.environ: dict[str, str] = {}

    def secret(self, value: str) -> str:
        self.secrets.append(value)
        return value

    def put(self, base: Path, rel: str, text: str, mode: int = 0o600) -> Path:
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(mode)
        return path


def _opaque(seed: int, n: int = 32) -> str:
    """Random letters and digits with no hex-only window: recognisable if it ever leaks."""
    return "Qz" + tokens.rand(n - 2, string.ascii_letters + string.digits, seed=seed)


@pytest.fixture
def world(git_repo: GitRepo, tmp_path: Path) -> World:
    w = World(git_repo.path, tmp_path / "home")
    ws, home = w.ws, w.home
    # --- the work tree
    git_repo.write(".gitignore", ".env.local\n")
    w.put(ws, ".env", f"GITHUB_TOKEN={w.secret(tokens.github_classic(seed=31))}\nDEBUG=1\n", 0o644)
    git_repo.git("add", ".env", ".gitignore")
    git_repo.commit("oops")
    w.put(ws, ".env.local", f"OPENAI_API_KEY=sk-{w.secret(_opaque(32, 48))}\n")
    w.put(ws, "services/api/.env.production", f"STRIPE_SECRET_KEY={w.secret(tokens.stripe_live(seed=33))}\n")
    w.put(ws, ".env.example", "STRIPE_SECRET_KEY=\nGITHUB_TOKEN=your-token-here\n")
    w.put(ws, "config/.env.sample", f"SESSION_SECRET={w.secret(_opaque(34))}\n")
    w.put(ws, "certs/server.key", w.secret(tokens.pem_private_key(seed=35)))
    w.put(ws, "certs/server.pem", tokens.pem_certificate(seed=36))  # public: not listed
    w.put(ws, ".mcp.json", json.dumps({"mcpServers": {"gh": {"command": "npx", "env": {
        "GITHUB_PERSONAL_ACCESS_TOKEN": w.secret(tokens.github_classic(seed=37))}}}}, indent=2))
    w.put(ws, "node_modules/pkg/.env", f"TOKEN={w.secret(_opaque(38))}\n")  # vendored: not walked
    # --- the home directory
    w.put(home, ".aws/credentials",
          f"[default]\naws_access_key_id = {w.secret(tokens.aws_key_id(seed=40))}\n"
          f"aws_secret_access_key = {w.secret(tokens.aws_secret(seed=41))}\n"
          f"[prod-admin]\naws_access_key_id = {w.secret(tokens.aws_key_id(seed=42))}\n"
          f"aws_secret_access_key = {w.secret(tokens.aws_secret(seed=43))}\n", 0o644)
    w.put(home, ".config/gcloud/application_default_credentials.json", json.dumps({
        "client_id": "32555940559.apps.googleusercontent.com", "client_secret": w.secret(_opaque(44, 24)),
        "refresh_token": "1//" + w.secret(_opaque(45, 60)), "type": "authorized_user"}))
    w.put(home, ".azure/msal_token_cache.json", "{}")
    w.put(home, ".kube/config", "apiVersion: v1\nclusters:\n- name: staging\n  cluster: {server: 'https://k'}\n"
          "contexts:\n- name: staging\n  context: {cluster: staging, user: ci}\nusers:\n- name: ci\n  user:\n"
          f"    token: {w.secret(_opaque(46, 50))}\n")
    w.put(home, ".npmrc", f"//registry.npmjs.org/:_authToken={w.secret(tokens.npm_token(seed=47))}\n")
    w.put(home, ".pypirc", f"[pypi]\nusername = __token__\npassword = {w.secret(tokens.pypi_token(seed=48))}\n")
    w.put(home, ".docker/config.json", json.dumps({"auths": {"ghcr.io": {"auth": w.secret(_opaque(49, 40))}}}))
    w.put(home, ".netrc", f"machine api.heroku.com\n  login dev@example.com\n  password {w.secret(_opaque(50))}\n")
    w.put(home, ".git-credentials", f"https://dev:{w.secret(tokens.github_classic(seed=51))}@github.com\n")
    w.put(home, ".config/gh/hosts.yml",
          f"github.com:\n    user: dev\n    oauth_token: {w.secret(tokens.github_classic('o', seed=52))}\n")
    w.put(home, ".railway/config.json", json.dumps({"projects": {}, "user": {"token": w.secret(_opaque(53, 36))}}))
    w.put(home, ".local/share/com.vercel.cli/auth.json", json.dumps({"token": w.secret(_opaque(54, 24))}))
    w.put(home, ".fly/config.yml", f"access_token: fo1_{w.secret(_opaque(55, 43))}\n")
    w.put(home, ".bashrc", "export PATH=$PATH:$HOME/bin\n"
          f"export ANTHROPIC_API_KEY='{w.secret(tokens.anthropic_key(seed=56))}'\n"
          f"export PROD_DB_PASSWORD={w.secret(_opaque(57, 20))}  # for the dashboard\n"
          "export GH_TOKEN=$(gh auth token)\nexport NEXT_PUBLIC_KEY=pk_abc\nexport EMPTY_TOKEN=\n", 0o644)
    w.put(home, ".config/fish/config.fish", f"set -gx DEPLOY_TOKEN {w.secret(_opaque(58))}\n")
    w.put(home, ".gitconfig", "[user]\n\tname = Dev\n[credential]\n\thelper = store\n")
    w.put(home, ".ssh/id_ed25519", w.secret(tokens.openssh_private_key_unencrypted(seed=59)))
    w.put(home, ".ssh/id_ed25519.pub", "ssh-ed25519 AAAA dev@example\n", 0o644)
    w.put(home, ".ssh/work_rsa", tokens.openssh_private_key_encrypted(seed=60))  # has a passphrase
    w.put(home, ".claude.json", json.dumps({"projects": {str(ws): {"mcpServers": {"linear": {
        "command": "npx", "env": {"LINEAR_API_KEY": w.secret("lin_api_" + _opaque(61, 40))}}}}}}))
    # --- the environment an agent would inherit
    w.environ = {"PATH": "/usr/bin", "HOME": str(home), "GITHUB_TOKEN": w.secret(_opaque(62, 40)),
                 "STRIPE_LIVE_SECRET_KEY": w.secret(_opaque(63)), "DATABASE_URL": f"postgres://app:{w.secret(_opaque(64, 16))}@db/app",
                 "NEXT_PUBLIC_API_KEY": "pk_public", "EMPTY_TOKEN": "", "REF_TOKEN": "${OTHER_TOKEN}",
                 "SSH_AUTH_SOCK": "/tmp/ssh-agent.sock"}
    return w


def _run(world: World, matcher: Matcher, home: bool = True) -> list[Item]:
    return audit(str(world.ws), str(world.home) if home else None, world.environ, matcher)


def _by_where(items: list[Item], kind: str | None = None) -> dict[str, Item]:
    return {i.where: i for i in items if kind is None or i.kind == kind}


def _assert_no_leak(world: World, text: str) -> None:
    for value in world.secrets:
        for start in range(0, max(len(value) - 7, 1)):
            window = value[start:start + 8]
            assert window not in text, f"8 characters of a secret appear in the output: {window[:2]}…"


# --- what is found ---------------------------------------------------------------------------------

def test_the_work_tree(world: World, matcher: Matcher) -> None:
    items = _by_where([i for i in _run(world, matcher, home=False) if i.kind != "file-permissions"])
    env = items[".env"]
    assert (env.kind, env.severity, env.action) == ("env-file", "critical", "rotate")
    assert "tracked in git" in env.what and [s.label for s in env.secrets] == ["GITHUB_TOKEN"]
    assert env.secrets[0].masked == "ghp_…" and len(env.secrets[0].fingerprint) == 64
    local = items[".env.local"]
    assert (local.severity, local.action) == ("high", "separate") and "ignored by git" in local.what
    prod = items["services/api/.env.production"]
    assert prod.production and prod.severity == "critical" and "NOT ignored by git" in prod.what
    assert items["config/.env.sample"].kind == "env-template"
    assert ".env.example" not in items  # placeholders only
    assert items["certs/server.key"].kind == "key-file" and items["certs/server.key"].action == "remove"
    assert "certs/server.pem" not in items  # a certificate is public
    mcp = items[".mcp.json"]
    assert mcp.kind == "mcp-config" and mcp.secrets[0].label == "GITHUB_PERSONAL_ACCESS_TOKEN"
    assert not any(w.startswith("node_modules/") or w.startswith("~/") for w in items)


def test_the_home_directory(world: World, matcher: Matcher) -> None:
    items = _by_where([i for i in _run(world, matcher) if i.kind != "file-permissions"])
    aws = items["~/.aws/credentials"]
    assert aws.kind == "cloud-cli" and aws.production and aws.severity == "critical"
    assert {s.label for s in aws.secrets} >= {"[default] aws_secret_access_key", "[prod-admin] aws_secret_access_key"}
    adc = items["~/.config/gcloud/application_default_credentials.json"]
    assert {s.label for s in adc.secrets} == {"client_secret", "refresh_token"}
    assert items["~/.azure/msal_token_cache.json"].what == "Azure CLI tokens: present"
    kube = items["~/.kube/config"]
    assert kube.kind == "cloud-cli" and kube.severity == "high" and not kube.production  # staging
    for where in ("~/.npmrc", "~/.pypirc", "~/.docker/config.json", "~/.git-credentials", "~/.config/gh/hosts.yml"):
        assert items[where].kind == "registry" and items[where].secrets, where
    assert "Heroku" in items["~/.netrc"].what and items["~/.netrc"].secrets[0].label == "machine api.heroku.com"
    for where, label in (("~/.railway/config.json", "user.token"), ("~/.local/share/com.vercel.cli/auth.json", "token"),
                         ("~/.fly/config.yml", "access_token")):
        assert items[where].kind == "paas-cli" and [s.label for s in items[where].secrets] == [label], where
    assert [s.label for s in items["~/.claude.json"].secrets] == ["LINEAR_API_KEY"]
    ssh = [i for i in items.values() if i.kind == "ssh-key"]
    assert [i.where for i in ssh] == ["~/.ssh/id_ed25519"]  # the passphrase-protected key is not listed
    helper = items["~/.gitconfig"]
    assert helper.kind == "git-credential-helper" and helper.action == "remove"


def test_shell_profiles_list_exports_by_name(world: World, matcher: Matcher) -> None:
    items = _by_where(_run(world, matcher), "shell-profile")
    bashrc = items["~/.bashrc"]
    assert [s.label for s in bashrc.secrets] == ["ANTHROPIC_API_KEY", "PROD_DB_PASSWORD", "GH_TOKEN"]
    assert bashrc.production and bashrc.severity == "critical"
    assert bashrc.secrets[2].masked == "" and "fetched by a command" in bashrc.what  # $(gh auth token)
    assert [s.label for s in items["~/.config/fish/config.fish"].secrets] == ["DEPLOY_TOKEN"]


def test_the_environment_by_name_only(world: World, matcher: Matcher) -> None:
    items = _by_where(_run(world, matcher, home=False))
    env = {w: i for w, i in items.items() if w.startswith("$")}
    assert set(env) == {"$GITHUB_TOKEN", "$STRIPE_LIVE_SECRET_KEY", "$DATABASE_URL", "$SSH_AUTH_SOCK"}
    assert env["$STRIPE_LIVE_SECRET_KEY"].production and env["$STRIPE_LIVE_SECRET_KEY"].severity == "critical"
    assert "embedded password" in env["$DATABASE_URL"].what
    for item in env.values():
        assert all(s.masked == "" and s.fingerprint == "" for s in item.secrets)


def test_group_or_world_readable_files(world: World, matcher: Matcher) -> None:
    world.put(world.ws, "tools/.env", "LOG_LEVEL=debug\n", 0o644)  # nothing to use: its items stay low
    perms = _by_where(_run(world, matcher), "file-permissions")
    assert perms["tools/.env"].severity == "low"
    assert perms["~/.aws/credentials"].remedy == "chmod 600 ~/.aws/credentials"
    assert perms["~/.aws/credentials"].severity == "high"  # others can read it, and it is production
    assert perms[".env"].severity == "medium" and "mode 0644" in perms[".env"].what
    assert "~/.npmrc" not in perms  # 0600


def test_production_names_rank_higher(world: World, matcher: Matcher) -> None:
    for name in ("staging", "prod"):
        world.put(world.ws, f"deploy/{name}.env", f"API_TOKEN={_opaque(70)}\n")
    items = _by_where(_run(world, matcher, home=False), "env-file")
    assert items["deploy/staging.env"].severity == "high"
    assert items["deploy/prod.env"].severity == "critical" and items["deploy/prod.env"].production


def test_without_home_nothing_outside_the_tree_is_read(world: World, matcher: Matcher) -> None:
    items = _run(world, matcher, home=False)
    assert not any(i.where.startswith("~") for i in items)
    assert not any(i.kind == "git-credential-helper" for i in items)  # the repository's own config has none


def test_the_audit_changes_nothing(world: World, matcher: Matcher) -> None:
    def snapshot() -> dict[str, tuple[bytes, int, float]]:
        out = {}
        for base in (world.ws, world.home):
            for path in base.rglob("*"):
                if path.is_file() and ".git" not in path.relative_to(base).parts[:1]:
                    st = path.stat()
                    out[str(path)] = (path.read_bytes(), st.st_mode, st.st_mtime)
        return out

    before = snapshot()
    _run(world, matcher)
    assert snapshot() == before


# --- output ----------------------------------------------------------------------------------------

_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "items", "counts"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": 1},
        "counts": {"type": "object", "required": list(SEVERITIES), "additionalProperties": False,
                   "properties": {s: {"type": "integer", "minimum": 0} for s in SEVERITIES}},
        "items": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["kind", "severity", "where", "what", "action", "remedy", "production", "secrets", "rules"],
            "properties": {
                "kind": {"type": "string", "pattern": "^[a-z][a-z-]+$"},
                "severity": {"enum": list(SEVERITIES)},
                "where": {"type": "string", "minLength": 1},
                "what": {"type": "string", "minLength": 1, "pattern": "^[^\\n]+$"},
                "action": {"enum": list(ACTIONS)},
                "remedy": {"type": "string", "minLength": 1, "pattern": "^[^\\n]+$"},
                "production": {"type": "boolean"},
                "rules": {"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$"}},
                "secrets": {"type": "array", "items": {
                    "type": "object", "additionalProperties": False,
                    "required": ["label", "line", "masked", "fingerprint"],
                    "properties": {
                        "label": {"type": "string", "maxLength": 120},
                        "line": {"type": ["integer", "null"], "minimum": 1},
                        "masked": {"type": "string", "pattern": "^(.{0,4}…)?$"},
                        "fingerprint": {"type": "string", "pattern": "^([0-9a-f]{64})?$"},
                    }}},
            }}},
    },
}


def test_json_contract(world: World, matcher: Matcher) -> None:
    items = _run(world, matcher)
    out = io.StringIO()  # not a terminal: JSON
    render(items, out)
    data = json.loads(out.getvalue())
    jsonschema.validate(data, _SCHEMA)
    assert sum(data["counts"].values()) == len(data["items"]) == len(items)
    ranks = [SEVERITIES.index(i["severity"]) for i in data["items"]]
    assert ranks == sorted(ranks)  # most severe first
    _assert_no_leak(world, out.getvalue())


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_table_on_a_terminal(world: World, matcher: Matcher) -> None:
    items = _run(world, matcher)
    out = _Terminal()
    render(items, out)
    text = out.getvalue()
    lines = text.splitlines()
    assert lines[0].split() == ["SEVERITY", "WHERE", "WHAT"]
    assert lines[1].startswith("critical ")
    assert any(line.strip().startswith("→ rotate: ") for line in lines)
    assert "GITHUB_TOKEN ghp_…" in text and "[value ----…]" not in text
    assert lines[-1].startswith(f"credwall audit: {len(items)} item(s): ")
    assert "\033[" not in text
    _assert_no_leak(world, text)
    colored = _Terminal()
    render(items, colored, color=True)
    assert "\033[1;31mcritical" in colored.getvalue()


def test_an_unreadable_file_is_listed_not_fatal(world: World, matcher: Matcher) -> None:
    world.put(world.home, ".fly/config.yml", "access_token: [unclosed\n")
    items = _by_where(_run(world, matcher))
    assert items["~/.fly/config.yml"].kind == "unreadable"
    assert "malformed YAML" in items["~/.fly/config.yml"].what


# --- pieces ----------------------------------------------------------------------------------------

def test_exit_code() -> None:
    low = Item("env-file", "low", ".env", "x", "separate", "y")
    high = low._replace(severity="high")
    assert exit_code([]) == 0 and exit_code([low]) == 1
    assert exit_code([low], fail_on="high") == 0 and exit_code([low, high], fail_on="high") == 1


@pytest.mark.parametrize(("names", "expected"), [
    (("prod",), True), ((".env.production",), True), (("STRIPE_LIVE_KEY",), True), (("stripeLiveKey",), True),
    (("gke_prd-eu",), True), (("staging",), False), (("product-catalog",), False), (("delivery",), False),
    (("olive",), False), (("reproduce",), False),
])
def test_looks_production(names: tuple[str, ...], expected: bool) -> None:
    assert looks_production(*names) is expected


@pytest.mark.parametrize(("name", "expected"), [
    ("GITHUB_TOKEN", True), ("AWS_SECRET_ACCESS_KEY", True), ("STRIPE_SECRET", True), ("PGPASSWORD", False),
    ("DB_PASSWORD", True), ("NEXT_PUBLIC_API_KEY", False), ("STRIPE_PUBLISHABLE_KEY", False),
    ("AWS_ACCESS_KEY_ID", False), ("TOKEN_URL", False), ("PATH", False), ("KEY", True),
])
def test_secret_name(name: str, expected: bool) -> None:
    assert secret_name(name) is expected


def test_unencrypted_private_key() -> None:
    assert unencrypted_private_key(tokens.openssh_private_key_unencrypted().encode()) is True
    assert unencrypted_private_key(tokens.openssh_private_key_encrypted().encode()) is False
    assert unencrypted_private_key(tokens.pem_private_key().encode()) is True
    assert unencrypted_private_key(tokens.pem_certificate().encode()) is None


def test_only_the_home_it_is_given(world: World, matcher: Matcher, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """$HOME (here a decoy; never the developer's) is not consulted: only the `home` argument."""
    decoy = tmp_path / "decoy-home"
    world.put(decoy, ".npmrc", f"//registry.npmjs.org/:_authToken={tokens.npm_token(seed=80)}\n")
    monkeypatch.setenv("HOME", str(decoy))
    items = _run(world, matcher)
    assert not any(s.fingerprint and s.masked == "npm_…" and i.where != "~/.npmrc" for i in items for s in i.secrets)
    npmrc = _by_where(items, "registry")["~/.npmrc"]
    decoy_items = audit(str(world.ws), str(decoy), {}, matcher)
    decoy_npmrc = _by_where(decoy_items, "registry")["~/.npmrc"]
    assert npmrc.secrets[0].fingerprint != decoy_npmrc.secrets[0].fingerprint  # two different files were read
