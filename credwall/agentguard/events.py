"""Hook payloads in, verdict JSON out, for each agent's documented hook format.

| agent | events read | verdict written |
|---|---|---|
| Claude Code | `PreToolUse`, `PostToolUse`, `UserPromptSubmit` (`hook_event_name`, `tool_name`, `tool_input`, `tool_response`, `prompt`) | `hookSpecificOutput.permissionDecision` allow/deny/ask + `permissionDecisionReason`; `decision: "block"` + `reason`; `systemMessage` for the user |
| Codex | the same names and fields (`apply_patch` carries its patch in `tool_input.command`) | as Claude, but `PreToolUse` honours only `deny`: an *ask* is sent as a deny that says to run the command yourself |
| Cursor | `beforeShellExecution`, `beforeMCPExecution`, `beforeReadFile`, `preToolUse`, `beforeSubmitPrompt`, `postToolUse` | `permission` allow/deny/ask + `user_message` + `agent_message`; `continue` for prompts; `additional_context` after a tool |
| Copilot | `preToolUse`, `postToolUse`, `userPromptSubmitted` (camelCase: `toolName`, `toolArgs` as a JSON string, `toolResult`, `prompt`; or the VS Code form with `hook_event_name`) | `permissionDecision` + `permissionDecisionReason` (only `preToolUse` output is read) |
| VS Code (agent mode) | `PreToolUse`, `PostToolUse`, `UserPromptSubmit` (`hookEventName`, `tool_name`, `tool_input` with camelCase fields, `tool_response`, `prompt`) | as Claude for tools; a prompt is stopped with `continue: false` + `stopReason` |

VS Code also runs the hooks of `.claude/settings.json` and `.github/hooks/*.json` with its own
payloads, so every agent's parser reads `hookEventName` as well as `hook_event_name`.

After a tool has run (PostToolUse), a credential in its output is reported to the agent and the
user, naming the tool and its command or file; where the agent lets a hook replace the output
the agent sees (Claude Code and Codex `updatedToolOutput`, `updatedMCPToolOutput` for MCP tools,
Cursor `updated_mcp_tool_output`), it gets the output with the secret withheld.

An allow prints nothing where the agent reads "no output" as "no opinion" (Claude Code, Codex,
Copilot): printing `allow` would skip the agent's own permission prompts. Sources for every field
are listed in docs/agent-guard.md.
"""

from __future__ import annotations

import json
import os
from typing import Any, Mapping, NamedTuple

from .patches import patch_added_text, patch_paths
from .settings import ALLOW, ASK, DENY, WARN, Reason, Verdict, combine
from .toolcall import strings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .policy import Guard

AGENTS = ("claude-code", "cursor", "codex", "copilot", "vscode")

# What an action is, whatever the agent calls it.
SHELL, WRITE, READ, SEARCH, MCP, OUTBOUND, PROMPT, OUTPUT, NONE = (
    "shell", "write", "read", "search", "mcp", "outbound", "prompt", "output", "none")
PRE, POST, PROMPT_PHASE, OTHER = "pre", "post", "prompt", "other"

_SHELL_TOOLS = frozenset({"bash", "shell", "powershell", "run_terminal_cmd", "exec_command", "local_shell",
                          "shell_command", "terminal", "run_in_terminal", "runinterminal", "container.exec"})
_WRITE_TOOLS = frozenset({"write", "edit", "multiedit", "notebookedit", "apply_patch", "create", "strreplace",
                          "str_replace", "edit_file", "write_file", "create_file", "editnotebook", "tabwrite",
                          "search_replace", "insert", "str_replace_editor", "str_replace_based_edit_tool",
                          "replace_string_in_file", "insert_edit_into_file", "create_or_update_file", "applypatch"})
_READ_TOOLS = frozenset({"read", "view", "read_file", "readfile", "notebookread", "read_notebook", "open_file"})
_SEARCH_TOOLS = frozenset({"grep", "search", "file_search", "grep_search", "codebase_search", "rg"})
_OUTBOUND_TOOLS = frozenset({"webfetch", "websearch", "web_fetch", "web_search", "fetch", "fetch_webpage",
                             "browser", "http_request"})
