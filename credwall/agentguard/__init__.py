"""The agent runtime guard: hooks for Claude Code, Cursor, Codex and Copilot that see each tool
call before it runs and answer allow, deny or ask.

- `events`: each agent's documented hook payloads in, its verdict JSON out;
- `shell`: shell command parsing (nothing is ever run or expanded);
- `settings`: the decisions, verdicts and `AgentPolicy` (`[tool.credwall.agent]`);
- `policy`: the `Guard`, which composes the rules and finds secrets with the engine; the rules:
  `paths` (what is a credential file), `exposure` (commands that print or send secrets),
  `destructive`, `production`, `toolcall` (MCP calls), with `argv`, `where` and `patches`
  as helpers;
- `install`: merges the hook entries into `.claude/settings.json`, `.cursor/hooks.json`,
  `.codex/hooks.json` and `.github/hooks/hooks.json`;
- `cli`: `hook_main` (`credwall agent-hook`) and `install_main` (`credwall install-agent-hooks`).

See docs/agent-guard.md.
"""
