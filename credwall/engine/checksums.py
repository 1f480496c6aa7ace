"""Checksum validators named by rules' `checksum:` field.

A validator takes the candidate secret and returns True when its built-in checksum is right,
which turns a random-looking string into a near-certain token (no entropy guess needed), and a
token whose checksum fails into a test string (hand-edited, truncated or made up for a fixture).
Each format is the vendor's own, as its generator code or documentation describes it.
"""

from __future__ import annotations

import zlib
from typing import Callable

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_HEX = frozenset("0123456789abcdefABCDEF")


def base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, rem = divmod(number, 62)
        digits.append(_BASE62[rem])
    return "".join(reversed(digits)).rjust(width, "0")


def base36(number: int, width: int) -> str:
    """Lower-case base 36, left-padded with zeros (Ruby's `Integer#to_s(36).rjust`)."""
    digits = []
    while number:
        number, rem = divmod(number, 36)
        digits.append(_BASE36[rem])
    return "".join(reversed(digits)).rjust(width, "0")


def _crc32(text: str) -> int:
    return zlib.crc32(text.encode("ascii"))


def _crc32_base62_tail(body_and_sum: str) -> bool:
    """`<30-char body><6-char base62 CRC32 of the body>` (GitHub classic and npm tokens)."""
    if len(body_and_sum) != 36 or not body_and_sum.isascii():
        return False
    body, checksum = body_and_sum[:30], body_and_sum[30:]
    return base62(zlib.crc32(body.encode("ascii")), 6) == checksum


def github_crc32(secret: str) -> bool:
    # ghp_ / gho_ / ghu_ / ghs_ / ghr_ + 36 chars; the prefix is not part of the checksummed body.
    prefix, sep, rest = secret.partition("_")
    return bool(sep) and len(prefix) == 3 and _crc32_base62_tail(rest)


def npm_crc32(secret: str) -> bool:
    return secret.startswith("npm_") and _crc32_base62_tail(secret[4:])


def atlassian_crc32(secret: str) -> bool:
    """Atlassian API tokens (ATATT…) and Bitbucket app passwords (ATBB…): the last 8 characters
    are the hex CRC32 of everything before them, prefix included."""
    if len(secret) < 12 or not secret.isascii() or not set(secret[-8:]) <= _HEX:
        return False
    return _crc32(secret[:-8]) == int(secret[-8:], 16)


def gitlab_routable_crc32(secret: str) -> bool:
    """GitLab routable tokens: `<prefix><base64url payload>.[<2-char version>.]<2-char base36
    payload length><7-char base36 CRC32>`; the CRC32 covers everything before it, the prefix
    included (GitLab's Authn::TokenField::Generator::RoutableToken)."""
    if len(secret) < 20 or not secret.isascii():
        return False
    return base36(_crc32(secret[:-7]), 7) == secret[-7:]


def grafana_sa_crc32(secret: str) -> bool:
    """Grafana service-account tokens `glsa_<32 chars>_<8 hex>`: the hex is the CRC32 (IEEE) of
    `glsa_<32 chars>`, its four bytes little-endian (grafana pkg/components/satokengen)."""
    body, sep, checksum = secret.rpartition("_")
    if not sep or len(checksum) != 8 or not body.isascii():
        return False
    return _crc32(body).to_bytes(4, "little").hex() == checksum.lower()


def cloudflare_crc32(secret: str) -> bool:
    """Cloudflare scannable credentials `cfk_` / `cfut_` / `cfat_` + 40 characters + 8 hex: the
    hex is the CRC32 of the 40 characters (the prefix is not covered)."""
    _, sep, rest = secret.partition("_")
    if not sep or len(rest) != 48 or not rest.isascii() or not set(rest[40:]) <= _HEX:
        return False
    return format(_crc32(rest[:40]), "08x") == rest[40:].lower()


def discord_token_shape(secret: str) -> bool:
    """Discord bot tokens `<base64 of the bot's user id>.<timestamp>.<HMAC>`: the first part
    decodes to the 17–20 digit snowflake id (a structure check, Discord has no checksum)."""
    import base64
    import binascii

    first = secret.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4))
    except (binascii.Error, ValueError):
        return False
    return 17 <= len(decoded) <= 20 and decoded.isdigit() and not decoded.startswith(b"0")


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "github-crc32": github_crc32,
    "npm-crc32": npm_crc32,
    "atlassian-crc32": atlassian_crc32,
    "gitlab-routable-crc32": gitlab_routable_crc32,
    "grafana-sa-crc32": grafana_sa_crc32,
    "discord-token-shape": discord_token_shape,
    "cloudflare-crc32": cloudflare_crc32,
}
