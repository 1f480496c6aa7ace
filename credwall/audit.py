"""`credwall audit`: a read-only inventory of the credentials an AI agent started in this
workspace could use, each with a severity and a one-line remedy.

An agent runs as the developer: it reads the work tree, the home directory and the environment
it was started with. This module lists, without changing anything:

- in the tree: `.env*` files (tracked or not), env templates holding real values, private keys
  and credential files, MCP configs with literal secrets;
- with a home directory: cloud CLI credentials (AWS, gcloud ADC and logins, Azure, kubeconfig),
  registry tokens (npm, PyPI, Docker, .netrc, .git-credentials, gh, cargo, gem, composer),
  PaaS CLIs (Railway, Vercel, Fly.io, Heroku through .netrc, Netlify, Supabase, DigitalOcean,
  Cloudflare, Terraform Cloud, Pulumi), other CLI tokens, home MCP configs, passphrase-less SSH
  keys, shell profiles exporting `*_TOKEN` / `*_KEY` / `*_SECRET`;
- git's `credential.helper=store` (repository and home config);
- the process environment: variable NAMES only;
- reported files that group or others can read;
- the agent-era checklist (credwall/audit_agents.py): one credential in several places (env
  files, staging and production MCP entries), credentials in files agents load by default
  (instruction files and what they `@import`, memory files), every MCP server an agent here can
  start with the credential it uses and the database it can write to, and agent session
  transcripts and prompt histories under the home directory that hold credentials.

Values are never printed: a secret is shown as a masked prefix (`ghp_…`) and a fingerprint
(sha256 of rule id and value, as `credwall scan` reports it); environment variables by name
alone. Names that look like production (`prod`, `production`, `prd`, `live`) rank one level
higher, and so do values that say so (`sk_live_…`, `…$production$…`). Each item says what to do
with one verb: separate, scope, rotate or remove. `info` items (an MCP server with nothing to
fix) are listed and never fail the run.
"""

from __future__ import annotations

import base64
import json
import os
import re
import stat
from typing import Any, Iterable, Iterator, Mapping, NamedTuple, Sequence, TextIO

from .analysers.registry import classify
from .engine.filters import credential_key, placeholder_reason, reference_reason
from .engine.findings import fingerprint, mask

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .engine.findings import Finding
    from .engine.matcher import Matcher

JSON_VERSION = 1
SEVERITIES = ("critical", "high", "medium", "low", "info")  # info: listed, never failing
ACTIONS = ("separate", "scope", "rotate", "remove")
_MAX_READ = 10 * 1024 * 1024  # larger files are listed by name, not read
_PROD = re.compile(r"(?:^|[^a-z0-9])(?:prod|production|prd|live)(?:[^a-z0-9]|$)")


class Secret(NamedTuple):
    """One credential in a source: where and how to recognise it, never what it is."""

    label: str  # key, profile, host or variable name ("" when the format has none)
    line: int | None
    masked: str  # a few leading characters and "…"; "" when only a name is shown
    fingerprint: str  # sha256 over (rule id, value); "" when only a name is shown


class Item(NamedTuple):
    kind: str  # env-file, env-template, key-file, credential-file, mcp-config, cloud-cli, registry,
    #            paas-cli, cli-token, shell-profile, environment, git-credential-helper, ssh-key,
    #            ssh-agent, file-permissions, unreadable, shared-credential, agent-import, agent-memory,
    #            agent-transcript, agent-transcripts-unread, mcp-server
    severity: str  # critical | high | medium | low | info
    where: str  # a path relative to the audited root, `~/…`, `$NAME`, or a config file
    what: str  # one line: what an agent could use
    action: str  # separate | scope | rotate | remove
    remedy: str  # one line
    production: bool = False
    secrets: tuple[Secret, ...] = ()
    rules: tuple[str, ...] = ()  # the rule ids (patterns/) behind the item, when it is about content

    def to_json(self) -> dict[str, Any]:
        data = self._asdict()
        data["secrets"] = [s._asdict() for s in self.secrets]
        data["rules"] = list(self.rules)
        return data


def looks_production(*names: str) -> bool:
    """Does any name say production (`prod`, `production`, `prd`, `live` as a word)?"""
    for name in names:
        split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()  # stripeLiveKey -> stripe_live_key
        if _PROD.search(split):
            return True
    return False


def _severity(base: str, production: bool) -> str:
    rank = SEVERITIES.index(base)
    return SEVERITIES[max(rank - 1, 0)] if production else base


def _names(secrets: Sequence[Secret], limit: int = 4) -> str:
    labels = list(dict.fromkeys(s.label for s in secrets if s.label))
    shown = ", ".join(labels[:limit])
    return shown + (f" (+{len(labels) - limit} more)" if len(labels) > limit else "")


# --- labels: the name beside a value, never the value ------------------------------------------

_KEY_BEFORE = re.compile(r"([A-Za-z0-9_.\-/:@\[\]]{1,80}?)[\"']?[ \t]*[:=][ \t]*[\"']?$")
_SECTION = re.compile(r"^[ \t]*\[([^\]\r\n]{1,80})\][ \t]*$")
_MACHINE = re.compile(r"\bmachine[ \t]+(\S{1,120})")


def _label(lines: list[str], line: int, column: int, ini: bool = False, netrc: bool = False) -> str:
    """The key a value is assigned to, from the text before it on its line (`[section] key` in
    INI files, `machine host` in .netrc)."""
    if not 0 < line <= len(lines):
        return ""
    prefix = lines[line - 1][:max(column - 1, 0)]
    if netrc:
        before = "\n".join(lines[:line - 1] + [prefix])
        machines = _MACHINE.findall(before)
        return f"machine {machines[-1]}" if machines else ""
    m = _KEY_BEFORE.search(prefix)
    key = m.group(1).strip("\"'") if m else ""
    if ini:
        section = next((s.group(1).strip() for s in (_SECTION.match(t) for t in reversed(lines[:line - 1])) if s), "")
        return f"[{section}] {key}".strip() if section else key
    return key


