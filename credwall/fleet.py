"""`credwall fleet`: an organisation's full-history audit as a map over repositories (and, for
very long histories, commit ranges) on an existing engine, reduced to one report.

    credwall fleet --repos repos.txt --engine local|dask|ray [--scheduler ADDR] [--state DIR]

- **Tasks.** One task reads one repository range and returns its findings: a local path is
  read where it is; a URL is cloned (bare) by the user's git through GitPython, which is the
  better tool for that job (clone, open, validate a repository, in a few calls) — credwall
  itself opens no socket. The scan itself is credwall.history's streaming `git log -p`, one
  process per task (the engine spreads tasks over cores and machines).
- **Engines.** `local`: a process pool on this machine. `dask`: a `distributed` cluster
  (`--scheduler tcp://host:8786`, else a LocalCluster of worker processes). `ray`: a Ray
  cluster (`--scheduler` as `ray.init`'s address, else a local one). No home-made scheduler.
- **Resumable.** Each repository's merged result is written to the state directory (atomic
  rename) when its last range is done; a rerun skips the repositories that have one, so a
  crash costs at most the repositories in flight.
- **Bounded memory.** At most a few tasks per worker are in flight; a finished repository's
  findings go to its state file and leave memory; the report is read back from those files.

A repository's findings carry its name in their path (`<repo>/<path>`) and their commit;
per repository they are exactly what `credwall scan --history` reports there
(tests/test_fleet.py checks twelve through a Dask LocalCluster).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading

from .engine import cachefile
from .engine.findings import Finding, ScanError
from .errors import CredwallError
from .history import HistoryResult, _merge, scan_revisions

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable, Iterator, Sequence

ENGINES = ("local", "dask", "ray")
# A repository with more commits than this is split into ranges of about this size, each a task.
RANGE_COMMITS = 50_000
_STATE_FORMAT = 1


class FleetError(CredwallError):
    """A bad repository list, an engine that is not installed, a state directory we cannot use."""


# --- the repository list ------------------------------------------------------------------------

def read_repo_list(path: str) -> list[str]:
    """One repository per line (a local path or a URL git can clone); blank lines and `#`
    comments skipped; duplicates dropped, order kept."""
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise FleetError(f"{path}: cannot read the repository list: {exc}") from None
    repos: list[str] = []
    for number, line in enumerate(lines, 1):
        spec = line.strip()
        if not spec or spec.startswith("#"):
            continue
        if spec.startswith("-"):
            raise FleetError(f"{path}:{number}: {spec!r} is not a repository (it would read as a git option)")
        if spec not in repos:
            repos.append(spec)
    if not repos:
        raise FleetError(f"{path}: no repositories listed")
    return repos


def is_url(spec: str) -> bool:
    return "://" in spec or (":" in spec.split("/", 1)[0] and not os.path.exists(spec))  # scp-like host:path


def repo_key(spec: str) -> str:
    """The state file's name for a repository: a digest of how it is listed."""
    return hashlib.sha256(spec.encode("utf-8", "surrogateescape")).hexdigest()[:24]


# --- one task -----------------------------------------------------------------------------------

_local = threading.local()  # per worker thread: the matcher (the gate is not shared across threads)


def _matcher(config_file: str | None) -> Any:
    cached = getattr(_local, "matchers", None)
    if cached is None:
        cached = _local.matchers = {}
    if config_file not in cached:
        from .engine.session import load_config, load_matcher

        cached[config_file] = load_matcher(load_config(config_file) if config_file else None)
    return cached[config_file]


def open_repository(spec: str, clone_root: str) -> tuple[str, bool]:
    """(the directory git runs in, whether it is a clone of ours to remove). A URL is cloned
    bare by GitPython (the user's git does the transfer); a local path is opened and checked."""
    import git  # GitPython: the fleet's optional dependency (pip install 'credwall[fleet]')

    if is_url(spec):
        target = os.path.join(clone_root, repo_key(spec) + ".git")
        if os.path.exists(target):  # a clone left by a crashed run: start it again
            import shutil

            shutil.rmtree(target)
        try:
            git.Repo.clone_from(spec, target, bare=True, multi_options=["--quiet"])
        except git.GitCommandError as exc:
            raise FleetError(f"{spec}: clone failed: {(exc.stderr or str(exc)).strip()}") from None
        return target, True
    try:
        repo = git.Repo(spec)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise FleetError(f"{spec}: not a git repository") from None
    return repo.working_tree_dir or repo.git_dir, False


