"""What redaction finds beyond the rules: the structural secrets of logs, found whatever they
look like. `Authorization:` values, `Bearer` tokens, `Cookie`/`Set-Cookie` values, JWTs,
`password=`-style key-values, private-key blocks and, on request, e-mail addresses and IP
addresses.

Each finder reads the line around a keyword hit (`EXTRA_KEYWORDS` says which keywords wake
which finder) and appends (start, end, kind) spans of the secret values. No entropy or
placeholder filter: a log redactor errs on the side of removing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, NamedTuple

if TYPE_CHECKING:
    import re

# How far past a BEGIN line a private key's END line is looked for: half the context a stream
# chunk sees of its neighbours (stream.CONTEXT_BYTES), so a block a chunk owns ends in view.
PEM_REACH = 16 * 1024

AUTHORIZATION, BEARER, COOKIE, JWT, CREDENTIAL, PRIVATE_KEY, EMAIL, IP = (
    "authorization", "bearer", "cookie", "jwt", "credential", "private-key", "email", "ip")
# Which extra each gate keyword wakes up (lower-case, like the rules' keywords).
EXTRA_KEYWORDS: dict[str, tuple[str, ...]] = {
    AUTHORIZATION: ("authorization",),
    BEARER: ("bearer",),
    COOKIE: ("cookie",),
    JWT: ("eyj",),
    CREDENTIAL: ("pass", "pwd", "secret", "token", "apikey", "api_key", "api-key", "accesskey",
                 "access_key", "access-key", "privatekey", "private_key", "private-key"),
    PRIVATE_KEY: ("private key",),
    EMAIL: ("@",),
}
# Authorization schemes whose credential is one token (RFC 7235 token68); any other scheme
# (Digest, AWS4-HMAC-SHA256, OAuth, Signature, ...) carries parameters: its whole value goes.
_TOKEN_SCHEMES = frozenset({"bearer", "basic", "token", "negotiate", "ntlm", "apikey", "api-key",
                            "key", "sso-key", "jwt", "dpop", "pat", "bot", "session", "otp"})
_PARAM_SCHEMES = frozenset({"digest", "aws4-hmac-sha256", "oauth", "signature", "hoba", "mutual",
                            "scram-sha-1", "scram-sha-256", "vapid", "sharedkey", "sharedkeylite",
                            "hmac", "hmac-sha256", "mac", "googlelogin"})
# Overlapping spans merge; the label of the most specific finder wins: provider rules, then
# generic rules, then these extras in this order.
EXTRA_PRIORITY = {PRIVATE_KEY: 1.7, AUTHORIZATION: 1.6, COOKIE: 1.5, JWT: 1.4, BEARER: 1.3, CREDENTIAL: 1.2,
                   EMAIL: 1.1, IP: 1.0}


class _ExtraPatterns(NamedTuple):
    authorization: re.Pattern[str]
    bearer: re.Pattern[str]
    cookie: re.Pattern[str]
    cookie_pair: re.Pattern[str]
    jwt: re.Pattern[str]
    credential: re.Pattern[str]
    pem_begin: re.Pattern[str]
    pem_end: re.Pattern[str]
    pem_header_line: re.Pattern[str]
    pem_base64_line: re.Pattern[str]
    email: re.Pattern[str]
    ip: re.Pattern[str]
    quoted: dict[str, re.Pattern[str]]


_extra_patterns: _ExtraPatterns | None = None


def _patterns() -> _ExtraPatterns:
    """Compiled on first use (stdlib `re`: these are simple, bounded, and fast in it)."""
    global _extra_patterns
    if _extra_patterns is None:
        import re

        # key, optional closing quote/bracket of the key, separator, optional opening quote
        sep = r"""\\?["'`]?\]?[ \t]*(?::=|=>|[:=])(?![=>])[ \t]*"""
        _extra_patterns = _ExtraPatterns(
            authorization=re.compile(
                r"(?i)(?<![\w-])[\w-]{0,40}?authorization" + r"""\\?["'`]?\]?[ \t]*(?P<sep>:=|=>|[:=])(?![=>])"""
                + r"""[ \t]*(?P<q>\\?["'`]?)"""),
            bearer=re.compile(
                r"""(?i)(?<![\w-])bearer["'`]?(?:[ \t]*[:=][ \t]*["'`]?|[ \t]+)"""
                r"(?P<v>[A-Za-z0-9._~+/-]{8,}=*)(?![\w.~+/=-])"),
            cookie=re.compile(r"(?i)(?<![\w-])(?P<name>[\w-]{0,40}?cookie)" + sep
                              + r"""(?P<q>\\?["'`]?)"""),
            cookie_pair=re.compile(
                r"""[ \t]*(?:(?P<name>[^=;,\s"'\\]{1,256})=)?(?P<v>"[^"\r\n]*"|[^;,\s"'\\]*)[ \t]*(?P<sep>;?)"""),
            jwt=re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}\."
                           r"[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?(?![A-Za-z0-9_-])"),
            credential=re.compile(
                r"(?i)(?<![\w.-])(?:(?:[\w.-]{0,64}[_.-])?(?:pass|pwd)|[\w.-]{0,64}?(?:password|passwd|"
                r"passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key))"
                + sep + r"""(?P<q>\\?["'`]?)"""),
            pem_begin=re.compile(r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----"),
            pem_end=re.compile(r"-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----"),
            # an armour header (Proc-Type:, DEK-Info:, Version:), or a line of base64
            pem_header_line=re.compile(r"[\w-]{1,40}:[^\r\n]*"),
            pem_base64_line=re.compile(r"[A-Za-z0-9+/=]{1,128}"),
            email=re.compile(r"(?<![\w.%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}"
                             r"(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![\w-])"),
            # IPv4, and IPv6 candidates (checked by `ipaddress`): hex groups joined by colons.
            ip=re.compile(r"(?<![\w.:])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}"
                          r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)"
                          r"|(?<![\w:.])(?P<v6>[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
                          r"(?:(?<=:)(?:\d{1,3}\.){3}\d{1,3})?)(?![\w:.])"),
            quoted={q: re.compile(r"(?:\\.|[^" + q + r"\\\r\n])*") for q in "\"'`"},
        )
    return _extra_patterns


