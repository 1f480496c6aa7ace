"""Which kind of file is this, and which analyser reads it.

Each file is classified once: by its path (`.env.production`, `.mcp.json`, `CLAUDE.md`,
`.github/workflows/ci.yml`, `id_ed25519`), and, for a structured file the path does not name
(`.vscode/settings.json`, `*.code-workspace`, a YAML config), by a cheap look at its content
(an MCP servers table). Every entry point analyses a file of a kind with that kind's analyser,
so `credwall scan`, every hook, the staged and history scans, the agent guard and `audit` give
one answer per file. The hook ids other than `credwall` are subsets of kinds for teams that
want only a part; none of them changes what another reports.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

    from ..engine.analysis import Analysis

TEXT = "text"  # every file no other kind claims
ENV, ENV_TEMPLATE, KEYFILE = "env", "env-template", "keyfile"
MCP, AGENT, AGENT_SETTINGS, CI = "mcp", "agent", "agent-settings", "ci"
BASELINE = "baseline"  # a secret scanner's own record of known findings (hashes)
# Structured files whose text hides values: escaped JSON strings (notebooks, JSON-in-JSON, API
# client exports), base64 in Kubernetes Secrets, Terraform variables' defaults.
JSON_STRINGS, KUBERNETES_SECRET, TERRAFORM = "json-strings", "kubernetes-secret", "terraform"
KINDS = (TEXT, ENV, ENV_TEMPLATE, KEYFILE, MCP, AGENT, AGENT_SETTINGS, CI, BASELINE, JSON_STRINGS,
         KUBERNETES_SECRET, TERRAFORM)

# kind -> "module:function" of its analyser, imported on first use (hook start-up stays small).
ANALYSERS = {
    TEXT: "text:analyse",
    ENV: "env:analyse",
    ENV_TEMPLATE: "env:analyse",
    KEYFILE: "keyfiles:analyse",
    MCP: "mcp:analyse",
    AGENT: "agent_files:analyse",
    AGENT_SETTINGS: "agent_files:analyse",
    CI: "ci:analyse",
    BASELINE: "baselines:analyse",
    JSON_STRINGS: "json_strings:analyse",
    KUBERNETES_SECRET: "kubernetes:analyse",
    TERRAFORM: "terraform:analyse",
}

# What each hook id analyses (None: everything). pre-commit's `files:` patterns in
# .pre-commit-hooks.yaml select the same files by name.
HOOK_KINDS: dict[str, frozenset[str] | None] = {
    "credwall": None,
    "credwall-env-files": frozenset({ENV, ENV_TEMPLATE, KEYFILE}),
    "credwall-mcp": frozenset({MCP, AGENT_SETTINGS}),
    "credwall-agent-files": frozenset({AGENT, AGENT_SETTINGS}),
    "credwall-ci": frozenset({CI}),
}

# Structured files that may hold an MCP servers table without being named as an MCP config.
STRUCTURED_SUFFIXES = (".json", ".jsonc", ".code-workspace", ".yaml", ".yml", ".toml")
# Files whose kind may depend on their content: a change to one is judged on the whole file.
_WHOLE_SUFFIXES = STRUCTURED_SUFFIXES + (".ipynb", ".tf", ".postman_collection", ".postman_environment")
_SERVER_TABLE_WORDS = ("mcpservers", "mcp_servers", "context_servers", "servers")

_BASELINE_NAMES = frozenset({".credwall-baseline.jsonl", ".secrets.baseline", ".gitleaksignore",
                            ".betterleaksignore", "gitleaks-baseline.json"})
_ENV_TEMPLATE_SUFFIXES = ("example", "sample", "template", "dist", "defaults", "tmpl", "tpl")
_KEY_SUFFIXES = (".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk", ".p8", ".pkcs12",
                 ".gpg", ".asc", ".ovpn", ".kdbx", ".tfstate", ".tfstate.backup")
_KEY_NAMES = frozenset({"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk",
                        ".npmrc", ".pypirc", ".netrc", "_netrc", ".git-credentials", ".htpasswd",
                        ".pgpass", "credentials", "kubeconfig", ".s3cfg", ".boto", ".dockercfg"})
_MCP_NAMES = frozenset({".mcp.json", "mcp.json", "claude_desktop_config.json", "mcp_config.json",
                        "cline_mcp_settings.json", "mcp_settings.json", ".mcp.yaml", ".mcp.yml",
                        "mcp.yaml", "mcp.yml", "mcp.toml", ".mcp.toml"})
_AGENT_NAMES = frozenset({"claude.md", "claude.local.md", "agents.md", "agent.md", "gemini.md",
                          ".cursorrules", ".windsurfrules", ".clinerules", ".roorules", "skill.md",
                          "copilot-instructions.md", "conventions.md", ".goosehints", "warp.md"})
_CI_NAMES = frozenset({".gitlab-ci.yml", ".gitlab-ci.yaml", "bitbucket-pipelines.yml", "azure-pipelines.yml",
                       "azure-pipelines.yaml", "jenkinsfile", ".travis.yml", ".drone.yml", "cloudbuild.yaml",
                       "cloudbuild.yml", "buildspec.yml", "appveyor.yml", ".woodpecker.yml"})
_CI_RE = re.compile(r"(?:^|/)(?:\.github/workflows/[^/]+\.ya?ml|\.circleci/config\.ya?ml|\.buildkite/[^/]*pipeline[^/]*\.ya?ml"
                    r"|\.gitlab/ci/[^/]+\.ya?ml|\.woodpecker/[^/]+\.ya?ml|\.github/actions/[^/]+/action\.ya?ml)$")
_AGENT_RE = re.compile(r"(?:^|/)(?:\.cursor/rules/.+\.mdc?|\.claude/(?:commands|agents|skills)/.+"
                       r"|\.github/(?:instructions/[^/]+\.instructions\.md|prompts/[^/]+\.prompt\.md|chatmodes/[^/]+\.md)"
                       r"|\.clinerules/.+\.md|\.windsurf/rules/.+\.md|\.kiro/steering/.+\.md|\.roo/rules[^/]*/.+)$")
_MCP_RE = re.compile(r"(?:^|/)(?:\.cursor/mcp\.json|\.vscode/mcp\.json|\.codex/config\.toml|\.gemini/settings\.json"
                     r"|\.kiro/settings/mcp\.json|\.roo/mcp\.json|\.amazonq/mcp\.json|[^/]*\.mcp\.json)$")
_AGENT_SETTINGS_RE = re.compile(r"(?:^|/)\.claude/settings(?:\.local)?\.json$")
_KUBE_RE = re.compile(r"(?:^|/)\.kube/config$|(?:^|/)\.docker/config\.json$")
_CREDENTIALS_JSON_RE = re.compile(r"(?:credentials|service[-_]?account)[^/]*\.json$")
# Encrypted env files (dotenv-vault, sops, age, gpg) are meant to be committed.
_ENCRYPTED_SUFFIXES = (".vault", ".enc", ".age", ".gpg", ".asc", ".sops")


def analyser(kind: str) -> Callable[[Analysis], None]:
    import importlib

    module, _, function = ANALYSERS[kind].partition(":")
    return getattr(importlib.import_module(f"credwall.analysers.{module}"), function)  # type: ignore[no-any-return]


def kind_of(path: str, text: str | None) -> str:
    """The kind of a file: by its path, else by a cheap look at a structured file's content."""
    kind = classify(path)
    if kind is not None:
        return kind
    lowered = path.lower()
    if text is None:
        return TEXT
    if lowered.endswith(STRUCTURED_SUFFIXES) and may_hold_servers(text):
        return MCP
    if lowered.endswith(".json") and '"auths"' in text and '"auth"' in text:
        return KEYFILE  # a Docker client config, wherever it was copied to
    if lowered.endswith(".ipynb") or (lowered.endswith(_JSON_SUFFIXES) and _escaped_strings(text)):
        return JSON_STRINGS
    if lowered.endswith((".yaml", ".yml")) and _KUBERNETES_SECRET.search(text):
        return KUBERNETES_SECRET
    if lowered.endswith(".tf") and "variable" in text and "default" in text:
        return TERRAFORM
    return TEXT


