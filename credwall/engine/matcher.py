"""The one compiled matcher: the keyword gate (gate.py), then each rule's regex on the lines
around its keyword hits only.

The gate only tells which lines to search; every reported position comes from the regex on
the original text.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Callable, NamedTuple, Sequence

from .checksums import VALIDATORS
from .filters import LineContext, context_reason, inline_allowed, loopback_url_credential, rejection_reason
from .gate import KeywordGate, build_gate
from .regexcache import RegexCompiler
from .rules import SECRET_GROUP, Allowlist, Example, Rule

# Bounds each regex search; a timeout makes the text's result incomplete (fail closed).
# CREDWALL_REGEX_TIMEOUT (seconds) overrides it, for slow machines and for tests.
REGEX_TIMEOUT_SECONDS = float(os.environ.get("CREDWALL_REGEX_TIMEOUT") or 2.0)
# ScanResult note: cached regex programs that failed their rule's examples and were compiled anew.
from .findings import CACHE_REBUILT_NOTE  # noqa: E402,F401 - named here for the callers that count rebuilds
# How far from a keyword hit, within its line, a rule's match may lie. Generous for the longest
# single-line secrets (JWTs, one-line PEM keys) while keeping minified files cheap.
WINDOW = 8192


class ScanTimeout(Exception):
    """A rule's regex ran out of time on this text; the result is incomplete."""

    def __init__(self, rule_id: str) -> None:
        super().__init__(f"rule {rule_id} timed out")
        self.rule_id = rule_id


class Match(NamedTuple):
    """A candidate that passed every filter. Offsets index the scanned text."""

    rule: Rule
    start: int  # of the secret group
    end: int
    secret: str


