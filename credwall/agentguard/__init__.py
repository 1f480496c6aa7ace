"""The agent runtime guard: hooks for Claude Code, Cursor, Codex and Copilot that see each tool
call before it runs and answer allow, deny or ask.

- `events`: each agent's documented hook payloads in, its verdict JSON out;
- `shell`: shell command parsing (nothing is ever run or expanded);
- `policy`: the decisions (credentials written, read or printed → deny; destructive or
  production-facing commands → ask) and `AgentPolicy` (`[tool.credwall.agent]`);
- `install`: merges the hook entries into `.claude/settings.json`, `.cursor/hooks.json`,
  `.codex/hooks.json` and `.github/hooks/hooks.json`;
- `cli`: `hook_main` (`credwall agent-hook`) and `install_main` (`credwall install-agent-hooks`).

See docs/agent-guard.md.
"""
