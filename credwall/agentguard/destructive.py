"""Destructive or irreversible commands, each an ask: recursive deletes outside the project or
temp directories, history rewrites, destructive SQL through a client, infrastructure teardown,
volume and bucket deletion, HTTP DELETE and deleting GraphQL mutations."""

from __future__ import annotations

import posixpath
import re

from .argv import flag_set, has_words, operands, program_matches
from .lazyre import LazyRe
from .shell import Command, Word
from .where import OUTSIDE, ROOT, TEMP, Where


SQL_CLIENTS = frozenset({"psql", "mysql", "mariadb", "sqlite3", "sqlite", "sqlcmd", "clickhouse-client",
                          "clickhouse", "cockroach", "duckdb", "pgcli", "mycli", "litecli", "usql", "cqlsh",
                          "snowsql", "bq", "trino", "presto", "vsql", "isql", "sqlplus", "turso", "wrangler",
                          "supabase", "neonctl", "pscale", "psql.exe", "mysqlsh", "atlas", "planetscale",
                          "d1", "dolt", "spanner-cli", "prisma"})
_SQL_DROP_RE = LazyRe(r"(?is)\b(?:drop\s+(?:table|database|schema|index|view|materialized\s+view|user|role|"
                          r"keyspace|collection|sequence|function|trigger|type|extension|owned)\b"
                          r"|truncate\s+(?:table\s+)?[\w.\"`\[]"
                          r"|alter\s+table\s+\S+\s+drop\b)")
_SQL_STATEMENT_RE = LazyRe(r"(?is)\b(delete\s+from|update\s+[\w.\"`\[\]]+\s+set)\b(.*)")
_MONGO_RE = LazyRe(r"(?s)\.(?:dropDatabase|drop|dropCollection|dropIndexes)\s*\(|\.(?:deleteMany|remove)\s*\(\s*\{\s*\}")
_REDIS_RE = LazyRe(r"(?i)^(?:flushall|flushdb)$")
_DESTRUCTIVE_VERBS = frozenset({"delete", "destroy", "remove", "rm", "rb", "drop", "purge", "terminate", "wipe",
                                "down", "uninstall", "del", "nuke", "erase", "prune", "truncate", "reset"})
CLOUD_CLIS = frozenset({"aws", "gcloud", "gsutil", "az", "doctl", "railway", "fly", "flyctl", "heroku", "vercel",
                         "netlify", "supabase", "neonctl", "pscale", "linode-cli", "hcloud", "scw", "vultr-cli",
                         "oci", "ibmcloud", "render", "wrangler", "firebase", "upstash", "turso", "atlas",
                         "mongocli", "gh", "glab", "eksctl", "exoscale", "civo", "koyeb", "northflank", "porter",
                         "cf", "sst", "serverless", "sls", "amplify", "eb", "databricks", "snow",
                         "confluent", "ccloud", "stripe", "twilio", "auth0", "okta", "cloudflared", "zeabur",
                         "coolify", "dokku", "nomad", "consul", "vault", "terraform", "tofu", "terragrunt",
                         "pulumi", "cdk", "cdktf", "kubectl", "oc", "helm", "k9s", "kind", "minikube",
                         "aws-vault", "sam", "func", "bicep"})
# Programs that act on infrastructure, data or remote hosts: naming production there asks.
MODIFIERS = frozenset({"rm", "mv", "cp", "sed", "perl", "tee", "truncate", "ln", "install", "unlink", "chmod",
                        "chattr", "dd", "rsync", "ed", "ex", "sponge"})
_HTTP_CLIENTS = frozenset({"curl", "wget", "http", "https", "xh", "xhs", "httpie", "gh"})
_GRAPHQL_DESTRUCTIVE_RE = LazyRe(r"(?is)\bmutation\b.*?\b\w*(?:delete|destroy|drop|remove|purge|wipe|truncate|"
                                     r"reset|terminate|erase)\w*\s*[({]")
