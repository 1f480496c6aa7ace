"""The user cache directory: where it is, reading and writing its files, and the content digest
that keys and checks them.

Everything read from here is untrusted: anyone who can write the directory (an agent can) can
put anything in it. So readers key entries by the content they were built from, check a digest
of the payload, never follow a name found here to code, and treat any doubt as "no cache".
Writers never leave half a file or a `*.tmp` behind, and a read-only or full disk never stops
a scan.
"""

from __future__ import annotations

import os
import stat

# A cache file bigger than this is not ours (the regex cache of every rule is ~1 MiB).
MAX_CACHE_BYTES = 64 * 1024 * 1024


def digest(*parts: bytes) -> bytes:
    """BLAKE2b-256 of the parts, each length-prefixed (so ("ab", "c") != ("a", "bc")): the
    content address of what a cache was built from. As collision-resistant as SHA-256 and
    twice as fast here; `_blake2` is what hashlib.blake2b is (importing hashlib itself loads
    OpenSSL, ~3 ms), imported only when a digest is needed."""
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a CPython built without it
        from hashlib import blake2b
    h = blake2b(digest_size=32)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.digest()


def checksum(*parts: bytes) -> int:
    """CRC-32 of the parts, length-prefixed: detects damage, cheaply (zlib is loaded anyway).
    Neither this nor `digest` stops a deliberate forgery: anyone can recompute both."""
    from zlib import crc32

    value = 0
    for part in parts:
        value = crc32(part, crc32(len(part).to_bytes(8, "little"), value))
    return value


def cache_dir() -> str:
    """$CREDWALL_CACHE_DIR, else $XDG_CACHE_HOME/credwall, else ~/.cache/credwall."""
    override = os.environ.get("CREDWALL_CACHE_DIR")
    if override:
        return override
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "credwall")


def cache_file(name: str) -> str | None:
    """The path of one cache file, or None when CREDWALL_NO_CACHE is set (no user cache at all:
    built-in rules still load from the installed package, regexes compile from source)."""
    if os.environ.get("CREDWALL_NO_CACHE"):
        return None
    return os.path.join(cache_dir(), name)


def read(path: str) -> bytes | None:
    """The file's bytes, or None if it is missing, unreadable, not a regular file (a FIFO
    would block the commit forever) or implausibly large."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_CACHE_BYTES:
            return None
        chunks: list[bytes] = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)


def write_atomic(path: str, data: bytes) -> bool:
    """Write via a temp file and rename, so readers never see half a file. True when written;
    False (and no temp file left) when the directory is read-only, the disk is full, a file
    size limit is hit, or anything else goes wrong: a cache is never worth failing a scan."""
    from _thread import get_ident  # two threads of one process (a Dask worker) write apart

    tmp = f"{path}.{os.getpid()}.{get_ident()}.tmp"
    try:
        os.makedirs(os.path.dirname(path) or ".", mode=0o700, exist_ok=True)
        fd = _create_exclusive(tmp)
    except OSError:
        return False
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)  # may itself report ENOSPC (delayed allocation, NFS)
        os.replace(tmp, path)
        return True
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            return False
        raise  # KeyboardInterrupt and the like: cleaned up, then propagated


def _create_exclusive(tmp: str) -> int:
    """A new file (O_EXCL: never truncate or follow what is already there, such as a symlink
    planted at the name); one left by a dead process with our pid is removed first."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(tmp, flags, 0o600)
    except FileExistsError:
        os.unlink(tmp)  # unlinking a planted symlink removes the link, not its target
        return os.open(tmp, flags, 0o600)
