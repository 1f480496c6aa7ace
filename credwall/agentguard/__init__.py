"""The agent runtime guard: hooks for Claude Code, Cursor, Codex, Copilot and VS Code agent mode
that see each tool call before it runs and answer allow, deny or ask.

- `events`: each agent's documented hook payloads in, its verdict JSON out;
- `shell`: shell command parsing (nothing is ever run), `expand`: what the shell would make of
  each word (assignments, substitutions whose output the text shows, globs against the real
  directory), and `inputs`: what xargs, `find -exec` and a piped shell get from the command
  before them;
- `settings`: the decisions, verdicts and `AgentPolicy` (`[tool.credwall.agent]`);
- `policy`: the `Guard`, which composes the rules and finds secrets with the engine; the rules:
  `paths` (what is a credential file), `exposure` (commands that print, send or copy secrets),
  `destructive`, `production`, `runtime` (code only known at run time), `toolcall` (MCP calls),
  with `code` and `literals` (interpreter code), `output` (a tool's output, withheld), `argv`,
  `where`, `patches` and `lazyre` as helpers;
- `install` and `launcher`: the hook entries `install-agent-hooks` merges into each agent's
  config, and the command they run; `doctor`: does each installed guard run?
- `cli`: `hook_main` (`credwall agent-hook`) and `install_main` (`credwall install-agent-hooks`).

See docs/agent-guard.md.
"""
