"""MCP servers that give an agent write access to a production-looking database.

A database MCP server runs the SQL an agent writes, with the rights of the login in its
connection string. When that login is a superuser (`postgres`, `root`, `sa`, an `…admin`, the
database owner) on a production-looking or managed host, and nothing makes the session read-only,
one mistaken statement deletes production data. This module reads a server entry (command,
args, env; never run) and says what it connects to:

- connection URLs (`postgresql://user@host/db?sslmode=require`, `mysql://`, `mongodb+srv://`,
  `sqlserver://`, JDBC), libpq key=value strings (`host=… user=…`), and split settings
  (`PGHOST`/`PGUSER`, `MYSQL_USER`, `--host`/`--user`);
- references (`${DATABASE_URL}`, `${env:PROD_DATABASE_URL}`): their names count, and a caller
  that can see values (`credwall audit`) may resolve them;
- read-only settings: `--read-only`, `--access-mode=restricted`, `*_READ_ONLY=true`,
  `default_transaction_read_only=on`, `ApplicationIntent=ReadOnly`, `mode=ro`, a read-only
  login's name, and servers that only run read-only transactions.

`credwall scan` reports `mcp-database-write-access` (advisory) on the host or reference; `credwall
audit` lists every server with the same facts. Passwords are never read into a message.
"""

from __future__ import annotations

import re
from typing import Any, Callable, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.analysis import Analysis
    from .structured import Leaf

RULE_ID = "mcp-database-write-access"

Path = tuple  # a leaf's path in the parsed document

_URL = re.compile(r"(?i)(?:jdbc:)?\b(postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|sqlserver|mssql|redshift"
                  r"|cockroachdb|clickhouse|oracle)://[^\s\"'<>]+")
_DSN_PAIR = re.compile(r"(?i)(?:^|\s)(host|hostaddr|user|dbname|sslmode|port|options)=('[^']*'|\S+)")
_REFERENCE = re.compile(r"^\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}$|^\$([A-Za-z_][A-Za-z0-9_]*)$")
# Split settings, by the environment variable or flag that carries them.
_HOST_KEYS = re.compile(r"(?i)^(?:PG|POSTGRES_?|MYSQL_?|MARIADB_?|MSSQL_?|DB_?|DATABASE_?|MONGO(?:DB)?_?|SQL_?)"
                        r"(?:HOST|HOSTNAME|SERVER)$")
_USER_KEYS = re.compile(r"(?i)^(?:PG|POSTGRES_?|MYSQL_?|MARIADB_?|MSSQL_?|DB_?|DATABASE_?|MONGO(?:DB)?_?|SQL_?)"
                        r"(?:USER|USERNAME|LOGIN)$")
_DB_KEYS = re.compile(r"(?i)^(?:PG|POSTGRES_?|MYSQL_?|MARIADB_?|MSSQL_?|DB_?|DATABASE_?|MONGO(?:DB)?_?)"
                      r"(?:DATABASE|DB|NAME|DBNAME)$")
_URL_KEYS = re.compile(r"(?i)(?:DATABASE|POSTGRES(?:QL)?|PG|MYSQL|MARIADB|MONGO(?:DB)?|MSSQL|SQL|DB|REDSHIFT)"
                       r"_?(?:URL|URI|DSN|CONNECTION_?STRING|CONN(?:ECTION)?_?STR(?:ING)?)$|^DSN$")
_HOST_FLAGS = frozenset({"--host", "-h", "--hostname", "--server"})
_USER_FLAGS = frozenset({"--user", "-u", "--username", "-U", "--login"})
_URL_FLAGS = frozenset({"--connection-string", "--connection", "--database-url", "--dsn", "--url", "--uri",
                        "--db-url", "--conn"})

_PRIVILEGED_USERS = frozenset({"postgres", "root", "sa", "admin", "administrator", "rdsadmin", "superuser", "master",
                               "masteruser", "dbadmin", "doadmin", "avnadmin", "azure_superuser", "cloudsqlsuperuser",
                               "system", "sys", "dba"})
_PRIVILEGED_SHAPES = re.compile(r"(?i)(?:admin$|^admin[_.-]|_owner$|superuser|^postgres\.)")
_READ_ONLY_USER = re.compile(r"(?i)(?:read[_-]?only|readonly|reader|viewer|(?:^|[_.-])ro(?:$|[_.-])|analyst)")
_READ_ONLY_FLAGS = re.compile(r"(?i)^--?(?:read[-_]?only|readonly)(?:=(?:true|1|yes))?$"
                              r"|^--access[-_]mode[= ](?:restricted|read[-_]?only)$|^--mode[= ]read[-_]?only$")
