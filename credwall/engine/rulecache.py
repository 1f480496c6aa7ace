"""The parsed form of the rule packs, so that a hook never parses YAML (~270 ms for the
built-in packs, against ~1 ms for this form).

Two places hold it, trusted differently:

- **Shipped**: `ruleset.marshal` beside the built-in packs, written when the wheel is built
  (setup.py) and installed with the code, so it is exactly as trusted as the code. It also
  carries each rule's positive examples, which verify cached regex programs (see matcher).
  It is used only when it was built from the installed packs' exact bytes.
- **User cache**: `rules.marshal` in the user cache directory, for what the shipped form does
  not cover (a config's extra packs; a source checkout, which has no shipped form). Keyed by a
  digest of the packs' bytes (not their size and mtime), credwall's version and Python's; its
  payload carries its own digest. It never holds examples. Any mismatch rebuilds it.

Neither key nor digest stops someone who can write the user cache from writing a consistent
forgery (the digests are of public data); they stop staleness and damage. That is why the
built-in rules never come from the user cache in an installed credwall (docs/security.md).
"""

from __future__ import annotations

import marshal
import os
import sys
from typing import Any, Sequence

from .. import __version__
from . import cachefile
from .rules import Rule, RuleError, load_packs, pack_files

SHIPPED_FORM = "ruleset.marshal"
_MAGIC = "credwall-rules"
_FORMAT = 3  # bump when Rule.to_cache() rows change shape
_MARSHAL_VERSION = 4  # plain data in marshal v4 reads the same on every Python 3 since 3.4


def load_cached(paths: Sequence[str], builtin_dir: str, cache_path: str | None) -> list[Rule]:
    """The rules of `paths`, in order. When they start with every built-in pack and the
    shipped form matches those packs, the built-in rules come from it and only the rest from
    the user cache (`cache_path`; None: no user cache, parse)."""
    paths = list(paths)
    builtin = pack_files(builtin_dir)
    shipped = None
    if builtin and paths[:len(builtin)] == builtin:
        shipped = read_shipped(builtin_dir, builtin)
    if shipped is None:
        return _from_user_cache(paths, cache_path)
    rest = paths[len(builtin):]
    if not rest:
        return shipped
    extra = _from_user_cache(rest, cache_path)
    defined = {rule.id: rule.source for rule in shipped}
    for rule in extra:
        if rule.id in defined:
            path = next(p for p in rest if os.path.basename(p) == rule.source)
            raise RuleError(f"{path}: rule id {rule.id!r} is already defined in {defined[rule.id]}")
    return shipped + extra


def read_shipped(builtin_dir: str, builtin: Sequence[str]) -> list[Rule] | None:
    """The shipped form's rules, or None when there is none (a source checkout) or it was not
    built from these packs' bytes (a pack edited in place)."""
    data = cachefile.read(os.path.join(builtin_dir, SHIPPED_FORM))
    if data is None:
        return None
    contents = _read_packs(builtin)
    if contents is None:
        return None
    # Its payload digest is not checked: installed with the code, it is trusted as the code
    # is (Python does not re-check its .pyc files either), and the key proves it is current.
    return _unpack(data, _shipped_key(builtin, contents), check_payload=False)


def write_shipped(pack_dir: str) -> str:
    """Parse the packs in `pack_dir` and write their shipped form beside them (the build step
    of setup.py). Raises RuleError for a malformed pack: a wheel must not ship one."""
    paths = pack_files(pack_dir)
    contents = _read_packs(paths)
    if contents is None:
        raise RuleError(f"{pack_dir}: cannot read the rule packs")
    rules = load_packs(paths, contents)
    target = os.path.join(pack_dir, SHIPPED_FORM)
    with open(target, "wb") as fh:
        fh.write(_pack(_shipped_key(paths, contents), [rule.to_cache(examples=True) for rule in rules]))
    return target


def _from_user_cache(paths: list[str], cache_path: str | None) -> list[Rule]:
    contents = _read_packs(paths)
    if contents is None or cache_path is None:
        return load_packs(paths, contents)  # an unreadable pack: load_packs names it
    key = (_FORMAT, __version__, sys.version, _packs_digest(paths, contents))
    data = cachefile.read(cache_path)
    if data is not None:
        rules = _unpack(data, key)
        if rules is not None:
            return rules
    rules = load_packs(paths, contents)  # parse the very bytes the key was computed from
    cachefile.write_atomic(cache_path, _pack(key, [rule.to_cache() for rule in rules]))
    return rules


def _read_packs(paths: Sequence[str]) -> list[bytes] | None:
    contents = []
    for path in paths:
        try:
            with open(path, "rb") as fh:
                contents.append(fh.read())
        except OSError:
            return None
    return contents


def _packs_digest(paths: Sequence[str], contents: Sequence[bytes]) -> bytes:
    """Content address of a pack list: each pack's file name (rules record it as their
    `source`) and exact bytes, in order. ~1 ms for the built-in packs."""
    parts: list[bytes] = []
    for path, content in zip(paths, contents):
        parts += (os.path.basename(path).encode("utf-8", "surrogateescape"), content)
    return cachefile.digest(*parts)


def _shipped_key(paths: Sequence[str], contents: Sequence[bytes]) -> tuple[Any, ...]:
    # No Python version: the shipped form is plain data, read alike by every Python 3.
    return (_FORMAT, __version__, _packs_digest(paths, contents))


def _pack(key: tuple[Any, ...], rows: list[tuple[Any, ...]]) -> bytes:
    payload = marshal.dumps(rows, _MARSHAL_VERSION)
    return marshal.dumps((_MAGIC, key, cachefile.digest(payload), payload), _MARSHAL_VERSION)


def _unpack(data: bytes, key: tuple[Any, ...], check_payload: bool = True) -> list[Rule] | None:
    """The rules, if `data` was packed under `key` and its payload is intact; else None."""
    try:
        magic, found_key, payload_digest, payload = marshal.loads(data)
        if magic != _MAGIC or found_key != key:
            return None
        if check_payload and cachefile.digest(payload) != payload_digest:
            return None
        return [Rule.from_cache(row) for row in marshal.loads(payload)]
    except Exception:  # noqa: BLE001 - truncated, damaged or not ours: rebuild
        return None
