"""Configuration: `[tool.credwall]` in pyproject.toml or a `.credwall.toml`, found by walking up
from the working directory (the repository root, under pre-commit) to the filesystem root;
`--config FILE` overrides the search. The first directory that has one wins, and there a
`.credwall.toml` wins over pyproject.toml. Unknown keys are errors that name the key: a typo
must not silently switch a check off.

```toml
[tool.credwall]                      # or the top level of .credwall.toml
exclude = ["tests/fixtures/**"]      # path globs (relative to the config's directory)
include = []                         # when set, only these paths are scanned
disable = ["generic-sql-password", "tag:generic"]   # rule ids or tag:<tag>
enable = []                          # when set, only these rules run (ids or tag:<tag>)
extra_rules = ["security/rules.yaml"]              # more YAML rule packs
min_confidence = "medium"            # low | medium | high
max_file_mib = 100                   # larger files are skipped (and counted in the summary)
advisories = "report"                # advisory findings (practices, not credentials): report | fail | off
ignore_patterns = [".env", ".env.*", "!.env.example", "*.pem", "*.key", "secrets/"]  # credwall-ignores
allow_regexes = ["^AKIA.{12}TEST$"]  # a secret matching one of these is not reported
baseline = ".credwall-baseline.jsonl"

[[tool.credwall.allow]]              # JSON-safe ignores: by fingerprint, optionally per path
fingerprint = "3f1c…"                # from `--format json` or the baseline
path = "config/settings.json"        # optional glob
reason = "test fixture"              # optional, for the reader
```
"""

from __future__ import annotations

import fnmatch
import os
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

from .errors import CredwallError
from .engine.rules import CONFIDENCES, Rule

if TYPE_CHECKING:
    from .engine.path_allowlists import PathAllowlist

CONFIG_FILE = ".credwall.toml"
_LIST_KEYS = ("exclude", "include", "disable", "enable", "extra_rules", "allow_regexes", "ignore_patterns")
_KEYS = frozenset({*_LIST_KEYS, "min_confidence", "allow", "baseline", "max_file_mib", "agent", "advisories"})
ADVISORY_MODES = ("report", "fail", "off")
_ALLOW_KEYS = frozenset({"fingerprint", "path", "reason"})


class ConfigError(CredwallError):
    """A configuration file is malformed or has an unknown key; the message names both."""


class Allow(NamedTuple):
    fingerprint: str
    path: str | None = None  # glob, relative to the config's directory
    reason: str | None = None


