"""The `credwall` pre-commit hook.

pre-commit passes file names. A file with a staged change is scanned on its added lines only
(its staged content, so unstaged edits cannot hide or invent a finding); a file with no staged
change (`pre-commit run --all-files`, `--files` in CI) is scanned whole. A run that scanned
nothing says so."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from credwall.cli import EXIT_ERROR, add_output_options, emit, load_matcher


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="credwall-hook", description=__doc__.splitlines()[0])
    parser.add_argument("filenames", nargs="*", help="files to check (pre-commit passes them)")
    add_output_options(parser)
    args = parser.parse_args(argv)
    try:
        return emit(_scan(args.filenames), args.format, args.color)
    except Exception as exc:  # fail closed: an error is never a passed commit
        print(f"credwall: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _scan(filenames: Sequence[str]):  # type: ignore[no-untyped-def]
    from credwall import git
    from credwall.scan import ScanResult, scan_paths, scan_staged_files

    matcher = load_matcher()
    result = ScanResult()
    root = git.toplevel() if filenames else None
    whole: list[str] = list(filenames)
    if root is not None:
        cwd = os.getcwd()
        wanted = {os.fsencode(os.path.relpath(os.path.abspath(f), root)).replace(os.sep.encode(), b"/"): f
                  for f in filenames}
        staged = [s for s in git.staged_files(root) if s.path in wanted]
        scan_staged_files(matcher, root, staged, result, display_root=cwd)
        staged_paths = {wanted[s.path] for s in staged}
        whole = [f for f in filenames if f not in staged_paths]
    if whole:
        result.merge(scan_paths(matcher, whole, jobs=1 if len(whole) < 50 else None))
    result.findings.sort(key=lambda f: (f.path, f.line, f.column))
    return result


if __name__ == "__main__":
    raise SystemExit(main())
