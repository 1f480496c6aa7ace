"""False-positive filters shared by every rule: pure functions of one candidate.

Each returns a short reason when the candidate is NOT a secret, else None. They run after the
regex, so they only see the few strings that already look like credentials.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import re

# Substrings that mark a value as a stand-in, in any rule (lower-cased comparison).
_PLACEHOLDER_MARKERS = (
    "example", "placeholder", "your_", "your-", "yourkey", "yourtoken", "yoursecret",
    "yourpassword", "changeme", "change_me", "change-me", "redacted", "dummy", "<", ">",
    "replace_me", "replaceme", "insert_", "fill_in", "fillme", "sample",
    "lorem", "ipsum", "notreal", "not_real", "not-a-real", "fake_", "_fake", "-fake",
)
# Character runs that mark elisions ("sk-xxxx", "****", "..."): in a long random value (a key
# block) they occur by chance, so they count only in values of up to this length.
_RUN_MARKERS = ("xxxx", "****", "...", "…")
_RUN_MARKER_MAX_LENGTH = 120
# Extra markers for generic (keyword = value) rules, where prose and test data are common.
_GENERIC_PLACEHOLDER_MARKERS = (
    "test", "fake", "demo", "mock", "todo", "fixme", "secret", "password", "passwd", "token",
    "apikey", "api_key", "api-key", "foobar", "qwerty", "letmein", "default", "string",
    "none", "null", "undefined", "admin", "root", "user", "your", "my_", "my-", "here",
)
_WHOLE_PLACEHOLDERS = frozenset({
    "true", "false", "yes", "no", "on", "off", "none", "null", "nil", "undefined", "empty",
    "password", "passwd", "secret", "token", "key", "apikey", "api_key", "changeme", "pass",
    "required", "optional", "string", "str", "value", "unknown", "default", "n/a", "na", "tbd",
})
_KEYBOARD_RUNS = ("qwerty", "asdfgh", "zxcvbn")
_LONGEST_COUNTING_RUN = 5  # "123456" or "abcdef" in a value means it was typed, not generated

# A value that names where the secret lives instead of holding it.
_REFERENCE_SOURCE = (
    r"""^(?:
        \$\{\{?[^}]*\}\}?          # ${VAR}, ${{ secrets.X }}
      | \$\(?[A-Za-z_][\w.]*\)?$   # $VAR, $(VAR)
      | %\(?[A-Za-z_]\w*\)?[%s]    # %VAR%, %(name)s
      | \{\{.*\}\}                 # {{ .Values.x }}, Jinja/Handlebars
      | \{[A-Za-z_0-9]*\}$         # {0}, {name}: format placeholders
      | \{[A-Za-z_][\w.]*[(\[!:}]   # {label("*")}, {cfg.pw!r}: f-string / template interpolation
      | <%.*%>                     # ERB
      | \#\{.*\}                   # Ruby interpolation
      | \[\[.*\]\]
      | (?:env|secret|vault|ssm|awssm|op|sops|keyvault)(?::|\(|://)  # env:X, vault://…, op://…
    )"""
)
_REFERENCE_CALLS = (
    "os.environ", "os.getenv", "getenv(", "process.env", "env(", "environ[", "environ.get",
    "system.getenv", "secrets.", "config.get", "settings.", "import.meta.env", "${",
)
# Letters only (plus . - _ $ joins and trailing prose punctuation): a name or a word, not a secret.
_IDENTIFIER_SOURCE = r"^(?:[#@]|-{1,2})?[A-Za-z_$][A-Za-z_$]*(?:[./\-][A-Za-z_$][A-Za-z_$0-9]*)*(?:\(\))?[.,:;!?]*$"
_DOTTED_CODE_SOURCE = r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+(?:\(.*\))?$"
_PATHLIKE_SOURCE = r"^(?:[A-Za-z]:\\|\.{0,2}/|~/|[\w.-]+/[\w.-]+/)|\.(?:py|js|json|ya?ml|txt|pem|key|crt|html|xml)$"
_NUMBER_SOURCE = r"^[-+]?\d+(?:[.,]\d+)*$"
_ENV_NAME_SOURCE = r"^\$?[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$"  # LINEAR_PAT2: names a variable
_DATE_SOURCE = r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}|$)"
_FORMAT_SOURCE = r"%[-#0 +]*\d*(?:\.\d+)?[sdrxif]|%\([A-Za-z_]\w*\)|\{\d*\}|\{[A-Za-z_]\w*(?:![rsa])?(?::[^}]*)?\}"


class _Patterns(NamedTuple):
    reference: re.Pattern[str]
    identifier: re.Pattern[str]
    dotted_code: re.Pattern[str]
    pathlike: re.Pattern[str]
    number: re.Pattern[str]
    date: re.Pattern[str]
    format: re.Pattern[str]
    env_name: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    """Compiled on first use: most runs never reach a filter, so start-up does not pay."""
    import re

    return _Patterns(
        reference=re.compile(_REFERENCE_SOURCE, re.VERBOSE | re.IGNORECASE),
        identifier=re.compile(_IDENTIFIER_SOURCE),
        dotted_code=re.compile(_DOTTED_CODE_SOURCE),
        pathlike=re.compile(_PATHLIKE_SOURCE),
        number=re.compile(_NUMBER_SOURCE),
        date=re.compile(_DATE_SOURCE),
        format=re.compile(_FORMAT_SOURCE),
        env_name=re.compile(_ENV_NAME_SOURCE),
    )


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    length = len(value)
    return -sum(n / length * math.log2(n / length) for n in Counter(value).values())


def placeholder_reason(secret: str) -> str | None:
    lowered = secret.lower()
    if lowered in _WHOLE_PLACEHOLDERS:
        return "placeholder word"
    if len(set(lowered)) <= 2 and len(secret) > 3:
        return "repeated character"
    for marker in _PLACEHOLDER_MARKERS:
        if marker in lowered:
            return f"placeholder marker {marker!r}"
    if len(secret) <= _RUN_MARKER_MAX_LENGTH:
        for marker in _RUN_MARKERS:
            if marker in lowered:
                return f"placeholder marker {marker!r}"
    if any(run in lowered for run in _KEYBOARD_RUNS) or _has_counting_run(lowered):
        return "keyboard or counting sequence"
    return None


def _has_counting_run(value: str) -> bool:
    run = 0
    for prev, cur in zip(value, value[1:]):
        run = run + 1 if ord(cur) - ord(prev) == 1 else 0
        if run >= _LONGEST_COUNTING_RUN:
            return True
    return False


def reference_reason(secret: str) -> str | None:
    if _patterns().reference.match(secret):
        return "reference to a variable"
    lowered = secret.lower()
    for call in _REFERENCE_CALLS:
        if call in lowered:
            return "reference to the environment or a secret store"
    return None


def generic_value_reason(secret: str) -> str | None:
    """Extra checks for keyword = value rules: the value must look like a credential."""
    patterns = _patterns()
    lowered = secret.lower()
    for marker in _GENERIC_PLACEHOLDER_MARKERS:
        if marker in lowered:
            return f"placeholder marker {marker!r}"
    if patterns.number.match(secret):
        return "number"
    if patterns.format.search(secret):
        return "format string"
    if patterns.date.match(secret):
        return "date or time"
    if patterns.env_name.match(secret):
        return "an environment variable's name"
    if any(ch.isspace() for ch in secret):
        return "contains whitespace"
    if patterns.identifier.match(secret) and not any(ch.isdigit() for ch in secret):
        return "identifier"
    if patterns.dotted_code.match(secret):
        return "attribute access or call"
    if "(" in secret and secret.endswith(")"):
        return "function call"
    if secret[0] in ")]}" or "].split" in secret or ").split" in secret:
        return "code fragment"
    if patterns.pathlike.search(secret):
        return "file path"
    if lowered.startswith(("http://", "https://", "ftp://", "file://")):
        return "URL"
    return None


# Formats that carry a checksum: (prefixes, full shape, validator name). A candidate of that
# exact shape whose checksum fails is a hand-made test string, whichever rule found it (a
# generic `TOKEN=` rule included).
_CHECKSUMMED_SHAPES = (
    (("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), r"gh[pousr]_[A-Za-z0-9]{36}", "github-crc32"),
    (("npm_",), r"npm_[A-Za-z0-9]{36}", "npm-crc32"),
    (("ATATT",), r"ATATT[A-Za-z0-9_=-]{60,400}[0-9A-Fa-f]{8}", "atlassian-crc32"),
    (("ATBB",), r"ATBB[A-Za-z0-9]{32}", "atlassian-crc32"),
    (("gl",), r"gl[a-z]{1,8}-[A-Za-z0-9_-]{27,300}\.(?:[0-9a-z]{2}\.)?[0-9a-z]{9}", "gitlab-routable-crc32"),
    (("glsa_",), r"glsa_[A-Za-z0-9]{32}_[0-9a-fA-F]{8}", "grafana-sa-crc32"),
)
_CHECKSUM_PREFIXES = tuple(p for prefixes, _, _ in _CHECKSUMMED_SHAPES for p in prefixes)


@cache
def _checksummed_shapes() -> tuple[tuple[tuple[str, ...], re.Pattern[str], str], ...]:
    import re

    return tuple((prefixes, re.compile(shape), name) for prefixes, shape, name in _CHECKSUMMED_SHAPES)


def checksum_reason(secret: str) -> str | None:
    """A token with a vendor's checksummed shape whose checksum is wrong."""
    if not secret.startswith(_CHECKSUM_PREFIXES):
        return None
    from .checksums import VALIDATORS

    for prefixes, shape, name in _checksummed_shapes():
        if secret.startswith(prefixes) and shape.fullmatch(secret):
            return None if VALIDATORS[name](secret) else f"wrong {name} checksum (a test string)"
    return None


def rejection_reason(secret: str, *, generic: bool, entropy: float | None, min_length: int) -> str | None:
    """Every shared filter, cheapest first."""
    if len(secret) < min_length:
        return "too short"
    reason = reference_reason(secret) or placeholder_reason(secret) or checksum_reason(secret)
    if reason is None and generic:
        reason = generic_value_reason(secret)
    if reason is None and entropy is not None and shannon_entropy(secret) < entropy:
        reason = "entropy below the rule's floor"
    return reason


# Key names that say "this value is a credential" (env var names, JSON keys, YAML keys, flags).
_CREDENTIAL_KEY_PARTS = ("password", "passwd", "passphrase", "secret", "token", "apikey", "api_key",
                         "accesskey", "access_key", "privatekey", "private_key", "credential", "auth",
                         "bearer", "session", "cookie", "signing", "encryption_key", "client_secret",
                         "pwd", "pat", "license_key", "webhook", "dsn", "connection_string", "conn_str")
_NOT_CREDENTIAL_KEY_ENDINGS = ("_url", "_uri", "_path", "_file", "_id", "_name", "_type", "_dir",
                               "_endpoint", "_host", "_port", "_user", "_username", "_region", "_mode",
                               "_expires", "_expiry", "_ttl", "_header", "_method", "_enabled", "_version")


def credential_key(name: str) -> bool:
    """Does a key or variable name say its value is a credential? (GITHUB_TOKEN, apiKey,
    X-API-Key, --password; not TOKEN_URL, AUTH_METHOD, PASSWORD_FILE)."""
    import re

    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)  # apiKey -> api_Key
    lowered = snake.lower().replace("-", "_").replace(".", "_").lstrip("_")
    compact = lowered.replace("_", "")
    if lowered.endswith(_NOT_CREDENTIAL_KEY_ENDINGS):
        return False
    if compact.endswith(("url", "uri", "path", "file", "endpoint")) and "dsn" not in compact:
        return False
    parts = set(lowered.split("_"))
    for part in _CREDENTIAL_KEY_PARTS:
        if "_" in part or part in ("pwd", "pat", "dsn"):
            if part in lowered and (part not in ("pwd", "pat", "dsn") or part in parts):
                return True
        elif part in compact:
            return True
    return "key" in parts


def literal_value_reason(value: str) -> str | None:
    """Why a value under a credential-named key is NOT a committed secret: empty, a reference,
    a placeholder, or too short / plain to be one. None means: a literal credential."""
    stripped = value.strip()
    if not stripped:
        return "empty"
    return (reference_reason(stripped) or placeholder_reason(stripped)
            or generic_value_reason(stripped) or (None if len(stripped) >= 6 else "too short"))


# Inline allow markers: ours, and the ones gitleaks, betterleaks and detect-secrets users already
# have in their files, so a team can switch without editing them.
ALLOW_MARKERS = ("credwall:allow", "gitleaks:allow", "betterleaks:allow", "pragma: allowlist secret")
_ALLOW_NEXT_LINE = "pragma: allowlist nextline secret"


def inline_allowed(text: str, start: int) -> bool:
    """Is the line holding offset `start` marked as allowed (or the line before, for
    detect-secrets' `pragma: allowlist nextline secret`)?"""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    if "allow" in line and any(marker in line for marker in ALLOW_MARKERS):
        return True
    if line_start:
        previous = text[text.rfind("\n", 0, line_start - 1) + 1:line_start]
        return _ALLOW_NEXT_LINE in previous
    return False