def _value_end(text: str, start: int, line_end: int, quote: str) -> int:
    """Where a value opened by `quote` (possibly backslash-escaped, as in JSON inside JSON)
    ends: at its closing quote, else at the end of the line."""
    if not quote:
        return line_end
    q = quote[-1]
    if quote.startswith("\\"):  # \"value\": ends at the next backslash-quote
        end = text.find("\\" + q, start, line_end)
        return line_end if end < 0 else end
    m = _patterns().quoted[q].match(text, start, line_end)
    return m.end() if m else line_end


def _token_end(text: str, start: int, end: int) -> int:
    """End of a credential token: no whitespace, quotes, commas or semicolons."""
    i = start
    while i < end and text[i] not in " \t\r\n\"'`,;\\":
        i += 1
    return i


def _authorization(text: str, start: int, end: int, out: list[tuple[int, int, str]]) -> None:
    """`Authorization: <scheme> <credentials>`: the scheme stays, the credentials go (a token
    scheme's one token, a parameter scheme's whole value). `authorization=<value>` unquoted
    (logfmt, a query string) is one token, whatever it looks like."""
    for m in _patterns().authorization.finditer(text, start, end):
        v = m.end()
        quote = m.group("q")
        value_end = _value_end(text, v, end, quote)
        first_end = _token_end(text, v, value_end)
        if first_end == v:
            continue
        first = text[v:first_end]
        cut = (v, first_end)  # by default the first token is the credential
        if quote or m.group("sep") != "=":
            after = first_end
            while after < value_end and text[after] in " \t":
                after += 1
            has_more = after < value_end and text[after] not in "\r\n"
            scheme = first.lower()
            if scheme in _TOKEN_SCHEMES:
                cut = (after, _token_end(text, after, value_end)) if has_more else (v, v)
            elif has_more and (scheme in _PARAM_SCHEMES or (first.isascii() and first.replace("-", "").isalpha())):
                cut = (after, value_end)  # a scheme with parameters, known or not: all of them
        stop = cut[1]
        while stop > cut[0] and text[stop - 1] in " \t\r":
            stop -= 1
        if stop > cut[0]:
            out.append((cut[0], stop, AUTHORIZATION))


def _bearer(text: str, start: int, end: int, out: list[tuple[int, int, str]]) -> None:
    for m in _patterns().bearer.finditer(text, start, end):
        value = m.group("v")
        # "Bearer authentication" is prose; a token has a digit or a symbol, or is long.
        if len(value) >= 20 or not value.isalpha():
            out.append((m.start("v"), m.end("v"), BEARER))