def _line_list(text: str) -> list[str]:
    return [line.rstrip("\r") for line in text.split("\n")]


def _from_findings(findings: Iterable[Finding], text: str | None, ini: bool = False,
                   netrc: bool = False) -> list[Secret]:
    lines = _line_list(text) if text is not None else []
    secrets = []
    for f in findings:
        if f.rule_id in _FILE_RULES:  # about the whole file: its fingerprint names name and content
            secrets.append(Secret("", None, "", f.fingerprint))
            continue
        secrets.append(Secret(_label(lines, f.line, f.column, ini, netrc), f.line, f.secret_masked, f.fingerprint))
    return secrets


_FILE_RULES = frozenset({"env-file-committed", "keystore-file", "terraform-state", "private-key-file",
                         "agent-local-file-committed"})


# --- reading files -----------------------------------------------------------------------------

def _read(path: str) -> bytes | None:
    try:
        if os.path.getsize(path) > _MAX_READ:
            return None
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def _text(data: bytes) -> str | None:
    from .engine.decode import decode

    return decode(data).text


def _analyse(matcher: Matcher, path: str, data: bytes) -> tuple[list[Finding], list[str]]:
    """Credential findings and errors of one file, judged as every entry point judges it
    (credwall.pipeline); advisories (practices, not credentials) left out."""
    from .engine.findings import ScanResult
    from .pipeline import analyse_file

    result = ScanResult()
    analyse_file(matcher, path, data, result)
    return [f for f in result.findings if not f.advisory], [e.reason for e in result.errors]


_PROD_VALUE = re.compile(r"^(?:[a-z]{1,8}_)?live_|\$production\$|^(?:[a-z]{1,8}_)?prod(?:uction)?_", re.IGNORECASE)


def production_value(value: str) -> bool:
    """Does a credential's own format say production (`sk_live_…`, `access_token$production$…`)?"""
    return bool(_PROD_VALUE.search(value[:64]))


def finding_value(text: str | None, f: Finding) -> str | None:
    """The characters a finding covers in its file's text (in memory only: compared, never shown)."""
    if text is None or f.rule_id in _FILE_RULES:
        return None
    lines = text.split("\n")
    if not (0 < f.line <= len(lines) and 0 < f.end_line <= len(lines)):
        return None
    if f.line == f.end_line:
        return lines[f.line - 1][f.column - 1:f.end_column - 1] or None
    head = lines[f.line - 1][f.column - 1:]
    return "\n".join([head, *lines[f.line:f.end_line - 1], lines[f.end_line - 1][:f.end_column - 1]]) or None


def _unreadable(where: str, reason: str) -> Item:
    return Item("unreadable", "low", where, f"could not be read: {reason}", "remove",
                "check it by hand; credwall could not tell what it holds")


# --- permissions -------------------------------------------------------------------------------

def _permissions(path: str, where: str, production: bool, cap: str = "critical") -> Item | None:
    """An item when group or others may read a credential file (never on Windows), no more
    severe than `cap`, the file's own item."""
    if os.name == "nt":
        return None
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return None
    if not mode & 0o044:
        return None
    who = "group and others" if mode & 0o044 == 0o044 else ("others" if mode & 0o004 else "group")
    base = "medium" if mode & 0o004 else "low"
    severity = SEVERITIES[max(SEVERITIES.index(_severity(base, production)), SEVERITIES.index(cap))]
    return Item("file-permissions", severity, where,
                f"readable by {who} (mode {mode:04o}): every local account{' in the group' if who == 'group' else ''} "
                "and process can read it", "scope", f"chmod 600 {_quote(where)}", production)


def _quote(path: str) -> str:
    """A path for a shell command line; `~/` stays unquoted so the shell still expands it."""
    import shlex

    if path.startswith("~/"):
        return "~/" + shlex.quote(path[2:])
    return shlex.quote(path)


# --- the work tree -----------------------------------------------------------------------------

_TREE_KINDS = frozenset({"env", "env-template", "keyfile", "mcp", "agent-settings", "agent", "ci"})


def _git_state(root: str, rels: list[str]) -> tuple[str | None, set[str], set[str]]:
    """(work tree root, tracked paths, ignored paths) relative to the work tree; empty outside git."""
    from .sources import git

    try:
        top = git.toplevel(root)
        if top is None:
            return None, set(), set()
        tracked = git.tracked_files(top)
        under = [os.path.relpath(os.path.join(root, r), top).replace(os.sep, "/") for r in rels]
        untracked = [p for p in under if p not in tracked]
        ignored = {v.path for v in git.check_ignore(top, untracked, excludes_file=None) if v.ignored}
        return top, tracked, ignored
    except git.GitError:
        return None, set(), set()


class Scanned(NamedTuple):
    """A file of the tree the audit analysed, for the checks that compare files."""

    where: str  # relative to the audited root
    path: str
    kind: str
    state: str  # tracked | ignored | untracked | ""
    text: str | None
    findings: tuple[Finding, ...]


