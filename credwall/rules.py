"""Rules: load the YAML packs, validate them, cache the parsed form.

Rules are data (patterns/*.yaml). Parsing YAML costs more than the whole scan of a typical
commit, so the parsed rules (without their examples) are cached as JSON, keyed on the packs'
names, sizes and mtimes; a stale or unreadable cache is simply rebuilt.
"""

from __future__ import annotations

import marshal
import os
import sys
from typing import Any, Iterable, NamedTuple

from . import __version__


CONFIDENCES = ("low", "medium", "high")
SECRET_GROUP = "secret"
_RULE_KEYS = frozenset({
    "id", "description", "keywords", "regex", "entropy", "min_length", "confidence", "checksum",
    "lines", "generic", "tags", "references", "examples", "negative_examples", "known_misses",
    "no_keywords_reason",
})
_REQUIRED_KEYS = ("id", "description", "regex", "confidence")


class RuleError(Exception):
    """A rule pack is malformed; the message names the file and the rule."""


class Example(NamedTuple):
    text: str
    secret: str


class Rule(NamedTuple):
    id: str
    description: str
    regex: str
    confidence: str
    keywords: tuple[str, ...] = ()
    entropy: float | None = None
    min_length: int = 1
    checksum: str | None = None
    lines: int = 1
    generic: bool = False
    tags: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    family: str = ""
    source: str = ""
    no_keywords_reason: str | None = None
    examples: tuple[Example, ...] = ()
    negative_examples: tuple[str, ...] = ()
    known_misses: tuple[Example, ...] = ()

    @property
    def confidence_rank(self) -> int:
        return CONFIDENCES.index(self.confidence)

    def to_cache(self) -> tuple[Any, ...]:
        """The rule without its examples (secret-shaped strings never reach the cache)."""
        return tuple(self[:-3])

    @classmethod
    def from_cache(cls, data: tuple[Any, ...]) -> Rule:
        return cls(*data)


def builtin_pack_dir() -> str:
    """`patterns/` as installed: the `credwall.patterns` package directory."""
    import importlib

    try:
        patterns = importlib.import_module("credwall.patterns")
    except ImportError:
        raise RuleError("the built-in rule packs (credwall/patterns) are missing from this install") from None
    return os.path.dirname(os.path.abspath(str(patterns.__file__)))


def pack_files(directory: str | os.PathLike[str]) -> list[str]:
    directory = os.fspath(directory)
    return sorted(os.path.join(directory, n) for n in os.listdir(directory)
                  if n.endswith(".yaml") and os.path.isfile(os.path.join(directory, n)))


