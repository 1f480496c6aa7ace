"""Rules: load the YAML packs and validate them.

Rules are data (patterns/*.yaml). Parsing YAML costs more than the whole scan of a typical
commit, so `load_rules` takes the parsed form from `rulecache` (shipped inside the installed
package for the built-in packs; a content-addressed user cache for the rest).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Iterable, NamedTuple, Sequence

from ..errors import CredwallError
from .cachefile import cache_dir  # noqa: F401 - the public name of the cache directory

if TYPE_CHECKING:
    from .rulecache import RuleSet


CONFIDENCES = ("low", "medium", "high")
SECRET_GROUP = "secret"
_RULE_KEYS = frozenset({
    "id", "description", "keywords", "regex", "entropy", "min_length", "confidence", "checksum",
    "lines", "generic", "tags", "references", "examples", "negative_examples", "known_misses",
    "no_keywords_reason", "allowlist", "analyser", "scope", "advisory", "requires",
})
# Analyser rules (patterns/context.yaml) are found by an analyser of the file's structure, not by a
# regex; their examples are whole files: a path and a text.
ANALYSER_RULE_KEYS = frozenset({"id", "description", "confidence", "analyser", "scope", "tags", "references",
                                "examples", "negative_examples", "known_misses", "advisory"})
ANALYSERS = ("env", "keyfile", "mcp", "agent", "ci", "text", "json", "kubernetes", "terraform", "baseline")
SCOPES = ("span", "file")
ALLOWLIST_TARGETS = ("secret", "match", "line")
_REQUIRED_KEYS = ("id", "description", "regex", "confidence")
_ANALYSER_REQUIRED_KEYS = ("id", "description", "analyser", "confidence")


class RuleError(CredwallError):
    """A rule pack is malformed; the message names the file and the rule."""


class Example(NamedTuple):
    text: str
    secret: str = ""  # empty in negative examples and for file-scope analyser rules
    path: str = ""  # analyser rules: the file's path, which decides how it is analysed


class Allowlist(NamedTuple):
    """A rule's allowlist (gitleaks' `[[rules.allowlists]]` without paths): a candidate is
    dropped when one of `regexes` is found in its `target` (the secret, the whole regex match,
    or the line(s) holding it) or the lower-cased secret contains one of `stopwords`; with
    `require_all`, every kind given must hit (gitleaks' condition AND)."""

    target: str = "secret"
    regexes: tuple[str, ...] = ()  # `regex`-module syntax, searched (not anchored)
    stopwords: tuple[str, ...] = ()  # lower-case
    require_all: bool = False


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
    allowlists: tuple[Allowlist, ...] = ()
    imported: bool = False  # from a pack marked `imported: true`: examples are optional
    analyser: str | None = None  # set for analyser rules (no regex): which analyser reports it
    scope: str = "span"  # analyser rules: "file" when the finding is about the whole file
    advisory: bool = False  # a practice to review, not a credential: reported, failing only if configured
    # Lower-case words of which one must occur in the line(s) searched around a keyword hit, or
    # the regex is not run there: a second, cheaper gate for rules whose regex is costly per line.
    requires: tuple[str, ...] = ()
    # The example fields stay last: the caches store every field before them.
    examples: tuple[Example, ...] = ()
    negative_examples: tuple[Example, ...] = ()
    known_misses: tuple[Example, ...] = ()

    @property
    def confidence_rank(self) -> int:
        return CONFIDENCES.index(self.confidence)

    def to_cache(self) -> tuple[Any, ...]:
        """The rule without its examples (secret-shaped strings never reach the cache).
        Plain tuples only: marshal cannot store NamedTuple instances."""
        row: tuple[Any, ...] = tuple(self[:_EXAMPLES])
        if self.allowlists:
            row = row[:_ALLOWLISTS] + (tuple(tuple(a) for a in self.allowlists),) + row[_ALLOWLISTS + 1:]
        return row

    @classmethod
    def from_cache(cls, data: tuple[Any, ...]) -> Rule:
        """The rule from a `to_cache` row. Built with tuple.__new__: the generated __new__ of
        a 20-field NamedTuple cost as much as unmarshalling the rows."""
        if len(data) != _EXAMPLES:
            raise ValueError("not a cached rule")
        rule = tuple.__new__(cls, data + _NO_EXAMPLES)
        if rule.allowlists:
            rule = rule._replace(allowlists=tuple(Allowlist(*a) for a in rule.allowlists))
        return rule


_ALLOWLISTS = Rule._fields.index("allowlists")
_EXAMPLES = Rule._fields.index("examples")
_NO_EXAMPLES: tuple[Any, ...] = tuple(Rule._field_defaults[f] for f in Rule._fields[_EXAMPLES:])


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


def _parse_example(raw: Any, where: str, *, analyser: bool = False, file_scope: bool = False) -> Example:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise RuleError(f"{where}: each example needs `text` (and `secret`) strings")
    path = raw.get("path", "")
    if analyser and (not isinstance(path, str) or not path):
        raise RuleError(f"{where}: an analyser rule's example needs the file's `path`")
    secret = raw.get("secret", "")
    if not isinstance(secret, str) or (not secret and not file_scope):
        raise RuleError(f"{where}: example is missing its expected `secret`")
    return Example(text=raw["text"], secret=secret, path=path)


def _parse_negative(raw: Any, where: str, *, analyser: bool = False) -> Example:
    if analyser:
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or not isinstance(raw.get("path"), str):
            raise RuleError(f"{where}: an analyser rule's negative example needs `path` and `text`")
        return Example(text=raw["text"], path=raw["path"])
    if not isinstance(raw, str):
        raise RuleError(f"{where}: `negative_examples` must be a list of strings")
    return Example(text=raw)


def _parse_allowlists(raw: Any, where: str) -> tuple[Allowlist, ...]:
    """`allowlist: {regexes: [...], stopwords: [...], target: secret, condition: or}` or a list
    of such mappings. The regexes are compiled here so a bad one fails `rules check`."""
    if raw is None:
        return ()
    entries = raw if isinstance(raw, list) else [raw]
    allowlists = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise RuleError(f"{where}: `allowlist` must be a mapping or a list of mappings")
        unknown = set(entry) - {"regexes", "stopwords", "target", "condition", "description"}
        if unknown:
            raise RuleError(f"{where}: unknown allowlist key(s) {', '.join(sorted(unknown))}")
        target = entry.get("target", "secret")
        if target not in ALLOWLIST_TARGETS:
            raise RuleError(f"{where}: allowlist target must be one of {', '.join(ALLOWLIST_TARGETS)}")
        condition = str(entry.get("condition", "or")).lower()
        if condition not in ("or", "and"):
            raise RuleError(f"{where}: allowlist condition must be `or` or `and`")
        regexes = _as_str_tuple(entry.get("regexes"), where, "allowlist.regexes")
        stopwords = tuple(w.lower() for w in _as_str_tuple(entry.get("stopwords"), where, "allowlist.stopwords"))
        if not regexes and not stopwords:
            raise RuleError(f"{where}: an allowlist needs `regexes` or `stopwords`")
        if "" in stopwords:
            raise RuleError(f"{where}: an allowlist stopword is empty")
        if regexes:
            import regex

            for pattern in regexes:
                try:
                    regex.compile(pattern)
                except regex.error as exc:
                    raise RuleError(f"{where}: bad allowlist regex {pattern!r}: {exc}") from None
        allowlists.append(Allowlist(target, regexes, stopwords, condition == "and"))
    return tuple(allowlists)


def parse_rule(raw: Any, *, family: str, source: str, imported: bool = False) -> Rule:
    if not isinstance(raw, dict):
        raise RuleError(f"{source}: each entry of `rules` must be a mapping")
    rule_id = raw.get("id")
    where = f"{source}: rule {rule_id!r}"
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    if "analyser" in raw:
        return _parse_analyser_rule(raw, where, family=family, source=source)
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
    requires = _as_str_tuple(raw.get("requires"), where, "requires")
    for word in requires:
        if word != word.casefold() or not word.strip():
            raise RuleError(f"{where}: `requires` word {word!r} must be non-empty and lower-case")
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
        allowlists=_parse_allowlists(raw.get("allowlist"), where),
        imported=imported,
        advisory=_flag(raw, "advisory", where),
        requires=requires,
        examples=examples,
        negative_examples=tuple(_parse_negative(n, where) for n in raw.get("negative_examples") or ()),
        known_misses=misses,
    )


