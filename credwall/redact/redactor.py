"""The redactor: one text in, the spans to redact out (merged, in order, never across a line
break), and the same on bytes.

Everything the rules find (the shared matcher, without its inline allow markers) plus the log
finders (finders.py), behind one keyword gate; hot rules go through their pre-checks
(prefilter.py) before their regexes run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, NamedTuple

from .finders import EMAIL, EXTRA_FINDERS, EXTRA_KEYWORDS, EXTRA_PRIORITY, find_ips
from .prefilter import FOLDS_TO_ASCII, Prefilter, Skeleton, analyse, keep_within, lines_with, skeleton_lines

if TYPE_CHECKING:
    from ..engine.matcher import Match, Matcher

LABEL = "[REDACTED:{}]"

# A rule whose keywords hit this many times in one chunk is worth a cheap
# pre-check (see Prefilter) before its regex runs on every hit line.
_HOT_HITS = 64
# What running a rule's regex on one hit line costs (measured: 2-4 us with Matcher._regions and its
# Python around it), against which one skeleton pass over the chunk is weighed.
_REGEX_SECONDS_PER_LINE = 3e-6
_SAMPLE_CHARS = 64 * 1024


class Span(NamedTuple):
    """A span of text to replace with [REDACTED:label]. Offsets index the scanned text."""

    start: int
    end: int
    label: str


class Redactor:
    """The matcher's rules plus the log finders behind one keyword gate. Built once per
    process (pool workers inherit it through fork); not for use from several threads at once
    (neither is the gate)."""

    def __init__(self, matcher: Matcher, emails: bool = False, ips: bool = False,
                 extras: bool = True) -> None:
        """`extras=False`: the rules only (no headers, cookies, JWTs, key=values, keys)."""
        from ..engine.gate import build_gate
        from ..engine.matcher import rule_keywords

        self.matcher = matcher
        self.rules = matcher.rules
        self.ips = ips
        kinds = [k for k in EXTRA_KEYWORDS if (extras and k != EMAIL) or (k == EMAIL and emails)]
        self._extra_kinds = tuple(kinds)
        # Gate indices: the rules' own, then len(rules) + the position of each finder kind.
        n = len(self.rules)
        # Advisory rules report practices (a variable printed to a log), not secrets: never redacted.
        keywords = {k: kept for k, indices in rule_keywords(self.rules).items()
                    if (kept := tuple(i for i in indices if not self.rules[i].advisory))}
        for offset, kind in enumerate(kinds):
            for keyword in EXTRA_KEYWORDS[kind]:
                keywords[keyword] = keywords.get(keyword, ()) + (n + offset,)
        self.gate = build_gate(keywords)
        self._keywordless = tuple(i for i, r in enumerate(self.rules) if not r.keywords and not r.advisory)
        self._prefilters: dict[int, Prefilter | None] = {}
        self._skeleton_cost: dict[int, float] = {}  # rule index -> seconds per character
        self._fold_safe_text: str | None = None
        self._fold_safe_value = True
        self.timeouts = 0  # lines redacted whole because a regex ran out of time

    # -- rules ----------------------------------------------------------------------------------
    def _prefilter(self, index: int, text: str, lowered: str, positions: list[int]) -> list[int]:
        """The hit positions whose line passes the rule's pre-checks (all of them when it has
        none). Never drops a position a match could come from."""
        if index not in self._prefilters:
            self._prefilters[index] = analyse(self.rules[index].regex)
        checks = self._prefilters[index]
        if checks is None:
            return positions
        fold_safe = self._fold_safe(text)
        literals = [(lit, text) for lit in checks.exact]
        if fold_safe:
            literals += [(lit, lowered) for lit in checks.folded]
        for lit, hay in literals:
            if lit not in hay:
                return []
        if self.rules[index].lines != 1:
            return positions  # a multi-line match may hold its pieces on other lines
        limit = len(positions) // 4 + 1
        skeleton = checks.skeleton
        if skeleton is not None and (fold_safe or not skeleton.folds):
            hay = lowered if skeleton.on_lowered else text
            if self._skeleton_pays(index, skeleton, hay, len(positions)):
                spans = skeleton_lines(hay, skeleton.pattern, limit)
                if spans is not None:
                    return keep_within(positions, spans)
        for lit, hay in literals:
            if "\n" in lit or "\r" in lit:
                continue
            spans = lines_with(hay, lit, limit)
            if spans is not None:
                return keep_within(positions, spans)
        return positions

    def _fold_safe(self, text: str) -> bool:
        """Can case-insensitive checks trust this text? Yes unless it holds one of the few
        non-ASCII letters that case-insensitive matching equates with an ASCII one (there,
        lower() and the engines' folding part ways). Once per text."""
        if self._fold_safe_text is not text:
            self._fold_safe_text = text
            self._fold_safe_value = text.isascii() or not any(ch in text for ch in FOLDS_TO_ASCII)
        return self._fold_safe_value

    def _skeleton_pays(self, index: int, skeleton: Skeleton, hay: str, hits: int) -> bool:
        """Is one pass of the skeleton over hay cheaper than the regex on every hit line?
        A skeleton's speed is measured once, on a sample."""
        cost = self._skeleton_cost.get(index)
        if cost is None:
            import time

            sample = hay[:_SAMPLE_CHARS]
            started = time.perf_counter()
            for _ in skeleton.pattern.finditer(sample):
                pass
            cost = (time.perf_counter() - started) / max(1, len(sample))
            self._skeleton_cost[index] = cost
        return cost * len(hay) < hits * _REGEX_SECONDS_PER_LINE

    def _rule_matches(self, text: str, index: int, regions: list[tuple[int, int]],
                      out: list[Match], timed_out: list[Span]) -> None:
        from ..engine.matcher import ScanTimeout

        try:
            out.extend(self.matcher.candidates(text, index, regions))
            return
        except ScanTimeout:
            pass
        # Fail closed, line by line: a line on which the regex runs out of time goes whole.
        for start, end in regions:
            line_start = start
            while line_start <= end:
                newline = text.find("\n", line_start, end)
                line_end = end if newline < 0 else newline
                try:
                    out.extend(self.matcher.candidates(text, index, [(line_start, line_end)]))
                except ScanTimeout:
                    timed_out.append(Span(line_start, line_end, "timeout"))
                line_start = line_end + 1

    def spans(self, text: str) -> list[Span]:
        """Every span to redact in text: merged where they overlap, in order, never holding
        a line break (a multi-line secret is redacted line by line, so lines stay lines) and
        never leaving the URL authority it starts in (a password in a URL takes no host)."""
        from ..engine.gate import lower
        from ..engine.matcher import Matcher, resolve_overlaps

        if not text:
            return []
        lowered = lower(text)  # for the gate and the pre-checks of hot rules alike
        n = len(self.rules)
        matches: list[Match] = []
        found: list[tuple[int, int, str]] = []
        timed_out: list[Span] = []
        for index, positions in self.gate.hits(text, lowered).items():
            if index >= n:
                finder = EXTRA_FINDERS[self._extra_kinds[index - n]]
                line_end = -1
                for pos in positions:
                    if pos <= line_end:
                        continue
                    line_start = text.rfind("\n", 0, pos) + 1
                    line_end = text.find("\n", pos)
                    if line_end < 0:
                        line_end = len(text)
                    finder(text, line_start, line_end, found)
                continue
            if len(positions) >= _HOT_HITS:
                positions = self._prefilter(index, text, lowered, positions)
                if not positions:
                    continue
            regions = Matcher._regions(text, positions, self.rules[index].lines)
            self._rule_matches(text, index, regions, matches, timed_out)
        for index in self._keywordless:
            self._rule_matches(text, index, [(0, len(text))], matches, timed_out)
        if self.ips:
            find_ips(text, found)
        if not matches and not found and not timed_out:
            return []
        ranked: list[tuple[int, int, float, str]] = []
        for m in resolve_overlaps(matches):
            ranked.append((m.start, _within_url_authority(text, m.start, m.end), 2.0 if m.rule.generic else 3.0,
                           m.rule.id))
        for start, end, kind in found:
            ranked.append((start, _within_url_authority(text, start, end), EXTRA_PRIORITY[kind], kind))
        for span in set(timed_out):
            ranked.append((span.start, span.end, 9.0, span.label))
        self.timeouts += len(set(timed_out))
        merged = _merge(ranked)
        if "[REDACTED:" in text:
            merged = _outside_labels(text, merged)
        return _split_lines(text, merged)

    def redact_text(self, text: str) -> str:
        """text with every secret replaced (for tests and library use)."""
        pieces: list[str] = []
        cursor = 0
        for span in self.spans(text):
            pieces.append(text[cursor:span.start])
            pieces.append(LABEL.format(span.label))
            cursor = span.end
        pieces.append(text[cursor:])
        return "".join(pieces)

    def edits(self, data: bytes, lo: int = 0, hi: int | None = None) -> list[Span]:
        """Byte spans of data to redact whose start lies in [lo, hi)."""
        hi = len(data) if hi is None else hi
        text = data.decode("utf-8", "surrogateescape")
        spans = self.spans(text)
        if not spans:
            return []
        if len(text) != len(data):  # multi-byte characters: map character offsets to bytes
            spans = _to_byte_offsets(text, spans)
        return [s for s in spans if lo <= s.start < hi]

    def redact_bytes(self, data: bytes) -> bytes:
        return apply_edits(data, self.edits(data))


# What ends a URL's authority (`user:password@host:port`), or the URL itself.
_AUTHORITY_ENDS = frozenset("/?#\\\"'` \t\r\n<>")
_AUTHORITY_REACH = 512  # longer than any user:password@host:port worth the name


def _within_url_authority(text: str, start: int, end: int) -> int:
    """The end of the span [start, end) kept inside the URL authority it starts in, if any.

    A key inside a URL is the URL's user name (`https://x-access-token:TOKEN@host/path`,
    `git://token:PW@host`), and a finder or a generic rule that reads `key:value` would run
    the value on through `@host/path`. A span that starts in the userinfo ends at its `@`;
    one that starts after it (a host named like a key: `http://vault-secret:8200/v1`) ends
    where the authority does, and is dropped when it is just the port."""
    if not any(c in text[start:end] for c in "@/?#"):
        return end  # nothing in the span that could leave an authority: the common case
    begin = start  # walk back to where this authority would begin
    low = max(0, start - _AUTHORITY_REACH)
    while begin > low and text[begin - 1] not in _AUTHORITY_ENDS:
        begin -= 1
    if begin < 3 or text[begin - 3:begin] != "://":
        return end
    stop = start  # and forward to where it ends
    high = min(len(text), start + _AUTHORITY_REACH)
    while stop < high and text[stop] not in _AUTHORITY_ENDS:
        stop += 1
    at = text.rfind("@", begin, stop)
    if at >= start:  # the span starts in the userinfo
        return min(end, at)
    if text[start - 1] == ":" and text[start:stop].isdigit():
        return start  # host:port: no credential at all
    return min(end, stop)


def _merge(ranked: list[tuple[int, int, float, str]]) -> list[Span]:
    """Union of overlapping spans, each labelled by its highest-ranked member."""
    ranked.sort(key=lambda r: (r[0], -r[1]))
    merged: list[Span] = []
    best = 0.0
    for start, end, rank, label in ranked:
        if start >= end:
            continue
        if merged and start < merged[-1].end:
            last = merged[-1]
            if rank > best:
                best = rank
                last = last._replace(label=label)
            merged[-1] = last._replace(end=max(last.end, end))
        else:
            merged.append(Span(start, end, label))
            best = rank
    return merged


def _outside_labels(text: str, spans: list[Span]) -> list[Span]:
    """Spans less any part inside a [REDACTED:...] label already in the text, so redacting
    twice changes nothing (a rule may take `[REDACTED` for a user name)."""
    import re

    labels = [m.span() for m in re.finditer(r"\[REDACTED:[\w.:-]{1,80}\]", text)]
    if not labels:
        return spans
    out: list[Span] = []
    for span in spans:
        start = span.start
        for low, high in labels:
            if high <= start or low >= span.end:
                continue
            if low > start:
                out.append(Span(start, low, span.label))
            start = max(start, high)
        if start < span.end:
            out.append(Span(start, span.end, span.label))
    return out


def _split_lines(text: str, spans: list[Span]) -> list[Span]:
    """Cut spans at line breaks (keeping the CR of a CRLF) so redaction never joins lines."""
    out: list[Span] = []
    for span in spans:
        start, end = span.start, span.end
        while start < end:
            newline = text.find("\n", start, end)
            stop = end if newline < 0 else newline
            piece_end = stop
            while piece_end > start and text[piece_end - 1] == "\r":
                piece_end -= 1
            if piece_end > start:
                out.append(Span(start, piece_end, span.label))
            start = stop + 1 if newline >= 0 else end
    return out


def _to_byte_offsets(text: str, spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    char_pos = byte_pos = 0
    for span in spans:
        start = byte_pos + len(text[char_pos:span.start].encode("utf-8", "surrogateescape"))
        end = start + len(text[span.start:span.end].encode("utf-8", "surrogateescape"))
        out.append(Span(start, end, span.label))
        char_pos, byte_pos = span.end, end
    return out


def apply_edits(data: bytes, edits: Iterable[Span]) -> bytes:
    pieces: list[bytes] = []
    cursor = 0
    for edit in edits:
        if edit.end <= cursor:
            continue
        pieces.append(data[cursor:max(cursor, edit.start)])
        pieces.append(LABEL.format(edit.label).encode())
        cursor = edit.end
    pieces.append(data[cursor:])
    return b"".join(pieces)