def scan_task(spec: str, window: tuple[int, int] | None, config_file: str | None, clone_root: str,
              revs: Sequence[str] = ("HEAD",)) -> dict[str, Any]:
    """One repository range, in a worker: its findings and counts as plain data (what every
    engine can move between processes and machines)."""
    root, ours = open_repository(spec, clone_root)
    try:
        result = _scan(_matcher(config_file), root, list(revs), window)
    finally:
        if ours:
            import shutil

            shutil.rmtree(root, ignore_errors=True)
    return {"findings": [list(f) for f in result.findings], "errors": [list(e) for e in result.errors],
            "commits": result.commits, "repeats": result.repeats, "files": result.files, "bytes": result.bytes,
            "skipped": dict(result.skipped), "notes": dict(result.notes)}


def _scan(matcher: Any, root: str, revs: list[str], window: tuple[int, int] | None) -> HistoryResult:
    from .history import _scan_chunk
    from .sources import git

    if revs == ["HEAD"] and not git.has_head(root):
        return HistoryResult()  # no commits yet
    if window is None:
        return scan_revisions(matcher, root, revs, jobs=1)
    return _scan_chunk(matcher, root, revs, window, None, True)


def _from_data(data: dict[str, Any]) -> HistoryResult:
    result = HistoryResult()
    result.findings = [Finding(*f) for f in data["findings"]]
    result.errors = [ScanError(*e) for e in data["errors"]]
    result.commits, result.repeats = data["commits"], data["repeats"]
    result.files, result.bytes = data["files"], data["bytes"]
    result.skipped.update(data["skipped"])
    result.notes.update(data["notes"])
    return result


# --- engines ------------------------------------------------------------------------------------

class Engine:
    """submit(fn, *args) -> a handle; completed(handles) yields (handle, value or exception)
    as tasks finish. Implementations wrap an existing executor; they schedule nothing."""

    workers = 1

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        raise NotImplementedError

    def completed(self, handles: set[Any]) -> Iterator[tuple[Any, Any]]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class LocalEngine(Engine):
    def __init__(self, jobs: int | None = None) -> None:
        from concurrent.futures import ProcessPoolExecutor

        self.workers = jobs or os.cpu_count() or 1
        self._pool = ProcessPoolExecutor(self.workers)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self._pool.submit(fn, *args)

    def completed(self, handles: set[Any]) -> Iterator[tuple[Any, Any]]:
        from concurrent.futures import FIRST_COMPLETED, wait

        done, _ = wait(handles, return_when=FIRST_COMPLETED)
        for future in done:
            yield future, future.exception() or future.result()

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


