"""Path allowlists: the conditions of a rule pack that need the file's path, applied while scanning.

A pack's `path_allowlists` (written by `credwall rules import` from gitleaks' allowlist `paths`
and rule `path`; docs/rule-format.md) say which findings to drop, or keep, by the path of the
file they are in. The matcher never sees paths, so the scan applies them around it:

- `load_path_allowlists(pack)` reads and validates a pack's entries (`Config.path_allowlists`);
- `file_skipped(entries, path)`: a global entry without content conditions allows the whole
  file, so the scan need not read it (`Config.excluder`, as gitleaks skips such files);
- `filter_matches(entries, path, text, matches)`: the matches of one file that the entries let
  through (`session.load_matcher` wires it into the matcher as its `path_filter`).
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, Sequence

from .rules import SECRET_GROUP, Allowlist, RuleError

if TYPE_CHECKING:
    from .matcher import Match


class PathAllowlist(NamedTuple):
    """A path condition on findings.

    `only=False` (gitleaks' allowlist `paths`): a finding of `rule_ids` (empty: every rule) in a
    file whose path matches one of `paths` is dropped; with `content` (condition AND), only when
    that content allowlist also allows it. `only=True` (gitleaks' rule `path`): the rule's
    findings are kept only in files whose path matches.
    Paths are `regex`-module patterns searched in the path relative to the scan root, with `/`.
    """

    rule_ids: tuple[str, ...]
    paths: tuple[str, ...]
    content: Allowlist | None = None
    only: bool = False


_ENTRY_KEYS = frozenset({"rules", "paths", "only", "target", "regexes", "stopwords", "condition"})


def _strings(value: Any) -> list[str] | None:
    """A list of strings (a single string counts as one; absent: empty); None if it is not."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def parse_path_allowlists(raw: Any, where: str) -> list[PathAllowlist]:
    """A pack's `path_allowlists` section (as `credwall rules import` writes it), validated:
    RuleError names the pack (`where`) and what is wrong."""
    import regex

    if raw is None:
        return []
    if not isinstance(raw, list):
        raise RuleError(f"{where}: `path_allowlists` must be a list")
    out = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise RuleError(f"{where}: each path_allowlists entry must be a mapping")
        unknown = set(entry) - _ENTRY_KEYS
        if unknown:
            raise RuleError(f"{where}: unknown path_allowlists key(s) {', '.join(sorted(unknown))}")
        rule_ids, paths = _strings(entry.get("rules")), _strings(entry.get("paths"))
        regexes, stopwords = _strings(entry.get("regexes")), _strings(entry.get("stopwords"))
        if rule_ids is None or paths is None or regexes is None or stopwords is None or not paths:
            raise RuleError(f"{where}: a path_allowlists entry needs `paths` (and lists of strings)")
        target = entry.get("target", "secret")
        if target not in ("secret", "match", "line"):
            raise RuleError(f"{where}: path_allowlists target must be secret, match or line")
        for pattern in paths + regexes:
            try:
                regex.compile(pattern)
            except regex.error as exc:
                raise RuleError(f"{where}: bad path_allowlists regex {pattern!r}: {exc}") from None
        content = Allowlist(target, tuple(regexes), tuple(w.lower() for w in stopwords),
                            str(entry.get("condition", "or")).lower() == "and") if regexes or stopwords else None
        out.append(PathAllowlist(tuple(rule_ids), tuple(paths), content, bool(entry.get("only", False))))
    return out


def load_path_allowlists(pack: str | os.PathLike[str]) -> list[PathAllowlist]:
    """The `path_allowlists` of a YAML pack (empty for packs without them)."""
    path = os.fspath(pack)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise RuleError(f"{path}: cannot read: {exc}") from None
    if b"path_allowlists" not in raw:  # most packs: no need to parse the YAML a second time
        return []
    import yaml

    try:
        data = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: cannot read: {exc}") from None
    return parse_path_allowlists(data.get("path_allowlists") if isinstance(data, dict) else None, path)


# --- applying them ----------------------------------------------------------------------------

@lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    import regex

    return regex.compile(pattern)


def _normal_path(path: str) -> str:
    path = path.replace(os.sep, "/")
    return path[2:] if path.startswith("./") else path


def file_skipped(entries: Sequence[PathAllowlist], path: str) -> bool:
    """Is the whole file allowed (a global path allowlist without content conditions)? The scan
    layer can then skip reading it, as gitleaks does."""
    path = _normal_path(path)
    return any(not e.rule_ids and not e.only and e.content is None
               and any(_compiled(p).search(path) for p in e.paths) for e in entries)


def filter_matches(entries: Sequence[PathAllowlist], path: str, text: str, matches: Sequence[Match]) -> list[Match]:
    """Drop the matches that the path allowlists allow in this file, and the matches of rules
    restricted (`only`) to other paths. `text` is the text the matches index."""
    if not entries or not matches:
        return list(matches)
    from .matcher import allowlist_hit, allowlist_target

    path = _normal_path(path)
    path_hit = {i: any(_compiled(p).search(path) for p in e.paths) for i, e in enumerate(entries)}
    kept = []
    for match in matches:
        dropped = False
        for i, entry in enumerate(entries):
            if entry.rule_ids and match.rule.id not in entry.rule_ids:
                continue
            if entry.only:
                dropped = not path_hit[i]
            elif path_hit[i]:
                content = entry.content
                if content is None:
                    dropped = True
                else:
                    target = match.secret
                    if content.target != "secret":
                        start, end = _whole_match(match, text)
                        target = allowlist_target(content.target, text, start, end)
                    dropped = allowlist_hit(content, [_compiled(p) for p in content.regexes], match.secret, target)
            if dropped:
                break
        if not dropped:
            kept.append(match)
    return kept


def _whole_match(match: Match, text: str) -> tuple[int, int]:
    """The span of the whole regex match around a match's secret (the matcher keeps only the
    secret's span): the rule's regex again, on the lines around it."""
    from .matcher import Matcher

    pattern = _compiled(match.rule.regex)
    for start, end in Matcher._regions(text, [match.start], match.rule.lines):
        for m in pattern.finditer(text, start, end):
            if m.span(SECRET_GROUP) == (match.start, match.end):
                return m.span()
    return match.start, match.end
