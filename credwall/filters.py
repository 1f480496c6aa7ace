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
    "yourpassword", "changeme", "change_me", "change-me", "redacted", "dummy", "xxxx", "****",
    "...", "…", "<", ">", "replace_me", "replaceme", "insert_", "fill_in", "fillme", "sample",
    "lorem", "ipsum", "notreal", "not_real", "not-a-real", "fake_", "_fake", "-fake",
)
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
_IDENTIFIER_SOURCE = r"^[#@]?[A-Za-z_$][A-Za-z_$]*(?:[./\-][A-Za-z_$][A-Za-z_$0-9]*)*(?:\(\))?[.,:;!?]*$"
_DOTTED_CODE_SOURCE = r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+(?:\(.*\))?$"
_PATHLIKE_SOURCE = r"^(?:[A-Za-z]:\\|\.{0,2}/|~/|[\w.-]+/[\w.-]+/)|\.(?:py|js|json|ya?ml|txt|pem|key|crt|html|xml)$"
_NUMBER_SOURCE = r"^[-+]?\d+(?:[.,]\d+)*$"
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
    if any(ch.isspace() for ch in secret):
        return "contains whitespace"
    if patterns.identifier.match(secret) and not any(ch.isdigit() for ch in secret):
        return "identifier"
    if patterns.dotted_code.match(secret):
        return "attribute access or call"
    if "(" in secret and secret.endswith(")"):
        return "function call"
    if patterns.pathlike.search(secret):
        return "file path"
    if lowered.startswith(("http://", "https://", "ftp://", "file://")):
        return "URL"
    return None


def rejection_reason(secret: str, *, generic: bool, entropy: float | None, min_length: int) -> str | None:
    """Every shared filter, cheapest first."""
    if len(secret) < min_length:
        return "too short"
    reason = reference_reason(secret) or placeholder_reason(secret)
    if reason is None and generic:
        reason = generic_value_reason(secret)
    if reason is None and entropy is not None and shannon_entropy(secret) < entropy:
        reason = "entropy below the rule's floor"
    return reason