_BUILTIN_OTHER = frozenset({"glob", "ls", "list_dir", "task", "todowrite", "todoread", "exitplanmode", "ask_user",
                            "askuserquestion", "agent", "skill", "slashcommand", "killshell", "bashoutput",
                            "list_directory", "think", "update_plan", "view_image", "delete", "delete_file"})
_PATH_KEYS = ("file_path", "path", "target_file", "filePath", "notebook_path", "filename", "file", "target_notebook")


class Action(NamedTuple):
    kind: str
    tool: str = ""
    command: str | None = None
    paths: tuple[str, ...] = ()
    text: str = ""  # content written, prompt, tool output, file content sent before a read
    args: Any = None  # MCP / outbound arguments
    cwd: str | None = None
    content: str | None = None  # a write's whole new content (Write, create)
    edits: tuple[tuple[str, str], ...] = ()  # a write's (old, new) replacements (Edit, MultiEdit)
    response: Any = None  # after a tool ran: its output as the agent sent it (JSON)


class Event(NamedTuple):
    agent: str
    name: str  # the agent's own event name
    phase: str  # pre | post | prompt | other
    action: Action
    vscode_format: bool = False  # Copilot's PascalCase (VS Code compatible) payloads


class PayloadError(ValueError):
    """The payload is not a hook event this guard can read; the message says why."""


def _obj(value: Any) -> Any:
    """A JSON value that some agents send as a JSON-encoded string (Copilot toolArgs, Cursor
    MCP tool_input)."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in ("{", "["):
            try:
                return json.loads(stripped)
            except ValueError:
                return value
    return value


def _path_of(args: Any) -> str:
    if isinstance(args, Mapping):
        for key in _PATH_KEYS:
            value = args.get(key)
            if isinstance(value, str) and value:
                return value
    return ""


def _command_of(args: Any) -> str | None:
    if isinstance(args, str):
        return args
    if isinstance(args, Mapping):
        for key in ("command", "cmd", "commandLine", "script"):
            value = args.get(key)
            if isinstance(value, str):
                return value
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                import shlex

                # Codex shell tools may pass argv: ["bash", "-lc", "…"]
                return shlex.join(value)
    return None


_CONTENT_KEYS = ("content", "file_text", "contents", "new_file_text")
_OLD_KEYS = ("old_string", "old_str", "oldString", "old_text")
_NEW_KEYS = ("new_string", "new_str", "newString", "new_text")


def _write_parts(args: Mapping[str, Any]) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """(whole new content, (old, new) replacements) of a write tool's arguments, as far as they
    say: enough to judge the file it will become."""
    for key in _CONTENT_KEYS:
        if isinstance(args.get(key), str):
            return args[key], ()
    pairs: list[tuple[str, str]] = []
    edits = args.get("edits")
    items = edits if isinstance(edits, list) else [args]
    for item in items:
        if not isinstance(item, Mapping):
            continue
        old = next((item[k] for k in _OLD_KEYS if isinstance(item.get(k), str)), None)
        new = next((item[k] for k in _NEW_KEYS if isinstance(item.get(k), str)), None)
        if old is not None and new is not None:
            pairs.append((old, new))
    return None, tuple(pairs)


def tool_action(tool: str, args: Any, cwd: str | None, *, agent: str) -> Action:
    """Classify one tool call by the tool's name and arguments."""
    args = _obj(args)
    lowered = tool.lower()
    if lowered in _SHELL_TOOLS:
        return Action(SHELL, tool, command=_command_of(args) or "", cwd=cwd)
    if lowered in ("apply_patch", "applypatch") or (agent == "codex" and lowered in ("edit", "write")
                                                    and isinstance(_command_of(args), str)):
        patch = _command_of(args) or (args if isinstance(args, str) else "\n".join(strings(args)))
        return Action(WRITE, tool, paths=tuple(patch_paths(patch)), text=patch_added_text(patch) or patch, cwd=cwd)
    if lowered in _WRITE_TOOLS:
        path = _path_of(args)
        content: str | None = None
        edits: tuple[tuple[str, str], ...] = ()
        if isinstance(args, Mapping):
            # every string but the path and the text being replaced (which is already in the file)
            skip = set(_PATH_KEYS) | set(_OLD_KEYS)
            text = "\n".join(s for k, v in args.items() if k not in skip for s in strings(v))
            content, edits = _write_parts(args)
        else:
            text = "\n".join(strings(args))
        return Action(WRITE, tool, paths=(path,) if path else (), text=text, cwd=cwd, content=content, edits=edits)
    if lowered in _READ_TOOLS:
        return Action(READ, tool, paths=(_path_of(args),), cwd=cwd)
    if lowered in _SEARCH_TOOLS:
        return Action(SEARCH, tool, paths=(_path_of(args),) if _path_of(args) else (), args=args, cwd=cwd)
    if lowered in _OUTBOUND_TOOLS:
        return Action(OUTBOUND, tool, args=args, cwd=cwd)
    if lowered.startswith(("mcp__", "mcp_", "mcp:", "mcp.")) or lowered == "mcp" or (
            agent == "copilot" and lowered not in _BUILTIN_OTHER and lowered not in ("glob", "task")):
        return Action(MCP, tool, args=args, cwd=cwd)
    return Action(NONE, tool, args=args, cwd=cwd)


