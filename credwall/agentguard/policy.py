"""Decisions of the agent guard: allow, warn, ask (a confirmation gate) or deny.

The rules, and why each exists:

- **deny** putting a credential where it does not belong: written into a file (Write, Edit,
  apply_patch, …), passed to an MCP tool or a web request, or pasted literally into a shell
  command (an agent that found a token should not be the one to use it);
- **deny** reading credential files (`.env*` but not `.env.example`, private keys, cloud CLI
  credential files) and running commands whose purpose is to print secrets (`cat .env`,
  `printenv`, bare `env`, `echo $AWS_SECRET_ACCESS_KEY`, `gh auth token`, …): once a secret is in
  the agent's context it can be used, logged or sent anywhere;
- **ask** before destructive or irreversible commands (`rm -rf` outside temp dirs, force pushes,
  `terraform destroy`, `DROP TABLE`, volume deletion, `curl -X DELETE`, …) and before any
  operational command that names a production environment: one API call can delete a database
  and, when backups share its volume, the backups too;
- **warn** (or block, per configuration) when a prompt or a tool's output carries a credential.

The rules live in their own modules: `paths` (what is a credential file), `exposure` (commands
that print or send secrets), `destructive`, `production`, `toolcall` (MCP calls). The `Guard`
here composes them, finds secrets with the engine, and judges a write as the file it becomes
(`credwall.pipeline.analyse_text`, the pipeline every entry point runs).

Shell commands are parsed (credwall.agentguard.shell), never run. User patterns, protected
environment names and fail-open/fail-closed come from an `AgentPolicy`
(`[tool.credwall.agent]`, see `policy_from_table`).
"""

from __future__ import annotations

import os
import re
from typing import Any, Callable, Iterable, Mapping

from .literals import joined_literals
from .paths import DEFAULT_TEMP_DIRS, credential_file, hook_config_path, read_small
from .patches import patch_added_text, patch_paths
from .settings import ALLOW, ASK, DENY, WARN, AgentPolicy, Reason, Verdict, combine
from .toolcall import strings

# The shell rules (and the shell parser) load on the first shell command: a write or a read
# does not pay for them.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.matcher import Matcher
    from .production import Production
    from .shell import Command
    from .where import TempDirs, Where

# Names other modules and tests import from here.
__all__ = ["ALLOW", "ASK", "DENY", "WARN", "AgentPolicy", "Guard", "Reason", "Verdict", "combine",
           "credential_file", "patch_added_text", "patch_paths", "strings"]


def _mask(secret: str) -> str:
    from ..engine.findings import mask

    return mask(secret)


def _shown(cmd: Command) -> str:
    text = cmd.text()
    return text if len(text) <= 120 else text[:117] + "…"


