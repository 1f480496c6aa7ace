"""Reading a gitleaks (v8) or betterleaks TOML config into credwall rules: `import_gitleaks`.

Each `[[rules]]` entry becomes a credwall `Rule`, and whatever could not be carried over as
written is a `Problem` naming the rule and why; nothing here raises for one bad rule. The
mapping follows gitleaks' own code (config/config.go, detect/detect.go), checked against
betterleaks:

- **The regex** goes through `translate_go_regex` (`re2_to_regex`): the secret group made
  explicit, Go syntax rewritten; lookarounds and backreferences are not RE2, so a rule using
  them is refused, as gitleaks would refuse it.
- **Entropy.** gitleaks drops a secret whose entropy is `<=` the rule's; credwall drops it when
  `<`, so the floor is stored as the next float above.
- **Allowlists.** Regexes (against the secret, the match or the line) and stopwords become the
  rule's `allowlists`, checked in the matcher. Anything with paths needs the file path, which
  the matcher never sees: those come back as `PathAllowlist` entries, applied while scanning by
  `credwall.engine.path_allowlists`, as do rule `path` restrictions. Global content allowlists
  are folded into every imported rule; global path allowlists apply to every rule. betterleaks
  `filter` programs are read by `expr_filter` as far as they map onto the same things.
- **Path-only rules** (a `path`, no `regex`) report a file for its name alone: credwall's rules
  match content, so they are left out with a warning that says what covers them instead (the
  `credwall-env-files` hook judges secret files by name).
- **Differences that stay.** credwall's shared filters (placeholders, references) also run; a
  rule's regex runs only on the lines around a keyword hit (widened by `lines` when the regex
  can span lines), where gitleaks runs it on the whole file once a keyword occurs anywhere.
"""

from __future__ import annotations

import math
import os
import re
from typing import Any, Iterable, NamedTuple

from ...engine.path_allowlists import PathAllowlist
from ...engine.rules import CONFIDENCES, Allowlist, Rule, RuleError
from .expr_filter import EntropyTerm, parse_term, split_or
from .re2_to_regex import GoRegexError, translate_go_regex

NO_KEYWORDS_REASON = "imported from gitleaks without keywords"
DEFAULT_CONFIDENCE = "medium"
DEFAULT_FAMILY = "imported"


class Problem(NamedTuple):
    """Something in the TOML that was not imported as written. `error`: the config is wrong, or
    asks for what credwall cannot run, and the rule (or allowlist) named was left out;
    `warning`: imported but it behaves differently, or left out on purpose (the message says
    why and what to use instead)."""

    rule_id: str | None  # None: the file or its global allowlist
    message: str
    severity: str = "warning"  # "error" | "warning"

    def __str__(self) -> str:
        where = f"rule {self.rule_id}: " if self.rule_id else ""
        return f"{self.severity}: {where}{self.message}"


class ImportResult(NamedTuple):
    rules: list[Rule]
    path_allowlists: list[PathAllowlist]
    problems: list[Problem]
    # The global content allowlists, already in every rule's `allowlists`; `dump_pack` writes
    # them once, as the pack-level `allowlist`.
    shared_allowlists: tuple[Allowlist, ...] = ()
    rules_read: int = 0  # `[[rules]]` entries in the TOML, imported or not


_RULE_KEYS = frozenset({
    "id", "description", "regex", "secretgroup", "valuegroup", "entropy", "keywords", "tags", "path",
    "allowlist", "allowlists", "required", "components", "skipreport", "confidence", "filter",
})
# betterleaks keys for live checks: credwall never talks to the network.
_NETWORK_KEYS = frozenset({"validate", "analyze", "revoke", "oautherror", "specificity"})
_TOP_KEYS = frozenset({"title", "description", "minversion", "extend", "rules", "allowlist",
                       "allowlists", "prefilter", "filter"})
_ALLOWLIST_KEYS = frozenset({"description", "condition", "commits", "paths", "regextarget", "regexes",
                             "stopwords", "targetrules"})
# The filter fields a credwall allowlist can test (the path ones go to the scan layer).
_FILTER_FIELDS = frozenset({"finding.secret", "finding.match", "finding.line", "attributes.path"})