def _require(payload: Mapping[str, Any], key: str, kind: type) -> Any:
    value = payload.get(key)
    if not isinstance(value, kind):
        raise PayloadError(f"field {key!r} is missing or not a {kind.__name__}")
    return value


def parse_event(agent: str, payload: Any, event_hint: str | None = None) -> Event:
    """The event a hook payload describes, in the agent's documented format."""
    if not isinstance(payload, Mapping):
        raise PayloadError("the payload is not a JSON object")
    if agent in ("claude-code", "codex", "vscode"):
        return _claude_like(agent, payload, event_hint)
    if agent == "cursor":
        return _cursor(payload, event_hint)
    if agent == "copilot":
        return _copilot(payload, event_hint)
    raise PayloadError(f"unknown agent {agent!r}")


def _event_name(payload: Mapping[str, Any], hint: str | None) -> Any:
    """The event's name: `hook_event_name`, or VS Code's `hookEventName`, or --event."""
    return payload.get("hook_event_name") or payload.get("hookEventName") or hint


def output_action(tool: str, tool_input: Any, response: Any, cwd: str | None) -> Action:
    """After a tool ran: what it was asked (for the message) and what it returned."""
    response = _obj(response)
    return Action(OUTPUT, tool, text="\n".join(strings(response)), args=_obj(tool_input), cwd=cwd, response=response)


def _claude_like(agent: str, payload: Mapping[str, Any], hint: str | None) -> Event:
    name = _event_name(payload, hint)
    if not isinstance(name, str):
        raise PayloadError("field 'hook_event_name' is missing")
    cwd = payload.get("cwd") if isinstance(payload.get("cwd"), str) else None
    if name == "PreToolUse":
        tool = _require(payload, "tool_name", str)
        return Event(agent, name, PRE, tool_action(tool, payload.get("tool_input"), cwd, agent=agent))
    if name == "PostToolUse":
        tool = _require(payload, "tool_name", str)
        return Event(agent, name, POST, output_action(tool, payload.get("tool_input"), payload.get("tool_response"), cwd))
    if name == "UserPromptSubmit":
        prompt = _require(payload, "prompt", str)
        return Event(agent, name, PROMPT_PHASE, Action(PROMPT, text=prompt, cwd=cwd))
    return Event(agent, name, OTHER, Action(NONE, cwd=cwd))