def _tree(root: str, matcher: Matcher, seen: list[Scanned] | None = None) -> list[Item]:
    from .sources.files import walk

    candidates = []
    for path, reason in walk(root):
        if reason is not None:
            continue
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        kind = classify(rel)
        if kind in _TREE_KINDS:
            candidates.append((path, rel, kind))
    if not candidates:
        return []
    top, tracked, ignored = _git_state(root, [rel for _, rel, _ in candidates])
    items: list[Item] = []
    for path, rel, kind in candidates:
        key = os.path.relpath(path, top).replace(os.sep, "/") if top else rel
        state = "tracked" if key in tracked else "ignored" if key in ignored else "untracked" if top else ""
        data = _read(path)
        if data is None:
            items.append(_unreadable(rel, "too large or not readable"))
            continue
        findings, errors = _analyse(matcher, rel, data)
        if errors and not findings:
            items.append(_unreadable(rel, errors[0]))
            continue
        text = _text(data)
        if seen is not None:
            seen.append(Scanned(rel, path, kind, state, text, tuple(findings)))
        item = _tree_item(kind, rel, state, findings, text)
        if item is not None and findings:
            item = item._replace(rules=tuple(sorted({f.rule_id for f in findings})))
        if item is not None and not item.production and any(
                production_value(v) for v in (finding_value(text, f) for f in findings) if v):
            item = _promote(item)
        if item is not None:
            items.append(item)
            extra = _permissions(path, rel, item.production, item.severity)
            if extra is not None:
                items.append(extra)
    return items


_STATE = {"tracked": "tracked in git", "ignored": "ignored by git",
          "untracked": "NOT ignored by git: one `git add -A` from a commit", "": "not in a git work tree"}


def _promote(item: Item) -> Item:
    """The item of a file holding a credential whose own format says production."""
    return item._replace(production=True, severity=_severity(item.severity, True) if item.severity != "info" else "info")


def _tree_item(kind: str, rel: str, state: str, findings: list[Finding], text: str | None) -> Item | None:
    name = rel.rsplit("/", 1)[-1]
    if kind in ("env", "env-template"):
        secrets = _env_secrets(findings, text)
        production = looks_production(rel, *(s.label for s in secrets))
        if kind == "env-template":
            if not secrets:
                return None  # placeholders only: nothing to use
            what = f"env template holding {len(secrets)} real-looking value(s): {_names(secrets)} ({_STATE[state]})"
            return Item("env-template", _severity("critical" if state == "tracked" else "high", production), rel, what,
                        "rotate" if state == "tracked" else "separate",
                        "replace the values with placeholders; rotate any that was real", production, secrets)
        if not secrets:
            return Item("env-file", _severity("low", production), rel,
                        f"env file with no credential-looking value ({_STATE[state]})", "separate",
                        "keep it out of the workspace, or deny agents reading it (`credwall check-ignores --fix`)",
                        production)
        what = f"env file with {len(secrets)} credential(s): {_names(secrets)} ({_STATE[state]})"
        if state == "tracked":
            return Item("env-file", "critical", rel, what, "rotate",
                        f"rotate them (they are in git history), then `git rm --cached {_quote(rel)}` and ignore it",
                        production, secrets)
        remedy = ("load them at run time from a secret manager (`op run`, `doppler run`, `infisical run`) instead "
                  "of a file agents can read; until then deny reads (`credwall check-ignores --fix`)")
        return Item("env-file", _severity("high", production), rel, what, "separate",
                    remedy if state != "untracked" else "add it to .gitignore, then " + remedy, production, secrets)
    findings = [f for f in findings if f.rule_id != "agent-local-file-committed"]  # personal, not a credential
    if not findings:
        return None  # certificates, public keys, placeholder-only credential files
    ini = name in _INI_NAMES
    secrets = tuple(_from_findings(findings, text, ini=ini, netrc=name in (".netrc", "_netrc")))
    production = looks_production(rel, *(s.label for s in secrets))
    tracked = state == "tracked"
    if kind in ("mcp", "agent-settings"):
        what = f"MCP config with {len(secrets)} literal credential(s): {_names(secrets)} ({_STATE[state]})"
        return Item("mcp-config", "critical" if tracked else _severity("high", production), rel, what,
                    "rotate" if tracked else "separate",
                    ("rotate them, then " if tracked else "")
                    + "replace each literal with a reference the client expands (`${VAR}`, `${env:VAR}`, `${input:id}`)",
                    production, secrets)
    if kind in ("agent", "ci"):
        noun = "agent instruction file (every agent session reads it)" if kind == "agent" else "CI definition"
        what = f"{noun} with {len(secrets)} credential(s): {_names(secrets)} ({_STATE[state]})"
        remedy = ("keep them in the environment or a secret manager and reference them" if kind == "agent"
                  else "store them in the CI system's secret store and reference them")
        return Item("agent-file" if kind == "agent" else "ci-file", "critical" if tracked else _severity("high", production),
                    rel, what, "rotate" if tracked else "separate", ("rotate them, then " if tracked else "") + remedy,
                    production, secrets)
    rules = {f.rule_id for f in findings}
    private = any("private-key" in r or r in ("keystore-file", "secret-key-file") for r in rules)
    if "terraform-state" in rules:
        what = "Terraform state: resource secrets in plain text"
    elif private:
        what = "private key" if "keystore-file" not in rules else "keystore (private keys, passwords)"
    else:
        what = f"credential file with {len(secrets)} credential(s)" + (f": {_names(secrets)}" if _names(secrets) else "")
    what += f" ({_STATE[state]})"
    if tracked:
        return Item("key-file" if private else "credential-file", "critical", rel, what, "rotate",
                    f"replace it (it is in git history), then `git rm --cached {_quote(rel)}`", production, secrets)
    if private:
        return Item("key-file", _severity("high", production), rel, what, "remove",
                    "move it out of the workspace (`~/.ssh`, a keychain or a secret manager)", production, secrets)
    return Item("credential-file", _severity("high", production), rel, what, "separate",
                "move it out of the workspace, or reference the values from the environment", production, secrets)


