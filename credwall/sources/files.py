"""Files and directories: walking a tree, and the directories a walk does not enter (and why)."""

from __future__ import annotations

import os
import stat
from typing import Callable, Iterator

# Files larger than this are reported as skipped (never silently): a later knob raises it.
MAX_FILE_BYTES = 100 * 1024 * 1024

# Version control's own data: not the tree's content, left out without a word.
_VCS_DIRS = frozenset({".git", ".hg", ".svn"})
_SKIP_DIRS = frozenset({*_VCS_DIRS, "node_modules", "bower_components", ".venv",
                        "venv", "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache",
                        ".ruff_cache", "site-packages", ".terraform"})


class NotAFile(OSError):
    """The path is not a regular file (a FIFO, a device, a socket, a directory)."""


class TooLarge(OSError):
    """The file is larger than the size limit."""


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def read_file(path: str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes. Opened without following a symlink and without blocking, then
    checked on the open descriptor, so a FIFO or device put in a file's place (even between a
    check and the read) is refused, never read: NotAFile, TooLarge, or the OSError."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotAFile(f"not a regular file: {path}")
        if st.st_size > max_bytes:
            raise TooLarge(f"larger than {max_bytes} bytes: {path}")
        chunks = []
        while True:
            chunk = os.read(fd, max(st.st_size, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


IGNORED_BY_GIT = "ignored by git (--include-ignored scans them)"


def walk(root: str, ignored: Callable[[str], bool] | None = None) -> Iterator[tuple[str, str | None]]:
    """(path, None) for the files under root, sorted; (path, reason) for each directory not
    entered (vendored, a symlink, ignored by git) and each file ignored by git, so the summary
    can say so. `ignored(path)`: does git ignore this path below root?"""
    if not os.path.isdir(root):
        yield root, None
        return
    for dirpath, dirnames, filenames in os.walk(root):
        kept = []
        for name in sorted(dirnames):
            full = os.path.join(dirpath, name)
            if name in _VCS_DIRS:
                continue
            if name in _SKIP_DIRS:
                yield full, "vendored"
            elif os.path.islink(full):  # os.walk would not descend; say so
                yield full, "symlink"
            elif ignored is not None and ignored(full):
                yield full, IGNORED_BY_GIT
            else:
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            yield full, (IGNORED_BY_GIT if ignored is not None and ignored(full) else None)
