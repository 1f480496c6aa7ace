"""A dotenv parser for checking files, not for loading them: nothing is executed, nothing is
expanded (`${VAR}` and `$(cmd)` stay literal text), and every entry keeps the line of its key.

What it reads, in the loose way dotenv files are written (python-dotenv, motdotla/dotenv, direnv):

- `KEY=value`, `export KEY=value`, `KEY = value`, and YAML-ish `KEY: value`;
- single-, double- and back-quoted values; escapes (`\\n`, `\\t`, `\\"`, `\\\\` …) only inside
  double quotes; quoted values may span lines (a PEM key pasted into `.env`);
- `# comments` on their own line and after an unquoted value (a `#` counts as a comment only
  after whitespace: `KEY=abc#def` keeps its `#`);
- blank lines, CRLF line ends, a byte-order mark.

Anything else (`source .env.local`, `use nix`, a stray line of base64) is skipped and its line
number recorded in `malformed`; parsing goes on with the next line. An opening quote without a
plausible closing quote takes the rest of its line, so one typo cannot swallow the file.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Entry(NamedTuple):
    key: str
    value: str  # unquoted; escapes of double-quoted values applied; CRLF inside values is "\n"
    line: int  # 1-based line of the key
    column: int  # 1-based column of the value's first character (after an opening quote)
    end_line: int  # line holding the value's last character (== line unless quoted multi-line)
    quote: str  # "", "'", '"' or "`"
    exported: bool  # written as `export KEY=…`


class Dotenv(NamedTuple):
    entries: list[Entry]
    malformed: list[int]  # lines skipped as not KEY=value, comment or blank


# `export`? KEY (bare or quoted) then `=` or a YAML-style `:` followed by a blank or the line end.
_ASSIGNMENT = re.compile(
    r"(?P<export>export[ \t]+)?"
    r"(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*|'[^'\n]+'|\"[^\"\n]+\")"
    r"[ \t]*(?:=|:(?=[ \t\r]|$))"
)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "v": "\v", "f": "\f", "b": "\b", "a": "\a",
            "\\": "\\", '"': '"', "'": "'", "$": "$", "`": "`"}
_BLANKS = " \t\ufeff"


def parse(text: str) -> Dotenv:
    """Entries in file order (a repeated key appears each time) and the skipped lines."""
    entries: list[Entry] = []
    malformed: list[int] = []
    n = len(text)
    pos = 0
    line = 1
    while pos < n:
        eol = text.find("\n", pos)
        if eol < 0:
            eol = n
        start = pos
        while start < eol and text[start] in _BLANKS:
            start += 1
        if start >= eol or text[start] == "#" or not text[start:eol].strip():
            pos, line = eol + 1, line + 1
            continue
        match = _ASSIGNMENT.match(text, start, eol)
        if match is None:
            malformed.append(line)
            pos, line = eol + 1, line + 1
            continue
        key = match.group("key")
        if key[0] in "'\"":
            key = key[1:-1]
        exported = match.group("export") is not None
        entry, pos, line = _value(text, match.end(), eol, line, key, exported)
        entries.append(entry)
    return Dotenv(entries, malformed)


def _value(text: str, after_sep: int, eol: int, line: int, key: str, exported: bool) -> tuple[Entry, int, int]:
    """The entry whose value starts after the separator; (entry, next position, next line)."""
    vstart = after_sep
    while vstart < eol and text[vstart] in " \t":
        vstart += 1
    column = vstart - (text.rfind("\n", 0, vstart) + 1) + 1
    quote = text[vstart] if vstart < eol else ""
    if quote in ("'", '"', "`"):
        close = _closing_quote(text, vstart + 1, quote)
        if close >= 0 and (text.count("\n", vstart, close) == 0 or _rest_is_blank(text, close + 1)):
            raw = text[vstart + 1:close]
            value = _unescape(raw) if quote == '"' else raw
            end_line = line + raw.count("\n")
            close_eol = text.find("\n", close)
            next_pos = len(text) if close_eol < 0 else close_eol + 1
            entry = Entry(key, value.replace("\r\n", "\n"), line, column + 1, end_line, quote, exported)
            return entry, next_pos, end_line + 1
        # No closing quote on this line or a later one that ends its line cleanly: an unterminated
        # quote. Keep the rest of this line as the value rather than swallowing what follows.
        value = text[vstart + 1:eol].rstrip("\r \t")
        return Entry(key, value, line, column + 1, line, "", exported), eol + 1, line + 1
    raw = text[after_sep:eol]
    value = _strip_comment(raw).strip(" \t\r")
    return Entry(key, value, line, column, line, "", exported), eol + 1, line + 1


def _closing_quote(text: str, pos: int, quote: str) -> int:
    if quote != '"':
        return text.find(quote, pos)
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch == "\\":
            pos += 2
            continue
        if ch == '"':
            return pos
        pos += 1
    return -1


def _rest_is_blank(text: str, pos: int) -> bool:
    """After a closing quote: only blanks or a comment until the line ends."""
    eol = text.find("\n", pos)
    rest = text[pos:len(text) if eol < 0 else eol].strip(" \t\r")
    return not rest or rest.startswith("#")


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        ch = raw[i]
        if ch == "\\" and i + 1 < n:
            nxt = raw[i + 1]
            replacement = _ESCAPES.get(nxt)
            out.append(replacement if replacement is not None else ch + nxt)  # unknown: kept as written
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _strip_comment(raw: str) -> str:
    """An unquoted value up to a `#` that follows whitespace (`KEY= # note` is empty, while
    `KEY=abc#def` and `KEY=#abc` keep their `#`)."""
    for i in range(1, len(raw)):
        if raw[i] == "#" and raw[i - 1] in " \t":
            return raw[:i]
    return raw