_ORM_DESTRUCTIVE: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("prisma", ("migrate", "reset"), "drops and recreates the database"),
    ("prisma", ("db", "push", "--force-reset"), "drops and recreates the database"),
    ("prisma", ("db", "push", "--accept-data-loss"), "accepts data loss"),
    ("rails", ("db:drop",), "drops the database"), ("rake", ("db:drop",), "drops the database"),
    ("rails", ("db:reset",), "drops and recreates the database"), ("rake", ("db:reset",), "drops and recreates the database"),
    ("rails", ("db:schema:load",), "replaces the schema (data lost)"), ("rake", ("db:schema:load",), "replaces the schema (data lost)"),
    ("rails", ("db:purge",), "empties the database"), ("rake", ("db:purge",), "empties the database"),
    ("rails", ("db:truncate_all",), "empties every table"), ("rake", ("db:truncate_all",), "empties every table"),
    ("rails", ("db:migrate:reset",), "drops and recreates the database"),
    ("manage.py", ("flush",), "deletes every row"), ("django-admin", ("flush",), "deletes every row"),
    ("manage.py", ("reset_db",), "drops the database"),
    ("artisan", ("migrate:fresh",), "drops every table"), ("artisan", ("migrate:reset",), "rolls back every migration"),
    ("artisan", ("db:wipe",), "drops every table"),
    ("supabase", ("db", "reset"), "resets the database"),
    ("sequelize", ("db:drop",), "drops the database"), ("typeorm", ("schema:drop",), "drops the schema"),
    ("knex", ("migrate:rollback", "--all"), "rolls back every migration"),
    ("alembic", ("downgrade", "base"), "rolls back every migration"),
    ("flyway", ("clean",), "drops every object in the schemas"), ("liquibase", ("dropAll",), "drops every object"),
    ("mix", ("ecto.drop",), "drops the database"), ("mix", ("ecto.reset",), "drops and recreates the database"),
    ("drizzle-kit", ("drop",), "drops a migration"),
    ("dropdb", (), "drops a database"), ("dropuser", (), "drops a database role"),
    ("mysqladmin", ("drop",), "drops a database"),
    ("pg_restore", ("--clean",), "drops objects before restoring"), ("pg_restore", ("-c",), "drops objects before restoring"),
    ("pulumi", ("destroy",), "destroys every resource of the stack"), ("pulumi", ("stack", "rm"), "deletes the stack"),
    ("cdk", ("destroy",), "destroys the stack"), ("cdktf", ("destroy",), "destroys the stack"),
    ("serverless", ("remove",), "removes the service"), ("sls", ("remove",), "removes the service"),
    ("sst", ("remove",), "removes the app"),
    ("helm", ("uninstall",), "uninstalls a release"), ("helm", ("delete",), "uninstalls a release"),
    ("helm", ("del",), "uninstalls a release"),
    ("kubectl", ("delete",), "deletes cluster resources"), ("oc", ("delete",), "deletes cluster resources"),
    ("kubectl", ("replace", "--force"), "deletes and recreates resources"),
    ("kubectl", ("drain",), "evicts every pod from a node"),
    ("docker", ("system", "prune"), "deletes containers, networks and images (and volumes with --volumes)"),
    ("docker", ("volume", "rm"), "deletes volumes and their data"),
    ("docker", ("volume", "prune"), "deletes volumes and their data"),
    ("docker", ("volume", "remove"), "deletes volumes and their data"),
    ("podman", ("system", "prune"), "deletes containers, images and volumes"),
    ("podman", ("volume", "rm"), "deletes volumes and their data"),
    ("podman", ("volume", "prune"), "deletes volumes and their data"),
    ("docker", ("system", "reset"), "deletes all containers, images and volumes"),
    ("podman", ("system", "reset"), "deletes all containers, images and volumes"),
    ("shred", (), "overwrites files beyond recovery"), ("wipefs", (), "erases filesystem signatures"),
    ("fdisk", (), "rewrites partition tables"), ("sfdisk", (), "rewrites partition tables"),
    ("parted", (), "rewrites partition tables"), ("mkswap", (), "formats a device"),
    ("git", ("filter-branch",), "rewrites history"), ("git", ("filter-repo",), "rewrites history"),
    ("git", ("reflog", "expire"), "discards reflog entries (recovery points)"),
)
_TERRAFORMS = frozenset({"terraform", "tofu", "terragrunt", "opentofu"})
_PERMISSIONS = frozenset({"chmod", "chown", "chgrp", "setfacl", "chattr", "chcon"})
_DELETERS = frozenset({"rm", "rmdir", "unlink", "shred", "srm", "trash", "trash-put"})


