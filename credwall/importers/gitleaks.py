"""Import custom rules from a gitleaks (v8) or betterleaks TOML configuration.

`import_gitleaks(path)` maps each `[[rules]]` entry to a credwall `Rule` and says, rule by rule,
what could not be carried over (`problems`); nothing here raises for one bad rule. The mapping
follows gitleaks' own code (config/config.go, detect/detect.go), checked against betterleaks:

- **The secret.** gitleaks numbers every capture group, named or not, from the left. With
  `secretGroup = N` (betterleaks: `valueGroup`) the secret is group N; without it, the first
  capture group that matched a non-empty string, else the whole match. The regex is rewritten so
  that group is `(?P<secret>…)` and every other group is non-capturing; where "first non-empty
  group" cannot be written as one group (an optional first group, say) a warning says so.
- **Go RE2 → `regex`.** `\\z`, `\\Q…\\E`, octal and `\\x{…}` escapes, POSIX classes (ASCII, as in
  Go), flag groups in mid-pattern (scoped to the rest of their group, as in Go), and `(?a)` where
  `\\d \\w \\s \\b` must stay ASCII. Lookarounds and backreferences are not RE2: a rule using them
  is refused, as gitleaks would refuse it.
- **Entropy.** gitleaks drops a secret whose entropy is `<=` the rule's; credwall drops it when
  `<`, so the floor is stored as the next float above.
- **Allowlists.** Regexes (against the secret, the match or the line) and stopwords become the
  rule's `allowlists`, checked in the matcher. Anything with paths needs the file path, which the
  matcher never sees: those come back as `PathAllowlist` entries for the scan layer
  (`file_skipped`, `filter_matches`), as do rule `path` restrictions. Global content allowlists
  are folded into every imported rule; global path allowlists apply to every rule.
- **Differences that stay.** credwall's shared filters (placeholders, references) also run; a
  rule's regex runs only on the lines around a keyword hit (widened by `lines` when the regex can
  span lines), where gitleaks runs it on the whole file once a keyword occurs anywhere in it.

`dump_pack` writes the result as an editable YAML pack (`imported: true`: examples optional).
"""

from __future__ import annotations

import math
import os
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, NamedTuple, Sequence

from ..engine.rules import CONFIDENCES, SECRET_GROUP, Allowlist, Rule, RuleError

if TYPE_CHECKING:
    from ..engine.matcher import Match

NO_KEYWORDS_REASON = "imported from gitleaks without keywords"
DEFAULT_CONFIDENCE = "medium"
DEFAULT_FAMILY = "imported"
MAX_LINES = 100  # `lines` for a regex whose match can span any number of lines


class Problem(NamedTuple):
    """Something in the TOML that was not imported as written. `error`: the rule (or the
    allowlist) named was left out; `warning`: imported, but it behaves differently."""

    rule_id: str | None  # None: the file or its global allowlist
    message: str
    severity: str = "warning"  # "error" | "warning"

    def __str__(self) -> str:
        where = f"rule {self.rule_id}: " if self.rule_id else ""
        return f"{self.severity}: {where}{self.message}"


class PathAllowlist(NamedTuple):
    """A path condition for the scan layer (the matcher never sees paths).

    `only=False` (gitleaks' allowlist `paths`): a finding of `rule_ids` (empty: every rule) in a
    file whose path matches one of `paths` is dropped; with `content` (condition AND), only when
    that content allowlist also allows it. `only=True` (gitleaks' rule `path`): the rule's
    findings are kept only in files whose path matches.
    Paths are `regex`-module patterns searched in the path relative to the scan root, with `/`.
    """

    rule_ids: tuple[str, ...]
    paths: tuple[str, ...]
    content: Allowlist | None = None
    only: bool = False


class ImportResult(NamedTuple):
    rules: list[Rule]
    path_allowlists: list[PathAllowlist]
    problems: list[Problem]
    # The global content allowlists, already in every rule's `allowlists`; `dump_pack` writes
    # them once, as the pack-level `allowlist`.
    shared_allowlists: tuple[Allowlist, ...] = ()


# --- Go RE2 syntax → Python `regex` ------------------------------------------------------------

class GoRegexError(ValueError):
    """Not a valid RE2 pattern, or one credwall cannot run the same way."""


class _Node:
    __slots__ = ()


class _Char(_Node):
    """One character: a literal, a class, `.` or a class escape."""

    __slots__ = ("text", "newline", "choices")

    def __init__(self, text: str, newline: bool, choices: Iterable[str] | None = None) -> None:
        self.text = text
        self.newline = newline  # can it match "\n"?
        # The lower-cased characters it matches, for literals and small classes like [_-].
        self.choices = frozenset(choices) if choices is not None else None


