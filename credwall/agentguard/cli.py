"""Entry points: `credwall agent-hook` (`hook_main`) and `credwall install-agent-hooks`
(`install_main`).

`hook_main` reads one hook event (JSON, at most 8 MiB) on stdin, decides, prints the agent's
verdict JSON on stdout and exits 0 so the agent reads it. It never lets a traceback out: a
payload it cannot read, a configuration error or an internal failure is a verdict too (deny
when the policy fails closed, the default; allow with a message on stderr when it fails open).
Exit 2 only for a usage error (an unknown --agent): the hook itself is misconfigured.
"""

from __future__ import annotations

import gc
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, BinaryIO, Callable, Sequence, TextIO

    from ..engine.matcher import Matcher
    from .settings import AgentPolicy

MAX_PAYLOAD_BYTES = 8 * 1024 * 1024
EXIT_OK, EXIT_USAGE = 0, 2


def _parse_hook_args(argv: Sequence[str], err: TextIO) -> tuple[str, str | None] | None:
    """(agent, event hint) from `--agent NAME [--event NAME]`; None after printing a usage error.
    Hand-parsed: argparse costs milliseconds on every tool call."""
    from .events import AGENTS

    agent = event = None
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        key, _, value = arg.partition("=")
        if key in ("--agent", "--event") and not value:
            if i + 1 >= len(args):
                err.write(f"credwall agent-hook: {key} needs a value\n")
                return None
            value = args[i + 1]
            i += 1
        if key == "--agent":
            agent = value
        elif key == "--event":
            event = value
        elif arg in ("-h", "--help"):
            err.write("usage: credwall agent-hook --agent {" + ",".join(AGENTS) + "} [--event NAME] < event.json\n")
            return None
        else:
            err.write(f"credwall agent-hook: unknown argument {arg!r}\n")
            return None
        i += 1
    if agent not in AGENTS:
        err.write(f"credwall agent-hook: --agent must be one of {', '.join(AGENTS)}\n")
        return None
    return agent, event


def _read_payload(stream: BinaryIO) -> bytes | None:
    """The payload, or None when it is larger than the cap (the rest is drained so the agent
    does not block writing it)."""
    data = stream.read(MAX_PAYLOAD_BYTES + 1)
    if len(data) <= MAX_PAYLOAD_BYTES:
        return data
    while stream.read(1 << 20):
        pass
    return None


def load_policy() -> tuple[AgentPolicy, Any]:
    """The policy from the configuration in force (`[tool.credwall.agent]`) and the config
    itself (for the matcher's rule selection). Raises on a malformed configuration."""
    from .settings import AgentPolicy, policy_from_table

    from ..engine.session import load_config

    config = load_config(None)
    table = getattr(config, "agent", None)
    if isinstance(table, AgentPolicy):
        return table, config
    source = f"{config.file}: [tool.credwall.agent]" if getattr(config, "file", None) else "[tool.credwall.agent]"
    return policy_from_table(table, source), config