def _parse_analyser_rule(raw: dict[str, Any], where: str, *, family: str, source: str) -> Rule:
    unknown = set(raw) - ANALYSER_RULE_KEYS
    if unknown:
        raise RuleError(f"{where}: key(s) {', '.join(sorted(unknown))} do not apply to an analyser rule")
    for key in _ANALYSER_REQUIRED_KEYS:
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise RuleError(f"{where}: missing or empty `{key}`")
    if raw["confidence"] not in CONFIDENCES:
        raise RuleError(f"{where}: confidence must be one of {', '.join(CONFIDENCES)}")
    if raw["analyser"] not in ANALYSERS:
        raise RuleError(f"{where}: analyser must be one of {', '.join(ANALYSERS)}")
    scope = raw.get("scope", "span")
    if scope not in SCOPES:
        raise RuleError(f"{where}: scope must be one of {', '.join(SCOPES)}")
    file_scope = scope == "file"
    return Rule(
        id=raw["id"], description=raw["description"].strip(), regex="", confidence=raw["confidence"],
        tags=_as_str_tuple(raw.get("tags"), where, "tags"),
        references=_as_str_tuple(raw.get("references"), where, "references"),
        family=family, source=source, analyser=raw["analyser"], scope=scope,
        advisory=_flag(raw, "advisory", where),
        examples=tuple(_parse_example(e, where, analyser=True, file_scope=file_scope)
                       for e in raw.get("examples") or ()),
        negative_examples=tuple(_parse_negative(n, where, analyser=True) for n in raw.get("negative_examples") or ()),
        known_misses=tuple(_parse_example(e, where, analyser=True, file_scope=True) for e in raw.get("known_misses") or ()),
    )