_READ_ONLY_ENV = re.compile(r"(?i)READ[_-]?ONLY|READONLY")
_WRITE_ENV = re.compile(r"(?i)^ALLOW_(?:INSERT|UPDATE|DELETE|DDL|WRITE)[A-Z_]*$")
# Servers that run only read-only transactions unless told otherwise (env that opts in to writes).
_READ_ONLY_PACKAGES = {"@modelcontextprotocol/server-postgres": "runs every query in a READ ONLY transaction",
                       "@benborla29/mcp-server-mysql": "writes are off unless ALLOW_*_OPERATION=true"}
_LOCAL_HOSTS = re.compile(r"^(?:localhost|127\.\d+\.\d+\.\d+|::1|\[::1\]|0\.0\.0\.0|host\.docker\.internal"
                          r"|[^.]+\.local(?:host)?|[^.:]+)$", re.IGNORECASE)  # a single label: a compose service
_MANAGED_HOSTS = (".rds.amazonaws.com", ".redshift.amazonaws.com", ".supabase.co", ".supabase.com", ".neon.tech",
                  ".database.azure.com", ".database.windows.net", ".psdb.cloud", ".render.com", ".rlwy.net",
                  ".railway.app", ".aivencloud.com", ".ondigitalocean.com", ".cockroachlabs.cloud", ".mongodb.net",
                  ".tsdb.cloud.timescale.com", ".cloudsql", ".planetscale.com", ".heroku.com", ".compute.amazonaws.com",
                  ".snowflakecomputing.com", ".clickhouse.cloud")
_PROD = re.compile(r"(?:^|[^a-z0-9])(?:prod|production|prd|live)(?:[^a-z0-9]|$)")  # audit.looks_production's words


class DatabaseAccess(NamedTuple):
    """What one server entry connects to. Empty strings where the entry does not say."""

    scheme: str
    user: str
    host: str
    database: str
    privileged: bool  # a superuser, admin or owner login
    read_only: str  # why the session is read-only ("" when nothing says so)
    production: str  # the name that looks like production ("" when none does)
    remote: str  # why the host is not a local one ("" when it may be)
    via: str  # where in the entry: "args[2]", "env.DATABASE_URL (from $PROD_DATABASE_URL)"
    leaf: Path  # the leaf to report on
    fragment: str  # the text inside that leaf to report on: the host, or the reference

    def describe(self) -> str:
        """`postgresql://postgres@prod-db.internal/shop` (never a password); the reference
        (`${PROD_DATABASE_URL}`) when the entry names no host."""
        if not self.host and self.fragment.startswith("$"):
            return self.fragment
        who = f"{self.user}@" if self.user else ""
        where = self.host or "?"
        db = f"/{self.database}" if self.database else ""
        return f"{self.scheme or 'database'}://{who}{where}{db}"


def looks_production(*names: str) -> str:
    for name in names:
        split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
        if _PROD.search(split):
            return name
    return ""


def privileged(user: str) -> bool:
    return bool(user) and (user.lower() in _PRIVILEGED_USERS or bool(_PRIVILEGED_SHAPES.search(user))) \
        and not _READ_ONLY_USER.search(user)


def verdict(access: DatabaseAccess) -> str | None:
    """critical (superuser on a production-looking database), high (writes to a production-looking
    one, or a superuser on a remote one), or None."""
    if access.read_only:
        return None
    if access.production:
        return "critical" if access.privileged else "high"
    if access.privileged and access.remote:
        return "high"
    return None


# --- reading an entry -----------------------------------------------------------------------------