class _Empty(_Node):
    """A zero-width assertion: ^ $ \\A \\z \\b \\B."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _Seq(_Node):
    __slots__ = ("items",)

    def __init__(self, items: list[_Node]) -> None:
        self.items = items


class _Alt(_Node):
    __slots__ = ("branches",)

    def __init__(self, branches: list[_Node]) -> None:
        self.branches = branches


class _Group(_Node):
    __slots__ = ("body", "index", "flags")

    def __init__(self, body: _Node, index: int, flags: str = "") -> None:
        self.body = body
        self.index = index  # capture group number (Go numbering), 0 when non-capturing
        self.flags = flags  # scoped flags of a non-capturing group, e.g. "i" or "i-s"


class _Repeat(_Node):
    __slots__ = ("child", "lo", "hi", "lazy")

    def __init__(self, child: _Node, lo: int, hi: int | None, lazy: bool) -> None:
        self.child = child
        self.lo = lo
        self.hi = hi  # None: unbounded
        self.lazy = lazy


_REPEAT = re.compile(r"\{(\d+)(?:(,)(\d*))?\}")
_POSIX = {  # Go's POSIX classes are ASCII-only
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f", "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~",
    "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z", "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_CONTROL_ESCAPES = {"a": "\a", "f": "\f", "t": "\t", "n": "\n", "r": "\r", "v": "\v"}
_OUTSIDE_META = set("\\.^$*+?{}[]|()#")
_CLASS_META = set("\\[]^-&~|")  # & ~ | : `regex` set operations (V1) must stay literal


def _char_text(ch: str, in_class: bool) -> str:
    """A literal character as `regex` reads it in the same position."""
    if ch.isascii():
        if ch.isalnum() or ch == "_" or (ch == " "):
            return ch
        if ch.isprintable():
            return "\\" + ch if ch in (_CLASS_META if in_class else _OUTSIDE_META) else ch
        return {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\f": "\\f", "\v": "\\v"}.get(ch, f"\\x{ord(ch):02x}")
    if ch.isprintable():
        return ch
    return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"


@lru_cache(maxsize=512)
def _matches_newline(pattern: str) -> bool:
    import regex

    return regex.fullmatch(pattern, "\n") is not None


class _Parser:
    """Recursive descent over Go's regexp/syntax (Perl flags), building a small tree."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.pos = 0
        self.groups = 0
        self.ascii = False  # uses \d \w \s \b: Go's are ASCII-only
        self.global_flags: set[str] = set()

    def fail(self, message: str) -> GoRegexError:
        return GoRegexError(f"{message} at offset {self.pos}")

    def parse(self) -> _Node:
        node = self._alt(frozenset(), top=True)
        if self.pos < len(self.src):
            raise self.fail("unexpected )")
        return node

    def _alt(self, flags: frozenset[str], top: bool = False) -> _Alt:
        branches: list[_Node] = []
        items: list[_Node] = []
        while self.pos < len(self.src):
            c = self.src[self.pos]
            if c == ")":
                break
            if c == "|":
                self.pos += 1
                branches.append(_Seq(items))
                items = []
                continue
            flag_set = self._flag_set()
            if flag_set is not None:
                on, off = flag_set
                if top and not branches and not items:
                    # At the very start: flags for the whole pattern, as in Python.
                    self.global_flags |= on
                    self.global_flags -= off
                    flags = (flags | on) - off
                    continue
                # Mid-pattern, Go applies them to the rest of the enclosing group, across `|`:
                # wrap the rest of this branch and every later branch in a scoped group.
                rest = self._alt((flags | on) - off)
                text = "".join(sorted(on)) + ("-" + "".join(sorted(off)) if off else "")
                items.append(_Group(rest.branches[0], 0, text))
                branches.append(_Seq(items))
                branches.extend(_Group(b, 0, text) for b in rest.branches[1:])
                return _Alt(branches)
            items.append(self._quantified(flags))
        branches.append(_Seq(items))
        return _Alt(branches)

    def _flag_set(self) -> tuple[frozenset[str], frozenset[str]] | None:
        """`(?flags)` at pos: consume it and return (on, off); else None, consuming nothing."""
        m = re.compile(r"\(\?([A-Za-z]*)(?:-([A-Za-z]*))?\)").match(self.src, self.pos)
        if m is None:
            return None
        on, off = frozenset(m.group(1)), frozenset(m.group(2) or "")
        self._check_flags(on | off, m.group(0))
        if not on and not off:
            raise self.fail("missing flags in (?)")
        self.pos = m.end()
        return on, off

    def _check_flags(self, flags: frozenset[str], text: str) -> None:
        if "U" in flags:
            raise self.fail(f"the ungreedy flag in {text} is not supported")
        bad = flags - {"i", "m", "s"}
        if bad:
            raise self.fail(f"invalid flag(s) {''.join(sorted(bad))} in {text}")

    def _quantified(self, flags: frozenset[str]) -> _Node:
        node = self._atom(flags)
        quantified = False
        while self.pos < len(self.src):
            c = self.src[self.pos]
            if c in "*+?":
                lo, hi = {"*": (0, None), "+": (1, None), "?": (0, 1)}[c]
                end = self.pos + 1
            elif c == "{" and (m := _REPEAT.match(self.src, self.pos)):
                lo = int(m.group(1))
                hi = lo if not m.group(2) else (int(m.group(3)) if m.group(3) else None)
                if lo > 1000 or (hi is not None and (hi > 1000 or hi < lo)):
                    raise self.fail(f"invalid repeat count {m.group(0)}")
                end = m.end()
            else:
                break
            if quantified:
                raise self.fail("invalid nested repetition operator")
            lazy = self.src.startswith("?", end)
            self.pos = end + lazy
            node = _Repeat(node, lo, hi, lazy)
            quantified = True
        return node

    def _atom(self, flags: frozenset[str]) -> _Node:
        src, c = self.src, self.src[self.pos]
        if c == "(":
            return self._group(flags)
        if c == "[":
            return self._class()
        if c == "\\":
            return self._escape()
        self.pos += 1
        if c == ".":
            return _Char(".", "s" in flags)
        if c in "^$":
            return _Empty(c)
        if c in "*+?" or (c == "{" and _REPEAT.match(src, self.pos - 1)):
            self.pos -= 1
            raise self.fail(f"missing argument to repetition operator {c}")
        return _Char(_char_text(c, False), c == "\n", {c.lower()})

    def _group(self, flags: frozenset[str]) -> _Group:
        src, start = self.src, self.pos
        index, text = 0, ""
        new_flags = flags
        if src.startswith("(?P<", start) or (src.startswith("(?<", start) and src[start + 3:start + 4] not in ("=", "!")):
            close = src.find(">", start)
            name = src[start + (4 if src[start + 2] == "P" else 3):close] if close > 0 else ""
            if not re.fullmatch(r"[A-Za-z0-9_]+", name):
                raise self.fail("invalid named capture")
            self.groups += 1
            index = self.groups
            self.pos = close + 1
        elif src.startswith("(?", start):
            m = re.compile(r"\(\?([A-Za-z]*)(?:-([A-Za-z]*))?:").match(src, start)
            if m is None:
                kind = {"=": "lookahead", "!": "lookahead", "<": "lookbehind", ">": "atomic group",
                        "#": "comment", "|": "branch reset"}.get(src[start + 2:start + 3], "group syntax")
                raise self.fail(f"{kind} is not RE2 syntax")
            on, off = frozenset(m.group(1)), frozenset(m.group(2) or "")
            self._check_flags(on | off, m.group(0))
            text = "".join(sorted(on)) + ("-" + "".join(sorted(off)) if off else "")
            new_flags = (flags | on) - off
            self.pos = m.end()
        else:
            self.groups += 1
            index = self.groups
            self.pos += 1
        body = self._alt(new_flags)
        if not src.startswith(")", self.pos):
            raise self.fail("missing closing )")
        self.pos += 1
        return _Group(body, index, text)

    def _escape_char(self) -> str | None:
        """A character escape at pos (after the backslash): the character, or None."""
        src, p = self.src, self.pos
        c = src[p]
        if c in _CONTROL_ESCAPES:
            self.pos += 1
            return _CONTROL_ESCAPES[c]
        if c in "01234567":
            m = re.compile(r"[0-7]{1,3}").match(src, p)
            assert m is not None
            if c != "0" and len(m.group(0)) == 1:
                raise self.fail(f"backreference \\{c} is not RE2 syntax")
            self.pos = m.end()
            return chr(int(m.group(0), 8))
        if c == "x":
            m = re.compile(r"x(?:([0-9A-Fa-f]{2})|\{([0-9A-Fa-f]{1,8})\})").match(src, p)
            if m is None or int(m.group(1) or m.group(2), 16) > 0x10FFFF:
                raise self.fail("invalid \\x escape")
            self.pos = m.end()
            return chr(int(m.group(1) or m.group(2), 16))
        if c.isascii() and not c.isalnum():
            self.pos += 1
            return c
        return None

    def _unicode_class(self) -> str | None:
        """`\\pL`, `\\p{Greek}`, `\\P{^L}` at pos (after the backslash), as `regex` writes them."""
        m = re.compile(r"([pP])(?:\{(\^?)([A-Za-z_]+)\}|([A-Za-z]))").match(self.src, self.pos)
        if m is None:
            return None
        self.pos = m.end()
        name = m.group(3) or m.group(4)
        negate = (m.group(1) == "P") != bool(m.group(2))
        return ("\\P" if negate else "\\p") + "{" + name + "}"

    def _escape(self) -> _Node:
        src = self.src
        self.pos += 1
        if self.pos >= len(src):
            raise self.fail("trailing backslash")
        c = src[self.pos]
        if c in "dDsSwW":
            self.pos += 1
            self.ascii = True
            return _Char("\\" + c, c in "sDW")
        if c in "bB":
            self.pos += 1
            self.ascii = True
            return _Empty("\\" + c)
        if c in "Az":
            self.pos += 1
            return _Empty("\\A" if c == "A" else "\\Z")
        if c in "pP":
            text = self._unicode_class()
            if text is None:
                raise self.fail("invalid Unicode class")
            return _Char(text, _matches_newline(text))
        if c == "Q":
            end = src.find("\\E", self.pos + 1)
            literal = src[self.pos + 1:] if end < 0 else src[self.pos + 1:end]
            self.pos = len(src) if end < 0 else end + 2
            return _Seq([_Char(_char_text(ch, False), ch == "\n", {ch.lower()}) for ch in literal])
        if c == "C":
            raise self.fail("\\C (any byte) is not supported")
        ch = self._escape_char()
        if ch is None:
            raise self.fail(f"invalid escape \\{c}")
        return _Char(_char_text(ch, False), ch == "\n", {ch.lower()})

    def _class(self) -> _Char:
        src = self.src
        self.pos += 1
        negate = src.startswith("^", self.pos)
        self.pos += negate
        items: list[str] = []
        posix_negated: list[str] = []
        chars: set[str] | None = set()  # the characters, while the class is small and plain
        first = True
        while True:
            if self.pos >= len(src):
                raise self.fail("missing closing ]")
            c = src[self.pos]
            if c == "]" and not first:
                self.pos += 1
                break
            first = False
            if src.startswith("[:", self.pos):
                m = re.compile(r"\[:(\^?)([a-z]+):\]").match(src, self.pos)
                if m is not None:
                    if m.group(2) not in _POSIX:
                        raise self.fail(f"invalid character class [:{m.group(2)}:]")
                    self.pos = m.end()
                    chars = None
                    if m.group(1):
                        posix_negated.append(m.group(2))
                    else:
                        items.append(_POSIX[m.group(2)])
                    continue
            if c == "\\" and self.pos + 1 < len(src):
                nxt = src[self.pos + 1]
                if nxt in "dDsSwW":
                    self.pos += 2
                    self.ascii = True
                    items.append("\\" + nxt)
                    chars = None
                    continue
                if nxt in "pP":
                    self.pos += 1
                    text = self._unicode_class()
                    if text is None:
                        raise self.fail("invalid Unicode class")
                    items.append(text)
                    chars = None
                    continue
            lo = self._class_char()
            if src.startswith("-", self.pos) and not src.startswith("-]", self.pos) and self.pos + 1 < len(src):
                self.pos += 1
                hi = self._class_char()
                if hi < lo:
                    raise self.fail("invalid character class range")
                items.append(_char_text(lo, True) + "-" + _char_text(hi, True))
                if chars is not None and ord(hi) - ord(lo) < 8:
                    chars.update(chr(c).lower() for c in range(ord(lo), ord(hi) + 1))
                else:
                    chars = None
            else:
                items.append(_char_text(lo, True))
                if chars is not None:
                    chars.add(lo.lower())
        if posix_negated and not items and len(posix_negated) == 1:
            # [[:^alpha:]] is [^A-Za-z]; a negated class alone flips the outer negation.
            items, negate = [_POSIX[posix_negated[0]]], not negate
        else:
            items.extend(f"[:^{name}:]" for name in posix_negated)
        text = "[" + ("^" if negate else "") + "".join(items) + "]"
        small = chars if chars is not None and not negate and len(chars) <= 8 else None
        return _Char(text, _matches_newline(text), small)

    def _class_char(self) -> str:
        src = self.src
        c = src[self.pos]
        if c != "\\":
            self.pos += 1
            return c
        self.pos += 1
        if self.pos >= len(src):
            raise self.fail("trailing backslash")
        ch = self._escape_char()
        if ch is None:
            raise self.fail(f"invalid escape \\{src[self.pos]} in a character class")
        return ch


