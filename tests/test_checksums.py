"""Checksum validators: right tokens pass, any one-character change fails, and a token with a
wrong checksum is not reported by the scanner (it is a test string)."""

from __future__ import annotations

from typing import Callable

import pytest

import tokens
from credwall.engine.checksums import (VALIDATORS, atlassian_crc32, base36, cloudflare_crc32, github_crc32,
                                       gitlab_routable_crc32, grafana_sa_crc32, npm_crc32)
from credwall.engine.matcher import Matcher
from credwall.engine.rules import load_rules

CASES: list[tuple[Callable[..., str], Callable[[str], bool]]] = [
    (tokens.github_classic, github_crc32),
    (tokens.npm_token, npm_crc32),
    (tokens.atlassian_api_token, atlassian_crc32),
    (tokens.bitbucket_app_password, atlassian_crc32),
    (tokens.gitlab_routable_token, gitlab_routable_crc32),
    (tokens.grafana_service_account_token, grafana_sa_crc32),
    (tokens.cloudflare_token, cloudflare_crc32),
]


def _tamper(token: str, index: int) -> str:
    """Change one character of the token body to another of the same class."""
    ch = token[index]
    swap = "b" if ch == "a" else "a"
    if ch.isdigit():
        swap = "1" if ch == "0" else "0"
    elif ch.isupper():
        swap = "B" if ch == "A" else "A"
    return token[:index] + swap + token[index + 1:]


@pytest.mark.parametrize(("make", "valid"), CASES, ids=[v.__name__ + ":" + m.__name__ for m, v in CASES])
def test_valid_tokens_pass(make: Callable[..., str], valid: Callable[[str], bool]) -> None:
    for seed in range(20):
        assert valid(make(seed=seed))


@pytest.mark.parametrize(("make", "valid"), CASES, ids=[v.__name__ + ":" + m.__name__ for m, v in CASES])
def test_one_changed_character_fails(make: Callable[..., str], valid: Callable[[str], bool]) -> None:
    token = make(seed=3)
    for index in (len(token) // 2, len(token) - 1, len(token) - 12):
        if token[index].isalnum():
            assert not valid(_tamper(token, index)), index


def test_malformed_input_is_rejected_not_raised() -> None:
    for validate in VALIDATORS.values():
        for value in ("", "_", "glsa__", "ATBB", "é" * 40, "glpat-" + "x" * 30 + ".01.zz!!!!!!!"):
            assert validate(value) is False


def test_base36_pads_like_ruby() -> None:
    assert base36(0, 7) == "0000000"
    assert base36(35, 2) == "0z"
    assert base36(36 ** 3, 1) == "1000"


def test_grafana_checksum_is_little_endian_crc32() -> None:
    import zlib

    token = tokens.grafana_service_account_token(seed=9)
    body = token.rsplit("_", 1)[0]
    big_endian = format(zlib.crc32(body.encode()), "08x")
    assert token.endswith(zlib.crc32(body.encode()).to_bytes(4, "little").hex())
    assert big_endian == zlib.crc32(body.encode()).to_bytes(4, "little").hex() or not grafana_sa_crc32(body + "_" + big_endian)


@pytest.mark.parametrize("make", [tokens.atlassian_api_token, tokens.bitbucket_app_password,
                                  tokens.gitlab_routable_token, tokens.grafana_service_account_token,
                                  tokens.cloudflare_token])
def test_scanner_reports_right_checksum_and_drops_wrong_one(make: Callable[..., str]) -> None:
    matcher = Matcher(load_rules(use_cache=False))
    token = make(seed=11)
    assert [m.secret for m in matcher.scan(f"TOKEN={token}\n")] == [token]
    wrong = _tamper(token, len(token) - 3)
    assert matcher.scan(f"TOKEN={wrong}\n") == []


def test_discord_token_shape_decodes_the_user_id() -> None:
    import base64

    from credwall.engine.checksums import discord_token_shape

    user_id = base64.b64encode(b"912345678901234567").decode().rstrip("=")
    assert discord_token_shape(user_id + "." + tokens.rand(6, seed=1) + "." + tokens.rand(38, seed=2))
    not_an_id = base64.b64encode(b"release-notes-2").decode().rstrip("=")
    assert not discord_token_shape(not_an_id + "." + tokens.rand(6, seed=1) + "." + tokens.rand(38, seed=2))
    assert not discord_token_shape("!!!." + tokens.rand(6, seed=1))