_CURSOR_EVENTS = ("beforeShellExecution", "beforeMCPExecution", "beforeReadFile", "preToolUse", "beforeSubmitPrompt",
                  "postToolUse", "afterShellExecution", "afterMCPExecution", "afterFileEdit", "beforeTabFileRead")


def _cursor(payload: Mapping[str, Any], hint: str | None) -> Event:
    name = _event_name(payload, hint)
    if not isinstance(name, str):
        raise PayloadError("field 'hook_event_name' is missing")
    cwd = payload.get("cwd") if isinstance(payload.get("cwd"), str) else None
    if cwd is None and isinstance(payload.get("workspace_roots"), list) and payload["workspace_roots"]:
        root = payload["workspace_roots"][0]
        cwd = root if isinstance(root, str) else None
    if name == "beforeShellExecution":
        return Event("cursor", name, PRE, Action(SHELL, "shell", command=_require(payload, "command", str), cwd=cwd))
    if name == "beforeMCPExecution":
        tool = _require(payload, "tool_name", str)
        return Event("cursor", name, PRE, Action(MCP, tool, args=_obj(payload.get("tool_input")), cwd=cwd))
    if name in ("beforeReadFile", "beforeTabFileRead"):
        path = _require(payload, "file_path", str)
        content = payload.get("content")
        return Event("cursor", name, PRE, Action(READ, "read", paths=(path,),
                                                 text=content if isinstance(content, str) else "", cwd=cwd))
    if name == "preToolUse":
        tool = _require(payload, "tool_name", str)
        return Event("cursor", name, PRE, tool_action(tool, payload.get("tool_input"), cwd, agent="cursor"))
    if name == "beforeSubmitPrompt":
        return Event("cursor", name, PROMPT_PHASE, Action(PROMPT, text=_require(payload, "prompt", str), cwd=cwd))
    if name in ("postToolUse", "afterShellExecution", "afterMCPExecution"):
        output = payload.get("tool_output", payload.get("output", payload.get("result_json")))
        tool_input = payload.get("tool_input") if "tool_input" in payload else {"command": payload.get("command")}
        return Event("cursor", name, POST, output_action(str(payload.get("tool_name") or "shell"), tool_input, output, cwd))
    return Event("cursor", name, OTHER, Action(NONE, cwd=cwd))


_COPILOT_NAMES = {"pretooluse": "preToolUse", "posttooluse": "postToolUse", "userpromptsubmitted": "userPromptSubmitted",
                  "userpromptsubmit": "userPromptSubmitted"}


def _copilot(payload: Mapping[str, Any], hint: str | None) -> Event:
    vscode = isinstance(payload.get("hook_event_name") or payload.get("hookEventName"), str)
    raw = _event_name(payload, None) if vscode else hint
    if raw is None:  # camelCase payloads do not name their event: the fields do
        raw = ("postToolUse" if "toolResult" in payload else "preToolUse" if "toolName" in payload
               else "userPromptSubmitted" if "prompt" in payload else None)
    if not isinstance(raw, str):
        raise PayloadError("cannot tell which event this is (no hook_event_name, toolName or prompt; "
                           "pass --event)")
    name = _COPILOT_NAMES.get(raw.lower(), raw)
    cwd = payload.get("cwd") if isinstance(payload.get("cwd"), str) else None
    tool_key, args_key = ("tool_name", "tool_input") if vscode else ("toolName", "toolArgs")
    if name == "preToolUse":
        tool = _require(payload, tool_key, str)
        return Event("copilot", name, PRE, tool_action(tool, payload.get(args_key), cwd, agent="copilot"), vscode)
    if name == "postToolUse":
        result = payload.get("tool_response", payload.get("tool_result")) if vscode else payload.get("toolResult")
        if isinstance(result, Mapping) and isinstance(result.get("textResultForLlm"), str):
            result = result["textResultForLlm"]
        return Event("copilot", name, POST, output_action(str(payload.get(tool_key) or ""), payload.get(args_key),
                                                          result, cwd), vscode)
    if name == "userPromptSubmitted":
        return Event("copilot", name, PROMPT_PHASE, Action(PROMPT, text=_require(payload, "prompt", str), cwd=cwd), vscode)
    return Event("copilot", name, OTHER, Action(NONE, cwd=cwd), vscode)


