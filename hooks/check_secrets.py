"""The `credwall` pre-commit hook: every analyser on every file it is given.

pre-commit passes file names. A file with a staged change is judged on what the change adds,
read from the index (so unstaged edits can neither hide nor invent a finding); a file with no
staged change (`pre-commit run --all-files`, `--files` in CI) is judged whole. Each file goes
through the analyser of its kind (plain text, env files, key and credential files, MCP configs,
agent files, CI definitions), exactly as `credwall scan` judges it. A run that scanned nothing
says so."""

from __future__ import annotations

from credwall.hookkit import run_hook

TYPE_CHECKING = False  # no `typing` before git starts: see credwall.cli
if TYPE_CHECKING:
    from typing import Sequence

HOOK_ID = "credwall"


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(HOOK_ID, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
