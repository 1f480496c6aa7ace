"""Scanning: one file's bytes to findings, and the three ways text arrives (paths, the staged
change, stdin). Results say what was scanned and what was skipped and why; errors are collected
per file and make the run fail (exit 2), never pass."""

from __future__ import annotations

import os
import stat
import time
from collections import Counter
from typing import TYPE_CHECKING, Callable, Iterable, NamedTuple, Sequence

from ..sources.diff import FileDiff
from .filters import built_bundle
from .findings import Finding, findings_from_matches
from .matcher import Matcher, ScanTimeout
from ..sources.files import MAX_FILE_BYTES, decode, skip_reason_for_path, walk

if TYPE_CHECKING:
    from ..sources.diff import StagedFile
    from ..sources.git import GitProcess

# Counted in the summary: keyword = value matches dropped in minified bundles (never silent).
BUILT_BUNDLE_NOTE = "generic in built bundle"
# Below this many bytes a process pool costs more than it saves.
_PARALLEL_MIN_BYTES = 4 * 1024 * 1024


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

    def merge(self, other: ScanResult) -> None:
        self.findings.extend(other.findings)
        self.errors.extend(other.errors)
        self.files += other.files
        self.bytes += other.bytes
        self.skipped.update(other.skipped)
        self.notes.update(other.notes)
        self.sha1_hits.update(other.sha1_hits)


def _findings(matcher: Matcher, path: str, data: bytes, result: ScanResult,
              line_offset: int = 0) -> list[Finding] | None:
    """Decode and scan one piece of text; None when it was skipped (binary) or failed (timeout),
    which result then records."""
    decoded = decode(data)
    if decoded.text is None:
        result.skipped[decoded.note or "binary"] += 1
        return None
    if decoded.note:
        result.notes[decoded.note] += 1
    try:
        matches, allowed = matcher.scan_with_allowed(decoded.text)
    except ScanTimeout as exc:
        result.errors.append(ScanError(path, f"incomplete: {exc} (regex time bound)"))
        return None
    if allowed:
        result.notes["allowed inline"] += allowed
    if matches and any(m.rule.generic for m in matches) and built_bundle(path, decoded.text):
        kept = [m for m in matches if not m.rule.generic]
        result.notes[BUILT_BUNDLE_NOTE] += len(matches) - len(kept)
        matches = kept
    if matcher.path_filter is not None:
        matches = matcher.path_filter(path, decoded.text, matches)
    if matcher.secret_sha1s:
        from ..baseline import imported_hits

        result.sha1_hits.update(imported_hits(matches, matcher.secret_sha1s))
    return findings_from_matches(path, decoded.text, matches, line_offset)


def scan_bytes(matcher: Matcher, path: str, data: bytes, result: ScanResult) -> None:
    """Scan one file's content into result."""
    findings = _findings(matcher, path, data, result)
    if findings is not None:
        result.files += 1
        result.bytes += len(data)
        result.findings.extend(findings)


def scan_diff(matcher: Matcher, path: str, diff: FileDiff, result: ScanResult) -> None:
    """Scan the hunks of one file's diff; keep findings that touch an added line."""
    findings: list[Finding] = []
    for window in diff.windows:
        found = _findings(matcher, path, window.data, result, line_offset=window.first_line - 1)
        if found is None:
            return
        findings.extend(f for f in found if diff.touches(f.line, f.end_line))
    result.files += 1
    result.bytes += sum(len(window.data) for window in diff.windows)
    result.findings.extend(findings)


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _scan_file_list(matcher: Matcher, paths: Sequence[str]) -> ScanResult:
    result = ScanResult()
    for path in paths:
        try:
            data = _read(path)
        except OSError as exc:
            result.errors.append(ScanError(path, f"cannot read: {exc.strerror or exc}"))
            continue
        scan_bytes(matcher, path, data, result)
    return result


def collect_paths(targets: Iterable[str], result: ScanResult, excluded: Callable[[str], bool] | None = None,
                  max_bytes: int = MAX_FILE_BYTES) -> list[tuple[str, int]]:
    """(path, size) of the files to read; skipped ones are counted in result by reason."""
    files: list[tuple[str, int]] = []
    for target in targets:
        if not os.path.lexists(target):
            result.errors.append(ScanError(target, "no such file or directory"))
            continue
        for path, reason in walk(target):
            # Only what lies below the named target is judged: `credwall scan node_modules/x` scans x.
            reason = reason or skip_reason_for_path(os.path.relpath(path, target) if path != target else path)
            if reason is None and excluded is not None and excluded(path):
                reason = "excluded by config"
            if reason is not None:
                result.skipped[reason] += 1
                continue
            try:
                st = os.lstat(path)
            except OSError as exc:
                result.errors.append(ScanError(path, f"cannot stat: {exc.strerror or exc}"))
                continue
            if stat.S_ISLNK(st.st_mode):
                # A link's target is scanned where it lives (if it is in the tree), never
                # followed out of it: a link to ~/.aws/credentials must not be read.
                result.skipped["symlink"] += 1
            elif not stat.S_ISREG(st.st_mode):
                result.skipped["not a regular file"] += 1
            elif st.st_size > max_bytes:
                result.skipped[too_large(max_bytes)] += 1
            else:
                files.append((path, st.st_size))
    return files