_INI_NAMES = frozenset({"credentials", ".pypirc", ".s3cfg", ".boto", ".databrickscfg", "gradle.properties"})


def _env_secrets(findings: list[Finding], text: str | None) -> tuple[Secret, ...]:
    """One secret per finding, labelled with the env key on its line."""
    from .analysers.dotenv import parse

    keys: dict[int, str] = {}
    if text is not None:
        for entry in parse(text).entries:
            for line in range(entry.line, entry.end_line + 1):
                keys.setdefault(line, entry.key)
    return tuple(Secret(keys.get(f.line, ""), f.line, f.secret_masked, f.fingerprint)
                 for f in findings if f.rule_id not in _FILE_RULES)


# --- the home directory ------------------------------------------------------------------------

class _HomeFile(NamedTuple):
    paths: tuple[str, ...]  # under home; each that exists is an item
    kind: str  # cloud-cli | registry | paas-cli | cli-token | mcp-config
    what: str
    fmt: str  # keyfile | json | yaml | toml | ini | raw | exists | mcp
    action: str
    remedy: str
    classify_as: str = ""  # the name the key-file analyser should judge it by, when not its own


_HOME_FILES = (
    # cloud CLIs
    _HomeFile((".aws/credentials",), "cloud-cli", "AWS access keys", "keyfile", "scope",
              "use short-lived credentials (`aws sso login`, aws-vault) instead of long-lived keys; "
              "delete profiles not needed here"),
    _HomeFile((".aws/sso/cache",), "cloud-cli", "AWS SSO session tokens (short-lived)", "exists", "scope",
              "`aws sso logout` when done"),
    _HomeFile((".config/gcloud/application_default_credentials.json",), "cloud-cli",
              "Google Cloud application default credentials", "json", "scope",
              "`gcloud auth application-default revoke` when not needed; prefer impersonation "
              "(`--impersonate-service-account`) with short-lived tokens"),
    _HomeFile((".config/gcloud/credentials.db", ".config/gcloud/legacy_credentials"), "cloud-cli",
              "gcloud CLI logins (refresh tokens)", "exists", "scope", "`gcloud auth revoke` accounts not needed here"),
    _HomeFile((".azure/msal_token_cache.json", ".azure/accessTokens.json"), "cloud-cli", "Azure CLI tokens",
              "exists", "scope", "`az logout` when done; keep sessions short"),
    _HomeFile((".azure/service_principal_entries.json",), "cloud-cli", "Azure service principal secrets", "exists",
              "scope", "log in with a managed identity or certificate; `az logout` to remove the stored secret"),
    _HomeFile((".kube/config",), "cloud-cli", "Kubernetes cluster credentials", "keyfile", "scope",
              "use exec credential plugins (short-lived tokens) instead of static tokens and client keys"),
    # registries
    _HomeFile((".npmrc",), "registry", "npm registry token", "keyfile", "scope",
              "keep a read-only granular token here; publish from CI with trusted publishing"),
    _HomeFile((".pypirc",), "registry", "PyPI credentials", "keyfile", "scope",
              "publish from CI with trusted publishing, or use a project-scoped token"),
    _HomeFile((".docker/config.json",), "registry", "container registry credentials", "keyfile", "scope",
              "use a credential helper (`credsStore`) instead of inline `auths`"),
    _HomeFile((".netrc", "_netrc"), "registry", "machine credentials (.netrc; the Heroku CLI keeps its token here)",
              "keyfile", "scope", "use per-tool credential helpers; `heroku logout` for Heroku's entries"),
    _HomeFile((".git-credentials",), "registry", "git credentials in plain text", "keyfile", "remove",
              "use a keychain-backed credential helper, then delete this file"),
    _HomeFile((".config/git/credentials",), "registry", "git credentials in plain text", "keyfile", "remove",
              "use a keychain-backed credential helper, then delete this file", ".git-credentials"),
    _HomeFile((".config/gh/hosts.yml",), "registry", "GitHub CLI token", "yaml", "scope",
              "let gh keep its token in the OS keychain (`gh auth login` without --insecure-storage)"),
    _HomeFile((".cargo/credentials.toml", ".cargo/credentials"), "registry", "crates.io token", "toml", "scope",
              "use a scoped, expiring token (`cargo login` with one from crates.io settings)"),
    _HomeFile((".gem/credentials",), "registry", "RubyGems API key", "yaml", "scope",
              "use a scoped API key with MFA; publish from CI with trusted publishing"),
    _HomeFile((".composer/auth.json", ".config/composer/auth.json"), "registry", "Composer registry tokens", "json",
              "scope", "use read-only tokens, or environment (`COMPOSER_AUTH`) per command"),
    _HomeFile((".gradle/gradle.properties",), "registry", "Gradle repository credentials", "ini", "scope",
              "pass them per build from the environment (`ORG_GRADLE_PROJECT_…`) or a credential helper"),
    # PaaS CLIs
    _HomeFile((".railway/config.json",), "paas-cli", "Railway account token", "json", "scope",
              "use project tokens scoped to one environment; `railway logout` when done"),
    _HomeFile((".local/share/com.vercel.cli/auth.json", "Library/Application Support/com.vercel.cli/auth.json",
               ".vercel/auth.json", ".now/auth.json"), "paas-cli", "Vercel token", "json", "scope",
              "use an expiring token scoped to one team; `vercel logout` when done"),
    _HomeFile((".fly/config.yml",), "paas-cli", "Fly.io access token", "yaml", "scope",
              "use `fly tokens create deploy` tokens scoped to one app; `fly auth logout` when done"),
    _HomeFile((".netlify/config.json", ".config/netlify/config.json", "Library/Preferences/netlify/config.json"),
              "paas-cli", "Netlify token", "json", "scope", "`netlify logout` when done; use site-scoped deploy keys"),
    _HomeFile((".supabase/access-token",), "paas-cli", "Supabase access token", "raw", "scope",
              "`supabase logout` when done; use tokens with an expiry"),
    _HomeFile((".config/doctl/config.yaml",), "paas-cli", "DigitalOcean token", "yaml", "scope",
              "use a scoped, expiring token; `doctl auth remove` when done"),
    _HomeFile((".wrangler/config/default.toml", ".config/.wrangler/config/default.toml"), "paas-cli",
              "Cloudflare (wrangler) token", "toml", "scope", "`wrangler logout`; use API tokens scoped to one zone"),
    _HomeFile((".terraform.d/credentials.tfrc.json",), "paas-cli", "Terraform Cloud token", "json", "scope",
              "use team or workspace tokens with an expiry; `terraform logout`"),
    _HomeFile((".pulumi/credentials.json",), "paas-cli", "Pulumi access token", "json", "scope",
              "`pulumi logout`; use short-lived tokens (OIDC) in automation"),
    # other CLIs
    _HomeFile((".vault-token",), "cli-token", "HashiCorp Vault token", "raw", "scope",
              "use short TTL tokens; `vault token revoke -self` when done"),
    _HomeFile((".cache/huggingface/token", ".huggingface/token"), "cli-token", "Hugging Face token", "raw", "scope",
              "use a fine-grained read-only token; `huggingface-cli logout`"),
    _HomeFile((".databrickscfg",), "cli-token", "Databricks token", "ini", "scope",
              "use OAuth (`databricks auth login`) instead of personal access tokens"),
    _HomeFile((".config/glab-cli/config.yml",), "cli-token", "GitLab CLI token", "yaml", "scope",
              "use a scoped, expiring token; `glab auth logout`"),
    # MCP configs outside the project: every agent on the machine can read them
    _HomeFile((".claude.json", ".cursor/mcp.json", ".codeium/windsurf/mcp_config.json", ".gemini/settings.json",
               ".codex/config.toml", ".config/Claude/claude_desktop_config.json",
               "Library/Application Support/Claude/claude_desktop_config.json"),
              "mcp-config", "MCP servers with literal credentials", "mcp", "separate",
              "replace each literal with a reference the client expands (`${VAR}`, `${env:VAR}`), "
              "or start the server from a wrapper that reads a keychain"),
)