def _emit(node: _Node, secret: frozenset[int]) -> str:
    if isinstance(node, (_Char, _Empty)):
        return node.text
    if isinstance(node, _Seq):
        return "".join(_emit(item, secret) for item in node.items)
    if isinstance(node, _Alt):
        return "|".join(_emit(b, secret) for b in node.branches)
    if isinstance(node, _Group):
        body = _emit(node.body, secret)
        if node.index and node.index in secret:
            return f"(?P<{SECRET_GROUP}>{body})"
        return f"(?{node.flags}:{body})"
    assert isinstance(node, _Repeat)
    q = {(0, None): "*", (1, None): "+", (0, 1): "?"}.get((node.lo, node.hi))
    if q is None:
        q = f"{{{node.lo}}}" if node.hi == node.lo else f"{{{node.lo},{'' if node.hi is None else node.hi}}}"
    return _emit(node.child, secret) + q + ("?" if node.lazy else "")


def _min_len(node: _Node) -> int:
    if isinstance(node, _Char):
        return 1
    if isinstance(node, _Empty):
        return 0
    if isinstance(node, _Seq):
        return sum(_min_len(i) for i in node.items)
    if isinstance(node, _Alt):
        return min(_min_len(b) for b in node.branches)
    if isinstance(node, _Group):
        return _min_len(node.body)
    assert isinstance(node, _Repeat)
    return node.lo * _min_len(node.child)


