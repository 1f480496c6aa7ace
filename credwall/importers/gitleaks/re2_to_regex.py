"""A gitleaks (Go RE2) regex as a credwall rule regex: `translate_go_regex`.

The pattern is parsed by `re2_syntax` and written back in `regex` syntax with gitleaks' idea of
the secret made explicit. gitleaks numbers every capture group, named or not, from the left.
With `secretGroup = N` (betterleaks: `valueGroup`) the secret is group N; without it, the first
capture group that matched a non-empty string, else the whole match. The translation makes that
group `(?P<secret>…)` and every other group non-capturing; where "the first non-empty group"
cannot be written as one group (an optional first group, say) the `warning` says so.

It also reports what the importer needs to know about the pattern: how many lines a match can
span (the rule's `lines`) and the literal runs it holds (do the rule's keywords occur in it?).
"""

from __future__ import annotations

import math
from typing import Iterable, NamedTuple

from ...engine.rules import SECRET_GROUP
from .re2_syntax import Alt, Char, Empty, GoRegexError, Group, Node, Parser, Repeat, Seq, children

__all__ = ["GoRegexError", "MAX_LINES", "Translation", "translate_go_regex"]

MAX_LINES = 100  # `lines` for a regex whose match can span any number of lines


def _emit(node: Node, secret: frozenset[int]) -> str:
    if isinstance(node, (Char, Empty)):
        return node.text
    if isinstance(node, Seq):
        return "".join(_emit(item, secret) for item in node.items)
    if isinstance(node, Alt):
        return "|".join(_emit(b, secret) for b in node.branches)
    if isinstance(node, Group):
        body = _emit(node.body, secret)
        if node.index and node.index in secret:
            return f"(?P<{SECRET_GROUP}>{body})"
        return f"(?{node.flags}:{body})"
    assert isinstance(node, Repeat)
    q = {(0, None): "*", (1, None): "+", (0, 1): "?"}.get((node.lo, node.hi))
    if q is None:
        q = f"{{{node.lo}}}" if node.hi == node.lo else f"{{{node.lo},{'' if node.hi is None else node.hi}}}"
    return _emit(node.child, secret) + q + ("?" if node.lazy else "")


def _min_len(node: Node) -> int:
    if isinstance(node, Char):
        return 1
    if isinstance(node, Empty):
        return 0
    if isinstance(node, Seq):
        return sum(_min_len(i) for i in node.items)
    if isinstance(node, Alt):
        return min(_min_len(b) for b in node.branches)
    if isinstance(node, Group):
        return _min_len(node.body)
    assert isinstance(node, Repeat)
    return node.lo * _min_len(node.child)


def _max_newlines(node: Node) -> float:
    """How many newlines a match can hold (inf: unbounded)."""
    if isinstance(node, Char):
        return 1 if node.newline else 0
    if isinstance(node, Empty):
        return 0
    if isinstance(node, Seq):
        return sum(_max_newlines(i) for i in node.items)
    if isinstance(node, Alt):
        return max(_max_newlines(b) for b in node.branches)
    if isinstance(node, Group):
        return _max_newlines(node.body)
    assert isinstance(node, Repeat)
    inner = _max_newlines(node.child)
    if not inner:
        return 0
    return math.inf if node.hi is None else inner * node.hi


def _paths(node: Node, path: tuple[Node, ...] = ()) -> Iterable[tuple[Group, tuple[Node, ...]]]:
    """Every capture group with the chain of nodes above it."""
    if isinstance(node, Group) and node.index:
        yield node, path
    for child in children(node):
        yield from _paths(child, path + (node,))


def _covers(node: Node, chosen: frozenset[int]) -> bool:
    """Does every match of node have one of the chosen groups matching a non-empty string?"""
    if isinstance(node, Group):
        if node.index in chosen:
            return _min_len(node.body) > 0
        return _covers(node.body, chosen)
    if isinstance(node, Seq):
        return any(_covers(i, chosen) for i in node.items)
    if isinstance(node, Alt):
        return all(_covers(b, chosen) for b in node.branches)
    if isinstance(node, Repeat):
        return node.lo >= 1 and _covers(node.child, chosen)
    return False


def _exclusive(paths: list[tuple[Group, tuple[Node, ...]]]) -> bool:
    """At most one of these groups can take part in a match: every pair parts in an
    alternation, and none sits under a repetition (which could run both branches)."""
    for group, path in paths:
        if any(isinstance(n, Repeat) and n.hi != 1 for n in path):
            return False
    for i, (g1, p1) in enumerate(paths):
        for g2, p2 in paths[i + 1:]:
            full1, full2 = p1 + (g1,), p2 + (g2,)
            k = 0
            while k < min(len(full1), len(full2)) and full1[k] is full2[k]:
                k += 1
            if not isinstance(full1[k - 1], Alt):
                return False
    return True


def _variants(node: Node, cap: int = 64) -> set[str] | None:
    """The lower-cased literal strings node can match, when few and all literal."""
    if isinstance(node, Char):
        return set(node.choices) if node.choices is not None else None
    if isinstance(node, Empty):
        return {""}
    if isinstance(node, Group):
        return _variants(node.body, cap)
    if isinstance(node, Alt):
        out: set[str] = set()
        for b in node.branches:
            v = _variants(b, cap)
            if v is None:
                return None
            out |= v
        return out if len(out) <= cap else None
    if isinstance(node, Seq):
        acc = {""}
        for item in node.items:
            v = _variants(item, cap)
            if v is None or len(acc) * len(v) > cap:
                return None
            acc = {a + b for a in acc for b in v}
        return acc
    assert isinstance(node, Repeat)
    if node.hi is None or node.hi > 3:
        return None
    return _variants(Alt([Seq([node.child] * n) for n in range(node.lo, node.hi + 1)]), cap)


def _literal_runs(node: Node) -> Iterable[str]:
    """Lower-cased literal strings found in the pattern: runs of literal items in sequences
    (alternatives of literals expanded), to tell whether a rule's keywords occur in it."""
    if isinstance(node, Seq):
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
    for child in children(node):
        yield from _literal_runs(child)


class Translation(NamedTuple):
    regex: str
    lines: int  # how many lines a match may span, for the rule's `lines`
    literals: tuple[str, ...]  # lower-cased literal runs (to check that keywords occur)
    warning: str | None


def translate_go_regex(pattern: str, secret_group: int | None = 0) -> Translation:
    """A Go RE2 pattern in `regex` syntax. secret_group None: plain (allowlist, path), every
    group non-capturing; 0: gitleaks' default secret; N: capture group N is the secret."""
    parser = Parser(pattern)
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
            outer = [(g, p) for g, p in groups if not any(isinstance(n, Group) and n.index for n in p)]
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