class Matcher:
    """Compiled once per process; immutable from the outside (regexes compile lazily)."""

    def __init__(self, rules: Sequence[Rule], compiler: RegexCompiler | None = None,
                 allow_secret: Callable[[str], bool] | None = None,
                 path_filter: Callable[[str, str, list[Match]], list[Match]] | None = None,
                 secret_sha1s: frozenset[str] = frozenset(),
                 examples: Callable[[Rule], Sequence[Example]] | None = None) -> None:
        # Analyser rules (no regex: found by a file's analyser) are kept aside, by id.
        self.rules: tuple[Rule, ...] = tuple(r for r in rules if r.regex)
        self.analyser_rules: tuple[Rule, ...] = tuple(r for r in rules if not r.regex)
        self.rules_by_id: dict[str, Rule] = {r.id: r for r in rules}
        self._allow_secret = allow_secret  # the configuration's allow_regexes
        # Per-path allowlists of imported (gitleaks) packs: (path, text, matches) -> matches kept.
        self.path_filter = path_filter
        # SHA-1s of secrets an imported detect-secrets baseline lists (matched where secrets are known).
        self.secret_sha1s = secret_sha1s
        self._compiler = compiler or RegexCompiler(None)
        # Each rule's examples, which verify programs from the regex cache: the rule's own, or
        # the table shipped with the built-in packs (rules loaded from a cache carry none).
        self._examples = examples or _own_examples
        self._compiled: dict[int, Any] = {}
        self._cache_rebuilt = 0  # rules whose cached programs failed their examples
        self._allowlists: dict[int, tuple[tuple[Allowlist, tuple[Any, ...]], ...]] = {}
        self._keywordless = tuple(i for i, r in enumerate(self.rules) if not r.keywords)
        self.gate: KeywordGate = build_gate(rule_keywords(self.rules))

    def compiled(self, index: int) -> Any:
        pattern = self._compiled.get(index)
        if pattern is None:
            pattern = self._compile_rule(index)
        return pattern

    def _compile_rule(self, index: int) -> Any:
        """The rule's regex and its allowlists' regexes, compiled on the rule's first use.
        Programs that came from the (untrusted) regex cache must pass the rule's own examples
        first: each example's secret found, none dropped by the rule's allowlists. A failure
        means a damaged or tampered cache: those programs are compiled from source instead."""
        rule = self.rules[index]
        compiler = self._compiler
        sources = (rule.regex, *(p for a in rule.allowlists for p in a.regexes))
        pattern = compiler.compile(rule.regex)
        allowlists = tuple((a, tuple(compiler.compile(p) for p in a.regexes)) for a in rule.allowlists)
        if any(compiler.from_cache(p) for p in sources) \
                and not self._passes_examples(index, self._examples(rule), pattern, allowlists):
            fresh = {p: compiler.recompile(p) for p in sources if compiler.from_cache(p)}
            self._cache_rebuilt += 1
            pattern = fresh.get(rule.regex, pattern)
            allowlists = tuple((a, tuple(fresh.get(p, c) for p, c in zip(a.regexes, compiled)))
                               for a, compiled in allowlists)
        self._compiled[index] = pattern
        self._allowlists[index] = allowlists
        return pattern

    def _passes_examples(self, index: int, examples: Sequence[Example], pattern: Any,
                         allowlists: tuple[tuple[Allowlist, tuple[Any, ...]], ...]) -> bool:
        """Does each of the rule's examples come out of its regex (searched where a scan would
        search it: around its keyword hits) with its own allowlists letting it through?
        A rule without examples passes: there is nothing to check its programs against."""
        rule = self.rules[index]
        try:
            for example in examples:
                text, secret = example[0], example[1]  # an Example, or a (text, secret) row of the table
                if rule.keywords:
                    positions = self.keyword_hits(text).get(index)
                    if not positions:
                        continue  # the keyword gate alone misses it: not the cache's doing
                    regions = self._regions(text, positions, rule.lines)
                else:
                    regions = [(0, len(text))]
                found = next((m for start, end in regions
                              for m in pattern.finditer(text, start, end, timeout=REGEX_TIMEOUT_SECONDS)
                              if m.group(SECRET_GROUP) == secret), None)
                if found is None:
                    return False
                for allowlist, patterns in allowlists:
                    target = secret if allowlist.target == "secret" else \
                        allowlist_target(allowlist.target, text, found.start(), found.end())
                    if allowlist_hit(allowlist, patterns, secret, target):
                        return False
        except Exception:  # noqa: BLE001 - a program that errors or times out fails too
            return False
        return True

    def flush_caches(self) -> None:
        """Write the regex programs compiled so far to the user cache (also done at exit; a
        pool worker, which leaves without running exit handlers, calls this after each task)."""
        self._compiler.flush()

    def take_cache_rebuilt(self) -> int:
        """How many cache entries were rebuilt since the last call (for the notes): a rule's
        cached programs that failed its examples, a damaged entry, or a keyword gate database
        that failed its probe."""
        count = self._cache_rebuilt + self._compiler.rebuilt + self.gate.take_rebuilt()
        self._cache_rebuilt = self._compiler.rebuilt = 0
        return count

    def allowlisted(self, index: int, text: str, match: Any, secret: str) -> bool:
        """Does one of the rule's own allowlists drop this candidate? `match` is the regex match.
        Only rules that have allowlists get here, after `compiled` has compiled them."""
        entries = self._allowlists.get(index)
        if entries is None:
            self._compile_rule(index)
            entries = self._allowlists[index]
        for allowlist, patterns in entries:
            target = secret if allowlist.target == "secret" else \
                allowlist_target(allowlist.target, text, match.start(), match.end())
            if allowlist_hit(allowlist, patterns, secret, target):
                return True
        return False

    def keyword_hits(self, text: str) -> dict[int, list[int]]:
        """Rule index -> start offsets of its keyword hits, in text order."""
        return self.gate.hits(text)

    @staticmethod
    def _regions(text: str, positions: list[int], lines: int) -> list[tuple[int, int]]:
        """Merged [start, end) spans around each hit: its line (at most WINDOW characters either
        side, so a 5 MB minified line costs a few KB per hit, not 5 MB per rule), widened to
        the `lines` lines before and after for multi-line formats."""
        regions: list[tuple[int, int]] = []
        covered = -1  # hits before this offset need no region of their own
        size = len(text)
        rfind, find = text.rfind, text.find  # bound once: this loop runs for every keyword hit
        for pos in positions:
            if pos < covered:
                continue
            low = pos - WINDOW if pos > WINDOW else 0
            high = pos + WINDOW if pos + WINDOW < size else size
            newline = rfind("\n", low, pos)
            start = newline + 1 if newline >= 0 else low
            newline = find("\n", pos, high)
            end = newline if newline >= 0 else high
            at_line_end = newline >= 0 or high == size
            if lines > 1:
                for _ in range(lines - 1):
                    if start > 0:
                        start = rfind("\n", 0, start - 1) + 1
                    if end < size:
                        nxt = find("\n", end + 1)
                        end = size if nxt < 0 else nxt
            if regions and start <= regions[-1][1]:
                last_start, last_end = regions[-1]
                regions[-1] = (last_start, end if end > last_end else last_end)
            else:
                regions.append((start, end))
            # A later hit is inside this region's reach only if its own window would end here
            # too: always when the region reaches the line's end, else up to end - WINDOW.
            if lines == 1:
                covered = regions[-1][1] if at_line_end else regions[-1][1] - WINDOW
        return regions

    def candidates(self, text: str, index: int, regions: list[tuple[int, int]]) -> list[Match]:
        """The rule's accepted matches in the regions (each searched on its own), after its
        `requires` words have dropped the regions that hold none."""
        rule = self.rules[index]
        if rule.requires and regions:
            regions = regions_holding(text, regions, rule.requires)
        if not regions:
            return []
        pattern = self.compiled(index)
        validator = VALIDATORS.get(rule.checksum) if rule.checksum else None
        found: list[Match] = []
        for start, end in regions:
            try:
                for m in pattern.finditer(text, start, end, timeout=REGEX_TIMEOUT_SECONDS):
                    secret = m.group(SECRET_GROUP)
                    if not secret:
                        continue
                    if validator is not None and not validator(secret):
                        continue
                    if rule.advisory:  # its group names a practice (a printed variable), not a value
                        if len(secret) < rule.min_length:
                            continue
                    elif rejection_reason(secret, generic=rule.generic, entropy=rule.entropy,
                                          min_length=rule.min_length):
                        continue
                    start_at, end_at = m.span(SECRET_GROUP)
                    if not rule.advisory and context_reason(secret, LineContext.of(text, start_at, end_at),
                                                            generic=rule.generic):
                        continue
                    if self._allow_secret is not None and self._allow_secret(secret):
                        continue
                    if rule.allowlists and self.allowlisted(index, text, m, secret):
                        continue
                    reported = rule
                    if rule.confidence == "high" and loopback_url_credential(text, end_at):
                        reported = rule._replace(confidence="medium")  # a dev database on this machine
                    found.append(Match(reported, start_at, end_at, secret))
            except TimeoutError:
                raise ScanTimeout(rule.id) from None
        return found

    def scan(self, text: str, advisories: bool = False) -> list[Match]:
        """The credentials in text, in text order; where spans overlap, the most specific rule
        wins. Advisory rules' matches (practices, not credentials) only with `advisories`."""
        return self.scan_with_allowed(text, advisories)[0]

    def find(self, text: str) -> list[Match]:
        """All accepted matches in text order, overlaps resolved, inline allow markers not applied
        (the pipeline applies them to every finding, pattern and analyser alike). Advisory
        matches are resolved among themselves: a practice never hides a credential."""
        matches: list[Match] = []
        advisory: list[Match] = []
        for index, positions in self.keyword_hits(text).items():
            rule = self.rules[index]
            regions = self._regions(text, positions, rule.lines)
            (advisory if rule.advisory else matches).extend(self.candidates(text, index, regions))
        for index in self._keywordless:
            (advisory if self.rules[index].advisory else matches).extend(
                self.candidates(text, index, [(0, len(text))]))
        if not advisory:
            return resolve_overlaps(matches)
        return sorted(resolve_overlaps(matches) + resolve_overlaps(advisory), key=lambda m: (m.start, m.end))

    def scan_with_allowed(self, text: str, advisories: bool = False) -> tuple[list[Match], int]:
        """(matches, how many more were silenced by an inline allow marker on their line)."""
        resolved = [m for m in self.find(text) if advisories or not m.rule.advisory]
        kept = [m for m in resolved if not inline_allowed(text, m.start)]
        return kept, len(resolved) - len(kept)