def _max_newlines(node: _Node) -> float:
    """How many newlines a match can hold (inf: unbounded)."""
    if isinstance(node, _Char):
        return 1 if node.newline else 0
    if isinstance(node, _Empty):
        return 0
    if isinstance(node, _Seq):
        return sum(_max_newlines(i) for i in node.items)
    if isinstance(node, _Alt):
        return max(_max_newlines(b) for b in node.branches)
    if isinstance(node, _Group):
        return _max_newlines(node.body)
    assert isinstance(node, _Repeat)
    inner = _max_newlines(node.child)
    if not inner:
        return 0
    return math.inf if node.hi is None else inner * node.hi


def _children(node: _Node) -> list[_Node]:
    if isinstance(node, _Seq):
        return node.items
    if isinstance(node, _Alt):
        return node.branches
    if isinstance(node, _Group):
        return [node.body]
    if isinstance(node, _Repeat):
        return [node.child]
    return []


def _paths(node: _Node, path: tuple[_Node, ...] = ()) -> Iterable[tuple[_Group, tuple[_Node, ...]]]:
    """Every capture group with the chain of nodes above it."""
    if isinstance(node, _Group) and node.index:
        yield node, path
    for child in _children(node):
        yield from _paths(child, path + (node,))


def _covers(node: _Node, chosen: frozenset[int]) -> bool:
    """Does every match of node have one of the chosen groups matching a non-empty string?"""
    if isinstance(node, _Group):
        if node.index in chosen:
            return _min_len(node.body) > 0
        return _covers(node.body, chosen)
    if isinstance(node, _Seq):
        return any(_covers(i, chosen) for i in node.items)
    if isinstance(node, _Alt):
        return all(_covers(b, chosen) for b in node.branches)
    if isinstance(node, _Repeat):
        return node.lo >= 1 and _covers(node.child, chosen)
    return False


def _exclusive(paths: list[tuple[_Group, tuple[_Node, ...]]]) -> bool:
    """At most one of these groups can take part in a match: every pair parts in an
    alternation, and none sits under a repetition (which could run both branches)."""
    for group, path in paths:
        if any(isinstance(n, _Repeat) and n.hi != 1 for n in path):
            return False
    for i, (g1, p1) in enumerate(paths):
        for g2, p2 in paths[i + 1:]:
            full1, full2 = p1 + (g1,), p2 + (g2,)
            k = 0
            while k < min(len(full1), len(full2)) and full1[k] is full2[k]:
                k += 1
            if not isinstance(full1[k - 1], _Alt):
                return False
    return True


def _variants(node: _Node, cap: int = 64) -> set[str] | None:
    """The lower-cased literal strings node can match, when few and all literal."""
    if isinstance(node, _Char):
        return set(node.choices) if node.choices is not None else None
    if isinstance(node, _Empty):
        return {""}
    if isinstance(node, _Group):
        return _variants(node.body, cap)
    if isinstance(node, _Alt):
        out: set[str] = set()
        for b in node.branches:
            v = _variants(b, cap)
            if v is None:
                return None
            out |= v
        return out if len(out) <= cap else None
    if isinstance(node, _Seq):
        acc = {""}
        for item in node.items:
            v = _variants(item, cap)
            if v is None or len(acc) * len(v) > cap:
                return None
            acc = {a + b for a in acc for b in v}
        return acc
    assert isinstance(node, _Repeat)
    if node.hi is None or node.hi > 3:
        return None
    return _variants(_Alt([_Seq([node.child] * n) for n in range(node.lo, node.hi + 1)]), cap)


def _literal_runs(node: _Node) -> Iterable[str]:
    """Lower-cased literal strings found in the pattern: runs of literal items in sequences
    (alternatives of literals expanded), to tell whether a rule's keywords occur in it."""
    if isinstance(node, _Seq):
        run: set[str] | None = None
        for item in node.items:
            v = _variants(item)
            if v is None:
                yield from run or ()
                run = None
            elif run is None:
                run = v
            elif len(run) * len(v) <= 64:
                run = {a + b for a in run for b in v}
            else:
                yield from run
                run = v
        yield from run or ()
    for child in _children(node):
        yield from _literal_runs(child)


class Translation(NamedTuple):
    regex: str
    lines: int  # how many lines a match may span, for the rule's `lines`
    literals: tuple[str, ...]  # lower-cased literal runs (to check that keywords occur)
    warning: str | None


def translate_go_regex(pattern: str, secret_group: int | None = 0) -> Translation:
    """A Go RE2 pattern in `regex` syntax. secret_group None: plain (allowlist, path), every
    group non-capturing; 0: gitleaks' default secret; N: capture group N is the secret."""
    parser = _Parser(pattern)
    root = parser.parse()
    groups = list(_paths(root))
    warning = None
    wrap_whole = False
    secret: frozenset[int] = frozenset()
    if secret_group is not None:
        if secret_group > len(groups):
            raise GoRegexError(f"secretGroup {secret_group}, but the regex has {len(groups)} capture group(s)")
        if secret_group:
            secret = frozenset({secret_group})
        elif not groups:
            wrap_whole = True
        elif _covers(root, frozenset({1})):
            secret = frozenset({1})
        else:
            outer = [(g, p) for g, p in groups if not any(isinstance(n, _Group) and n.index for n in p)]
            chosen = frozenset(g.index for g, _ in outer)
            if len(outer) > 1 and _exclusive(outer):
                secret = chosen  # alternatives: one `secret` name in each branch
                if not _covers(root, chosen):
                    warning = ("when none of its capture groups matches, gitleaks reports the whole "
                               "match; credwall reports nothing")
            else:
                secret = frozenset({1})
                warning = ("capture group 1 can be empty or absent: gitleaks then takes the next "
                           "non-empty group (or the whole match); credwall uses group 1 only — "
                           "set secretGroup to say which group holds the secret")
    body = _emit(root, secret)
    if wrap_whole:
        body = f"(?P<{SECRET_GROUP}>{body})"
    flags = "".join(sorted(parser.global_flags)) + ("a" if parser.ascii else "")
    text = (f"(?{flags})" if flags else "") + body
    import regex

    try:
        regex.compile(text)
    except regex.error as exc:
        raise GoRegexError(f"cannot be run by credwall ({exc})") from None
    newlines = _max_newlines(root)
    lines = MAX_LINES if newlines == math.inf else min(MAX_LINES, 1 + int(newlines))
    return Translation(text, lines, tuple(sorted(set(_literal_runs(root)))), warning)


# --- the TOML ----------------------------------------------------------------------------------

