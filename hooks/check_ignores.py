"""The `credwall-ignores` pre-commit hook: credential files stay ignored, by git and by the AI
coding tools the repository uses.

It checks `.gitignore` (`.env`, `.env.*` with `!.env.example` kept tracked, `*.pem`, `*.key`,
`secrets/`; `ignore_patterns` in `[tool.credwall]` replaces the list) with git's own matcher,
and, where the repository shows signs of an AI coding tool, that tool's ignore mechanism:
`.cursorignore`, `.codeiumignore`, `.geminiignore`, `.aiderignore`, `.claudeignore` /
`.copilotignore` where they exist, and Claude Code's `permissions.deny` `Read(...)` rules in
`.claude/settings.json` (see credwall/ignores.py).

Like pre-commit-hooks' fixers it repairs what is missing (appending; existing content kept) and
then fails, so the change is reviewed and staged: exit 1 when it changed a file or a problem
remains that only a person can fix (a nested `.gitignore` re-including `.env`), 2 when a file
could not be checked (malformed settings JSON, not a git work tree), 0 when everything was
already covered. `--check` reports without changing anything.

Run with `pass_filenames: false` and `always_run: true`: a missing ignore entry is a problem
whatever the commit touches."""

from __future__ import annotations

import argparse
import gc
import sys

from credwall.options import EXIT_ERROR, Parser

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

HOOK_ID = "credwall-ignores"


def main(argv: Sequence[str] | None = None) -> int:
    gc.disable()  # short-lived: see credwall.cli.main
    parser = Parser(prog=HOOK_ID, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report what is missing; change nothing")
    parser.add_argument("--config", metavar="FILE", default=None,
                        help="a .credwall.toml or pyproject.toml (default: the nearest one, walking up)")
    parser.add_argument("filenames", nargs="*", help=argparse.SUPPRESS)  # pass_filenames: false; ignored
    args = parser.parse_args(argv)
    try:
        from credwall.sources import git
        from credwall.engine.session import load_config
        from credwall.ignores import check_ignores, patterns_from_config, write_report

        root = git.toplevel()
        if root is None:
            raise git.GitError("not inside a git work tree")
        report = check_ignores(root, fix=not args.check, patterns=patterns_from_config(load_config(args.config)))
        write_report(report, sys.stdout, sys.stderr, HOOK_ID)
        return report.exit_code
    except Exception as exc:  # fail closed: a check that did not run is not a pass
        print(f"{HOOK_ID}: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
