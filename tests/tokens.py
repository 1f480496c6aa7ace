"""Synthetic secret-shaped strings, built at run time so this repository passes its own hook.

Each builder joins a prefix and a random body; nothing here is a real credential."""

from __future__ import annotations

import random
import string
import zlib

from credwall.checksums import base62

_ALNUM = string.ascii_letters + string.digits


def rand(n: int, alphabet: str = _ALNUM, seed: int | None = None) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(n))


def github_classic(kind: str = "p", seed: int | None = 1) -> str:
    body = rand(30, seed=seed)
    return "gh" + kind + "_" + body + base62(zlib.crc32(body.encode()), 6)


def aws_key_id(seed: int | None = 2) -> str:
    return "AK" + "IA" + rand(16, string.ascii_uppercase + "234567", seed=seed)


def aws_secret(seed: int | None = 3) -> str:
    return rand(40, _ALNUM + "/+", seed=seed)


def anthropic_key(seed: int | None = 4) -> str:
    return "sk-" + "ant-api03-" + rand(93, _ALNUM + "_-", seed=seed) + "AA"


def stripe_live(seed: int | None = 5) -> str:
    return "sk_" + "live_" + rand(24, seed=seed)


def password(seed: int | None = 6) -> str:
    return rand(12, seed=seed) + "#7"