_worker_matcher: Matcher | None = None  # set in pool workers (inherited through fork)


def _worker_init(matcher: Matcher) -> None:
    global _worker_matcher
    _worker_matcher = matcher


def _worker_scan(paths: Sequence[str]) -> ScanResult:
    assert _worker_matcher is not None
    return _scan_file_list(_worker_matcher, paths)


def _chunks(files: list[tuple[str, int]], parts: int) -> list[list[str]]:
    """Split by size into about 4 chunks per worker, largest files first, for balance."""
    count = max(1, parts * 4)
    buckets: list[list[str]] = [[] for _ in range(count)]
    sizes = [0] * count
    for path, size in sorted(files, key=lambda f: -f[1]):
        smallest = sizes.index(min(sizes))
        buckets[smallest].append(path)
        sizes[smallest] += size
    return [b for b in buckets if b]


def too_large(max_bytes: int) -> str:
    """The summary's reason for a file over the size limit (config `max_file_mib`)."""
    return f"larger than {max_bytes / (1024 * 1024):g} MiB (max_file_mib)"


def scan_paths(matcher: Matcher, targets: Iterable[str], jobs: int | None = None,
               excluded: Callable[[str], bool] | None = None, max_bytes: int = MAX_FILE_BYTES) -> ScanResult:
    started = time.perf_counter()
    result = ScanResult()
    files = collect_paths(targets, result, excluded, max_bytes)
    total = sum(size for _, size in files)
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and total >= _PARALLEL_MIN_BYTES and len(files) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_init,
                                 initargs=(matcher,)) as pool:
            for part in pool.map(_worker_scan, _chunks(files, jobs)):
                result.merge(part)
    else:
        result.merge(_scan_file_list(matcher, [path for path, _ in files]))
    result.findings.sort(key=lambda f: (f.path, f.line, f.column))
    result.seconds = time.perf_counter() - started
    return result


def scan_stdin(matcher: Matcher, data: bytes, name: str = "-") -> ScanResult:
    started = time.perf_counter()
    result = ScanResult()
    scan_bytes(matcher, name, data, result)
    result.seconds = time.perf_counter() - started
    return result


def scan_staged(matcher: Matcher, root: str, display_root: str | None = None,
                diff: GitProcess | None = None, excluded: Callable[[str], bool] | None = None) -> ScanResult:
    """Scan the added lines of the staged change (the index, not the working tree).
    `diff` is a `git.start_staged_diff` already running (started before the rules loaded)."""
    from ..sources import git

    started = time.perf_counter()
    result = ScanResult()
    scan_staged_files(matcher, root, git.staged_files(root, diff), result, display_root, excluded)
    result.findings.sort(key=lambda f: (f.path, f.line, f.column))
    result.seconds = time.perf_counter() - started
    return result


def scan_staged_files(matcher: Matcher, root: str, staged: Sequence[StagedFile], result: ScanResult,
                      display_root: str | None = None, excluded: Callable[[str], bool] | None = None) -> None:
    """Text files: their hunks. Files git calls binary: their staged blob, which decode() may
    still find to be text (UTF-16 with a BOM), scanned whole."""
    binary = []
    for item in staged:
        path = _display(root, item.path, display_root)
        reason = skip_reason_for_path(path)
        if reason is None and excluded is not None and excluded(os.path.join(root, os.fsdecode(item.path))):
            reason = "excluded by config"
        if reason is not None:
            result.skipped[reason] += 1
        elif item.diff.binary:
            binary.append((path, item))
        else:
            scan_diff(matcher, path, item.diff, result)
    if binary:
        from ..sources import git

        contents = git.read_blobs(root, [item.blob for _, item in binary])
        for path, item in binary:
            data = contents[item.blob]
            if len(data) > MAX_FILE_BYTES:
                result.skipped[too_large(MAX_FILE_BYTES)] += 1
            else:
                scan_bytes(matcher, path, data, result)


def _display(root: str, rel: bytes, display_root: str | None) -> str:
    """A repo-relative git path shown relative to the directory the user ran from."""
    full = os.path.join(root, os.fsdecode(rel))
    return os.path.relpath(full, display_root) if display_root else os.fsdecode(rel)
