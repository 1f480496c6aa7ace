"""`credwall redact`: a streaming filter that replaces secrets with `[REDACTED:rule-id]`.

Everything the rules find (the shared matcher), plus what logs carry outside any rule's
keywords: `Authorization:` values, `Bearer` tokens, `Cookie`/`Set-Cookie` values, JWTs,
`password=`-style key-values and, on request, e-mail addresses and IP addresses. Every other
byte is written back unchanged: the output is the input's own bytes with the secret spans cut
out, never a re-encoding, so invalid UTF-8, NULs and CRLF pass through as they came.

Memory stays bounded on inputs of any size: the input is read in chunks of about CHUNK_BYTES
split at newlines; a line longer than that is cut into pieces. Each chunk is scanned with
CONTEXT_BYTES of its neighbours on either side and owns the matches that *start* in it, so a
secret that straddles a cut (a PEM block across two chunks, a token at a piece boundary of a
huge line) is still found, exactly once. Above one chunk, chunks go to a process pool (one
worker per core) and come back in order.

Unlike `credwall scan`, redaction ignores inline allow markers: a log line can carry text an
attacker controls, and `credwall:allow` in a user agent must not unmask the header beside it.

Exit codes: 0 done (whether or not anything was redacted); with --check, 1 when something would
be redacted; 2 usage, configuration or read error, or a regex that ran out of time (its line is
then redacted whole, so the output still leaks nothing).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, NamedTuple, Sequence

if TYPE_CHECKING:
    import re
    from collections import Counter
    from typing import IO, Any

    from .engine.matcher import Match, Matcher

EXIT_OK, EXIT_WOULD_REDACT, EXIT_ERROR = 0, 1, 2

# Chunks this size keep both cores busy with little IPC overhead, and bound memory: about
# (2 x workers + 2) chunks are in flight at once.
CHUNK_BYTES = 2 * 1024 * 1024
# What each chunk sees of its neighbours: more than the longest single match the rules allow
# (the matcher's own window is 8 KiB either side of a keyword) and than a 120-line PEM block.
CONTEXT_BYTES = 32 * 1024
# A rule whose keywords hit this many times in one chunk is worth a cheap
# pre-check (see Prefilter) before its regex runs on every hit line.
_HOT_HITS = 64
# What running a rule's regex on one hit line costs (measured: 2-4 us with Matcher._regions and its
# Python around it), against which one skeleton pass over the chunk is weighed.
_REGEX_SECONDS_PER_LINE = 3e-6
_SAMPLE_CHARS = 64 * 1024
# Non-ASCII letters that case-insensitive matching (`regex` or `re`) equates with ASCII ones
# (İ ı ſ K); tests/test_redact.py checks this against both engines.
FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"

LABEL = "[REDACTED:{}]"

# ---------------------------------------------------------------------------------------------
# What redaction adds to the rules: structural secrets in logs, found whatever they look like
# (no entropy or placeholder filter: a log redactor errs on the side of removing).

AUTHORIZATION, BEARER, COOKIE, JWT, CREDENTIAL, PRIVATE_KEY, EMAIL, IP = (
    "authorization", "bearer", "cookie", "jwt", "credential", "private-key", "email", "ip")
# Which extra each gate keyword wakes up (lower-case, like the rules' keywords).
_EXTRA_KEYWORDS: dict[str, tuple[str, ...]] = {
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
_EXTRA_PRIORITY = {PRIVATE_KEY: 1.7, AUTHORIZATION: 1.6, COOKIE: 1.5, JWT: 1.4, BEARER: 1.3, CREDENTIAL: 1.2,
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
    pem_body_line: re.Pattern[str]
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
            # a base64 body line, or an armour header (Proc-Type:, DEK-Info:, Comment:) or blank
            pem_body_line=re.compile(r"[ \t]*(?:[A-Za-z0-9+/=]{1,128}|[\w-]{1,40}:[^\r\n]*)?[ \t]*\r?$"),
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
        closing = p.pem_end.search(text, body, min(len(text), body + CONTEXT_BYTES // 2))
        if closing is not None:
            out.append((body, closing.start(), PRIVATE_KEY))
            continue
        stop = body
        line_start = text.find("\n", body, min(len(text), body + 2)) + 1 or body
        while line_start < len(text):
            line_end = text.find("\n", line_start)
            if line_end < 0:
                line_end = len(text)
            if p.pem_body_line.match(text, line_start, line_end) is None:
                break
            stop = line_end
            line_start = line_end + 1
        if stop > body:
            out.append((body, stop, PRIVATE_KEY))


def _email(text: str, start: int, end: int, out: list[tuple[int, int, str]]) -> None:
    for m in _patterns().email.finditer(text, start, end):
        out.append((m.start(), m.end(), EMAIL))


def _ips(text: str, out: list[tuple[int, int, str]]) -> None:
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


_EXTRA_FINDERS: dict[str, Callable[[str, int, int, list[tuple[int, int, str]]], None]] = {
    AUTHORIZATION: _authorization, BEARER: _bearer, COOKIE: _cookie, JWT: _jwt,
    CREDENTIAL: _credential, PRIVATE_KEY: _private_key, EMAIL: _email,
}

# ---------------------------------------------------------------------------------------------
# Pre-checks for hot rules. A rule whose keyword hits on nearly every line (`http` in an access
# log, `pat` in `"path":`) would run its regex on every line. Two necessary conditions, read off
# the pattern's parse tree (the stdlib's sre parser), let most of those lines go unsearched:
#   - literals every match contains: one missing from the chunk rules the whole chunk out;
#   - a skeleton: the pattern with its lookarounds and anchors dropped (which only widens what
#     it matches), from its longest literal on, run by the stdlib engine over the whole chunk
#     at GB/s. A line where the skeleton finds nothing cannot hold a match.
# Any construct the two engines might read differently means no pre-check for that rule
# (always safe: the regex then runs on every hit line, as in `credwall scan`).

# `regex`-only syntax, or flags that change what a construct means.
_UNSAFE_SYNTAX = ("\\p", "\\P", "\\X", "\\L", "\\G", "\\K", "\\m", "\\M", "\\Q", "\\h", "\\R",
                  "(?|", "(?V", "(?r", "(?f", "(?w", "(?e", "(?b", "(?p", "(?(", "(?<n", "[[:",
                  "{e", "{i", "{d", "{s")


class Prefilter(NamedTuple):
    exact: tuple[str, ...]  # literals every match contains as written
    folded: tuple[str, ...]  # literals every lower-cased match contains (case-insensitive parts)
    skeleton: Skeleton | None


def _sre() -> Any:
    """The stdlib regex parser (re._parser from 3.11, sre_parse before); it carries the
    opcode constants too."""
    import re

    parser = getattr(re, "_parser", None)
    if parser is None:
        import importlib

        parser = importlib.import_module("sre_parse")
    return parser


def _dedupe_group_names(pattern: str) -> str | None:
    """`regex` allows a group name twice (one per alternative); sre does not. Rename the
    repeats; None when a back-reference names one (it could mean either group)."""
    import re

    names = re.findall(r"\(\?P<(\w+)>", pattern)
    repeated = {n for n in names if names.count(n) > 1}
    if not repeated:
        return pattern
    if any(f"(?P={n})" in pattern for n in repeated):
        return None
    seen: dict[str, int] = {}

    def rename(m: re.Match[str]) -> str:
        name = m.group(1)
        seen[name] = seen.get(name, 0) + 1
        return m.group(0) if seen[name] == 1 else f"(?P<{name}_{seen[name]}>"

    return re.sub(r"\(\?P<(\w+)>", rename, pattern)


def analyse(pattern: str) -> Prefilter | None:
    """The pre-checks for one rule's regex, or None when it cannot be analysed safely."""
    if any(marker in pattern for marker in _UNSAFE_SYNTAX):
        return None
    import re
    import warnings

    source = _dedupe_group_names(pattern)
    if source is None:
        return None
    sre = _sre()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "possible nested set" and friends: not ours
            parsed = sre.parse(source)
    except Exception:  # noqa: BLE001 - the stdlib cannot read it: no pre-check
        return None
    ci = bool(parsed.state.flags & re.IGNORECASE)
    found: list[tuple[str, bool]] = []
    _literals(list(parsed), ci, found)
    # A `{` or `}` may be `regex` syntax the stdlib took for a literal: never rely on one.
    found = [(lit, f) for lit, f in found if lit and "{" not in lit and "}" not in lit]
    exact = tuple(sorted({lit for lit, f in found if not f}, key=len, reverse=True))
    folded = tuple(sorted({lit for lit, f in found if f}, key=len, reverse=True))
    skeleton = _skeleton(list(parsed), ci)
    if not exact and not folded and skeleton is None:
        return None
    return Prefilter(exact, folded, skeleton)