# --- deciding -----------------------------------------------------------------------------------

def decide(guard: Guard, event: Event) -> Verdict:
    """The policy's verdict on one event."""
    action = event.action
    policy = guard.policy
    if action.kind == SHELL:
        return guard.check_shell(action.command or "", action.cwd)
    if action.kind == WRITE:
        return guard.check_write(action.paths, action.text, tool=action.tool or "write", content=action.content,
                                 edits=action.edits, cwd=action.cwd)
    if action.kind == READ:
        verdicts = [guard.check_read(p, action.text or None, tool=action.tool or "read") for p in action.paths if p]
        return _merge(verdicts)
    if action.kind == SEARCH:
        return guard.check_search(action.tool or "search", action.args, action.cwd)
    if action.kind in (MCP, OUTBOUND):
        return guard.check_tool_args(action.tool, action.args, mcp=action.kind == MCP)
    if action.kind == PROMPT:
        return guard.check_text(action.text, what="prompt", action=policy.prompt_secrets, rule="secret-in-prompt")
    if action.kind == OUTPUT:
        return guard.check_output(action.tool or "the tool", action.response if action.response is not None
                                  else action.text, action.args, action=policy.output_secrets, cwd=action.cwd)
    return Verdict(ALLOW)


def _merge(verdicts: list[Verdict]) -> Verdict:
    return combine(r for v in verdicts for r in v.reasons)


# --- rendering ----------------------------------------------------------------------------------

_PREFIX = "credwall"
_CODEX_ASK = ("Codex hooks cannot ask for confirmation, so credwall blocked it: if you intend this, "
              "run it yourself outside the agent")
_NO_ASK = "this hook cannot ask for confirmation, so credwall blocked it: if you intend this, run it yourself"


def _headline(decision: str) -> str:
    return {DENY: "blocked", ASK: "needs your confirmation", WARN: "warning"}.get(decision, "")


def user_message(verdict: Verdict) -> str:
    return f"{_PREFIX} {_headline(verdict.decision)}: {verdict.message}"


def _interactive_copilot() -> bool:
    """Copilot's cloud agent runs in GitHub Actions with nobody to ask; the CLI has a user."""
    return not (os.environ.get("GITHUB_ACTIONS") or os.environ.get("CI"))


def render(event: Event, verdict: Verdict) -> tuple[str, str]:
    """(stdout JSON or "", stderr message or "") for the agent to read."""
    decision = verdict.decision
    if decision == ALLOW:
        return _allow_output(event), ""
    message = user_message(verdict)
    agent, phase = event.agent, event.phase
    if agent in ("claude-code", "codex", "vscode"):
        return _claude_like_output(event, verdict, message), ""
    if agent == "cursor":
        return _cursor_output(event, verdict, message), message if phase == POST else ""
    # copilot: only preToolUse output is processed
    if phase == PRE:
        final = decision if decision != WARN else ALLOW
        if final == ASK and not _interactive_copilot():
            final, message = DENY, f"{message}\n({_NO_ASK})"
        if final == ALLOW:
            return "", message
        out: dict[str, Any] = {"permissionDecision": final, "permissionDecisionReason": message}
        if event.vscode_format:
            out["hookSpecificOutput"] = {"hookEventName": "PreToolUse", "permissionDecision": final,
                                         "permissionDecisionReason": message}
        return _dump(out), ""
    return "", message + "\n(Copilot ignores the output of this hook: nothing was blocked)"


def _allow_output(event: Event) -> str:
    if event.agent == "cursor":
        if event.name in ("beforeShellExecution", "beforeMCPExecution", "beforeReadFile", "preToolUse",
                          "beforeTabFileRead"):
            return _dump({"permission": "allow"})
        if event.name == "beforeSubmitPrompt":
            return _dump({"continue": True})
        return _dump({})
    return ""


