"""The agent guard's vocabulary and settings: the decisions (allow, warn, ask, deny), a
verdict and its reasons, and the policy from `[tool.credwall.agent]`. Nothing here loads rules
or parses commands, so the configuration can validate the table without importing the guard."""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping, NamedTuple

ALLOW, WARN, ASK, DENY = "allow", "warn", "ask", "deny"
_RANK = {ALLOW: 0, WARN: 1, ASK: 2, DENY: 3}
_ALSO = {DENY: "blocked", ASK: "needs confirmation", WARN: "warning", ALLOW: "allowed"}
SECRET_ACTIONS = ("block", "warn", "allow")


class Reason(NamedTuple):
    decision: str
    rule: str  # short stable id, e.g. "read-credential-file"
    message: str  # says what and why; never contains a secret


class Verdict(NamedTuple):
    decision: str
    reasons: tuple[Reason, ...] = ()
    replacement: Any = None  # after a tool ran: its output with the secrets withheld (JSON), if any

    @property
    def message(self) -> str:
        """The reasons, strongest first, one per line (at most five)."""
        ordered = sorted(self.reasons, key=lambda r: -_RANK[r.decision])
        lines: list[str] = []
        for r in ordered:
            text = r.message if r.decision == self.decision else f"(also {_ALSO[r.decision]}) {r.message}"
            if text not in lines:
                lines.append(text)
        more = len(lines) - 5
        return "\n".join(lines[:5] + ([f"(and {more} more)"] if more > 0 else []))

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.rule for r in self.reasons if r.decision == self.decision))


def combine(reasons: Iterable[Reason]) -> Verdict:
    found = tuple(reasons)
    decision = max((r.decision for r in found), key=_RANK.__getitem__, default=ALLOW)
    return Verdict(decision, found)


class AgentPolicy(NamedTuple):
    """What the guard enforces. Built from `[tool.credwall.agent]` by `policy_from_table`."""

    protected_environments: tuple[str, ...] = ("prod", "production", "live")
    deny: tuple[str, ...] = ()  # regexes searched in each simple command and in the whole command
    ask: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()  # a simple command matching one skips the ask rules (never deny)
    fail_closed: bool = True  # internal errors and malformed input deny (else allow, with a warning)
    prompt_secrets: str = "block"  # a credential in a user prompt: block | warn | allow
    output_secrets: str = "warn"  # a credential in a tool's output: block | warn | allow
    read_secrets: str = "block"  # a file whose content (when the agent sends it) holds one
    temp_dirs: tuple[str, ...] = ()  # more directories where `rm -rf` needs no confirmation


_POLICY_KEYS = {
    "protected_environments": "list", "deny": "regexes", "ask": "regexes", "allow": "regexes",
    "fail_closed": "bool", "prompt_secrets": "action", "output_secrets": "action", "read_secrets": "action",
    "temp_dirs": "list",
}


def policy_from_table(table: Mapping[str, Any] | None, source: str = "[tool.credwall.agent]") -> AgentPolicy:
    """An AgentPolicy from a TOML table; ValueError naming the key for unknown keys, wrong types
    and regexes that do not compile (a typo must not silently switch a rule off)."""
    if not table:
        return AgentPolicy()
    values: dict[str, Any] = {}
    for key, value in table.items():
        kind = _POLICY_KEYS.get(key)
        if kind is None:
            raise ValueError(f"{source}: unknown key {key!r} (known: {', '.join(sorted(_POLICY_KEYS))})")
        if kind == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"{source}: {key} must be true or false")
            values[key] = value
        elif kind == "action":
            if value not in SECRET_ACTIONS:
                raise ValueError(f"{source}: {key} must be one of {', '.join(SECRET_ACTIONS)}")
            values[key] = value
        else:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{source}: {key} must be a list of strings")
            if kind == "regexes":
                for pattern in value:
                    try:
                        re.compile(pattern)
                    except re.error as exc:
                        raise ValueError(f"{source}: {key}: bad regex {pattern!r}: {exc}") from None
            if key == "protected_environments":
                value = [v.lower() for v in value]
            values[key] = tuple(value)
    return AgentPolicy(**values)