# Keys whose value is a credential in the CLI configs above (besides every credential-named key).
_SLOT_KEYS = frozenset({"token", "auth", "access_token", "accesstoken", "oauth_token", "refresh_token",
                        "api_token", "apitoken", "access-token", "authtoken", "password", "secret",
                        "client_secret", "private_key", "id_token", "api_key", "apikey", ":rubygems_api_key",
                        "rubygems_api_key"})
# Keys under a credential-named parent that name rather than hold.
_NAMING_KEY = re.compile(r"(?i)(?:^|[_.-])(?:ids?|name|user|username|login|email|url|uri|host|type|scopes?"
                         r"|expires?(?:_at|_in)?|expiry|expiration(?:_time)?|created(?:_at)?|provider)$")
_CONTEXT_KEYS = frozenset({"name", "cluster", "context", "current-context", "environment", "profile", "project",
                           "app", "team", "org", "namespace"})


def _home(home: str, matcher: Matcher) -> list[Item]:
    items: list[Item] = []
    for spec in _HOME_FILES:
        for rel in spec.paths:
            path = os.path.join(home, rel)
            where = "~/" + rel
            if spec.fmt == "exists":
                if os.path.lexists(path) and (not os.path.isdir(path) or os.listdir(path)):
                    production = looks_production(rel)
                    items.append(Item(spec.kind, _severity("high", production), where, f"{spec.what}: present",
                                      spec.action, spec.remedy, production))
                continue
            if not os.path.isfile(path):
                continue
            data = _read(path)
            if data is None:
                items.append(_unreadable(where, "too large or not readable"))
                continue
            secrets, names, error = _home_secrets(spec, path, data, matcher)
            if error:
                items.append(_unreadable(where, error))
                continue
            if not secrets:
                continue
            production = looks_production(rel, *names, *(s.label for s in secrets))
            what = spec.what
            if spec.kind == "registry" and any("heroku" in s.label.lower() for s in secrets):
                what += ", Heroku among them"
            listed = _names(secrets)
            items.append(Item(spec.kind, _severity("high", production), where,
                              f"{what}: {len(secrets)} credential(s)" + (f": {listed}" if listed else ""),
                              spec.action, spec.remedy, production, tuple(secrets)))
            extra = _permissions(path, where, production)
            if extra is not None:
                items.append(extra)
    items.extend(_ssh_keys(home))
    items.extend(_profiles(home))
    return items


