"""MCP server configs: literal credentials where the client could have taken a reference.

An MCP config is committed so a team shares its servers, and the server's key rides along in
`env`, a header, a command-line flag or a URL. This module finds the servers tables of a parsed
document (by key: `mcpServers`, VS Code's `servers`, Codex's `mcp_servers`, Zed's
`context_servers`), judges every value in them once, and reports each literal credential at its
line with its JSON path and the reference syntax the client in question understands.

Nothing in a config is ever run: `command` and `args` are only read as text.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple

from ..engine.filters import credential_key, literal_value_reason
from .structured import dotted, format_of
from .values import value_span

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable, Iterator

    from ..engine.analysis import Analysis
    from ..engine.matcher import Match
    from .structured import Leaf

    Path = tuple[str | int, ...]

RULE_ID = "mcp-literal-credential"

# Keys whose value is a table of servers, by client. `servers` is also common outside MCP, so
# there (only) a table must hold at least one server-shaped entry to count.
SERVER_TABLE_KEYS = ("mcpServers", "servers", "mcp_servers", "context_servers")
_SERVER_SHAPE_KEYS = frozenset({"command", "args", "env", "url", "serverUrl", "httpUrl", "headers", "type",
                                "transport", "http_headers", "source"})
_ENV_KEYS = frozenset({"env", "environment"})
_HEADER_KEYS = frozenset({"headers", "http_headers"})
_URL_KEYS = frozenset({"url", "serverUrl", "httpUrl", "uri", "endpoint"})
# Values under these keys name a variable rather than hold a value (Codex's pass-through lists).
_VARIABLE_NAME_KEYS = frozenset({"env_vars", "bearer_token_env_var", "env_http_headers", "envFile", "env_file"})
_ENV_FLAGS = frozenset({"-e", "--env"})  # docker run -e KEY=VALUE
_HEADER_FLAGS = frozenset({"-H", "--header", "--headers"})  # mcp-remote, supergateway, curl

_FLAG_RE = re.compile(r"--?([A-Za-z][\w.-]*)(?:=(.*))?", re.DOTALL)
_ASSIGNMENT_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.DOTALL)
_HEADER_RE = re.compile(r"([A-Za-z][\w-]*)\s*:\s*(.*)", re.DOTALL)
_SCHEME_RE = re.compile(r"(Bearer|Basic|Token|Bot|Digest|Api-?Key)\s+(\S.*)", re.DOTALL | re.IGNORECASE)
# ${VAR:-default}: a reference, but the default is committed text like any other.
_DEFAULT_RE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:-([^}]*)\}")

# Clients that expand ${env:VAR} (Roo Code: in env values). Cline, Kiro, Amazon Q, Zed and unknown
# clients get the generic ${VAR} advice.
_ENV_COLON_CLIENTS = {"cursor": "Cursor", "windsurf": "Windsurf", "roo": "Roo Code"}
_CLIENT_BY_SUFFIX = (
    ("/.vscode/mcp.json", "vscode"), ("/.vscode/settings.json", "vscode"), ("/.cursor/mcp.json", "cursor"),
    ("/.codex/config.toml", "codex"), ("/.gemini/settings.json", "gemini"), ("/.roo/mcp.json", "roo"),
    ("/.kiro/settings/mcp.json", "kiro"), ("/.amazonq/mcp.json", "amazonq"), ("/.zed/settings.json", "zed"),
    ("/.claude/settings.json", "claude-code"), ("/.claude/settings.local.json", "claude-code"),
)
_CLIENT_BY_NAME = {"claude_desktop_config.json": "claude-desktop", "cline_mcp_settings.json": "cline",
                   "mcp_settings.json": "roo", "mcp_config.json": "windsurf", ".mcp.json": "claude-code",
                   ".claude.json": "claude-code"}
_CLIENT_BY_TABLE = {"servers": "vscode", "mcp_servers": "codex", "context_servers": "zed"}


class _Candidate(NamedTuple):
    """One possible secret inside a leaf's value, and what names it."""

    key: str | None  # env var, header, flag or query parameter name; None: only provider rules apply
    value: str  # the part of the value that would be the secret
    kind: str  # env | header | flag | url | input | other | remainder (outside servers): picks the advice
    detail: str  # where in the value, for the message ("" when the value is the whole leaf)
    scheme: str = ""  # "Bearer" of an Authorization header, kept in the suggested reference
    forced: bool = False  # a credential by declaration (a VS Code input with "password": true)


