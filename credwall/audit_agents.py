"""`credwall audit`, the agent-era checklist: what the rest of the audit cannot see file by file.

- **One credential in several places** (`shared-credential`): the same value in two env files,
  in an env file and an MCP server, in a staging and a production MCP entry. Values are compared
  by a digest kept in memory; the item shows each place's label, masked prefix and fingerprint.
  High when a place looks like production.
- **Files agents load by default** (`agent-import`): what CLAUDE.md, AGENTS.md or GEMINI.md pull
  in with `@path` imports (up to five levels, as Claude Code does) is read by every session too.
- **MCP servers** (`mcp-server`): every server an agent here can start — the project's configs
  and the user's (`~/.claude.json` user and local scopes, Cursor, Windsurf, Gemini, Codex, VS
  Code, Claude Desktop, …) — with the credential reference each uses, the database it can write
  to (`mcp-database-write-access`, credwall/analysers/mcp_database.py, references resolved from
  the environment and the workspace's env files, values never shown), user-level servers every
  project inherits, definitions copied into several projects, and entries for projects that no
  longer exist. A server with nothing to fix is an `info` row.
- **Agent memory** (`agent-transcript`, `agent-memory`): session transcripts, prompt histories
  and memory files under the home directory (Claude Code, Codex, Gemini CLI, Goose, Continue,
  Cline, Roo Code, OpenCode) and Aider's histories in the workspace, read newest first within a
  bound, listing which session holds which kinds of credential so they can be rotated and the
  files deleted. Transcripts are judged by provider rules only (a format with a prefix or a
  checksum): agents read code full of keyword = value test data.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import time
from typing import Any, Callable, Iterator, Mapping, NamedTuple, Sequence

from .audit import (_FILE_RULES, Item, Scanned, Secret, _analyse, _env_secrets, _from_findings, _git_state, _label,
                    _line_list, _names, _quote, _read, _text, finding_value, looks_production, production_value)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .engine.findings import Finding
    from .engine.matcher import Matcher

# Bounds of the home directory's agent files: newest first, at most this many files and bytes.
MAX_SESSION_FILES = 2000
MAX_SESSION_FILE_BYTES = 64 * 1024 * 1024  # a larger file is read up to here (and said so)
MAX_SESSION_BYTES = 256 * 1024 * 1024  # about 15 s of reading on a laptop core
_IMPORT_DEPTH = 5  # Claude Code follows @imports five levels deep


def checklist(root: str, home: str | None, environ: Mapping[str, str], matcher: Matcher,
              seen: Sequence[Scanned]) -> list[Item]:
    """The checklist's items for the workspace `root` (files the tree pass analysed in `seen`)."""
    root = os.path.abspath(root)
    configs = mcp_configs(root, home, environ, matcher, seen)
    items = mcp_items(configs, root, environ, seen)
    items += shared_credentials(seen, configs)
    items += agent_imports(root, home, matcher, seen)
    items += session_files(root, home, environ, matcher)
    return items


# --- MCP servers ------------------------------------------------------------------------------------

class Server(NamedTuple):
    name: str
    entry: dict[str, Any]
    path: tuple[str | int, ...]  # in the document
    scope: str  # project | local | user | desktop | other-project
    project: str  # the project directory a ~/.claude.json local entry belongs to


class McpConfig(NamedTuple):
    where: str  # relative to the workspace, or ~/…
    path: str
    client: str
    shared: str  # "" or why the file is shared beyond this project (a symlink's target)
    servers: tuple[Server, ...]
    findings: tuple[Finding, ...]
    text: str
    leaves: tuple[Any, ...]


# User-level configs: every project on the machine gets these servers.
_USER_CONFIGS = (
    (".cursor/mcp.json", "Cursor"), (".codeium/windsurf/mcp_config.json", "Windsurf"),
    (".gemini/settings.json", "Gemini CLI"), (".codex/config.toml", "Codex"), (".kiro/settings/mcp.json", "Kiro"),
    (".aws/amazonq/mcp.json", "Amazon Q"), (".config/Code/User/mcp.json", "VS Code"),
    ("Library/Application Support/Code/User/mcp.json", "VS Code"),
    (".config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json", "Cline"),
    (".config/Claude/claude_desktop_config.json", "Claude Desktop"),
    ("Library/Application Support/Claude/claude_desktop_config.json", "Claude Desktop"),
)
_SHAPE_KEYS = frozenset({"command", "args", "env", "url", "serverUrl", "httpUrl", "headers", "type", "transport"})