def _home_secrets(spec: _HomeFile, path: str, data: bytes, matcher: Matcher) -> tuple[list[Secret], list[str], str]:
    """(secrets, context names such as profiles and clusters, error)."""
    text = _text(data)
    if spec.fmt == "keyfile":
        name = spec.classify_as or os.path.basename(path)
        judged = os.path.join(os.path.dirname(path), name)
        findings, errors = _analyse(matcher, judged, data)
        if errors and not findings:
            return [], [], errors[0]
        secrets = _from_findings(findings, text, ini=name in _INI_NAMES, netrc=name in (".netrc", "_netrc"))
        return secrets, _structured_names(path, text), ""
    if spec.fmt == "mcp":
        findings, errors = _analyse(matcher, path, data)
        if errors and not findings:
            return [], [], errors[0]
        return _from_findings(findings, text), [], ""
    if text is None:
        return [], [], "not a text file"
    if spec.fmt == "raw":
        token = text.strip()
        if 8 <= len(token) <= 4096 and not any(ch.isspace() for ch in token) and _value_ok(token):
            return [_secret("cli-token", "", 1, token)], [], ""
        return [], [], ""
    if spec.fmt == "ini":
        return _ini_secrets(text, matcher), [], ""
    return _structured_secrets(spec.fmt, path, text, matcher)


def _secret(rule_id: str, label: str, line: int | None, value: str) -> Secret:
    return Secret(label, line, mask(value), fingerprint(rule_id, value))


def _value_ok(value: str) -> bool:
    """A value that could be a credential: not empty, a reference or a placeholder."""
    stripped = value.strip()
    return bool(stripped) and reference_reason(stripped) is None and placeholder_reason(stripped) is None


def _provider(matcher: Matcher, path: str, text: str) -> list[Finding]:
    """Provider-format tokens (ghp_…, AKIA…) anywhere in a file; generic keyword rules left out."""
    from .engine.findings import findings_from_matches

    return findings_from_matches(path, text, [m for m in matcher.find(text)
                                              if not m.rule.generic and not m.rule.advisory])


def _structured_secrets(fmt: str, path: str, text: str, matcher: Matcher) -> tuple[list[Secret], list[str], str]:
    from .analysers.structured import StructureError, dotted, load_json, load_toml, load_yaml

    loader = {"json": load_json, "yaml": load_yaml, "toml": load_toml}[fmt]
    try:
        _, leaves = loader(text)
    except StructureError as exc:
        return [], [], f"malformed {fmt.upper()}: {exc}"
    found = _provider(matcher, path, text)
    lines = _line_list(text)
    secrets = _from_findings(found, text)
    # (line, start, end) of values already reported: one-line JSON holds several on a line
    claimed = [(f.line, f.column, f.end_column) for f in found]
    names = []
    for leaf in leaves:
        keys = [p for p in leaf.path if isinstance(p, str)]
        last = keys[-1] if keys else ""
        if last.lower() in _CONTEXT_KEYS:
            names.append(leaf.value)
        slot = last.lower() in _SLOT_KEYS or credential_key(last)
        inherited = any(k.lower() in _SLOT_KEYS or credential_key(k) for k in keys[:-1]) and not _NAMING_KEY.search(last)
        end = leaf.column + len(leaf.value) + 2  # the value and its quotes
        if any(line == leaf.line and start < end and leaf.column < stop for line, start, stop in claimed):
            continue
        if not (slot or inherited) or not _value_ok(leaf.value):
            continue
        if len(leaf.value) < 8 or leaf.value.lower() in ("true", "false", "null") or leaf.value.isdigit():
            continue
        label = dotted(leaf.path) if len(dotted(leaf.path)) <= 80 else _label(lines, leaf.line, leaf.column)
        secrets.append(_secret("credential-file", label, leaf.line, leaf.value))
        claimed.append((leaf.line, leaf.column, end))
    return secrets, names, ""


def _structured_names(path: str, text: str | None) -> list[str]:
    """Context names (kube contexts and clusters, profiles) of a YAML/JSON credential file."""
    if text is None or not path.endswith(("config", ".json", ".yml", ".yaml")):
        return []
    from .analysers.structured import load_json, load_yaml

    try:
        _, leaves = (load_json if path.endswith(".json") else load_yaml)(text)
    except Exception:  # not the format its name suggests: no names, and the secrets are listed anyway
        return []
    return [leaf.value for leaf in leaves
            if leaf.path and isinstance(leaf.path[-1], str) and leaf.path[-1].lower() in _CONTEXT_KEYS]


def _ini_secrets(text: str, matcher: Matcher) -> list[Secret]:
    secrets = []
    section = ""
    for n, raw in enumerate(_line_list(text), 1):
        line = raw.strip()
        if not line or line[0] in "#;!":
            continue
        m = _SECTION.match(line)
        if m:
            section = m.group(1).strip()
            continue
        cut = min((i for i in (line.find("="), line.find(":")) if i > 0), default=-1)
        if cut < 0:
            continue
        key, value = line[:cut].strip(), line[cut + 1:].strip().strip("\"'")
        if (key.lower() in _SLOT_KEYS or credential_key(key)) and _value_ok(value) and len(value) >= 8:
            secrets.append(_secret("credential-file", f"[{section}] {key}" if section else key, n, value))
    return secrets


# --- SSH ---------------------------------------------------------------------------------------

def _ssh_keys(home: str) -> list[Item]:
    directory = os.path.join(home, ".ssh")
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    items = []
    for name in names:
        path = os.path.join(directory, name)
        if name.endswith((".pub", ".old")) or name in ("known_hosts", "config", "authorized_keys") \
                or not os.path.isfile(path):
            continue
        data = _read(path)
        if data is None or unencrypted_private_key(data) is not True:
            continue
        where = f"~/.ssh/{name}"
        production = looks_production(name)
        items.append(Item("ssh-key", _severity("high", production), where,
                          "SSH private key without a passphrase: git push and ssh log-ins as you", "scope",
                          f"add a passphrase (`ssh-keygen -p -f {_quote(where)}`) and load it with confirmation "
                          "(`ssh-add -c`)", production,
                          (Secret("", None, "", fingerprint("ssh-private-key", data.decode("latin-1"))),)))
        extra = _permissions(path, where, production)
        if extra is not None:
            items.append(extra)
    return items


