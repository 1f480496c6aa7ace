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
already covered.

During a commit it changes only what the commit touches (credwall.ignores.check_ignores): a
`.gitignore` when the staged change has one or a path the policy names, a tool's ignore file
when it has that tool's files; the rest is said in a note. With nothing staged (a manual run,
`pre-commit run --all-files` in CI) everything is checked and fixed. `--fix` fixes everything
whatever is staged; `--check` reports everything and changes nothing.

Run with `pass_filenames: false` and `always_run: true` (set by the hook): it reads the staged
change itself."""

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
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="report what is missing; change nothing")
    mode.add_argument("--fix", action="store_true",
                      help="fix everything, also files the staged change does not touch")
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
        touched = None if args.fix or args.check else (git.staged_names(root) or None)
        report = check_ignores(root, fix=not args.check, patterns=patterns_from_config(load_config(args.config)),
                               touched=touched)
        write_report(report, sys.stdout, sys.stderr, HOOK_ID)
        return report.exit_code
    except Exception as exc:  # fail closed: a check that did not run is not a pass
        print(f"{HOOK_ID}: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
