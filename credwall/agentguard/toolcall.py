"""MCP tool calls: a tool whose name says it destroys, destructive SQL handed to a database
tool, a shell command handed to a command-running tool, or an argument naming a production
environment asks. (Credentials in any tool's arguments are the Guard's: the engine finds them.)"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Mapping

from .settings import ASK, Reason, Verdict

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .production import Production


_MCP_DESTRUCTIVE = frozenset({"delete", "destroy", "drop", "purge", "terminate", "wipe", "truncate", "erase", "nuke",
                              "uninstall", "remove"})
_MCP_SQL_WORDS = frozenset({"sql", "query", "execute", "exec", "db", "database", "postgres", "postgresql", "mysql",
                            "sqlite", "supabase", "neon", "d1", "bigquery", "snowflake", "run", "statement"})
_RUNS_COMMANDS = frozenset({"exec", "execute", "run", "shell", "command", "terminal", "bash", "cmd"})


def mcp_reasons(tool: str, args: Any, production: Production, check_shell: Callable[[str], Verdict]) -> list[Reason]:
    """The asks (and, through a shell command, denies) one MCP call earns."""
    from .argv import components
    from .destructive import dangerous_sql

    texts = strings(args)
    reasons: list[Reason] = []
    words = set(components(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", tool)))
    verbs = sorted(words & _MCP_DESTRUCTIVE)
    if verbs:
        reasons.append(Reason(ASK, "destructive-tool", f"the MCP tool {tool} looks destructive ({verbs[0]})"))
    keyed = [v for k, v in items(args) if k.lower() in ("sql", "query", "statement", "command", "script", "cmd")]
    for text in (texts if words & _MCP_SQL_WORDS else keyed):
        sql = dangerous_sql(text)
        if sql:
            reasons.append(Reason(ASK, "destructive-sql", f"{tool}: {sql}"))
            break
    if words & _RUNS_COMMANDS and isinstance(args, Mapping):
        for key in ("command", "cmd", "script", "commandLine", "command_line"):
            value = args.get(key)
            if isinstance(value, str):
                inner = check_shell(value)
                reasons.extend(r for r in inner.reasons if r.rule != "secret-in-command")
    for text in texts:  # identifiers and URLs, not prose: an issue body may say "production"
        env = production.named_in(text) if len(text) <= 200 and not re.search(r"\s", text) else None
        if env:
            reasons.append(Reason(ASK, "production-environment",
                                  f"{tool} names a production environment ({env!r})"))
            break
    return reasons


def _strings(value: Any, limit: int = 100_000) -> Iterable[str]:
    """Every string in a JSON value (the values of objects, not their keys), at most `limit` items."""
    stack = [value]
    count = 0
    while stack and count < limit:
        item = stack.pop()
        count += 1
        if isinstance(item, str):
            yield item
        elif isinstance(item, Mapping):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        elif item is not None and not isinstance(item, (bool, int, float)):
            yield str(item)


def strings(value: Any) -> list[str]:
    """Every string in a JSON value, in document order."""
    return list(_strings(value))


def items(value: Any) -> Iterable[tuple[str, str]]:
    """(key, string value) pairs anywhere in a JSON value."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            for k, v in item.items():
                if isinstance(v, str):
                    yield str(k), v
                elif isinstance(v, (Mapping, list, tuple)):
                    stack.append(v)
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
