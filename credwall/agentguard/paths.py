"""What is a credential file, what is agent hook configuration, and which directories are
scratch space: the path facts every check of the guard shares."""

from __future__ import annotations

import os

from ..analysers.registry import classify
from .shell import LazyRe


_EXTRA_CREDENTIAL_PATHS = LazyRe(
    r"(?:^|/)(?:\.vault-token|\.my\.cnf|credentials\.toml|\.boto"
    r"|access_tokens\.db|credentials\.db|adc\.json|msal_token_cache\.(?:json|bin)|accessTokens\.json"
    r"|secrets?\.(?:ya?ml|json|toml)|[^/]*\.secrets?\.(?:ya?ml|json|toml)|master\.key|\.pgpass)$"
    r"|(?:^|/)proc/(?:self|\d+|\$\$|\*)/environ$|(?:^|/)run/secrets/|(?:^|/)\.ssh/id_[^/]*$(?<!\.pub)"
    r"|(?:^|/)\.aws/(?:sso|cli)/cache/|(?:^|/)\.config/gh/hosts\.yml$|(?:^|/)\.fly/config\.yml$"
    r"|(?:^|/)\.config/railway/config\.json$|(?:^|/)\.netrc$|(?:^|/)_netrc$")


def credential_file(path: str) -> str | None:
    """Why a path names a credential file (a short kind), or None. `.env.example` and other
    templates, public keys and certificates are not credential files."""
    if not path or path == "-":
        return None
    norm = path.replace("\\", "/").rstrip("/")
    kind = classify(norm)
    if kind == "env":
        return "an env file"
    if kind == "keyfile":
        return "a key or credential file"
    if _EXTRA_CREDENTIAL_PATHS.search(norm):
        return "a credential file"
    return None


_HOOK_CONFIG_RE = LazyRe(r"(?:^|/)(?:\.claude/settings(?:\.local)?\.json|\.cursor/hooks\.json|\.codex/hooks\.json"
                         r"|\.codex/config\.toml|\.github/hooks/[^/]+\.json|credwall-agent-guard\.json)$")


def hook_config_path(path: str) -> bool:
    """Is this file agent hook configuration (which decides what the guard sees)?"""
    return bool(_HOOK_CONFIG_RE.search(path.replace("\\", "/")))


DEFAULT_TEMP_DIRS = ("/tmp", "/var/tmp", "/private/tmp", "/private/var/tmp", "/dev/shm", "/private/var/folders",
                     "/var/folders")


MAX_JUDGED_FILE = 1024 * 1024


def read_small(path: str) -> str | None:
    """A regular file's text when it is small enough to judge (never a FIFO, device or link)."""
    import stat

    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_JUDGED_FILE:
            return None
        with open(path, "rb") as fh:
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return None