_RULE_KEYS = frozenset({
    "id", "description", "regex", "secretgroup", "valuegroup", "entropy", "keywords", "tags", "path",
    "allowlist", "allowlists", "required", "components", "skipreport", "confidence", "filter",
})
# betterleaks keys for live checks: credwall never talks to the network.
_NETWORK_KEYS = frozenset({"validate", "analyze", "revoke", "oautherror", "specificity"})
_TOP_KEYS = frozenset({"title", "description", "minversion", "extend", "rules", "allowlist",
                       "allowlists", "prefilter", "filter"})
_ALLOWLIST_KEYS = frozenset({"description", "condition", "commits", "paths", "regextarget", "regexes",
                             "stopwords", "targetrules"})


def _lower_keys(value: Any) -> Any:
    """gitleaks reads its TOML through viper, whose keys are case-insensitive."""
    if isinstance(value, dict):
        return {str(k).lower(): _lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_keys(v) for v in value]
    return value


def _strings(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


class _ParsedAllowlist(NamedTuple):
    content: Allowlist | None
    paths: tuple[str, ...]
    require_all: bool
    target_rules: tuple[str, ...]


class _Importer:
    def __init__(self, *, source: str, family: str, prefix: str, reserved_ids: Iterable[str]) -> None:
        self.source = source
        self.family = family
        self.prefix = prefix
        self.reserved = frozenset(reserved_ids)
        self.problems: list[Problem] = []
        self.path_allowlists: list[PathAllowlist] = []
        self.shared: list[Allowlist] = []

    def warn(self, rule_id: str | None, message: str) -> None:
        self.problems.append(Problem(rule_id, message, "warning"))

    def error(self, rule_id: str | None, message: str) -> None:
        self.problems.append(Problem(rule_id, message, "error"))

    # --- allowlists --------------------------------------------------------------------------

    def allowlist(self, raw: Any, rule_id: str | None, label: str) -> _ParsedAllowlist | None:
        """One gitleaks allowlist; None (and a problem) when it cannot be used."""
        if not isinstance(raw, dict):
            self.error(rule_id, f"{label} is not a table")
            return None
        for key in sorted(set(raw) - _ALLOWLIST_KEYS):
            self.warn(rule_id, f"{label}: unknown key {key!r} ignored")
        condition = str(raw.get("condition") or "").upper()
        if condition not in ("", "OR", "||", "AND", "&&"):
            self.error(rule_id, f"{label} not imported: unknown condition {raw.get('condition')!r} (expected AND or OR)")
            return None
        require_all = condition in ("AND", "&&")
        target = raw.get("regextarget") or "secret"
        if target not in ("secret", "match", "line"):
            self.error(rule_id, f"{label} not imported: unknown regexTarget {target!r} (expected secret, match or line)")
            return None
        lists = {k: _strings(raw.get(k)) for k in ("regexes", "paths", "stopwords", "commits", "targetrules")}
        for key, value in lists.items():
            if value is None:
                self.error(rule_id, f"{label} not imported: `{key}` must be a list of strings")
                return None
        regexes: list[str] = []
        paths: list[str] = []
        for key, out in (("regexes", regexes), ("paths", paths)):
            for pattern in lists[key] or ():
                try:
                    out.append(translate_go_regex(pattern, None).regex)
                except GoRegexError as exc:
                    self.error(rule_id, f"{label} not imported: bad {key[:-2]} regex {pattern!r}: {exc}")
                    return None
        stopwords = tuple(dict.fromkeys(w.lower() for w in lists["stopwords"] or () if w))
        commits = lists["commits"] or []
        if commits:
            if require_all:
                self.warn(rule_id, f"{label} not imported: it needs commits, and credwall does not match commits")
                return None
            self.warn(rule_id, f"{label}: commits ignored (credwall does not match commits)")
        if not (regexes or paths or stopwords):
            if not commits:
                self.error(rule_id, f"{label} not imported: it has no regexes, paths or stopwords")
            return None
        content = Allowlist(target, tuple(regexes), stopwords, require_all) if regexes or stopwords else None
        return _ParsedAllowlist(content, tuple(paths), require_all, tuple(lists["targetrules"] or ()))

    def place(self, parsed: _ParsedAllowlist, rule_ids: tuple[str, ...]) -> Allowlist | None:
        """Path parts go to the scan layer; returns the part the rule itself checks (if any)."""
        if parsed.paths:
            if parsed.require_all:
                self.path_allowlists.append(PathAllowlist(rule_ids, parsed.paths, parsed.content))
                return None
            self.path_allowlists.append(PathAllowlist(rule_ids, parsed.paths))
        return parsed.content

    def allowlist_entries(self, raw: Any, rule_id: str | None, label: str) -> list[Any]:
        if raw is None:
            return []
        if isinstance(raw, dict):
            return [raw]
        if isinstance(raw, list):
            return raw
        self.error(rule_id, f"`{label}` is neither a table nor a list of tables")
        return []

    # --- betterleaks filter expressions ------------------------------------------------------

    def filter_expression(self, expr: Any, rule_id: str | None, label: str) -> tuple[float | None, list[Allowlist], list[str]]:
        """The parts of a betterleaks filter (an Expr program that drops a finding when true)
        that credwall can check: `entropy(finding["secret"]) < N` (or <=), `matchesAny(...)` and
        `containsAny(...)` on the secret, match, line or path, joined by `||`. Other terms are
        left out with a warning: the rule then reports more than betterleaks, never less."""
        if not isinstance(expr, str):
            self.error(rule_id, f"{label} must be a string")
            return None, [], []
        terms = _split_or(expr)
        if terms is None:
            self.warn(rule_id, f"{label} not imported (only terms joined by || are understood): "
                               "credwall reports what it would drop")
            return None, [], []
        entropy: float | None = None
        allowlists: list[Allowlist] = []
        paths: list[str] = []
        skipped = []
        for term in terms:
            m = re.fullmatch(r'entropy\(finding\["secret"\]\)\s*(<=?)\s*([0-9]*\.?[0-9]+)', term)
            if m:
                floor = float(m.group(2))
                floor = math.nextafter(floor, math.inf) if m.group(1) == "<=" else floor
                entropy = floor if entropy is None else max(entropy, floor)
                continue
            m = re.fullmatch(r'(matchesAny|containsAny)\((finding|attributes)\["(\w+)"\]\s*,\s*\[(.*)\]\s*\)', term, re.S)
            items = _string_list(m.group(4)) if m else None
            field = f"{m.group(2)}.{m.group(3)}" if m else ""
            if m is None or items is None or field not in ("finding.secret", "finding.match", "finding.line", "attributes.path"):
                skipped.append(term if len(term) < 60 else term[:57] + "...")
                continue
            try:
                if m.group(1) == "containsAny":
                    patterns = [re.escape(s) for s in items]
                else:
                    patterns = [translate_go_regex(s, None).regex for s in items]
            except GoRegexError as exc:
                self.error(rule_id, f"{label}: term not imported, bad regex: {exc}")
                continue
            if field == "attributes.path":
                paths.extend(patterns)
            else:
                allowlists.append(Allowlist(m.group(3), tuple(patterns)))
        for term in skipped:
            self.warn(rule_id, f"{label}: term {term!r} not imported (credwall reports what it would drop)")
        return entropy, allowlists, paths

    # --- rules -------------------------------------------------------------------------------

    def rule(self, raw: Any, n: int, extra: list[_ParsedAllowlist], global_content: list[Allowlist],
             seen: set[str]) -> Rule | None:
        if not isinstance(raw, dict):
            self.error(None, f"rules entry {n} is not a table")
            return None
        raw_id = raw.get("id")
        if not isinstance(raw_id, str) or not raw_id.strip():
            self.error(None, f"rules entry {n} has no id")
            return None
        rule_id = self.prefix + raw_id.strip()
        if rule_id in seen:
            self.error(rule_id, "defined twice; the second definition is not imported")
            return None
        if rule_id in self.reserved:
            self.error(rule_id, "a credwall rule has this id; rename it (or import with a prefix)")
            return None
        for key in sorted(set(raw) - _RULE_KEYS - _NETWORK_KEYS):
            self.warn(rule_id, f"unknown key {key!r} ignored")
        if raw.get("skipreport"):
            self.warn(rule_id, "skipReport rule (only part of composite rules) not imported")
            return None
        pattern = raw.get("regex")
        if not isinstance(pattern, str) or not pattern:
            if raw.get("path"):
                self.error(rule_id, "path-only rules are not supported (credwall matches content; "
                                    "the credwall-env-files hook checks secret files by name)")
            else:
                self.error(rule_id, "no regex")
            return None
        group = raw.get("secretgroup", raw.get("valuegroup", 0))
        if not isinstance(group, int) or isinstance(group, bool) or group < 0:
            self.error(rule_id, f"secretGroup must be a non-negative integer, not {group!r}")
            return None
        try:
            translation = translate_go_regex(pattern, group)
        except GoRegexError as exc:
            self.error(rule_id, str(exc) if str(exc).startswith("secretGroup") else f"bad regex: {exc}")
            return None
        if translation.warning:
            self.warn(rule_id, translation.warning)

        entropy = raw.get("entropy")
        if entropy is not None and (not isinstance(entropy, (int, float)) or isinstance(entropy, bool)):
            self.error(rule_id, f"entropy must be a number, not {entropy!r}")
            return None
        # gitleaks drops a secret whose entropy is <= the rule's; credwall drops it when <.
        floor = math.nextafter(float(entropy), math.inf) if entropy else None

        keywords_raw = _strings(raw.get("keywords"))
        if keywords_raw is None:
            self.error(rule_id, "keywords must be a list of strings")
            return None
        keywords = tuple(dict.fromkeys(k.lower() for k in keywords_raw))
        unusable = [k for k in keywords if not k.strip() or not k.isascii()]
        if unusable:
            self.warn(rule_id, f"keyword(s) {unusable!r} are not usable (empty or not ASCII): "
                               "the rule runs on every line instead")
            keywords = ()
        elif keywords and not any(k in run for k in keywords for run in translation.literals):
            self.warn(rule_id, "none of its keywords occurs in its regex: credwall runs the regex only "
                               "on lines holding a keyword (gitleaks: anywhere in the file once one occurs)")
        tags = _strings(raw.get("tags"))
        if tags is None:
            self.warn(rule_id, "tags must be a list of strings; ignored")
            tags = []
        confidence = raw.get("confidence") or DEFAULT_CONFIDENCE
        if confidence not in CONFIDENCES:
            self.warn(rule_id, f"confidence {confidence!r} is not one of {', '.join(CONFIDENCES)}; "
                               f"{DEFAULT_CONFIDENCE} used")
            confidence = DEFAULT_CONFIDENCE
        required = raw.get("required") or raw.get("components")
        if required:
            names = [r.get("id") for r in required if isinstance(r, dict)] if isinstance(required, list) else []
            self.warn(rule_id, f"composite rule: its required rules {names} are not checked, so credwall "
                               "reports its matches alone")
        path = raw.get("path")
        if path:
            try:
                path_regex = translate_go_regex(str(path), None).regex
            except GoRegexError as exc:
                self.error(rule_id, f"bad path regex: {exc}")
                return None
            self.path_allowlists.append(PathAllowlist((rule_id,), (path_regex,), only=True))

        allowlists: list[Allowlist] = []
        if raw.get("allowlist") is not None and raw.get("allowlists") is not None:
            self.warn(rule_id, "both [rules.allowlist] and [[rules.allowlists]]: gitleaks refuses this; both imported")
        entries = self.allowlist_entries(raw.get("allowlist"), rule_id, "allowlist") + \
            self.allowlist_entries(raw.get("allowlists"), rule_id, "allowlists")
        parsed = [self.allowlist(e, rule_id, f"allowlist {i}") for i, e in enumerate(entries, 1)]
        for p in [p for p in parsed if p is not None] + extra:
            content = self.place(p, (rule_id,))
            if content is not None:
                allowlists.append(content)
        if "filter" in raw:
            filter_entropy, filter_allowlists, filter_paths = self.filter_expression(raw["filter"], rule_id, "filter")
            if filter_entropy is not None:
                floor = filter_entropy if floor is None else max(floor, filter_entropy)
            allowlists.extend(filter_allowlists)
            if filter_paths:
                self.path_allowlists.append(PathAllowlist((rule_id,), tuple(filter_paths)))
        allowlists.extend(global_content)

        description = raw.get("description")
        description = " ".join(description.split()) if isinstance(description, str) and description.strip() else raw_id
        seen.add(rule_id)
        return Rule(
            id=rule_id, description=description, regex=translation.regex, confidence=confidence,
            keywords=keywords, entropy=floor, lines=translation.lines, tags=tuple(tags),
            family=self.family, source=self.source,
            no_keywords_reason=None if keywords else NO_KEYWORDS_REASON,
            allowlists=tuple(dict.fromkeys(allowlists)), imported=True,
        )

    def config(self, data: dict[str, Any]) -> list[Rule]:
        for key in sorted(set(data) - _TOP_KEYS):
            self.warn(None, f"unknown top-level key {key!r} ignored")
        extend = data.get("extend")
        if isinstance(extend, dict):
            if extend.get("usedefault"):
                self.warn(None, "[extend] useDefault: gitleaks' default rules are not imported "
                                "(credwall's built-in rules cover the same ground)")
            if extend.get("path") or extend.get("url"):
                self.warn(None, f"[extend] {extend.get('path') or extend.get('url')!r} not followed: import that file too")
            if extend.get("disabledrules"):
                self.warn(None, "[extend] disabledRules ignored: disable credwall rules in its configuration")
        # Global allowlists: legacy [allowlist] and [[allowlists]] (with optional targetRules).
        if data.get("allowlist") is not None and data.get("allowlists") is not None:
            self.warn(None, "both [allowlist] and [[allowlists]]: gitleaks refuses this; both imported")
        global_content: list[Allowlist] = []
        targeted: dict[str, list[_ParsedAllowlist]] = {}
        entries = self.allowlist_entries(data.get("allowlist"), None, "allowlist") + \
            self.allowlist_entries(data.get("allowlists"), None, "allowlists")
        for i, entry in enumerate(entries, 1):
            parsed = self.allowlist(entry, None, f"global allowlist {i}")
            if parsed is None:
                continue
            if parsed.target_rules:
                for rule_id in parsed.target_rules:
                    targeted.setdefault(self.prefix + rule_id, []).append(parsed)
                continue
            content = self.place(parsed, ())
            if content is not None:
                global_content.append(content)
        for key in ("prefilter", "filter"):
            if key in data:
                entropy, content_lists, paths = self.filter_expression(data[key], None, f"global {key}")
                if entropy is not None:
                    self.warn(None, f"global {key}: the entropy term is not imported")
                global_content.extend(content_lists)
                if paths:
                    self.path_allowlists.append(PathAllowlist((), tuple(paths)))
        self.shared = list(dict.fromkeys(global_content))
        raw_rules = data.get("rules") or []
        if not isinstance(raw_rules, list):
            self.error(None, "`rules` must be an array of tables ([[rules]])")
            raw_rules = []
        rules: list[Rule] = []
        seen: set[str] = set()
        for n, raw in enumerate(raw_rules, 1):
            rid = self.prefix + raw["id"].strip() if isinstance(raw, dict) and isinstance(raw.get("id"), str) else ""
            rule = self.rule(raw, n, targeted.get(rid, []), global_content, seen)
            if rule is not None:
                rules.append(rule)
        for rule_id in sorted(set(targeted) - seen):
            self.warn(None, f"global allowlist for {rule_id!r}: no such imported rule")
        network = sorted({k for raw in raw_rules if isinstance(raw, dict) for k in raw if k in _NETWORK_KEYS})
        if network:
            self.warn(None, f"{', '.join(network)} ignored: credwall never checks secrets over the network")
        return rules


def _split_or(expr: str) -> list[str] | None:
    """Top-level `||` terms of an Expr program; None when it has anything else at the top
    (`&&`, `let`, comments), which this importer does not evaluate."""
    terms, depth, quote, start, i = [], 0, "", 0, 0
    text = expr.strip()
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\" and quote != "`":
                i += 2
                continue
            if c == quote:
                quote = ""
        elif c in "\"'`":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and text.startswith("||", i):
            terms.append(text[start:i].strip())
            start = i + 2
            i += 1
        elif depth == 0 and (text.startswith("&&", i) or text.startswith("//", i) or c in ";!"):
            return None
        i += 1
    terms.append(text[start:].strip())
    if any(not t or t.startswith("let ") for t in terms):
        return None
    flat: list[str] = []
    for term in terms:  # (a || b) || c: the parenthesised terms join the list
        inner = _split_or(term[1:-1]) if term.startswith("(") and term.endswith(")") else None
        flat.extend(inner if inner is not None and _balanced(term[1:-1]) else [term])
    return flat


def _balanced(text: str) -> bool:
    """Are the brackets outside strings balanced all along (so `(a) || (b)` is not one term)?"""
    depth, quote = 0, ""
    for i, c in enumerate(text):
        if quote:
            if c == quote and (quote == "`" or text[i - 1] != "\\"):
                quote = ""
        elif c in "\"'`":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _string_list(body: str) -> list[str] | None:
    """The strings of an Expr list literal: `raw`, "double" or 'single' quoted."""
    items: list[str] = []
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c.isspace() or c == ",":
            i += 1
            continue
        if c == "`":
            end = body.find("`", i + 1)
            if end < 0:
                return None
            items.append(body[i + 1:end])
            i = end + 1
            continue
        if c in "\"'":
            j, out = i + 1, []
            while j < n and body[j] != c:
                if body[j] == "\\" and j + 1 < n:
                    nxt = body[j + 1]
                    out.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
                    j += 2
                else:
                    out.append(body[j])
                    j += 1
            if j >= n:
                return None
            items.append("".join(out))
            i = j + 1
            continue
        return None
    return items


def _read_toml(path: str) -> dict[str, Any]:
    from ..analysers.structured import StructureError, load_toml_file

    try:
        return load_toml_file(path)
    except StructureError as exc:
        raise RuleError(f"{path}: {exc}") from None


def import_gitleaks(path: str | os.PathLike[str], *, prefix: str = "", family: str = DEFAULT_FAMILY,
                    reserved_ids: Iterable[str] = ()) -> ImportResult:
    """Rules, scan-layer path allowlists and problems from a gitleaks/betterleaks TOML file.
    Raises RuleError only when the file cannot be read or is not TOML; everything wrong with a
    rule is a `Problem`. `prefix` goes before every rule id; ids in `reserved_ids` (the
    built-in rules) are refused, since credwall rule ids must be unique."""
    path = os.fspath(path)
    data = _lower_keys(_read_toml(path))
    importer = _Importer(source=os.path.basename(path), family=family, prefix=prefix, reserved_ids=reserved_ids)
    rules = importer.config(data)
    return ImportResult(rules, importer.path_allowlists, importer.problems, tuple(importer.shared))


# --- the YAML pack -----------------------------------------------------------------------------

def _allowlist_yaml(allowlist: Allowlist) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if allowlist.target != "secret":
        entry["target"] = allowlist.target
    if allowlist.regexes:
        entry["regexes"] = list(allowlist.regexes)
    if allowlist.stopwords:
        entry["stopwords"] = list(allowlist.stopwords)
    if allowlist.require_all:
        entry["condition"] = "and"
    return entry


def _path_allowlist_yaml(entry: PathAllowlist) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if entry.rule_ids:
        out["rules"] = list(entry.rule_ids)
    out["paths"] = list(entry.paths)
    if entry.only:
        out["only"] = True
    if entry.content is not None:
        out.update(_allowlist_yaml(entry.content))
        out["condition"] = "and"
    return out


def dump_pack(result: ImportResult, *, source: str = "", family: str | None = None) -> str:
    """The imported rules as an editable credwall YAML pack (`imported: true`, `examples: []`),
    the problems as comments on top, and the path allowlists under `path_allowlists`."""
    import yaml

    rules = []
    for rule in result.rules:
        entry: dict[str, Any] = {"id": rule.id, "description": rule.description}
        if rule.keywords:
            entry["keywords"] = list(rule.keywords)
        else:
            entry["no_keywords_reason"] = rule.no_keywords_reason or NO_KEYWORDS_REASON
        entry["regex"] = rule.regex
        if rule.entropy is not None:
            entry["entropy"] = rule.entropy
        entry["confidence"] = rule.confidence
        if rule.lines != 1:
            entry["lines"] = rule.lines
        if rule.tags:
            entry["tags"] = list(rule.tags)
        own = [a for a in rule.allowlists if a not in result.shared_allowlists]
        if own:
            entry["allowlist"] = [_allowlist_yaml(a) for a in own]
        entry["examples"] = [dict(text=e.text, secret=e.secret) for e in rule.examples]
        rules.append(entry)
    data: dict[str, Any] = {"family": family or (result.rules[0].family if result.rules else DEFAULT_FAMILY),
                            "imported": True}
    if result.shared_allowlists:
        data["allowlist"] = [_allowlist_yaml(a) for a in result.shared_allowlists]
    data["rules"] = rules
    if result.path_allowlists:
        data["path_allowlists"] = [_path_allowlist_yaml(p) for p in result.path_allowlists]
    header = [f"# credwall rule pack imported from {source or 'a gitleaks/betterleaks config'}.",
              "# `imported: true` lets `credwall rules check` pass rules without examples; add examples",
              "# (text + the secret it holds) so the check can prove each rule finds what it should.",
              "# The pack-level `allowlist` applies to every rule; `path_allowlists` are applied by the",
              "# scan layer (they need the file path). An `entropy` floor just above gitleaks' value keeps",
              "# its meaning: gitleaks drops a secret at or below the value, credwall below the floor."]
    if result.problems:
        header.append("# Import notes:")
        header.extend(f"#   {' '.join(str(p).split())}" for p in result.problems)
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=1 << 16)
    return "\n".join(header) + "\n" + body


