"""Rules: load the YAML packs, validate them, cache the parsed form.

Rules are data (patterns/*.yaml). Parsing YAML costs more than the whole scan of a typical
commit, so the parsed rules (without their examples) are cached as JSON, keyed on the packs'
names, sizes and mtimes; a stale or unreadable cache is simply rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

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


@dataclass(frozen=True)
class Example:
    text: str
    secret: str


@dataclass(frozen=True)
class Rule:
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
    examples: tuple[Example, ...] = field(default=(), compare=False, repr=False)
    negative_examples: tuple[str, ...] = field(default=(), compare=False, repr=False)
    known_misses: tuple[Example, ...] = field(default=(), compare=False, repr=False)

    @property
    def confidence_rank(self) -> int:
        return CONFIDENCES.index(self.confidence)

    def to_cache(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in (
            "id", "description", "regex", "confidence", "keywords", "entropy", "min_length",
            "checksum", "lines", "generic", "tags", "references", "family", "source",
            "no_keywords_reason")}
        return data

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> Rule:
        data = dict(data)
        for key in ("keywords", "tags", "references"):
            data[key] = tuple(data[key])
        return cls(**data)


def builtin_pack_dir() -> Path:
    """`patterns/` as installed: the `credwall.patterns` package directory."""
    import importlib.util

    spec = importlib.util.find_spec("credwall.patterns")
    if spec is None or not spec.submodule_search_locations:
        raise RuleError("the built-in rule packs (credwall/patterns) are missing from this install")
    return Path(next(iter(spec.submodule_search_locations)))


def pack_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


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
        id=rule_id,
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


def _load_yaml(path: Path) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with path.open("rb") as fh:
            return yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: not valid YAML: {exc}") from None
    except OSError as exc:
        raise RuleError(f"{path}: cannot read: {exc.strerror}") from None


def load_pack(path: Path) -> list[Rule]:
    data = _load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{path}: a rule pack is a mapping with a `rules` list")
    family = data.get("family") or path.stem
    return [parse_rule(raw, family=family, source=str(path.name)) for raw in data["rules"]]


def load_packs(paths: Iterable[Path]) -> list[Rule]:
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in paths:
        for rule in load_pack(path):
            if rule.id in seen:
                raise RuleError(f"{path}: rule id {rule.id!r} is already defined in {seen[rule.id]}")
            seen[rule.id] = rule.source
            rules.append(rule)
    return rules


def _cache_dir() -> Path:
    override = os.environ.get("CREDWALL_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "credwall"


def _cache_key(paths: list[Path]) -> str:
    digest = hashlib.sha256(__version__.encode())
    for path in paths:
        st = path.stat()
        digest.update(f"\0{path.resolve()}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def load_rules(paths: list[Path] | None = None, *, use_cache: bool = True) -> list[Rule]:
    """Rules of the given packs (default: the built-in ones), from the cache when it is fresh."""
    if paths is None:
        paths = pack_files(builtin_pack_dir())
    if not use_cache:
        return load_packs(paths)
    cache_file = _cache_dir() / f"rules-{_cache_key(paths)}.json"
    try:
        return [Rule.from_cache(item) for item in json.loads(cache_file.read_text("utf-8"))]
    except (OSError, ValueError, TypeError, KeyError):
        pass
    rules = load_packs(paths)
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_file.parent, prefix=".rules-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump([rule.to_cache() for rule in rules], fh)
        os.replace(tmp, cache_file)
    except OSError:
        pass  # a read-only home must not stop a scan
    return rules
