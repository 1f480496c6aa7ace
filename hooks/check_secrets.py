"""The `credwall` pre-commit hook.

pre-commit passes file names. A file with a staged change is scanned on its added lines only
(read from the index, so unstaged edits can neither hide nor invent a finding); a file with no
staged change (`pre-commit run --all-files`, `--files` in CI) is scanned whole. A run that
scanned nothing says so."""

from __future__ import annotations

import os
import time
from credwall.cli import load_matcher
from credwall.hookkit import run

TYPE_CHECKING = False  # no `typing` before git starts: see credwall.cli
if TYPE_CHECKING:
    from typing import Sequence

    from credwall.baseline import Baseline
    from credwall.config import Config
    from credwall.engine.scan import ScanResult


def main(argv: Sequence[str] | None = None) -> int:
    return run("credwall-hook", __doc__.splitlines()[0], argv, scan_filenames)


def scan_filenames(filenames: Sequence[str], config: Config | None = None,
                   baseline: Baseline | None = None) -> ScanResult:
    """Added lines of the staged files among `filenames`, the others whole."""
    from credwall.sources import git

    started = time.perf_counter()
    root = git.toplevel() if filenames else None
    diff = git.start_staged_diff(root) if root is not None else None  # git runs while rules load
    from credwall.analysers.registry import CORE_HOOK, enabled_hooks, owned_by
    from credwall.engine.scan import ScanResult, scan_paths, scan_staged_files
    from credwall.sources.files import MAX_FILE_BYTES

    matcher = load_matcher(config, baseline)
    result = ScanResult()
    excluded = config.excluder() if config is not None else None
    if excluded is not None:
        kept = [f for f in filenames if not excluded(f)]
        if len(kept) != len(filenames):
            result.skipped["excluded by config"] += len(filenames) - len(kept)
        filenames = kept
    # Files a more specific enabled credwall hook reports (.env, .mcp.json, CLAUDE.md, CI) are
    # left to it, so each problem is reported once.
    mine = owned_by(CORE_HOOK, filenames, enabled_hooks(root))
    if len(mine) != len(filenames):
        result.skipped["handled by another credwall hook"] += len(filenames) - len(mine)
    filenames = mine
    whole = list(filenames)
    if root is not None:
        by_git_path = {os.fsencode(os.path.relpath(os.path.abspath(f), root)).replace(os.sep.encode(), b"/"): f
                       for f in filenames}
        staged = [s for s in git.staged_files(root, diff) if s.path in by_git_path]
        scan_staged_files(matcher, root, staged, result, display_root=os.getcwd())
        staged_names = {by_git_path[s.path] for s in staged}
        whole = [f for f in filenames if f not in staged_names]
    if whole:
        result.merge(scan_paths(matcher, whole, jobs=1 if len(whole) < 50 else None,
                                max_bytes=config.max_file_bytes if config is not None else MAX_FILE_BYTES))
    result.findings.sort(key=lambda f: (f.path, f.line, f.column))
    result.seconds = time.perf_counter() - started
    return result


if __name__ == "__main__":
    raise SystemExit(main())