def _literals(items: list[Any], ci: bool, out: list[tuple[str, bool]]) -> None:
    """Append (literal, case_insensitive) for each maximal run of literals that every match
    of the sequence `items` contains."""
    import re

    c = _sre()
    run: list[str] = []
    run_ci = False

    def flush() -> None:
        nonlocal run_ci
        if run:
            out.append(("".join(run), run_ci))
            run.clear()
        run_ci = False

    for op, av in items:
        if op is c.LITERAL:
            ch = chr(av)
            if ci and ch.lower() != ch.upper():
                run.append(ch.lower())
                run_ci = True
            else:
                run.append(ch)
            continue
        flush()
        if op is c.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            _literals(list(sub), _scoped_ci(ci, add_flags, del_flags, re.IGNORECASE), out)
        elif op is getattr(c, "ATOMIC_GROUP", None):
            _literals(list(av), ci, out)
        elif op in _repeat_ops(c):
            low, _high, sub = av
            if low >= 1:
                _literals(list(sub), ci, out)
        elif op is c.BRANCH:
            alternatives: list[list[tuple[str, bool]]] = []
            for alt in av[1]:
                lits: list[tuple[str, bool]] = []
                _literals(list(alt), ci, lits)
                alternatives.append(lits)
            common = _common_literal(alternatives)
            if common is not None:
                out.append(common)
        # anything else (classes, anchors, lookarounds, back-references) only ends the run
    flush()


def _scoped_ci(ci: bool, add_flags: int, del_flags: int, flag: int) -> bool:
    return (ci or bool(add_flags & flag)) and not del_flags & flag


def _repeat_ops(c: Any) -> tuple[Any, ...]:
    return tuple(op for op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)) if op is not None)


def _common_literal(alternatives: list[list[tuple[str, bool]]]) -> tuple[str, bool] | None:
    """The longest string every alternative of a branch contains, if any (compared as
    written, else lower-cased)."""
    if not alternatives or not all(alternatives):
        return None
    for folded in (False, True):
        if not folded and any(f for alt in alternatives for _, f in alt):
            continue

        def norm(lit: str) -> str:
            return lit.lower() if folded else lit

        best = ""
        for lit, _f in alternatives[0]:
            lit = norm(lit)
            for i in range(len(lit)):
                for j in range(len(lit), i + len(best), -1):
                    piece = lit[i:j]
                    if all(any(piece in norm(other) for other, _ in alt) for alt in alternatives[1:]):
                        best = piece
                        break
        if best:
            return best, folded
    return None


class Skeleton(NamedTuple):
    pattern: re.Pattern[str]
    on_lowered: bool  # searches the lower-cased text (a case-insensitive literal leads it)
    folds: bool  # has case-insensitive parts: trusted only on fold-safe text