def server_access(entry: Any, name: str, resolve: Callable[[str], str | None] | None = None) -> DatabaseAccess | None:
    """The database a server entry connects to, or None when it names none. `resolve` maps a
    referenced variable to its value (credwall audit passes the environment and env files)."""
    if not isinstance(entry, dict):
        return None
    args = [a for a in entry.get("args", []) if isinstance(a, (str, int, float))] \
        if isinstance(entry.get("args"), list) else []
    args = [str(a) for a in args]
    command = entry.get("command") if isinstance(entry.get("command"), str) else ""
    env = {str(k): str(v) for k, v in entry.get("env", {}).items() if isinstance(v, (str, int, float))} \
        if isinstance(entry.get("env"), dict) else {}
    words = (command.split() if command else []) + args

    fields: dict[str, str] = {}  # scheme user host database sslmode params
    via, leaf, fragment, references = "", (), "", []

    def take_url(url: str, where: str, path: Path, raw: str) -> bool:
        nonlocal via, leaf, fragment
        parsed = _parse_url(url)
        if parsed is None:
            return False
        fields.update({k: v for k, v in parsed.items() if v})
        via, leaf = where, path
        fragment = parsed.get("host") or raw
        return True

    # 1. a connection string in args (positional or after a flag), in the command, or in env
    for i, word in enumerate(args):
        m = _URL.search(word)
        if m and take_url(m.group(), f"args[{i}]", ("args", i), word):
            break
        ref = _REFERENCE.match(word.strip())
        var = (ref.group(1) or ref.group(2)) if ref else ""
        if ref and ((i and args[i - 1] in _URL_FLAGS) or _URL_KEYS.search(var)):
            references.append((var, f"args[{i}]", ("args", i), word.strip()))
    if not via and command:
        m = _URL.search(command)
        if m:
            take_url(m.group(), "command", ("command",), command)
    if not via:
        for key, value in env.items():
            m = _URL.search(value)
            if m and take_url(m.group(), f"env.{key}", ("env", key), value):
                break
            ref = _REFERENCE.match(value.strip())
            if ref and (_URL_KEYS.search(key) or _HOST_KEYS.search(key) or _USER_KEYS.search(key)):
                references.append((ref.group(1) or ref.group(2), f"env.{key}", ("env", key), value.strip()))
            if _DSN_PAIR.search(value) and " " in value.strip() and not via:
                pairs = _dsn(value)
                if pairs.get("host") or pairs.get("user"):
                    fields.update({"scheme": "postgresql", **pairs})
                    via, leaf, fragment = f"env.{key}", ("env", key), pairs.get("host") or value
    # 2. a referenced connection string, resolved when the caller can
    for var, where, path, raw in references:
        value = resolve(var) if resolve is not None else None
        m = _URL.search(value) if value else None
        parsed = _parse_url(m.group()) if m else None
        if parsed is not None and not via:
            fields.update({k: v for k, v in parsed.items() if v})
            via, leaf, fragment = f"{where} (from ${var})", path, raw
        elif not via:
            via, leaf, fragment = f"{where} (${var})", path, raw
    # 3. split settings: env and flags
    for key, value in env.items():
        if _HOST_KEYS.search(key) and not _REFERENCE.match(value.strip()):
            fields.setdefault("host", value.strip())
            fields.setdefault("scheme", _scheme_of(key))
            if not via:
                via, leaf, fragment = f"env.{key}", ("env", key), value.strip()
        elif _USER_KEYS.search(key) and not _REFERENCE.match(value.strip()):
            fields.setdefault("user", value.strip())
        elif _DB_KEYS.search(key) and not _REFERENCE.match(value.strip()):
            fields.setdefault("database", value.strip())
    for i, word in enumerate(args[:-1] if _database_package(words) else []):  # `--host` of a DB server only
        nxt = args[i + 1]
        if word in _HOST_FLAGS:
            fields.setdefault("host", nxt)
            if not via:
                via, leaf, fragment = f"args[{i + 1}]", ("args", i + 1), nxt
        elif word in _USER_FLAGS:
            fields.setdefault("user", nxt)
    package = next((p for p in map(_package_name, words) if p in _READ_ONLY_PACKAGES), "")
    if not via:
        return None
    user, host = fields.get("user", ""), fields.get("host", "")
    read_only = _read_only(args, env, fields, user, package)
    reference_names = [var for var, *_ in references]
    production = looks_production(host, fields.get("database", ""), name, *reference_names)
    return DatabaseAccess(fields.get("scheme", ""), user, host, fields.get("database", ""), privileged(user),
                          read_only, production, _remote(host, fields), via, leaf, fragment)


def _parse_url(url: str) -> dict[str, str] | None:
    raw = url[5:] if url.lower().startswith("jdbc:") else url
    try:
        parts = urlsplit(raw)
        host = parts.hostname or ""
        user = unquote(parts.username or "")
    except ValueError:
        return None
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    if ";" in parts.path or ";" in parts.netloc:  # sqlserver://host;databaseName=x;user=y
        for item in re.split(r";", raw.split("://", 1)[1])[1:]:
            key, _, value = item.partition("=")
            params[key] = value
        host = host or re.split(r"[;:/]", raw.split("://", 1)[1])[0]
    user = user or params.get("user", "") or params.get("username", "")
    database = parts.path.strip("/").split(";")[0] or params.get("databaseName", "") or params.get("database", "")
    scheme = parts.scheme.lower()
    return {"scheme": "postgresql" if scheme == "postgres" else scheme, "user": user, "host": host, "database": unquote(database),
            "params": "&".join(f"{k}={v}" for k, v in params.items())}


def _dsn(value: str) -> dict[str, str]:
    pairs = {k.lower(): v.strip("'") for k, v in _DSN_PAIR.findall(value)}
    out = {"host": pairs.get("host") or pairs.get("hostaddr", ""), "user": pairs.get("user", ""),
           "database": pairs.get("dbname", "")}
    extras = [f"{k}={pairs[k]}" for k in ("sslmode", "options") if k in pairs]
    if extras:
        out["params"] = "&".join(extras)
    return out


