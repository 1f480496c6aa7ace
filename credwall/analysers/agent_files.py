"""Agent instruction and memory files: CLAUDE.md, AGENTS.md, GEMINI.md, .cursorrules,
.cursor/rules/*.mdc, .github/copilot-instructions.md, SKILL.md, .claude/commands/…, and Claude
Code's `.claude/settings*.json`.

Agents read these files on every session, so a key written there is handed to every agent run
and every tool it calls. Stricter than code:

- every pattern rule reports, in prose and inside fenced code blocks alike;
- prose that hands over a credential ("use this key for staging: …") is reported even when the
  value has no provider format (`agent-prose-credential`);
- `.claude/settings*.json`: literal credentials in the `env` block (`agent-settings-env`), in
  `permissions.allow` entries (`Bash(curl -H "Authorization: Bearer …")`), and in MCP servers
  (judged as in any MCP config, with their JSON path);
- `CLAUDE.local.md` and `.claude/settings.local.json` are personal and meant to stay local:
  committing one is itself a finding (`agent-local-file-committed`).
"""

from __future__ import annotations

import re

from ..engine.filters import credential_key, literal_value_reason, shannon_entropy
from .values import value_span

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.analysis import Analysis
    from .structured import Leaf

_LOCAL_FILES = ("claude.local.md", "settings.local.json")
_ADVICE = ("every agent session reads this file: keep the credential in the environment or a secret manager, "
           "and rotate it")

# "key/token/password … : value", "the staging password is value", "token=value" in prose.
_PROSE_RE = re.compile(
    r"(?i)\b(?:(?:api|access|secret|private|deploy|license)[ _-]?keys?|keys?|secrets?|tokens?|passwords?|"
    r"passwd|passphrase|credentials?|bearer)\b[^\n:=`]{0,40}?(?:[:=]|\bis\b|\bof\b)\s{0,3}[`'\"]?"
    r"(?P<secret>[A-Za-z0-9_\-+/.=~!@#$%^&*]{12,200})[`'\"]?")




def analyse(a: Analysis) -> None:
    name = a.name.lower()
    if name in _LOCAL_FILES:
        a.add_file("agent-local-file-committed",
                   f"{name} is personal agent configuration meant to stay local: "
                   f"`git rm --cached {a.path}` and add it to .gitignore")
    if a.text is None:
        a.error("not a text file (binary content)")
        return
    a.default_suffix = f", in agent file {a.name}: {_ADVICE}"
    if a.kind == "agent-settings":
        _settings(a)
    else:
        _prose(a)


def _prose(a: Analysis) -> None:
    text = a.text or ""
    offset = 0
    for line in text.split("\n"):
        for m in _PROSE_RE.finditer(line):
            value = m.group("secret").rstrip(".,;:!)")
            if literal_value_reason(value) is not None or shannon_entropy(value) < 3.3:
                continue
            if not (any(c.isdigit() for c in value) and any(c.isalpha() for c in value)):
                continue  # a word or a number, not a key
            start = offset + m.start("secret")
            a.add("agent-prose-credential", start, start + len(value), value,
                  f"credential written into an agent instruction file: {_ADVICE}")
        offset += len(line) + 1


def _settings(a: Analysis) -> None:
    from .mcp import inspect_servers
    from .structured import dotted

    parsed = a.parse("JSON")
    if parsed is None:
        return
    data, leaves = parsed
    for leaf in leaves:
        if len(leaf.path) == 2 and leaf.path[0] == "env" and isinstance(leaf.path[1], str):
            _env_value(a, leaf)
        elif len(leaf.path) >= 2 and leaf.path[0] == "permissions" and leaf.path[1] in ("allow", "ask"):
            a.region(leaf.start, leaf.end, f" in {dotted(leaf.path)}: a permission rule that embeds a credential "
                                           "hands it to every session; reference an environment variable")
    inspect_servers(a, data, leaves)


def _env_value(a: Analysis, leaf: Leaf) -> None:
    key = str(leaf.path[1])
    advice = f"every session and tool gets it. Export {key} in the shell that starts the agent instead, and rotate it"
    a.region(leaf.start, leaf.end, f" in env.{key} of agent settings: {advice}")
    if not credential_key(key) or literal_value_reason(leaf.value) is not None:
        return
    start, end = value_span(a.text or "", leaf.start, leaf.end, leaf.value)
    a.add("agent-settings-env", start, end, leaf.value,
          f"env.{key} holds a literal credential in agent settings: {advice}")
