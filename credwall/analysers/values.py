"""Value tests the file analysers share: is a value in a credential slot (an env key, an
`.npmrc` `_authToken`, a kubeconfig `token`) a committed credential, and the advice for one."""

from __future__ import annotations

import re
import shlex

from ..engine.filters import (checksum_reason, credential_key, generic_value_reason, literal_value_reason,
                              not_a_credential_reason, password_hash_reason, placeholder_reason, reference_reason,
                              shannon_entropy)

# Keys that name something other than a secret, whatever their value looks like.
_NOT_SECRET_KEY = re.compile(r"(?i)(?:^|[_.-])(?:ids?|sids?|name|url|uri|path|file|dir|host|port|user|username|email"
                             r"|region|version|sha|digest|commit|ref|tag|bucket|project|org|account|env|mode|level)$")
_PUBLIC_KEY = re.compile(r"(?i)(?:^|[_.-])(?:public|publishable|pub)(?:[_.-]|$)")
_KUBE_REDACTED = frozenset({"data+omitted", "redacted"})  # what `kubectl config view` prints


def untrack(path: str, then: str) -> str:
    return f"remove it from git (`git rm --cached {shlex.quote(path)}`), add it to .gitignore, and {then}"


def slot_reason(value: str, hashes_count: bool = False) -> str | None:
    """Why a value in a credential slot (npmrc `_authToken`, netrc `password`, kubeconfig `token`)
    is not a credential: the slot itself says it would be one, so only empty values, references
    and placeholders are excused, not short or plain-looking ones."""
    stripped = value.strip()
    if not stripped:
        return "empty"
    if stripped.lower() in _KUBE_REDACTED:
        return "placeholder"
    if hashes_count and password_hash_reason(stripped):
        return reference_reason(stripped) or placeholder_reason(stripped)  # .htpasswd: the hash cracks offline
    return (reference_reason(stripped) or placeholder_reason(stripped) or not_a_credential_reason(stripped)
            or checksum_reason(stripped))


def random_looking(value: str, min_length: int = 20) -> bool:
    """A generated-looking token: long, no blanks, mixed-case letters and digits (or long hex),
    not a placeholder or reference, high enough entropy."""
    if not min_length <= len(value) <= 8192 or any(ch.isspace() for ch in value):
        return False
    if reference_reason(value) or placeholder_reason(value) or not_a_credential_reason(value) \
            or checksum_reason(value):
        return False  # a reference, a placeholder, a hash, ciphertext, a public example or identifier
    has_digit = any(ch.isdigit() for ch in value)
    hexlike = len(value) >= 32 and has_digit and all(ch in "0123456789abcdefABCDEF" for ch in value)
    mixed = has_digit and any(ch.isupper() for ch in value) and any(ch.islower() for ch in value)
    return (hexlike or mixed) and shannon_entropy(value) >= 3.3


def credential_value(key: str, value: str) -> bool:
    """Would this KEY=value hold a credential? A credential-named key with a literal value, or a
    random-looking value under a key that does not name an identifier (`STRIPE_PRICE_ID`,
    `BUILD_SHA`), when the value is not a URL, path or other code-shaped string."""
    if _PUBLIC_KEY.search(key):
        return False  # DOTENV_PUBLIC_KEY_PRODUCTION, NEXT_PUBLIC_MAPBOX_TOKEN: published by design
    if credential_key(key):
        return literal_value_reason(value) is None or random_looking(value)
    return (random_looking(value) and _NOT_SECRET_KEY.search(key) is None
            and generic_value_reason(value) is None)


def line_starts(text: str) -> list[int]:
    starts = [0]
    index = text.find("\n")
    while index >= 0:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


def offset(starts: list[int], line: int, column: int) -> int:
    """The offset of a 1-based (line, column)."""
    return starts[min(line, len(starts)) - 1] + column - 1


def value_span(text: str, start: int, end: int, value: str) -> tuple[int, int]:
    """Where `value` is written inside text[start:end] (a leaf's raw span, quotes included); the
    raw span itself when the value is not written as is (escapes)."""
    found = text.find(value, start, end) if value else -1
    return (found, found + len(value)) if found >= 0 else (start, end)
