"""Reading betterleaks filters: the part of the Expr language the importer can carry over.

A betterleaks `filter` (and `prefilter`) is an Expr program that drops a finding when it is
true. The importer understands terms joined by a top-level `||` (`split_or`), each of them
(`parse_term`) either an entropy floor on the secret, `entropy(finding["secret"]) < N` (or
`<=`), or `matchesAny(...)` / `containsAny(...)` on one field with a list of string literals.
Anything else (`&&`, `let`, other functions) is for the importer to report as not imported.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_ENTROPY_TERM = re.compile(r'entropy\(finding\["secret"\]\)\s*(<=?)\s*([0-9]*\.?[0-9]+)')
_LIST_TERM = re.compile(r'(matchesAny|containsAny)\((finding|attributes)\["(\w+)"\]\s*,\s*\[(.*)\]\s*\)', re.S)


class EntropyTerm(NamedTuple):
    """`entropy(finding["secret"]) < value` (`<=` when `inclusive`): drop low-entropy secrets."""

    value: float
    inclusive: bool


class ListTerm(NamedTuple):
    """`matchesAny(field, [...])` (Go regexes) or `containsAny(field, [...])` (substrings), on
    `finding["secret"]`, `attributes["path"]` and the like (`field`: "finding.secret", ...)."""

    function: str  # "matchesAny" | "containsAny"
    field: str
    key: str  # the name inside the brackets: "secret", "match", "line", "path", ...
    items: tuple[str, ...]


def split_or(expr: str) -> list[str] | None:
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
        inner = split_or(term[1:-1]) if term.startswith("(") and term.endswith(")") else None
        flat.extend(inner if inner is not None and _balanced(term[1:-1]) else [term])
    return flat


def parse_term(term: str) -> EntropyTerm | ListTerm | None:
    """One `||` term as an entropy floor or a list test; None when it is neither."""
    m = _ENTROPY_TERM.fullmatch(term)
    if m:
        return EntropyTerm(float(m.group(2)), m.group(1) == "<=")
    m = _LIST_TERM.fullmatch(term)
    items = _string_list(m.group(4)) if m else None
    if m is None or items is None:
        return None
    return ListTerm(m.group(1), f"{m.group(2)}.{m.group(3)}", m.group(3), tuple(items))


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