def _skeleton(items: list[Any], ci: bool) -> Skeleton | None:
    import re

    c = _sre()
    flat: list[tuple[Any, Any, bool]] = []  # the top-level sequence with its groups inlined

    def inline(seq: list[Any], ci: bool) -> None:
        for op, av in seq:
            if op is c.SUBPATTERN:
                _group, add_flags, del_flags, sub = av
                inline(list(sub), _scoped_ci(ci, add_flags, del_flags, re.IGNORECASE))
            else:
                flat.append((op, av, ci))

    inline(items, ci)
    # Any contiguous piece of the sequence is a necessary condition, and so is any piece with
    # its zero-width assertions dropped. Start at the longest run of literals (the stdlib
    # searches a literal prefix fast, and a long one is rare), else at the first alternation.
    best_start, best_len, best_folded, i = -1, 0, False, 0
    while i < len(flat):
        j = i
        while j < len(flat) and flat[j][0] is c.LITERAL:
            j += 1
        if j > i:
            folded = any(flat[k][2] and _cased(c.LITERAL, flat[k][1]) for k in range(i, j))
            if j - i > best_len:
                best_start, best_len, best_folded = i, j - i, folded
            i = j
        else:
            i += 1
    if best_start < 0:
        best_start = next((k for k, item in enumerate(flat) if item[0] is c.BRANCH), -1)
        best_folded = True
    if best_start < 0:
        return None
    # A run with case-insensitive letters leads a literal prefix only in the lower-cased text.
    lowered = best_folded
    parts: list[str] = []
    folds = lowered
    for op, av, item_ci in flat[best_start:]:
        piece = _serialize(op, av, item_ci, lowered)
        if piece is None:
            break  # a back-reference or the like: the skeleton ends before it
        if not lowered and item_ci and _cased(op, av):
            piece = "(?i:" + piece + ")"
            folds = True
        parts.append(piece)
    try:
        pattern = re.compile("".join(parts))
    except re.error:
        return None
    if pattern.match("") is not None:
        return None  # matches everywhere: no use
    return Skeleton(pattern, lowered, folds)


def _cased(op: Any, av: Any) -> bool:
    """Does case matter to this parsed item (a cased character anywhere in it)?"""
    c = _sre()
    if op in (c.LITERAL, c.NOT_LITERAL):
        return chr(av).lower() != chr(av).upper()
    if op is c.RANGE:
        low, high = av
        return high - low > 512 or any(chr(k).lower() != chr(k).upper() for k in range(low, high + 1))
    return any(_cased(sub_op, sub_av) for sub_op, sub_av in _children(op, av))


def _children(op: Any, av: Any) -> list[tuple[Any, Any]]:
    """The (op, av) items nested in one parsed item."""
    c = _sre()
    if op is c.IN:
        return list(av)
    if op is c.BRANCH:
        return [item for alt in av[1] for item in alt]
    if op is c.SUBPATTERN:
        return list(av[3])
    if op in _repeat_ops(c):
        return list(av[2])
    if op in (c.ASSERT, c.ASSERT_NOT):
        return list(av[1])
    if op is getattr(c, "ATOMIC_GROUP", None):
        return list(av)
    return []


def _char(code: int) -> str:
    ch = chr(code)
    return ch if ch.isascii() and ch.isalnum() else f"\\U{code:08x}"


_ANY = "(?s:.)"


def _serialize(op: Any, av: Any, ci: bool, lowered: bool) -> str | None:
    """One parsed item back to stdlib syntax, widened where needed: zero-width assertions
    become nothing, lazy and possessive repeats greedy, `.` any character. For the
    lower-cased text (`lowered`), what an item matches is mapped through lower(): literals
    lower-cased, classes with cased members case-insensitive (negated ones: any character).
    None: cannot (a back-reference, a conditional)."""
    import re

    c = _sre()
    if op is c.LITERAL:
        return _char(ord(chr(av).lower())) if lowered else _char(av)
    if op is c.NOT_LITERAL:
        return _ANY if lowered and _cased(op, av) else "[^" + _char(av) + "]"
    if op is c.ANY:
        return _ANY
    if op is c.IN:
        body = _serialize_class(av)
        if body is None or not (lowered and _cased(op, av)):
            return body
        return _ANY if av and av[0][0] is c.NEGATE else "(?i:" + body + ")"
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return ""
    if op in _repeat_ops(c):
        low, high, sub = av
        inner = _serialize_seq(list(sub), ci, lowered)
        if inner is None:
            return None
        upper = "" if high == c.MAXREPEAT else str(high)
        return f"(?:{inner}){{{low},{upper}}}"
    if op is c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        inner_ci = _scoped_ci(ci, add_flags, del_flags, re.IGNORECASE)
        inner = _serialize_seq(list(sub), inner_ci, lowered)
        if inner is None:
            return None
        if lowered or inner_ci == ci:
            return "(?:" + inner + ")"
        return ("(?i:" if inner_ci else "(?-i:") + inner + ")"
    if op is getattr(c, "ATOMIC_GROUP", None):
        inner = _serialize_seq(list(av), ci, lowered)
        return None if inner is None else "(?:" + inner + ")"
    if op is c.BRANCH:
        alternatives = [_serialize_seq(list(alt), ci, lowered) for alt in av[1]]
        if any(a is None for a in alternatives):
            return None
        return "(?:" + "|".join(a for a in alternatives if a is not None) + ")"
    return None


def _serialize_seq(items: list[Any], ci: bool, lowered: bool) -> str | None:
    parts = []
    for op, av in items:
        piece = _serialize(op, av, ci, lowered)
        if piece is None:
            return None
        parts.append(piece)
    return "".join(parts)


def _serialize_class(items: list[Any]) -> str | None:
    c = _sre()
    categories = {c.CATEGORY_DIGIT: "\\d", c.CATEGORY_NOT_DIGIT: "\\D", c.CATEGORY_SPACE: "\\s",
                  c.CATEGORY_NOT_SPACE: "\\S", c.CATEGORY_WORD: "\\w", c.CATEGORY_NOT_WORD: "\\W"}
    out = ["["]
    for op, av in items:
        if op is c.NEGATE:
            out.append("^")
        elif op is c.LITERAL:
            out.append(_char(av))
        elif op is c.RANGE:
            out.append(_char(av[0]) + "-" + _char(av[1]))
        elif op is c.CATEGORY and av in categories:
            out.append(categories[av])
        else:
            return None
    out.append("]")
    return "".join(out)


