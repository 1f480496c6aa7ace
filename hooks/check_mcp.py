"""The `credwall-mcp` hook: literal credentials in MCP server configs.

The MCP part of the `credwall` hook, for teams that want only that part: `.mcp.json`,
`.cursor/mcp.json`, `.vscode/mcp.json`, `claude_desktop_config.json`, `.codex/config.toml` and
the other MCP configs (JSONC, YAML, TOML) are judged value by value; a literal credential is
reported with its JSON path and the reference syntax its client understands. Nothing in a
config is ever run."""

from __future__ import annotations

from credwall.hookkit import run_hook

TYPE_CHECKING = False  # no `typing` before git starts: see credwall.cli
if TYPE_CHECKING:
    from typing import Sequence

HOOK_ID = "credwall-mcp"


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(HOOK_ID, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