def _as_str_tuple(value: Any, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{where}: `{key}` must be a list of strings")
    return tuple(value)


def _parse_example(raw: Any, where: str) -> Example:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise RuleError(f"{where}: each example needs `text` (and `secret`) strings")
    secret = raw.get("secret")
    if not isinstance(secret, str) or not secret:
        raise RuleError(f"{where}: example is missing its expected `secret`")
    return Example(text=raw["text"], secret=secret)


def parse_rule(raw: Any, *, family: str, source: str) -> Rule:
    if not isinstance(raw, dict):
        raise RuleError(f"{source}: each entry of `rules` must be a mapping")
    rule_id = raw.get("id")
    where = f"{source}: rule {rule_id!r}"
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    for key in _REQUIRED_KEYS:
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise RuleError(f"{where}: missing or empty `{key}`")
    if raw["confidence"] not in CONFIDENCES:
        raise RuleError(f"{where}: confidence must be one of {', '.join(CONFIDENCES)}")
    keywords = _as_str_tuple(raw.get("keywords"), where, "keywords")
    for kw in keywords:
        if kw != kw.lower() or not kw.isascii() or not kw.strip():
            raise RuleError(f"{where}: keyword {kw!r} must be non-empty lower-case ASCII")
    if not keywords and not raw.get("no_keywords_reason"):
        raise RuleError(f"{where}: no keywords; give `no_keywords_reason` if that is intended")
    entropy = raw.get("entropy")
    if entropy is not None and not isinstance(entropy, (int, float)):
        raise RuleError(f"{where}: `entropy` must be a number")
    lines = raw.get("lines", 1)
    if not isinstance(lines, int) or not 1 <= lines <= 500:
        raise RuleError(f"{where}: `lines` must be an integer from 1 to 500")
    min_length = raw.get("min_length", 1)
    if not isinstance(min_length, int) or min_length < 1:
        raise RuleError(f"{where}: `min_length` must be a positive integer")
    from .checksums import VALIDATORS

    checksum = raw.get("checksum")
    if checksum is not None and checksum not in VALIDATORS:
        raise RuleError(f"{where}: unknown checksum {checksum!r} (known: {', '.join(VALIDATORS)})")
    examples = tuple(_parse_example(e, where) for e in raw.get("examples") or ())
    misses = tuple(
        Example(text=m["text"], secret=m.get("secret", "")) if isinstance(m, dict) and "text" in m
        else _raise(RuleError(f"{where}: each known_misses entry needs `text` and `reason`"))
        for m in raw.get("known_misses") or ()
    )
    return Rule(
        id=raw["id"],
        description=raw["description"].strip(),
        regex=raw["regex"],
        confidence=raw["confidence"],
        keywords=keywords,
        entropy=float(entropy) if entropy is not None else None,
        min_length=min_length,
        checksum=checksum,
        lines=lines,
        generic=bool(raw.get("generic", False)),
        tags=_as_str_tuple(raw.get("tags"), where, "tags"),
        references=_as_str_tuple(raw.get("references"), where, "references"),
        family=family,
        source=source,
        no_keywords_reason=raw.get("no_keywords_reason"),
        examples=examples,
        negative_examples=_as_str_tuple(raw.get("negative_examples"), where, "negative_examples"),
        known_misses=misses,
    )


def _raise(exc: Exception) -> Any:
    raise exc


def _load_yaml(path: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path, "rb") as fh:
            return yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: not valid YAML: {exc}") from None
    except OSError as exc:
        raise RuleError(f"{path}: cannot read: {exc.strerror}") from None


def load_pack(path: str | os.PathLike[str]) -> list[Rule]:
    path = os.fspath(path)
    data = _load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{path}: a rule pack is a mapping with a `rules` list")
    name = os.path.basename(path)
    family = data.get("family") or name.rsplit(".", 1)[0]
    return [parse_rule(raw, family=family, source=name) for raw in data["rules"]]


def load_packs(paths: Iterable[str | os.PathLike[str]]) -> list[Rule]:
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in paths:
        for rule in load_pack(path):
            if rule.id in seen:
                raise RuleError(f"{path}: rule id {rule.id!r} is already defined in {seen[rule.id]}")
            seen[rule.id] = rule.source
            rules.append(rule)
    return rules


def cache_dir() -> str:
    override = os.environ.get("CREDWALL_CACHE_DIR")
    if override:
        return override
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "credwall")


def _cache_key(paths: list[str]) -> list[tuple[str, int, int]]:
    key = []
    for path in paths:
        st = os.stat(path)
        key.append((os.path.abspath(path), st.st_size, st.st_mtime_ns))
    return key


def load_rules(paths: list[str] | None = None, *, use_cache: bool = True) -> list[Rule]:
    """Rules of the given packs (default: the built-in ones), from the cache when it is fresh."""
    if paths is None:
        paths = pack_files(builtin_pack_dir())
    if not use_cache:
        return load_packs(paths)
    key = (__version__, sys.version, _cache_key(paths))
    cache_file = os.path.join(cache_dir(), "rules.marshal")
    try:
        with open(cache_file, "rb") as fh:
            cached_key, rows = marshal.load(fh)
        if cached_key == key:
            return [Rule.from_cache(row) for row in rows]
    except Exception:  # noqa: BLE001 - missing, stale or damaged: rebuild
        pass
    rules = load_packs(paths)
    from .regexcache import write_atomic

    try:
        write_atomic(cache_file, marshal.dumps((key, [rule.to_cache() for rule in rules])))
    except (OSError, ValueError):
        pass  # a read-only home must not stop a scan
    return rules
