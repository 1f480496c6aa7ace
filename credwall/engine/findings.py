"""Findings: what a scan reports. They never hold the secret itself, only a masked prefix and a
fingerprint (sha256 over rule id and secret) that baselines and allow-lists key on."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, Iterable, NamedTuple

if TYPE_CHECKING:
    from .matcher import Match


# The summary's note for regex-cache entries that failed verification and were rebuilt.
CACHE_REBUILT_NOTE = "cache rebuilt"


def fingerprint(rule_id: str, secret: str) -> str:
    import hashlib

    return hashlib.sha256(f"{rule_id}\0{secret}".encode("utf-8", "surrogatepass")).hexdigest()


def secret_sha1(secret: str) -> str:
    """The hash detect-secrets stores as `hashed_secret` (imported baselines match on it)."""
    import hashlib

    return hashlib.sha1(secret.encode("utf-8", "surrogatepass")).hexdigest()


def mask(secret: str) -> str:
    """A few leading characters, never more than a quarter of the secret, then an ellipsis."""
    shown = min(4, len(secret) // 4)
    return secret[:shown] + "…"


class Finding(NamedTuple):
    rule_id: str
    path: str
    line: int  # 1-based
    column: int  # 1-based, of the secret's first character
    end_line: int
    end_column: int  # 1-based, exclusive
    confidence: str
    fingerprint: str
    secret_masked: str
    message: str
    # Set for findings from history scans (`scan --history`, the pre-push hook).
    commit: str | None = None
    author: str | None = None
    date: str | None = None  # ISO 8601, the commit's author date
    # A practice to review (a secret printed to a log, static cloud keys where OIDC exists),
    # not a credential: reported, and failing the run only when the configuration says so.
    advisory: bool = False

    def to_json(self) -> dict[str, Any]:
        data = self._asdict()
        for key in ("commit", "author", "date"):
            if data[key] is None:
                del data[key]
        if not data["advisory"]:
            del data["advisory"]
        return data


class LineIndex:
    """Offset -> (line, column) for one text, counting newlines incrementally."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._offset = 0
        self._line = 1

    def locate(self, offset: int) -> tuple[int, int]:
        text = self._text
        if offset < self._offset:  # callers go forwards; restart if they do not
            self._offset, self._line = 0, 1
        self._line += text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def findings_from_matches(path: str, text: str, matches: Iterable[Match],
                          line_offset: int = 0) -> list[Finding]:
    index = LineIndex(text)
    findings = []
    for match in sorted(matches, key=lambda m: m.start):
        line, column = index.locate(match.start)
        end_line = line + match.secret.count("\n")
        end_column = (len(match.secret) - match.secret.rfind("\n")) if end_line != line else column + len(match.secret)
        rule = match.rule
        findings.append(Finding(
            rule_id=rule.id,
            path=path,
            line=line + line_offset,
            column=column,
            end_line=end_line + line_offset,
            end_column=end_column,
            confidence=rule.confidence,
            fingerprint=fingerprint(rule.id, match.secret),
            secret_masked=mask(match.secret),
            message=rule.description,
        ))
    return findings


class ScanError(NamedTuple):
    path: str
    reason: str


class ScanResult:
    """What a scan found, read and skipped; merged across files, workers and sources."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.errors: list[ScanError] = []
        self.files = 0
        self.bytes = 0
        self.seconds = 0.0
        self.skipped: Counter[str] = Counter()  # reason -> files
        self.notes: Counter[str] = Counter()  # e.g. "lossy" -> files decoded lossily
        self.sha1_hits: dict[str, str] = {}  # fingerprint -> sha1, for imported detect-secrets baselines
        self.allowed_inline: list[Finding] = []  # found, and allowed by a marker on their line

    def merge(self, other: ScanResult) -> None:
        self.findings.extend(other.findings)
        self.errors.extend(other.errors)
        self.files += other.files
        self.bytes += other.bytes
        self.skipped.update(other.skipped)
        self.notes.update(other.notes)
        self.sha1_hits.update(other.sha1_hits)
        self.allowed_inline.extend(other.allowed_inline)

    def sort(self) -> None:
        self.findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule_id))