def _skeleton_lines(text: str, skeleton: re.Pattern[str], limit: int) -> list[tuple[int, int]] | None:
    """[start, end) of the lines the skeleton's matches touch, in order; None past `limit`."""
    spans: list[tuple[int, int]] = []
    for m in skeleton.finditer(text):
        if len(spans) >= limit:
            return None
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        if end < 0:
            end = len(text)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def _lines_with(hay: str, literal: str, limit: int) -> list[tuple[int, int]] | None:
    """[start, end) of each line of hay holding literal, in order; None past `limit` lines."""
    spans: list[tuple[int, int]] = []
    pos = hay.find(literal)
    while pos >= 0:
        if len(spans) >= limit:
            return None
        start = hay.rfind("\n", 0, pos) + 1
        end = hay.find("\n", pos + len(literal))
        if end < 0:
            end = len(hay)
        spans.append((start, end))
        pos = hay.find(literal, end)
    return spans


def _keep_within(positions: list[int], spans: list[tuple[int, int]]) -> list[int]:
    from bisect import bisect_left, bisect_right

    kept: list[int] = []
    for start, end in spans:
        kept.extend(positions[bisect_left(positions, start):bisect_right(positions, end)])
    return kept


# ---------------------------------------------------------------------------------------------
# The redactor: one text in, merged non-overlapping spans out.


class Span(NamedTuple):
    """A span of text to replace with [REDACTED:label]. Offsets index the scanned text."""

    start: int
    end: int
    label: str


class _Bucket(list[int]):
    """One keyword's hits (end offsets) in the text being scanned: the automaton's value."""

    __slots__ = ("length", "indices")

    def __init__(self, length: int, indices: tuple[int, ...]) -> None:
        super().__init__()
        self.length = length
        self.indices = indices  # rule indices, and len(rules) + extra kind


