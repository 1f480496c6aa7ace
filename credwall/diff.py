"""Unified diff (as `git diff -U0` prints it) -> the added lines of each new-side file."""

from __future__ import annotations

from typing import Iterable, NamedTuple
_ESCAPES = {b"a": 7, b"b": 8, b"t": 9, b"n": 10, b"v": 11, b"f": 12, b"r": 13, b'"': 34, b"\\": 92}


class FileDiff(NamedTuple):
    path: bytes  # new-side path, raw bytes as git stores it
    added: list[tuple[int, int]]  # 1-based inclusive line ranges, filled while parsing
    binary: bool = False

    def added_lines(self) -> set[int]:
        return {n for start, end in self.added for n in range(start, end + 1)}

    def touches(self, first: int, last: int) -> bool:
        return any(start <= last and first <= end for start, end in self.added)


def unquote_path(raw: bytes) -> bytes:
    """Undo git's C-style quoting of a path ("a\\tb", "\\303\\251")."""
    if not (raw.startswith(b'"') and raw.endswith(b'"') and len(raw) >= 2):
        return raw
    body, out, i = raw[1:-1], bytearray(), 0
    while i < len(body):
        ch = body[i:i + 1]
        if ch != b"\\":
            out += ch
            i += 1
            continue
        nxt = body[i + 1:i + 2]
        if nxt.isdigit() and body[i + 1:i + 4].isdigit():
            out.append(int(body[i + 1:i + 4], 8) & 0xFF)
            i += 4
        else:
            out.append(_ESCAPES.get(nxt, nxt[0] if nxt else 92))
            i += 2
    return bytes(out)


def _header_path(rest: bytes, prefix: bytes) -> bytes | None:
    if rest == b"/dev/null":
        return None
    path = unquote_path(rest.rstrip(b"\t"))  # git adds a tab after names with spaces
    return path[len(prefix):] if path.startswith(prefix) else path


def parse_unified_diff(lines: Iterable[bytes]) -> list[FileDiff]:
    """Files with their added-line ranges. Expects `--src-prefix=a/ --dst-prefix=b/`."""
    files: list[FileDiff] = []
    current: FileDiff | None = None
    for raw in lines:
        if raw[:1] in (b"+", b"-", b" ") and current is not None:
            continue  # hunk content: the ranges come from the @@ headers
        line = raw.rstrip(b"\r\n")
        if line.startswith((b"diff --git ", b"diff --cc ", b"diff --combined ")):
            current = None
        elif line.startswith(b"+++ "):
            new_path = _header_path(line[4:], b"b/")
            if new_path is not None:
                current = FileDiff(path=new_path, added=[])
                files.append(current)
        elif line.startswith(b"Binary files ") and line.endswith(b" differ"):
            # "Binary files a/x and b/y differ": no hunks and no +++ line.
            names = line[len(b"Binary files "):-len(b" differ")]
            new_path = _header_path(names.rpartition(b" and ")[2], b"b/")
            if new_path is not None:
                files.append(FileDiff(path=new_path, added=[], binary=True))
        elif line.startswith(b"@@") and current is not None:
            added = _new_side_range(line)
            if added is not None:
                current.added.append(added)
    return files


def _new_side_range(header: bytes) -> tuple[int, int] | None:
    """`@@ -a,b +c,d @@` (or `@@@ -a -b +c @@@` for merges) -> added lines (c, c+d-1)."""
    for field in header.split(b" ")[1:]:
        if field.startswith(b"+"):
            start, _, count = field[1:].partition(b",")
            try:
                first, n = int(start), int(count) if count else 1
            except ValueError:
                return None
            return (first, first + n - 1) if n else None
        if field.startswith(b"@"):
            break
    return None
