"""One file's analysis: the text matched once by every pattern rule, what the file's analyser
adds from its structure, and the one merge that turns both into findings.

An analyser (credwall/analysers) never reports directly. It reads `Analysis.text` (or `data`),
parses it if it needs to, and adds:
- candidates of its own rules (`add`): a literal under a credential-named key, a committed env
  file, a private key by its file name;
- regions (`region`): spans of the text where a pattern rule's finding gets context and advice
  (`in mcpServers.github.env.GITHUB_TOKEN; use "${GITHUB_TOKEN}" instead`).

`resolve` then keeps one finding per secret, by rank: a provider rule (a format with a prefix or
checksum), then an analyser's rule, then a generic keyword=value rule; applies inline allow
markers and the rules in force; and locates each finding (line, column) in the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, NamedTuple

from .filters import inline_allowed
from .findings import Finding, LineIndex, fingerprint, mask, secret_sha1

if TYPE_CHECKING:
    from .decode import View
    from .matcher import Match, Matcher
    from .rules import Rule

PROVIDER, STRUCTURE, GENERIC = 0, 1, 2  # candidate ranks: lower wins an overlap
SPAN, FILE = "span", "file"  # a candidate about a secret in the text, or about the whole file


class Candidate(NamedTuple):
    rule_id: str
    start: int  # offsets of the secret in the analysed text (start == end for FILE scope)
    end: int
    secret: str  # what the fingerprint is taken over (the decoded value, or name + content hash)
    message: str
    rank: int
    confidence: str
    scope: str = SPAN
    fallback: bool = False  # reported only when nothing else in the file is
    # (line, column, end line, end column) when found in another view of the file (the UTF-8
    # reading beside a BOM, a binary file's printable runs): start and end are then unused.
    located: tuple[int, int, int, int] | None = None


class Region(NamedTuple):
    """Where a value the structure names sits: a finding inside gets `suffix` after its rule's
    description (`" in env.API_KEY of .mcp.json; use ${API_KEY} instead"`)."""

    start: int
    end: int
    suffix: str


class Analysis:
    """Handed to an analyser: the file, the pattern matches over its text, and where its own
    candidates, regions and errors go."""

    def __init__(self, path: str, kind: str, data: bytes, text: str | None, matcher: Matcher,
                 rules: dict[str, Rule], note: Callable[[str], None] | None = None) -> None:
        self.path = path
        self.kind = kind
        self.data = data
        self.text = text
        self.matcher = matcher
        self.rules = rules  # every rule in force by id, pattern and analyser rules alike
        self.matches: list[Match] = []  # pattern matches over the whole text; an analyser may drop some
        self.candidates: list[Candidate] = []
        self.regions: list[Region] = []
        self.default_suffix = ""  # for pattern findings outside every region
        self.errors: list[str] = []
        self._note = note

    # --- what analysers call ----------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]

    def enabled(self, rule_id: str) -> bool:
        return rule_id in self.rules

    def add(self, rule_id: str, start: int, end: int, secret: str, message: str, *,
            scope: str = SPAN, fallback: bool = False) -> None:
        """A candidate of one of the analyser rules (patterns/context.yaml); dropped silently when
        the configuration disables that rule."""
        rule = self.rules.get(rule_id)
        if rule is None:
            return
        self.candidates.append(Candidate(rule_id, start, end, secret, message, STRUCTURE, rule.confidence,
                                         scope, fallback))

    def add_file(self, rule_id: str, message: str, *, fallback: bool = False) -> None:
        """A finding about the whole file (at line 1). Its fingerprint covers name and content,
        so allowing one file does not allow a different key committed under the same name."""
        import hashlib

        secret = f"{self.name}\0sha256:{hashlib.sha256(self.data).hexdigest()}"
        self.add(rule_id, 0, 0, secret, message, scope=FILE, fallback=fallback)

    def region(self, start: int, end: int, suffix: str) -> None:
        self.regions.append(Region(start, end, suffix))

    def error(self, reason: str) -> None:
        self.errors.append(reason)

    def note(self, what: str) -> None:
        if self._note is not None:
            self._note(what)

    def matches_in(self, start: int, end: int) -> list[Match]:
        return [m for m in self.matches if start <= m.start and m.end <= end]

    def scan_value(self, value: str, start: int, end: int,
                   position: Callable[[int], int] | None = None) -> list[Match]:
        """Pattern matches in a decoded value (a JSON string with escapes, a base64 payload)
        whose text is not the file's own. `position` maps an offset in the value to one in the
        file; without it every match is placed at the value's whole span [start, end)."""
        from .matcher import Match

        if position is None:
            return [Match(m.rule, start, end, m.secret) for m in self.matcher.find(value)]
        return [Match(m.rule, position(m.start), max(position(m.end), position(m.start) + 1), m.secret)
                for m in self.matcher.find(value)]

    def add_view_match(self, match: Match, view: View) -> None:
        """A pattern match found in another view of the file, located through that view."""
        line, column = view.locate(match.start)
        end_line, end_column = view.locate(match.end)
        rank = GENERIC if match.rule.generic else PROVIDER
        suffix = "" if match.rule.advisory else self.default_suffix
        self.candidates.append(Candidate(match.rule.id, 0, 0, match.secret, match.rule.description
                                         + suffix, rank, match.rule.confidence,
                                         located=(line, column, end_line, end_column)))

    def parse(self, fmt: str) -> tuple[Any, list[Any]] | None:
        """The document and its leaves (JSON, YAML or TOML); None, and an error naming the line
        and column, when the text is malformed."""
        from ..analysers.structured import StructureError, load_json, load_toml, load_yaml

        assert self.text is not None
        try:
            return {"JSON": load_json, "YAML": load_yaml, "TOML": load_toml}[fmt](self.text)
        except StructureError as exc:
            self.error(f"malformed {fmt}: {exc}")
            return None


