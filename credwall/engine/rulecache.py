"""The parsed form of the rule packs, so that a hook never parses YAML (~270 ms for the
built-in packs, against ~1 ms for this form).

Two places hold it, trusted differently:

- **Shipped**: `ruleset.marshal` beside the built-in packs, written when the wheel is built
  (setup.py) and installed with the code, so it is exactly as trusted as the code. It also
  carries a table of each rule's positive examples, decoded per rule on demand, which verify
  cached regex programs (see matcher). It is used only when the installed packs still have
  the sizes and CRC-32s it was built from. A checksum, not a cryptographic digest, is enough
  here: packs and form lie side by side in the install, so only someone who can rewrite
  credwall's code can make them differ on purpose; the check catches a pack edited in place
  by hand. (On every run, CRC-32 of the 480 KB of packs costs ~0.4 ms here, BLAKE2b ~1.5 ms.)
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
from functools import partial
from typing import Any, Sequence

from .. import __version__
from . import cachefile
from .rules import Example, Rule, RuleError, load_packs, pack_files

SHIPPED_FORM = "ruleset.marshal"
_as_example = partial(tuple.__new__, Example)  # (text, secret) -> Example, without NamedTuple's __new__
_MAGIC = "credwall-rules"
_FORMAT = 6  # bump when Rule.to_cache() rows change shape (4: analyser rules, 5: advisory, 6: requires)
_MARSHAL_VERSION = 4  # plain data in marshal v4 reads the same on every Python 3 since 3.4


class ExampleTable:
    """Each rule's positive examples, for verifying cached regex programs: those the rule
    itself carries (packs parsed in this process), else the shipped table's (decoded per rule
    on first request: a hook uses a handful of rules out of hundreds). Never written to the
    user cache: examples are secret-shaped."""

    def __init__(self, packed: bytes = b"") -> None:
        self._packed = packed  # marshalled {rule id: marshalled ((text, secret), ...)}
        self._table: dict[str, bytes] | None = None

    def __call__(self, rule: Rule) -> tuple[Example, ...]:
        if rule.examples:
            return rule.examples
        try:
            if self._table is None:
                table = marshal.loads(self._packed) if self._packed else {}
                self._table = table if type(table) is dict else {}
            blob = self._table.get(rule.id)
            return tuple(map(_as_example, marshal.loads(blob))) if blob else ()
        except Exception:  # noqa: BLE001 - a damaged table verifies nothing
            return ()


class RuleSet:
    """Rules in load order and the examples that verify their cached regex programs.
    (A plain class: defining a NamedTuple costs a hook ~0.2 ms at import.)"""

    __slots__ = ("rules", "examples")

    def __init__(self, rules: list[Rule], examples: ExampleTable) -> None:
        self.rules = rules
        self.examples = examples


def load_cached(paths: Sequence[str], builtin_dir: str, cache_path: str | None) -> RuleSet:
    """The rules of `paths`, in order. When they start with every built-in pack and the
    shipped form matches those packs, the built-in rules come from it and only the rest from
    the user cache (`cache_path`; None: no user cache, parse)."""
    paths = list(paths)
    builtin = pack_files(builtin_dir)
    shipped = None
    if builtin and paths[:len(builtin)] == builtin:
        shipped = read_shipped(builtin_dir, builtin)
    if shipped is None:
        return RuleSet(_from_user_cache(paths, cache_path), ExampleTable())
    rest = paths[len(builtin):]
    if not rest:
        return shipped
    extra = _from_user_cache(rest, cache_path)
    defined = {rule.id: rule.source for rule in shipped.rules}
    for rule in extra:
        if rule.id in defined:
            path = next(p for p in rest if os.path.basename(p) == rule.source)
            raise RuleError(f"{path}: rule id {rule.id!r} is already defined in {defined[rule.id]}")
    return RuleSet(shipped.rules + extra, shipped.examples)


def read_shipped(builtin_dir: str, builtin: Sequence[str]) -> RuleSet | None:
    """The shipped form's rules and examples, or None when there is none (a source checkout)
    or it was not built from these packs (a pack edited in place)."""
    data = cachefile.read(os.path.join(builtin_dir, SHIPPED_FORM))
    if data is None:
        return None
    contents = _read_packs(builtin)
    if contents is None:
        return None
    # Its payload digest is not checked: installed with the code, it is trusted as the code
    # is (Python does not re-check its .pyc files either), and the key proves it is current.
    unpacked = _unpack(data, _shipped_key(builtin, contents), check_payload=False)
    if unpacked is None:
        return None
    rules, extra = unpacked
    return RuleSet(rules, ExampleTable(extra[0] if extra and type(extra[0]) is bytes else b""))


def write_shipped(pack_dir: str) -> str:
    """Parse the packs in `pack_dir` and write their shipped form beside them (the build step
    of setup.py). Raises RuleError for a malformed pack: a wheel must not ship one."""
    paths = pack_files(pack_dir)
    contents = _read_packs(paths)
    if contents is None:
        raise RuleError(f"{pack_dir}: cannot read the rule packs")
    rules = load_packs(paths, contents)
    examples = {rule.id: marshal.dumps(tuple(tuple(e) for e in rule.examples), _MARSHAL_VERSION)
                for rule in rules if rule.examples}
    target = os.path.join(pack_dir, SHIPPED_FORM)
    with open(target, "wb") as fh:
        fh.write(_pack(_shipped_key(paths, contents), [rule.to_cache() for rule in rules],
                       marshal.dumps(examples, _MARSHAL_VERSION)))
    return target


def _from_user_cache(paths: list[str], cache_path: str | None) -> list[Rule]:
    contents = _read_packs(paths)
    if contents is None or cache_path is None:
        return load_packs(paths, contents)  # an unreadable pack: load_packs names it
    key = (_FORMAT, __version__, sys.version, _packs_digest(paths, contents))
    data = cachefile.read(cache_path)
    if data is not None:
        unpacked = _unpack(data, key)
        if unpacked is not None:
            return unpacked[0]
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
    `source`) and exact bytes, in order. ~1.5 ms for all the built-in packs (which only a
    source checkout hashes: an install has their shipped form)."""
    parts: list[bytes] = []
    for path, content in zip(paths, contents):
        parts += (os.path.basename(path).encode("utf-8", "surrogateescape"), content)
    return cachefile.digest(*parts)


def _shipped_key(paths: Sequence[str], contents: Sequence[bytes]) -> tuple[Any, ...]:
    """No Python version: the shipped form is plain data, read alike by every Python 3."""
    packs = tuple((os.path.basename(path), len(content), cachefile.checksum(content))
                  for path, content in zip(paths, contents))
    return (_FORMAT, __version__, packs)


def _pack(key: tuple[Any, ...], rows: list[tuple[Any, ...]], *extra: bytes) -> bytes:
    payload = marshal.dumps(rows, _MARSHAL_VERSION)
    return marshal.dumps((_MAGIC, key, cachefile.digest(payload), payload, *extra), _MARSHAL_VERSION)


def _unpack(data: bytes, key: tuple[Any, ...], check_payload: bool = True) -> tuple[list[Rule], tuple[Any, ...]] | None:
    """The rules and any extra parts, if `data` was packed under `key` and its payload is
    intact; else None."""
    try:
        magic, found_key, payload_digest, payload, *extra = marshal.loads(data)
        if magic != _MAGIC or found_key != key:
            return None
        if check_payload and cachefile.digest(payload) != payload_digest:
            return None
        return [Rule.from_cache(row) for row in marshal.loads(payload)], tuple(extra)
    except Exception:  # noqa: BLE001 - truncated, damaged or not ours: rebuild
        return None