class Guard:
    """Evaluates agent actions under a policy, with the shared matcher loaded on first use."""

    def __init__(self, policy: AgentPolicy | None = None,
                 matcher: Matcher | Callable[[], Matcher] | None = None,
                 keywords: Callable[[], frozenset[str] | None] | None = None) -> None:
        """matcher: the compiled matcher, or a factory called on first use. keywords: a factory
        for every keyword of every rule in force (None when some rule has none): text holding
        none of them cannot match any rule, so the matcher is not even loaded for it."""
        self.policy = policy or AgentPolicy()
        self._matcher_source = matcher
        self._matcher: Matcher | None = None
        self._keywords_source = keywords
        self._keywords: frozenset[str] | None = None
        self._deny = [re.compile(p) for p in self.policy.deny]
        self._ask = [re.compile(p) for p in self.policy.ask]
        self._allow = [re.compile(p) for p in self.policy.allow]
        self._production: Production | None = None
        self._temp_dirs: TempDirs | None = None

    @property
    def production(self) -> Production:
        if self._production is None:
            from .production import Production

            self._production = Production(self.policy.protected_environments)
        return self._production

    @property
    def temp_dirs(self) -> TempDirs:
        if self._temp_dirs is None:
            from .where import TempDirs

            temp = list(DEFAULT_TEMP_DIRS) + list(self.policy.temp_dirs)
            tmpdir = os.environ.get("TMPDIR")
            if tmpdir and os.path.isabs(tmpdir):
                temp.append(tmpdir)
            self._temp_dirs = TempDirs(temp)
        return self._temp_dirs

    # --- secrets --------------------------------------------------------------------------------

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            source = self._matcher_source
            if source is None:
                from ..engine.session import load_matcher

                self._matcher = load_matcher()
            elif callable(source) and not hasattr(source, "scan"):
                self._matcher = source()
            else:
                self._matcher = source  # type: ignore[assignment]
        assert self._matcher is not None
        return self._matcher

    # The keyword gate only pays off on short texts: a long one almost always holds some keyword.
    _GATE_MAX_CHARS = 4096

    def _may_match(self, text: str) -> bool:
        if self._matcher is not None or self._keywords_source is None or len(text) > self._GATE_MAX_CHARS:
            return True
        if self._keywords is None:
            self._keywords = self._keywords_source()
            if self._keywords is None:
                self._keywords_source = None
                return True
        # case folding finds every hit the matcher's ASCII lowering finds, and the `requires`
        # words' hits (case-folded, as the matcher folds them), and maybe more
        folded = text.casefold()
        return any(k in folded for k in self._keywords)

    def secrets(self, text: str) -> list[str]:
        """`rule-id (masked…)` for each credential in text; never the secret itself."""
        if not text or not text.strip() or not self._may_match(text):
            return []
        found = []
        for match in self.matcher.scan(text):
            label = f"{match.rule.id} ({_mask(match.secret)})"
            if label not in found:
                found.append(label)
        return found

    # --- entry points ---------------------------------------------------------------------------

    def check_shell(self, command: str, cwd: str | None = None) -> Verdict:
        reasons: list[Reason] = []
        found = self.secrets(command)
        if found:
            reasons.append(Reason(DENY, "secret-in-command",
                                  f"the command contains a literal credential: {', '.join(found)}. Use an environment "
                                  f"variable reference instead, and rotate the credential if it was exposed"))
        from .shell import MAX_COMMANDS, MAX_DEPTH, parse_all
        from .where import Where

        where = Where(cwd, self.temp_dirs)
        commands, truncated = parse_all(command, cwd)
        for cmd in commands:
            reasons.extend(self._check_command(cmd, where))
        if truncated:
            reasons.append(Reason(ASK, "uninspectable-command",
                                  f"the command nests shells or substitutions deeper than {MAX_DEPTH} levels, or runs "
                                  f"more than {MAX_COMMANDS} commands: not all of it could be inspected"))
        if not any(r.rule == "policy-deny" for r in reasons):
            for pattern in self._deny:
                if pattern.search(command):
                    reasons.append(Reason(DENY, "policy-deny",
                                          f"the command matches the deny pattern {pattern.pattern!r} of [tool.credwall.agent]"))
        return combine(reasons)

    def file_secrets(self, path: str, content: str | None, edits: tuple[tuple[str, str], ...] = (),
                     cwd: str | None = None) -> list[str]:
        """What the file at `path` will hold after a write and does not hold now, judged as that
        kind of file by the pipeline every entry point runs (an `.mcp.json` as an MCP config,
        a `.env` as an env file), so a write the commit hook would block is denied here. Findings
        about the file as a whole (a committed `.env`) concern commits, not writes: left out."""
        from ..engine.findings import ScanResult
        from ..pipeline import analyse_text

        current = read_small(path if os.path.isabs(path) or not cwd else os.path.join(cwd, path))
        if content is None:
            if current is None or not edits:
                return []
            content = current
            for old, new in edits:
                if old not in content:
                    return []  # the edit will fail, or the file changed: nothing to judge
                content = content.replace(old, new, 1)
        matcher = self.matcher
        before = ({f.fingerprint for f in analyse_text(matcher, path, current, ScanResult())}
                  if current is not None else set())
        found = []
        for finding in analyse_text(matcher, path, content, ScanResult()):
            rule = matcher.rules_by_id.get(finding.rule_id)
            if finding.fingerprint in before or (rule is not None and rule.scope == "file"):
                continue
            label = f"{finding.rule_id} ({finding.secret_masked})"
            if label not in found:
                found.append(label)
        return found

    def check_write(self, paths: Iterable[str], text: str, tool: str = "write", *, content: str | None = None,
                    edits: tuple[tuple[str, str], ...] = (), cwd: str | None = None) -> Verdict:
        reasons: list[Reason] = []
        paths = [p for p in paths if p]
        where = ", ".join(paths) or "a file"
        found = self.secrets(text)
        if len(paths) == 1 and (content is not None or edits):
            # The file's own answer first (an env value, an MCP literal), then what the text
            # alone shows (a token in a write the file analysis could not rebuild).
            judged = self.file_secrets(paths[0], content, edits, cwd)
            masked = {label.split(" ", 1)[1] for label in judged}
            found = judged + [label for label in found if label.split(" ", 1)[1] not in masked]
        # "ghp_ab" + "cd…": a token split across string literals is a token once joined
        split = self.secrets("\n".join(joined_literals(text)))
        if split and len(paths) == 1:
            path = paths[0] if os.path.isabs(paths[0]) or not cwd else os.path.join(cwd, paths[0])
            current = read_small(path)
            if current:
                before = set(self.secrets("\n".join(joined_literals(current))))
                split = [label for label in split if label not in before]
        masked = {label.split(" ", 1)[1] for label in found}
        found += [f"{label} split across string literals" for label in split if label.split(" ", 1)[1] not in masked]
        if found:
            reasons.append(Reason(DENY, "secret-in-write",
                                  f"{tool} would put a credential into {where}: {', '.join(found)}. Reference it "
                                  f"from the environment or a secret manager instead of writing the value"))
        for path in paths:
            if hook_config_path(path):
                reasons.append(Reason(ASK, "agent-hook-config",
                                      f"{tool} changes agent hook configuration ({path}), which decides what this guard sees"))
        return combine(reasons)

    def check_read(self, path: str, content: str | None = None, tool: str = "read") -> Verdict:
        reasons: list[Reason] = []
        kind = credential_file(path)
        if kind:
            reasons.append(Reason(DENY, "read-credential-file",
                                  f"{tool} of {path} blocked: it is {kind}, and its values would enter the agent's "
                                  f"context. Ask the user for the non-secret value you need (or read the .env.example)"))
        elif content and self.policy.read_secrets != "allow":
            found = self.secrets(content)
            if found:
                decision = DENY if self.policy.read_secrets == "block" else WARN
                reasons.append(Reason(decision, "read-file-with-secret",
                                      f"{path} contains a credential ({', '.join(found)}); it should not be in the file, "
                                      f"and an agent that reads it can use it. Move it to the environment and rotate it"))
        return combine(reasons)

    def check_search(self, tool: str, args: Any, cwd: str | None = None) -> Verdict:
        """A search tool (Claude's Grep, VS Code's grep_search): its path judged as a read,
        then what it searches and shows (see exposure.search_reasons)."""
        from .exposure import search_reasons

        args = args if isinstance(args, Mapping) else {}
        path = next((args[k] for k in ("path", "file_path", "filePath", "target_file") if isinstance(args.get(k), str)), "")
        reasons = list(self.check_read(path, None, tool=tool).reasons) if path else []
        if not reasons:
            reasons = search_reasons(tool, args, path, cwd)
        return combine(reasons)

    def check_tool_args(self, tool: str, args: Any, *, mcp: bool) -> Verdict:
        """An MCP call or a web request: credentials in its arguments are denied; for MCP, a
        destructive tool name, destructive SQL, a shell command or a production name asks."""
        reasons: list[Reason] = []
        found = self.secrets("\n".join(strings(args)))
        if found:
            reasons.append(Reason(DENY, "secret-in-tool-call",
                                  f"{tool} would send a credential: {', '.join(found)}. Tools should get credentials "
                                  f"from their own configuration, not from the conversation"))
        if not mcp:
            return combine(reasons)
        from .toolcall import mcp_reasons

        reasons.extend(mcp_reasons(tool, args, self.production, self.check_shell))
        return combine(reasons)

    def check_text(self, text: str, *, what: str, action: str, rule: str) -> Verdict:
        """A prompt or a tool's output: block, warn or allow when it carries a credential."""
        if action == "allow":
            return Verdict(ALLOW)
        found = self.secrets(text)
        if not found:
            return Verdict(ALLOW)
        decision = DENY if action == "block" else WARN
        return Verdict(decision, (Reason(decision, rule,
                                         f"the {what} contains a credential: {', '.join(found)}. Do not repeat, store or "
                                         f"use it; the user should rotate it"),))

    def check_output(self, tool: str, response: Any, tool_input: Any = None, *, action: str = "warn",
                     cwd: str | None = None) -> Verdict:
        """After a tool ran: a credential in its output is now in the session. Tell the agent
        and the user which tool read it (so it can be rotated) and offer the output with every
        secret withheld, for agents that let a hook replace what the agent sees."""
        if action == "allow":
            return Verdict(ALLOW)
        path = ""
        if isinstance(tool_input, Mapping):
            path = next((tool_input[k] for k in ("file_path", "filePath", "path", "notebook_path")
                         if isinstance(tool_input.get(k), str)), "")
        from .output import input_detail, withheld

        found: list[str] = []
        replacement = withheld(response, lambda text: self._spans(path or "tool-output.txt", text, cwd), found)
        if not found:
            return Verdict(ALLOW)
        decision = DENY if action == "block" else WARN
        detail = input_detail(tool_input)
        message = (f"{tool}{detail} read a credential into this session: {', '.join(found)}. It is now in the "
                   f"agent's context and transcript: do not repeat, store or use it; the user should rotate it "
                   f"(where this agent lets a hook replace a tool's output, the agent gets it withheld)")
        return Verdict(decision, (Reason(decision, "secret-in-output", message),), replacement)

    def _spans(self, path: str, text: str, cwd: str | None) -> list[tuple[int, int, str]]:
        """(start, end, label) of each credential the engine finds in text, judged as the file
        at `path` when it is one (a Read of `.env` is read as an env file)."""
        if not text.strip():
            return []
        from ..analysers.registry import TEXT, kind_of

        if kind_of(path, text) == TEXT and not self._may_match(text):
            return []  # plain text without a rule's keyword: no pattern can match (analysed files are never gated)
        from ..engine.findings import ScanResult
        from ..pipeline import analyse_text

        matcher = self.matcher
        starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        out = []
        for f in analyse_text(matcher, path, text, ScanResult()):
            rule = matcher.rules_by_id.get(f.rule_id)
            if rule is not None and rule.scope == "file":
                continue  # about the file as a whole (a committed .env), not a value in it
            if f.line - 1 < len(starts) and f.end_line - 1 < len(starts):
                start = starts[f.line - 1] + f.column - 1
                end = starts[f.end_line - 1] + f.end_column - 1
                out.append((start, end, f"{f.rule_id} ({f.secret_masked})"))
        return out

    # --- shell rules ----------------------------------------------------------------------------

    def _check_command(self, cmd: Command, where: Where) -> list[Reason]:
        from .destructive import MODIFIERS, destructive
        from .exposure import exposures
        from .minting import minting
        from .runtime import runtime_asks

        out: list[Reason] = []
        name = cmd.name
        args = cmd.args
        text = cmd.text()
        shown = _shown(cmd)
        for pattern in self._deny:
            if pattern.search(text):
                out.append(Reason(DENY, "policy-deny", f"`{shown}` matches the deny pattern {pattern.pattern!r}"))
        if name == "apply_patch" and cmd.stdin:
            found = self.secrets(patch_added_text(cmd.stdin))
            if found:
                out.append(Reason(DENY, "secret-in-write", f"apply_patch would write a credential: {', '.join(found)}"))
        via = f" (via {' → '.join(cmd.via)})" if cmd.via else ""
        asks: list[tuple[str, str]] = []
        for decision, rule, why in exposures(cmd):
            if decision == DENY:
                out.append(Reason(DENY, rule, f"`{shown}`{via} {why}; once printed, a secret is in the agent's context "
                                              f"and transcript. Ask the user for what you need instead"))
            else:
                asks.append((rule, why))
        if name == "cd" or name == "pushd":
            where.track_cd(cmd)
            return out
        if any(p.search(text) for p in self._allow):
            return out
        for pattern in self._ask:
            if pattern.search(text):
                asks.append(("policy-ask", f"matches the ask pattern {pattern.pattern!r} of [tool.credwall.agent]"))
        asks.extend(destructive(cmd, where))
        asks.extend(runtime_asks(cmd))
        asks.extend(minting(cmd))
        env = self.production.command(cmd)
        if env:
            asks.append(("production-environment", f"names a production environment ({env!r})"))
        targets = [t.text for op, t in cmd.redirects if ">" in op] + (list(args) if name in MODIFIERS else [])
        for target in targets:
            if hook_config_path(target):
                asks.append(("agent-hook-config", f"changes agent hook configuration ({target})"))
                break
        env = self.production.task(cmd)
        if env:
            asks.append(("production-environment", f"runs a task against a production environment ({env!r})"))
        if name == "credwall" and "install-agent-hooks" in args and "--uninstall" in args:
            asks.append(("agent-hook-config", "removes credwall's agent hooks"))
        for rule, why in asks:
            out.append(Reason(ASK, rule, f"`{shown}`{via} {why}"))
        return out
