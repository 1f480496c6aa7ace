"""Baselines: the findings a team has accepted (or not yet cleaned up), recorded so that later
runs report only new ones. `credwall baseline create|update` writes one; a scan with a baseline
suppresses the findings it lists and notes the entries that no longer match anything.

The file (`.credwall-baseline.jsonl`) is built for git's line-based three-way merge:

    {"credwall-baseline": 2, "about": "one accepted finding per line, sorted; no secrets; written by …"}
    {"path": "src/app.py", "rule_id": "github-pat", "fingerprint": "3f1c…64 hex", "secret_masked": "ghp_…"}
    {"path": "tests/data.py", "rule_id": "…", "fingerprint": "…", "verdict": "false-positive", "reason": "…"}
    {"path": "src/app.py", "sha1": "40 hex", "source": "detect-secrets: AWS Access Key"}

- One entry per line, JSON Lines rather than one JSON document: adding an entry never edits a
  neighbouring line (no trailing commas, no closing bracket to move), so a change is exactly
  the lines of the entries it adds or drops.
- Sorted by (path, rule id, fingerprint), deduplicated, written the same way byte for byte from
  the same findings: two branches that add findings in different places insert lines at
  different positions between unchanged neighbours, which git merges without a conflict.
- Nothing that changes when nothing was found: no dates, no counts, no line numbers (an edit
  above a secret would rewrite its entry), no tool version. The header is one fixed line.
- git still reports a conflict when both branches insert at the *same* position (the same gap
  between two existing entries, or both at the end of a short file). For that, `create`
  offers a `.gitattributes` line, `<file> merge=union`: git's built-in union driver keeps both
  sides' lines, which is exactly right for a set of independent lines. The loader therefore
  accepts entries in any order and with duplicates, and the next `update` re-sorts them.

Matching: a finding is suppressed by an entry with the same rule id and fingerprint (sha256 of
rule id + secret) *for the same file*, as detect-secrets and gitleaks tie a known finding to its
file: the accepted test key copied into `.env.example` or a new module is a new finding. No line
numbers, so an edit that moves the secret up or down its file changes nothing. A renamed or
moved file keeps its findings suppressed: an entry whose file no longer exists follows its
secret to one new path (the first, in path order, where that secret is found and no entry
names it), which `update` then records. An entry is "used" when a finding matches it.

Format versions: 1 (credwall 0.1) and 2 are read; 2 is written. Version 2 adds the optional
`verdict` of `credwall baseline triage` ("true-positive" / "false-positive"); a version-1 file
loads unchanged and becomes version 2 on its next create, update or triage.

Secrets are never written: entries hold the fingerprint and a masked prefix (at most a quarter
of the secret, at most 4 characters), exactly what `--format json` prints.

detect-secrets: its `.secrets.baseline` stores `hashed_secret` = sha1(secret), which cannot be
turned into our fingerprint without the secret. Imported entries keep the sha1; only the scanner
knows secrets, so it reports which of them it saw (credwall.engine.analysis, where candidates
become findings) as fingerprint -> sha1, and `apply_baseline` and `update_baseline` use that map. The
first `update` after an import rewrites every matched detect-secrets entry as a native one and
drops the rest (types credwall does not report, e.g. detect-secrets' high-entropy strings, and
its GitHub detector, which hashes only the `ghp` prefix).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Iterable, Mapping, NamedTuple

from .errors import CredwallError

if TYPE_CHECKING:
    from .engine.findings import Finding, ScanResult

DEFAULT_FILENAME = ".credwall-baseline.jsonl"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
# Fixed: never carries anything that changes between runs, so it never conflicts.
HEADER = ('{"credwall-baseline": 2, "about": "one accepted finding per line, sorted; no secrets; '
          'written by credwall baseline create/update/triage"}')
DETECT_SECRETS = "detect-secrets"

_HEX = frozenset("0123456789abcdef")
_NATIVE_KEYS = ("path", "rule_id", "fingerprint", "secret_masked", "verdict", "reason")
_IMPORTED_KEYS = ("path", "sha1", "source", "verdict", "reason")
TRUE_POSITIVE, FALSE_POSITIVE = "true-positive", "false-positive"
VERDICTS = (TRUE_POSITIVE, FALSE_POSITIVE)
_CONFLICT_MARKERS = ("<<<<<<< ", "=======", ">>>>>>> ", "||||||| ")


class BaselineError(CredwallError):
    """A baseline cannot be read, written or built; the message names the file (and line)."""


class Entry(NamedTuple):
    """One accepted finding. Native entries carry rule_id and fingerprint; entries imported
    from detect-secrets carry sha1 (of the secret) instead."""

    path: str  # relative to the baseline's directory, '/'-separated; informative
    rule_id: str = ""
    fingerprint: str = ""
    secret_masked: str = ""
    sha1: str = ""
    source: str = ""  # imported entries: "detect-secrets: <its secret types>"
    reason: str = ""  # optional, written by people; kept across updates
    verdict: str = ""  # `baseline triage`: "true-positive", "false-positive", or "" (not triaged)

    @property
    def imported(self) -> bool:
        return bool(self.sha1)

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.path, self.rule_id, self.fingerprint, self.sha1)

    def describe(self) -> str:
        if self.imported:
            return f"{self.path}: {self.source or DETECT_SECRETS} sha1 {self.sha1[:12]}…"
        return f"{self.path}: {self.rule_id} {self.secret_masked} ({self.fingerprint[:12]}…)"

    def secret_key(self) -> tuple[str, str]:
        """What identifies the secret, wherever it is: (rule id, fingerprint), or the sha1."""
        return ("", self.sha1) if self.imported else (self.rule_id, self.fingerprint)

    def to_line(self) -> str:
        import json

        keys = _IMPORTED_KEYS if self.imported else _NATIVE_KEYS
        data = {key: getattr(self, key) for key in keys if getattr(self, key) or key == "path"}
        line = json.dumps(data, ensure_ascii=False)
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:  # a path with undecodable bytes (lone surrogates): escape them
            line = json.dumps(data, ensure_ascii=True)
        return line


class Baseline:
    """Sorted, deduplicated entries; `root` is the directory their paths are relative to."""

    def __init__(self, entries: Iterable[Entry], root: str) -> None:
        unique: dict[tuple[str, str, str, str], Entry] = {}
        for entry in entries:
            unique.setdefault(entry.sort_key(), entry)  # a union merge may repeat a line
        self.entries: tuple[Entry, ...] = tuple(unique[k] for k in sorted(unique))
        self.root = os.path.abspath(root)

    def __len__(self) -> int:
        return len(self.entries)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Baseline) and self.entries == other.entries

    def __repr__(self) -> str:
        return f"Baseline({len(self.entries)} entries, root={self.root!r})"

    def sha1s(self) -> frozenset[str]:
        """The detect-secrets hashes to look for while scanning (the scan reports the ones it saw)."""
        return frozenset(e.sha1 for e in self.entries if e.imported)

    def dumps(self) -> str:
        return "".join(line + "\n" for line in [HEADER, *(e.to_line() for e in self.entries)])

    def relative(self, path: str) -> str:
        """A finding's path (relative to the working directory, or absolute) as entries store it."""
        return relative_path(path, self.root)

    def combined(self, other: Baseline) -> Baseline:
        """Both baselines' entries (e.g. an existing baseline plus a detect-secrets import)."""
        return Baseline((*self.entries, *other.entries), self.root)


