"""Joining string literals the way a program would: `"ghp_ab" + "cd…"` (JavaScript, Java, Go,
C#, Python, Ruby), `'ab' 'cd'` and `("ab"\\n "cd")` (Python, C, Ruby), `'ab' . 'cd'` (PHP,
Perl), `'ab' .. 'cd'` (Lua), `"ab" & "cd"` (VB), `'ab' || 'cd'` (SQL), `['ab', 'cd'].join('')`
and `''.join(['ab', 'cd'])`. The joined text is only ever matched for secrets (a token split
across literals so that no single literal looks like one); it is never written anywhere.
"""

from __future__ import annotations

import re

# One string literal on one line: "…", '…' or a `…` template without interpolation. Each
# character matches one branch only, so a literal never backtracks.
_LIT = r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`$\\]*`"""
# What may stand between two literals that a language concatenates. Bounded runs keep a literal
# followed by a huge run of blanks from costing more than a few thousand steps.
_BLANK = r"(?:[ \t\r\n]|\\\n){0,64}"
_SEP = _BLANK + r"(?:\+|\.\.|\.|&|\|\|)?" + _BLANK
_LIST = rf"(?:{_LIT})(?:[ \t\r\n]{{0,64}},[ \t\r\n]{{0,64}}(?:{_LIT}))*"
_PATTERNS: dict[str, re.Pattern[str]] = {}
_SOURCES = {
    "literal": _LIT,
    "separator": _SEP,
    "join": rf"\[[ \t\r\n]{{0,64}}({_LIST})[ \t\r\n,]{{0,64}}\]\.join\([ \t]{{0,8}}(?:''|\"\")?[ \t]{{0,8}}\)"
            rf"|(?:''|\"\")\.join\([ \t]{{0,8}}[\[(][ \t\r\n]{{0,64}}({_LIST})[ \t\r\n,]{{0,64}}[\])][ \t]{{0,8}}\)",
}


def _compiled(name: str) -> re.Pattern[str]:
    pattern = _PATTERNS.get(name)
    if pattern is None:
        pattern = _PATTERNS[name] = re.compile(_SOURCES[name])
    return pattern


def joined_literals(text: str) -> list[str]:
    """The literal sequences of text as the program joins them (only those of two or more
    literals: a single literal is already in the text). One pass over the literals; the gap
    between two neighbours decides whether they are joined."""
    if not text or ("'" not in text and '"' not in text and "`" not in text):
        return []
    separator = _compiled("separator")
    out: list[str] = []
    run: list[str] = []
    end = -1
    for m in _compiled("literal").finditer(text):
        start = m.start()
        if run and start - end <= 140 and separator.fullmatch(text, end, start):
            run.append(m.group(0)[1:-1])
        else:
            if len(run) > 1:
                out.append("".join(run))
            run = [m.group(0)[1:-1]]
        end = m.end()
    if len(run) > 1:
        out.append("".join(run))
    if ".join(" in text:
        literal = _compiled("literal")
        for match in _compiled("join").finditer(text):
            inner = match.group(1) or match.group(2) or ""
            out.append("".join(m.group(0)[1:-1] for m in literal.finditer(inner)))
    return [s for s in out if s]


def with_joined_literals(text: str) -> str:
    """Text with every joined sequence appended on its own line (for matching only)."""
    joined = joined_literals(text)
    return text if not joined else text + "\n" + "\n".join(joined)