class Redactor:
    """The matcher's rules plus the extras behind one keyword automaton. Built once per
    process (pool workers inherit it through fork); not for use from several threads at once
    (the automaton's hit buckets are shared)."""

    def __init__(self, matcher: Matcher, emails: bool = False, ips: bool = False,
                 extras: bool = True) -> None:
        """`extras=False`: the rules only (no headers, cookies, JWTs, key=values, keys)."""
        import ahocorasick

        self.matcher = matcher
        self.rules = matcher.rules
        self.ips = ips
        kinds = [k for k in _EXTRA_KEYWORDS if (extras and k != EMAIL) or (k == EMAIL and emails)]
        self._extra_kinds = tuple(kinds)
        n = len(self.rules)
        by_keyword: dict[str, set[int]] = {}
        for index, rule in enumerate(self.rules):
            for keyword in rule.keywords:
                by_keyword.setdefault(keyword, set()).add(index)
        for offset, kind in enumerate(kinds):
            for keyword in _EXTRA_KEYWORDS[kind]:
                by_keyword.setdefault(keyword, set()).add(n + offset)
        self._keywordless = tuple(i for i, r in enumerate(self.rules) if not r.keywords)
        # Each keyword's value is its own bucket: the scan loop only appends end offsets to
        # it, the cheapest Python there is per hit (a log line can hold several hits).
        automaton = ahocorasick.Automaton()
        for keyword, indices in by_keyword.items():
            automaton.add_word(keyword, _Bucket(len(keyword), tuple(sorted(indices))))
        automaton.make_automaton()
        self._automaton = automaton
        self._prefilters: dict[int, Prefilter | None] = {}
        self._skeleton_cost: dict[int, float] = {}  # rule index -> seconds per character
        self._fold_safe_text: str | None = None
        self._fold_safe_value = True
        self.timeouts = 0  # lines redacted whole because a regex ran out of time

    # -- the keyword gate ---------------------------------------------------------------------
    def _hits(self, lowered: str) -> dict[int, list[int]]:
        """Index (rule, or len(rules) + extra kind) -> start offsets of its keyword hits, in
        text order."""
        per_index: dict[int, list[list[int]]] = {}
        touched: list[_Bucket] = []
        try:
            for end, bucket in self._automaton.iter(lowered):
                if not bucket:
                    touched.append(bucket)
                bucket.append(end)
            for bucket in touched:
                shift = bucket.length - 1
                starts = [end - shift for end in bucket]
                for index in bucket.indices:
                    per_index.setdefault(index, []).append(starts)
        finally:  # the buckets outlive this text: leave them empty, even after an error
            for bucket in touched:
                bucket.clear()
        hits: dict[int, list[int]] = {}
        for index, lists in per_index.items():
            if len(lists) == 1:
                hits[index] = lists[0]
            else:  # several keywords of one rule: merge into text order
                merged = [pos for starts in lists for pos in starts]
                merged.sort()
                hits[index] = merged
        return hits

    # -- rules ----------------------------------------------------------------------------------
    def _prefilter(self, index: int, text: str, lowered: str, positions: list[int]) -> list[int]:
        """The hit positions whose line passes the rule's pre-checks (all of them when it has
        none). Never drops a position a match could come from."""
        if index not in self._prefilters:
            self._prefilters[index] = analyse(self.rules[index].regex)
        checks = self._prefilters[index]
        if checks is None:
            return positions
        fold_safe = self._fold_safe(text)
        literals = [(lit, text) for lit in checks.exact]
        if fold_safe:
            literals += [(lit, lowered) for lit in checks.folded]
        for lit, hay in literals:
            if lit not in hay:
                return []
        if self.rules[index].lines != 1:
            return positions  # a multi-line match may hold its pieces on other lines
        limit = len(positions) // 4 + 1
        skeleton = checks.skeleton
        if skeleton is not None and (fold_safe or not skeleton.folds):
            hay = lowered if skeleton.on_lowered else text
            if self._skeleton_pays(index, skeleton, hay, len(positions)):
                spans = _skeleton_lines(hay, skeleton.pattern, limit)
                if spans is not None:
                    return _keep_within(positions, spans)
        for lit, hay in literals:
            if "\n" in lit or "\r" in lit:
                continue
            spans = _lines_with(hay, lit, limit)
            if spans is not None:
                return _keep_within(positions, spans)
        return positions

    def _fold_safe(self, text: str) -> bool:
        """Can case-insensitive checks trust this text? Yes unless it holds one of the few
        non-ASCII letters that case-insensitive matching equates with an ASCII one (there,
        lower() and the engines' folding part ways). Once per text."""
        if self._fold_safe_text is not text:
            self._fold_safe_text = text
            self._fold_safe_value = text.isascii() or not any(ch in text for ch in FOLDS_TO_ASCII)
        return self._fold_safe_value

    def _skeleton_pays(self, index: int, skeleton: Skeleton, hay: str, hits: int) -> bool:
        """Is one pass of the skeleton over hay cheaper than the regex on every hit line?
        A skeleton's speed is measured once, on a sample."""
        cost = self._skeleton_cost.get(index)
        if cost is None:
            import time

            sample = hay[:_SAMPLE_CHARS]
            started = time.perf_counter()
            for _ in skeleton.pattern.finditer(sample):
                pass
            cost = (time.perf_counter() - started) / max(1, len(sample))
            self._skeleton_cost[index] = cost
        return cost * len(hay) < hits * _REGEX_SECONDS_PER_LINE

    def _rule_matches(self, text: str, index: int, regions: list[tuple[int, int]],
                      out: list[Match], timed_out: list[Span]) -> None:
        from .engine.matcher import ScanTimeout

        try:
            out.extend(self.matcher.candidates(text, index, regions))
            return
        except ScanTimeout:
            pass
        # Fail closed, line by line: a line on which the regex runs out of time goes whole.
        for start, end in regions:
            line_start = start
            while line_start <= end:
                newline = text.find("\n", line_start, end)
                line_end = end if newline < 0 else newline
                try:
                    out.extend(self.matcher.candidates(text, index, [(line_start, line_end)]))
                except ScanTimeout:
                    timed_out.append(Span(line_start, line_end, "timeout"))
                line_start = line_end + 1

    def spans(self, text: str) -> list[Span]:
        """Every span to redact in text: merged where they overlap, in order, never holding
        a line break (a multi-line secret is redacted line by line, so lines stay lines)."""
        from .engine.matcher import Matcher, resolve_overlaps

        if not text:
            return []
        lowered = text.lower()
        if len(lowered) != len(text):  # a few non-ASCII letters lower to two characters
            lowered = "".join(ch.lower() if ch.isascii() else ch for ch in text)
        n = len(self.rules)
        matches: list[Match] = []
        found: list[tuple[int, int, str]] = []
        timed_out: list[Span] = []
        for index, positions in self._hits(lowered).items():
            if index >= n:
                finder = _EXTRA_FINDERS[self._extra_kinds[index - n]]
                line_end = -1
                for pos in positions:
                    if pos <= line_end:
                        continue
                    line_start = text.rfind("\n", 0, pos) + 1
                    line_end = text.find("\n", pos)
                    if line_end < 0:
                        line_end = len(text)
                    finder(text, line_start, line_end, found)
                continue
            if len(positions) >= _HOT_HITS:
                positions = self._prefilter(index, text, lowered, positions)
                if not positions:
                    continue
            regions = Matcher._regions(text, positions, self.rules[index].lines)
            self._rule_matches(text, index, regions, matches, timed_out)
        for index in self._keywordless:
            self._rule_matches(text, index, [(0, len(text))], matches, timed_out)
        if self.ips:
            _ips(text, found)
        if not matches and not found and not timed_out:
            return []
        ranked: list[tuple[int, int, float, str]] = []
        for m in resolve_overlaps(matches):
            ranked.append((m.start, m.end, 2.0 if m.rule.generic else 3.0, m.rule.id))
        for start, end, kind in found:
            ranked.append((start, end, _EXTRA_PRIORITY[kind], kind))
        for span in set(timed_out):
            ranked.append((span.start, span.end, 9.0, span.label))
        self.timeouts += len(set(timed_out))
        merged = _merge(ranked)
        if "[REDACTED:" in text:
            merged = _outside_labels(text, merged)
        return _split_lines(text, merged)

    def redact_text(self, text: str) -> str:
        """text with every secret replaced (for tests and library use)."""
        pieces: list[str] = []
        cursor = 0
        for span in self.spans(text):
            pieces.append(text[cursor:span.start])
            pieces.append(LABEL.format(span.label))
            cursor = span.end
        pieces.append(text[cursor:])
        return "".join(pieces)

    def edits(self, data: bytes, lo: int = 0, hi: int | None = None) -> list[Span]:
        """Byte spans of data to redact whose start lies in [lo, hi)."""
        hi = len(data) if hi is None else hi
        text = data.decode("utf-8", "surrogateescape")
        spans = self.spans(text)
        if not spans:
            return []
        if len(text) != len(data):  # multi-byte characters: map character offsets to bytes
            spans = _to_byte_offsets(text, spans)
        return [s for s in spans if lo <= s.start < hi]

    def redact_bytes(self, data: bytes) -> bytes:
        return apply_edits(data, self.edits(data))


def _merge(ranked: list[tuple[int, int, float, str]]) -> list[Span]:
    """Union of overlapping spans, each labelled by its highest-ranked member."""
    ranked.sort(key=lambda r: (r[0], -r[1]))
    merged: list[Span] = []
    best = 0.0
    for start, end, rank, label in ranked:
        if start >= end:
            continue
        if merged and start < merged[-1].end:
            last = merged[-1]
            if rank > best:
                best = rank
                last = last._replace(label=label)
            merged[-1] = last._replace(end=max(last.end, end))
        else:
            merged.append(Span(start, end, label))
            best = rank
    return merged


