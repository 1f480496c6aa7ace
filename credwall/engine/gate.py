"""The keyword gate: where a text holds which keywords, for everything that runs regexes only
around keyword hits (the matcher's rules, the redactor's log finders).

Built once from a mapping keyword -> indices (a rule's index, or whatever its user numbers);
`hits(text)` answers index -> start offsets of its keywords' hits, in text order, one per hit
(two keywords of one index starting at the same offset give that offset twice). Keywords are
lower-case ASCII and match case-insensitively: the text is lower-cased first, offset for
offset (see `lower`), so the offsets index the original text too. The gate only says where to
look; what a regex then finds is read from the original text.

`KeywordGate` is the interface; there are two implementations that return identical hits
(tests/test_gate_parity.py runs both over every rule's examples and a random corpus):
- `AhoCorasickGate`: one pyahocorasick automaton over the lower-cased text. Portable, built in
  ~2 ms, but it walks the text one character at a time (~75 MB/s with the built-in keywords).
- `HyperscanGate` (credwall/engine/hsgate.py, `pip install credwall[fast]`): one Hyperscan
  literal database, vectorised (~450 MB/s here with the per-hit Python work, 8x the automaton);
  it costs an import and a database load, so it pays off only on large texts.

`build_gate` picks by $CREDWALL_GATE: `aho-corasick`, `hyperscan` (an error if it is not
installed), or `auto` (the default): Aho-Corasick for texts under SMALL_TEXT characters, and
for larger ones until they have added up to AUTO_SWITCH_CHARS, then Hyperscan when it is
installed. A hook's staged change (tens of KB) and a history's hunks never load Hyperscan; a
tree scan switches within its first MiB of larger files.
"""

from __future__ import annotations

import os

from ..errors import CredwallError

TYPE_CHECKING = False  # no `typing` at run time: the matcher loads on the commit path
if TYPE_CHECKING:
    from typing import Mapping

    import ahocorasick


def lower(text: str) -> str:
    """text lower-cased, offset for offset: `str.lower()`, unless a few non-ASCII letters
    lower to two characters (İ), then ASCII letters only."""
    lowered = text.lower()
    if len(lowered) != len(text):
        # bytes.lower() changes ASCII letters only, never a byte of a multi-byte character:
        # 40x faster than lowering character by character in Python (lone surrogates, as
        # surrogateescape decoding makes them, round-trip through surrogatepass).
        lowered = text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")
    return lowered


class KeywordGate:
    """The interface: `hits(text) -> {index: [start, ...]}` (see the module docstring).
    A caller that needs `lower(text)` itself may pass it as `lowered`, so an implementation
    that matches lowered text does not lower it a second time."""

    engine = "none"

    def hits(self, text: str, lowered: str | None = None) -> dict[int, list[int]]:
        raise NotImplementedError

    def take_rebuilt(self) -> int:
        """Cache entries this gate found damaged and rebuilt since the last call (for the
        scan's notes, beside the regex cache's)."""
        return 0


GATE_ENGINES = ("auto", "aho-corasick", "hyperscan")
# Characters an `auto` gate scans with Aho-Corasick before it moves to Hyperscan: above a hook's
# staged change, so the commit path never pays for loading it (~10 ms with a warm cache).
AUTO_SWITCH_CHARS = 1 << 20
# Texts shorter than this stay on Aho-Corasick under `auto` (see AutoGate).
SMALL_TEXT = 2048


class GateError(CredwallError):
    """$CREDWALL_GATE names no engine, or one that is not installed."""


def build_gate(keywords: Mapping[str, tuple[int, ...]], engine: str | None = None) -> KeywordGate:
    """The gate over keyword -> indices (lower-case ASCII keywords, each at least one
    character; ValueError otherwise). `engine` (default $CREDWALL_GATE, else `auto`) is one of
    GATE_ENGINES; GateError for any other, or for `hyperscan` when it cannot be loaded."""
    for keyword in keywords:
        if not keyword or not keyword.isascii() or keyword.lower() != keyword:
            raise ValueError(f"gate keyword {keyword!r} must be non-empty lower-case ASCII")
    engine = engine or os.environ.get("CREDWALL_GATE") or "auto"
    if engine == "aho-corasick":
        return AhoCorasickGate(keywords)
    if engine == "hyperscan":
        from .hsgate import HyperscanGate, hyperscan_missing

        missing = hyperscan_missing(keywords)
        if missing:
            raise GateError(f"CREDWALL_GATE=hyperscan: {missing}")
        return HyperscanGate(keywords)
    if engine == "auto":
        return AutoGate(keywords)
    raise GateError(f"CREDWALL_GATE={engine!r}: expected one of {', '.join(GATE_ENGINES)}")


