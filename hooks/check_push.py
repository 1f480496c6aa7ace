"""The `credwall-push` pre-push hook: scans the commits a push sends.

pre-commit runs it at the pre-push stage with `PRE_COMMIT_FROM_REF` (the remote's old tip) and
`PRE_COMMIT_TO_REF` (what is pushed). The hook scans what every one of those commits added
(credwall.sources.history): `TO ^FROM`, less any commit the remote already has (`--not
--remotes=<remote>`), so a rebased or merged branch is not blamed for history that is already
public. With no FROM (a new branch, or a first push whose commits reach the root, where pre-commit
sets only `PRE_COMMIT_LOCAL_BRANCH`) it scans the commits not on the remote: `git rev-list TO
--not --remotes=<remote>` (`--remotes`, every remote, when the name is unknown). Run by hand it
scans HEAD's commits that no remote has.

Exit 0 clean (or nothing to push), 1 findings, 2 any error: it fails closed, a push it could
not check is refused.

pre-commit checks only the first ref of a push that sends several (`git push --all`); push
branches one at a time, or run `credwall scan --history --all-branches` in CI."""

from __future__ import annotations

import argparse
import gc
import os
import sys

from credwall.cli import EXIT_CLEAN, EXIT_ERROR, Parser, add_output_options, emit, load_matcher

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Mapping, Sequence

    from credwall.sources.history import HistoryResult

HOOK_ID = "credwall-push"


def _absent(ref: str | None) -> bool:
    """Unset, empty, or git's all-zeros id (a ref that does not exist on one side)."""
    return not ref or not ref.strip("0")


def push_revisions(from_ref: str | None, to_ref: str | None, remote: str | None,
                   local_branch: str | None = None) -> list[str] | None:
    """git revision arguments naming the commits a push sends; None when it sends none (a
    deletion: TO is all zeros). Raises ValueError for a ref that would read as an option."""
    for ref in (from_ref, to_ref, remote, local_branch):
        if ref and ref.startswith("-"):
            raise ValueError(f"not a revision: {ref!r}")
    if to_ref and _absent(to_ref):
        return None
    target = to_ref or (local_branch if not _absent(local_branch) else None) or "HEAD"
    revs = [target]
    if not _absent(from_ref):
        revs.append(f"^{from_ref}")
    revs += ["--not", f"--remotes={remote}" if remote else "--remotes"]
    return revs


def scan_push(env: Mapping[str, str], from_ref: str | None = None, to_ref: str | None = None,
              remote: str | None = None) -> HistoryResult | None:
    """Scan the commits being pushed, as pre-commit describes them in env (arguments win).
    None when there is nothing to push."""
    from credwall.sources import git
    from credwall.sources.history import scan_revisions, terminal_progress

    revs = push_revisions(from_ref or env.get("PRE_COMMIT_FROM_REF"), to_ref or env.get("PRE_COMMIT_TO_REF"),
                          remote or env.get("PRE_COMMIT_REMOTE_NAME"), env.get("PRE_COMMIT_LOCAL_BRANCH"))
    if revs is None:
        return None
    root = git.toplevel()
    if root is None:
        raise git.GitError("not inside a git work tree")
    if revs[0] == "HEAD" and not git.has_head(root):
        raise git.GitError("no commits yet: nothing to push")
    return scan_revisions(load_matcher(), root, revs, progress=terminal_progress())


def main(argv: Sequence[str] | None = None) -> int:
    gc.disable()  # short-lived: see credwall.cli.main
    parser = Parser(prog=HOOK_ID, description=__doc__.splitlines()[0])
    parser.add_argument("--from-ref", metavar="REV", help="the remote's old tip (default: $PRE_COMMIT_FROM_REF)")
    parser.add_argument("--to-ref", metavar="REV", help="what is pushed (default: $PRE_COMMIT_TO_REF, else HEAD)")
    parser.add_argument("--remote", metavar="NAME", help="commits this remote has are not scanned "
                                                          "(default: $PRE_COMMIT_REMOTE_NAME, else every remote)")
    parser.add_argument("filenames", nargs="*", help=argparse.SUPPRESS)  # pass_filenames: false; ignored
    add_output_options(parser)
    args = parser.parse_args(argv)
    try:
        result = scan_push(os.environ, args.from_ref, args.to_ref, args.remote)
        if result is None:
            print(f"{HOOK_ID}: nothing to scan: the push deletes a ref", file=sys.stderr)
            return EXIT_CLEAN
        if result.empty is not None:
            print(f"{HOOK_ID}: nothing to scan: every commit being pushed is already on the remote",
                  file=sys.stderr)
            return EXIT_CLEAN
        code = emit(result, args.format, args.color)
        _advise(result)
        return code
    except Exception as exc:  # fail closed: a push we could not check is refused
        print(f"{HOOK_ID}: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(f"{HOOK_ID}: the push was not checked, so it is refused", file=sys.stderr)
        return EXIT_ERROR


def _advise(result: HistoryResult) -> None:
    """Which commits hold the findings, and what to do: the report names files and lines, a
    push needs the commit to rewrite."""
    from credwall.sources.history import history_summary

    print(history_summary(result), file=sys.stderr)
    if not result.findings:
        return
    commits: dict[str, list[str]] = {}
    for f in result.findings:
        commits.setdefault(f"{(f.commit or '?')[:12]} {f.author} {f.date}", []).append(f"{f.path}:{f.line}")
    print(f"{HOOK_ID}: the push is refused: secrets in the commits it sends", file=sys.stderr)
    for commit, where in commits.items():
        print(f"  {commit}: {', '.join(where)}", file=sys.stderr)
    print(f"{HOOK_ID}: remove them from those commits (git rebase -i <commit>^, or git commit --amend "
          "for the last one), then push again; rotate any that was pushed elsewhere", file=sys.stderr)
