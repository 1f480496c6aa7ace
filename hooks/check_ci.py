"""The `credwall-ci` hook: literal credentials in CI definitions.

The CI part of the `credwall` hook, for teams that want only that part: GitHub Actions, GitLab
CI, Bitbucket, CircleCI, Azure Pipelines, Jenkinsfiles and others; a literal under a
credential-named key is reported with the CI system's syntax for referencing a secret."""

from __future__ import annotations

from credwall.hookkit import run_hook

TYPE_CHECKING = False  # no `typing` before git starts: see credwall.cli
if TYPE_CHECKING:
    from typing import Sequence

HOOK_ID = "credwall-ci"


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(HOOK_ID, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