class AutoGate(KeywordGate):
    """Aho-Corasick, and Hyperscan (when installed) for texts of SMALL_TEXT characters or more
    once such texts have added up to AUTO_SWITCH_CHARS. Small texts (a history's hunks, a hook's
    lines) stay on Aho-Corasick: per call the two cost the same there (~5 us for 120
    characters), and Hyperscan's load (~15 ms a process) would buy nothing. Both give the same
    hits, so which one saw a text changes nothing but the time it took."""

    def __init__(self, keywords: Mapping[str, tuple[int, ...]]) -> None:
        self._keywords = keywords
        self._small = AhoCorasickGate(keywords)
        self._large: KeywordGate = self._small
        self._budget = AUTO_SWITCH_CHARS  # large-text characters left before the switch is considered

    def hits(self, text: str, lowered: str | None = None) -> dict[int, list[int]]:
        if len(text) < SMALL_TEXT:
            return self._small.hits(text, lowered)
        if self._budget >= 0:
            self._budget -= len(text)
            if self._budget < 0:
                self._switch()
        return self._large.hits(text, lowered)

    def _switch(self) -> None:
        from .hsgate import HyperscanGate, hyperscan_missing

        if not hyperscan_missing(self._keywords):
            self._large = HyperscanGate(self._keywords)

    def take_rebuilt(self) -> int:
        return self._large.take_rebuilt()

    @property
    def engine(self) -> str:
        """The engine that serves large texts now."""
        return self._large.engine


class _Bucket(list[int]):
    """One keyword's hits in the text being scanned (end offsets): the automaton's value for
    that keyword, so the scan loop does nothing per hit but append to it."""

    __slots__ = ("shift", "indices")

    def __init__(self, length: int, indices: tuple[int, ...]) -> None:
        super().__init__()
        self.shift = length - 1  # end offset -> start offset
        self.indices = indices


class AhoCorasickGate(KeywordGate):
    """One pyahocorasick automaton over every keyword. Not for use from several threads at
    once: each keyword's bucket is filled during a scan and emptied before `hits` returns
    (measured in bench/gate.py: the cheapest per-hit work a pure-Python loop can do)."""

    engine = "aho-corasick"

    def __init__(self, keywords: Mapping[str, tuple[int, ...]]) -> None:
        self._automaton: ahocorasick.Automaton | None = None
        if not keywords:
            return
        import ahocorasick

        automaton = ahocorasick.Automaton()
        for keyword, indices in keywords.items():
            automaton.add_word(keyword, _Bucket(len(keyword), tuple(sorted(set(indices)))))
        automaton.make_automaton()
        self._automaton = automaton

    def hits(self, text: str, lowered: str | None = None) -> dict[int, list[int]]:
        if self._automaton is None or not text:
            return {}
        touched: list[_Bucket] = []
        per_index: dict[int, list[list[int]]] = {}
        try:
            for end, bucket in self._automaton.iter(lower(text) if lowered is None else lowered):
                if not bucket:
                    touched.append(bucket)
                bucket.append(end)
            for bucket in touched:
                shift = bucket.shift
                starts = [end - shift for end in bucket]
                for k, index in enumerate(bucket.indices):
                    own = starts if k == 0 else starts.copy()  # callers may keep each list
                    lists = per_index.get(index)
                    if lists is None:
                        per_index[index] = [own]
                    else:
                        lists.append(own)
        finally:  # the buckets outlive this text: leave them empty, even after an error
            for bucket in touched:
                bucket.clear()
        return merge_per_index(per_index)


def merge_per_index(per_index: dict[int, list[list[int]]]) -> dict[int, list[int]]:
    """index -> its keywords' start lists (each in text order) as index -> one list in text order."""
    hits: dict[int, list[int]] = {}
    for index, lists in per_index.items():
        if len(lists) == 1:
            hits[index] = lists[0]
        else:  # several keywords of one index: merge into text order
            merged = [pos for starts in lists for pos in starts]
            merged.sort()
            hits[index] = merged
    return hits
