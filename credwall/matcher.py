"""The one compiled matcher: an Aho-Corasick keyword gate, then each rule's regex on the lines
around its keyword hits only.

The automaton runs over lower-cased text and is used purely as a gate: its offsets only tell
which lines to search, and every reported position comes from the regex on the original text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Sequence

from .checksums import VALIDATORS
from .filters import inline_allowed, rejection_reason
from .regexcache import RegexCompiler
from .rules import SECRET_GROUP, Rule

if TYPE_CHECKING:
    import ahocorasick

# Bounds each regex search; a timeout makes the text's result incomplete (fail closed).
REGEX_TIMEOUT_SECONDS = 2.0


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


def _ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only, keeping every other character (and so every offset)."""
    return "".join(ch.lower() if ch.isascii() else ch for ch in text)


class Matcher:
    """Compiled once per process; immutable from the outside (regexes compile lazily)."""

    def __init__(self, rules: Sequence[Rule], compiler: RegexCompiler | None = None,
                 allow_secret: Callable[[str], bool] | None = None) -> None:
        import ahocorasick

        self.rules: tuple[Rule, ...] = tuple(rules)
        self._allow_secret = allow_secret  # the configuration's allow_regexes
        self._compiler = compiler or RegexCompiler(None)
        self._compiled: dict[int, Any] = {}
        self._keywordless = tuple(i for i, r in enumerate(self.rules) if not r.keywords)
        by_keyword: dict[str, set[int]] = {}
        for index, rule in enumerate(self.rules):
            for keyword in rule.keywords:
                by_keyword.setdefault(keyword, set()).add(index)
        self._automaton: ahocorasick.Automaton | None = None
        if by_keyword:
            automaton = ahocorasick.Automaton()
            for keyword, indices in by_keyword.items():
                # (keyword length, rule indices): the length finds the hit's start offset.
                automaton.add_word(keyword, (len(keyword), tuple(sorted(indices))))
            automaton.make_automaton()
            self._automaton = automaton

    def compiled(self, index: int) -> Any:
        pattern = self._compiled.get(index)
        if pattern is None:
            pattern = self._compiler.compile(self.rules[index].regex)
            self._compiled[index] = pattern
        return pattern

    def keyword_hits(self, text: str) -> dict[int, list[int]]:
        """Rule index -> start offsets of its keyword hits, in text order."""
        if self._automaton is None or not text:
            return {}
        lowered = text.lower()
        if len(lowered) != len(text):  # a few non-ASCII letters lower to two characters
            lowered = _ascii_lower(text)
        hits: dict[int, list[int]] = {}
        for end, (length, indices) in self._automaton.iter(lowered):
            start = end - length + 1
            for index in indices:
                positions = hits.get(index)
                if positions is None:
                    hits[index] = [start]
                else:
                    positions.append(start)
        return hits

    @staticmethod
    def _regions(text: str, positions: list[int], lines: int) -> list[tuple[int, int]]:
        """Merged [start, end) spans of the `lines` lines before and after each hit's line."""
        regions: list[tuple[int, int]] = []
        region_end = -1
        for pos in positions:
            if pos < region_end and lines == 1:
                continue
            start = text.rfind("\n", 0, pos) + 1
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            for _ in range(lines - 1):
                if start > 0:
                    start = text.rfind("\n", 0, start - 1) + 1
                if end < len(text):
                    nxt = text.find("\n", end + 1)
                    end = len(text) if nxt < 0 else nxt
            if regions and start <= regions[-1][1]:
                regions[-1] = (regions[-1][0], max(end, regions[-1][1]))
            else:
                regions.append((start, end))
            region_end = end
        return regions

    def candidates(self, text: str, index: int, regions: list[tuple[int, int]]) -> list[Match]:
        rule = self.rules[index]
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
                    if rejection_reason(secret, generic=rule.generic, entropy=rule.entropy,
                                        min_length=rule.min_length):
                        continue
                    if self._allow_secret is not None and self._allow_secret(secret):
                        continue
                    found.append(Match(rule, m.start(SECRET_GROUP), m.end(SECRET_GROUP), secret))
            except TimeoutError:
                raise ScanTimeout(rule.id) from None
        return found

    def scan(self, text: str) -> list[Match]:
        """All accepted matches in text order; where spans overlap, the most specific rule wins."""
        return self.scan_with_allowed(text)[0]

    def scan_with_allowed(self, text: str) -> tuple[list[Match], int]:
        """(matches, how many more were silenced by an inline allow marker on their line)."""
        matches: list[Match] = []
        for index, positions in self.keyword_hits(text).items():
            regions = self._regions(text, positions, self.rules[index].lines)
            matches.extend(self.candidates(text, index, regions))
        for index in self._keywordless:
            matches.extend(self.candidates(text, index, [(0, len(text))]))
        resolved = resolve_overlaps(matches)
        kept = [m for m in resolved if not inline_allowed(text, m.start)]
        return kept, len(resolved) - len(kept)


def _priority(match: Match) -> tuple[int, int, int, int]:
    rule = match.rule
    return (not rule.generic, rule.checksum is not None, rule.confidence_rank, match.end - match.start)


def resolve_overlaps(matches: list[Match]) -> list[Match]:
    """Keep one finding per secret: a specific rule beats a generic one, then confidence."""
    if len(matches) < 2:
        return sorted(matches, key=lambda m: (m.start, m.end))
    kept: list[Match] = []
    for match in sorted(matches, key=_priority, reverse=True):
        if all(match.end <= k.start or match.start >= k.end for k in kept):
            kept.append(match)
    return sorted(kept, key=lambda m: (m.start, m.end))
