"""Scans: the sources a run reads (paths, stdin, the staged change, a hook's file names) fed
through the one pipeline (credwall.pipeline). Results say what was scanned, what was skipped
and why; errors are collected per file and make the run fail (exit 2), never pass."""

from __future__ import annotations

import os
import stat
import time
from typing import TYPE_CHECKING, Callable, Collection, Iterable, Sequence

from .engine.findings import ScanError, ScanResult
from .pipeline import analyse_change, analyse_file, needs_whole_file
from .sources.files import MAX_FILE_BYTES, NotAFile, TooLarge, read_file, walk

if TYPE_CHECKING:
    from .engine.matcher import Matcher
    from .sources.diff import StagedFile
    from .sources.git import GitProcess

    Excluded = Callable[[str], bool]
    # progress(files done, files in total, bytes done, bytes in total)
    Progress = Callable[[int, int, int, int], None]

# Below this many bytes a process pool costs more than it saves.
_PARALLEL_MIN_BYTES = 4 * 1024 * 1024


def too_large(max_bytes: int) -> str:
    """The summary's reason for a file over the size limit (config `max_file_mib`)."""
    return f"larger than {max_bytes / (1024 * 1024):g} MiB (max_file_mib)"


NOT_THIS_HOOK = "not a kind of file this hook checks"
_LINK = -1  # the size collect_paths gives a symlink whose text (what git stores) is to be read


def _link_text(path: str) -> bytes:
    """What git stores for a symlink: the target path, as text (never the target's content)."""
    return os.fsencode(os.readlink(path))


# --- paths ---------------------------------------------------------------------------------------

def _scan_file_list(matcher: Matcher, paths: Sequence[str], kinds: Collection[str] | None,
                    max_bytes: int = MAX_FILE_BYTES) -> ScanResult:
    result = ScanResult()
    for path in paths:
        try:
            data = read_file(path, max_bytes) if not os.path.islink(path) else _link_text(path)
        except (NotAFile, TooLarge) as exc:  # it changed since it was listed: fail closed
            result.errors.append(ScanError(path, f"cannot read: {exc}"))
            continue
        except OSError as exc:
            result.errors.append(ScanError(path, f"cannot read: {exc.strerror or exc}"))
            continue
        if not analyse_file(matcher, path, data, result, kinds=kinds):
            result.skipped[NOT_THIS_HOOK] += 1
    return result


def git_ignored(target: str) -> Callable[[str], bool] | None:
    """For a directory in a git work tree: is a path below it one that git ignores (a build
    output, a virtualenv, a local `.env` the team ignores on purpose)? None outside a work tree,
    when git ignores nothing there, or when the directory itself is ignored: a directory named
    on the command line is scanned whatever git says about it."""
    from .sources import git

    if not os.path.isdir(target):
        return None
    try:
        top = git.toplevel(target)
        ignored = git.ignored_paths(top) if top is not None else frozenset()
    except git.GitError:  # no git to ask: scan everything rather than guess
        return None
    here = os.path.normpath(os.path.abspath(target))
    probe = here
    while top is not None and len(probe) >= len(top):
        if probe in ignored:
            return None
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    if not ignored:
        return None
    return lambda path: os.path.normpath(os.path.abspath(path)) in ignored


def collect_paths(targets: Iterable[str], result: ScanResult, excluded: Excluded | None = None,
                  max_bytes: int = MAX_FILE_BYTES, strict: bool = False,
                  skip_ignored: bool = False) -> list[tuple[str, int]]:
    """(path, size) of the files to read; skipped ones are counted in result by reason.
    `strict` (a commit hook's file names): what a walk would skip is an error instead — a FIFO or
    device in a committed file's place, a file over the size limit — since a commit check that
    leaves a file unread has not checked the commit. `skip_ignored`: a directory walk in a git
    work tree leaves out what git ignores (counted in the summary)."""
    files: list[tuple[str, int]] = []
    for target in targets:
        if not os.path.lexists(target):
            result.errors.append(ScanError(target, "no such file or directory"))
            continue
        for path, reason in walk(target, git_ignored(target) if skip_ignored else None):
            # Only what a walk finds below the named target is skipped (walk does not enter a
            # vendored directory below it): a file named itself (`credwall scan node_modules/x`,
            # a hook's file names) is always read.
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
                # followed out of it: a link to ~/.aws/credentials must not be read. What git
                # stores for a link is the link's text, which a commit check reads instead.
                if strict:
                    files.append((path, _LINK))
                else:
                    result.skipped["symlink"] += 1
            elif stat.S_ISDIR(st.st_mode) and strict:
                result.skipped["submodule (no file content)"] += 1  # a gitlink: no text of its own
            elif not stat.S_ISREG(st.st_mode):
                if strict:
                    result.errors.append(ScanError(path, "not a regular file (a FIFO, device or socket): "
                                                         "credwall never opens one; commit the file itself"))
                else:
                    result.skipped["not a regular file"] += 1
            elif st.st_size > max_bytes:
                if strict:
                    result.errors.append(ScanError(path, f"{too_large(max_bytes)}: a commit check fails closed "
                                                         "rather than pass a file it did not read; raise max_file_mib "
                                                         "or exclude the file in the config"))
                else:
                    result.skipped[too_large(max_bytes)] += 1
            else:
                files.append((path, st.st_size))
    return files