class DaskEngine(Engine):
    """A `distributed` Client: given one (tests, embedding), or connected to --scheduler, or
    to a LocalCluster of worker processes started here."""

    def __init__(self, client: Any = None, scheduler: str | None = None, jobs: int | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise FleetError("--engine dask needs dask's distributed package: pip install 'credwall[dask]'") from None
        self._cluster = None
        if client is None:
            if scheduler:
                client = Client(scheduler)
            else:
                self._cluster = LocalCluster(n_workers=jobs or os.cpu_count() or 1, threads_per_worker=1,
                                             dashboard_address=None)
                client = Client(self._cluster)
        self.client = client
        self.workers = max(1, sum(client.nthreads().values()))

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def completed(self, handles: set[Any]) -> Iterator[tuple[Any, Any]]:
        from distributed import wait

        done = wait(list(handles), return_when="FIRST_COMPLETED").done
        for future in done:
            yield future, future.exception() if future.status == "error" else future.result()

    def close(self) -> None:
        if self._cluster is not None:
            self.client.close()
            self._cluster.close()


class RayEngine(Engine):
    def __init__(self, scheduler: str | None = None, jobs: int | None = None) -> None:
        try:
            import ray
        except ImportError:
            raise FleetError("--engine ray needs Ray: pip install 'credwall[ray]'") from None
        self._ray = ray
        if not ray.is_initialized():
            ray.init(address=scheduler, num_cpus=None if scheduler else jobs, include_dashboard=False,
                     log_to_driver=False)
        self.workers = max(1, int(ray.available_resources().get("CPU", 1)))
        self._remote: dict[Any, Any] = {}

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        remote = self._remote.get(fn) or self._remote.setdefault(fn, self._ray.remote(fn))
        return remote.remote(*args)

    def completed(self, handles: set[Any]) -> Iterator[tuple[Any, Any]]:
        done, _ = self._ray.wait(list(handles), num_returns=1)
        for ref in done:
            try:
                yield ref, self._ray.get(ref)
            except Exception as exc:  # noqa: BLE001 - the task's error, reported by the driver
                yield ref, exc


def make_engine(name: str, scheduler: str | None = None, jobs: int | None = None) -> Engine:
    if name == "local":
        if scheduler:
            raise FleetError("--scheduler goes with --engine dask or ray")
        return LocalEngine(jobs)
    if name == "dask":
        return DaskEngine(scheduler=scheduler, jobs=jobs)
    if name == "ray":
        return RayEngine(scheduler, jobs)
    raise FleetError(f"unknown engine {name!r}: expected one of {', '.join(ENGINES)}")


# --- the driver ---------------------------------------------------------------------------------

class FleetState:
    """The state directory: one JSON file per finished repository (written by atomic rename)."""

    def __init__(self, directory: str, options: str = "") -> None:
        """`options`: what else decides a repository's result (the revisions, the config); a
        state recorded under other options is not reused."""
        self.directory = directory
        self.options = options
        try:
            os.makedirs(directory, exist_ok=True)
            os.makedirs(self.clones, exist_ok=True)
        except OSError as exc:
            raise FleetError(f"{directory}: cannot use it as the fleet state directory: {exc}") from None

    @property
    def clones(self) -> str:
        return os.path.join(self.directory, "clones")

    def path(self, spec: str) -> str:
        return os.path.join(self.directory, repo_key(spec) + ".json")

    def done(self, spec: str) -> bool:
        return self.load(spec) is not None

    def load(self, spec: str) -> HistoryResult | None:
        data = cachefile.read(self.path(spec))
        if data is None:
            return None
        try:
            loaded = json.loads(data)
            if (loaded.get("format") != _STATE_FORMAT or loaded.get("repository") != spec
                    or loaded.get("options") != self.options):
                return None
            return _from_data(loaded["result"])
        except (ValueError, KeyError, TypeError):
            return None  # damaged: scan the repository again

    def save(self, spec: str, result: HistoryResult) -> None:
        data = {"format": _STATE_FORMAT, "repository": spec, "options": self.options, "result": {
            "findings": [list(f) for f in result.findings], "errors": [list(e) for e in result.errors],
            "commits": result.commits, "repeats": result.repeats, "files": result.files, "bytes": result.bytes,
            "skipped": dict(result.skipped), "notes": dict(result.notes)}}
        if not cachefile.write_atomic(self.path(spec), json.dumps(data).encode()):
            raise FleetError(f"{self.directory}: cannot write the state of {spec}")


def plan(spec: str, range_commits: int, revs: Sequence[str]) -> list[tuple[int, int] | None]:
    """A repository's ranges: the whole history (None), or windows of its walk for a local
    repository longer than range_commits (a URL's length is known only once it is cloned)."""
    if is_url(spec) or range_commits <= 0:
        return [None]
    from .sources import git

    try:
        total = int(git.count_commits(spec, list(revs)).output() or 0)
    except Exception:  # noqa: BLE001 - the task itself will report what is wrong with it
        return [None]
    if total <= range_commits:
        return [None]
    return [(skip, range_commits) for skip in range(0, total, range_commits)]


def run_fleet(repos: Sequence[str], engine: Engine, state: FleetState, *, config_file: str | None = None,
              range_commits: int = RANGE_COMMITS, all_branches: bool = False,
              progress: Callable[[str], None] | None = None) -> HistoryResult:
    """Scan every repository not finished in `state` (HEAD's history, or every ref with
    all_branches), then merge all of them into one result. Closes the engine."""
    revs = ("--all",) if all_branches else ("HEAD",)
    pending = [spec for spec in repos if not state.done(spec)]
    if progress is not None and len(pending) < len(repos):
        progress(f"{len(repos) - len(pending)} of {len(repos)} repositories already scanned (state in {state.directory})")
    ranges: dict[str, list[HistoryResult | None]] = {}  # repositories in flight: their parts so far

    def tasks() -> Iterator[tuple[str, int, tuple[int, int] | None]]:
        """Planned as they are handed out, so the first tasks start at once (window 0 is the
        newest range of the walk: parts are merged oldest first)."""
        for spec in pending:
            windows = plan(spec, range_commits, revs)
            ranges[spec] = [None] * len(windows)
            yield from ((spec, n, window) for n, window in enumerate(windows))
    failed: dict[str, HistoryResult] = {}  # repositories whose scan failed in this run (never saved)
    limit = max(2, 2 * engine.workers)  # tasks in flight: enough to keep workers busy, no more
    in_flight: dict[Any, tuple[str, int]] = {}
    queue = tasks()
    try:
        while True:
            while len(in_flight) < limit:
                task = next(queue, None)
                if task is None:
                    break
                spec, n, window = task
                in_flight[engine.submit(scan_task, spec, window, config_file, state.clones, revs)] = (spec, n)
            if not in_flight:
                break
            for handle, value in engine.completed(set(in_flight)):
                spec, n = in_flight.pop(handle)
                if isinstance(value, BaseException):
                    if isinstance(value, CredwallError):
                        value = _failed(spec, str(value))
                    else:
                        value = _failed(spec, f"internal error: {type(value).__name__}: {value}")
                    ranges[spec] = [value]  # one failed range fails the repository (not saved: retried)
                else:
                    parts = ranges[spec]
                    if parts and n < len(parts):
                        parts[n] = _from_data(value)
                parts = ranges[spec]
                if all(p is not None for p in parts):
                    merged = _merge_repo(spec, parts)  # type: ignore[arg-type]
                    if not merged.errors:
                        state.save(spec, merged)
                    else:
                        failed[spec] = merged
                    del ranges[spec]
                    if progress is not None:
                        progress(f"{spec}: {merged.commits:,} commits, {len(merged.findings)} findings"
                                 + (f", {len(merged.errors)} errors" if merged.errors else ""))
    finally:
        engine.close()
    return collect(repos, state, failed)


def _failed(spec: str, reason: str) -> HistoryResult:
    result = HistoryResult()
    result.errors.append(ScanError(spec, reason))
    return result


def _merge_repo(spec: str, parts: Sequence[HistoryResult]) -> HistoryResult:
    """A repository's ranges, oldest first, as one result whose paths name the repository."""
    merged = _merge(list(reversed(parts)), dedupe=True) if len(parts) > 1 else parts[0]
    label = spec.rstrip("/")
    merged.findings = [f._replace(path=f"{label}/{f.path}") for f in merged.findings]
    merged.errors = [e if e.path == spec else ScanError(f"{label}/{e.path}", e.reason) for e in merged.errors]
    return merged


def collect(repos: Iterable[str], state: FleetState, failed: dict[str, HistoryResult]) -> HistoryResult:
    """One result from the state files (and this run's failures), in the list's order."""
    total = HistoryResult()
    for spec in repos:
        part = state.load(spec) or failed.get(spec)
        if part is None:
            total.errors.append(ScanError(spec, "not scanned"))
            continue
        total.merge(part)
        total.commits += part.commits
        total.repeats += part.repeats
    return total


def main_fleet(repos_file: str, engine_name: str, *, state_dir: str | None, scheduler: str | None,
               jobs: int | None, config_file: str | None, range_commits: int, all_branches: bool) -> HistoryResult:
    repos = read_repo_list(repos_file)
    options = json.dumps({"all_branches": all_branches,
                          "config": os.path.abspath(config_file) if config_file else None})
    state = FleetState(state_dir or os.path.join(os.path.dirname(os.path.abspath(repos_file)), ".credwall-fleet"),
                       options)
    engine = make_engine(engine_name, scheduler, jobs)

    def say(line: str) -> None:
        print(f"credwall: fleet: {line}", file=sys.stderr)

    return run_fleet(repos, engine, state, config_file=config_file, range_commits=range_commits,
                     all_branches=all_branches, progress=say)