def _outside_labels(text: str, spans: list[Span]) -> list[Span]:
    """Spans less any part inside a [REDACTED:...] label already in the text, so redacting
    twice changes nothing (a rule may take `[REDACTED` for a user name)."""
    import re

    labels = [m.span() for m in re.finditer(r"\[REDACTED:[\w.:-]{1,80}\]", text)]
    if not labels:
        return spans
    out: list[Span] = []
    for span in spans:
        start = span.start
        for low, high in labels:
            if high <= start or low >= span.end:
                continue
            if low > start:
                out.append(Span(start, low, span.label))
            start = max(start, high)
        if start < span.end:
            out.append(Span(start, span.end, span.label))
    return out


def _split_lines(text: str, spans: list[Span]) -> list[Span]:
    """Cut spans at line breaks (keeping the CR of a CRLF) so redaction never joins lines."""
    out: list[Span] = []
    for span in spans:
        start, end = span.start, span.end
        while start < end:
            newline = text.find("\n", start, end)
            stop = end if newline < 0 else newline
            piece_end = stop
            while piece_end > start and text[piece_end - 1] == "\r":
                piece_end -= 1
            if piece_end > start:
                out.append(Span(start, piece_end, span.label))
            start = stop + 1 if newline >= 0 else end
    return out


def _to_byte_offsets(text: str, spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    char_pos = byte_pos = 0
    for span in spans:
        start = byte_pos + len(text[char_pos:span.start].encode("utf-8", "surrogateescape"))
        end = start + len(text[span.start:span.end].encode("utf-8", "surrogateescape"))
        out.append(Span(start, end, span.label))
        char_pos, byte_pos = span.end, end
    return out


def apply_edits(data: bytes, edits: Iterable[Span]) -> bytes:
    pieces: list[bytes] = []
    cursor = 0
    for edit in edits:
        if edit.end <= cursor:
            continue
        pieces.append(data[cursor:max(cursor, edit.start)])
        pieces.append(LABEL.format(edit.label).encode())
        cursor = edit.end
    pieces.append(data[cursor:])
    return b"".join(pieces)


# ---------------------------------------------------------------------------------------------
# Streaming: bounded chunks, each scanned with its neighbours' context, results in order.


class _Task(NamedTuple):
    base: int  # absolute offset of data[0] in the stream
    data: bytes  # the bytes scanned: the owned range plus context either side
    lo: int  # the owned range within data: matches starting in [lo, hi) belong to this task
    hi: int


def _tasks(read: Callable[[int], bytes], chunk: int = CHUNK_BYTES,
           context: int = CONTEXT_BYTES) -> Iterator[_Task]:
    """Cut a byte stream into tasks. Owned ranges end at a newline, except inside a line
    longer than `chunk`, which is cut every `chunk` bytes. Holds at most chunk + 2 x context
    (+ one read) bytes."""
    buf = bytearray()
    base = 0  # stream offset of buf[0]
    own = 0  # stream offset where the next owned range starts
    eof = False
    while True:
        while not eof and base + len(buf) < own + chunk + context:
            block = read(chunk)
            if block:
                buf += block
            else:
                eof = True
        end = base + len(buf)
        if own >= end:
            return
        target = own + chunk
        if eof and end <= target:
            cut = end
        else:
            newline = buf.rfind(b"\n", own - base, min(target, end) - base)
            cut = base + newline + 1 if newline >= 0 else min(target, end)
        start = max(base, own - context)
        stop = min(end, cut + context)
        yield _Task(start, bytes(memoryview(buf)[start - base:stop - base]), own - start, cut - start)
        own = cut
        drop = max(0, own - context - base)
        if drop:
            del buf[:drop]
            base += drop


class Stats:
    """What one run read and redacted."""

    def __init__(self) -> None:
        from collections import Counter

        self.bytes = 0
        self.labels: Counter[str] = Counter()

    @property
    def redactions(self) -> int:
        return sum(self.labels.values())


class Output:
    """Where redacted bytes go: a binary stream, or nowhere (--check). Unchanged spans of a
    regular input file are copied by the kernel (sendfile) when the stream has a descriptor."""

    def __init__(self, stream: IO[bytes] | None) -> None:
        self.stream = stream
        self.fd: int | None = None
        if stream is not None:
            try:
                self.fd = stream.fileno()
            except (AttributeError, OSError, ValueError):  # BytesIO, pytest's capture
                self.fd = None
        self._sendfile = self.fd is not None and hasattr(os, "sendfile")

    def write(self, data: Any) -> None:
        if self.stream is not None:
            self.stream.write(data)

    def copy(self, in_fd: int, offset: int, count: int) -> None:
        """Bytes [offset, offset + count) of the file in_fd, unchanged."""
        if self.stream is None or count <= 0:
            return
        if self._sendfile:
            assert self.fd is not None
            self.stream.flush()
            try:
                while count > 0:
                    sent = os.sendfile(self.fd, in_fd, offset, count)
                    if sent == 0:
                        return  # the file shrank under us
                    offset += sent
                    count -= sent
                return
            except OSError as exc:
                import errno

                if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSOCK,
                                     errno.EBADF, errno.EXDEV):
                    raise
                self._sendfile = False  # a terminal, an O_APPEND file: copy by hand from here
        while count > 0:
            block = os.pread(in_fd, min(count, 1 << 20), offset)
            if not block:
                return
            self.stream.write(block)
            offset += len(block)
            count -= len(block)

    def flush(self) -> None:
        if self.stream is not None:
            self.stream.flush()


def _write_task(task: _Task, edits: list[Span], cursor: int, out: Output, stats: Stats) -> int:
    """Write the owned range of task with its edits (stream offsets) applied, from `cursor`
    (an edit of the previous task may reach into this one). Returns the new cursor."""
    data = memoryview(task.data)
    owned_end = task.base + task.hi
    stats.bytes += task.hi - task.lo
    for edit in edits:
        if edit.end <= cursor:
            continue
        start = max(edit.start, cursor)
        if start > cursor:
            out.write(data[cursor - task.base:start - task.base])
        out.write(LABEL.format(edit.label).encode())
        stats.labels[edit.label] += 1
        cursor = edit.end
    if cursor < owned_end:
        out.write(data[cursor - task.base:owned_end - task.base])
        cursor = owned_end
    return cursor