def relative_path(path: str, root: str) -> str:
    if path == "-":  # stdin has no place in the tree
        return path
    rel = os.path.relpath(os.path.abspath(path), root)
    return rel.replace(os.sep, "/")


# --- building ------------------------------------------------------------------------------------

def entries_from_findings(findings: Iterable[Finding], root: str) -> list[Entry]:
    """One entry per distinct (path, rule id, fingerprint); repeats in one file collapse."""
    return [Entry(path=relative_path(f.path, root), rule_id=f.rule_id, fingerprint=f.fingerprint,
                  secret_masked=f.secret_masked) for f in findings]


def _require_complete(result: ScanResult) -> None:
    # A file that could not be read would lose its entries: never write from a partial scan.
    if result.errors:
        first = result.errors[0]
        more = f" (and {len(result.errors) - 1} more)" if len(result.errors) > 1 else ""
        raise BaselineError(f"scan incomplete, baseline not written: {first.path}: {first.reason}{more}")


def create_baseline(result: ScanResult, root: str) -> Baseline:
    """Every finding of a complete scan; `root` is the directory the baseline file will be in."""
    _require_complete(result)
    return Baseline(entries_from_findings(result.findings, root), root)


class UpdateSummary(NamedTuple):
    kept: int  # entries still matched where they were
    added: int  # findings the old baseline did not cover
    dropped: int  # entries nothing matches any more
    converted: int  # new native entries replacing matched detect-secrets entries
    moved: int = 0  # entries whose file was renamed or moved: recorded at the new path

    def describe(self) -> str:
        text = f"{self.kept} kept, {self.added} added, {self.dropped} dropped"
        if self.moved:
            text += f", {self.moved} moved with their file"
        if self.converted:
            text += f", {self.converted} converted from {DETECT_SECRETS}"
        return text