def unencrypted_private_key(data: bytes) -> bool | None:
    """True for a private key anyone holding the file can use, False for a passphrase-protected
    one, None when the file is not a private key credwall knows."""
    head = data[:100]
    if b"-----BEGIN OPENSSH PRIVATE KEY-----" in head:
        body = re.search(rb"-----BEGIN OPENSSH PRIVATE KEY-----(.*?)-----END", data, re.DOTALL)
        try:
            raw = base64.b64decode(b"".join((body.group(1) if body else b"").split()))
        except ValueError:
            return None
        magic = b"openssh-key-v1\0"
        if not raw.startswith(magic) or len(raw) < len(magic) + 4:
            return None
        size = int.from_bytes(raw[len(magic):len(magic) + 4], "big")
        return raw[len(magic) + 4:len(magic) + 4 + size] == b"none"
    if b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in head:
        return False
    if re.search(rb"-----BEGIN (?:RSA |DSA |EC )?PRIVATE KEY-----", head):
        return b"ENCRYPTED" not in data[:300]
    if head.startswith(b"PuTTY-User-Key-File"):
        return b"Encryption: none" in data[:200]
    return None


# --- shell profiles ----------------------------------------------------------------------------

_PROFILES = (".bashrc", ".bash_profile", ".bash_login", ".profile", ".zshrc", ".zshenv", ".zprofile", ".zlogin",
             ".kshrc", ".mkshrc", ".cshrc", ".tcshrc", ".config/fish/config.fish")
_EXPORT = re.compile(
    r"^[ \t]*(?:export[ \t]+|(?:declare|typeset)[ \t]+-[A-Za-z]*x[A-Za-z]*[ \t]+|setenv[ \t]+"
    r"|set[ \t]+(?:-[A-Za-z]+[ \t]+)*?(?:-[A-Za-z]*x[A-Za-z]*|--export)(?:[ \t]+-[A-Za-z]+)*[ \t]+)"
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:=|[ \t]+)(?P<value>.*)$")
# `*_TOKEN`, `*_KEY`, `*_SECRET` and their kin; publishable keys are public by design.
_SECRET_NAME = re.compile(r"(?:^|_)(?:TOKEN|KEY|SECRET|SECRETS|PASSWORD|PASSWD|PASS|PAT|APIKEY|CREDENTIALS?)$"
                          r"|(?:^|_)SECRET_", re.IGNORECASE)
_PUBLIC_NAME = re.compile(r"PUBLIC|PUBLISHABLE", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"://[^/\s:@]+:[^@\s/]+@")


def secret_name(name: str) -> bool:
    """Does a variable name say it holds a credential (`GITHUB_TOKEN`, `STRIPE_SECRET_KEY`)?"""
    return bool(_SECRET_NAME.search(name)) and not _PUBLIC_NAME.search(name)


