"""Which kind of file is this, and which enabled credwall hook owns it.

Each file is classified once, by name, and handled by exactly one hook: the most specific one
the repository enables. So a token in `.mcp.json` is reported by `credwall-mcp` (with its JSON
path) and not again by `credwall`, while a repository that enables only `credwall` still has
`.mcp.json` scanned as text.
"""

from __future__ import annotations

import os
import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterable

CORE_HOOK = "credwall"
ENV_HOOK = "credwall-env-files"
MCP_HOOK = "credwall-mcp"
AGENT_HOOK = "credwall-agent-files"
CI_HOOK = "credwall-ci"
ALL_HOOKS = (CORE_HOOK, ENV_HOOK, MCP_HOOK, AGENT_HOOK, CI_HOOK)

# kind -> hooks that can handle it, most specific first (the core hook handles everything).
_HANDLERS: dict[str, tuple[str, ...]] = {
    "env": (ENV_HOOK, CORE_HOOK),
    "env-template": (ENV_HOOK, CORE_HOOK),
    "keyfile": (ENV_HOOK, CORE_HOOK),
    "mcp": (MCP_HOOK, CORE_HOOK),
    "agent-settings": (AGENT_HOOK, MCP_HOOK, CORE_HOOK),  # .claude/settings*.json: both shapes
    "agent": (AGENT_HOOK, CORE_HOOK),
    "ci": (CI_HOOK, CORE_HOOK),
}

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


def classify(path: str) -> str | None:
    """The kind of a file by its path alone, or None for ordinary files."""
    norm = path.replace(os.sep, "/")
    name = norm.rsplit("/", 1)[-1].lower()
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


def enabled_hooks(root: str | None) -> frozenset[str] | None:
    """credwall hook ids enabled in the repository's .pre-commit-config.yaml, or None when there
    is no readable config (then every hook handles every file it is given)."""
    if root is None:
        return None
    path = os.path.join(root, ".pre-commit-config.yaml")
    try:
        with open(path, "rb") as fh:
            text = fh.read(1024 * 1024).decode("utf-8", "replace")
    except OSError:
        return None
    if "credwall" not in text:
        return None
    ids = set(re.findall(r"(?m)^\s*-?\s*id:\s*['\"]?(credwall[\w-]*)", text))
    return frozenset(ids & set(ALL_HOOKS)) or None


def owner(path: str, enabled: Iterable[str] | None) -> str:
    """The hook that reports this file: the most specific enabled one (core when none is)."""
    kind = classify(path)
    handlers = _HANDLERS.get(kind or "", (CORE_HOOK,))
    if enabled is None:
        return handlers[0]
    enabled_set = set(enabled)
    for hook in handlers:
        if hook in enabled_set:
            return hook
    return CORE_HOOK


def owned_by(hook: str, paths: Iterable[str], enabled: Iterable[str] | None) -> list[str]:
    """The paths this hook should report on. With no config every hook takes what it is given."""
    if enabled is None:
        return list(paths)
    enabled_set = frozenset(enabled)
    return [p for p in paths if owner(p, enabled_set) == hook]
