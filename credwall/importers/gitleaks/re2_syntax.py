"""Go RE2 syntax (the regexes of a gitleaks config) parsed into a small tree.

`Parser(pattern).parse()` reads Go's regexp/syntax with Perl flags. It raises `GoRegexError`
for malformed patterns and for what RE2 refuses (lookarounds, backreferences, atomic groups,
`\\C`, the ungreedy flag), as gitleaks would refuse them. Each leaf keeps its text written the
way the `regex` module reads it, so `re2_to_regex` only chooses the secret group and joins:

- `\\z`, `\\Q…\\E`, octal and `\\x{…}` escapes become characters or `regex` escapes;
- POSIX classes (`[[:alpha:]]`) are spelled out, ASCII-only as in Go;
- a flag group in mid-pattern becomes a scoped group over the rest of its group, as in Go;
- `Parser.ascii` says whether `\\d \\w \\s \\b` occur (Go's are ASCII-only, so the translation
  adds `(?a)`); `Parser.global_flags` holds the flags set at the very start.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable


class GoRegexError(ValueError):
    """Not a valid RE2 pattern, or one credwall cannot run the same way."""


class Node:
    __slots__ = ()


class Char(Node):
    """One character: a literal, a class, `.` or a class escape."""

    __slots__ = ("text", "newline", "choices")

    def __init__(self, text: str, newline: bool, choices: Iterable[str] | None = None) -> None:
        self.text = text
        self.newline = newline  # can it match "\n"?
        # The lower-cased characters it matches, for literals and small classes like [_-].
        self.choices = frozenset(choices) if choices is not None else None


class Empty(Node):
    """A zero-width assertion: ^ $ \\A \\z \\b \\B."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class Seq(Node):
    __slots__ = ("items",)

    def __init__(self, items: list[Node]) -> None:
        self.items = items


class Alt(Node):
    __slots__ = ("branches",)

    def __init__(self, branches: list[Node]) -> None:
        self.branches = branches


class Group(Node):
    __slots__ = ("body", "index", "flags")

    def __init__(self, body: Node, index: int, flags: str = "") -> None:
        self.body = body
        self.index = index  # capture group number (Go numbering), 0 when non-capturing
        self.flags = flags  # scoped flags of a non-capturing group, e.g. "i" or "i-s"


class Repeat(Node):
    __slots__ = ("child", "lo", "hi", "lazy")

    def __init__(self, child: Node, lo: int, hi: int | None, lazy: bool) -> None:
        self.child = child
        self.lo = lo
        self.hi = hi  # None: unbounded
        self.lazy = lazy


def children(node: Node) -> list[Node]:
    if isinstance(node, Seq):
        return node.items
    if isinstance(node, Alt):
        return node.branches
    if isinstance(node, Group):
        return [node.body]
    if isinstance(node, Repeat):
        return [node.child]
    return []


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


class Parser:
    """Recursive descent over Go's regexp/syntax (Perl flags), building a small tree."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.pos = 0
        self.groups = 0
        self.ascii = False  # uses \d \w \s \b: Go's are ASCII-only
        self.global_flags: set[str] = set()

    def fail(self, message: str) -> GoRegexError:
        return GoRegexError(f"{message} at offset {self.pos}")

    def parse(self) -> Node:
        node = self._alt(frozenset(), top=True)
        if self.pos < len(self.src):
            raise self.fail("unexpected )")
        return node

    def _alt(self, flags: frozenset[str], top: bool = False) -> Alt:
        branches: list[Node] = []
        items: list[Node] = []
        while self.pos < len(self.src):
            c = self.src[self.pos]
            if c == ")":
                break
            if c == "|":
                self.pos += 1
                branches.append(Seq(items))
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
                items.append(Group(rest.branches[0], 0, text))
                branches.append(Seq(items))
                branches.extend(Group(b, 0, text) for b in rest.branches[1:])
                return Alt(branches)
            items.append(self._quantified(flags))
        branches.append(Seq(items))
        return Alt(branches)

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

    def _quantified(self, flags: frozenset[str]) -> Node:
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
            node = Repeat(node, lo, hi, lazy)
            quantified = True
        return node

    def _atom(self, flags: frozenset[str]) -> Node:
        src, c = self.src, self.src[self.pos]
        if c == "(":
            return self._group(flags)
        if c == "[":
            return self._class()
        if c == "\\":
            return self._escape()
        self.pos += 1
        if c == ".":
            return Char(".", "s" in flags)
        if c in "^$":
            return Empty(c)
        if c in "*+?" or (c == "{" and _REPEAT.match(src, self.pos - 1)):
            self.pos -= 1
            raise self.fail(f"missing argument to repetition operator {c}")
        return Char(_char_text(c, False), c == "\n", {c.lower()})

    def _group(self, flags: frozenset[str]) -> Group:
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
        return Group(body, index, text)

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

    def _escape(self) -> Node:
        src = self.src
        self.pos += 1
        if self.pos >= len(src):
            raise self.fail("trailing backslash")
        c = src[self.pos]
        if c in "dDsSwW":
            self.pos += 1
            self.ascii = True
            return Char("\\" + c, c in "sDW")
        if c in "bB":
            self.pos += 1
            self.ascii = True
            return Empty("\\" + c)
        if c in "Az":
            self.pos += 1
            return Empty("\\A" if c == "A" else "\\Z")
        if c in "pP":
            text = self._unicode_class()
            if text is None:
                raise self.fail("invalid Unicode class")
            return Char(text, _matches_newline(text))
        if c == "Q":
            end = src.find("\\E", self.pos + 1)
            literal = src[self.pos + 1:] if end < 0 else src[self.pos + 1:end]
            self.pos = len(src) if end < 0 else end + 2
            return Seq([Char(_char_text(ch, False), ch == "\n", {ch.lower()}) for ch in literal])
        if c == "C":
            raise self.fail("\\C (any byte) is not supported")
        ch = self._escape_char()
        if ch is None:
            raise self.fail(f"invalid escape \\{c}")
        return Char(_char_text(ch, False), ch == "\n", {ch.lower()})

    def _class(self) -> Char:
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
        return Char(text, _matches_newline(text), small)

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

