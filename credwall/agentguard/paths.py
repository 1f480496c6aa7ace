"""What is a credential file, what is agent hook configuration, and which directories are
scratch space: the path facts every check of the guard shares."""

from __future__ import annotations

import fnmatch
import os
import re

from ..analysers.registry import classify
from .lazyre import LazyRe

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .shell import FilePattern


_EXTRA_CREDENTIAL_PATHS = LazyRe(
    r"(?:^|/)(?:\.vault-token|\.my\.cnf|credentials\.toml|\.boto"
    r"|access_tokens\.db|credentials\.db|adc\.json|msal_token_cache\.(?:json|bin)|accessTokens\.json"
    r"|secrets?\.(?:ya?ml|json|toml)|[^/]*\.secrets?\.(?:ya?ml|json|toml)|master\.key|\.pgpass)$"
    r"|(?:^|/)proc/(?:self|\d+|\$\$|\*)/environ$|(?:^|/)run/secrets/|(?:^|/)\.ssh/id_[^/]*$(?<!\.pub)"
    r"|(?:^|/)\.aws/(?:sso|cli)/cache/|(?:^|/)\.config/gh/hosts\.yml$|(?:^|/)\.fly/config\.yml$"
    r"|(?:^|/)\.config/railway/config\.json$|(?:^|/)\.netrc$|(?:^|/)_netrc$")


# Editor backups, swap files and autosaves hold the file's content under another name.
_BACKUP_RE = LazyRe(r"^(?:\.#|#)?(.+?)(?:~|#|\.sw[a-p]|\.bak|\.backup|\.orig|\.old|\.save|\.tmp|\.copy)$")


def credential_file(path: str) -> str | None:
    """Why a path names a credential file (a short kind), or None. `.env.example` and other
    templates, public keys and certificates are not credential files; an editor's backup or
    swap file of a credential file (`.env~`, `#.env#`, `.env.swp`) is one."""
    if not path or path == "-":
        return None
    norm = path.replace("\\", "/").rstrip("/")
    kind = _credential_kind(norm)
    if kind is None:
        head, _, name = norm.rpartition("/")
        backup = _BACKUP_RE.match(name)
        if backup:
            original = backup.group(1)
            if name.startswith(".") and name.endswith((".swp", ".swo")) and original.startswith("."):
                original = original[1:]  # vim: .NAME.swp
            kind = _credential_kind(f"{head}/{original}" if head else original)
    return kind


def _credential_kind(norm: str) -> str | None:
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



# One name of each kind of credential file: a name pattern that matches one of them can name
# a credential file (tests check that each is one).
CREDENTIAL_SAMPLES = (
    ".env", ".env.local", ".env.production", ".env.development", ".envrc", "id_rsa", "id_ed25519", "id_ecdsa",
    "id_dsa", "credentials", "credentials.json", ".npmrc", ".pypirc", ".netrc", "_netrc", ".git-credentials",
    ".pgpass", ".htpasswd", "server.key", "private.pem", "cert.p12", "keystore.jks", "terraform.tfstate",
    "secrets.yml", "secrets.yaml", "secrets.json", "master.key", ".vault-token", ".my.cnf", "service-account.json",
    "kubeconfig", ".s3cfg", ".boto", ".env~",
)
WALK_LIMIT = 4000  # directory entries looked at before a tree counts as too big to tell
_SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache", ".cache",
                        "target", "dist", "build", ".next", "vendor", ".gradle", ".terraform"})
UNKNOWN = "unknown"


def pattern_credentials(pattern: FilePattern) -> str | None:
    """What the files a pattern stands for may be: a credential kind (some credential file
    matches it), UNKNOWN (it may: the tree could not be searched), or None (none can)."""
    if pattern.name not in ("*", ""):
        for sample in CREDENTIAL_SAMPLES:
            if name_matches(pattern, sample):
                return f"files named {pattern.name!r} (credential files among them)"
        return None
    if not pattern.root:
        return UNKNOWN  # every file of a directory not known here
    if not pattern.recursive:
        found = next((e for e in _listing(pattern.root) if (pattern.dotfiles or not e.startswith("."))
                      and credential_file(e)), None)
        return f"every file in {pattern.root}, {found} among them" if found else None
    found, complete = find_credential_file(pattern.root, pattern.dotfiles)
    if found:
        return f"every file under {pattern.root}, {found} among them"
    return None if complete else UNKNOWN


def _listing(directory: str) -> list[str]:
    try:
        return os.listdir(directory)
    except OSError:
        return []


def name_matches(pattern: FilePattern, name: str) -> bool:
    """Does a file name (or, for a path pattern, the last part of it) match the pattern?"""
    glob = pattern.name.rsplit("/", 1)[-1] if not pattern.regex else pattern.name
    if pattern.regex:
        try:
            return re.search(glob, name) is not None
        except re.error:
            return True
    if name.startswith(".") and not pattern.dotfiles and not glob.startswith("."):
        return False  # the shell's `*` and `?` never match a leading dot
    return fnmatch.fnmatchcase(name, glob)


def find_credential_file(root: str, dotfiles: bool = True, limit: int = WALK_LIMIT) -> tuple[str | None, bool]:
    """(a credential file under root, whether the whole tree was searched). Large dependency
    and build directories are skipped; at most `limit` entries are looked at."""
    seen = 0
    stack = [root]
    while stack:
        top = stack.pop()
        try:
            with os.scandir(top) as entries:
                for entry in entries:
                    seen += 1
                    if seen > limit:
                        return None, False
                    if not dotfiles and entry.name.startswith("."):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name not in _SKIP_DIRS:
                            stack.append(entry.path)
                    elif credential_file(entry.path):
                        return entry.path, True
        except OSError:
            if top == root:
                return None, False
    return None, True