def _database_package(words: list[str]) -> bool:
    text = " ".join(words).lower()
    return bool(re.search(r"postgres|mysql|mariadb|mongo|mssql|sqlserver|supabase|neon|planetscale|cockroach|"
                          r"clickhouse|redshift|snowflake|bigquery|oracle", text))


def _read_only(args: list[str], env: dict[str, str], fields: dict[str, str], user: str, package: str) -> str:
    for i, word in enumerate(args):
        joined = f"{word} {args[i + 1]}" if i + 1 < len(args) else word
        if _READ_ONLY_FLAGS.search(word) or _READ_ONLY_FLAGS.search(joined):
            return f"`{joined if _READ_ONLY_FLAGS.search(joined) and not _READ_ONLY_FLAGS.search(word) else word}`"
    writes_on = any(_WRITE_ENV.search(k) and v.strip().lower() in ("true", "1", "yes") for k, v in env.items())
    for key, value in env.items():
        if _READ_ONLY_ENV.search(key) and value.strip().lower() in ("true", "1", "yes", "on"):
            return f"{key}={value.strip()}"
    params = unquote(fields.get("params", "")).lower()
    for marker in ("default_transaction_read_only=on", "default_transaction_read_only=true",
                   "default_transaction_read_only%3don", "applicationintent=readonly", "readonly=true",
                   "mode=ro", "target_session_attrs=read-only", "access_mode=read_only"):
        if marker in params.replace(" ", "").replace("-c", ""):
            return marker
    if user and _READ_ONLY_USER.search(user):
        return f"the login `{user}` says read-only"
    if package and not writes_on:
        return f"{package} {_READ_ONLY_PACKAGES[package]}"
    return ""


def _scheme_of(key: str) -> str:
    lowered = key.lower()
    for prefix, scheme in (("pg", "postgresql"), ("postgres", "postgresql"), ("mysql", "mysql"),
                           ("mariadb", "mariadb"), ("mongo", "mongodb"), ("mssql", "sqlserver")):
        if lowered.startswith(prefix):
            return scheme
    return ""


def _package_name(word: str) -> str:
    """`@scope/name@1.2` -> `@scope/name`; `name@1.2` -> `name`."""
    if word.startswith("@"):
        return "@" + word[1:].split("@", 1)[0]
    return word.split("@", 1)[0]


def _remote(host: str, fields: dict[str, str]) -> str:
    params = fields.get("params", "").lower()
    if host and any(host.lower().endswith(suffix) or suffix.strip(".") in host.lower() for suffix in _MANAGED_HOSTS):
        return f"a managed database host ({host})"
    if re.search(r"sslmode=(?:require|verify-ca|verify-full)|ssl=true|tls=true", params):
        return "TLS is required (a server off this machine)"
    if host and not _LOCAL_HOSTS.match(host):
        return f"not a local host ({host})"
    return ""


# --- the analyser's finding -------------------------------------------------------------------------

def report(a: Analysis, document: Any, servers: list[Any], leaves: list[Leaf]) -> None:
    """`mcp-database-write-access` for each server (found by credwall/analysers/mcp.py) whose
    entry gives an agent write access to a production-looking database."""
    by_path = {leaf.path: leaf for leaf in leaves}
    for server in servers:
        entry = _walk(document, server.path)
        access = server_access(entry, server.name)
        if access is None:
            continue
        severity = verdict(access)
        if severity is None:
            continue
        leaf = by_path.get(tuple(server.path) + tuple(access.leaf))
        if leaf is None or a.text is None:
            continue
        found = a.text.find(access.fragment, leaf.start, leaf.end) if access.fragment else -1
        start, end = (found, found + len(access.fragment)) if found >= 0 else (leaf.start, leaf.end)
        a.add("mcp-database-write-access", start, end, f"{server.name}:{access.describe()}", message(server.name, access))


def message(name: str, access: DatabaseAccess) -> str:
    why = []
    if access.production:
        why.append(f"a production-looking database (`{access.production}`)")
    elif access.remote:
        why.append(f"a remote database: {access.remote}")
    login = f"as a superuser (`{access.user}`)" if access.privileged else \
        (f"as `{access.user}`" if access.user else "as whatever login the connection string holds")
    return (f"MCP server `{name}` can write to {why[0] if why else 'a database'} {login} through {access.via} "
            f"({access.describe()}), with no read-only setting: one wrong statement from an agent runs there. "
            "Point it at a read-only role on a replica or a staging copy, or make it read-only "
            "(`--access-mode=restricted`, `--read-only`, `options=-c default_transaction_read_only=on`)")


def _walk(document: Any, path: Path) -> Any:
    node = document
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node