def _cookie(text: str, start: int, end: int, out: list[tuple[int, int, str]]) -> None:
    p = _patterns()
    for m in p.cookie.finditer(text, start, end):
        set_cookie = m.group("name").lower().replace("_", "-").endswith("set-cookie")
        stop = _value_end(text, m.end(), end, m.group("q"))
        pos = m.end()
        while pos < stop:
            pair = p.cookie_pair.match(text, pos, stop)
            if pair is None or pair.end() == pos:
                break
            v0, v1 = pair.span("v")
            if v1 - v0 >= 2 and text[v0] == '"' and text[v1 - 1] == '"':
                v0, v1 = v0 + 1, v1 - 1
            if v1 > v0 and not text.startswith("[REDACTED", v0):
                out.append((v0, v1, COOKIE))
            # Set-Cookie: only the first pair is the cookie; the rest are attributes.
            if set_cookie or not pair.group("sep"):
                break
            pos = pair.end()


def _jwt(text: str, start: int, end: int, out: list[tuple[int, int, str]]) -> None:
    for m in _patterns().jwt.finditer(text, start, end):
        out.append((m.start(), m.end(), JWT))


def _credential(text: str, start: int, end: int, out: list[tuple[int, int, str]]) -> None:
    for m in _patterns().credential.finditer(text, start, end):
        i = m.end()
        quote = m.group("q")
        if quote:
            stop = _value_end(text, i, end, quote)
        else:
            stop = i
            while stop < end and text[stop] not in " \t\r\n\"'`,;&)}]<>\\":
                stop += 1
        if stop > i and not text.startswith("[REDACTED", i):
            out.append((i, stop, CREDENTIAL))


def _private_key(text: str, start: int, end: int, out: list[tuple[int, int, str]]) -> None:
    """A PEM/OpenSSH/PGP private key block: everything between its BEGIN and END lines,
    whatever the rules' filters think of it. Without an END line (a truncated log), the
    base64 lines that follow BEGIN."""
    p = _patterns()
    for m in p.pem_begin.finditer(text, start, end):
        body = m.end()
        closing = p.pem_end.search(text, body, min(len(text), body + PEM_REACH))
        if closing is not None:
            out.append((body, closing.start(), PRIVATE_KEY))
            continue
        stop = _truncated_key_end(text, body)
        if stop > body:
            out.append((body, stop, PRIVATE_KEY))


def _truncated_key_end(text: str, body: int) -> int:
    """Where a key block with no END line in sight ends. Its armour headers come first (and
    a blank line after them), then base64 lines of one width, then at most one shorter line
    that brings the base64 to a multiple of 4 characters: so a log line after a cut-off key
    (`ready`, `INFO: listening`) is not taken for part of it."""
    p = _patterns()
    stop = body
    line_start = text.find("\n", body, min(len(text), body + 2)) + 1 or body
    headers = True  # still where armour headers may stand
    width = 0  # of the base64 lines, set by the first
    total = 0  # base64 characters so far
    while line_start < len(text):
        line_end = text.find("\n", line_start)
        if line_end < 0:
            line_end = len(text)
        line = text[line_start:line_end].strip(" \t\r")
        if headers and not width and (not line or p.pem_header_line.fullmatch(line)):
            if not line:
                headers = False  # the blank line that ends the headers
            else:
                stop = line_end
            line_start = line_end + 1
            continue
        headers = False
        if not p.pem_base64_line.fullmatch(line) or (width and len(line) > width):
            break
        width = width or len(line)
        if len(line) < width:  # the last line, if it completes the base64
            if (total + len(line)) % 4 == 0:
                stop = line_end
            break
        total += len(line)
        stop = line_end
        line_start = line_end + 1
    return stop


def _email(text: str, start: int, end: int, out: list[tuple[int, int, str]]) -> None:
    for m in _patterns().email.finditer(text, start, end):
        out.append((m.start(), m.end(), EMAIL))


def find_ips(text: str, out: list[tuple[int, int, str]]) -> None:
    import ipaddress

    for m in _patterns().ip.finditer(text):
        v6 = m.group("v6")
        if v6 is not None:
            if ("::" not in v6 and v6.count(":") < 7 - ("." in v6)) or not any(c.isalnum() for c in v6):
                continue  # 10:15:32 is a time, not an address; a bare :: is punctuation
            try:
                ipaddress.IPv6Address(v6)
            except ValueError:
                continue
        out.append((m.start(), m.end(), IP))


EXTRA_FINDERS: dict[str, Callable[[str, int, int, list[tuple[int, int, str]]], None]] = {
    AUTHORIZATION: _authorization, BEARER: _bearer, COOKIE: _cookie, JWT: _jwt,
    CREDENTIAL: _credential, PRIVATE_KEY: _private_key, EMAIL: _email,
}