def _find_deletes(args: tuple[str, ...]) -> bool:
    """find … -exec rm {} +: find runs a deleting program on what it finds."""
    return any(a in ("-exec", "-execdir", "-ok", "-okdir") and i + 1 < len(args) and
               args[i + 1].rsplit("/", 1)[-1] in _DELETERS for i, a in enumerate(args))


def code_deletes(cmd: Command, where: Where) -> list[tuple[str, str]]:
    """Trees interpreter code deletes (`shutil.rmtree('/home')`, `fs.rmSync(os.homedir(), …)`)."""
    from .code import deleted_trees, interpreter_code

    code = interpreter_code(cmd)
    if not code:
        return []
    for path in deleted_trees(code):
        word = Word(path) if path is not None else Word("(a path the code computes)", dynamic=True)
        why = risky_target(word, where)
        if why:
            return [("destructive-command", f"runs code that deletes a tree recursively and {why}")]
    return []


def risky_target(word: Word, where: Where, filtered: bool = False) -> str | None:
    """Why removing this path recursively needs a confirmation, or None. A word that is one
    match of a glob is judged as the glob (`rm -rf *` removes the whole project)."""
    text = word.glob or word.text
    if word.dynamic:
        return f"{text!r} is only known at run time"
    if not text:
        return None
    if text.startswith("~"):
        return f"{text} is in the home directory"
    norm = posixpath.normpath(text.replace("\\", "/"))
    if text.startswith("/"):
        why = where.protects(norm)
        if why is None and word.glob and where.project and posixpath.dirname(norm) == where.project:
            why = "is the whole project"
        if why:
            return f"{text} {why}"
        if where.inside(norm):
            return None
        if norm == where.home or norm.startswith(where.home + "/"):
            return f"{text} is in the home directory"
        if norm != "/" and norm in where.temp and norm not in where.temp.dirs:
            return None
        return f"{text} is outside the project and temp directories"
    if where.state == OUTSIDE:
        return f"{text} is relative to a directory outside the project"
    if norm == ".." or norm.startswith("../"):
        return f"{text} is outside the directory the command runs in"
    parts = norm.split("/")
    if where.state == TEMP:
        return None
    if parts[0] == ".git":
        return f"{text} is the repository's history"
    if where.state == ROOT and not filtered and len(parts) == 1 and (norm == "." or any(c in parts[0] for c in "*?[")):
        return f"{text} is the whole project"
    return None


def _rm(cmd: Command, where: Where) -> list[tuple[str, str]]:
    flags = flag_set(cmd.args)
    if "--no-preserve-root" in flags:
        return [("destructive-command", "removes files with --no-preserve-root")]
    if not flags & {"-r", "-R", "--recursive"}:
        return []
    out = []
    after = False
    for word in cmd.argv[1:]:
        if not after and word.text == "--":
            after = True
            continue
        if not after and word.text.startswith("-") and len(word.text) > 1:
            continue
        why = risky_target(word, where)
        if why:
            out.append(("destructive-command", f"deletes recursively and {why}"))
            break
    return out


