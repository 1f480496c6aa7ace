"""What a push sends: the commits between the remote's tip and what is pushed, as pre-commit
describes them at the pre-push stage (`PRE_COMMIT_FROM_REF`, `PRE_COMMIT_TO_REF`,
`PRE_COMMIT_REMOTE_NAME`, `PRE_COMMIT_LOCAL_BRANCH`), scanned like `credwall scan --history`
with the same configuration and baseline."""

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
    from .history import scan_revisions, terminal_progress
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
