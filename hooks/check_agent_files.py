"""The `credwall-agent-files` hook: credentials in agent instruction and memory files.

The agent-file part of the `credwall` hook, for teams that want only that part: CLAUDE.md,
AGENTS.md, GEMINI.md, .cursorrules, .cursor/rules/*.mdc, copilot instructions, SKILL.md,
.claude/commands/ and .claude/settings*.json; a committed CLAUDE.local.md or
settings.local.json."""

from __future__ import annotations

from credwall.hookkit import run_hook

TYPE_CHECKING = False  # no `typing` before git starts: see credwall.cli
if TYPE_CHECKING:
    from typing import Sequence

HOOK_ID = "credwall-agent-files"


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(HOOK_ID, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