def destructive(cmd: Command, where: Where) -> list[tuple[str, str]]:
    name = cmd.name
    args = cmd.args
    lowered = tuple(a.lower() for a in args)
    flags = flag_set(args)
    out: list[tuple[str, str]] = []
    if name == "rm":
        out.extend(_rm(cmd, where))
    elif name == "find" and ("-delete" in args or _find_deletes(args)):
        roots = []
        for w in cmd.argv[1:]:
            if w.text.startswith(("-", "(", "!")):
                break
            roots.append(w)
        for w in roots or [Word(".")]:
            why = risky_target(w, where, filtered=len(roots) + 2 < len(cmd.argv))
            if why:
                out.append(("destructive-command", f"deletes files found under {w.text!r}: {why}"))
                break
    elif name in _PERMISSIONS and flags & {"-R", "--recursive"}:
        targets = [w for w in cmd.argv[1:] if not w.text.startswith("-")][1:]
        for w in targets:
            why = risky_target(w, where)
            if why:
                out.append(("destructive-command", f"changes ownership or permissions recursively and {why}"))
                break
    elif name == "crontab" and any(a.startswith("-") and "r" in a[1:] and not a.startswith("--") for a in args):
        out.append(("destructive-command", "removes every cron job of the user"))
    elif name == "mv" and len(operands(args)) >= 2 and operands(args)[-1] == "/dev/null":
        out.append(("destructive-command", f"destroys {' '.join(operands(args)[:-1])} (moved onto /dev/null)"))
    elif name in ("kill", "pkill", "killall") and ("-1" in args[1:] or args[-1:] == ("-1",)
                                                   or (name == "killall" and not operands(args))
                                                   or (name == "pkill" and flags & {"-u", "-U"} and "-9" in args)):
        out.append(("destructive-command", "kills every process of the user"))
    elif name == "truncate":
        for w in [w for w in cmd.argv[1:] if not w.text.startswith("-")]:
            if w.text.isdigit() or w.text in ("0",):
                continue
            why = risky_target(w, where)
            if why:
                out.append(("destructive-command", f"empties files and {why}"))
                break
    elif name.startswith("mkfs") or name == "dd" and any(a.startswith("of=/dev/") for a in args):
        out.append(("destructive-command", "overwrites a device"))
    elif name == "git":
        out.extend(_git(args))
    elif name in _TERRAFORMS:
        sub = operands(args)[:2]
        if sub[:1] == ["destroy"] or sub[:2] == ["run-all", "destroy"]:
            out.append(("destructive-command", "destroys every managed resource"))
        elif sub[:1] == ["apply"] and "-destroy" in flags:
            out.append(("destructive-command", "destroys every managed resource"))
        elif sub[:1] == ["apply"] and flags & {"-auto-approve", "--auto-approve"}:
            out.append(("destructive-command", "applies changes without showing the plan for approval"))
        elif sub[:2] in (["state", "rm"], ["workspace", "delete"]):
            out.append(("destructive-command", f"runs {' '.join(sub)} (irreversible)"))
    elif name == "redis-cli" or name == "valkey-cli":
        if any(_REDIS_RE.match(a) for a in args) or (cmd.stdin and re.search(r"(?im)^\s*flush(all|db)\b", cmd.stdin)):
            out.append(("destructive-command", "deletes every key (FLUSHALL/FLUSHDB)"))
    elif name in ("mongosh", "mongo"):
        body = " ".join(args) + "\n" + (cmd.stdin or "")
        if _MONGO_RE.search(body):
            out.append(("destructive-sql", "drops or empties MongoDB data"))
    out.extend(code_deletes(cmd, where))
    if name in ("docker", "podman", "docker-compose", "podman-compose"):
        ops = operands(args)
        compose = name.endswith("compose") or ops[:1] == ["compose"]
        if compose and "down" in ops and flags & {"-v", "--volumes"}:
            out.append(("destructive-command", "removes the compose volumes and their data"))
    for prog, needles, why in _ORM_DESTRUCTIVE:
        if program_matches(cmd, prog) and (not needles or has_words(args, needles)):
            out.append(("destructive-command", why))
            break
    if name in SQL_CLIENTS or name in CLOUD_CLIS:
        sql = dangerous_sql("\n".join([*args, _stdin_text(cmd)]))
        if sql:
            out.append(("destructive-sql", sql))
    if name in CLOUD_CLIS and not out:
        verb = _cloud_destructive_verb(name, args, lowered, flags)
        if verb:
            out.append(("destructive-command", verb))
    if name in _HTTP_CLIENTS:
        method = _http_method(name, args)
        if method == "DELETE":
            out.append(("destructive-request", "sends an HTTP DELETE"))
        body = "\n".join(args)
        if _GRAPHQL_DESTRUCTIVE_RE.search(body):
            out.append(("destructive-request", "sends a GraphQL mutation that deletes or resets something"))
    return out


def _stdin_text(cmd: Command) -> str:
    """What a command reads on stdin, when the command string shows it: a here-document, a
    here-string, or the words of an `echo`/`printf` piped into it."""
    parts = [cmd.stdin or ""]
    prev = cmd.piped_from
    if prev is not None:
        if prev.stdin:
            parts.append(prev.stdin)
        if prev.name in ("echo", "printf", "cat"):
            parts.extend(prev.args)
    return "\n".join(p for p in parts if p)


