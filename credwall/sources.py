"""Sources of text: files and directories, decoding, and the paths skipped by default."""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterator

# Files larger than this are reported as skipped (never silently): a later knob raises it.
MAX_FILE_BYTES = 100 * 1024 * 1024
_SNIFF_BYTES = 8192

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
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def skip_reason_for_path(path: str) -> str | None:
    """Why a path is skipped without reading it: a lockfile, vendored or binary by name."""
    pure = PurePosixPath(path.replace(os.sep, "/"))
    name = pure.name.lower()
    if name in _LOCKFILES:
        return "lockfile"
    if any(part in _SKIP_DIRS for part in pure.parts[:-1]):
        return "vendored"
    if pure.suffix.lower() in _BINARY_SUFFIXES or name.endswith(".min.js.map"):
        return "binary"
    return None


@dataclass(frozen=True)
class Decoded:
    text: str | None  # None when the content is not text
    note: str | None = None  # "binary", "utf-16", "lossy" … said in the summary


def decode(data: bytes) -> Decoded:
    """Text of a file's bytes: BOM-aware, NUL means binary, invalid UTF-8 is decoded lossily
    (and counted) rather than skipped, so a stray Latin-1 byte cannot hide a token."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), None if encoding == "utf-8-sig" else encoding)
            except UnicodeDecodeError:
                return Decoded(data.decode(encoding, "replace"), f"{encoding} lossy")
    if b"\0" in data[:_SNIFF_BYTES]:
        return Decoded(None, "binary")
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        return Decoded(data.decode("utf-8", "replace"), "lossy")


def walk(root: str) -> Iterator[str]:
    """Files under root, sorted, not following directory symlinks, pruning skipped dirs."""
    if not os.path.isdir(root):
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames):
            yield os.path.join(dirpath, name)