def _claude_like_output(event: Event, verdict: Verdict, message: str) -> str:
    decision = verdict.decision
    if event.phase == PRE:
        reason = message
        if decision == ASK and event.agent == "codex":
            decision, reason = DENY, f"{message}\n({_CODEX_ASK})"
        if decision == WARN:
            return _dump({"systemMessage": message})
        return _dump({"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": decision,
                                             "permissionDecisionReason": reason},
                      "systemMessage": reason})
    if event.phase == POST:
        specific: dict[str, Any] = {"hookEventName": "PostToolUse", "additionalContext": message}
        if verdict.replacement is not None and event.agent in ("claude-code", "codex"):
            specific["updatedToolOutput"] = verdict.replacement
            if event.action.tool.startswith("mcp__"):
                specific["updatedMCPToolOutput"] = verdict.replacement
        out: dict[str, Any] = {"systemMessage": message, "hookSpecificOutput": specific}
        if decision == DENY:
            out.update({"decision": "block", "reason": message})
        return _dump(out)
    if event.phase == PROMPT_PHASE:
        if decision == DENY:
            # `continue: false` stops the prompt where `decision` is not read (VS Code runs these hooks too)
            return _dump({"decision": "block", "reason": message, "continue": False, "stopReason": message,
                          "systemMessage": message} if event.agent != "codex" else {"decision": "block", "reason": message})
        return _dump({"systemMessage": message,
                      "hookSpecificOutput": {"hookEventName": "UserPromptSubmit", "additionalContext": message}})
    return ""


def _cursor_output(event: Event, verdict: Verdict, message: str) -> str:
    decision = verdict.decision
    name = event.name
    if name == "beforeSubmitPrompt":
        if decision == DENY:
            return _dump({"continue": False, "user_message": message})
        return _dump({"continue": True, "user_message": message})
    if event.phase == POST:
        if name == "postToolUse":
            out: dict[str, Any] = {"additional_context": message}
            if verdict.replacement is not None and event.action.tool.lower().startswith(("mcp", "mcp_", "mcp:")):
                out["updated_mcp_tool_output"] = verdict.replacement
            return _dump(out)
        return _dump({})
    if decision == WARN:
        return _dump({"permission": "allow", "user_message": message, "agent_message": message})
    if decision == ASK and name not in ("beforeShellExecution", "beforeMCPExecution"):
        decision, message = DENY, f"{message}\n({_NO_ASK})"  # Cursor enforces ask only for these two
    return _dump({"permission": decision, "user_message": message, "agent_message": message})


def failure_output(agent: str, message: str, *, fail_closed: bool, event: Event | None = None) -> tuple[str, str]:
    """The verdict when the payload cannot be read or the guard fails: deny (fail closed) in a
    form every event of that agent accepts, or allow with the message on stderr."""
    if not fail_closed:
        return "", f"{_PREFIX}: {message} (fail_closed = false: allowed)"
    message += " (the agent guard fails closed; see docs/agent-guard.md)"
    if event is not None and event.phase != OTHER:
        verdict = Verdict(DENY, (Reason(DENY, "guard-error", message),))
        return render(event, verdict)[0], user_message(verdict)
    text = f"{_PREFIX} blocked: {message}"
    if agent in ("claude-code", "codex"):
        # valid for PreToolUse (deprecated form, still honoured), PostToolUse and UserPromptSubmit
        return _dump({"decision": "block", "reason": text, "systemMessage": text}), text
    if agent == "cursor":
        return _dump({"permission": "deny", "continue": False, "user_message": text, "agent_message": text}), text
    if agent == "vscode":  # VS Code reads `decision` only after a tool: stop the session instead
        return _dump({"continue": False, "stopReason": text, "systemMessage": text}), text
    return _dump({"permissionDecision": "deny", "permissionDecisionReason": text}), text


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
