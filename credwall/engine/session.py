"""The session: what every entry point loads once per process (the configuration, the rules as
one compiled matcher, the baseline) and the suppressions applied at the end of every scan.

`credwall scan`, each hook, the push hook, `baseline`, the agent guard, `audit` and `redact`
all start here, so they judge a file with the same rules, the same allowlists and the same
baseline. Nothing here parses arguments or prints.
"""

from __future__ import annotations

import os
from collections import namedtuple

TYPE_CHECKING = False  # no `typing` at run time: this module loads on the commit path
if TYPE_CHECKING:
    from ..baseline import Baseline, Entry
    from .findings import Finding
    from ..config import Config
    from .matcher import Match, Matcher
    from .rulecache import RuleSet
    from .rules import Rule
    from .scan import ScanResult


def load_config(explicit: str | None = None) -> Config:
    """--config FILE, else the nearest `.credwall.toml` / `[tool.credwall]`, else defaults."""
    from ..config import load_config as load

    return load(explicit)


def baseline_path(explicit: str | None, config: Config | None) -> str | None:
    """The baseline in force: --baseline FILE, else the config's `baseline`, else none."""
    return explicit or (config.baseline if config is not None else None)


def load_baseline(explicit: str | None, config: Config | None) -> Baseline | None:
    path = baseline_path(explicit, config)
    if path is None:
        return None
    from ..baseline import BaselineError, load_baseline as load

    if not os.path.isfile(path):
        raise BaselineError(f"{path}: no such baseline; create it with `credwall baseline create {path}`")
    return load(path)


def load_rules_in_force(config: Config | None) -> list[Rule]:
    """The built-in packs and the config's extra packs, less what the config disables."""
    return _rule_set_in_force(config).rules


def _rule_set_in_force(config: Config | None) -> RuleSet:
    from .rules import builtin_pack_dir, load_rule_set, pack_files

    if config is None or config.file is None:
        return load_rule_set()
    loaded = load_rule_set(pack_files(builtin_pack_dir()) + config.extra_rule_paths())
    loaded.rules = config.select_rules(loaded.rules)
    return loaded


def load_matcher(config: Config | None = None, baseline: Baseline | None = None) -> Matcher:
    """The rules in force compiled once for this process (the regex cache lives in the user
    cache dir, unless CREDWALL_NO_CACHE), with the config's allow_regexes, the imported packs'
    path allowlists and the baseline's detect-secrets hashes wired in."""
    from .cachefile import cache_file
    from .matcher import Matcher
    from .regexcache import RegexCompiler

    loaded = _rule_set_in_force(config)
    rules = loaded.rules
    path_filter = None
    allow_secret = None
    if config is not None and config.file is not None:
        allow_secret = config.secret_allowed()
        entries = config.path_allowlists()
        if entries:
            from .path_allowlists import filter_matches

            relative = config.relative

            def path_filter(path: str, text: str, matches: list[Match]) -> list[Match]:
                return filter_matches(entries, relative(path), text, matches)
    pattern_rules = [r for r in rules if r.regex]
    keep = {r.regex for r in pattern_rules} | {p for r in pattern_rules for a in r.allowlists for p in a.regexes}
    compiler = RegexCompiler(cache_file("regex.marshal"), keep=keep)
    sha1s = baseline.sha1s() if baseline is not None else frozenset()
    return Matcher(rules, compiler, allow_secret=allow_secret, path_filter=path_filter,
                   secret_sha1s=frozenset(sha1s), examples=loaded.examples)


class Engine:
    """One process's configuration, baseline and (loaded on first use) matcher.

    Entry points build one with `Engine.load(...)` after starting git, so git works while the
    rules load; the matcher is compiled the first time a scan needs it."""

    def __init__(self, config: Config, baseline: Baseline | None = None, baseline_file: str | None = None,
                 matcher: Matcher | None = None) -> None:
        self.config = config
        self.baseline = baseline
        self.baseline_file = baseline_file
        self._matcher = matcher

    @classmethod
    def load(cls, config_file: str | None = None, baseline_file: str | None = None, *,
             use_baseline: bool = True) -> Engine:
        """The configuration in force and its baseline (unless use_baseline is False).
        Raises CredwallError subclasses for a malformed config or a missing baseline."""
        config = load_config(config_file)
        if not use_baseline:
            return cls(config)
        return cls(config, load_baseline(baseline_file, config), baseline_path(baseline_file, config))

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            self._matcher = load_matcher(self.config, self.baseline)
        return self._matcher

    def suppress(self, result: ScanResult, whole_tree: bool = False,
                 keep: list[tuple[Finding, str, str, str]] | None = None) -> str | None:
        """Drop the findings the configuration allows by fingerprint and the baseline lists,
        counting them in the result's notes. Returns the note about baseline entries nothing
        matched (only for whole-tree scans: a partial scan sees too little to call one unused).
        `keep`, when given, receives every finding found and not reported, with why: the
        inline-allowed ones too (SARIF reports them as suppressed)."""
        from ..config import apply_to_findings

        before = result.findings
        apply_to_findings(result, self.config)
        if keep is not None:
            keep.extend(Suppressed(f, "inSource", "allowed by an inline marker on its line")
                        for f in result.allowed_inline)
            if len(before) != len(result.findings):
                left = set(map(id, result.findings))
                keep.extend(Suppressed(f, "external", _allow_reason(self.config, f))
                            for f in before if id(f) not in left)
        if self.baseline is None:
            return None
        from ..baseline import apply_baseline, unused_note

        matched: list[tuple[Finding, Entry]] | None = [] if keep is not None else None
        applied = apply_baseline(result, self.baseline, result.sha1_hits, matched)
        result.findings = applied.findings
        if applied.suppressed:
            result.notes["baselined"] += applied.suppressed
        if keep is not None and matched:
            name = os.path.basename(self.baseline_file or "the baseline")
            keep.extend(Suppressed(f, "external", f"in the baseline {name}"
                                   + (f" ({entry.verdict})" if entry.verdict else "")
                                   + (f": {entry.reason}" if entry.reason else ""), entry.verdict)
                        for f, entry in matched)
        if whole_tree and applied.unused:
            return unused_note(applied.unused, self.baseline_file or "the baseline")
        return None


# A finding that was found and deliberately not reported, and why (for SARIF): `kind` is SARIF's
# suppression kind, "inSource" (a marker in the file) or "external"; `verdict`, a baseline
# entry's triage verdict. (collections.namedtuple: `typing` stays off the commit path.)
Suppressed = namedtuple("Suppressed", "finding kind justification verdict", defaults=("",))


def _allow_reason(config: Config, finding: Finding) -> str:
    for entry in config.allow:
        if entry.fingerprint == finding.fingerprint:
            return "allowed by config" + (f": {entry.reason}" if entry.reason else "")
    return "allowed by config"