class Config(NamedTuple):
    """The resolved configuration; `sources` maps each key to where its value came from."""

    root: str  # directory that relative paths and globs are resolved against
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    extra_rules: tuple[str, ...] = ()
    min_confidence: str = "low"
    allow_regexes: tuple[str, ...] = ()
    ignore_patterns: tuple[str, ...] = ()  # what .gitignore and AI-tool ignore files must cover
    allow: tuple[Allow, ...] = ()
    baseline: str | None = None
    max_file_mib: float = 100.0  # larger files are skipped, and said so in the summary
    advisories: str = "report"  # advisory findings: report (exit 0) | fail (exit 1 like findings) | off
    agent: dict[str, Any] | None = None  # the agent guard's table ([tool.credwall.agent]), validated
    file: str | None = None
    sources: dict[str, str] = {}

    # --- rules ---------------------------------------------------------------------------------

    def select_rules(self, rules: list[Rule]) -> list[Rule]:
        """Rules left after enable/disable (ids or tag:<tag>) and the confidence floor."""
        floor = CONFIDENCES.index(self.min_confidence)
        known = {r.id for r in rules} | {f"tag:{t}" for r in rules for t in r.tags}
        for name in (*self.enable, *self.disable):
            if name not in known:
                raise ConfigError(f"{self.file}: no rule or tag called {name!r} (see `credwall rules list`)")

        def named(rule: Rule, names: tuple[str, ...]) -> bool:
            return rule.id in names or any(f"tag:{t}" in names for t in rule.tags)

        return [r for r in rules
                if (not self.enable or named(r, self.enable)) and not named(r, self.disable)
                and r.confidence_rank >= floor]

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mib * 1024 * 1024)

    def extra_rule_paths(self) -> list[str]:
        return [os.path.join(self.root, p) for p in self.extra_rules]

    # --- paths ---------------------------------------------------------------------------------

    def relative(self, path: str) -> str:
        rel = os.path.relpath(os.path.abspath(path), self.root)
        return rel.replace(os.sep, "/")

    def path_allowlists(self) -> list[PathAllowlist]:
        """Path allowlists carried by the extra rule packs (imported gitleaks configs)."""
        if not self.extra_rules:
            return []
        from .engine.path_allowlists import load_path_allowlists

        entries: list[PathAllowlist] = []
        for pack in self.extra_rule_paths():
            entries.extend(load_path_allowlists(pack))
        return entries

    def excluder(self) -> Callable[[str], bool] | None:
        """The path predicate scans use (None when nothing is excluded): include/exclude globs
        and the whole-file path allowlists of imported packs, loaded once."""
        allowlists = self.path_allowlists()
        if not (self.exclude or self.include or allowlists):
            return None
        return lambda path: self.path_excluded(path, allowlists)

    def path_excluded(self, path: str, allowlists: list[PathAllowlist] | None = None) -> bool:
        """Is a scanned path outside include, inside exclude, or allowed whole by a pack?"""
        if allowlists:
            from .engine.path_allowlists import file_skipped

            if file_skipped(allowlists, self.relative(path)):
                return True
        if not self.exclude and not self.include:
            return False
        rel = self.relative(path)
        if self.include and not any(_glob_match(rel, g) for g in self.include):
            return True
        return any(_glob_match(rel, g) for g in self.exclude)

    # --- findings ------------------------------------------------------------------------------

    def allowed(self, fingerprint: str, path: str) -> bool:
        for entry in self.allow:
            if entry.fingerprint == fingerprint and (entry.path is None or _glob_match(self.relative(path), entry.path)):
                return True
        return False

    def secret_allowed(self) -> Any:
        """A predicate on secrets for allow_regexes (compiled once), or None when there are none."""
        if not self.allow_regexes:
            return None
        import re

        patterns = []
        for source in self.allow_regexes:
            try:
                patterns.append(re.compile(source))
            except re.error as exc:
                raise ConfigError(f"{self.file}: allow_regexes: bad regex {source!r}: {exc}") from None
        return lambda secret: any(p.search(secret) for p in patterns)


def _glob_match(rel: str, pattern: str) -> bool:
    """Globs in the style of .gitignore users expect: `dir/**`, `*.lock`, `**/fixtures/*`."""
    pattern = pattern.lstrip("/")
    if pattern.endswith("/"):
        pattern += "**"
    if fnmatch.fnmatchcase(rel, pattern):
        return True
    if "/" not in pattern:  # a bare name or glob matches in any directory
        return fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], pattern)
    if pattern.startswith("**/"):
        return fnmatch.fnmatchcase(rel, pattern[3:])
    return False


def _load_toml(path: str) -> dict[str, Any]:
    from .analysers.structured import StructureError, load_toml_file

    try:
        return load_toml_file(path)
    except StructureError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _table(path: str) -> dict[str, Any] | None:
    """The credwall table of one file, or None when the file has none (pyproject without it)."""
    data = _load_toml(path)
    if os.path.basename(path) == "pyproject.toml":
        tool = data.get("tool")
        table = tool.get("credwall") if isinstance(tool, dict) else None
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.credwall] must be a table")
        return table
    tool = data.get("tool")  # a .credwall.toml may also use [tool.credwall]
    if isinstance(tool, dict) and isinstance(tool.get("credwall"), dict) and len(data) == 1:
        return tool["credwall"]
    return data


def _mentions_credwall(path: str) -> bool:
    """Cheap pre-check so a pyproject.toml without credwall is not parsed on every commit."""
    try:
        with open(path, "rb") as fh:
            return b"credwall" in fh.read()
    except OSError:
        return False


