"""The `credwall-mcp` pre-commit hook: literal credentials in MCP server configs.

Each file is parsed by its extension (JSON with JSONC comments and trailing commas, YAML, TOML)
and every servers table in it (`mcpServers`, `servers`, `mcp_servers`, `context_servers`) is
checked value by value; a literal credential is reported with its JSON path, its line, and the
reference syntax the file's client understands. A file this hook owns by name (`.mcp.json`,
`.cursor/mcp.json`, …) is checked outside its servers tables too. A malformed file fails the run.
Nothing in a config is ever executed."""

from __future__ import annotations

from credwall.analysers.registry import classify
from credwall.hookkit import read_text, run_hook

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

    from credwall.hookkit import FileCheck

HOOK_ID = "credwall-mcp"
# Files not named as MCP configs are still inspected when their content has a servers table.
_STRUCTURED_SUFFIXES = (".json", ".jsonc", ".code-workspace", ".yaml", ".yml", ".toml")


def check(ctx: FileCheck, path: str, data: bytes) -> None:
    kind = classify(path)
    named = kind in ("mcp", "agent-settings")
    if not named and not path.lower().endswith(_STRUCTURED_SUFFIXES):
        return  # neither an MCP config by name nor a format that could hold a servers table
    text = read_text(ctx, path, data)
    if text is None:
        return
    from credwall.analysers.mcp import inspect_mcp, inspect_remainder

    parsed = ctx.parse(path, text)
    if parsed is None:
        return
    document, leaves = parsed
    examined = inspect_mcp(ctx, path, document, leaves)
    if named:  # this hook owns the whole file, so nothing in it may go unchecked
        inspect_remainder(ctx, path, text, leaves, examined)


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(HOOK_ID, __doc__.splitlines()[0], check, argv)


if __name__ == "__main__":
    raise SystemExit(main())
