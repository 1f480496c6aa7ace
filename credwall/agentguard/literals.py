"""Joining string literals the way a program would: `"ghp_ab" + "cd…"` (JavaScript, Java, Go,
C#, Python, Ruby), `'ab' 'cd'` and `("ab"\\n "cd")` (Python, C, Ruby), `'ab' . 'cd'` (PHP,
Perl), `'ab' .. 'cd'` (Lua), `"ab" & "cd"` (VB), `'ab' || 'cd'` (SQL), `['ab', 'cd'].join('')`
and `''.join(['ab', 'cd'])`. The joined text is only ever matched for secrets (a token split
across literals so that no single literal looks like one); it is never written anywhere.
"""

from __future__ import annotations

from typing import Any

# One string literal on one line: "…", '…' or a `…` template without interpolation.
_LIT = r""""(?:[^"\\\n]|\\.)*+"|'(?:[^'\\\n]|\\.)*+'|`[^`$\\]*+`"""
# What may stand between two literals that a language concatenates.
_SEP = r"""(?:[ \t\r\n]|\\\n)*+(?:\+|\.\.|\.|&|\|\|)?(?:[ \t\r\n]|\\\n)*+"""
_PATTERNS: dict[str, Any] = {}


def _compiled(name: str) -> Any:
    pattern = _PATTERNS.get(name)
    if pattern is None:
        import regex

        pattern = _PATTERNS[name] = regex.compile({
            "sequence": rf"(?:{_LIT})(?:{_SEP}(?:{_LIT}))++",
            "join": rf"\[(?:[ \t\r\n])*+((?:{_LIT})(?:[ \t\r\n]*+,[ \t\r\n]*+(?:{_LIT}))*+)[ \t\r\n,]*+\]"
                    rf"\.join\([ \t]*+(?:''|\"\")?[ \t]*+\)"
                    rf"|(?:''|\"\")\.join\([ \t]*+[\[(][ \t\r\n]*+((?:{_LIT})(?:[ \t\r\n]*+,[ \t\r\n]*+(?:{_LIT}))*+)"
                    rf"[ \t\r\n,]*+[\])][ \t]*+\)",
            "literal": _LIT,
            "hint": r"""["'`](?:[ \t\r\n]|\\\n)*+(?:\+|\.\.|\.|&|\|\|)?(?:[ \t\r\n]|\\\n)*+["'`]|\.join\(""",
        }[name])
    return pattern


def joined_literals(text: str) -> list[str]:
    """The literal sequences of text as the program joins them (only those of two or more
    literals: a single literal is already in the text)."""
    if not text or not _compiled("hint").search(text):
        return []
    literal = _compiled("literal")
    out: list[str] = []
    for match in _compiled("sequence").finditer(text):
        out.append("".join(m.group(0)[1:-1] for m in literal.finditer(match.group(0))))
    for match in _compiled("join").finditer(text):
        inner = match.group(1) or match.group(2) or ""
        out.append("".join(m.group(0)[1:-1] for m in literal.finditer(inner)))
    return [s for s in out if s]


def with_joined_literals(text: str) -> str:
    """Text with every joined sequence appended on its own line (for matching only)."""
    joined = joined_literals(text)
    return text if not joined else text + "\n" + "\n".join(joined)
