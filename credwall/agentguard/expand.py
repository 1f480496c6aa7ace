"""What the shell would make of each word, as far as the command string itself tells.

Nothing is run. A word is expanded the way POSIX shells expand it, in their order: brace
expansion (`.{env,x}`), tilde expansion, the variables the same string assigned (`F=.env; cat
$F`, `for f in .e*`, `export`, `read`), command substitutions whose output is plain from the text
(`$(echo .env)`, `$(printf …)`, `$(which cat)`), field splitting of unquoted expansions (`$cmd`,
`${IFS}`), and pathname expansion, matched against the real directory the command runs in (the
hook's `cwd`, followed through `cd`), so `cat .en?` names the files the shell would hand to `cat`.
A word whose value cannot be known stays `dynamic`; a glob in a directory that cannot be listed
keeps its pattern (`Word.pattern`) for the policy to judge.

A variable assigned twice holds both values (an `if` may have taken either branch), so a guard
that checks every value never misses the one the shell used.
"""

from __future__ import annotations

import glob as globmod
import itertools
import os
import posixpath
import re
from typing import Iterable, Sequence

from .shell import LIT, QUOTED, SUBST, VAR, FilePattern, Part, Word, program_name

MAX_VALUES = 64  # values one variable (or one word's combinations) may take before it counts as unknown
MAX_MATCHES = 256  # paths one glob may expand to
# Variables taken from the hook's own environment: never secrets, needed to follow paths.
_SAFE_ENV = ("USER", "LOGNAME", "SHELL", "TMPDIR")
_GLOB_CHARS = re.compile(r"[*?\[]")
_SPECIAL = re.compile(r"[*?\[{~]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DECLARERS = frozenset({"export", "declare", "typeset", "local", "readonly"})


class Chunk:
    """A run of text in a field being built: `active` text may still be globbed."""

    __slots__ = ("text", "active", "literal")

    def __init__(self, text: str, active: bool, literal: bool) -> None:
        self.text = text
        self.active = active  # unquoted: glob characters work
        self.literal = literal  # written in the command (not an expansion's value): `~` works


class ShellState:
    """Variables and the working directory while one command string is read, left to right."""

    def __init__(self, cwd: str | None, home: str | None = None) -> None:
        self.dir = posixpath.normpath(cwd) if cwd and cwd.startswith("/") else None
        self.home = home or os.path.expanduser("~")
        self.vars: dict[str, tuple[str, ...] | None] = {}

    # --- state --------------------------------------------------------------------------------

    def lookup(self, name: str) -> tuple[str, ...] | None:
        """Every value the variable may hold here, or None when that is unknown."""
        if name in self.vars:
            return self.vars[name]
        if name == "IFS":
            return (" \t\n",)
        if name == "HOME":
            return (self.home,)
        if name == "PWD":
            return (self.dir,) if self.dir else None
        if name in _SAFE_ENV:
            value = os.environ.get(name)
            return (value,) if value else None
        return None

    def assign(self, name: str, values: Iterable[str] | None) -> None:
        if values is None or (name in self.vars and self.vars[name] is None):
            self.vars[name] = None
            return
        merged = tuple(dict.fromkeys([*(self.vars.get(name) or ()), *values]))
        self.vars[name] = merged if len(merged) <= MAX_VALUES else None

    def statement(self, words: Sequence[Word]) -> bool:
        """Track what a simple command does to the shell's state (assignments, `for`, `export`,
        `read`, `unset`, `cd`). True when the command does nothing else (nothing to judge)."""
        if not words:
            return True
        first = words[0]
        if first.text == "for" and not first.quoted and len(words) >= 3 and words[2].text == "in":
            values: list[str] | None = []
            for w in words[3:]:
                for field in self.expand(w):
                    if field.dynamic or values is None:
                        values = None
                    else:
                        values.append(field.text)
            self.assign(words[1].text, values)
            return True
        prefix = 0
        while prefix < len(words) and _assignment_name(words[prefix]):
            prefix += 1
        if prefix == len(words):  # NAME=value …: the shell's own variables from here on
            for w in words:
                self.assign(_assignment_name(w) or "", self.value(w))
            return True
        if prefix:
            return False  # NAME=value cmd: for that command only
        name = program_name(first.text)
        if name in _DECLARERS:
            for w in words[1:]:
                var = _assignment_name(w)
                if var:
                    self.assign(var, self.value(w))
        elif name == "read":
            for w in words[1:]:
                if _NAME.fullmatch(w.text):
                    self.assign(w.text, None)
        elif name == "unset":
            for w in words[1:]:
                self.vars.pop(w.text, None)
        elif name in ("cd", "pushd"):
            self._cd(words[1:])
        elif name == "popd":
            self.dir = None
        return False

    def _cd(self, args: Sequence[Word]) -> None:
        operands = [w for w in args if not (w.text.startswith("-") and len(w.text) > 1)]
        if not operands:
            self.dir = self.home
            return
        fields = self.expand(operands[0])
        if len(fields) != 1 or fields[0].dynamic or fields[0].text == "-":
            self.dir = None
            return
        target = fields[0].text
        if target.startswith("/"):
            self.dir = posixpath.normpath(target)
        elif self.dir is not None:
            self.dir = posixpath.normpath(posixpath.join(self.dir, target))

    # --- words --------------------------------------------------------------------------------

    def value(self, word: Word) -> tuple[str, ...] | None:
        """The values an assignment word (`NAME=value`) gives its variable: expanded, not split
        or globbed. None when unknown."""
        parts = list(word.parts) or [Part(QUOTED, word.text)]
        head = parts[0]
        if head.kind != LIT or "=" not in head.text:
            return None
        rest = head.text.split("=", 1)[1]
        parts = ([Part(LIT, rest)] if rest else []) + parts[1:]
        if parts and parts[0].kind == LIT and (parts[0].text == "~" or parts[0].text.startswith("~/")):
            parts[0] = Part(QUOTED, self.home + parts[0].text[1:])
        combos = self._combinations(parts)
        if combos is None:
            return None
        return tuple(dict.fromkeys("".join(values) for values in combos))

    def expand(self, word: Word) -> list[Word]:
        """The fields the shell makes of a word (none, one or several)."""
        parts = word.parts
        if not parts:
            return [word]
        if not word.dynamic and not any(p.kind == LIT and _SPECIAL.search(p.text) for p in parts):
            return [word]
        variants = _braces(list(parts))
        if variants is None:  # more alternatives than are worth listing: unknown
            return [word._replace(dynamic=True)]
        fields: list[Word] = []
        for variant in variants:
            combos = self._combinations(variant)
            if combos is None:
                return [word._replace(dynamic=True)]
            for values in combos:
                for chunks in self._split(variant, values):
                    fields.extend(self._glob(word, chunks))
            if len(fields) > MAX_MATCHES:
                break
        return fields

    def _combinations(self, parts: Sequence[Part]) -> list[tuple[str, ...]] | None:
        """Each way the parts' values can combine (one string per part), or None if one part
        is unknown."""
        choices: list[tuple[str, ...]] = []
        for part in parts:
            if part.kind in (LIT, QUOTED):
                choices.append((part.text,))
            elif part.kind == VAR:
                values = self.lookup(part.ref)
                if values is None:
                    return None
                choices.append(values)
            elif part.kind == SUBST:
                output = self.substitution(part.ref)
                if output is None:
                    return None
                choices.append((output,))
            else:  # EXPR, PROCSUB
                return None
        count = 1
        for c in choices:
            count *= len(c)
            if count > MAX_VALUES:
                return None
        return list(itertools.product(*choices))

    def _split(self, parts: Sequence[Part], values: tuple[str, ...]) -> list[list[Chunk]]:
        """Field splitting: unquoted expansions break on IFS whitespace."""
        ifs = self.lookup("IFS")
        separators = "".join(c for c in (ifs[0] if ifs and len(ifs) == 1 else " \t\n") if c in " \t\n")
        fields: list[list[Chunk]] = [[]]
        kept = [False]  # a field with quoted text survives even when empty
        for part, value in zip(parts, values):
            if part.kind in (LIT, QUOTED):
                fields[-1].append(Chunk(value, part.kind == LIT, True))
                kept[-1] = kept[-1] or part.kind == QUOTED
            elif part.quoted or not separators:
                fields[-1].append(Chunk(value, False, False))
                kept[-1] = True
            else:
                pieces = re.split(f"[{re.escape(separators)}]+", value)
                for index, piece in enumerate(pieces):
                    if index:
                        fields.append([])
                        kept.append(False)
                    if piece:
                        fields[-1].append(Chunk(piece, True, False))
        return [f for f, keep in zip(fields, kept) if keep or any(c.text for c in f)]

    def _glob(self, word: Word, chunks: list[Chunk]) -> list[Word]:
        text = "".join(c.text for c in chunks)
        plain = Word(text, word.vars, False, True, (Part(QUOTED, text),))
        if not any(c.active and _GLOB_CHARS.search(c.text) for c in chunks):
            return [plain]  # `~` stays as written: every check reads it as the home directory
        if chunks[0].literal and chunks[0].active and (chunks[0].text == "~" or chunks[0].text.startswith("~/")):
            chunks[0] = Chunk(self.home + chunks[0].text[1:], True, True)
        pattern = "".join(c.text.replace("[^", "[!") if c.active else globmod.escape(c.text) for c in chunks)
        if pattern.startswith("/"):
            found = _bounded_glob(pattern, None)
        elif self.dir is not None and os.path.isdir(self.dir):
            found = _bounded_glob(pattern, self.dir)
        else:  # a directory nobody can list here: keep the pattern for the policy
            return [plain._replace(pattern=FilePattern("", pattern, False, False))]
        if not found:
            return [plain]  # no match: the shell passes the word as it is
        literal = "".join(c.text for c in chunks)
        return [Word(p, word.vars, False, True, (Part(QUOTED, p),), None, literal) for p in found]

    def substitution(self, inner: str) -> str | None:
        """The output of `$(…)` when the text alone tells it (echo, printf, which, pwd, and the
    work tree `git rev-parse --show-toplevel` names)."""
        from .shell import _Lexer

        lexer = _Lexer(inner)
        pipelines = lexer.run()
        if lexer.substitutions or len(pipelines) != 1 or len(pipelines[0]) != 1:
            return None
        raw = pipelines[0][0]
        if raw.redirects or raw.stdin is not None or raw.heredocs:
            return None
        words: list[str] = []
        for w in raw.words:
            for field in self.expand(w):
                if field.dynamic:
                    return None
                words.append(field.text)
        if not words:
            return ""
        name, args = program_name(words[0]), words[1:]
        if name == "echo":
            while args and args[0] in ("-n", "-e", "-E", "-ne", "-en"):
                args = args[1:]
            return " ".join(args)
        if name == "printf" and args:
            return _printf(args[0], args[1:])
        if name == "which" and len(args) == 1 or name == "command" and args[:1] == ["-v"] and len(args) == 2:
            return args[-1]
        if name == "pwd" and self.dir:
            return self.dir
        if name == "git" and args == ["rev-parse", "--show-toplevel"] and self.dir:
            from .where import project_root

            root = project_root(self.dir)
            return root if os.path.exists(posixpath.join(root, ".git")) else None
        return None


def _assignment_name(word: Word) -> str | None:
    """NAME of a `NAME=value` word written as an assignment (not quoted before the `=`)."""
    head = word.parts[0] if word.parts else None
    if head is None or head.kind != LIT or "=" not in head.text:
        return None
    name = head.text.split("=", 1)[0].rstrip("+")
    return name if _NAME.fullmatch(name) else None


def _printf(fmt: str, args: list[str]) -> str:
    """printf's output for the formats people write (`%s`, `%s\\n`, escapes)."""
    text = fmt.replace("\\n", "\n").replace("\\t", "\t").replace("%%", "\0")
    if args:
        pieces = iter(args)
        text = re.sub(r"%[-0-9.]*[sdb]", lambda m: next(pieces, ""), text)
        rest = list(pieces)
        if rest:
            text += " " + " ".join(rest)
    return text.replace("\0", "%").rstrip("\n")


def _bounded_glob(pattern: str, root: str | None) -> list[str]:
    found: list[str] = []
    for path in globmod.iglob(pattern, root_dir=root):
        found.append(path)
        if len(found) >= MAX_MATCHES:
            break
    return sorted(found)


def _braces(parts: list[Part], depth: int = 0) -> list[list[Part]] | None:
    """Brace expansion of unquoted `{a,b}` (nested); None past MAX_MATCHES results."""
    for index, part in enumerate(parts):
        if part.kind != LIT or "{" not in part.text:
            continue
        span = _brace_span(part.text)
        if span is None:
            continue
        start, end, options = span
        out: list[list[Part]] = []
        for option in options:
            text = part.text[:start] + option + part.text[end:]
            variant = parts[:index] + ([Part(LIT, text)] if text else []) + parts[index + 1:]
            more = _braces(variant, depth + 1) if depth < 16 else [variant]
            if more is None:
                return None
            out.extend(more)
            if len(out) > MAX_MATCHES:
                return None
        return out
    return [parts]


def _brace_span(text: str) -> tuple[int, int, list[str]] | None:
    """(start, end, options) of the first `{…,…}` in text with a comma at its top level."""
    for start, ch in enumerate(text):
        if ch != "{":
            continue
        depth, commas = 0, [start]
        for j in range(start, len(text)):
            c = text[j]
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    if len(commas) > 1:
                        bounds = commas + [j]
                        return start, j + 1, [text[a + 1:b] for a, b in zip(bounds, bounds[1:])]
                    break
            elif c == "," and depth == 1:
                commas.append(j)
    return None