def _lower_keys(value: Any) -> Any:
    """gitleaks reads its TOML through viper, whose keys are case-insensitive."""
    if isinstance(value, dict):
        return {str(k).lower(): _lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_keys(v) for v in value]
    return value


def _strings(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


class _ParsedAllowlist(NamedTuple):
    content: Allowlist | None
    paths: tuple[str, ...]
    require_all: bool
    target_rules: tuple[str, ...]


class _Importer:
    """One import under way: what `config` reads, it turns into rules and collects the
    problems, the path allowlists and the global content allowlists on the way."""

    def __init__(self, *, source: str, family: str, prefix: str, reserved_ids: Iterable[str]) -> None:
        self.source = source
        self.family = family
        self.prefix = prefix
        self.reserved = frozenset(reserved_ids)
        self.problems: list[Problem] = []
        self.path_allowlists: list[PathAllowlist] = []
        self.shared: list[Allowlist] = []
        self.rules_read = 0

    def warn(self, rule_id: str | None, message: str) -> None:
        self.problems.append(Problem(rule_id, message, "warning"))

    def error(self, rule_id: str | None, message: str) -> None:
        self.problems.append(Problem(rule_id, message, "error"))

    # --- allowlists --------------------------------------------------------------------------

    def allowlist(self, raw: Any, rule_id: str | None, label: str) -> _ParsedAllowlist | None:
        """One gitleaks allowlist; None (and a problem) when it cannot be used."""
        if not isinstance(raw, dict):
            self.error(rule_id, f"{label} is not a table")
            return None
        for key in sorted(set(raw) - _ALLOWLIST_KEYS):
            self.warn(rule_id, f"{label}: unknown key {key!r} ignored")
        condition = str(raw.get("condition") or "").upper()
        if condition not in ("", "OR", "||", "AND", "&&"):
            self.error(rule_id, f"{label} not imported: unknown condition {raw.get('condition')!r} (expected AND or OR)")
            return None
        require_all = condition in ("AND", "&&")
        target = raw.get("regextarget") or "secret"
        if target not in ("secret", "match", "line"):
            self.error(rule_id, f"{label} not imported: unknown regexTarget {target!r} (expected secret, match or line)")
            return None
        lists = {k: _strings(raw.get(k)) for k in ("regexes", "paths", "stopwords", "commits", "targetrules")}
        for key, value in lists.items():
            if value is None:
                self.error(rule_id, f"{label} not imported: `{key}` must be a list of strings")
                return None
        regexes: list[str] = []
        paths: list[str] = []
        for key, out in (("regexes", regexes), ("paths", paths)):
            for pattern in lists[key] or ():
                try:
                    out.append(translate_go_regex(pattern, None).regex)
                except GoRegexError as exc:
                    self.error(rule_id, f"{label} not imported: bad {key[:-2]} regex {pattern!r}: {exc}")
                    return None
        stopwords = tuple(dict.fromkeys(w.lower() for w in lists["stopwords"] or () if w))
        commits = lists["commits"] or []
        if commits:
            if require_all:
                self.warn(rule_id, f"{label} not imported: it needs commits, and credwall does not match commits")
                return None
            self.warn(rule_id, f"{label}: commits ignored (credwall does not match commits)")
        if not (regexes or paths or stopwords):
            if not commits:
                self.error(rule_id, f"{label} not imported: it has no regexes, paths or stopwords")
            return None
        content = Allowlist(target, tuple(regexes), stopwords, require_all) if regexes or stopwords else None
        return _ParsedAllowlist(content, tuple(paths), require_all, tuple(lists["targetrules"] or ()))

    def place(self, parsed: _ParsedAllowlist, rule_ids: tuple[str, ...]) -> Allowlist | None:
        """Path parts go to the scan layer; returns the part the rule itself checks (if any)."""
        if parsed.paths:
            if parsed.require_all:
                self.path_allowlists.append(PathAllowlist(rule_ids, parsed.paths, parsed.content))
                return None
            self.path_allowlists.append(PathAllowlist(rule_ids, parsed.paths))
        return parsed.content

    def allowlist_entries(self, raw: Any, rule_id: str | None, label: str) -> list[Any]:
        if raw is None:
            return []
        if isinstance(raw, dict):
            return [raw]
        if isinstance(raw, list):
            return raw
        self.error(rule_id, f"`{label}` is neither a table nor a list of tables")
        return []

    # --- betterleaks filter expressions ------------------------------------------------------

    def filter_expression(self, expr: Any, rule_id: str | None, label: str) -> tuple[float | None, list[Allowlist], list[str]]:
        """The parts of a betterleaks filter (an Expr program that drops a finding when true)
        that credwall can check: `entropy(finding["secret"]) < N` (or <=), `matchesAny(...)` and
        `containsAny(...)` on the secret, match, line or path, joined by `||`. Other terms are
        left out with a warning: the rule then reports more than betterleaks, never less."""
        if not isinstance(expr, str):
            self.error(rule_id, f"{label} must be a string")
            return None, [], []
        terms = split_or(expr)
        if terms is None:
            self.warn(rule_id, f"{label} not imported (only terms joined by || are understood): "
                               "credwall reports what it would drop")
            return None, [], []
        entropy: float | None = None
        allowlists: list[Allowlist] = []
        paths: list[str] = []
        skipped = []
        for term in terms:
            parsed = parse_term(term)
            if isinstance(parsed, EntropyTerm):
                floor = math.nextafter(parsed.value, math.inf) if parsed.inclusive else parsed.value
                entropy = floor if entropy is None else max(entropy, floor)
                continue
            if parsed is None or parsed.field not in _FILTER_FIELDS:
                skipped.append(term if len(term) < 60 else term[:57] + "...")
                continue
            if not parsed.items:  # `matchesAny(x, [])` is never true: nothing to drop
                continue
            try:
                if parsed.function == "containsAny":
                    patterns = [re.escape(s) for s in parsed.items]
                else:
                    patterns = [translate_go_regex(s, None).regex for s in parsed.items]
            except GoRegexError as exc:
                self.error(rule_id, f"{label}: term not imported, bad regex: {exc}")
                continue
            if parsed.field == "attributes.path":
                paths.extend(patterns)
            else:
                allowlists.append(Allowlist(parsed.key, tuple(patterns)))
        for term in skipped:
            self.warn(rule_id, f"{label}: term {term!r} not imported (credwall reports what it would drop)")
        return entropy, allowlists, paths

    # --- rules -------------------------------------------------------------------------------

    def rule(self, raw: Any, n: int, extra: list[_ParsedAllowlist], global_content: list[Allowlist],
             seen: set[str]) -> Rule | None:
        if not isinstance(raw, dict):
            self.error(None, f"rules entry {n} is not a table")
            return None
        raw_id = raw.get("id")
        if not isinstance(raw_id, str) or not raw_id.strip():
            self.error(None, f"rules entry {n} has no id")
            return None
        rule_id = self.prefix + raw_id.strip()
        if rule_id in seen:
            self.error(rule_id, "defined twice; the second definition is not imported")
            return None
        if rule_id in self.reserved:
            self.error(rule_id, "a credwall rule has this id; rename it (or import with a prefix)")
            return None
        for key in sorted(set(raw) - _RULE_KEYS - _NETWORK_KEYS):
            self.warn(rule_id, f"unknown key {key!r} ignored")
        if raw.get("skipreport"):
            self.warn(rule_id, "skipReport rule (only part of composite rules) not imported")
            return None
        pattern = raw.get("regex")
        if not isinstance(pattern, str) or not pattern:
            if raw.get("path"):
                # gitleaks reports any file whose path matches ("file detected: …"), whatever
                # it holds. credwall rules match content, and its secret-file check lives
                # elsewhere: say where, and leave the rule out (not an error in the config).
                self.warn(rule_id, f"path-only rule (path `{raw['path']}`, no regex) not imported: credwall "
                                   "rules match file content. The credwall-env-files hook reports secret files "
                                   "(keystores, private keys, .env and credential files) by name, and "
                                   "`ignore_patterns` with `credwall check-ignores` keeps such paths out of git")
            else:
                self.error(rule_id, "no regex")
            return None
        group = raw.get("secretgroup", raw.get("valuegroup", 0))
        if not isinstance(group, int) or isinstance(group, bool) or group < 0:
            self.error(rule_id, f"secretGroup must be a non-negative integer, not {group!r}")
            return None
        try:
            translation = translate_go_regex(pattern, group)
        except GoRegexError as exc:
            self.error(rule_id, str(exc) if str(exc).startswith("secretGroup") else f"bad regex: {exc}")
            return None
        if translation.warning:
            self.warn(rule_id, translation.warning)

        entropy = raw.get("entropy")
        if entropy is not None and (not isinstance(entropy, (int, float)) or isinstance(entropy, bool)):
            self.error(rule_id, f"entropy must be a number, not {entropy!r}")
            return None
        # gitleaks drops a secret whose entropy is <= the rule's; credwall drops it when <.
        floor = math.nextafter(float(entropy), math.inf) if entropy else None

        keywords_raw = _strings(raw.get("keywords"))
        if keywords_raw is None:
            self.error(rule_id, "keywords must be a list of strings")
            return None
        keywords = tuple(dict.fromkeys(k.lower() for k in keywords_raw))
        unusable = [k for k in keywords if not k.strip() or not k.isascii()]
        if unusable:
            self.warn(rule_id, f"keyword(s) {unusable!r} are not usable (empty or not ASCII): "
                               "the rule runs on every line instead")
            keywords = ()
        elif keywords and not any(k in run for k in keywords for run in translation.literals):
            self.warn(rule_id, "none of its keywords occurs in its regex: credwall runs the regex only "
                               "on lines holding a keyword (gitleaks: anywhere in the file once one occurs)")
        tags = _strings(raw.get("tags"))
        if tags is None:
            self.warn(rule_id, "tags must be a list of strings; ignored")
            tags = []
        confidence = raw.get("confidence") or DEFAULT_CONFIDENCE
        if confidence not in CONFIDENCES:
            self.warn(rule_id, f"confidence {confidence!r} is not one of {', '.join(CONFIDENCES)}; "
                               f"{DEFAULT_CONFIDENCE} used")
            confidence = DEFAULT_CONFIDENCE
        required = raw.get("required") or raw.get("components")
        if required:
            names = [r.get("id") for r in required if isinstance(r, dict)] if isinstance(required, list) else []
            self.warn(rule_id, f"composite rule: its required rules {names} are not checked, so credwall "
                               "reports its matches alone")
        path = raw.get("path")
        if path:
            try:
                path_regex = translate_go_regex(str(path), None).regex
            except GoRegexError as exc:
                self.error(rule_id, f"bad path regex: {exc}")
                return None
            self.path_allowlists.append(PathAllowlist((rule_id,), (path_regex,), only=True))

        allowlists: list[Allowlist] = []
        if raw.get("allowlist") is not None and raw.get("allowlists") is not None:
            self.warn(rule_id, "both [rules.allowlist] and [[rules.allowlists]]: gitleaks refuses this; both imported")
        entries = self.allowlist_entries(raw.get("allowlist"), rule_id, "allowlist") + \
            self.allowlist_entries(raw.get("allowlists"), rule_id, "allowlists")
        parsed = [self.allowlist(e, rule_id, f"allowlist {i}") for i, e in enumerate(entries, 1)]
        for p in [p for p in parsed if p is not None] + extra:
            content = self.place(p, (rule_id,))
            if content is not None:
                allowlists.append(content)
        if "filter" in raw:
            filter_entropy, filter_allowlists, filter_paths = self.filter_expression(raw["filter"], rule_id, "filter")
            if filter_entropy is not None:
                floor = filter_entropy if floor is None else max(floor, filter_entropy)
            allowlists.extend(filter_allowlists)
            if filter_paths:
                self.path_allowlists.append(PathAllowlist((rule_id,), tuple(filter_paths)))
        allowlists.extend(global_content)

        description = raw.get("description")
        description = " ".join(description.split()) if isinstance(description, str) and description.strip() else raw_id
        seen.add(rule_id)
        return Rule(
            id=rule_id, description=description, regex=translation.regex, confidence=confidence,
            keywords=keywords, entropy=floor, lines=translation.lines, tags=tuple(tags),
            family=self.family, source=self.source,
            no_keywords_reason=None if keywords else NO_KEYWORDS_REASON,
            allowlists=tuple(dict.fromkeys(allowlists)), imported=True,
        )

    def config(self, data: dict[str, Any]) -> list[Rule]:
        for key in sorted(set(data) - _TOP_KEYS):
            self.warn(None, f"unknown top-level key {key!r} ignored")
        extend = data.get("extend")
        if isinstance(extend, dict):
            if extend.get("usedefault"):
                self.warn(None, "[extend] useDefault: gitleaks' default rules are not imported "
                                "(credwall's built-in rules cover the same ground)")
            if extend.get("path") or extend.get("url"):
                self.warn(None, f"[extend] {extend.get('path') or extend.get('url')!r} not followed: import that file too")
            if extend.get("disabledrules"):
                self.warn(None, "[extend] disabledRules ignored: disable credwall rules in its configuration")
        # Global allowlists: legacy [allowlist] and [[allowlists]] (with optional targetRules).
        if data.get("allowlist") is not None and data.get("allowlists") is not None:
            self.warn(None, "both [allowlist] and [[allowlists]]: gitleaks refuses this; both imported")
        global_content: list[Allowlist] = []
        targeted: dict[str, list[_ParsedAllowlist]] = {}
        entries = self.allowlist_entries(data.get("allowlist"), None, "allowlist") + \
            self.allowlist_entries(data.get("allowlists"), None, "allowlists")
        for i, entry in enumerate(entries, 1):
            parsed = self.allowlist(entry, None, f"global allowlist {i}")
            if parsed is None:
                continue
            if parsed.target_rules:
                for rule_id in parsed.target_rules:
                    targeted.setdefault(self.prefix + rule_id, []).append(parsed)
                continue
            content = self.place(parsed, ())
            if content is not None:
                global_content.append(content)
        for key in ("prefilter", "filter"):
            if key in data:
                entropy, content_lists, paths = self.filter_expression(data[key], None, f"global {key}")
                if entropy is not None:
                    self.warn(None, f"global {key}: the entropy term is not imported")
                global_content.extend(content_lists)
                if paths:
                    self.path_allowlists.append(PathAllowlist((), tuple(paths)))
        self.shared = list(dict.fromkeys(global_content))
        raw_rules = data.get("rules") or []
        if not isinstance(raw_rules, list):
            self.error(None, "`rules` must be an array of tables ([[rules]])")
            raw_rules = []
        rules: list[Rule] = []
        seen: set[str] = set()
        self.rules_read = len(raw_rules)
        for n, raw in enumerate(raw_rules, 1):
            rid = self.prefix + raw["id"].strip() if isinstance(raw, dict) and isinstance(raw.get("id"), str) else ""
            rule = self.rule(raw, n, targeted.get(rid, []), global_content, seen)
            if rule is not None:
                rules.append(rule)
        for rule_id in sorted(set(targeted) - seen):
            self.warn(None, f"global allowlist for {rule_id!r}: no such imported rule")
        network = sorted({k for raw in raw_rules if isinstance(raw, dict) for k in raw if k in _NETWORK_KEYS})
        if network:
            self.warn(None, f"{', '.join(network)} ignored: credwall never checks secrets over the network")
        return rules


def _read_toml(path: str) -> dict[str, Any]:
    from ...analysers.structured import StructureError, load_toml_file

    try:
        return load_toml_file(path)
    except StructureError as exc:
        raise RuleError(f"{path}: {exc}") from None


def import_gitleaks(path: str | os.PathLike[str], *, prefix: str = "", family: str = DEFAULT_FAMILY,
                    reserved_ids: Iterable[str] = ()) -> ImportResult:
    """Rules, path allowlists (for the scan) and problems from a gitleaks/betterleaks TOML file.
    Raises RuleError only when the file cannot be read or is not TOML; everything wrong with a
    rule is a `Problem`. `prefix` goes before every rule id; ids in `reserved_ids` (the
    built-in rules) are refused, since credwall rule ids must be unique."""
    path = os.fspath(path)
    data = _lower_keys(_read_toml(path))
    importer = _Importer(source=os.path.basename(path), family=family, prefix=prefix, reserved_ids=reserved_ids)
    rules = importer.config(data)
    return ImportResult(rules, importer.path_allowlists, importer.problems, tuple(importer.shared),
                        importer.rules_read)