_worker: Redactor | None = None  # set in pool workers (inherited through fork)


def _worker_init(redactor: Redactor) -> None:
    global _worker
    _worker = redactor
    import gc

    gc.disable()  # short-lived workers that make no cycles worth collecting


def _worker_edits(data: bytes, lo: int, hi: int) -> tuple[list[Span], int]:
    assert _worker is not None
    before = _worker.timeouts
    return _worker.edits(data, lo, hi), _worker.timeouts - before


def redact_stream(redactor: Redactor, read: Callable[[int], bytes], out: Output,
                  jobs: int | None = None, chunk: int = CHUNK_BYTES,
                  context: int = CONTEXT_BYTES) -> Stats:
    """Redact a byte stream (a pipe): `read(n)` returns up to n bytes (b"" at the end). Above
    one chunk, with jobs > 1, chunks go to a process pool and come back in order."""
    stats = Stats()
    tasks = _tasks(read, chunk, context)
    first = next(tasks, None)
    if first is None:
        return stats
    second = next(tasks, None)
    jobs = jobs or os.cpu_count() or 1
    cursor = 0
    if second is None or jobs < 2 or not _can_fork():
        for task in _chain(first, second, tasks):
            edits = [e._replace(start=e.start + task.base, end=e.end + task.base)
                     for e in redactor.edits(task.data, task.lo, task.hi)]
            cursor = _write_task(task, edits, cursor, out, stats)
        return stats
    from collections import deque

    pending: deque[tuple[_Task, Any]] = deque()
    with _pool(redactor, jobs) as pool:
        def drain_one() -> None:
            nonlocal cursor
            task, future = pending.popleft()
            relative, timeouts = future.result()
            redactor.timeouts += timeouts
            edits = [e._replace(start=e.start + task.base, end=e.end + task.base) for e in relative]
            cursor = _write_task(task, edits, cursor, out, stats)

        for task in _chain(first, second, tasks):
            pending.append((task, pool.submit(_worker_edits, task.data, task.lo, task.hi)))
            if len(pending) >= 2 * jobs + 2:  # bounded: constant memory
                drain_one()
        while pending:
            drain_one()
    return stats


def _pool(redactor: Redactor, jobs: int) -> Any:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_init, initargs=(redactor,))


def _chain(first: _Task, second: _Task | None, rest: Iterator[_Task]) -> Iterator[_Task]:
    yield first
    if second is not None:
        yield second
        yield from rest


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


# A regular file is cut by the workers themselves: task k owns [cut(k), cut(k + 1)), where
# cut(k) follows the first newline at or after k x chunk - 1, searched up to half a chunk on
# (else k x chunk itself: a huge line). Each worker reads its own range with pread, so no
# chunk crosses a pipe, and the parent copies the unchanged bytes with sendfile.

