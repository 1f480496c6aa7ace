"""Git history scans: what each commit added, judged by the one pipeline (credwall.pipeline).

One `git log -p -U0` (credwall.sources.git) is read as git writes it, one file's patch at a time, so
memory stays bounded whatever the history's size. GitPython's object API (`iter_commits` and
`Commit.diff(create_patch=True)`) was measured against it on bench/history.py's 2,400 commits:
12.2 s against 0.8 s, as it runs one `git diff` per commit; so no GitPython here. Histories of
1,000 commits or more are split between worker processes, each with its own `git log`, since
git's diffing is about half the CPU time.

Choices, and why:
- **Merges** are diffed as git's dense combined diff (`--cc`): a merge reports only the lines
  that differ from every parent, i.e. what the merge itself introduced (a conflict resolution,
  an "evil merge"). The commits of the merged branch are walked and scanned themselves; a
  first-parent diff would report each of their secrets a second time, and would make a pushed
  merge of `main` report everything `main` gained since the branch started.
- **Each secret once per path**, in the earliest commit that added it: commits are read parents
  first (`--reverse --topo-order`), so the first sighting is the earliest. A secret re-added
  later, or reaching the same path again through another branch, is counted in
  `HistoryResult.repeats`, not reported again (gitleaks reports every commit; one report per
  secret and file is what a person has to act on: rotate it, then rewrite history;
  `dedupe=False` reports every commit that adds it).
- **Renames** (`-M`) add no lines, so a moved file is not reported again.
- **Binary files** (as git judges them) are read from their blob and decoded like the staged
  scan does (a UTF-16 file with a BOM is text; binary content is read for its printable runs).
  Nothing is skipped by name: a lockfile or an image a commit adds is read like any file.
"""

from __future__ import annotations

import os
import time

from .engine.findings import ScanError, ScanResult
from .pipeline import analyse_change, analyse_file, needs_whole_file
from .sources.diff import parse_unified_diff
from .sources.files import MAX_FILE_BYTES
from .sources.history import (Commit, HistoryError, combined_to_unified, history_revisions, new_blob,  # noqa: F401
                              patches)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Sequence

    from .engine.findings import Finding
    from .engine.matcher import Matcher
    from .sources.git import BlobReader

    # progress(commits done, commits in total (None: not counted), bytes of patch read)
    Progress = Callable[[int, "int | None", int], None]


class HistoryResult(ScanResult):
    """A ScanResult (files = file changes scanned, bytes = added text scanned) plus history
    figures: commits read, repeated sightings not reported again, and `empty`, the reason when
    there was no history to read (a repository with no commits yet)."""

    def __init__(self) -> None:
        super().__init__()
        self.commits = 0
        self.repeats = 0
        self.empty: str | None = None


def scan_history(matcher: Matcher, root: str, *, rev_range: str | None = None, since: str | None = None,
                 all_branches: bool = False, progress: Progress | None = None,
                 dedupe: bool = True, jobs: int | None = None) -> HistoryResult:
    """Scan the lines every commit in the selected history added (see history_revisions).
    Raises HistoryError (bad options) or GitError (not a repository, unknown revision). A
    repository with no commits yet gives an empty result whose `empty` says so."""
    revs = history_revisions(rev_range=rev_range, since=since, all_branches=all_branches)
    if revs[0] == "HEAD":
        from .sources import git

        if not git.has_head(root):  # git log would fail with "ambiguous argument 'HEAD'"
            git.git_dir(root)  # raises outside a repository
            result = HistoryResult()
            result.empty = "no commits yet: there is no history to scan"
            return result
    return scan_revisions(matcher, root, revs, progress=progress, dedupe=dedupe, jobs=jobs)


# Below this many commits a process pool costs more than it saves (a push is a few commits).
PARALLEL_MIN_COMMITS = 1000
# Chunks per worker: old commits tend to add whole files, new ones a few lines, so equal commit
# counts are unequal work and more chunks balance the pool better; but each chunk's git walks
# the history and warms its caches again (~+5% of git's time per chunk on the benchmark).
_CHUNKS_PER_JOB = 2


def scan_revisions(matcher: Matcher, root: str, revs: Sequence[str], *, progress: Progress | None = None,
                   dedupe: bool = True, jobs: int | None = None) -> HistoryResult:
    """Scan the commits `git rev-list revs` names (revs are passed to git as they are).

    Large histories are split by position in the walk (`--skip`/`--max-count`) into chunks
    that worker processes scan, each streaming its own `git log -p`: git's diffing is half the
    work and runs on every core this way. Results are merged oldest chunk first, so findings,
    their order and the de-duplication are those of a sequential scan."""
    from .sources import git

    started = time.perf_counter()
    total = int(git.count_commits(root, revs).output())
    jobs = jobs or os.cpu_count() or 1
    if total == 0:
        result = HistoryResult()
        result.empty = "no commits in the selected range"
    elif jobs > 1 and total >= PARALLEL_MIN_COMMITS:
        result = _scan_parallel(matcher, root, revs, total, jobs, progress, dedupe)
    else:
        meter = _Meter(progress, total)
        try:
            result = _scan_chunk(matcher, root, revs, None, meter, dedupe)
            meter.report(force=True)
        finally:
            meter.finish()
    result.seconds = time.perf_counter() - started
    return result