_worker_state: tuple[Matcher, Collection[str] | None, int] | None = None  # set in pool workers (fork)


def _worker_init(matcher: Matcher, kinds: Collection[str] | None, max_bytes: int) -> None:
    global _worker_state
    _worker_state = (matcher, kinds, max_bytes)


def _worker_scan(paths: Sequence[str]) -> ScanResult:
    assert _worker_state is not None
    result = _scan_file_list(_worker_state[0], paths, _worker_state[1], _worker_state[2])
    _worker_state[0].flush_caches()  # a worker leaves without exit handlers
    return result


def _chunks(files: list[tuple[str, int]], parts: int, per_part: int = 4) -> list[tuple[list[str], int]]:
    """Split by size into `per_part` chunks per worker, largest files first, for balance:
    (paths, bytes) each."""
    import heapq

    count = max(1, parts * per_part)
    buckets: list[list[str]] = [[] for _ in range(count)]
    sizes = [0] * count
    heap = [(0, n) for n in range(count)]
    for path, size in sorted(files, key=lambda f: -f[1]):
        filled, smallest = heapq.heappop(heap)
        buckets[smallest].append(path)
        sizes[smallest] += size
        heapq.heappush(heap, (filled + size, smallest))
    return [(b, sizes[n]) for n, b in enumerate(buckets) if b]


def scan_paths(matcher: Matcher, targets: Iterable[str], jobs: int | None = None,
               excluded: Excluded | None = None, max_bytes: int = MAX_FILE_BYTES,
               kinds: Collection[str] | None = None, strict: bool = False,
               skip_ignored: bool = False, progress: Progress | None = None) -> ScanResult:
    """Files and directories, each file whole (`strict`, `skip_ignored`: see collect_paths).
    `progress(files done, files, bytes done, bytes)` is called as the scan goes (a terminal's
    progress bar, credwall/progress.py), then `progress.finish()` if it has one."""
    started = time.perf_counter()
    result = ScanResult()
    files = collect_paths(targets, result, excluded, max_bytes, strict, skip_ignored)
    total = sum(size for _, size in files)
    jobs = jobs or os.cpu_count() or 1
    done = done_bytes = 0

    def advance(part: ScanResult, count: int, size: int) -> None:
        nonlocal done, done_bytes
        result.merge(part)
        done, done_bytes = done + count, done_bytes + size
        if progress is not None:
            progress(done, len(files), done_bytes, total)

    try:
        if jobs > 1 and total >= _PARALLEL_MIN_BYTES and len(files) > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("fork")
            # More, smaller chunks when someone watches: the bar moves as each one ends.
            chunks = _chunks(files, jobs, 32 if progress is not None else 4)
            with ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_init,
                                     initargs=(matcher, kinds, max_bytes)) as pool:
                for chunk, part in zip(chunks, pool.map(_worker_scan, [paths for paths, _ in chunks])):
                    advance(part, len(chunk[0]), chunk[1])
        elif progress is None:
            result.merge(_scan_file_list(matcher, [path for path, _ in files], kinds, max_bytes))
        else:
            for start in range(0, len(files), 64):
                batch = files[start:start + 64]
                advance(_scan_file_list(matcher, [path for path, _ in batch], kinds, max_bytes), len(batch),
                        sum(size for _, size in batch))
    finally:
        finish = getattr(progress, "finish", None)
        if finish is not None:
            finish()
    result.sort()
    result.seconds = time.perf_counter() - started
    return result


def scan_stdin(matcher: Matcher, data: bytes, name: str = "-") -> ScanResult:
    started = time.perf_counter()
    result = ScanResult()
    analyse_file(matcher, name, data, result)
    result.seconds = time.perf_counter() - started
    return result


# --- the staged change ---------------------------------------------------------------------------

