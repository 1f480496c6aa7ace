"""Where a command's relative paths point: the project root, a directory inside it, a temp
directory, or somewhere else entirely, as far as the hook's `cwd` and the `cd` commands in
the same string tell."""

from __future__ import annotations

import os
import posixpath
from typing import Iterable

from .argv import operands
from .shell import Command, Word

ROOT, SUB, TEMP, OUTSIDE = "root", "sub", "temp", "outside"


class TempDirs:
    """Directories where a recursive delete needs no confirmation."""

    def __init__(self, dirs: Iterable[str]) -> None:
        self.dirs = tuple(posixpath.normpath(t.replace("\\", "/")) for t in dirs)

    def __contains__(self, norm: str) -> bool:
        """Is the normalised path one of them or inside one?"""
        return any(norm == t or norm.startswith(t + "/") for t in self.dirs)


class Where:
    """The state of the working directory while the commands of one string are judged."""

    def __init__(self, cwd: str | None, temp: TempDirs) -> None:
        self.temp = temp
        home = os.path.expanduser("~")
        self.state = OUTSIDE if cwd and posixpath.normpath(cwd) in ("/", posixpath.normpath(home)) else ROOT
        if cwd and posixpath.normpath(cwd) in temp:
            self.state = TEMP

    def track_cd(self, cmd: Command) -> None:
        """Follow `cd` through the string (nested scripts included): after a cd out of the
        project, relative paths no longer point into it."""
        targets = operands(cmd.args)
        target = targets[0] if targets else "~"
        word = next((w for w in cmd.argv[1:] if w.text == target), Word(target))
        if word.dynamic or target in ("~", "-") or target.startswith("~"):
            self.state = OUTSIDE
            return
        norm = posixpath.normpath(target)
        if target.startswith("/"):
            self.state = TEMP if norm in self.temp else OUTSIDE
        elif norm == ".." or norm.startswith("../"):
            self.state = OUTSIDE if self.state != TEMP else TEMP
        elif norm != "." and self.state == ROOT:
            self.state = SUB