def update_baseline(old: Baseline, result: ScanResult,
                    sha1_hits: Mapping[str, str] | None = None) -> tuple[Baseline, UpdateSummary]:
    """The current findings, keeping the old entries' reasons and verdicts; counts say what
    changed. Matching is `apply_baseline`'s: by file, following a renamed file. `sha1_hits`
    (fingerprint -> sha1, reported by the scan) converts imported detect-secrets entries into
    native ones."""
    _require_complete(result)
    sha1_hits = sha1_hits or {}
    matcher = _EntryMatcher(old, sha1_hits)
    kept = added = converted = moved = 0
    entries: list[Entry] = []
    for entry in Baseline(entries_from_findings(result.findings, old.root), old.root).entries:
        previous, how = matcher.match(entry.path, entry.rule_id, entry.fingerprint)
        if previous is None:
            added += 1
        else:
            entry = entry._replace(reason=previous.reason, verdict=previous.verdict)
            if previous.imported:
                converted += 1
            elif how == _MOVED:
                moved += 1
            else:
                kept += 1
        entries.append(entry)
    dropped = len(old.entries) - len(matcher.used)
    return Baseline(entries, old.root), UpdateSummary(kept, added, dropped, converted, moved)


# --- applying ------------------------------------------------------------------------------------

class Applied(NamedTuple):
    findings: list[Finding]  # not in the baseline: report these
    suppressed: int  # findings the baseline accounts for
    unused: list[Entry]  # entries nothing matched: a note ("run `credwall baseline update`"), not a failure


def apply_baseline(result: ScanResult, baseline: Baseline,
                   sha1_hits: Mapping[str, str] | None = None,
                   matched: list[tuple[Finding, Entry]] | None = None) -> Applied:
    """Split result's findings into new ones and baselined ones. A finding matches an entry of
    its own file with its rule id and fingerprint, or one whose file is gone (a rename; see the
    module docstring); imported detect-secrets entries match through `sha1_hits` (fingerprint ->
    sha1 of the secret, reported by the scan).

    `unused` is meaningful only for a scan of the whole tree: a staged scan sees only the added
    lines, so nearly every entry would look unused there. `matched`, when given, receives each
    suppressed finding with the entry that accounts for it."""
    matcher = _EntryMatcher(baseline, sha1_hits or {})
    kept: list[Finding] = []
    relative: dict[str, str] = {}  # finding path -> entry path: many findings share a file
    for finding in sorted(result.findings, key=lambda f: f.path):  # a moved entry goes to the first path
        path = relative.get(finding.path)
        if path is None:
            path = relative[finding.path] = baseline.relative(finding.path)
        entry, _ = matcher.match(path, finding.rule_id, finding.fingerprint)
        if entry is None:
            kept.append(finding)
        elif matched is not None:
            matched.append((finding, entry))
    kept_set = set(map(id, kept))
    kept = [f for f in result.findings if id(f) in kept_set]  # the report's order
    suppressed = len(result.findings) - len(kept)
    return Applied(kept, suppressed, [e for e in baseline.entries if e not in matcher.used])


_HERE, _MOVED = "here", "moved"