_JSON_SUFFIXES = (".json", ".jsonc", ".ipynb", ".postman_collection", ".postman_environment")
_KUBERNETES_SECRET = re.compile(r"(?m)^kind:[ \t]*['\"]?(?:Sealed)?Secret['\"]?[ \t]*(?:#.*)?$")


def _escaped_strings(text: str) -> bool:
    """Does a JSON text hold strings with escapes worth decoding (quotes, newlines), or
    `{"key": …, "value": …}` pairs (API client exports)?"""
    return '\\"' in text or "\\n" in text or ('"key"' in text and '"value"' in text)


def may_hold_servers(text: str) -> bool:
    """Could this document hold an MCP servers table? (The analyser decides by parsing it.)"""
    lowered = text[:1 << 20].lower() if len(text) > 1 << 20 else text.lower()
    return any(word in lowered for word in _SERVER_TABLE_WORDS) and (
        "command" in lowered or "url" in lowered or "mcp" in lowered)


def needs_whole_file(path: str) -> bool:
    """Must a change to this file be judged on the whole file (its structure), not only on the
    added lines? Kinds other than plain text, and structured files whose content may make them
    an MCP config."""
    return classify(path) is not None or path.lower().endswith(_WHOLE_SUFFIXES)


@lru_cache(maxsize=65536)  # a pure function of the path; `re` has imported functools already
def classify(path: str) -> str | None:
    """The kind of a file by its path alone, or None for ordinary files. Remembered per path:
    a history meets the same paths in thousands of commits (~15 us a call otherwise)."""
    norm = path.replace(os.sep, "/")
    name = norm.rsplit("/", 1)[-1].lower()
    if name in _BASELINE_NAMES:
        return BASELINE
    if _AGENT_SETTINGS_RE.search(norm):
        return "agent-settings"
    if name in _MCP_NAMES or _MCP_RE.search(norm):
        return "mcp"
    if name in _AGENT_NAMES or _AGENT_RE.search(norm):
        return "agent"
    if name in _CI_NAMES or _CI_RE.search(norm):
        return "ci"
    env_kind = None if name.endswith(_ENCRYPTED_SUFFIXES) else _env_kind(name)
    if env_kind:
        return env_kind
    if (name in _KEY_NAMES or name.endswith(_KEY_SUFFIXES) or _KUBE_RE.search(norm)
            or _CREDENTIALS_JSON_RE.search(name)):
        return "keyfile"
    return None


def _env_kind(name: str) -> str | None:
    """.env, .env.local, prod.env, .envrc → env; .env.example, example.env → env-template."""
    stem = None
    if name == ".env" or name == ".envrc":
        return "env"
    if name.startswith(".env."):
        stem = name[len(".env."):]
    elif name.endswith(".env"):
        stem = name[:-len(".env")].lstrip(".")
    elif ".env." in name:
        stem = name.split(".env.", 1)[1]
    elif name.startswith(".env-"):
        stem = name[len(".env-"):]
    elif name.startswith("env.") and name[len("env."):] in _ENV_TEMPLATE_SUFFIXES:
        return "env-template"  # env.example; but env.md or env.py are ordinary files
    if stem is None:
        return None
    parts = re.split(r"[._-]", stem)
    return "env-template" if any(p in _ENV_TEMPLATE_SUFFIXES for p in parts) else "env"
