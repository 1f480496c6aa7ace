"""`credwall redact`: secrets out, every other byte exactly as it came, in bounded memory."""

from __future__ import annotations

import base64
import io
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from credwall import redact
from credwall.engine.matcher import Matcher
from credwall.engine.rules import load_rules
from credwall.redact import Redactor, analyse, apply_edits, finders, prefilter, redact_main, redact_stream
from credwall.redact import cli as redact_cli
from credwall.redact import redactor as redactor_module
from credwall.redact import stream as stream_module
from tests import tokens

# Analyser rules need a file kind (redact reads streams); advisory rules report practices, never redacted.
RULES = [r for r in load_rules(use_cache=False) if r.regex and not r.advisory]
REDACTOR = Redactor(Matcher(RULES))
KEYWORDS = sorted({k for r in RULES for k in r.keywords} | {k for ks in finders.EXTRA_KEYWORDS.values() for k in ks})
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def label(rule_id: str) -> str:
    return f"[REDACTED:{rule_id}]"


def stream(data: bytes, redactor: Redactor = REDACTOR, chunk: int = redact.CHUNK_BYTES,
           context: int = redact.CONTEXT_BYTES, jobs: int = 1) -> bytes:
    out = io.BytesIO()
    redact_stream(redactor, io.BytesIO(data).read, redact.Output(out), jobs=jobs, chunk=chunk, context=context)
    return out.getvalue()