def regions_holding(text: str, regions: list[tuple[int, int]], words: tuple[str, ...]) -> list[tuple[int, int]]:
    """The regions in which one of the (lower-case) words occurs, case-insensitively
    (casefold, as the regex module folds: `ſecret` holds `secret`)."""
    if text.isascii():
        if not any(word.isascii() for word in words):
            return []  # non-ASCII labels (비밀번호, пароль) cannot occur in an ASCII text: most files
    else:
        witnesses = _witnesses(words)
        if witnesses and not any(char in text for char in witnesses):
            return []  # a few `in` tests instead of case-folding a whole non-ASCII text
    kept = []
    for start, end in regions:
        span = text[start:end].casefold()
        if any(word in span for word in words):
            kept.append((start, end))
    return kept


# Where a character folds into one of a word's non-ASCII letters: the Latin, Greek, Cyrillic and
# symbol blocks (the Kelvin sign, the kappa symbol) and the Latin ligatures. Caseless scripts
# (Hangul, CJK, kana) fold only to themselves. tests/test_matcher.py checks this against every
# code point for the shipped rules' words.
_FOLD_SOURCES = (range(0x80, 0x3000), range(0xFB00, 0xFB50))


@lru_cache(maxsize=None)
def _witnesses(words: tuple[str, ...]) -> frozenset[str]:
    """Characters of which a text must hold one for its case folding to hold one of the words:
    each word's first non-ASCII letter and every character that folds into it. Empty (no
    shortcut) when a word is all ASCII."""
    firsts = set()
    for word in words:
        first = next((char for char in word if not char.isascii()), None)
        if first is None:
            return frozenset()
        firsts.add(first)
    found = set(firsts)
    for block in _FOLD_SOURCES:
        for point in block:
            folded = chr(point).casefold()
            if any(first in folded for first in firsts):
                found.add(chr(point))
    return frozenset(found)