def mcp_configs(root: str, home: str | None, environ: Mapping[str, str], matcher: Matcher,
                seen: Sequence[Scanned]) -> list[McpConfig]:
    configs = []
    for record in seen:
        if record.kind in ("mcp", "agent-settings") and record.text is not None:
            real = os.path.realpath(record.path)
            shared = "" if _inside(real, os.path.realpath(root)) else f"a link to {real}"
            config = _config(record.where, record.path, _client_of(record.path), record.text,
                             list(record.findings), shared, root, user_level=False)
            if config is not None:
                configs.append(config)
    if home is None:
        return configs
    claude_dir = environ.get("CLAUDE_CONFIG_DIR") or ""
    claude_json = os.path.join(claude_dir, ".claude.json") if claude_dir else os.path.join(home, ".claude.json")
    for path, client in [(claude_json, "Claude Code")] + [(os.path.join(home, rel), c) for rel, c in _USER_CONFIGS]:
        if not os.path.isfile(path):
            continue
        data = _read(path)
        text = _text(data) if data is not None else None
        if text is None:
            continue
        findings, _ = _analyse(matcher, path, data)  # type: ignore[arg-type]
        where = _home_where(path, home)
        config = _config(where, path, client, text, findings, "", root, user_level=True)
        if config is not None:
            configs.append(config)
    return configs


def _config(where: str, path: str, client: str, text: str, findings: list[Finding], shared: str,
            root: str, user_level: bool) -> McpConfig | None:
    from .analysers.structured import StructureError, format_of, load_json, load_toml, load_yaml

    loader = {"JSON": load_json, "YAML": load_yaml, "TOML": load_toml}[format_of(path)]
    try:
        document, leaves = loader(text)
    except StructureError:
        return None  # the file's own item says it is malformed
    servers = []
    for table_path, table in _server_tables(document, ()):
        scope, project = ("project", "") if not user_level else ("desktop", "") if client == "Claude Desktop" \
            else ("user", "")
        if len(table_path) >= 3 and table_path[0] == "projects" and isinstance(table_path[1], str):
            project = table_path[1]
            scope = "local" if _same_project(project, root) else "other-project"
        entries = table.items() if isinstance(table, dict) else enumerate(table)
        for name, entry in entries:
            if isinstance(entry, dict):
                label = str(entry.get("name", name)) if isinstance(name, int) else str(name)
                servers.append(Server(label, entry, table_path + (name,), scope, project))
    if not servers:
        return None
    return McpConfig(where, path, client, shared, tuple(servers), tuple(findings), text, tuple(leaves))