def scan_staged(matcher: Matcher, root: str, display_root: str | None = None, diff: GitProcess | None = None,
                excluded: Excluded | None = None, kinds: Collection[str] | None = None) -> ScanResult:
    """What the staged change adds (read from the index, not the working tree). `diff` is a
    `git.start_staged_diff` already running (started before the rules loaded)."""
    from .sources import git

    started = time.perf_counter()
    result = ScanResult()
    scan_staged_files(matcher, root, git.staged_files(root, diff), result, display_root, excluded, kinds)
    result.sort()
    result.seconds = time.perf_counter() - started
    return result


def scan_staged_files(matcher: Matcher, root: str, staged: Sequence[StagedFile], result: ScanResult,
                      display_root: str | None = None, excluded: Excluded | None = None,
                      kinds: Collection[str] | None = None, max_bytes: int = MAX_FILE_BYTES,
                      strict: bool = True) -> None:
    """Plain-text files: their hunks. Every other kind, and files git calls binary: their staged
    blob, whole, keeping what the change adds. A blob over the size limit is an error: the
    staged change is what a commit check must read whole (`strict`; a hand-run scan may skip)."""
    whole: list[tuple[str, StagedFile]] = []
    for item in staged:
        path = _display(root, item.path, display_root)
        if excluded is not None and excluded(os.path.join(root, os.fsdecode(item.path))):
            result.skipped["excluded by config"] += 1
        elif item.diff.binary or needs_whole_file(path):
            whole.append((path, item))
        elif kinds is not None and "text" not in kinds:
            result.skipped[NOT_THIS_HOOK] += 1
        else:
            analyse_change(matcher, path, item.diff, result)
    if whole:
        from .sources import git

        contents = git.read_blobs(root, [item.blob for _, item in whole])
        for path, item in whole:
            data = contents[item.blob]
            if len(data) > max_bytes and strict:
                result.errors.append(ScanError(path, f"{too_large(max_bytes)}: a commit check fails closed rather "
                                                     "than pass a file it did not read; raise max_file_mib or "
                                                     "exclude the file in the config"))
            elif len(data) > max_bytes:
                result.skipped[too_large(max_bytes)] += 1
            elif not analyse_file(matcher, path, data, result, kinds=kinds, change=item.diff):
                result.skipped[NOT_THIS_HOOK] += 1


def _display(root: str, rel: bytes, display_root: str | None) -> str:
    """A repo-relative git path shown relative to the directory the user ran from."""
    full = os.path.join(root, os.fsdecode(rel))
    return os.path.relpath(full, display_root) if display_root else os.fsdecode(rel)


# --- a hook's file names -------------------------------------------------------------------------

def scan_filenames(matcher: Matcher, filenames: Sequence[str], *, root: str | None,
                   diff: GitProcess | None = None, excluded: Excluded | None = None,
                   max_bytes: int = MAX_FILE_BYTES, kinds: Collection[str] | None = None) -> ScanResult:
    """What pre-commit passes: a file with a staged change is judged on what the change adds,
    read from the index (so unstaged edits can neither hide nor invent a finding); a file with
    none (`pre-commit run --all-files`, `--files`) is judged whole."""
    from .sources import git

    started = time.perf_counter()
    result = ScanResult()
    if excluded is not None:
        kept = [f for f in filenames if not excluded(f)]
        if len(kept) != len(filenames):
            result.skipped["excluded by config"] += len(filenames) - len(kept)
        filenames = kept
    whole = list(filenames)
    if root is not None and filenames:
        by_git_path = {os.fsencode(os.path.relpath(os.path.abspath(f), root)).replace(os.sep.encode(), b"/"): f
                       for f in filenames}
        with_content, touched = git.staged_change(root, diff)
        staged = [s for s in with_content if s.path in by_git_path]
        scan_staged_files(matcher, root, staged, result, display_root=os.getcwd(), kinds=kinds, max_bytes=max_bytes,
                          strict=True)
        # A staged rename or mode change adds no content: nothing new to judge (the content
        # was judged when it was added).
        in_change = {by_git_path[p] for p in touched if p in by_git_path}
        quiet = len(in_change) - len(staged)
        if quiet:
            result.skipped["staged with no added content (rename, mode change, submodule)"] += quiet
        whole = [f for f in filenames if f not in in_change]
    if whole:
        result.merge(scan_paths(matcher, whole, jobs=1 if len(whole) < 50 else None, max_bytes=max_bytes,
                                kinds=kinds, strict=True))
    result.sort()
    result.seconds = time.perf_counter() - started
    return result