def _shell_value(raw: str) -> tuple[str, str]:
    """(kind, value) of an exported value: literal, command (fetched at shell start), or reference."""
    value = raw.strip()
    if value[:1] in ("'", '"'):
        end = value.find(value[0], 1)
        value = value[1:end] if end > 0 else value[1:]
    else:
        value = re.split(r"[ \t]+#|;", value, maxsplit=1)[0].strip()
    if not value:
        return "empty", ""
    if value.startswith(("$(", "`", "(")):
        return "command", value
    if re.fullmatch(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?", value) or not _value_ok(value):
        return "reference", value
    return "literal", value


def _profiles(home: str) -> list[Item]:
    items = []
    for rel in _PROFILES:
        path = os.path.join(home, rel)
        data = _read(path) if os.path.isfile(path) else None
        text = _text(data) if data is not None else None
        if text is None:
            continue
        secrets = []
        commands = []
        for n, line in enumerate(_line_list(text), 1):
            m = _EXPORT.match(line)
            if m is None or not secret_name(m.group("name")):
                continue
            kind, value = _shell_value(m.group("value"))
            if kind == "literal":
                secrets.append(_secret("shell-export", m.group("name"), n, value))
            elif kind == "command":
                commands.append(Secret(m.group("name"), n, "", ""))
        if not secrets and not commands:
            continue
        where = "~/" + rel
        production = looks_production(*(s.label for s in secrets + commands))
        if secrets:
            what = (f"exports {len(secrets)} literal credential(s) to every process started from a shell: "
                    f"{_names(secrets)}")
            if commands:
                what += f"; {len(commands)} more fetched by a command at start-up: {_names(commands)}"
            items.append(Item("shell-profile", _severity("high", production), where, what, "separate",
                              "remove them from the profile; fetch each only in the command that needs it "
                              "(`op run`, `doppler run`, direnv per project)", production, tuple(secrets + commands)))
        else:
            items.append(Item("shell-profile", _severity("medium", production), where,
                              f"exports {len(commands)} credential(s) fetched at start-up to every process "
                              f"started from a shell: {_names(commands)}", "scope",
                              "fetch them only in the command that needs them, not in the profile", production,
                              tuple(commands)))
        extra = _permissions(path, where, production)
        if extra is not None:
            items.append(extra)
    return items


# --- environment, git config ---------------------------------------------------------------------

def _environment(environ: Mapping[str, str]) -> list[Item]:
    """Names only: a value is looked at to skip empty ones and references, never shown."""
    items = []
    for name in sorted(environ):
        value = environ[name]
        if name == "SSH_AUTH_SOCK" and value:
            items.append(Item("ssh-agent", "medium", "$SSH_AUTH_SOCK",
                              "ssh-agent socket: an agent can sign with every loaded key (git push, ssh log-ins)",
                              "scope", "load keys with confirmation (`ssh-add -c`), or start agents without "
                              "SSH_AUTH_SOCK"))
            continue
        url = name.upper().endswith(("_URL", "_URI", "_DSN", "DATABASE_URL")) and _URL_PASSWORD.search(value)
        if not (url or (secret_name(name) and _value_ok(value))):
            continue
        production = looks_production(name)
        what = ("URL with an embedded password" if url else "credential") + \
            " in this process's environment: every agent and tool started from it inherits it (value not shown)"
        items.append(Item("environment", _severity("high", production), f"${name}", what, "scope",
                          f"start agents without it (`env -u {name} …`) and load it only in the command that "
                          "needs it (`op run`, `doppler run`, direnv)", production, (Secret(name, None, "", ""),)))
    return items


def _credential_helpers(root: str, home: str | None, environ: Mapping[str, str]) -> list[Item]:
    from .sources import git

    sources: list[tuple[str, str | None]] = []
    try:
        if git.toplevel(root) is not None:
            sources.append((".git/config", None))
    except git.GitError:
        pass
    if home is not None:
        sources.append(("~/.gitconfig", os.path.join(home, ".gitconfig")))
        xdg = environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
        shown = "~/.config/git/config" if xdg == os.path.join(home, ".config") else "$XDG_CONFIG_HOME/git/config"
        sources.append((shown, os.path.join(xdg, "git", "config")))
    items = []
    for where, file in sources:
        try:
            entries = git.config_entries(r"^credential\..*helper$", cwd=root, file=file)
        except git.GitError:
            continue
        for key, value in entries:
            words = value.split()
            helper = words[0].lstrip("!") if words else ""
            if helper not in ("store", "git-credential-store") and "credential-store" not in value:
                continue
            store = next((w.split("=", 1)[1] for w in words if w.startswith("--file=")), None)
            if store is None and "--file" in words[:-1]:
                store = words[words.index("--file") + 1]
            items.append(Item("git-credential-helper", "high", where,
                              f"{key}={value}: git keeps every password and token it is given in plain text "
                              f"({store or '~/.git-credentials'})", "remove",
                              "use a keychain-backed helper (`git config --global credential.helper osxkeychain`, "
                              "`manager` or `libsecret`), then delete the store file"))
    return items


# --- the inventory -----------------------------------------------------------------------------

def audit(root: str, home: str | None, environ: Mapping[str, str], matcher: Matcher | None = None) -> list[Item]:
    """Everything an agent started in `root` could use, most severe first. Read-only.

    `home` is the home directory to inventory (None: the tree and environment only); `environ`
    the environment an agent would inherit (variable names are reported, never values).
    `matcher` defaults to the built-in rules."""
    if matcher is None:
        from .engine.session import load_matcher

        matcher = load_matcher()
    from . import audit_agents

    seen: list[Scanned] = []
    items = _tree(root, matcher, seen)
    items += _credential_helpers(root, home, environ)
    if home is not None:
        items += _home(home, matcher)
    items += _environment(environ)
    items += audit_agents.checklist(root, home, environ, matcher, seen)
    return sorted(items, key=lambda i: (SEVERITIES.index(i.severity), not i.production, i.kind, i.where))


def exit_code(items: Sequence[Item], fail_on: str = "low") -> int:
    """1 when any item is at least as severe as `fail_on`, else 0."""
    floor = SEVERITIES.index(fail_on)
    return 1 if any(SEVERITIES.index(i.severity) <= floor for i in items) else 0


# --- output ------------------------------------------------------------------------------------

def to_json(items: Sequence[Item]) -> dict[str, Any]:
    counts = {s: sum(i.severity == s for i in items) for s in SEVERITIES}
    return {"version": JSON_VERSION, "items": [i.to_json() for i in items], "counts": counts}


def render(items: Sequence[Item], out: TextIO, fmt: str = "auto", color: bool = False) -> None:
    """A table on a terminal, JSON otherwise (`fmt`: auto, table or json)."""
    if fmt == "auto":
        fmt = "table" if out.isatty() else "json"
    if fmt == "json":
        json.dump(to_json(items), out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    for line in table(items, color=color):
        out.write(line + "\n")


_COLORS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[2m", "info": "\033[2m"}


def table(items: Sequence[Item], color: bool = False, width: int = 40) -> Iterator[str]:
    """Plain-text rows: severity, where, what (with masked values), then the remedy indented."""
    wheres = [i.where if len(i.where) <= width else "…" + i.where[-(width - 1):] for i in items]
    col = max([len("WHERE"), *map(len, wheres)])
    yield f"{'SEVERITY':<9} {'WHERE':<{col}}  WHAT"
    for item, where in zip(items, wheres):
        severity = f"{item.severity:<9}"
        if color:
            severity = f"{_COLORS[item.severity]}{severity}\033[0m"
        # a masked prefix with no letter or digit ("----…" of a PEM block) says nothing: left out
        shown = [f"{s.label or 'value'} {s.masked}" for s in item.secrets if any(c.isalnum() for c in s.masked)][:3]
        values = f" [{', '.join(shown)}]" if shown else ""
        yield f"{severity} {where:<{col}}  {item.what}{' (production)' if item.production else ''}{values}"
        yield f"{'':<9} {'':<{col}}  → {item.action}: {item.remedy}"
    counts = ", ".join(f"{n} {s}" for s in SEVERITIES if (n := sum(i.severity == s for i in items)))
    yield (f"credwall audit: {len(items)} item(s){': ' + counts if counts else ''}; "
           "values are never shown, only masked prefixes and fingerprints")