class _EntryMatcher:
    """Finds the entry that accounts for a finding at a path: one of that file's, else one whose
    file no longer exists (the file was renamed or moved), claimed by the first path that asks."""

    def __init__(self, baseline: Baseline, sha1_hits: Mapping[str, str]) -> None:
        self.root = baseline.root
        self.sha1_hits = sha1_hits
        self.by_place: dict[tuple[str, str, str], Entry] = {}
        self.by_secret: dict[tuple[str, str], list[Entry]] = {}
        for entry in baseline.entries:
            rule_id, key = entry.secret_key()
            self.by_place.setdefault((entry.path, rule_id, key), entry)
            self.by_secret.setdefault((rule_id, key), []).append(entry)
        self.used: set[Entry] = set()
        self._moved: dict[Entry, str] = {}  # orphaned entry -> the path that claimed it
        self._exists: dict[str, bool] = {}

    def _gone(self, path: str) -> bool:
        if path not in self._exists:
            self._exists[path] = path == "-" or not os.path.lexists(os.path.join(self.root, path))
        return self._exists[path]

    def match(self, path: str, rule_id: str, fingerprint: str) -> tuple[Entry | None, str]:
        keys = [(rule_id, fingerprint)]
        sha1 = self.sha1_hits.get(fingerprint)
        if sha1:
            keys.append(("", sha1))
        for key in keys:
            entry = self.by_place.get((path, *key))
            if entry is not None:
                self.used.add(entry)
                return entry, _HERE
        for key in keys:
            for entry in self.by_secret.get(key, ()):
                claimed = self._moved.get(entry)
                if claimed == path or (claimed is None and entry.path != path and self._gone(entry.path)):
                    self._moved[entry] = path
                    self.used.add(entry)
                    return entry, _MOVED
        return None, ""


def unused_note(unused: list[Entry], baseline_file: str, limit: int = 5) -> str:
    """The note a full scan prints about stale entries (they still suppress nothing new)."""
    count = len(unused)
    head = (f"credwall: note: {count} baseline {'entry' if count == 1 else 'entries'} in {baseline_file} "
            f"no longer {'matches' if count == 1 else 'match'} anything; `credwall baseline update` drops "
            f"{'it' if count == 1 else 'them'}")
    shown = [f"  {e.describe()}" for e in unused[:limit]]
    if count > limit:
        shown.append(f"  … and {count - limit} more")
    return "\n".join([head, *shown])


# --- files ---------------------------------------------------------------------------------------

def _is_hex(value: object, length: int) -> bool:
    return isinstance(value, str) and len(value) == length and set(value) <= _HEX


def _entry(data: object, where: str) -> Entry:
    if not isinstance(data, dict):
        raise BaselineError(f"{where}: an entry must be a JSON object")
    keys = _IMPORTED_KEYS if "sha1" in data else _NATIVE_KEYS
    unknown = sorted(set(data) - set(keys))
    if unknown:
        raise BaselineError(f"{where}: unknown key {unknown[0]!r} (an entry has {', '.join(keys)})")
    for key, value in data.items():
        if not isinstance(value, str):
            raise BaselineError(f"{where}: {key!r} must be a string")
    if not data.get("path"):
        raise BaselineError(f"{where}: entry has no 'path'")
    if data.get("verdict", "") not in ("", *VERDICTS):
        raise BaselineError(f"{where}: 'verdict' must be one of {', '.join(VERDICTS)}")
    if "sha1" in data:
        if not _is_hex(data["sha1"], 40):
            raise BaselineError(f"{where}: 'sha1' must be 40 lower-case hex digits")
    else:
        if not data.get("rule_id"):
            raise BaselineError(f"{where}: entry has no 'rule_id' (or 'sha1' for an imported one)")
        if not _is_hex(data.get("fingerprint"), 64):
            raise BaselineError(f"{where}: 'fingerprint' must be 64 lower-case hex digits")
    return Entry(**data)


def parse_baseline(text: str, name: str, root: str) -> Baseline:
    """Parse a baseline's text; errors name `name` and the line."""
    import json

    header_seen = False
    entries: list[Entry] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        where = f"{name}:{number}"
        if not line:
            continue
        if line.startswith(_CONFLICT_MARKERS):
            raise BaselineError(f"{where}: unresolved merge conflict; keep both sides' lines (then run "
                                f"`credwall baseline update`), and add `{os.path.basename(name)} merge=union` "
                                f"to .gitattributes so git does that itself")
        try:
            data = json.loads(line)
        except ValueError as exc:
            if not header_seen:
                _reject_foreign(text, name)
            raise BaselineError(f"{where}: not valid JSON: {exc}") from None
        if not header_seen:
            if not isinstance(data, dict) or "credwall-baseline" not in data:
                _reject_foreign(text, name)
                raise BaselineError(f"{where}: not a credwall baseline (the first line must be {HEADER})")
            version = data["credwall-baseline"]
            if version not in READABLE_VERSIONS:
                raise BaselineError(f"{where}: baseline format {version!r} is not supported by this "
                                    f"credwall (it reads formats {', '.join(map(str, READABLE_VERSIONS))})")
            header_seen = True
            continue
        entries.append(_entry(data, where))
    if not header_seen:
        raise BaselineError(f"{name}: empty file, not a credwall baseline (create one with "
                            f"`credwall baseline create`)")
    return Baseline(entries, root)