class Resolved(NamedTuple):
    findings: list[Finding]
    allowed: int  # findings silenced by an inline allow marker
    sha1_hits: dict[str, str]  # fingerprint -> sha1 of the secret, for imported detect-secrets entries
    allowed_findings: list[Finding] = []  # those findings (SARIF reports them as suppressed)


# keep(scope, first line, last line): does a finding belong to what is being scanned (a change
# keeps what touches its added lines)?
Keep = Callable[[str, int, int], bool]


def resolve(analysis: Analysis, line_offset: int = 0, keep: Keep | None = None,
            sha1s: frozenset[str] = frozenset()) -> Resolved:
    """The analysis's findings: ranked merge, inline allows, locations."""
    text = analysis.text or ""
    candidates = list(analysis.candidates)
    if analysis.matches:
        regions = sorted(analysis.regions)
        for m in analysis.matches:
            # an advisory (a practice, not a credential) keeps its own words: no "rotate it" advice
            suffix = "" if m.rule.advisory else _suffix(regions, m.start, analysis.default_suffix)
            rank = GENERIC if m.rule.generic else PROVIDER
            candidates.append(Candidate(m.rule.id, m.start, m.end, m.secret, m.rule.description + suffix,
                                        rank, m.rule.confidence))
    if not candidates:
        return Resolved([], 0, {})
    kept: list[Candidate] = []
    spans: list[tuple[int, int]] = []
    # Advisories (practices, not credentials) are resolved among themselves, and neither hide a
    # credential's finding nor count as one for a fallback ("reported when nothing else is").
    advisory_ids = {c.rule_id for c in candidates if getattr(analysis.rules.get(c.rule_id), "advisory", False)}
    advisory_spans: list[tuple[int, int]] = []
    credentials = 0
    for c in sorted(candidates, key=lambda c: (c.fallback, c.rank, c.start, -c.end)):
        advisory = c.rule_id in advisory_ids
        if c.located is not None or c.scope == FILE:  # another view's match, or the whole file
            if not c.fallback or not credentials:
                kept.append(c)
                credentials += not advisory
            continue
        if c.fallback and credentials:
            continue
        taken = advisory_spans if advisory else spans
        if any(c.start < e and s < c.end for s, e in taken):
            continue
        kept.append(c)
        taken.append((c.start, c.end))
        credentials += not advisory
    allowed_findings: list[Finding] = []
    findings: list[Finding] = []
    hits: dict[str, str] = {}
    index = LineIndex(text)
    for c in sorted(kept, key=lambda c: (c.located or (0, 0), c.start, c.rule_id)):
        if c.located is not None:
            line, column, end_line, end_column = c.located
        else:
            line, column = index.locate(c.start)
            end_line, end_column = _end(text, c, line, column)
        if keep is not None and not keep(c.scope, line + line_offset, end_line + line_offset):
            continue
        print_ = fingerprint(c.rule_id, c.secret)
        if text and c.located is None and inline_allowed(text, c.start):
            allowed_findings.append(Finding(
                rule_id=c.rule_id, path=analysis.path, line=line + line_offset, column=column,
                end_line=end_line + line_offset, end_column=end_column, confidence=c.confidence,
                fingerprint=print_, secret_masked=mask(c.secret), message=c.message))
            continue
        if sha1s and c.scope == SPAN:
            sha1 = secret_sha1(c.secret)
            if sha1 in sha1s:
                hits[print_] = sha1
        rule = analysis.rules.get(c.rule_id)
        findings.append(Finding(
            rule_id=c.rule_id, path=analysis.path, line=line + line_offset, column=column,
            end_line=end_line + line_offset, end_column=end_column, confidence=c.confidence,
            fingerprint=print_, secret_masked=mask(c.secret), message=c.message,
            advisory=rule is not None and rule.advisory))
    return Resolved(findings, len(allowed_findings), hits, allowed_findings)


def _suffix(regions: list[Region], start: int, default: str) -> str:
    """The innermost region holding offset start (regions sorted by start)."""
    best: Region | None = None
    for region in regions:
        if region.start > start:
            break
        if start < region.end and (best is None or region.end - region.start <= best.end - best.start):
            best = region
    return best.suffix if best is not None else default


def _end(text: str, c: Candidate, line: int, column: int) -> tuple[int, int]:
    """1-based end line and exclusive end column of a candidate's span."""
    if c.scope == FILE:
        return line, column + 1
    span = text[c.start:c.end] if c.end > c.start else c.secret
    newlines = span.count("\n")
    if not newlines:
        return line, column + max(len(span), 1)
    return line + newlines, len(span) - span.rfind("\n")
