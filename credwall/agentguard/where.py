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
        self.home = posixpath.normpath(os.path.expanduser("~"))
        norm = posixpath.normpath(cwd) if cwd and cwd.startswith("/") else None
        self.project = project_root(norm) if norm else None
        if norm in ("/", self.home):
            self.state, self.project = OUTSIDE, None
        elif norm is not None and norm in temp.dirs:
            self.state, self.project = TEMP, None  # the agent runs in the temp dir itself
        else:
            # The directory the agent works in is its project, wherever it is: a checkout under
            # /tmp is no scratch space (`rm -rf .git` there loses its history all the same).
            self.state = ROOT if norm is None or norm == self.project else SUB

    def protects(self, norm: str) -> str | None:
        """Why deleting this absolute path recursively loses part of the project, or None."""
        project = self.project
        if not project:
            return None
        if norm == project:
            return "is the whole project"
        if project.startswith(norm.rstrip("/") + "/"):
            return "contains the project"
        if norm == project + "/.git" or norm.startswith(project + "/.git/"):
            return "is the repository's history"
        return None

    def inside(self, norm: str) -> bool:
        return bool(self.project) and norm.startswith(str(self.project) + "/")

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
            if norm == self.project or self.inside(norm):
                self.state = ROOT if norm == self.project else SUB
            else:
                self.state = TEMP if norm in self.temp else OUTSIDE
        elif norm == ".." or norm.startswith("../"):
            self.state = OUTSIDE if self.state != TEMP else TEMP
        elif norm != "." and self.state == ROOT:
            self.state = SUB


def project_root(cwd: str) -> str:
    """The git work tree that holds cwd, or cwd itself (the agent's workspace is its project)."""
    path = cwd
    for _ in range(64):
        if os.path.exists(posixpath.join(path, ".git")):
            return path
        parent = posixpath.dirname(path)
        if parent == path:
            break
        path = parent
    return cwd