def _reject_foreign(text: str, name: str) -> None:
    """A detect-secrets baseline given where ours belongs gets a pointer to the import."""
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return
    if isinstance(data, dict) and "results" in data and "plugins_used" in data:
        raise BaselineError(f"{name}: this is a detect-secrets baseline; import it with "
                            f"`credwall baseline import {name}`")


def _read_text(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such baseline file") from None
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BaselineError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def load_baseline(path: str) -> Baseline:
    """Read a baseline file; its paths are relative to its directory."""
    return parse_baseline(_read_text(path), path, os.path.dirname(os.path.abspath(path)))


def write_baseline(baseline: Baseline, path: str) -> None:
    """Write atomically (a reader never sees half a file), '\\n' line endings, UTF-8."""
    data = baseline.dumps().encode("utf-8")
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise BaselineError(f"{path}: cannot write: {exc.strerror or exc}") from None


def ensure_merge_union(baseline_file: str) -> bool:
    """Add `/<name> merge=union` to the .gitattributes beside the baseline (see the module
    docstring); True when the line was added, False when an attribute line for it was there."""
    directory = os.path.dirname(os.path.abspath(baseline_file))
    name = os.path.basename(baseline_file)
    attributes = os.path.join(directory, ".gitattributes")
    try:
        with open(attributes, encoding="utf-8") as fh:
            existing = fh.read()
    except FileNotFoundError:
        existing = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{attributes}: cannot read: {exc}") from None
    for line in existing.splitlines():
        fields = line.split()
        if fields and fields[0].lstrip("/") == name and any(f.startswith("merge") for f in fields[1:]):
            return False
    addition = ("" if not existing or existing.endswith("\n") else "\n") + f"/{name} merge=union\n"
    try:
        with open(attributes, "a", encoding="utf-8") as fh:
            fh.write(addition)
    except OSError as exc:
        raise BaselineError(f"{attributes}: cannot write: {exc.strerror or exc}") from None
    return True


# --- detect-secrets import -----------------------------------------------------------------------

def import_detect_secrets(path: str, root: str | None = None) -> Baseline:
    """Entries from a detect-secrets `.secrets.baseline`, one per (file, hashed secret), whatever
    their audit state (an entry audited as a false positive is accepted all the more). Its
    file names are relative to where detect-secrets ran, normally the repository root, which
    is also the default `root` (the file's directory)."""
    import json

    text = _read_text(path)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BaselineError(f"{path}: not valid JSON: {exc}") from None
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, dict):
        raise BaselineError(f"{path}: not a detect-secrets baseline (no 'results' object)")
    types: dict[tuple[str, str], set[str]] = {}
    for filename, secrets in results.items():
        if not isinstance(secrets, list):
            raise BaselineError(f"{path}: results[{filename!r}] must be a list")
        for n, secret in enumerate(secrets):
            hashed = secret.get("hashed_secret") if isinstance(secret, dict) else None
            if not _is_hex(hashed, 40):
                raise BaselineError(f"{path}: results[{filename!r}][{n}]: 'hashed_secret' must be a "
                                    f"sha1 (40 lower-case hex digits)")
            kind = secret.get("type")
            types.setdefault((filename.replace(os.sep, "/"), str(hashed)), set()).add(
                kind if isinstance(kind, str) else "secret")
    entries = [Entry(path=file, sha1=sha1, source=f"{DETECT_SECRETS}: {', '.join(sorted(kinds))}")
               for (file, sha1), kinds in types.items()]
    return Baseline(entries, root if root is not None else os.path.dirname(os.path.abspath(path)))