def _server_tables(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    from .analysers.mcp import SERVER_TABLE_KEYS

    if isinstance(value, dict):
        for key, child in value.items():
            if key in SERVER_TABLE_KEYS and isinstance(child, (dict, list)) and (
                    key != "servers" or any(isinstance(e, dict) and not _SHAPE_KEYS.isdisjoint(e)
                                            for e in (child.values() if isinstance(child, dict) else child))):
                yield path + (key,), child
            else:
                yield from _server_tables(child, path + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _server_tables(child, path + (i,))


def _client_of(path: str) -> str:
    from .analysers.mcp import detect_client

    return {"claude-code": "Claude Code", "vscode": "VS Code", "cursor": "Cursor", "codex": "Codex",
            "gemini": "Gemini CLI", "windsurf": "Windsurf", "roo": "Roo Code", "kiro": "Kiro",
            "amazonq": "Amazon Q", "cline": "Cline", "zed": "Zed"}.get(detect_client(path) or "", "an MCP client")


_REF = re.compile(r"\$\{(?:env:|(input):)?([A-Za-z_][\w.-]*)(?::-[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_CONNECTION_NAME = re.compile(r"(?i)(?:DATABASE|DB|POSTGRES|PG|MYSQL|MONGO|REDIS|SQL).*(?:URL|URI|DSN|CONN)")


def references(entry: dict[str, Any]) -> list[str]:
    """`KEY ← ${VAR}` for each value of an entry that names where its credential comes from: a
    credential-named key or variable (`GITHUB_TOKEN`, `Authorization`, `DATABASE_URL`), or a
    VS Code input; `$HOME` or `${NODE_ENV}` are not credentials."""
    from .engine.filters import credential_key

    out: list[str] = []

    def counts(name: str) -> bool:
        return bool(name) and (credential_key(name) or bool(_CONNECTION_NAME.search(name))
                               or name.lower() in ("authorization", "x-api-key"))

    def add(label: str, value: Any) -> None:
        if isinstance(value, str):
            for m in _REF.finditer(value):
                var = m.group(2) or m.group(3)
                if not (m.group(1) or counts(label) or counts(var)):
                    continue
                ref = m.group(0)
                shown = f"{label} ← {ref}" if label and label not in ref else ref
                if shown not in out:
                    out.append(shown)

    for section in ("env", "headers", "http_headers"):
        if isinstance(entry.get(section), dict):
            for key, value in entry[section].items():
                add(str(key), value)
    for key in ("args", "command", "url", "serverUrl", "httpUrl"):
        values = entry.get(key)
        for value in values if isinstance(values, list) else [values]:
            add("", value)
    for key in ("env_vars",):  # Codex passes these through from the environment
        if isinstance(entry.get(key), list):
            out.extend(f"{v} ← environment" for v in entry[key] if isinstance(v, str))
    if isinstance(entry.get("bearer_token_env_var"), str):
        out.append(f"bearer token ← ${entry['bearer_token_env_var']}")
    return out


def _launch(entry: dict[str, Any]) -> str:
    """What the server runs (`npx @modelcontextprotocol/server-github`) or where it is (`https://host`),
    never an argument that could hold a value."""
    from urllib.parse import urlsplit

    url = next((entry[k] for k in ("url", "serverUrl", "httpUrl") if isinstance(entry.get(k), str)), None)
    if url:
        try:
            parts = urlsplit(url)
            return f"{parts.scheme}://{parts.hostname or '?'}"
        except ValueError:
            return "a URL"
    command = entry.get("command")
    command = command.get("path") if isinstance(command, dict) else command
    if not isinstance(command, str) or not command.strip():
        return "?"
    words = command.split()
    head = os.path.basename(words[0])
    args = [a for a in (words[1:] + [a for a in entry.get("args", []) if isinstance(a, str)]
                        if isinstance(entry.get("args"), list) else words[1:])]
    package = next((a for a in args if re.fullmatch(r"(?:@[\w.-]+/)?[A-Za-z][\w.-]*(?:@[\w.^~-]+)?", a)
                    and len(a) <= 60 and not re.search(r"\d{5,}|[A-Z].*\d.*[a-z]|[a-z].*\d.*[A-Z]", a)), "")
    return f"{head} {package}".strip()


def _resolver(environ: Mapping[str, str], seen: Sequence[Scanned]) -> Callable[[str], str | None]:
    """A variable's value from the environment, else from the workspace's env files (in memory)."""
    from .analysers.dotenv import parse

    values: dict[str, str] = {}
    for record in seen:
        if record.kind == "env" and record.text is not None:
            for entry in parse(record.text).entries:
                values.setdefault(entry.key, entry.value)

    def resolve(name: str) -> str | None:
        return environ.get(name) or values.get(name)
    return resolve


def mcp_items(configs: Sequence[McpConfig], root: str, environ: Mapping[str, str],
              seen: Sequence[Scanned]) -> list[Item]:
    from .analysers.mcp_database import server_access, verdict

    resolve = _resolver(environ, seen)
    # the same definition (name and launch) in several projects' local entries of ~/.claude.json
    copies: dict[tuple[str, str], set[str]] = {}
    for config in configs:
        for server in config.servers:
            if server.project:
                copies.setdefault((server.name, _launch(server.entry)), set()).add(server.project)
    items = []
    for config in configs:
        literal = _literals_by_server(config)
        for server in config.servers:
            if server.scope == "other-project":
                items.extend(_stale(config, server, literal.get(server.path, [])))
                continue
            refs = references(server.entry)
            secrets = literal.get(server.path, [])
            credential = [*refs, *(f"{s.label}: a literal ({s.masked})" for s in secrets)]
            access = server_access(server.entry, server.name, resolve)
            severity = verdict(access) if access is not None else None
            where = f"{config.where} [{server.name}]"
            scope = {"project": f"{config.client} project config", "local": "Claude Code local config (this project)",
                     "user": f"{config.client} user config: every project's agent can start it",
                     "desktop": "Claude Desktop config"}[server.scope]
            others = copies.get((server.name, _launch(server.entry)), set()) - {server.project}
            extra = []
            if config.shared:
                extra.append(f"shared file ({config.shared})")
            if server.project and others:
                extra.append(f"the same server is configured for {len(others)} other project(s)")
            what = (f"MCP server `{server.name}` ({_launch(server.entry)}; {scope}"
                    + (f"; {'; '.join(extra)}" if extra else "") + "): "
                    + (f"credentials {'; '.join(credential[:4])}" + (f" (+{len(credential) - 4} more)"
                                                                     if len(credential) > 4 else "")
                       if credential else "no credential"))
            production = bool(access and access.production) or looks_production(server.name)
            if severity is not None and access is not None:
                why = f"production-looking: {access.production}" if access.production else access.remote
                login = " as a superuser" if access.privileged else ""
                items.append(Item("mcp-server", severity, where,
                                  f"{what}; can write to {access.describe()}{login} ({why}) through {access.via}",
                                  "scope", "point it at a read-only role on a replica or a staging copy, or make it "
                                  "read-only (`--access-mode=restricted`, `--read-only`, "
                                  "`options=-c default_transaction_read_only=on`)",
                                  production, tuple(secrets), ("mcp-database-write-access",)))
            elif (server.scope == "user" or (server.project and others) or config.shared) and credential:
                items.append(Item("mcp-server", "medium", where, what, "scope",
                                  "keep it in the projects that need it (a project config with a ${VAR} reference), "
                                  "with a credential scoped to that project; remove it elsewhere",
                                  production, tuple(secrets)))
            else:
                items.append(Item("mcp-server", "info", where, what, "scope",
                                  "remove it if no agent here needs it; keep its credential read-only and scoped",
                                  production, tuple(secrets)))
    return items


def _stale(config: McpConfig, server: Server, secrets: list[Secret]) -> list[Item]:
    if os.path.isdir(server.project) or not (secrets or references(server.entry)):
        return []
    return [Item("mcp-server", "low", f"{config.where} [{server.name}]",
                 f"MCP server `{server.name}` configured for {server.project}, which no longer exists: a stale "
                 f"entry still holding {'a literal credential' if secrets else 'a credential reference'}", "remove",
                 f"remove the project's entry from {config.where} (`claude mcp remove {server.name}` there, or "
                 "edit the file)", looks_production(server.name, server.project), tuple(secrets))]


def _literals_by_server(config: McpConfig) -> dict[tuple[str | int, ...], list[Secret]]:
    """The config's credential findings, by the server whose entry holds them."""
    out: dict[tuple[str | int, ...], list[Secret]] = {}
    lines = _line_list(config.text)
    for server, finding in _findings_by_server(config):
        out.setdefault(server.path, []).append(
            Secret(_label(lines, finding.line, finding.column), finding.line, finding.secret_masked, finding.fingerprint))
    return out


def _findings_by_server(config: McpConfig) -> Iterator[tuple[Server, Finding]]:
    starts = [0]
    for line in config.text.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    by_path = {s.path: s for s in config.servers}
    for finding in config.findings:
        if not 0 < finding.line <= len(starts):
            continue
        offset = starts[finding.line - 1] + finding.column - 1
        leaf = next((leaf for leaf in config.leaves if leaf.start <= offset < max(leaf.end, leaf.start + 1)), None)
        if leaf is None:
            continue
        server = next((by_path[leaf.path[:n]] for n in range(len(leaf.path), 0, -1) if leaf.path[:n] in by_path), None)
        if server is not None:
            yield server, finding


# --- one credential in several places -----------------------------------------------------------------

class _Occurrence(NamedTuple):
    place: str  # `.env.production`, `.mcp.json [stripe-prod]`
    label: str
    secret: Secret
    production: bool


def shared_credentials(seen: Sequence[Scanned], configs: Sequence[McpConfig]) -> list[Item]:
    by_value: dict[str, list[_Occurrence]] = {}

    def add(place: str, text: str | None, finding: Finding, secret: Secret, *names: str) -> None:
        value = finding_value(text, finding)
        if not value or len(value) < 8:
            return
        digest = hashlib.sha256(b"credwall-audit\0" + value.encode("utf-8", "surrogatepass")).hexdigest()
        production = bool(looks_production(place, secret.label, *names)) or production_value(value)
        by_value.setdefault(digest, []).append(_Occurrence(place, secret.label, secret, production))

    for record in seen:
        if record.kind in ("mcp", "agent-settings") or not record.findings:
            continue  # MCP configs below, by server
        kept = [f for f in record.findings if f.rule_id not in _FILE_RULES]
        labelled = _env_secrets(kept, record.text) if record.kind in ("env", "env-template") \
            else tuple(_from_findings(kept, record.text))
        for finding, secret in zip(kept, labelled):
            add(record.where, record.text, finding, secret)
    for config in configs:
        lines = _line_list(config.text)
        for server, finding in _findings_by_server(config):
            secret = Secret(_label(lines, finding.line, finding.column), finding.line, finding.secret_masked,
                            finding.fingerprint)
            add(f"{config.where} [{server.name}]", config.text, finding, secret, server.name)
    items = []
    for occurrences in by_value.values():
        places = list(dict.fromkeys(o.place for o in occurrences))
        if len(places) < 2:
            continue
        occurrences.sort(key=lambda o: (not o.production, o.place))
        production = any(o.production for o in occurrences)
        shown = ", ".join(f"{o.place} ({o.label})" if o.label else o.place for o in occurrences[:4])
        more = f" (+{len(occurrences) - 4} more)" if len(occurrences) > 4 else ""
        others = [o.place for o in occurrences if not o.production]
        remedy = ("give each environment (and each MCP server) its own credential; rotate the production one, "
                  f"which also sits in {others[0]}" if production and others else
                  "give each environment (and each MCP server) its own credential, then rotate this one")
        items.append(Item("shared-credential", "high" if production else "medium", occurrences[0].place,
                          f"the same credential in {len(places)} places: {shown}{more} (compared by digest)",
                          "separate", remedy, production,
                          tuple(o.secret._replace(label=f"{o.place}: {o.label}"[:120]) for o in occurrences)))
    return items


# --- files agents load by default -------------------------------------------------------------------------

_IMPORT = re.compile(r"(?<![\w`@])@((?:~/|\.{1,2}/|/)?[\w.-][\w./-]*\.[A-Za-z0-9]+)")
_MEMORY_FILES = (".claude/CLAUDE.md", ".gemini/GEMINI.md", ".codex/AGENTS.md")


def imports(text: str) -> list[str]:
    """The `@path` imports of an instruction file, outside code blocks and code spans."""
    found: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced:
            continue
        for m in _IMPORT.finditer(line):
            if line[:m.start()].count("`") % 2 == 0 and m.group(1) not in found:
                found.append(m.group(1))
    return found


def agent_imports(root: str, home: str | None, matcher: Matcher, seen: Sequence[Scanned]) -> list[Item]:
    starts = [(r.path, r.where) for r in seen if r.kind == "agent" and r.text is not None]
    if home is not None:
        starts += [(os.path.join(home, rel), "~/" + rel) for rel in _MEMORY_FILES
                   if os.path.isfile(os.path.join(home, rel))]
    done = {os.path.realpath(p) for p, _ in starts}
    found: list[tuple[str, str, str, str]] = []  # (path, shown, importer, target)
    queue = [(path, where, 0) for path, where in starts]
    while queue:
        path, where, depth = queue.pop(0)
        data = _read(path)
        text = _text(data) if data is not None else None
        if text is None or depth >= _IMPORT_DEPTH:
            continue
        for target in imports(text):
            if target.startswith("~/"):
                if home is None:
                    continue  # --no-home: nothing outside the tree is read
                full = os.path.join(home, target[2:])
            else:
                full = target if os.path.isabs(target) else os.path.join(os.path.dirname(path), target)
            real = os.path.realpath(full)
            if real in done or not os.path.isfile(full):
                continue
            done.add(real)
            shown = os.path.relpath(real, os.path.realpath(root)).replace(os.sep, "/") \
                if _inside(real, os.path.realpath(root)) else (_home_where(real, home) if home else real)
            queue.append((full, shown, depth + 1))
            found.append((full, shown, where, target))
    if not found:
        return []
    _, tracked, _ = _git_state(root, [shown for _, shown, _, _ in found if not shown.startswith(("~", "/"))])
    top = _toplevel(root)
    items = []
    for full, shown, importer, target in found:
        key = os.path.relpath(os.path.join(root, shown), top).replace(os.sep, "/") if top else shown
        item = _import_item(matcher, full, shown, importer, target, key in tracked)
        if item is not None:
            items.append(item)
    return items


def _toplevel(root: str) -> str | None:
    from .sources import git

    try:
        return git.toplevel(root)
    except git.GitError:
        return None


def _import_item(matcher: Matcher, path: str, shown: str, importer: str, target: str, tracked: bool) -> Item | None:
    from .analysers.registry import classify

    if classify(shown) in ("agent", "agent-settings"):
        return None  # an instruction file of its own: the tree pass lists it
    data = _read(path)
    if data is None:
        return None
    findings, _ = _analyse(matcher, shown, data)
    text = _text(data)
    secrets = tuple(_from_findings(findings, text))
    if not secrets:
        return None
    production = bool(looks_production(shown, *(s.label for s in secrets))) or any(
        production_value(v) for v in (finding_value(text, f) for f in findings) if v)
    severity = "critical" if tracked or production else "high"
    return Item("agent-import", severity, shown,
                f"imported by {importer} (`@{target}`), so every agent session loads it: {len(secrets)} "
                f"credential(s)" + (f": {_names(secrets)}" if _names(secrets) else ""),
                "rotate" if tracked else "separate",
                "take the credential out of the imported file (keep it in the environment or a secret manager), "
                "then rotate it", production, secrets, tuple(sorted({f.rule_id for f in findings})))


# --- agent transcripts, histories and memory ------------------------------------------------------------

class _Store(NamedTuple):
    agent: str
    base: str  # under home; "{claude}" and "{codex}" follow CLAUDE_CONFIG_DIR and CODEX_HOME
    patterns: tuple[str, ...]
    kind: str  # transcript | history | memory
    tip: str  # how to keep fewer of them


_CLAUDE_TIP = "Claude Code keeps transcripts for `cleanupPeriodDays` (~/.claude/settings.json; default 30)"
_STORES = (
    _Store("Claude Code", "{claude}/projects", ("*/*.jsonl", "*/*/subagents/*.jsonl"), "transcript", _CLAUDE_TIP),
    _Store("Claude Code", "{claude}", ("history.jsonl",), "history", _CLAUDE_TIP),
    _Store("Claude Code", "{claude}/projects", ("*/memory/*.md",), "memory", "every session of that project loads it"),
    _Store("Codex", "{codex}/sessions", ("**/rollout-*.jsonl",), "transcript",
           "Codex never deletes sessions itself (`[history] persistence = \"none\"` stops the prompt history)"),
    _Store("Codex", "{codex}/archived_sessions", ("*.jsonl",), "transcript", "archived Codex sessions"),
    _Store("Codex", "{codex}", ("history.jsonl",), "history", "`[history] persistence = \"none\"` in config.toml"),
    _Store("Gemini CLI", ".gemini/tmp", ("*/chats/*.json", "*/logs.json", "*/checkpoint*.json"), "transcript",
           "`/chat delete` removes saved chats"),
    _Store("Goose", ".local/share/goose/sessions", ("*.jsonl", "sessions.db"), "transcript", "`goose session remove`"),
    _Store("Goose", ".config/goose", ("history.txt",), "history", "Goose's command history"),
    _Store("Continue", ".continue/sessions", ("*.json",), "transcript", "Continue's saved sessions"),
    _Store("Cline", ".config/Code/User/globalStorage/saoudrizwan.claude-dev/tasks",
           ("*/api_conversation_history.json", "*/ui_messages.json"), "transcript", "Cline's task history"),
    _Store("Cline", "Library/Application Support/Code/User/globalStorage/saoudrizwan.claude-dev/tasks",
           ("*/api_conversation_history.json", "*/ui_messages.json"), "transcript", "Cline's task history"),
    _Store("Roo Code", ".config/Code/User/globalStorage/rooveterinaryinc.roo-cline/tasks",
           ("*/api_conversation_history.json", "*/ui_messages.json"), "transcript", "Roo Code's task history"),
    _Store("OpenCode", ".local/share/opencode/storage", ("**/*.json",), "transcript", "OpenCode's session storage"),
)
_TREE_STORES = (_Store("Aider", "", (".aider.chat.history.md", ".aider.input.history", ".aider.llm.history"),
                       "history", "Aider appends to these files in the repository; delete them and add them to "
                       ".gitignore"),)
_NOUN = {"transcript": "session transcript", "history": "prompt history", "memory": "memory file"}


class _SessionFile(NamedTuple):
    path: str
    where: str
    store: _Store
    size: int
    mtime: float


def session_files(root: str, home: str | None, environ: Mapping[str, str], matcher: Matcher) -> list[Item]:
    """Items for agent transcripts, histories and memory files holding credentials (bounded)."""
    candidates = list(_session_candidates(root, home, environ))
    if not candidates:
        return []
    candidates.sort(key=lambda c: -c.mtime)
    providers = _provider_matcher(matcher)
    items: list[Item] = []
    read_files = read_bytes = truncated = 0
    unread = []
    for candidate in candidates:
        if read_files >= MAX_SESSION_FILES or read_bytes >= MAX_SESSION_BYTES:
            unread.append(candidate)
            continue
        budget = min(MAX_SESSION_FILE_BYTES, MAX_SESSION_BYTES - read_bytes)
        data = _read_head(candidate.path, budget)
        if data is None:
            continue
        read_files += 1
        read_bytes += len(data)
        truncated += candidate.size > len(data)
        item = _session_item(matcher, providers, candidate, data, truncated=candidate.size > len(data))
        if item is not None:
            items.append(item)
    if unread:
        where = unread[0].where.rsplit("/", 1)[0] if unread[0].where.startswith("~/") else "~"
        items.append(Item("agent-transcripts-unread", "low", where,
                          f"{len(unread)} older agent session file(s) not read: the audit reads the newest "
                          f"{MAX_SESSION_FILES} files or {MAX_SESSION_BYTES // (1024 * 1024)} MiB"
                          + (f" ({truncated} larger file(s) read up to {MAX_SESSION_FILE_BYTES // (1024 * 1024)} MiB)"
                             if truncated else ""), "remove",
                          "delete the sessions you no longer need (they hold whatever the agent read and ran), "
                          "then audit again"))
    return items


def _session_candidates(root: str, home: str | None, environ: Mapping[str, str]) -> Iterator[_SessionFile]:
    stores: list[tuple[_Store, str]] = [(store, root) for store in _TREE_STORES]
    if home is not None:
        claude = environ.get("CLAUDE_CONFIG_DIR") or os.path.join(home, ".claude")
        codex = environ.get("CODEX_HOME") or os.path.join(home, ".codex")
        for store in _STORES:
            base = store.base.replace("{claude}", claude).replace("{codex}", codex)
            stores.append((store, base if os.path.isabs(base) else os.path.join(home, base)))
    seen: set[str] = set()
    for store, base in stores:
        if not os.path.isdir(base) or os.path.islink(base):
            continue
        for pattern in store.patterns:
            for path in glob.iglob(os.path.join(glob.escape(base), pattern), recursive="**" in pattern):
                if path in seen or os.path.islink(path) or not os.path.isfile(path):
                    continue
                seen.add(path)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                where = os.path.relpath(path, root).replace(os.sep, "/") if not store.base else \
                    _home_where(path, home) if home is not None else path
                yield _SessionFile(path, where, store, st.st_size, st.st_mtime)


def _read_head(path: str, limit: int) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read(limit)
    except OSError:
        return None


def _provider_matcher(matcher: Matcher) -> Matcher:
    """The rules transcripts are judged by: provider formats only (a prefix, a checksum), so the
    keyword gate is not woken by every `password` and `token` in the code an agent read."""
    from .engine.matcher import Matcher

    rules = [r for r in matcher.rules if not r.generic and not r.advisory]
    return Matcher(rules, allow_secret=getattr(matcher, "_allow_secret", None))  # the config's allow_regexes


def _session_item(matcher: Matcher, providers: Matcher, candidate: _SessionFile, data: bytes,
                  truncated: bool) -> Item | None:
    store = candidate.store
    if candidate.path.endswith((".jsonl", ".json")) and store.kind != "memory":
        found = _json_session_secrets(providers, candidate.path, data)
    else:
        found = _file_secrets(matcher, candidate, data)
    if not found:
        return None
    counts: dict[str, int] = {}
    for secret, _ in found:
        counts[secret.label] = counts.get(secret.label, 0) + 1
    kinds = ", ".join(f"{rule} ×{n}" if n > 1 else rule for rule, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    production = any(prod for _, prod in found) or bool(looks_production(*counts))
    when = time.strftime("%Y-%m-%d", time.localtime(candidate.mtime))
    project = _session_project(candidate)
    what = (f"{store.agent} {_NOUN[store.kind]} ({project}last written {when}) holding {len(found)} "
            f"credential(s): {kinds}" + ("; only its first part was read" if truncated else ""))
    secrets = tuple(secret for secret, _ in found)
    severity = "critical" if production else "high"
    if store.kind == "memory":
        return Item("agent-memory", severity, candidate.where, what, "rotate",
                    f"take the credential out of the memory file ({store.tip}), then rotate it", production,
                    secrets, tuple(sorted(counts)))
    return Item("agent-transcript", severity, candidate.where, what, "rotate",
                f"rotate each credential, then delete the file (`rm {_quote(candidate.where)}`); {store.tip}",
                production, secrets, tuple(sorted(counts)))


def _file_secrets(matcher: Matcher, candidate: _SessionFile, data: bytes) -> list[tuple[Secret, bool]]:
    """A memory file or a plain-text history, judged as the pipeline judges it (transcripts and
    histories by provider formats only: agents read test data all day)."""
    findings, _ = _analyse(matcher, candidate.path, data)
    if candidate.store.kind != "memory":
        rules = matcher.rules_by_id
        findings = [f for f in findings if (r := rules.get(f.rule_id)) is not None and r.regex and not r.generic]
    text = _text(data)
    return [(Secret(f.rule_id, f.line, f.secret_masked, f.fingerprint), production_value(finding_value(text, f) or ""))
            for f in findings]


def _json_session_secrets(matcher: Matcher, path: str, data: bytes) -> list[tuple[Secret, bool]]:
    """Provider-format credentials in the strings of a JSON or JSON Lines transcript, decoded first
    (a token after an escaped newline, `\\nghp_…`, only has its boundary once decoded); the line is
    the JSON Lines record's."""
    import json
    from bisect import bisect_right

    from .engine.findings import fingerprint, mask

    text = data.decode("utf-8", "replace")
    records: list[tuple[int | None, Any]] = []
    if path.endswith(".json"):
        try:
            records.append((None, json.loads(text)))
        except ValueError:
            records.append((None, text))
    else:
        for n, line in enumerate(text.split("\n"), 1):
            if line.strip():
                try:
                    records.append((n, json.loads(line)))
                except ValueError:
                    records.append((n, line))
    parts: list[str] = []
    starts: list[int] = []
    lines: list[int | None] = []
    offset = 0
    for line_no, record in records:
        for value in _strings(record):
            parts.append(value)
            starts.append(offset)
            lines.append(line_no)
            offset += len(value) + 1
    decoded = "\n".join(parts)
    found = []
    for m in matcher.find(decoded):
        if m.rule.generic or m.rule.advisory:
            continue
        line = lines[bisect_right(starts, m.start) - 1] if starts else None
        found.append((Secret(m.rule.id, line, mask(m.secret), fingerprint(m.rule.id, m.secret)),
                      production_value(m.secret)))
    return found


def _strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def _session_project(candidate: _SessionFile) -> str:
    parts = candidate.where.split("/")
    if candidate.store.agent == "Claude Code" and "projects" in parts:
        i = parts.index("projects")
        return f"project {parts[i + 1]}, " if i + 1 < len(parts) - 1 else ""
    return ""


# --- helpers ------------------------------------------------------------------------------------------------

def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _same_project(project: str, root: str) -> bool:
    try:
        return os.path.realpath(project) == os.path.realpath(root)
    except (OSError, ValueError):
        return False


def _home_where(path: str, home: str | None) -> str:
    if home is not None and _inside(os.path.abspath(path), os.path.abspath(home)):
        return "~/" + os.path.relpath(path, home).replace(os.sep, "/")
    return path

