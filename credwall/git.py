"""The only place that runs git. Output is parsed from machine formats and the user's diff and
colour configuration is overridden, so `diff.external`, `color.ui=always`, `diff.noprefix` or
`core.quotepath` cannot change what we read."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from typing import Iterable, Sequence

from .diff import FileDiff, parse_unified_diff

# Config that would change the text we parse, pinned for every call.
_PINNED_CONFIG = (
    "-c", "core.quotepath=false", "-c", "color.ui=false", "-c", "diff.noprefix=false",
    "-c", "diff.mnemonicPrefix=false", "-c", "diff.relative=false", "-c", "core.safecrlf=false",
)
_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
_DIFF_FLAGS = ("--no-ext-diff", "--no-color", "--no-textconv", "-U0", "--src-prefix=a/",
               "--dst-prefix=b/", "-M", "--diff-filter=ACMRT")


class GitError(Exception):
    """git failed or is not there; the message says which command and why."""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # Hooks run inside git: GIT_INDEX_FILE etc. must be kept, but never page or prompt.
    env.update({"GIT_PAGER": "cat", "PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    env.pop("GIT_EXTERNAL_DIFF", None)
    return env


def run_git(args: Sequence[str], cwd: str | None = None, input: bytes | None = None) -> bytes:
    cmd = ["git", *_PINNED_CONFIG, *args]
    try:
        proc = subprocess.run(cmd, cwd=cwd, input=input, capture_output=True, env=_env(), check=False)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"`git {' '.join(args[:3])}` failed: {detail[-1] if detail else proc.returncode}")
    return proc.stdout


def toplevel(cwd: str | None = None) -> str | None:
    """The work tree's root, or None outside a git work tree."""
    try:
        out = run_git(["rev-parse", "--show-toplevel"], cwd=cwd)
    except GitError:
        return None
    return os.fsdecode(out.rstrip(b"\n")) or None


def _has_head(root: str) -> bool:
    try:
        run_git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], cwd=root)
    except GitError:
        return False
    return True


@dataclass(frozen=True)
class StagedFile:
    path: bytes  # relative to the repo root, raw bytes
    blob: str  # staged blob id
    diff: FileDiff


def staged_files(root: str, pathspecs: Iterable[bytes] = ()) -> list[StagedFile]:
    """Files with staged additions (or binary changes), with their staged blob ids.

    Works in a repo with no commits yet (compares against the empty tree)."""
    base = "HEAD" if _has_head(root) else _EMPTY_TREE
    specs = ["--", *(os.fsdecode(p) for p in pathspecs)] if pathspecs else []
    raw = run_git(["diff", "--cached", "--raw", "-z", "--no-abbrev", "-M", "--diff-filter=ACMRT",
                   "--no-ext-diff", base, *specs], cwd=root)
    blobs: dict[bytes, tuple[str, str]] = {}
    parts = raw.split(b"\0")
    i = 0
    while i < len(parts) - 1:
        header = parts[i]
        if not header.startswith(b":"):
            i += 1
            continue
        fields = header[1:].split(b" ")
        new_mode, new_blob, status = fields[1].decode(), fields[3].decode(), fields[4].decode()
        if status[:1] in ("R", "C"):
            path, i = parts[i + 2], i + 3
        else:
            path, i = parts[i + 1], i + 2
        blobs[path] = (new_mode, new_blob)
    if not blobs:
        return []
    patch = run_git(["diff", "--cached", *_DIFF_FLAGS, base, *specs], cwd=root)
    result = []
    for file_diff in parse_unified_diff(patch.splitlines(keepends=True)):
        mode, blob = blobs.get(file_diff.path, ("", ""))
        # Gitlinks (submodules) and symlinks carry no file text of their own.
        if not blob or mode in ("160000", "120000"):
            continue
        if file_diff.added or file_diff.binary:
            result.append(StagedFile(path=file_diff.path, blob=blob, diff=file_diff))
    return result


def read_blobs(root: str, blob_ids: Sequence[str]) -> dict[str, bytes]:
    """Contents of many blobs through one `git cat-file --batch`."""
    if not blob_ids:
        return {}
    out = run_git(["cat-file", "--batch"], cwd=root, input="".join(f"{b}\n" for b in blob_ids).encode())
    contents: dict[str, bytes] = {}
    pos = 0
    for blob in blob_ids:
        eol = out.index(b"\n", pos)
        header = out[pos:eol].split(b" ")
        if len(header) != 3:
            raise GitError(f"cannot read staged blob {blob}: {out[pos:eol].decode('ascii', 'replace')}")
        size = int(header[2])
        contents[blob] = out[eol + 1:eol + 1 + size]
        pos = eol + 1 + size + 1
    return contents
