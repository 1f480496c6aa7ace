"""A tool's output after it ran: where the engine found credentials in it, the output with
each one withheld (`[REDACTED:rule-id]`, in the output's own JSON shape, for agents that let a
hook replace what the agent sees), and what the tool was asked, for the message."""

from __future__ import annotations

from typing import Any, Callable, Mapping


def withheld(value: Any, spans: Callable[[str], list[tuple[int, int, str]]], found: list[str]) -> Any:
    """The JSON value with each secret in its strings replaced by `[REDACTED:rule-id]` (the
    labels go to `found`), or None when there was nothing to withhold."""
    def walk(item: Any) -> Any:
        if isinstance(item, str):
            cuts = spans(item)
            if not cuts:
                return item
            for start, end, label in sorted(cuts, reverse=True):
                if label not in found:
                    found.append(label)
                item = item[:start] + f"[REDACTED:{label.split(' ', 1)[0]}]" + item[end:]
            return item
        if isinstance(item, Mapping):
            return {k: walk(v) for k, v in item.items()}
        if isinstance(item, (list, tuple)):
            return [walk(v) for v in item]
        return item

    result = walk(value)
    return result if found else None


def input_detail(tool_input: Any) -> str:
    """` (`cat config.yml`)` or ` (config/aws.ini)`: what the tool was asked, for the message."""
    if isinstance(tool_input, Mapping):
        for key in ("command", "cmd", "file_path", "filePath", "path", "url", "query"):
            value = tool_input.get(key)
            if isinstance(value, str) and value:
                shown = value if len(value) <= 80 else value[:77] + "…"
                return f" (`{shown}`)" if key in ("command", "cmd") else f" ({shown})"
    return ""