def jwt(seed: int) -> str:
    def b64(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return (b64({"alg": "HS256", "typ": "JWT"}) + "." + b64({"sub": tokens.rand(10, seed=seed), "iat": 1700000000})
            + "." + tokens.rand(43, tokens._ALNUM + "_-", seed=seed + 1))


# --- non-secret bytes stay identical -------------------------------------------------------------

def keyword_free(data: bytes) -> bool:
    lowered = data.lower()
    return not any(k.encode() in lowered for k in KEYWORDS)


@SETTINGS
@given(st.binary(max_size=3000), st.integers(8, 600), st.integers(0, 300))
def test_bytes_without_secrets_come_out_identical(data: bytes, chunk: int, context: int) -> None:
    assume(keyword_free(data))
    assert REDACTOR.redact_bytes(data) == data
    assert stream(data, chunk=chunk, context=context) == data


@SETTINGS
@given(st.binary(max_size=3000), st.integers(8, 600))
def test_streaming_in_any_chunk_size_equals_one_pass(data: bytes, chunk: int) -> None:
    """Whatever the input (keywords, secrets, invalid UTF-8), chunking changes nothing."""
    assert stream(data, chunk=chunk, context=256) == REDACTOR.redact_bytes(data)


SECRETS = [tokens.github_classic(seed=11), tokens.aws_key_id(seed=12), tokens.stripe_live(seed=13),
           tokens.anthropic_key(seed=14), tokens.npm_token(seed=15)]
SECRET_LABELS = {}
for _secret in SECRETS:
    _spans = REDACTOR.spans(" " + _secret + " ")
    assert [(s.start, s.end) for s in _spans] == [(1, 1 + len(_secret))], _secret
    SECRET_LABELS[_secret] = _spans[0].label

filler_bytes = st.binary(max_size=400).filter(keyword_free)
separator = st.sampled_from([b" ", b"\n", b"\r\n", b"\t", b" \xff "])


@SETTINGS
@given(st.lists(st.tuples(filler_bytes, separator, st.sampled_from(SECRETS), separator), min_size=1, max_size=6),
       filler_bytes, st.integers(16, 700))
def test_only_the_secret_spans_change(pieces: list[tuple[bytes, bytes, str, bytes]], tail: bytes, chunk: int) -> None:
    data = b"".join(f + left + s.encode() + right for f, left, s, right in pieces) + tail
    expected = b"".join(f + left + label(SECRET_LABELS[s]).encode() + right for f, left, s, right in pieces) + tail
    assert REDACTOR.redact_bytes(data) == expected
    # Small chunks: secrets straddle cuts, lines are cut mid-way; each secret still goes once.
    assert stream(data, chunk=chunk, context=256) == expected


# --- every rule's examples ------------------------------------------------------------------------

def test_every_rule_example_secret_is_removed() -> None:
    examples = 0
    for rule in RULES:
        for example in rule.examples:
            out = REDACTOR.redact_text(example.text)
            assert example.secret not in out, (rule.id, out)
            examples += 1
    assert examples > 500


def test_redaction_is_idempotent_on_rule_examples() -> None:
    for rule in RULES:
        for example in rule.examples[:2]:
            once = REDACTOR.redact_text(example.text)
            assert REDACTOR.redact_text(once) == once, rule.id


# --- what redaction adds to the rules -------------------------------------------------------------

BEARER = tokens.rand(40, seed=21)
COOKIE = tokens.rand(32, seed=22)
PASSWORD = tokens.rand(12, seed=23) + "#7"
JWT = jwt(24)

CASES = [
    # Authorization headers: the scheme stays, the credential goes
    (f"GET /a HTTP/1.1\r\nAuthorization: Bearer {BEARER}\r\nHost: x\r\n",
     f"GET /a HTTP/1.1\r\nAuthorization: Bearer {label('*')}\r\nHost: x\r\n"),
    (f'{{"headers": {{"authorization": "Basic {BEARER}==", "accept": "*/*"}}}}',
     f'{{"headers": {{"authorization": "Basic {label("*")}", "accept": "*/*"}}}}'),
    (f"Proxy-Authorization: Token {BEARER}", f"Proxy-Authorization: Token {label('*')}"),
    ('Authorization: Digest username="bob", realm="api", response="6629fae49393a05397450978507c4ef1"',
     f"Authorization: Digest {label('authorization')}"),
    ("authorization=opaque123value level=info", f"authorization={label('authorization')} level=info"),
    # Bearer tokens outside a header; prose stays
    (f"calling api with bearer {BEARER} now", f"calling api with bearer {label('*')} now"),
    ("Bearer authentication is required for this endpoint", None),
    # Cookies: every value of a Cookie header, the first pair of a Set-Cookie
    (f"Cookie: session={COOKIE}; theme=dark", f"Cookie: session={label('cookie')}; theme={label('cookie')}"),
    (f"Set-Cookie: sid={COOKIE}; Path=/; HttpOnly; Secure", f"Set-Cookie: sid={label('cookie')}; Path=/; HttpOnly; Secure"),
    (f"'set-cookie': 'sid={COOKIE}; Max-Age=3600'", f"'set-cookie': 'sid={label('cookie')}; Max-Age=3600'"),
    # JWTs anywhere
    (f"user logged in id_token={JWT} ok", f"user logged in id_token={label('*')} ok"),
    (f'{{"jwt": "{JWT}"}}', f'{{"jwt": "{label("*")}"}}'),
    # password=-style key-values: logfmt, JSON, query strings, quoted, escaped JSON
    (f"db connect user=app password={PASSWORD} host=db1", f"db connect user=app password={label('*')} host=db1"),
    (f'{{"user": "app", "password": "{PASSWORD}"}}', f'{{"user": "app", "password": "{label("*")}"}}'),
    (f"GET /cb?code=1&access_token={BEARER}&state=x", f"GET /cb?code=1&access_token={label('*')}&state=x"),
    (f"db_pass: '{PASSWORD}'", f"db_pass: '{label('*')}'"),
    (f'payload="{{\\"secret\\":\\"{PASSWORD}\\"}}"', f'payload="{{\\"secret\\":\\"{label("*")}\\"}}"'),
    (f"X-Api-Key: {BEARER}", f"X-Api-Key: {label('*')}"),
    # not credentials: a count, a type, a word that merely ends in "pass", a comparison
    ("max_tokens=512 token_type=bearer bypass=1 if password == other:", None),
    ("password=[REDACTED:credential] already done", None),
]


def _match(expected: str, actual: str) -> bool:
    """`[REDACTED:*]` in expected stands for any label (a rule may claim the span first)."""
    pattern = re.escape(expected).replace(re.escape(label("*")), r"\[REDACTED:[a-z0-9-]+\]")
    return re.fullmatch(pattern, actual, re.DOTALL) is not None


@pytest.mark.parametrize("text,expected", CASES)
def test_headers_cookies_jwts_and_key_values(text: str, expected: str | None) -> None:
    out = REDACTOR.redact_text(text)
    assert _match(expected if expected is not None else text, out), out
    assert REDACTOR.redact_text(out) == out  # idempotent
    assert REDACTOR.redact_bytes(text.encode()) == out.encode()


def test_private_key_blocks_go_line_by_line_whatever_the_filters_say() -> None:
    key = tokens.pem_private_key(seed=3)
    body = key.splitlines()[1:-1]
    # A body the placeholder filter would drop (random base64 can hold "xxxx"): still redacted.
    body[2] = body[2][:10] + "xXxX" + body[2][14:]
    text = "boot\n" + "\n".join([key.splitlines()[0], *body, key.splitlines()[-1]]) + "\nready\n"
    out = REDACTOR.redact_text(text)
    assert out.count("\n") == text.count("\n")
    assert not any(line in out for line in body)
    assert out.startswith("boot\n") and out.endswith("\nready\n")
    truncated = "x\n" + "\n".join(key.splitlines()[:4]) + "\nplain words after\n"
    out = REDACTOR.redact_text(truncated)
    assert not any(line in out for line in key.splitlines()[1:4])
    assert out.endswith("\nplain words after\n")


@pytest.mark.parametrize("after", ["ready", "INFO: listening on :8080", "ok", "  indented words", ""])
def test_a_cut_off_key_takes_no_log_line_after_it(after: str) -> None:
    """Without an END line the key's base64 lines go, and the log goes on as it was: a line
    after them is taken only if it could end the base64 (same width, or the short last line
    that completes it to a multiple of 4 characters)."""
    key = tokens.pem_private_key(seed=5).splitlines()
    text = "boot\n" + "\n".join(key[:4]) + "\n" + after + "\nnext line\n"
    out = REDACTOR.redact_text(text)
    assert _match("boot\n" + key[0] + "\n" + f"{label('*')}\n" * 3 + after + "\nnext line\n", out), out
    # armour headers come first, then a blank line: a header-shaped log line later is not one
    legacy = ["-----BEGIN RSA PRIVATE KEY-----", "Proc-Type: 4,ENCRYPTED",
              "DEK-Info: AES-128-CBC," + tokens.rand(32, "0123456789ABCDEF", seed=6), "", *key[1:3]]
    text = "\n".join(legacy) + "\n" + after + "\n"
    out = REDACTOR.redact_text(text)
    assert _match(legacy[0] + "\n" + f"{label('*')}\n" * 2 + "\n" + f"{label('*')}\n" * 2 + after + "\n", out), out


def test_emails_and_ips_only_on_request() -> None:
    text = "login bob.smith+x@mail.example.org from 203.0.113.9 via fe80::1ff:fe23:4567:890a at 10:15:32 v1.2.3.4.5"
    assert REDACTOR.redact_text(text) == text
    both = Redactor(REDACTOR.matcher, emails=True, ips=True).redact_text(text)
    assert both == (f"login {label('email')} from {label('ip')} via {label('ip')} at 10:15:32 v1.2.3.4.5")
    only_ips = Redactor(REDACTOR.matcher, ips=True).redact_text("::ffff:192.0.2.1 and 999.1.1.1 and 2001:db8::")
    assert only_ips == f"{label('ip')} and 999.1.1.1 and {label('ip')}"


def test_inline_allow_markers_do_not_unmask_a_log_line() -> None:
    """A log line can carry attacker-controlled text; the scanner's allow marker is no escape."""
    token = tokens.github_classic(seed=31)
    text = f'ua="curl credwall:allow" token {token}\n'
    assert REDACTOR.matcher.scan(text) == []  # the scanner honours the marker...
    assert token not in REDACTOR.redact_text(text)  # ...the redactor does not


# URLs with credentials: the secret goes, the scheme, user name, host, port, path, query and
# whatever follows stay byte for byte (a key-like user name once took the rest of the URL along).
URL_TOKEN = tokens.github_classic(seed=101)
URL_PASSWORD = tokens.rand(14, seed=102) + "9x"
URL_CASES = [
    (f"https://x-access-token:{URL_TOKEN}@github.com/acme/repo.git failed",
     f"https://x-access-token:{label('github-pat')}@github.com/acme/repo.git failed"),
    (f"https://{URL_TOKEN}@github.com/acme/repo.git\r\n",
     f"https://{label('github-pat')}@github.com/acme/repo.git\r\n"),
    (f"push https://x-access-token:{URL_TOKEN}@git.example.com:8443/acme/repo.git done",
     f"push https://x-access-token:{label('github-pat')}@git.example.com:8443/acme/repo.git done"),
    (f"GET https://ci:{URL_TOKEN}@github.com/acme/repo.git?ref=main&depth=1 200",
     f"GET https://ci:{label('github-pat')}@github.com/acme/repo.git?ref=main&depth=1 200"),
    (f'remote = "https://x-access-token:{URL_TOKEN}@github.com/acme/repo.git"',
     f'remote = "https://x-access-token:{label("github-pat")}@github.com/acme/repo.git"'),
    (f"fatal: unable to access 'https://x-access-token:{URL_TOKEN}@github.com/acme/repo.git/': "
     "The requested URL returned error: 403",
     f"fatal: unable to access 'https://x-access-token:{label('github-pat')}@github.com/acme/repo.git/': "
     "The requested URL returned error: 403"),
    (f"git clone https://token:{URL_PASSWORD}@git.example.com/group/repo.git && cd repo",
     f"git clone https://token:{label('http-basic-auth-url')}@git.example.com/group/repo.git && cd repo"),
    (f"proxy=https://api_key:{URL_PASSWORD}@api.example.com:443/v1?x=1#top more",
     f"proxy=https://api_key:{label('http-basic-auth-url')}@api.example.com:443/v1?x=1#top more"),
    # no URL rule for git://: the generic rule's value and the key=value finder's stop at the
    # host too (a host with "example" in it makes the rule take the value for a placeholder)
    (f"git://token:{URL_PASSWORD}@git.acme.dev/x.git",
     f"git://token:{label('generic-secret-assignment')}@git.acme.dev/x.git"),
    (f"git://token:{URL_PASSWORD}@git.example.com/x.git",
     f"git://token:{label('url-credentials-any-scheme')}@git.example.com/x.git"),
    # a host named like a key: its port is no secret
    ("GET http://vault-secret:8200/v1/sys/health 200", None),
]


@pytest.mark.parametrize("text,expected", URL_CASES)
def test_urls_with_credentials_lose_the_secret_only(text: str, expected: str | None) -> None:
    expected = text if expected is None else expected
    assert REDACTOR.redact_text(text) == expected
    assert REDACTOR.redact_text(expected) == expected
    data = ("x" * 50 + "\n" + text + "\n").encode()
    assert stream(data, chunk=48, context=200) == ("x" * 50 + "\n" + expected + "\n").encode()


@SETTINGS
@given(st.sampled_from(["https", "http", "git", "ssh", "git+https"]),
       st.sampled_from(["", "x-access-token:", "token:", "api_key:", "secret:", "password:", "db_pass:", "ci:"]),
       st.from_regex(r"[a-z][a-z0-9-]{0,12}(\.[a-z0-9-]{1,12}){0,3}", fullmatch=True),
       st.sampled_from(["", ":22", ":8443"]), st.from_regex(r"(/[A-Za-z0-9._~-]{0,12}){0,4}", fullmatch=True),
       st.sampled_from(["", "?ref=main&depth=1", "#L10", "?page=2#top"]),
       st.sampled_from([("", " failed"), ('"', '",'), ("'", "': 403"), ("<", ">"), ("(", ")\n")]))
def test_a_token_in_any_url_shape_is_the_only_change(scheme: str, user: str, host: str, port: str, path: str,
                                                     query: str, around: tuple[str, str]) -> None:
    left, right = around
    url = f"{scheme}://{user}{{}}@{host}{port}{path}{query}"
    text = "remote " + left + url.format(URL_TOKEN) + right
    assert REDACTOR.redact_text(text) == "remote " + left + url.format(label("github-pat")) + right


def test_an_e_mail_shaped_user_name_in_a_url_keeps_the_host() -> None:
    with_emails = Redactor(REDACTOR.matcher, emails=True)
    assert with_emails.redact_text("clone https://bob@git.acme.dev/x.git") == \
        f"clone https://{label('email')}@git.acme.dev/x.git"


def test_extras_can_be_turned_off() -> None:
    rules_only = Redactor(REDACTOR.matcher, extras=False)
    text = f"Cookie: a={COOKIE} and {tokens.github_classic(seed=5)}"
    assert rules_only.redact_text(text) == f"Cookie: a={COOKIE} and {label('github-pat')}"


# --- bytes: invalid UTF-8, CRLF, multi-byte characters ----------------------------------------------

def test_invalid_utf8_and_crlf_pass_through_exactly() -> None:
    token = tokens.github_classic(seed=41).encode()
    data = (b"\xff\xfe binary \xc3\x28 junk \x00\x01\r\n"
            b"caf\xc3\xa9 \xe2\x82\xac token " + token + b" \xed\xa0\x80 tail\r\n"
            b"password=" + PASSWORD.encode() + b"\r\n"
            b"\x80\x80\x80 last line without newline \xf0\x9f\x92")
    out = REDACTOR.redact_bytes(data)
    expected = (b"\xff\xfe binary \xc3\x28 junk \x00\x01\r\n"
                b"caf\xc3\xa9 \xe2\x82\xac token [REDACTED:github-pat] \xed\xa0\x80 tail\r\n"
                b"password=[REDACTED:" + out.split(b"password=[REDACTED:")[1].split(b"]")[0] + b"]\r\n"
                b"\x80\x80\x80 last line without newline \xf0\x9f\x92")
    assert out == expected
    assert stream(data, chunk=16, context=64) == out


def test_multibyte_text_maps_character_offsets_to_bytes() -> None:
    token = tokens.stripe_live(seed=42)
    text = "日本語のログ — ünïcödé ✓ key " + token + " 終わり 🎉\n"
    assert REDACTOR.redact_bytes(text.encode()) == text.replace(token, label("stripe-secret-key")).encode()


def test_apply_edits_merges_overlaps_and_keeps_the_rest() -> None:
    edits = [redact.Span(2, 5, "a"), redact.Span(4, 8, "b"), redact.Span(10, 11, "c")]
    # overlapping edits: each covers what the one before left, nothing is written twice
    assert apply_edits(b"0123456789AB", edits) == b"01[REDACTED:a][REDACTED:b]89[REDACTED:c]B"


# --- the stream machinery -----------------------------------------------------------------------------

def test_a_huge_line_is_cut_into_pieces_and_secrets_at_the_cuts_still_go() -> None:
    chunk = 4096
    token = tokens.github_classic(seed=51)
    line = bytearray(b"x" * (chunk * 6))
    for at in (chunk - 10, 2 * chunk - 1, 3 * chunk, 4 * chunk + 7, 5 * chunk - len(token) + 1):
        line[at - 1:at + len(token) + 1] = b" " + token.encode() + b" "
    data = bytes(line) + b"\n"
    out = stream(data, chunk=chunk, context=1024)
    assert token.encode() not in out
    assert out.count(b"[REDACTED:github-pat]") == 5
    # One pass over the whole line finds the same (a token straddling an earlier hit's
    # 8 KiB window included, which Matcher._regions skips).
    assert out == REDACTOR.redact_bytes(data)


def test_memory_stays_bounded_on_a_line_longer_than_a_chunk() -> None:
    """The buffer never holds more than a chunk plus context plus one read, whatever the line."""
    sizes: list[int] = []
    source = io.BytesIO(b"y" * 300_000 + b"\n" + b"z" * 50 + b"\n")
    for task in stream_module._tasks(source.read, chunk=10_000, context=1_000):
        sizes.append(len(task.data))
        assert task.lo < task.hi
    assert max(sizes) <= 10_000 + 2 * 1_000
    assert len(sizes) >= 30


def test_a_pem_block_across_a_chunk_edge_is_found_once() -> None:
    key = tokens.pem_private_key(seed=52)
    for before in (100, 3000, 3900, 4090):
        data = (b"a" * (before - 1) + b"\n" + key.encode() + b"after\n") * 2
        out = stream(data, chunk=4096, context=2048)
        assert out == REDACTOR.redact_bytes(data)
        assert not any(line.encode() in out for line in key.splitlines()[1:-1])


def test_the_process_pool_keeps_order_on_a_large_input(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """Several chunks through two workers: byte-exact, in order, and fast."""
    rng = random.Random(5)
    secrets = [tokens.github_classic(seed=600 + i) for i in range(40)]
    lines = []
    size = 0
    while size < 3 * redact.CHUNK_BYTES + 12345:
        line = f"2025-03-01T10:{rng.randint(0, 59):02d}:00Z INFO GET /api/v1/path/{rng.randint(1, 9999)} " \
               f'status=200 ua="Mozilla/5.0 curl/8.5" https://example.com/x?q={rng.random():.6f}'
        if len(lines) % 1500 == 7:
            line += " token " + secrets[len(lines) // 1500 % len(secrets)]
        lines.append(line)
        size += len(line) + 1
    data = ("\n".join(lines) + "\n").encode()
    path = tmp_path / "app.log"
    path.write_bytes(data)
    started = time.perf_counter()
    assert redact_main(["--jobs", "2", str(path)]) == 0
    elapsed = time.perf_counter() - started
    out, err = capsysbinary.readouterr()
    assert out == REDACTOR.redact_bytes(data)
    assert out.count(b"\n") == data.count(b"\n")
    assert not any(s.encode() in out for s in secrets)
    assert b"redacted" in err and b"github-pat" in err
    assert elapsed < 3.0, elapsed


# --- the command line -----------------------------------------------------------------------------------

def run(argv: list[str], stdin: bytes = b"", monkeypatch: pytest.MonkeyPatch | None = None,
        capsysbinary: pytest.CaptureFixture[bytes] | None = None) -> tuple[int, bytes, str]:
    assert monkeypatch is not None and capsysbinary is not None
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = redact_main(argv)
    out, err = capsysbinary.readouterr()
    return code, out, err.decode()


def test_stdin_to_stdout_and_exit_codes(monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    token = tokens.github_classic(seed=61)
    data = f"a\r\nb {token}\n\xff".encode("utf-8", "surrogateescape")
    code, out, err = run([], data, monkeypatch, capsysbinary)
    assert code == 0 and out == data.replace(token.encode(), b"[REDACTED:github-pat]")
    assert "redacted 1 (github-pat 1)" in err
    code, out, err = run(["-"], b"nothing here\n", monkeypatch, capsysbinary)
    assert code == 0 and out == b"nothing here\n" and "nothing to redact" in err
    code, out, err = run(["--check"], data, monkeypatch, capsysbinary)
    assert code == 1 and out == b"" and "would redact 1" in err
    code, out, err = run(["--check", "-q"], b"clean\n", monkeypatch, capsysbinary)
    assert code == 0 and out == b"" and err == ""


def test_files_are_concatenated_and_a_missing_one_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    one, two = tmp_path / "one.log", tmp_path / "two.log"
    one.write_bytes(f"password={PASSWORD}\n".encode())
    two.write_bytes(b"plain\n")
    code, out, err = run([str(one), str(tmp_path / "missing.log"), str(two)], b"", monkeypatch, capsysbinary)
    assert code == 2
    assert out == b"password=" + out.split(b"password=")[1].split(b"\n")[0] + b"\nplain\n"
    assert PASSWORD.encode() not in out
    assert "missing.log" in err and "in 3 files" in err


@pytest.mark.parametrize("argv", [["-i"], ["-i", "-"], ["--no-backup", "x"], ["-i", "--check", "x"],
                                  ["-", "-"], ["--jobs", "0"], ["--bogus"]])
def test_usage_errors_exit_2(argv: list[str], monkeypatch: pytest.MonkeyPatch,
                             capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, err = run(argv, b"", monkeypatch, capsysbinary)
    assert code == 2 and out == b""


def test_in_place_keeps_a_backup_and_the_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    token = tokens.github_classic(seed=71)
    original = f"line one\r\nuses {token} here\r\n".encode()
    log = tmp_path / "app.log"
    log.write_bytes(original)
    log.chmod(0o640)
    clean = tmp_path / "clean.log"
    clean.write_bytes(b"nothing\n")
    clean_mtime = clean.stat().st_mtime_ns
    link = tmp_path / "link.log"
    link.symlink_to(log)
    code, out, err = run(["--in-place", str(link), str(clean)], b"", monkeypatch, capsysbinary)
    assert code == 0 and out == b""
    assert link.is_symlink()
    assert log.read_bytes() == b"line one\r\nuses [REDACTED:github-pat] here\r\n"
    assert (log.stat().st_mode & 0o777) == 0o640
    assert Path(str(link) + ".bak").read_bytes() == original
    assert clean.read_bytes() == b"nothing\n" and clean.stat().st_mtime_ns == clean_mtime
    assert not Path(str(clean) + ".bak").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".credwall-redact-")]

    again = tmp_path / "again.log"
    again.write_bytes(original)
    code, _, _ = run(["-i", "--no-backup", str(again)], b"", monkeypatch, capsysbinary)
    assert code == 0 and token.encode() not in again.read_bytes()
    assert not Path(str(again) + ".bak").exists()


def test_a_regex_that_runs_out_of_time_redacts_its_line_whole_and_exits_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    import credwall.engine.matcher

    monkeypatch.setattr(credwall.engine.matcher, "REGEX_TIMEOUT_SECONDS", 0.0)
    token = tokens.github_classic(seed=81)
    text = f"keep this\nuser ghp token {token} end\nkeep that\n"
    redactor = Redactor(REDACTOR.matcher)
    assert redactor.redact_text(text) == "keep this\n[REDACTED:timeout]\nkeep that\n"
    assert redactor.timeouts == 1
    path = tmp_path / "t.log"
    path.write_text(text)
    code, out, err = run([str(path)], b"", monkeypatch, capsysbinary)
    assert code == 2 and token.encode() not in out and "ran out of time" in err


def test_whole_process_pipe_and_large_file(tmp_path: Path) -> None:
    """The real thing: a pipe in, a pipe out; then a file larger than a chunk, cut by the
    pool's workers and copied to the pipe by sendfile. Bytes exact."""
    token = tokens.aws_key_id(seed=91)
    data = b"\xc3\x28 start\r\nkey " + token.encode() + b"\r\n" + b"x" * 100 + b"\n"
    code = "import sys\nfrom credwall.redact import redact_main\nsys.exit(redact_main(sys.argv[1:]))"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == data.replace(token.encode(), b"[REDACTED:aws-access-key-id]")

    big = _big_log(redact.CHUNK_BYTES * 2 + 5000)
    path = tmp_path / "big.log"
    path.write_bytes(big)
    proc = subprocess.run([sys.executable, "-c", code, "--jobs", "2", str(path)], capture_output=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == REDACTOR.redact_bytes(big)


def _big_log(size: int, huge: int = redact.CHUNK_BYTES + 777) -> bytes:
    """Log lines with tokens, CRLFs, invalid UTF-8 and one line longer than a chunk."""
    rng = random.Random(size)
    parts: list[bytes] = []
    total = 0
    n = 0
    while total < size:
        n += 1
        if n == 50:
            line = b"m" * huge + b" " + tokens.github_classic(seed=n).encode()
        elif n % 97 == 0:
            line = f"GET /x?access_token={tokens.rand(30, seed=n)} ua=curl {tokens.stripe_live(seed=n)}".encode()
        else:
            line = f"{n} INFO https://example.com/path/{rng.randint(0, 10**9)} caf\xe9".encode("latin-1") + b"\xff"
        line += b"\r\n" if n % 3 else b"\n"
        parts.append(line)
        total += len(line)
    return b"".join(parts)


@pytest.mark.parametrize("chunk", [4096, 65536])
def test_the_file_path_cuts_at_newlines_and_matches_one_pass(chunk: int, tmp_path: Path) -> None:
    """Workers cut a regular file themselves (at newlines, or mid-line in a huge line);
    whatever the chunk size, the output is the one-pass redaction."""
    data = _big_log(300_000, huge=3 * chunk + 99)
    path = tmp_path / "f.log"
    path.write_bytes(data)
    size = len(data)
    tasks = -(-size // chunk)
    with open(path, "rb") as fh:
        cuts = [stream_module._cut(fh.fileno(), k, tasks, size, chunk) for k in range(tasks + 1)]
        assert cuts[0] == 0 and cuts[-1] == size and cuts == sorted(cuts)
        assert all(data[c - 1:c] == b"\n" or c % chunk == 0 for c in cuts[1:-1])
        out = io.BytesIO()
        stats = stream_module._redact_fd(REDACTOR, fh.fileno(), size, redact.Output(out), jobs=2, chunk=chunk,
                                  context=2048)
    assert out.getvalue() == REDACTOR.redact_bytes(data)
    assert stats.bytes == size and stats.redactions > 20


# --- the hot-rule pre-checks never change the result ----------------------------------------------------

def _forced(monkeypatch: pytest.MonkeyPatch, skeleton: bool) -> Redactor:
    monkeypatch.setattr(redactor_module, "_HOT_HITS", 1)
    monkeypatch.setattr(Redactor, "_skeleton_pays", lambda *args: skeleton)
    return Redactor(REDACTOR.matcher, extras=False)


def _log_sample() -> str:
    rng = random.Random(3)
    out = []
    for i in range(3000):
        out.append(rng.choice([
            f'10.0.0.{i % 250} - - [12/Mar/2025] "GET /api/path/{i} HTTP/1.1" 200 "https://x.example/cart" "curl/8.5.0"',
            f'{{"path":"/static/app.{i}.js","token_type":"bearer","secret_ref":"vault://x","api_key_id":{i}}}',
            f"curl -u admin:{tokens.rand(10, seed=i)} https://api/x; wget --user=u --password={tokens.rand(9, seed=i)}",
            f"https://user:{tokens.rand(12, seed=i)}@db.example.com/x pat{tokens.rand(14, seed=i)}.{tokens.rand(64, '0123456789abcdef', seed=i)}",
            f"jdbc:mysql://h:3306/db?user=u&password={tokens.rand(11, seed=i)} token={tokens.github_classic(seed=i)}",
        ]))
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("skeleton", [True, False])
def test_prechecks_change_nothing_on_examples_and_logs(skeleton: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = Redactor(REDACTOR.matcher, extras=False)
    texts = [e.text for r in RULES for e in r.examples] + [n.text for r in RULES for n in r.negative_examples]
    texts.append(_log_sample())
    expected = [plain.redact_text(t) for t in texts]
    forced = _forced(monkeypatch, skeleton)
    assert [forced.redact_text(t) for t in texts] == expected
    assert sum(p is not None for p in forced._prefilters.values()) > 200


def test_prechecks_on_non_ascii_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Case-insensitive pre-checks stand down on text holding a letter that folds to ASCII."""
    token = tokens.github_classic(seed=93)
    plain = Redactor(REDACTOR.matcher, extras=False)
    forced = _forced(monkeypatch, True)
    for odd in ("", "é", "\u017f", "\u212a", "\u0130"):
        text = f"https://u{odd}:p4ssWord{odd}X9@host/ {odd}curl -u a:b{odd}cdef token {token}\n" * 3
        assert forced.redact_text(text) == plain.redact_text(text)


def test_folds_to_ascii_lists_every_letter_the_engines_fold_to_ascii() -> None:
    import regex

    chars = "".join(chr(c) for c in range(0x80, 0x10000) if not 0xD800 <= c <= 0xDFFF)
    folding = set(regex.findall(r"(?i)[a-z]", chars)) | set(re.findall(r"(?i)[a-z]", chars))
    assert folding <= set(prefilter.FOLDS_TO_ASCII)


def test_analyse_reads_literals_and_builds_a_widened_skeleton() -> None:
    pre = analyse(r"(?<![A-Za-z0-9])(?P<secret>pat[A-Za-z0-9]{14}\.[a-f0-9]{64})(?![A-Za-z0-9])")
    assert pre is not None and pre.exact == ("pat", ".") and pre.skeleton is not None
    body = "pat" + "A" * 14 + "." + "a" * 64
    assert pre.skeleton.pattern.search("x" + body) and not pre.skeleton.pattern.search("path=/x")
    pre = analyse(r"(?i)\b(?:curl|wget)\b[^\n]{0,20}?[ \t](?:-u|--user)[ \t]+\S+:(?P<secret>\S{3,})")
    assert pre is not None and pre.skeleton is not None and not pre.skeleton.on_lowered
    assert pre.skeleton.pattern.search("curl -U bob:" + "pw123") and not pre.skeleton.pattern.search("curl https://x")
    # led by a case-insensitive word: the skeleton reads the lower-cased text
    pre = analyse(r"(?i)secret_value[=:](?P<secret>[a-z0-9]{8,})")
    assert pre is not None and pre.skeleton is not None and pre.skeleton.on_lowered
    assert pre.skeleton.pattern.search("secret_value=abcd1234") and not pre.skeleton.pattern.search("secret_value")
    # a name twice (one per alternative) is fine; a back-reference to it is not analysed
    assert analyse(r"(?:a(?P<secret>x{3})|b(?P<secret>y{3}))z") is not None
    assert analyse(r"(?:(?P<q>a)|(?P<q>b))(?P=q)") is None
    for unsafe in (r"\p{L}+key", r"(?:secret){e<=1}", r"[[:alpha:]]+key", r"(?|a(b)|c(d))", r"abc(?i)def"):
        assert analyse(unsafe) is None, unsafe


def test_every_builtin_rule_is_analysed_and_its_examples_pass_its_prechecks() -> None:
    lowered_ok = 0
    for rule in RULES:
        pre = analyse(rule.regex)
        if pre is None:
            continue
        for example in rule.examples:
            text = example.text
            assert all(lit in text for lit in pre.exact), (rule.id, pre.exact)
            assert all(lit in text.lower() for lit in pre.folded), (rule.id, pre.folded)
            if pre.skeleton is not None:
                hay = text.lower() if pre.skeleton.on_lowered else text
                assert pre.skeleton.pattern.search(hay), (rule.id, pre.skeleton.pattern.pattern)
                lowered_ok += 1
    assert lowered_ok > 500


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12), st.sampled_from(range(12))), max_size=40))
def test_overlap_resolution_matches_the_all_pairs_definition(spans: list[tuple[int, int, int]]) -> None:
    """The matcher's n log n overlap resolution (which redact uses) keeps exactly what the
    definition keeps: best first, each unless it overlaps one already kept."""
    from credwall.engine.matcher import Match, _priority, resolve_overlaps

    rules = RULES[:12]
    matches = [Match(rules[r], start, start + length, "x" * length) for start, length, r in spans]
    reference: list[Match] = []
    for match in sorted(matches, key=_priority, reverse=True):
        if all(match.end <= k.start or match.start >= k.end for k in reference):
            reference.append(match)
    assert resolve_overlaps(matches) == sorted(reference, key=lambda m: (m.start, m.end))


def test_summary_line() -> None:
    stats = redact.Stats()
    stats.bytes = 2_500_000
    stats.labels.update({"github-pat": 2, "cookie": 5})
    assert redact_cli.summary(stats, 1, False) == "credwall: redact: 2.5 MB, redacted 7 (cookie 5, github-pat 2)"
    assert redact_cli.summary(redact.Stats(), 2, True) == "credwall: redact: 0.0 MB in 2 files, nothing to redact"