class _Server(NamedTuple):
    path: Path
    name: str
    client: str | None


def detect_client(path: str) -> str | None:
    """Which client reads this file, by its path: claude-code, vscode, cursor, codex, gemini, … or None."""
    norm = "/" + path.replace(os.sep, "/")
    name = norm.rsplit("/", 1)[-1].lower()
    for suffix, client in _CLIENT_BY_SUFFIX:
        if norm.endswith(suffix):
            return client
    if name in _CLIENT_BY_NAME:
        return _CLIENT_BY_NAME[name]
    if name.endswith(".code-workspace"):
        return "vscode"
    if name.endswith(".mcp.json"):  # a Claude Code plugin's server file
        return "claude-code"
    return None


def analyse(a: Analysis) -> None:
    """An MCP config (named by its path, or a structured file that may hold a servers table)."""
    from .registry import classify

    if a.text is None:
        a.error("not a text file (binary content)")
        return
    named = classify(a.path) in ("mcp", "agent-settings")
    fmt = format_of(a.path)
    if named:
        parsed = a.parse(fmt)
    else:  # a file that only might be one: if it does not parse, it is plain text
        from .structured import StructureError, load_json, load_toml, load_yaml

        try:
            parsed = {"JSON": load_json, "YAML": load_yaml, "TOML": load_toml}[fmt](a.text)
        except StructureError:
            return
    if parsed is None:
        return
    document, leaves = parsed
    examined = inspect_servers(a, document, leaves)
    if named:  # a file named as an MCP config: a credential anywhere in it is one of its servers'
        inspect_remainder(a, leaves, examined)


def inspect_servers(a: Analysis, data: Any, leaves: list[Leaf], client: str | None = None) -> set[Path]:
    """Judge every value of every MCP servers table in one parsed document.

    Servers tables are found at any depth by key (`mcpServers`, `servers`, `mcp_servers`,
    `context_servers`); a file named `*mcp.json` may also hold its servers at the top level, as a
    Claude Code plugin's `.mcp.json` can. VS Code `inputs` beside a table are inspected too.

    Each value gets at most one finding: a provider rule's (the matcher recognised the value;
    the finding gets the value's JSON path and the reference to use instead), else
    `mcp-literal-credential` when a credential-named key (env var, header, flag, query
    parameter, input) holds a literal. `client` picks the suggested reference syntax; by default
    it comes from the path.

    Returns the paths of every leaf it judged, so the caller can judge the rest of the file
    differently. An empty set means the document has no servers table. Never raises on odd shapes.
    """
    path = a.path
    if client is None:
        client = detect_client(path)
    flat = path.replace(os.sep, "/").rsplit("/", 1)[-1].lower().endswith("mcp.json")
    servers, inputs = _find_servers(data, allow_flat=flat, client=client)
    examined: set[Path] = set()
    if not servers and not inputs:
        return examined
    by_path = {server.path: server for server in servers}
    args_lists: dict[Path, list[tuple[Leaf, _Server]]] = {}
    for leaf in leaves:
        server = _owner(leaf.path, by_path)
        if server is not None:
            examined.add(leaf.path)
            rel = leaf.path[len(server.path):]
            if any(part in _VARIABLE_NAME_KEYS for part in rel):
                continue
            if len(rel) >= 2 and rel[-2] == "args" and isinstance(rel[-1], int):
                args_lists.setdefault(leaf.path[:-1], []).append((leaf, server))  # judged as a whole below
                continue
            _judge(a, leaf, _leaf_candidates(rel, leaf.value), server)
        elif len(leaf.path) > 2 and leaf.path[-1] == "default" and leaf.path[:-2] in inputs:
            examined.add(leaf.path)
            decl = inputs[leaf.path[:-2]][leaf.path[-2]]  # type: ignore[index]
            _judge(a, leaf, [_input_candidate(decl, leaf.value)],
                   _Server(leaf.path[:-1], str(decl.get("id", "")), _client_of_inputs(client)))
    for items in args_lists.values():
        items.sort(key=lambda item: item[0].path[-1])
        per_leaf = _args_candidates([leaf.value for leaf, _ in items])
        for (leaf, server), candidates in zip(items, per_leaf):
            _judge(a, leaf, candidates, server)
    if servers and a.enabled("mcp-database-write-access"):  # an advisory: mcp_database.py
        from .mcp_database import report

        report(a, data, servers, leaves)
    return examined