def _flag(raw: dict[str, Any], key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise RuleError(f"{where}: `{key}` must be true or false")
    return value


def _raise(exc: Exception) -> Any:
    raise exc


def _load_yaml(path: str, data: bytes | None = None) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        if data is not None:
            return yaml.load(data, Loader=loader)  # noqa: S506 - a safe loader
        with open(path, "rb") as fh:
            return yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: not valid YAML: {exc}") from None
    except OSError as exc:
        raise RuleError(f"{path}: cannot read: {exc.strerror}") from None


def load_pack(path: str | os.PathLike[str], content: bytes | None = None) -> list[Rule]:
    """The rules of one pack; `content`, when given, is the file's bytes already read."""
    path = os.fspath(path)
    data = _load_yaml(path, content)
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{path}: a rule pack is a mapping with a `rules` list")
    name = os.path.basename(path)
    family = data.get("family") or name.rsplit(".", 1)[0]
    imported = data.get("imported", False)
    if not isinstance(imported, bool):
        raise RuleError(f"{path}: `imported` must be true or false")
    rules = [parse_rule(raw, family=family, source=name, imported=imported) for raw in data["rules"]]
    # A pack-level `allowlist` (e.g. gitleaks' global one, imported) applies to each of its rules.
    shared = _parse_allowlists(data.get("allowlist"), f"{path}: pack")
    if shared:
        rules = [r._replace(allowlists=tuple(dict.fromkeys(r.allowlists + shared))) for r in rules]
    return rules


def load_packs(paths: Iterable[str | os.PathLike[str]], contents: Sequence[bytes] | None = None) -> list[Rule]:
    """The rules of every pack, in order; a rule id defined twice is an error. `contents`, when
    given, are the files' bytes already read (so what was hashed is what gets parsed)."""
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for n, path in enumerate(paths):
        for rule in load_pack(path, contents[n] if contents is not None else None):
            if rule.id in seen:
                raise RuleError(f"{path}: rule id {rule.id!r} is already defined in {seen[rule.id]}")
            seen[rule.id] = rule.source
            rules.append(rule)
    return rules


def load_rules(paths: list[str] | None = None, *, use_cache: bool = True) -> list[Rule]:
    """Rules of the given packs (default: the built-in ones). With `use_cache`, the built-in
    packs come from the parsed form shipped inside the installed package when it matches
    them, anything else from the content-addressed user cache (see `rulecache`)."""
    if not use_cache:
        return load_packs(paths if paths is not None else pack_files(builtin_pack_dir()))
    return load_rule_set(paths).rules


def load_rule_set(paths: list[str] | None = None) -> RuleSet:
    """`load_rules` with the examples table that verifies cached regex programs (Matcher)."""
    from .cachefile import cache_file
    from .rulecache import load_cached

    builtin_dir = builtin_pack_dir()
    return load_cached(paths if paths is not None else pack_files(builtin_dir), builtin_dir,
                       cache_file("rules.marshal"))