def parse_path_allowlists(raw: Any, where: str) -> list[PathAllowlist]:
    """The `path_allowlists` section of a pack written by `dump_pack`, validated."""
    import regex

    if raw is None:
        return []
    if not isinstance(raw, list):
        raise RuleError(f"{where}: `path_allowlists` must be a list")
    out = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise RuleError(f"{where}: each path_allowlists entry must be a mapping")
        unknown = set(entry) - {"rules", "paths", "only", "target", "regexes", "stopwords", "condition"}
        if unknown:
            raise RuleError(f"{where}: unknown path_allowlists key(s) {', '.join(sorted(unknown))}")
        rule_ids, paths = _strings(entry.get("rules")), _strings(entry.get("paths"))
        regexes, stopwords = _strings(entry.get("regexes")), _strings(entry.get("stopwords"))
        if rule_ids is None or paths is None or regexes is None or stopwords is None or not paths:
            raise RuleError(f"{where}: a path_allowlists entry needs `paths` (and lists of strings)")
        target = entry.get("target", "secret")
        if target not in ("secret", "match", "line"):
            raise RuleError(f"{where}: path_allowlists target must be secret, match or line")
        for pattern in paths + regexes:
            try:
                regex.compile(pattern)
            except regex.error as exc:
                raise RuleError(f"{where}: bad path_allowlists regex {pattern!r}: {exc}") from None
        content = Allowlist(target, tuple(regexes), tuple(w.lower() for w in stopwords),
                            str(entry.get("condition", "or")).lower() == "and") if regexes or stopwords else None
        out.append(PathAllowlist(tuple(rule_ids), tuple(paths), content, bool(entry.get("only", False))))
    return out