def dangerous_sql(text: str) -> str | None:
    """Why SQL in text is destructive (DROP, TRUNCATE, DELETE/UPDATE without WHERE), or None."""
    if not text or not re.search(r"(?i)drop|truncate|delete|update|alter", text):
        return None
    m = _SQL_DROP_RE.search(text)
    if m:
        return f"runs destructive SQL ({' '.join(m.group(0).split()[:2]).upper()})"
    for statement in re.split(r";", text):
        m = _SQL_STATEMENT_RE.search(statement)
        if m and not re.search(r"(?i)\bwhere\b", m.group(2)):
            verb = "DELETE" if m.group(1).lower().startswith("delete") else "UPDATE"
            return f"runs {verb} without a WHERE clause (every row)"
    return None


def _git(args: tuple[str, ...]) -> list[tuple[str, str]]:
    # skip git's global options: -C dir, -c k=v, --git-dir=…
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in ("-C", "-c", "--git-dir", "--work-tree", "--namespace") else 1
    if i >= len(args):
        return []
    sub, rest = args[i], args[i + 1:]
    flags = flag_set(rest)
    ops = operands(rest)
    if sub == "push":
        if flags & {"-f", "--force", "--force-with-lease", "--force-if-includes", "--mirror"} or any(o.startswith("+") for o in ops[1:]):
            return [("destructive-command", "force-pushes (rewrites the remote's history)")]
        if flags & {"-d", "--delete", "--prune"} or any(o.startswith(":") and len(o) > 1 for o in ops[1:]):
            return [("destructive-command", "deletes remote branches or tags")]
    elif sub == "reset" and "--hard" in flags:
        return [("destructive-command", "discards uncommitted work (reset --hard)")]
    elif sub == "clean" and ("-f" in flags or "--force" in flags) and not flags & {"-n", "--dry-run"}:
        return [("destructive-command", "deletes untracked files (clean -f)")]
    elif sub in ("checkout", "restore") and ops[:1] == ["."] and ("-f" in flags or sub == "restore" or "--" in rest):
        return [("destructive-command", "discards every uncommitted change")]
    elif sub == "stash" and ops[:1] == ["clear"]:
        return [("destructive-command", "deletes every stash")]
    return []


def _http_method(name: str, args: tuple[str, ...]) -> str | None:
    for i, a in enumerate(args):
        if name in ("curl", "gh"):
            if a in ("-X", "--request", "--method") and i + 1 < len(args):
                return args[i + 1].upper()
            if a.startswith("-X") and len(a) > 2:
                return a[2:].upper()
            if a.startswith(("--request=", "--method=")):
                return a.split("=", 1)[1].upper()
        elif name == "wget":
            if a.startswith("--method="):
                return a.split("=", 1)[1].upper()
            if a == "--method" and i + 1 < len(args):
                return args[i + 1].upper()
        elif name in ("http", "https", "xh", "xhs", "httpie"):
            if not a.startswith("-"):
                return a.upper() if a.upper() in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS") else None
    return None


def _cloud_destructive_verb(name: str, args: tuple[str, ...], lowered: tuple[str, ...], flags: set[str]) -> str | None:
    ops = [o.lower() for o in operands(args)]
    if name == "aws":
        if ops[:2] == ["s3", "rb"]:
            return "deletes an S3 bucket"
        if ops[:2] in (["s3", "rm"], ["s3", "mv"]) and "--recursive" in flags:
            return "deletes S3 objects recursively"
        if ops[:2] == ["s3", "sync"] and "--delete" in flags:
            return "deletes S3 objects missing from the source"
        for op in ops[1:2]:
            if op.startswith(("delete-", "terminate-", "purge-", "remove-", "deregister-", "disable-", "reset-")):
                return f"runs aws {ops[0]} {op}"
        return None
    if name == "gsutil":
        if ops[:1] == ["rb"] or ops[:1] == ["rm"] and flags & {"-r", "-R", "-a"}:
            return "deletes Cloud Storage data"
        if ops[:1] == ["rsync"] and "-d" in flags:
            return "deletes Cloud Storage objects missing from the source"
        return None
    for op in ops:
        parts = set(op.replace(":", " ").replace("_", " ").replace("-", " ").split())
        if op in _DESTRUCTIVE_VERBS or op.startswith(("delete-", "terminate-")) or (":" in op and parts & _DESTRUCTIVE_VERBS):
            return f"runs {name} {op}"
    return None