def inspect_remainder(a: Analysis, leaves: list[Leaf], examined: set[Path]) -> None:
    """Everything of a named MCP config outside its servers tables: a credential-named key with
    a literal value is reported as in a server (pattern rules find the rest, comments included)."""
    outside = _Server((), "", None)
    for leaf in leaves:
        if leaf.path in examined:
            continue
        key = next((p for p in reversed(leaf.path) if isinstance(p, str)), None)
        _judge(a, leaf, [_Candidate(key, leaf.value, "remainder", "")], outside)


# --- finding the servers ----------------------------------------------------------------------

def _find_servers(data: Any, *, allow_flat: bool, client: str | None) -> tuple[list[_Server], dict[Path, list[Any]]]:
    servers: list[_Server] = []
    inputs: dict[Path, list[Any]] = {}
    for table_path, key, table, parent in _tables(data, ()):
        table_client = client or _CLIENT_BY_TABLE.get(key)
        for name, entry in _entries(table):
            if isinstance(entry, dict):
                label = str(entry.get("name", name)) if isinstance(name, int) else name
                servers.append(_Server(table_path + (name,), label, table_client))
        if isinstance(parent.get("inputs"), list):
            inputs[table_path[:-1] + ("inputs",)] = parent["inputs"]
    if not servers and allow_flat and isinstance(data, dict) and data \
            and all(isinstance(v, dict) for v in data.values()) and any(_server_shaped(v) for v in data.values()):
        servers = [_Server((name,), name, client) for name in data]
    return servers, inputs


