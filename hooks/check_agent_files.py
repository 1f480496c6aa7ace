"""The `credwall-agent-files` hook: credentials in agent instruction and memory files.

Agents read these files on every session (CLAUDE.md, AGENTS.md, GEMINI.md, .cursorrules,
.cursor/rules/*.mdc, .github/copilot-instructions.md, SKILL.md, .claude/commands/…), so a key
written there is handed to every agent run and every tool it calls. Stricter than code:

- any rule match blocks, in prose and inside fenced code blocks alike;
- prose that hands over a credential ("use this key for staging: …") blocks even when the value
  has no provider format (`agent-prose-credential`);
- `.claude/settings*.json`: literal credentials in the `env` block (`agent-settings-env`), in
  `permissions.allow` entries (`Bash(curl -H "Authorization: Bearer …")`), and MCP servers
  (reported by the MCP inspector with their JSON path);
- `CLAUDE.local.md` and `.claude/settings.local.json` are personal and meant to stay local:
  committing one is itself a finding (`agent-local-file-committed`).
"""

from __future__ import annotations

import re

from credwall.analysers.registry import classify
from credwall.engine.filters import credential_key, literal_value_reason, shannon_entropy
from credwall.engine.findings import make_finding
from credwall.hookkit import FileCheck, read_text, run_hook

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Sequence

    from credwall.analysers.structured import Leaf

HOOK_ID = "credwall-agent-files"
_LOCAL_FILES = ("claude.local.md", "settings.local.json")

# "key/token/password … : value", "the staging password is value", "token=value" in prose.
_PROSE_RE = re.compile(
    r"(?i)\b(?:(?:api|access|secret|private|deploy|license)[ _-]?keys?|keys?|secrets?|tokens?|passwords?|"
    r"passwd|passphrase|credentials?|bearer)\b[^\n:=`]{0,40}?(?:[:=]|\bis\b|\bof\b)\s{0,3}[`'\"]?"
    r"(?P<secret>[A-Za-z0-9_\-+/.=~!@#$%^&*]{12,200})[`'\"]?")


def check(ctx: FileCheck, path: str, data: bytes) -> None:
    kind = classify(path)
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if name in _LOCAL_FILES:
        ctx.add(make_finding(
            rule_id="agent-local-file-committed", path=path, line=1, column=1, secret=path,
            confidence="medium",
            message=f"{name} is personal agent configuration meant to stay local: "
                    f"`git rm --cached {path}` and add it to .gitignore"))
    text = read_text(ctx, path, data)
    if text is None:
        return
    # Structure-aware checks first: on the same value their message (JSON path) wins the dedupe.
    if kind == "agent-settings":
        _check_settings(ctx, path, text)
    else:
        _check_prose(ctx, path, text)
    for finding in ctx.scan_text(path, text):
        ctx.add(finding)  # every rule, every confidence, fenced code or prose


def _check_prose(ctx: FileCheck, path: str, text: str) -> None:
    for line_no, line in enumerate(text.split("\n"), 1):
        for m in _PROSE_RE.finditer(line):
            value = m.group("secret").rstrip(".,;:!)")
            if literal_value_reason(value) is not None or shannon_entropy(value) < 3.3:
                continue
            if not (any(c.isdigit() for c in value) and any(c.isalpha() for c in value)):
                continue  # a word or a number, not a key
            ctx.add(make_finding(
                rule_id="agent-prose-credential", path=path, line=line_no, column=m.start("secret") + 1,
                secret=value, confidence="medium",
                message="credential written into an agent instruction file: every agent session "
                        "reads it. Keep it in the environment or a secret manager and rotate it"))


def _check_settings(ctx: FileCheck, path: str, text: str) -> None:
    from credwall.analysers.structured import dotted

    parsed = ctx.parse(path, text, "JSON")
    if parsed is None:
        return
    data, leaves = parsed
    for leaf in leaves:
        if len(leaf.path) == 2 and leaf.path[0] == "env" and isinstance(leaf.path[1], str):
            _check_env_value(ctx, path, leaf)
        elif len(leaf.path) >= 2 and leaf.path[0] == "permissions" and leaf.path[1] in ("allow", "ask"):
            for finding in ctx.scan_text(path, leaf.value):
                column = leaf.column + finding.column  # leaf.column is the opening quote
                ctx.add(finding._replace(
                    line=leaf.line, end_line=leaf.line, column=column,
                    end_column=column + finding.end_column - finding.column,
                    message=f"{dotted(leaf.path)}: {finding.message}: a permission rule that embeds "
                            "a credential hands it to every session; reference an environment variable"))
    _inspect_mcp(ctx, path, data, leaves)


def _check_env_value(ctx: FileCheck, path: str, leaf: Leaf) -> None:
    key = str(leaf.path[1])
    if not credential_key(key) or literal_value_reason(leaf.value) is not None:
        return
    ctx.add(make_finding(
        rule_id="agent-settings-env", path=path, line=leaf.line, column=leaf.column, secret=leaf.value,
        confidence="high",
        message=f"env.{key} holds a literal credential in agent settings: every session and tool gets "
                f"it. Export {key} in the shell that starts the agent instead, and rotate it"))


def _inspect_mcp(ctx: FileCheck, path: str, data: Any, leaves: list[Leaf]) -> None:
    """MCP servers in agent settings go through the MCP inspector (same messages, same ids)."""
    from credwall.analysers.mcp import inspect_mcp

    inspect_mcp(ctx, path, data, leaves)


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(HOOK_ID, "Credentials in agent instruction and memory files.", check, argv)


if __name__ == "__main__":
    raise SystemExit(main())