def _cut(fd: int, k: int, tasks: int, size: int, chunk: int) -> int:
    if k <= 0:
        return 0
    if k >= tasks:
        return size
    nominal = k * chunk
    pos = nominal - 1
    limit = min(size, pos + chunk // 2)
    while pos < limit:
        block = os.pread(fd, min(4096, limit - pos), pos)
        if not block:
            break
        newline = block.find(b"\n")
        if newline >= 0:
            return pos + newline + 1
        pos += len(block)
    return nominal


def _file_task(redactor: Redactor, fd: int, k: int, tasks: int, size: int, chunk: int,
               context: int) -> tuple[int, int, list[Span]]:
    """(owned start, owned end, edits in file offsets) of task k."""
    lo = _cut(fd, k, tasks, size, chunk)
    hi = _cut(fd, k + 1, tasks, size, chunk)
    if hi <= lo:
        return lo, lo, []
    base = max(0, lo - context)
    data = os.pread(fd, min(size, hi + context) - base, base)
    edits = redactor.edits(data, lo - base, min(hi - base, len(data)))
    return lo, hi, [e._replace(start=e.start + base, end=e.end + base) for e in edits]


def _worker_file_task(fd: int, k: int, tasks: int, size: int, chunk: int,
                      context: int) -> tuple[int, int, list[Span], int]:
    assert _worker is not None
    before = _worker.timeouts
    lo, hi, edits = _file_task(_worker, fd, k, tasks, size, chunk, context)
    return lo, hi, edits, _worker.timeouts - before


def _redact_fd(redactor: Redactor, fd: int, size: int, out: Output, jobs: int,
               chunk: int = CHUNK_BYTES, context: int = CONTEXT_BYTES) -> Stats:
    """A regular file of `size` bytes (what is appended later is not read) by a process pool."""
    stats = Stats()
    tasks = -(-size // chunk)
    cursor = 0

    def emit(lo: int, hi: int, edits: list[Span]) -> None:
        nonlocal cursor
        stats.bytes += hi - lo
        for edit in edits:
            if edit.end <= cursor:
                continue
            start = max(edit.start, cursor)
            out.copy(fd, cursor, start - cursor)
            out.write(LABEL.format(edit.label).encode())
            stats.labels[edit.label] += 1
            cursor = edit.end
        if cursor < hi:
            out.copy(fd, cursor, hi - cursor)
            cursor = hi

    from collections import deque

    pending: deque[Any] = deque()
    with _pool(redactor, jobs) as pool:
        for k in range(tasks):
            pending.append(pool.submit(_worker_file_task, fd, k, tasks, size, chunk, context))
            if len(pending) >= 2 * jobs + 2:
                lo, hi, edits, timeouts = pending.popleft().result()
                redactor.timeouts += timeouts
                emit(lo, hi, edits)
        while pending:
            lo, hi, edits, timeouts = pending.popleft().result()
            redactor.timeouts += timeouts
            emit(lo, hi, edits)
    return stats


# ---------------------------------------------------------------------------------------------
# Files and the command line.


def redact_file(redactor: Redactor, path: str, out: Output, jobs: int | None = None) -> Stats:
    """One file: a large regular file by the process pool, anything else streamed."""
    import stat

    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        jobs = jobs or os.cpu_count() or 1
        if stat.S_ISREG(st.st_mode) and st.st_size > CHUNK_BYTES and jobs > 1 and _can_fork():
            return _redact_fd(redactor, fh.fileno(), st.st_size, out, jobs)
        return redact_stream(redactor, fh.read, out, jobs)


def redact_in_place(redactor: Redactor, path: str, backup: bool = True, jobs: int | None = None) -> Stats:
    """Rewrite path with its secrets redacted (a temporary file renamed over it, mode kept).
    With backup, the original stays as PATH.bak. A file with nothing to redact is left alone
    (and gets no backup)."""
    import stat
    import tempfile

    real = os.path.realpath(path)  # a symlink stays a link to the redacted file
    st = os.stat(real)
    if not stat.S_ISREG(st.st_mode):
        raise OSError(f"{path}: not a regular file")
    fd, tmp = tempfile.mkstemp(prefix=".credwall-redact-", dir=os.path.dirname(real) or ".")
    try:
        with os.fdopen(fd, "wb") as out:
            stats = redact_file(redactor, real, Output(out), jobs)
        if not stats.redactions:
            os.unlink(tmp)
            return stats
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if backup:
            bak = path + ".bak"
            if os.path.lexists(bak):
                os.unlink(bak)
            try:
                os.link(real, bak)  # the original inode becomes the backup: instant, exact
            except OSError:
                import shutil

                shutil.copy2(real, bak)
        os.replace(tmp, real)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return stats


def summary(stats: Stats, files: int, check: bool) -> str:
    verb = "would redact" if check else "redacted"
    what = f"{stats.bytes / 1e6:,.1f} MB" + (f" in {files} files" if files > 1 else "")
    if not stats.labels:
        return f"credwall: redact: {what}, nothing to redact"
    detail = ", ".join(f"{label} {count:,}" for label, count in sorted(stats.labels.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"credwall: redact: {what}, {verb} {stats.redactions:,} ({detail})"


def build_parser() -> Any:
    import argparse

    parser = argparse.ArgumentParser(
        prog="credwall redact",
        description="Copy text with every secret replaced by [REDACTED:rule-id]; all other bytes unchanged.")
    parser.add_argument("files", nargs="*", metavar="FILE", help="files to redact (default, or -: stdin)")
    parser.add_argument("-i", "--in-place", action="store_true",
                        help="rewrite each FILE, keeping the original as FILE.bak")
    parser.add_argument("--no-backup", action="store_true", help="with --in-place: keep no FILE.bak")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if anything would be redacted")
    parser.add_argument("--emails", action="store_true", help="also redact e-mail addresses")
    parser.add_argument("--ips", action="store_true", help="also redact IPv4 and IPv6 addresses")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: CPU count)")
    parser.add_argument("--config", metavar="FILE", default=None,
                        help="a .credwall.toml or pyproject.toml (default: the nearest one, walking up)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary line on stderr")
    return parser


def redact_main(argv: Sequence[str] | None = None) -> int:
    """`credwall redact [FILE ...]`: argv is what follows `redact`. Returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    files = args.files or ["-"]
    problems = []
    if args.in_place and "-" in files:
        problems.append("--in-place needs FILE arguments (not stdin)")
    if args.no_backup and not args.in_place:
        problems.append("--no-backup only goes with --in-place")
    if args.in_place and args.check:
        problems.append("--check and --in-place exclude each other")
    if files.count("-") > 1:
        problems.append("stdin (-) can be read only once")
    if args.jobs is not None and args.jobs < 1:
        problems.append("--jobs must be at least 1")
    if problems:
        parser.print_usage(sys.stderr)
        for problem in problems:
            print(f"credwall redact: error: {problem}", file=sys.stderr)
        return EXIT_ERROR
    try:
        from .engine.session import load_config, load_matcher

        redactor = Redactor(load_matcher(load_config(args.config)), emails=args.emails, ips=args.ips)
    except Exception as exc:  # noqa: BLE001 - a bad config or rule pack: say so, exit 2
        print(f"credwall redact: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    total = Stats()
    errors = 0
    out = Output(None if args.check or args.in_place else sys.stdout.buffer)
    try:
        for name in files:
            try:
                if args.in_place:
                    stats = redact_in_place(redactor, name, backup=not args.no_backup, jobs=args.jobs)
                elif name == "-":
                    stats = redact_stream(redactor, _stdin_reader(), out, args.jobs)
                else:
                    stats = redact_file(redactor, name, out, args.jobs)
            except BrokenPipeError:  # the reader has gone: not this file's fault (handled below)
                raise
            except OSError as exc:
                errors += 1
                reason = exc.strerror or str(exc)
                print(f"credwall redact: error: {name}: {reason}", file=sys.stderr)
                continue
            total.bytes += stats.bytes
            total.labels.update(stats.labels)
        out.flush()
    except BrokenPipeError:  # `credwall redact big.log | head`: the reader has gone
        _silence_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        print("credwall redact: interrupted", file=sys.stderr)
        return EXIT_ERROR
    if redactor.timeouts:
        errors += 1
        print(f"credwall redact: error: a rule's regex ran out of time on {redactor.timeouts} line(s); "
              "they were redacted whole as [REDACTED:timeout]", file=sys.stderr)
    if not args.quiet:
        print(summary(total, len(files), args.check), file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if args.check and total.redactions:
        return EXIT_WOULD_REDACT
    return EXIT_OK


def _stdin_reader() -> Callable[[int], bytes]:
    stdin = sys.stdin.buffer
    return getattr(stdin, "read1", stdin.read)  # read1: take what the pipe has, don't wait to fill


def _silence_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