def _tables(value: Any, path: Path) -> Iterator[tuple[Path, str, Any, dict[str, Any]]]:
    """(path, key, table, the dict holding it) for each servers table; not inside another one."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key in SERVER_TABLE_KEYS and isinstance(child, (dict, list)) and \
                    (key != "servers" or any(_server_shaped(e) for _, e in _entries(child))):
                yield path + (key,), key, child, value
            else:
                yield from _tables(child, path + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _tables(child, path + (i,))


def _entries(table: Any) -> Iterable[tuple[str | int, Any]]:
    return table.items() if isinstance(table, dict) else enumerate(table)  # Continue's YAML: a list


def _server_shaped(entry: Any) -> bool:
    return isinstance(entry, dict) and not _SERVER_SHAPE_KEYS.isdisjoint(entry)


def _owner(path: Path, servers: dict[Path, _Server]) -> _Server | None:
    for end in range(1, len(path)):
        server = servers.get(path[:end])
        if server is not None:
            return server
    return None


def _client_of_inputs(client: str | None) -> str:
    return client or "vscode"  # only VS Code has `inputs`


# --- what in a value could be a secret --------------------------------------------------------

def _leaf_candidates(rel: Path, value: str) -> list[_Candidate]:
    """Candidates for one leaf, by where it sits in its server entry (rel: path below the server)."""
    last = rel[-1] if rel else None
    parent = rel[-2] if len(rel) >= 2 else None
    if parent in _HEADER_KEYS:
        if isinstance(last, str):
            return [_header_candidate(last, value, "")]
        match = _HEADER_RE.fullmatch(value.strip())  # headers as a list of "Name: value"
        return [_header_candidate(match[1], match[2], f" (header {match[1]})")] if match else []
    if parent in _ENV_KEYS:
        if isinstance(last, str):
            return [_Candidate(last, value, "env", "")]
        match = _ASSIGNMENT_RE.fullmatch(value.strip())  # env as a list of KEY=VALUE
        return [_Candidate(match[1], match[2], "env", f" ({match[1]}=…)")] if match else []
    if last in _URL_KEYS:
        return _url_candidates(value)
    if last == "command" or rel == ("command", "path"):
        return [c for per_token in _args_candidates(_split(value), nested=True) for c in per_token]
    key = next((p for p in reversed(rel) if isinstance(p, str)), None)
    return [_Candidate(key, value, "other", "")]


def _header_candidate(name: str, value: str, detail: str) -> _Candidate:
    match = _SCHEME_RE.fullmatch(value.strip())
    if match:
        return _Candidate(name, match[2], "header", detail, scheme=match[1])
    return _Candidate(name, value, "header", detail)


def _url_candidates(url: str) -> list[_Candidate]:
    from urllib.parse import parse_qsl, urlsplit

    if "://" not in url:
        return []
    try:
        parts = urlsplit(url.strip())
        password = parts.password
    except ValueError:  # a bad port or bracket: not a URL we can read, provider rules still run
        return []
    found = []
    if password:
        found.append(_Candidate("password", password, "url", " (password in user:pass@)"))
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        found.append(_Candidate(name, value, "url", f" (query parameter {name})"))
    return found


def _input_candidate(decl: Any, value: str) -> _Candidate:
    """A VS Code input's default: a credential when the input says so ("password": true) or its
    id or description names one. Only promptString inputs take typed secrets."""
    decl = decl if isinstance(decl, dict) else {}
    input_id = str(decl.get("id", ""))
    secret_input = decl.get("type", "promptString") == "promptString" and (
        decl.get("password") is True or credential_key(input_id) or credential_key(str(decl.get("description", ""))))
    return _Candidate(None, value, "input", " (default of a promptString input)", forced=bool(secret_input))


def _args_candidates(args: list[str], nested: bool = False) -> list[list[_Candidate]]:
    """Per argument, its candidates: `--api-key X`, `--token=X`, `-e KEY=VALUE`, `KEY=VALUE`,
    `--header "Authorization: Bearer X"`, URLs; an argument holding a whole shell line is split
    (once: `nested` stops a word that shlex cannot split further from being split again)."""
    out: list[list[_Candidate]] = [[] for _ in args]
    expect: tuple[str, str] | None = None  # what the previous argument said this one is
    for i, arg in enumerate(args):
        flag = _FLAG_RE.fullmatch(arg)
        if expect is not None and not (flag and arg.startswith("--")):
            what, name = expect
            expect = None
            if what == "env":
                match = _ASSIGNMENT_RE.fullmatch(arg)
                if match:  # `-e KEY` alone passes the variable through: nothing to judge
                    out[i].append(_Candidate(match[1], match[2], "env", f" ({match[1]}=… after {name})"))
            elif what == "header":
                match = _HEADER_RE.fullmatch(arg.strip())
                if match:
                    out[i].append(_header_candidate(match[1], match[2], f" (header {match[1]})"))
            else:
                out[i].append(_Candidate(name, arg, "flag", f" (value of {name})"))
            continue
        expect = None
        if flag:
            name, inline = flag[1], flag[2]
            dashed = arg.split("=", 1)[0]
            if dashed in _ENV_FLAGS or dashed in _HEADER_FLAGS:
                what = "env" if dashed in _ENV_FLAGS else "header"
                if inline is None:
                    expect = (what, dashed)
                else:
                    out[i].extend(_args_candidates_inline(what, dashed, inline))
            elif inline is not None:
                out[i].append(_Candidate(name, inline, "flag", f" (value of {dashed})"))
            elif credential_key(name):
                expect = ("flag", dashed)
            continue
        match = _ASSIGNMENT_RE.fullmatch(arg)
        if match and not any(ch.isspace() for ch in match[2]):
            out[i].append(_Candidate(match[1], match[2], "env", f" ({match[1]}=…)"))
        elif "://" in arg and not any(ch.isspace() for ch in arg.strip()):
            out[i].extend(_url_candidates(arg))
        elif not nested and any(ch.isspace() for ch in arg.strip()):  # `sh -c "API_KEY=… node server.js"`
            out[i].extend(c for per_token in _args_candidates(_split(arg), nested=True) for c in per_token)
    return out


def _args_candidates_inline(what: str, flag: str, inline: str) -> list[_Candidate]:
    if what == "env":
        match = _ASSIGNMENT_RE.fullmatch(inline)
        return [_Candidate(match[1], match[2], "env", f" ({match[1]}=… after {flag})")] if match else []
    match = _HEADER_RE.fullmatch(inline.strip())
    return [_header_candidate(match[1], match[2], f" (header {match[1]})")] if match else []


def _split(line: str) -> list[str]:
    import shlex

    try:
        return shlex.split(line)
    except ValueError:  # unbalanced quotes: words are good enough to find KEY=VALUE
        return line.split()


# --- judging ------------------------------------------------------------------------------------

def _judge(a: Analysis, leaf: Leaf, candidates: list[_Candidate], server: _Server) -> None:
    """At most one finding for this leaf: a provider rule, else a credential-named literal, else
    a generic rule (the merge in credwall.engine.analysis ranks them the same way)."""
    matches = a.matches_in(leaf.start, leaf.end)
    raw = a.text[leaf.start:leaf.end] if a.text is not None else ""
    if not matches and leaf.value not in raw:  # escaped in the file: match the decoded value
        matches = a.scan_value(leaf.value, leaf.start, leaf.end)
        a.matches.extend(matches)
    where = dotted(leaf.path)
    if matches:
        match = next((m for m in matches if not m.rule.generic), matches[0])
        hint = _provider_candidate(match, candidates)
        a.region(leaf.start, leaf.end, f" in {where}{hint.detail}; {_advice(hint, server)}")
        if not match.rule.generic:
            return
    for candidate in candidates:
        secret, detail = candidate.value.strip(), candidate.detail
        default = _DEFAULT_RE.search(secret)
        if default and default[1].strip():
            secret, detail = default[1].strip(), detail + " (the default of ${VAR:-…})"
        if not (candidate.forced or (candidate.key and credential_key(candidate.key))):
            continue
        if literal_value_reason(secret) is None:
            start, end = value_span(a.text or "", leaf.start, leaf.end, secret)
            a.add(RULE_ID, start, end, secret, f"{where}{detail} holds a literal credential; {_advice(candidate, server)}")
            return


def _provider_candidate(match: Match, candidates: list[_Candidate]) -> _Candidate:
    """The candidate holding the matched secret (for its detail and advice), else the whole value."""
    for candidate in candidates:
        if match.secret in candidate.value:
            return candidate
    return _Candidate(None, match.secret, candidates[0].kind if candidates else "other", "")


# --- advice ---------------------------------------------------------------------------------------

def _variable(candidate: _Candidate, server: _Server) -> str:
    """A name for the environment variable that should hold this value."""
    def snake(text: str) -> str:
        text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text)
        return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper()

    key = candidate.key or ""
    prefix = snake(server.name)
    if candidate.kind == "env" and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        return key
    if not key or key.lower() in ("authorization", "password", "key", "token", "auth", "bearer"):
        suffix = "PASSWORD" if key.lower() == "password" else "TOKEN"
        return f"{prefix}_{suffix}" if prefix else f"MCP_{suffix}"
    name = snake(key)
    return name if not prefix or name.startswith(prefix) else f"{prefix}_{name}"


def _advice(candidate: _Candidate, server: _Server) -> str:
    client = server.client
    if candidate.kind == "remainder":
        return "keep it out of the committed config: read it from the environment or a secret store"
    if candidate.kind == "input":
        return ('remove the "default": VS Code prompts for the value once and keeps it in its secret '
                'storage ("password": true hides it while typing)')
    var = _variable(candidate, server)
    scheme = f"{candidate.scheme} " if candidate.scheme else ""
    place = "in its place" if candidate.kind in ("url", "flag") or candidate.detail else "instead"
    if client == "claude-desktop":
        return ("Claude Desktop does not expand variables: keep the key in the OS keychain or the environment "
                "of the shell that launches it, or start the server through a wrapper script that reads it")
    if client == "codex":
        header = candidate.key or ""
        if (candidate.kind == "header" and header.lower() == "authorization"
                and candidate.scheme.lower() == "bearer") or header == "bearer_token":
            return f'use bearer_token_env_var = "{var}" (Codex reads the token from that variable)'
        if candidate.kind == "header":
            return f'use env_http_headers = {{ "{header}" = "{var}" }} (Codex reads the value from that variable)'
        return (f'list it in env_vars = ["{var}"] so Codex passes {var} through from your environment, '
                f'instead of env = {{ {var} = "…" }}')
    if client == "vscode":
        input_id = var.lower().replace("_", "-")
        return (f'use "{scheme}${{input:{input_id}}}" {place} with an "inputs" entry '
                f'{{"type": "promptString", "id": "{input_id}", "password": true}}, or "{scheme}${{env:{var}}}"')
    if client in _ENV_COLON_CLIENTS:
        return f'use "{scheme}${{env:{var}}}" {place} ({_ENV_COLON_CLIENTS[client]} expands ${{env:VAR}})'
    if client == "claude-code":
        return f'use "{scheme}${{{var}}}" {place} (Claude Code expands ${{VAR}} and ${{VAR:-default}})'
    if client == "gemini":
        return f'use "{scheme}${var}" or "{scheme}${{{var}}}" {place} (Gemini CLI expands $VAR and ${{VAR}})'
    return f'use a reference such as "{scheme}${{{var}}}" {place} and set {var} in the environment'