def find_config(start: str | None = None) -> str | None:
    here = os.path.abspath(start or os.curdir)
    while True:
        for name in (CONFIG_FILE, "pyproject.toml"):
            candidate = os.path.join(here, name)
            if os.path.isfile(candidate) and (
                    name == CONFIG_FILE or (_mentions_credwall(candidate) and _table(candidate) is not None)):
                return candidate
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def load_config(explicit: str | None = None, start: str | None = None) -> Config:
    """The configuration in force: --config FILE, else the nearest config file, else defaults."""
    path = explicit or find_config(start)
    if path is None:
        return Config(root=os.path.abspath(start or os.curdir), sources={})
    if explicit and not os.path.isfile(explicit):
        raise ConfigError(f"{explicit}: no such config file")
    table = _table(path)
    if table is None:
        raise ConfigError(f"{path}: has no [tool.credwall] table")
    where = f"{path}" if os.path.basename(path) == CONFIG_FILE else f"{path} [tool.credwall]"
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(_KEYS))})")
    values: dict[str, Any] = {}
    for key in _LIST_KEYS:
        if key in table:
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: `{key}` must be a list of strings")
            values[key] = tuple(value)
    if "ignore_patterns" in values:
        from .ignores import parse_patterns

        try:
            parse_patterns(values["ignore_patterns"])
        except ValueError as exc:
            raise ConfigError(f"{where}: ignore_patterns: {exc}") from None
    if "min_confidence" in table:
        if table["min_confidence"] not in CONFIDENCES:
            raise ConfigError(f"{where}: `min_confidence` must be one of {', '.join(CONFIDENCES)}")
        values["min_confidence"] = table["min_confidence"]
    if "baseline" in table:
        if not isinstance(table["baseline"], str):
            raise ConfigError(f"{where}: `baseline` must be a path")
        values["baseline"] = os.path.join(os.path.dirname(os.path.abspath(path)), table["baseline"])
    if "allow" in table:
        values["allow"] = tuple(_allow_entries(where, table["allow"]))
    if "agent" in table:
        from .agentguard.settings import policy_from_table

        if not isinstance(table["agent"], dict):
            raise ConfigError(f"{where}: `agent` must be a table ([tool.credwall.agent])")
        try:
            policy_from_table(table["agent"], f"{where} agent")
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        values["agent"] = table["agent"]
    if "advisories" in table:
        if table["advisories"] not in ADVISORY_MODES:
            raise ConfigError(f"{where}: `advisories` must be one of {', '.join(ADVISORY_MODES)}")
        values["advisories"] = table["advisories"]
    if "max_file_mib" in table:
        size = table["max_file_mib"]
        if isinstance(size, bool) or not isinstance(size, (int, float)) or size <= 0:
            raise ConfigError(f"{where}: `max_file_mib` must be a positive number")
        values["max_file_mib"] = float(size)
    return Config(root=os.path.dirname(os.path.abspath(path)), file=path,
                  sources={key: where for key in values}, **values)


def _allow_entries(where: str, raw: Any) -> list[Allow]:
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: `allow` must be an array of tables ([[tool.credwall.allow]])")
    entries = []
    for n, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: allow entry {n} must be a table")
        unknown = sorted(set(item) - _ALLOW_KEYS)
        if unknown:
            raise ConfigError(f"{where}: allow entry {n}: unknown key(s) {', '.join(unknown)}")
        fingerprint = item.get("fingerprint")
        if not isinstance(fingerprint, str) or len(fingerprint) != 64:
            raise ConfigError(f"{where}: allow entry {n}: `fingerprint` must be a 64-character sha256")
        entries.append(Allow(fingerprint, item.get("path"), item.get("reason")))
    return entries


def describe(config: Config) -> str:
    """`credwall config show`: every key, its value, and where it came from."""
    lines = [f"# config file: {config.file or '(none found; defaults)'}", f"# root: {config.root}"]
    for key in ("exclude", "include", "disable", "enable", "extra_rules", "min_confidence",
                "allow_regexes", "ignore_patterns", "baseline", "max_file_mib", "advisories"):
        value = getattr(config, key)
        lines.append(f"{key} = {_toml_value(value)}  # {config.sources.get(key, 'default')}")
    for entry in config.allow:
        lines.append(f"allow = {{ fingerprint = {entry.fingerprint!r}, path = {entry.path!r}, "
                     f"reason = {entry.reason!r} }}  # {config.sources.get('allow')}")
    if not config.allow:
        lines.append("allow = []  # default")
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    if value is None:
        return '""'
    return f'"{value}"'


def apply_to_findings(result: Any, config: Config) -> None:
    """Drop findings the configuration allows by fingerprint (JSON-safe ignores), and advisory
    findings when `advisories = "off"`; count them."""
    if config.advisories == "off":
        kept = [f for f in result.findings if not f.advisory]
        if len(kept) != len(result.findings):
            result.notes["advisories turned off"] += len(result.findings) - len(kept)
            result.findings = kept
    if not config.allow:
        return
    kept = [f for f in result.findings if not config.allowed(f.fingerprint, f.path)]
    if len(kept) != len(result.findings):
        result.notes["allowed by config"] += len(result.findings) - len(kept)
        result.findings = kept
