"""Git history as a source: the commits a revision set names, read from one streaming
`git log -p` (credwall.sources.git), one file's patch at a time, so memory stays bounded by the
largest patch whatever the history's size."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterable, Iterator


class HistoryError(ValueError):
    """Options that do not make a revision set (the message is for the user)."""


class Commit:
    """The header of the commit being read."""

    __slots__ = ("sha", "parents", "author", "date")

    def __init__(self, header: bytes) -> None:
        fields = header.rstrip(b"\r\n").split(b"\0")  # "", sha, parents, name, email, date
        self.sha = fields[1].decode("ascii")
        self.parents = len(fields[2].split())
        name, email = (f.decode("utf-8", "replace") for f in fields[3:5])
        self.author = f"{name} <{email}>"
        self.date = fields[5].decode("ascii")


def history_revisions(*, rev_range: str | None = None, since: str | None = None,
                      all_branches: bool = False) -> list[str]:
    """The revision arguments for the options: default HEAD's history; `since` REV..HEAD;
    `rev_range` as given (A..B, A...B, or one revision and its history); `all_branches` every
    ref (`--all`), combinable with `since`. Raises HistoryError for conflicting options or a
    revision that would read as a git option."""
    for value in (rev_range, since):
        if value is not None and (not value.strip() or value.startswith("-")):
            raise HistoryError(f"not a revision: {value!r}")
    if rev_range is not None and (since is not None or all_branches):
        raise HistoryError("a range cannot be combined with --since or --all-branches")
    if rev_range is not None:
        return [rev_range]
    revs = ["--all"] if all_branches else ["HEAD"]
    if since is not None:
        revs.append(f"^{since}")
    return revs


def patches(lines: Iterable[bytes]) -> Iterator[tuple[Commit, list[bytes] | None]]:
    """(commit, one file's patch lines) in git's order, then (commit, None) when the commit
    ends: one file's patch is in memory at a time."""
    commit: Commit | None = None
    current: list[bytes] = []
    for line in lines:
        first = line[:1]
        if first == b"\0":  # a commit header
            if commit is not None:
                if current:
                    yield commit, current
                    current = []
                yield commit, None
            commit = Commit(line)
        elif first == b"d" and line.startswith(b"diff "):
            if current:
                assert commit is not None
                yield commit, current
            current = [line]
        elif current:  # the blank line after a header is not part of any file's patch
            current.append(line)
    if commit is not None:
        if current:
            yield commit, current
        yield commit, None


def new_blob(lines: list[bytes]) -> str | None:
    """The new side's blob id from the `index old..new [mode]` line (`--full-index`)."""
    for line in lines:
        if line.startswith(b"index "):
            new = line.split(b"..", 1)[-1].split()[0] if b".." in line else b""
            text = new.decode("ascii", "replace")
            return text if text.strip("0") else None
    return None


def combined_to_unified(lines: list[bytes], parents: int) -> list[bytes]:
    """A combined diff's hunk lines (one tag column per parent) as unified ones: a line added
    against every parent is added ('+'), one removed against any is dropped ('-'), the rest is
    context. Headers pass unchanged (`@@@ -a -b +c @@@` is read by parse_unified_diff)."""
    out: list[bytes] = []
    in_hunk = False
    added = b"+" * parents
    for line in lines:
        if line.startswith(b"@@@"):
            in_hunk = True
        elif in_hunk:
            tags = line[:parents]
            if len(tags) == parents and not tags.strip(b" +-"):
                if b"-" in tags:
                    line = b"-" + line[parents:]
                elif tags == added:
                    line = b"+" + line[parents:]
                else:
                    line = b" " + line[parents:]
            elif not line.startswith(b"\\"):
                in_hunk = False
        out.append(line)
    return out