def load_path_allowlists(pack: str | os.PathLike[str]) -> list[PathAllowlist]:
    """The `path_allowlists` of a YAML pack (empty for packs without them)."""
    import yaml

    path = os.fspath(pack)
    try:
        with open(path, "rb") as fh:
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"{path}: cannot read: {exc}") from None
    return parse_path_allowlists(data.get("path_allowlists") if isinstance(data, dict) else None, path)


# --- applying path allowlists (the scan layer) ------------------------------------------------

@lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    import regex

    return regex.compile(pattern)


def _normal_path(path: str) -> str:
    path = path.replace(os.sep, "/")
    return path[2:] if path.startswith("./") else path


def file_skipped(entries: Sequence[PathAllowlist], path: str) -> bool:
    """Is the whole file allowed (a global path allowlist without content conditions)? The scan
    layer can then skip reading it, as gitleaks does."""
    path = _normal_path(path)
    return any(not e.rule_ids and not e.only and e.content is None
               and any(_compiled(p).search(path) for p in e.paths) for e in entries)


def filter_matches(entries: Sequence[PathAllowlist], path: str, text: str, matches: Sequence[Match]) -> list[Match]:
    """Drop the matches that the path allowlists allow in this file, and the matches of rules
    restricted (`only`) to other paths. `text` is the text the matches index."""
    if not entries or not matches:
        return list(matches)
    from ..engine.matcher import allowlist_hit, allowlist_target

    path = _normal_path(path)
    path_hit = {i: any(_compiled(p).search(path) for p in e.paths) for i, e in enumerate(entries)}
    kept = []
    for match in matches:
        dropped = False
        for i, entry in enumerate(entries):
            if entry.rule_ids and match.rule.id not in entry.rule_ids:
                continue
            if entry.only:
                dropped = not path_hit[i]
            elif path_hit[i]:
                content = entry.content
                if content is None:
                    dropped = True
                else:
                    target = match.secret
                    if content.target != "secret":
                        start, end = _whole_match(match, text)
                        target = allowlist_target(content.target, text, start, end)
                    dropped = allowlist_hit(content, [_compiled(p) for p in content.regexes], match.secret, target)
            if dropped:
                break
        if not dropped:
            kept.append(match)
    return kept


def _whole_match(match: Match, text: str) -> tuple[int, int]:
    """The span of the whole regex match around a match's secret (the matcher keeps only the
    secret's span): the rule's regex again, on the lines around it."""
    from ..engine.matcher import Matcher

    pattern = _compiled(match.rule.regex)
    for start, end in Matcher._regions(text, [match.start], match.rule.lines):
        for m in pattern.finditer(text, start, end):
            if m.span(SECRET_GROUP) == (match.start, match.end):
                return m.span()
    return match.start, match.end
