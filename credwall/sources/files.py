"""Files and directories: walking a tree, and the paths skipped by default (and why)."""

from __future__ import annotations

import os
from typing import Iterator, NamedTuple

# Files larger than this are reported as skipped (never silently): a later knob raises it.
MAX_FILE_BYTES = 100 * 1024 * 1024

_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "bower_components", ".venv",
                        "venv", "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache",
                        ".ruff_cache", "site-packages", ".terraform"})
_LOCKFILES = frozenset({"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
                        "poetry.lock", "pdm.lock", "uv.lock", "pipfile.lock", "cargo.lock", "go.sum",
                        "composer.lock", "gemfile.lock", "podfile.lock", "packages.lock.json",
                        "flake.lock", "mix.lock", "pubspec.lock", "bun.lockb"})
_BINARY_SUFFIXES = frozenset(
    ".png .jpg .jpeg .gif .bmp .ico .icns .webp .tif .tiff .psd .heic .mp3 .mp4 .m4a .mov .avi"
    " .mkv .wav .flac .ogg .webm .pdf .zip .gz .tgz .bz2 .xz .zst .7z .rar .tar .jar .war .ear"
    " .class .so .dylib .dll .exe .o .a .lib .obj .pyc .pyo .whl .egg .woff .woff2 .ttf .otf"
    " .eot .sqlite .db .bin .dat .iso .dmg .deb .rpm .apk .ipa .wasm .npy .npz .pkl .parquet"
    .split())


# Scanners' own records of known findings: fingerprints and hashes, never secrets, but
# hash-shaped enough to trip generic rules.
_BASELINE_FILES = frozenset({".credwall-baseline.jsonl", ".secrets.baseline", ".gitleaksignore",
                             ".betterleaksignore", "gitleaks-baseline.json"})


def skip_reason_for_path(path: str) -> str | None:
    """Why a path is skipped without reading it: a lockfile, a scanner baseline, vendored or
    binary by name."""
    parts = path.replace(os.sep, "/").split("/")
    name = parts[-1].lower()
    if name in _LOCKFILES:
        return "lockfile"
    if name in _BASELINE_FILES:
        return "scanner baseline"
    if any(part in _SKIP_DIRS for part in parts[:-1]):
        return "vendored"
    dot = name.rfind(".")
    if (dot > 0 and name[dot:] in _BINARY_SUFFIXES) or name.endswith(".min.js.map"):
        return "binary"
    return None


def walk(root: str) -> Iterator[tuple[str, str | None]]:
    """(path, None) for the files under root, sorted; (dir path, reason) for each directory not
    entered (vendored, or a symlink), so the summary can say so."""
    if not os.path.isdir(root):
        yield root, None
        return
    for dirpath, dirnames, filenames in os.walk(root):
        kept = []
        for name in sorted(dirnames):
            full = os.path.join(dirpath, name)
            if name in _SKIP_DIRS:
                yield full, "vendored"
            elif os.path.islink(full):  # os.walk would not descend; say so
                yield full, "symlink"
            else:
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            yield os.path.join(dirpath, name), None