class _Meter:
    """Counts commits and patch bytes and calls progress at most ten times a second."""

    def __init__(self, progress: Progress | None, total: int | None) -> None:
        self.progress = progress
        self.total = total
        self.commits = 0
        self.bytes = 0
        self._last = 0.0

    def add(self, commits: int, nbytes: int) -> None:
        self.commits += commits
        self.bytes += nbytes
        self.report()

    def report(self, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.perf_counter()
        if force or now - self._last >= 0.1:
            self._last = now
            done = self.commits
            self.progress(done, max(self.total or 0, done) or None, self.bytes)

    def finish(self) -> None:
        finish = getattr(self.progress, "finish", None)
        if finish is not None:
            finish()


class _SharedMeter:
    """A worker's meter: adds to counters shared with the parent, every few commits."""

    def __init__(self, shared: Any) -> None:
        self.shared = shared
        self.commits = 0
        self.bytes = 0

    def add(self, commits: int, nbytes: int) -> None:
        self.commits += commits
        self.bytes += nbytes
        if self.commits >= 16:
            self.flush()

    def flush(self) -> None:
        with self.shared.get_lock():
            self.shared[0] += self.commits
            self.shared[1] += self.bytes
        self.commits = self.bytes = 0


def _scan_chunk(matcher: Matcher, root: str, revs: Sequence[str], window: tuple[int, int] | None,
                meter: _Meter | _SharedMeter | None, dedupe: bool) -> HistoryResult:
    """One `git log -p` over revs (or the window (skip, count) of its walk), scanned."""
    from .sources import git

    limit = [f"--skip={window[0]}", f"--max-count={window[1]}"] if window else []
    result = HistoryResult()
    blobs = git.BlobReader(root)
    scanner = _CommitScanner(matcher, result, blobs, set() if dedupe else None)
    try:
        nbytes = 0
        for commit, patch in patches(git.stream_lines(git.history_log_args([*limit, *revs]), cwd=root)):
            if patch is not None:
                scanner.scan_file(commit, patch)
                nbytes += sum(map(len, patch))
                continue
            result.commits += 1
            if meter is not None:
                meter.add(1, nbytes)
            nbytes = 0
    finally:
        blobs.close()
    return result


_worker: tuple[Matcher, Any] | None = None  # (matcher, shared counters), set in pool workers


def _worker_init(matcher: Matcher, shared: Any) -> None:
    global _worker
    _worker = (matcher, shared)


def _worker_scan(root: str, revs: Sequence[str], window: tuple[int, int], dedupe: bool) -> HistoryResult:
    assert _worker is not None
    matcher, shared = _worker
    meter = _SharedMeter(shared)
    result = _scan_chunk(matcher, root, revs, window, meter, dedupe)
    meter.flush()
    matcher.flush_caches()  # a worker leaves without exit handlers
    return result


def _scan_parallel(matcher: Matcher, root: str, revs: Sequence[str], total: int, jobs: int,
                   progress: Progress | None, dedupe: bool) -> HistoryResult:
    import multiprocessing
    from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait

    chunks = min(total, jobs * _CHUNKS_PER_JOB)
    size = -(-total // chunks)
    # Walk positions count from the newest commit; the last window holds the oldest commits.
    windows = [(skip, size) for skip in range(0, total, size)]
    context = multiprocessing.get_context("fork")
    shared = context.Array("q", 2)  # commits, patch bytes: for the progress bar
    meter = _Meter(progress, total)
    try:
        with ProcessPoolExecutor(min(jobs, len(windows)), mp_context=context, initializer=_worker_init,
                                 initargs=(matcher, shared)) as pool:
            # Oldest first, so the heaviest chunks (whole files added) start early.
            futures = [pool.submit(_worker_scan, root, revs, window, dedupe) for window in reversed(windows)]
            pending = set(futures)
            while pending:
                done, pending = wait(pending, timeout=0.1, return_when=FIRST_EXCEPTION)
                failed = next((f.exception() for f in done if f.exception() is not None), None)
                if failed is not None:  # fail closed, and fast: one chunk's error ends the scan
                    for f in pending:
                        f.cancel()
                    raise failed
                if progress is not None:
                    meter.commits, meter.bytes = shared[0], shared[1]
                    meter.report()
            parts = [f.result() for f in futures]
        if progress is not None:
            meter.commits, meter.bytes = shared[0], shared[1]
            meter.report(force=True)
    finally:
        meter.finish()
    return _merge(parts, dedupe)


def _merge(parts: Sequence[HistoryResult], dedupe: bool) -> HistoryResult:
    """Chunk results, oldest first, as one: a secret met in an older chunk hides its later
    sightings, as in a sequential scan."""
    result = HistoryResult()
    seen: set[tuple[str, str]] = set()
    for part in parts:
        findings = part.findings
        part.findings = []
        result.merge(part)
        result.commits += part.commits
        result.repeats += part.repeats
        for finding in findings:
            key = (finding.fingerprint, finding.path)
            if dedupe and key in seen:
                result.repeats += 1
                continue
            seen.add(key)
            result.findings.append(finding)
    return result


# (blob id, path) pairs remembered as clean per chunk: ~150 bytes each, so at most ~10 MB.
CLEAN_BLOBS_KEPT = 65536


class _CommitScanner:
    """Scans one file's patch of one commit into the result, tagging findings with the commit.

    A file judged whole (structured, binary) is read from its blob. The same blob at the same
    path often comes back (a revert, a cherry-pick, a merge of a branch that has it, a file
    flipped back and forth): a pair whose whole content gave nothing at all — no finding on any
    line, no error, no note — is remembered, and its later sightings are counted but neither
    read nor analysed, since what a change keeps is a subset of what the whole file gives.
    Pairs that gave something are analysed each time (their lines decide what is kept)."""

    def __init__(self, matcher: Matcher, result: HistoryResult, blobs: BlobReader,
                 seen: set[tuple[str, str]] | None) -> None:
        self.matcher = matcher
        self.result = result
        self.blobs = blobs
        self.seen = seen
        self.clean: dict[tuple[str, str], int] = {}  # (blob, path) -> size; insertion-ordered
        self.clean_hits = 0  # whole-file reads saved

    def scan_file(self, commit: Commit, lines: list[bytes]) -> None:
        result = self.result
        if commit.parents > 1:
            lines = combined_to_unified(lines, commit.parents)
        for file_diff in parse_unified_diff(lines):
            path = os.fsdecode(file_diff.path)
            findings_before, errors_before = len(result.findings), len(result.errors)
            if file_diff.binary or (needs_whole_file(path) and file_diff.added):
                # Judged on the file the commit produced, keeping what the commit added.
                blob = new_blob(lines)
                if blob and self._known_clean(blob, path):
                    continue
                data = self.blobs.read(blob, MAX_FILE_BYTES) if blob else None
                if data is None:
                    result.skipped["larger than 100 MiB" if blob else "binary"] += 1
                    continue
                if blob and self._clean_whole(blob, path, data):
                    continue
                analyse_file(self.matcher, path, data, result, change=file_diff)
            elif file_diff.windows:
                analyse_change(self.matcher, path, file_diff, result)
            else:
                continue
            self._tag(commit, findings_before, errors_before)

    def _known_clean(self, blob: str, path: str) -> bool:
        size = self.clean.get((blob, path))
        if size is None:
            return False
        self.result.files += 1
        self.result.bytes += size
        self.clean_hits += 1
        return True

    def _clean_whole(self, blob: str, path: str, data: bytes) -> bool:
        """Analyse the whole file first: nothing at all (remembered, counted as scanned), or
        False and the caller analyses it again for what this change keeps."""
        whole = ScanResult()
        analyse_file(self.matcher, path, data, whole)
        if whole.findings or whole.errors or whole.notes or whole.skipped or whole.sha1_hits:
            return False
        if len(self.clean) >= CLEAN_BLOBS_KEPT:
            del self.clean[next(iter(self.clean))]  # the oldest: memory stays flat
        self.clean[(blob, path)] = len(data)
        self.result.files += whole.files
        self.result.bytes += whole.bytes
        return True

    def _tag(self, commit: Commit, findings_before: int, errors_before: int) -> None:
        result = self.result
        new: list[Finding] = result.findings[findings_before:]
        if new:
            del result.findings[findings_before:]
            for finding in new:
                if self.seen is not None:
                    key = (finding.fingerprint, finding.path)
                    if key in self.seen:
                        result.repeats += 1
                        continue
                    self.seen.add(key)
                result.findings.append(finding._replace(commit=commit.sha, author=commit.author, date=commit.date))
        for n in range(errors_before, len(result.errors)):
            error = result.errors[n]
            result.errors[n] = ScanError(f"{commit.sha[:12]}:{error.path}", error.reason)


def history_summary(result: HistoryResult) -> str:
    """One line for stderr beside report.summary: commits read, repeats, or why nothing was."""
    if result.empty is not None:
        return f"credwall: {result.empty}"
    line = f"credwall: history: {result.commits:,} commit{'s' if result.commits != 1 else ''} read"
    if result.repeats:
        line += f"; {result.repeats} repeated sighting{'s' if result.repeats != 1 else ''} of reported secrets not listed again"
    return line
