"""What a push sends, scanned like `credwall scan --history` with the same configuration and
baseline.

pre-commit runs the push hook at the pre-push stage with `PRE_COMMIT_FROM_REF` (the remote's old tip) and
`PRE_COMMIT_TO_REF` (what is pushed). The push hook scans what every one of those commits added
(credwall.history): `TO ^FROM`, less any commit the remote already has (`--not
--remotes=<remote>`), so a rebased or merged branch is not blamed for history that is already
public. With no FROM (a new branch, or a first push whose commits reach the root, where pre-commit
sets only `PRE_COMMIT_LOCAL_BRANCH`) it scans the commits not on the remote: `git rev-list TO
--not --remotes=<remote>` (`--remotes`, every remote, when the name is unknown). Run by hand it
scans HEAD's commits that no remote has.

pre-commit checks only the first ref of a push that sends several (`git push --all`); push
branches one at a time, or run `credwall scan --history --all-branches` in CI."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Mapping

    from .engine.session import Engine
    from .history import HistoryResult

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


def scan_push(engine: Engine, env: Mapping[str, str], from_ref: str | None = None, to_ref: str | None = None,
              remote: str | None = None) -> HistoryResult | None:
    """Scan the commits being pushed, as pre-commit describes them in env (arguments win).
    None when there is nothing to push."""
    from .history import scan_revisions
    from .progress import terminal_progress
    from .sources import git

    revs = push_revisions(from_ref or env.get("PRE_COMMIT_FROM_REF"), to_ref or env.get("PRE_COMMIT_TO_REF"),
                          remote or env.get("PRE_COMMIT_REMOTE_NAME"), env.get("PRE_COMMIT_LOCAL_BRANCH"))
    if revs is None:
        return None
    root = git.toplevel()
    if root is None:
        raise git.GitError("not inside a git work tree")
    if revs[0] == "HEAD" and not git.has_head(root):
        raise git.GitError("no commits yet: nothing to push")
    return scan_revisions(engine.matcher, root, revs, progress=terminal_progress())


def advise(result: HistoryResult) -> None:
    """Which commits hold the findings, and what to do: the report names files and lines, a
    push needs the commit to rewrite."""
    from .history import history_summary

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
