"""Checksum validators named by rules' `checksum:` field.

A validator takes the candidate secret and returns True when its built-in checksum is right,
which turns a random-looking string into a near-certain token (no entropy guess needed).
"""

from __future__ import annotations

import zlib
from typing import Callable

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, rem = divmod(number, 62)
        digits.append(_BASE62[rem])
    return "".join(reversed(digits)).rjust(width, "0")


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


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "github-crc32": github_crc32,
    "npm-crc32": npm_crc32,
}