def hook_main(argv: Sequence[str] | None = None, *, policy: AgentPolicy | None = None,
              matcher: Matcher | Callable[[], Matcher] | None = None, stdin: BinaryIO | None = None,
              stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """`credwall agent-hook --agent claude-code|cursor|codex|copilot [--event NAME]`.

    policy / matcher: pass them to skip loading the configuration (tests, or a caller that has
    already loaded it); otherwise they come from the configuration in force."""
    gc.disable()  # a short-lived process: see credwall.cli.main
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parsed = _parse_hook_args(list(sys.argv[1:] if argv is None else argv), err)
    if parsed is None:
        return EXIT_USAGE
    agent, hint = parsed

    from .events import PayloadError, decide, failure_output, parse_event, render

    def finish(result: tuple[str, str]) -> int:
        body, message = result
        if body:
            out.write(body + "\n")
            out.flush()
        if message:
            err.write(message + "\n")
            err.flush()
        return EXIT_OK

    fail_closed = policy.fail_closed if policy is not None else True
    raw = _read_payload(stdin or sys.stdin.buffer)
    if raw is None:
        return finish(failure_output(agent, f"the hook payload is larger than {MAX_PAYLOAD_BYTES // (1024 * 1024)} MiB",
                                     fail_closed=fail_closed))
    import json

    try:
        payload = json.loads(raw)
        event = parse_event(agent, payload, hint)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        if isinstance(exc, PayloadError):
            detail = str(exc)
        elif isinstance(exc, json.JSONDecodeError):
            detail = f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        else:
            detail = f"not valid JSON ({type(exc).__name__})"
        return finish(failure_output(agent, f"cannot read the {agent} hook payload: {detail}", fail_closed=fail_closed))
    if event.phase == "other":
        return finish(render(event, _allow()))

    config = None
    if policy is None:
        try:
            policy, config = load_policy()
        except Exception as exc:  # a broken configuration must not let everything through
            return finish(failure_output(agent, f"configuration error: {exc}", fail_closed=True, event=event))
    keywords = None
    if matcher is None:
        def matcher() -> Matcher:
            from ..engine.session import load_matcher

            return load_matcher(config)

        keywords = _rule_keywords(config)

    from .policy import Guard

    try:
        verdict = decide(Guard(policy, matcher, keywords), event)
        return finish(render(event, verdict))
    except Exception as exc:  # the guard's own failure is a verdict, never a traceback
        return finish(failure_output(agent, f"internal error: {type(exc).__name__}: {exc}",
                                     fail_closed=policy.fail_closed, event=event))


def _rule_keywords(config: Any) -> Callable[[], frozenset[str] | None]:
    """Every keyword of the built-in pattern rules (a superset of those in force once the config
    disables some, and the `requires` words of a rule keyed on none), or None when the config
    adds packs or a pattern rule has neither: then
    there is no cheap gate and the matcher always runs. Analyser rules (an env file's values,
    an MCP config's literals) have no keywords and no pattern: the gate does not judge files,
    only text (a command, a prompt, a tool's output), which no analyser reads."""
    def keywords() -> frozenset[str] | None:
        extra = getattr(config, "extra_rules", None)
        if extra:
            return None
        from ..engine.rules import load_rules

        rules = [rule for rule in load_rules() if rule.analyser is None]
        # A rule with no keyword is gated by its `requires` words (labels in other scripts), if any.
        if any(not rule.keywords and not rule.requires for rule in rules):
            return None
        return frozenset(k for rule in rules for k in (rule.keywords or rule.requires))
    return keywords


def _allow() -> Any:
    from .settings import Verdict

    return Verdict("allow")


def install_main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
                 stderr: TextIO | None = None) -> int:
    """`credwall install-agent-hooks [--agent NAME]... [--scope project|user] [--shared] [--dry-run]
    [--uninstall] [--root DIR] [--home DIR] [--command CMD] [--no-deny-rules] [--no-fail-closed]`.
    Exit 0 done, 2 usage error or a file that cannot be merged (nothing is written then)."""
    import argparse
    import os

    from .install import (AGENT_FILES, AGENT_NOTES, DEFAULT_AGENTS, SCOPES, InstallError, apply, plan)

    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = argparse.ArgumentParser(prog="credwall install-agent-hooks",
                                     description="Install credwall's agent guard hooks for Claude Code, Cursor, "
                                                 "Codex, Copilot and VS Code agent mode.")
    parser.add_argument("--agent", action="append", choices=tuple(AGENT_FILES), dest="agents",
                        help=f"only this agent (repeatable; default: {', '.join(DEFAULT_AGENTS)})")
    parser.add_argument("--scope", choices=SCOPES, default="project",
                        help="project (default) or user: every project of this user (files under --home)")
    parser.add_argument("--shared", action="store_true",
                        help="write the project files teams commit (Claude: .claude/settings.json) instead of "
                             "the local one (.claude/settings.local.json)")
    parser.add_argument("--dry-run", action="store_true", help="print the changes as a diff; write nothing")
    parser.add_argument("--uninstall", action="store_true", help="remove only what install added")
    parser.add_argument("--root", default=None, help="the project root (default: the git work tree, else .)")
    parser.add_argument("--home", default=None, help="the home directory for --scope user (default: ~)")
    parser.add_argument("--command", default=None, metavar="CMD",
                        help="how hooks run credwall, used as given (default: a launcher that finds credwall on "
                             "every machine and blocks the call where it cannot)")
    parser.add_argument("--no-deny-rules", action="store_true",
                        help="do not add Claude Code permissions.deny Read(…) rules")
    parser.add_argument("--no-fail-closed", action="store_true",
                        help="leave out the agents' own fail-closed options (Claude Code onFailure, Cursor "
                             "failClosed), for versions that reject them")
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    if args.scope == "user":
        base = os.path.abspath(os.path.expanduser(args.home or "~"))
        shown = "~/" if not args.home else base.rstrip("/") + "/"
    else:
        base = args.root
        if base is None:
            from ..sources.git import toplevel

            base = toplevel() or os.getcwd()
        shown = ""
    agents = args.agents or list(DEFAULT_AGENTS)
    import shlex

    prefix = shlex.split(args.command) if args.command else None
    try:
        changes = plan(base, agents, prefix, uninstall=args.uninstall, deny_rules=not args.no_deny_rules,
                       scope=args.scope, shared=args.shared, fail_closed=not args.no_fail_closed)
        if not args.dry_run:
            apply(base, changes)
    except (InstallError, OSError) as exc:
        err.write(f"credwall install-agent-hooks: {exc}\n")
        return EXIT_USAGE
    verb = {"create": "created", "update": "updated", "remove": "removed", "unchanged": "unchanged"}
    for change in changes:
        if args.dry_run and change.action != "unchanged":
            out.write(change.diff())
        out.write(f"{'would be ' if args.dry_run and change.action != 'unchanged' else ''}{verb[change.action]}: "
                  f"{shown}{change.path}\n")
    if args.dry_run:
        out.write("dry run: nothing was written\n")
    elif not args.uninstall:
        how = "as given" if prefix else "through a launcher that finds credwall on each machine and blocks the call " \
                                        "where it cannot"
        out.write(f"hooks run credwall {how}; check them with `credwall doctor`\n")
        for agent in agents:
            out.write(f"- {AGENT_NOTES[agent]}\n")
    return EXIT_OK