def _own_examples(rule: Rule) -> Sequence[Example]:
    return rule.examples


def rule_keywords(rules: Sequence[Rule]) -> dict[str, tuple[int, ...]]:
    """keyword -> indices of the rules that carry it: what the gate is built from."""
    by_keyword: dict[str, list[int]] = {}
    for index, rule in enumerate(rules):
        for keyword in rule.keywords:
            by_keyword.setdefault(keyword, []).append(index)
    return {keyword: tuple(indices) for keyword, indices in by_keyword.items()}


def allowlist_target(target: str, text: str, start: int, end: int) -> str:
    """What a `match` or `line` allowlist regex is searched in, as gitleaks defines it: the whole
    regex match with newlines trimmed, or the full line(s) the match spans."""
    whole = text[start:end]
    if target == "match":
        return whole.strip("\n")
    end = start + len(whole.rstrip("\n"))
    line_end = text.find("\n", end)
    return text[text.rfind("\n", 0, start) + 1:line_end if line_end >= 0 else len(text)]


def allowlist_hit(allowlist: Allowlist, patterns: Sequence[Any], secret: str, target: str) -> bool:
    """gitleaks' allowlist test: a regex found in the target, or a stopword in the lower-cased
    secret; with `require_all` (condition AND) each kind that is given must hit."""
    regex_hit = bool(target) and any(p.search(target, timeout=REGEX_TIMEOUT_SECONDS) for p in patterns)
    if regex_hit and not allowlist.require_all:
        return True
    lowered = secret.lower()
    stop_hit = any(word in lowered for word in allowlist.stopwords)
    if allowlist.require_all:
        return (regex_hit or not patterns) and (stop_hit or not allowlist.stopwords)
    return stop_hit


def _priority(match: Match) -> tuple[int, int, int, int]:
    rule = match.rule
    return (not rule.generic, rule.checksum is not None, rule.confidence_rank, match.end - match.start)


def resolve_overlaps(matches: list[Match]) -> list[Match]:
    """Keep one finding per secret: a specific rule beats a generic one, then confidence.
    Best first, each kept unless it overlaps one already kept (bisect: n log n, since a
    minified file can hold thousands of candidates)."""
    if len(matches) < 2:
        return sorted(matches, key=lambda m: (m.start, m.end))
    from bisect import bisect_right, insort

    starts: list[int] = []  # kept spans, sorted by start; they never overlap each other
    kept: dict[int, Match] = {}
    for match in sorted(matches, key=_priority, reverse=True):
        i = bisect_right(starts, match.start)
        before = kept[starts[i - 1]] if i else None
        after = kept[starts[i]] if i < len(starts) else None
        if (before is None or before.end <= match.start) and (after is None or match.end <= after.start):
            if match.start not in kept:
                insort(starts, match.start)
                kept[match.start] = match
    return [kept[s] for s in starts]
