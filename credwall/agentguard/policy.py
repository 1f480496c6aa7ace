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

Shell commands are parsed (credwall.agentguard.shell), never run. User patterns, protected
environment names and fail-open/fail-closed come from an `AgentPolicy`
(`[tool.credwall.agent]`, see `policy_from_table`).
"""

from __future__ import annotations

import os
import posixpath
import re
from typing import Any, Callable, Iterable, Mapping

from ..analysers.registry import classify
from .shell import MAX_COMMANDS, MAX_DEPTH, Command, LazyRe, Word, parse_all

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.matcher import Matcher

from .settings import ALLOW, ASK, DENY, WARN, AgentPolicy, Reason, Verdict, combine


# --- credential files ---------------------------------------------------------------------------

_EXTRA_CREDENTIAL_PATHS = LazyRe(
    r"(?:^|/)(?:\.vault-token|\.my\.cnf|credentials\.toml|\.boto"
    r"|access_tokens\.db|credentials\.db|adc\.json|msal_token_cache\.(?:json|bin)|accessTokens\.json"
    r"|secrets?\.(?:ya?ml|json|toml)|[^/]*\.secrets?\.(?:ya?ml|json|toml)|master\.key|\.pgpass)$"
    r"|(?:^|/)proc/(?:self|\d+|\$\$|\*)/environ$|(?:^|/)run/secrets/|(?:^|/)\.ssh/id_[^/]*$(?<!\.pub)"
    r"|(?:^|/)\.aws/(?:sso|cli)/cache/|(?:^|/)\.config/gh/hosts\.yml$|(?:^|/)\.fly/config\.yml$"
    r"|(?:^|/)\.config/railway/config\.json$|(?:^|/)\.netrc$|(?:^|/)_netrc$")


def credential_file(path: str) -> str | None:
    """Why a path names a credential file (a short kind), or None. `.env.example` and other
    templates, public keys and certificates are not credential files."""
    if not path or path == "-":
        return None
    norm = path.replace("\\", "/").rstrip("/")
    kind = classify(norm)
    if kind == "env":
        return "an env file"
    if kind == "keyfile":
        return "a key or credential file"
    if _EXTRA_CREDENTIAL_PATHS.search(norm):
        return "a credential file"
    return None


_HOOK_CONFIG_RE = LazyRe(r"(?:^|/)(?:\.claude/settings(?:\.local)?\.json|\.cursor/hooks\.json|\.codex/hooks\.json"
                             r"|\.codex/config\.toml|\.github/hooks/[^/]+\.json|credwall-agent-guard\.json)$")


# --- secrets in text ----------------------------------------------------------------------------

def _mask(secret: str) -> str:
    from ..engine.findings import mask

    return mask(secret)


# --- shell --------------------------------------------------------------------------------------

# Programs that print (or send) a file's content when given its name.
_PRINTERS = frozenset({
    "cat", "tac", "less", "more", "most", "head", "tail", "bat", "batcat", "nl", "strings", "xxd", "hexdump",
    "od", "hd", "base64", "base32", "basenc", "grep", "egrep", "fgrep", "rg", "ag", "ack", "zgrep", "awk", "gawk",
    "mawk", "nawk", "cut", "sort", "uniq", "paste", "column", "diff", "colordiff", "cmp", "comm", "jq", "yq",
    "gojq", "dasel", "xmllint", "pr", "fold", "fmt", "rev", "expand", "unexpand", "tr", "iconv", "vis", "look",
    "view", "vimcat", "pygmentize", "highlight", "ccat", "pbcopy", "xclip", "xsel", "wl-copy", "clip.exe", "type",
    "get-content", "gc", "source-highlight", "dotenv-linter", "md5sum", "zcat", "bzcat", "xzcat", "envsubst",
})
_SENDERS = frozenset({"curl", "wget", "http", "https", "xh", "xhs", "scp", "rsync", "nc", "ncat", "netcat",
                      "socat", "sftp", "ftp", "lftp", "rclone", "s3cmd", "gsutil", "aws", "az", "gcloud", "gh",
                      "mail", "mutt", "sendmail", "telnet"})
_INTERPRETERS = {"python": ("-c",), "python3": ("-c",), "python2": ("-c",), "pypy": ("-c",), "pypy3": ("-c",),
                 "node": ("-e", "-p", "--eval", "--print"), "deno": ("eval",), "bun": ("-e", "--eval"),
                 "ruby": ("-e",), "perl": ("-e", "-E"), "php": ("-r",), "lua": ("-e",), "osascript": ("-e",),
                 "pwsh": ("-c", "-command"), "powershell": ("-c", "-command")}
_CRED_NAME_IN_CODE = LazyRe(
    r"""(?:^|[\s'"/(=,])(?:\.env(?:\.(?!example|sample|template|dist)[\w.-]+)?|\.envrc|id_rsa|id_ed25519|id_ecdsa"""
    r"""|\.aws/credentials|\.netrc|\.git-credentials|\.npmrc|\.pypirc|\.pgpass|\.docker/config\.json"""
    r"""|\.kube/config|[\w.-]+\.pem|[\w.-]+\.key|proc/self/environ)(?=$|[\s'")/,;])""")
_ENV_DUMP_IN_CODE = LazyRe(
    r"(?:print|pprint|dump|json\.dumps|console\.log|console\.dir|JSON\.stringify|puts|p|pp|echo|print_r|var_dump)"
    r"\s*\(?\s*(?:dict\(\s*)?(?:os\.environ(?:\.copy\(\))?|process\.env|ENV(?:\.to_h)?|\$_ENV|%ENV|getenv\(\))\s*\)?\s*(?:\)|;|$)"
    r"|os\.environ\.items\(\)|for\s+\w+\s+in\s+os\.environ|Object\.(?:entries|keys)\(process\.env\)")
_NOT_SECRET_VARS = frozenset({"PWD", "OLDPWD", "HOME", "PATH", "USER", "SHELL", "LANG", "TERM", "HOSTNAME",
                              "TMPDIR", "EDITOR", "PAGER", "LOGNAME"})

# program -> (words that, all present as arguments, make a secret-printing call; message)
_SECRET_PRINTING_CALLS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("gh", ("auth", "token"), "prints the GitHub CLI's token"),
    ("gh", ("auth", "status", "--show-token"), "prints the GitHub CLI's token"),
    ("gh", ("auth", "status", "-t"), "prints the GitHub CLI's token"),
    ("git", ("credential", "fill"), "asks git's credential helper for a password"),
    ("git", ("credential-store", "get"), "reads git's stored credentials"),
    ("git", ("credential-cache", "get"), "reads git's cached credentials"),
    ("aws", ("configure", "get"), "prints AWS CLI configuration (secret keys included)"),
    ("aws", ("configure", "export-credentials"), "prints AWS credentials"),
    ("aws", ("secretsmanager", "get-secret-value"), "prints a secret from AWS Secrets Manager"),
    ("aws", ("ssm", "--with-decryption"), "prints decrypted SSM parameters"),
    ("aws", ("ecr", "get-login-password"), "prints a registry password"),
    ("aws", ("codeartifact", "get-authorization-token"), "prints an authorization token"),
    ("gcloud", ("auth", "print-access-token"), "prints a Google Cloud access token"),
    ("gcloud", ("auth", "print-identity-token"), "prints a Google Cloud identity token"),
    ("gcloud", ("secrets", "versions", "access"), "prints a secret from Secret Manager"),
    ("az", ("account", "get-access-token"), "prints an Azure access token"),
    ("az", ("keyvault", "secret", "show"), "prints a Key Vault secret"),
    ("vault", ("read",), "prints a Vault secret"),
    ("vault", ("kv", "get"), "prints a Vault secret"),
    ("vault", ("print", "token"), "prints the Vault token"),
    ("heroku", ("config",), "prints the app's config vars (its secrets)"),
    ("heroku", ("config:get",), "prints a config var"),
    ("heroku", ("auth:token",), "prints the Heroku API token"),
    ("railway", ("variables",), "prints the service's variables (its secrets)"),
    ("railway", ("variable", "list"), "prints the service's variables (its secrets)"),
    ("doppler", ("secrets",), "prints Doppler secrets"),
    ("infisical", ("secrets",), "prints Infisical secrets"),
    ("op", ("read",), "prints a 1Password secret"),
    ("op", ("item", "get", "--reveal"), "prints a 1Password secret"),
    ("bw", ("get",), "prints a Bitwarden item"),
    ("lpass", ("show",), "prints a LastPass secret"),
    ("pass", ("show",), "prints a password-store secret"),
    ("gopass", ("show",), "prints a gopass secret"),
    ("secret-tool", ("lookup",), "prints a keyring secret"),
    ("security", ("find-generic-password", "-w"), "prints a keychain password"),
    ("security", ("find-internet-password", "-w"), "prints a keychain password"),
    ("security", ("find-generic-password", "-g"), "prints a keychain password"),
    ("sops", ("-d",), "decrypts secrets"),
    ("sops", ("--decrypt",), "decrypts secrets"),
    ("sops", ("decrypt",), "decrypts secrets"),
    ("ansible-vault", ("view",), "decrypts secrets"),
    ("ansible-vault", ("decrypt",), "decrypts secrets"),
    ("chamber", ("read",), "prints a secret"),
    ("chamber", ("export",), "prints secrets"),
    ("terraform", ("output", "-json"), "prints outputs, sensitive ones included"),
    ("terraform", ("output", "-raw"), "prints an output, sensitive ones included"),
    ("tofu", ("output", "-json"), "prints outputs, sensitive ones included"),
    ("kubectl", ("view-secret",), "prints a Kubernetes secret"),
)

# --- destructive commands -----------------------------------------------------------------------

_SQL_CLIENTS = frozenset({"psql", "mysql", "mariadb", "sqlite3", "sqlite", "sqlcmd", "clickhouse-client",
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
_CLOUD_CLIS = frozenset({"aws", "gcloud", "gsutil", "az", "doctl", "railway", "fly", "flyctl", "heroku", "vercel",
                         "netlify", "supabase", "neonctl", "pscale", "linode-cli", "hcloud", "scw", "vultr-cli",
                         "oci", "ibmcloud", "render", "wrangler", "firebase", "upstash", "turso", "atlas",
                         "mongocli", "gh", "glab", "eksctl", "exoscale", "civo", "koyeb", "northflank", "porter",
                         "cf", "sst", "serverless", "sls", "amplify", "eb", "databricks", "snow",
                         "confluent", "ccloud", "stripe", "twilio", "auth0", "okta", "cloudflared", "zeabur",
                         "coolify", "dokku", "nomad", "consul", "vault", "terraform", "tofu", "terragrunt",
                         "pulumi", "cdk", "cdktf", "kubectl", "oc", "helm", "k9s", "kind", "minikube",
                         "aws-vault", "sam", "func", "bicep"})
# Programs that act on infrastructure, data or remote hosts: naming production there asks.
_OPERATIONAL = _CLOUD_CLIS | _SQL_CLIENTS | frozenset({
    "ssh", "scp", "rsync", "sftp", "mosh", "docker", "docker-compose", "podman", "podman-compose", "kubectx",
    "kubens", "kustomize", "skaffold", "tilt", "argocd", "flux", "ansible", "ansible-playbook", "salt", "chef",
    "knife", "puppet", "capistrano", "cap", "mina", "fab", "kamal", "mrsk", "curl", "wget", "http", "https", "xh",
    "xhs", "httpie", "grpcurl", "websocat", "mongosh", "mongo", "mongorestore", "mongodump", "redis-cli",
    "pg_dump", "pg_restore", "pg_dumpall", "dropdb", "createdb", "mysqldump", "mysqladmin", "rails", "rake",
    "alembic", "flyway", "liquibase", "knex", "sequelize", "typeorm", "drizzle-kit", "mix", "artisan",
    "rclone", "s3cmd", "kafka-topics", "kcat", "mc",
})
_MODIFIERS = frozenset({"rm", "mv", "cp", "sed", "perl", "tee", "truncate", "ln", "install", "unlink", "chmod",
                        "chattr", "dd", "rsync", "ed", "ex", "sponge"})
_TASK_RUNNERS = frozenset({"npm", "yarn", "pnpm", "bun", "make", "just", "task", "mage", "invoke", "nx", "turbo",
                           "lerna", "gradle", "gradlew", "mvn", "rake", "npx", "deno", "composer", "poe", "tox", "nox"})
_OPERATION_WORDS = frozenset({"deploy", "release", "publish", "migrate", "migration", "migrations", "seed", "push",
                              "destroy", "delete", "drop", "reset", "rollback", "up", "down", "apply", "sync",
                              "restore", "promote", "ship", "rollout", "teardown", "wipe", "purge"})
_MCP_DESTRUCTIVE = frozenset({"delete", "destroy", "drop", "purge", "terminate", "wipe", "truncate", "erase", "nuke",
                              "uninstall", "remove"})
_MCP_SQL_WORDS = frozenset({"sql", "query", "execute", "exec", "db", "database", "postgres", "postgresql", "mysql",
                            "sqlite", "supabase", "neon", "d1", "bigquery", "snowflake", "run", "statement"})
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
_DEFAULT_TEMP_DIRS = ("/tmp", "/var/tmp", "/private/tmp", "/private/var/tmp", "/dev/shm", "/private/var/folders",
                      "/var/folders")


def _flag_set(args: Iterable[str]) -> set[str]:
    """Every flag, with combined short flags split: `-rf` → {-r, -f}, `--force=x` → --force."""
    out: set[str] = set()
    for a in args:
        if a.startswith("--"):
            out.add(a.split("=", 1)[0])
        elif a.startswith("-") and len(a) > 1 and not a[1:2].isdigit():
            out.add(a)
            out.update("-" + c for c in a[1:] if c.isalpha())
    return out


def _operands(args: tuple[str, ...]) -> list[str]:
    """Non-option arguments (everything after `--` counts)."""
    out, after = [], False
    for a in args:
        if after:
            out.append(a)
        elif a == "--":
            after = True
        elif not (a.startswith("-") and len(a) > 1):
            out.append(a)
    return out


def _components(text: str) -> list[str]:
    return [c for c in re.split(r"[^a-z0-9]+", text.lower()) if c]


def _contains_seq(args: tuple[str, ...], needles: tuple[str, ...]) -> bool:
    lowered = [a.lower() for a in args]
    return all(n.lower() in lowered for n in needles)


_MAX_JUDGED_FILE = 1024 * 1024


def _read_small(path: str) -> str | None:
    """A regular file's text when it is small enough to judge (never a FIFO, device or link)."""
    import stat

    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > _MAX_JUDGED_FILE:
            return None
        with open(path, "rb") as fh:
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return None


class _Cwd:
    """Where relative paths point, as far as `cd` commands in the same string tell: the project
    root, a directory inside it, a temp directory, or somewhere else entirely."""

    def __init__(self, state: str) -> None:
        self.state = state  # root | sub | temp | outside


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
        temp = list(_DEFAULT_TEMP_DIRS) + list(self.policy.temp_dirs)
        tmpdir = os.environ.get("TMPDIR")
        if tmpdir and os.path.isabs(tmpdir):
            temp.append(tmpdir)
        self._temp_dirs = tuple(posixpath.normpath(t.replace("\\", "/")) for t in temp)
        self._protected = frozenset(e.lower() for e in self.policy.protected_environments)

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
        # full lower-casing finds every hit the matcher's ASCII lowering finds, and maybe more
        lowered = text.lower()
        return any(k in lowered for k in self._keywords)

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
        home = os.path.expanduser("~")
        start = "outside" if cwd and posixpath.normpath(cwd) in ("/", posixpath.normpath(home)) else "root"
        if cwd and self._in_temp(posixpath.normpath(cwd)):
            start = "temp"
        where = _Cwd(start)
        commands, truncated = parse_all(command)
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

        current = _read_small(path if os.path.isabs(path) or not cwd else os.path.join(cwd, path))
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
        if found:
            reasons.append(Reason(DENY, "secret-in-write",
                                  f"{tool} would put a credential into {where}: {', '.join(found)}. Reference it "
                                  f"from the environment or a secret manager instead of writing the value"))
        for path in paths:
            if _HOOK_CONFIG_RE.search(path.replace("\\", "/")):
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

    def check_tool_args(self, tool: str, args: Any, *, mcp: bool) -> Verdict:
        """An MCP call or a web request: credentials in its arguments are denied; for MCP, a
        destructive tool name, destructive SQL, a shell command or a production name asks."""
        strings = list(_strings(args))
        reasons: list[Reason] = []
        found = self.secrets("\n".join(strings))
        if found:
            reasons.append(Reason(DENY, "secret-in-tool-call",
                                  f"{tool} would send a credential: {', '.join(found)}. Tools should get credentials "
                                  f"from their own configuration, not from the conversation"))
        if not mcp:
            return combine(reasons)
        words = set(_components(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", tool)))
        verbs = sorted(words & _MCP_DESTRUCTIVE)
        if verbs:
            reasons.append(Reason(ASK, "destructive-tool", f"the MCP tool {tool} looks destructive ({verbs[0]})"))
        keyed = [v for k, v in _items(args) if k.lower() in ("sql", "query", "statement", "command", "script", "cmd")]
        for text in (strings if words & _MCP_SQL_WORDS else keyed):
            sql = _dangerous_sql(text)
            if sql:
                reasons.append(Reason(ASK, "destructive-sql", f"{tool}: {sql}"))
                break
        if words & {"exec", "execute", "run", "shell", "command", "terminal", "bash", "cmd"} and isinstance(args, Mapping):
            for key in ("command", "cmd", "script", "commandLine", "command_line"):
                value = args.get(key)
                if isinstance(value, str):
                    inner = self.check_shell(value)
                    reasons.extend(r for r in inner.reasons if r.rule != "secret-in-command")
        for text in strings:  # identifiers and URLs, not prose: an issue body may say "production"
            env = self._names_protected(text) if len(text) <= 200 and not re.search(r"\s", text) else None
            if env:
                reasons.append(Reason(ASK, "production-environment",
                                      f"{tool} names a production environment ({env!r})"))
                break
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

    # --- shell rules ----------------------------------------------------------------------------

    def _check_command(self, cmd: Command, where: _Cwd) -> list[Reason]:
        out: list[Reason] = []
        name = cmd.name
        args = cmd.args
        text = cmd.text()
        shown = text if len(text) <= 120 else text[:117] + "…"
        for pattern in self._deny:
            if pattern.search(text):
                out.append(Reason(DENY, "policy-deny", f"`{shown}` matches the deny pattern {pattern.pattern!r}"))
        out.extend(self._secret_printing(cmd))
        if name == "cd" or name == "pushd":
            self._track_cd(cmd, where)
            return out
        if any(p.search(text) for p in self._allow):
            return out
        asks: list[tuple[str, str]] = []
        for pattern in self._ask:
            if pattern.search(text):
                asks.append(("policy-ask", f"matches the ask pattern {pattern.pattern!r} of [tool.credwall.agent]"))
        asks.extend(self._destructive(cmd, where))
        env = self._protected_env(cmd)
        if env:
            asks.append(("production-environment", f"names a production environment ({env!r})"))
        targets = [t.text for op, t in cmd.redirects if ">" in op] + (list(args) if name in _MODIFIERS else [])
        for target in targets:
            if _HOOK_CONFIG_RE.search(target.replace("\\", "/")):
                asks.append(("agent-hook-config", f"changes agent hook configuration ({target})"))
                break
        env = self._protected_task(cmd)
        if env:
            asks.append(("production-environment", f"runs a task against a production environment ({env!r})"))
        if name == "credwall" and "install-agent-hooks" in args and "--uninstall" in args:
            asks.append(("agent-hook-config", "removes credwall's agent hooks"))
        via = f" (via {' → '.join(cmd.via)})" if cmd.via else ""
        for rule, why in asks:
            out.append(Reason(ASK, rule, f"`{shown}`{via} {why}"))
        return out

    def _track_cd(self, cmd: Command, where: _Cwd) -> None:
        """Follow `cd` through the string (nested scripts included): after a cd out of the
        project, relative paths no longer point into it."""
        targets = _operands(cmd.args)
        target = targets[0] if targets else "~"
        word = next((w for w in cmd.argv[1:] if w.text == target), Word(target))
        if word.dynamic or target in ("~", "-") or target.startswith("~"):
            where.state = "outside"
            return
        norm = posixpath.normpath(target)
        if target.startswith("/"):
            where.state = "temp" if self._in_temp(norm) else "outside"
        elif norm == ".." or norm.startswith("../"):
            where.state = "outside" if where.state != "temp" else "temp"
        elif norm != "." and where.state == "root":
            where.state = "sub"

    def _in_temp(self, norm: str) -> bool:
        return any(norm == t or norm.startswith(t + "/") for t in self._temp_dirs)

    def _risky_target(self, word: Word, where: _Cwd, filtered: bool = False) -> str | None:
        """Why removing this path recursively needs a confirmation, or None."""
        text = word.text
        if word.dynamic:
            return f"{text!r} is only known at run time"
        if not text:
            return None
        if text.startswith("~"):
            return f"{text} is in the home directory"
        norm = posixpath.normpath(text.replace("\\", "/"))
        if text.startswith("/"):
            if norm != "/" and self._in_temp(norm) and norm not in self._temp_dirs:
                return None
            return f"{text} is outside the project and temp directories"
        if where.state == "outside":
            return f"{text} is relative to a directory outside the project"
        if norm == ".." or norm.startswith("../"):
            return f"{text} is outside the directory the command runs in"
        parts = norm.split("/")
        if where.state == "temp":
            return None
        if parts[0] == ".git":
            return f"{text} is the repository's history"
        if where.state == "root" and not filtered and len(parts) == 1 and (norm == "." or any(c in parts[0] for c in "*?[")):
            return f"{text} is the whole project"
        return None

    def _rm(self, cmd: Command, where: _Cwd) -> list[tuple[str, str]]:
        flags = _flag_set(cmd.args)
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
            why = self._risky_target(word, where)
            if why:
                out.append(("destructive-command", f"deletes recursively and {why}"))
                break
        return out

    def _destructive(self, cmd: Command, where: _Cwd) -> list[tuple[str, str]]:
        name = cmd.name
        args = cmd.args
        lowered = tuple(a.lower() for a in args)
        flags = _flag_set(args)
        out: list[tuple[str, str]] = []
        if name == "rm":
            out.extend(self._rm(cmd, where))
        elif name == "find" and ("-delete" in args):
            roots = []
            for w in cmd.argv[1:]:
                if w.text.startswith(("-", "(", "!")):
                    break
                roots.append(w)
            for w in roots or [Word(".")]:
                why = self._risky_target(w, where, filtered=len(roots) + 2 < len(cmd.argv))
                if why:
                    out.append(("destructive-command", f"deletes files found under {w.text!r}: {why}"))
                    break
        elif name.startswith("mkfs") or name == "dd" and any(a.startswith("of=/dev/") for a in args):
            out.append(("destructive-command", "overwrites a device"))
        elif name == "git":
            out.extend(_git(args))
        elif name in _TERRAFORMS:
            sub = _operands(args)[:2]
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
        if name in ("docker", "podman", "docker-compose", "podman-compose"):
            ops = _operands(args)
            compose = name.endswith("compose") or ops[:1] == ["compose"]
            if compose and "down" in ops and flags & {"-v", "--volumes"}:
                out.append(("destructive-command", "removes the compose volumes and their data"))
        for prog, needles, why in _ORM_DESTRUCTIVE:
            if _program_matches(cmd, prog) and (not needles or _contains_seq(args, needles)):
                out.append(("destructive-command", why))
                break
        if name in _SQL_CLIENTS or name in _CLOUD_CLIS:
            sql = _dangerous_sql("\n".join([*args, _stdin_text(cmd)]))
            if sql:
                out.append(("destructive-sql", sql))
        if name in _CLOUD_CLIS and not out:
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

    def _protected_task(self, cmd: Command) -> str | None:
        """`npm run deploy:prod`, `make migrate-production`: a task runner operating on production."""
        if cmd.name not in _TASK_RUNNERS:
            return None
        for op in _operands(cmd.args):
            parts = set(_components(op))
            env = parts & self._protected
            if env and parts & _OPERATION_WORDS:
                return sorted(env)[0]
        return None

    def _names_protected(self, text: str) -> str | None:
        if not self._protected:
            return None
        for part in _components(text):
            if part in self._protected:
                return part
        return None

    def _protected_env(self, cmd: Command) -> str | None:
        name = cmd.name
        remote = any(v.startswith("ssh ") for v in cmd.via)
        if name == "git":
            ops = _operands(cmd.args)
            if ops[:1] == ["push"]:
                for ref in ops[2:]:
                    found = self._names_protected(ref.split(":")[-1])
                    if found:
                        return found
            return None
        if name not in _OPERATIONAL and not remote and not _program_matches(cmd, "manage.py"):
            return None
        for assign in cmd.assigns:
            found = self._names_protected(assign.split("=", 1)[1])
            if found:
                return found
        for word in cmd.argv[1:]:
            text = word.text
            if text.startswith("-"):
                if "=" not in text:
                    continue
                text = text.split("=", 1)[1]
            found = self._names_protected(text)
            if found:
                return found
        return None

    def _secret_printing(self, cmd: Command) -> list[Reason]:
        name = cmd.name
        args = cmd.args
        out: list[Reason] = []
        text = cmd.text()
        shown = text if len(text) <= 120 else text[:117] + "…"

        def deny(rule: str, why: str) -> None:
            out.append(Reason(DENY, rule, f"`{shown}` {why}; once printed, a secret is in the agent's context "
                                          f"and transcript. Ask the user for what you need instead"))

        if name == "apply_patch" and cmd.stdin:
            found = self.secrets(_patch_added_text(cmd.stdin))
            if found:
                out.append(Reason(DENY, "secret-in-write", f"apply_patch would write a credential: {', '.join(found)}"))
        # reading a credential file with a program that prints (or sends) it
        files = [t.text for op, t in cmd.redirects if op.endswith("<") or op == "<"]
        printing = name in _PRINTERS or (name == "sed" and not any(a.startswith("-i") or a == "--in-place" for a in args))
        if name == "dd":
            files += [a[3:] for a in args if a.startswith("if=")]
            printing = True
        if printing or name in _SENDERS:
            for a in args:
                files.append(a[1:] if a.startswith("@") else a.split("=@", 1)[1] if "=@" in a else a)
        if name == "git" and _operands(args)[:1] and _operands(args)[0] in ("show", "diff", "log", "blame", "cat-file", "grep"):
            files += [a.split(":", 1)[-1] for a in _operands(args)[1:]]
            printing = True
        for path in files:
            kind = credential_file(path)
            if kind:
                verb = "sends" if name in _SENDERS and not printing else "prints"
                deny("read-credential-file", f"{verb} {path}, {kind}")
                break
        # grep -rn DATABASE_URL .  — prints the value from .env and every other file that has it
        searched = _credential_search(name, args)
        if searched:
            deny("read-credential-file", f"searches the whole tree for {searched!r}, which prints its value from .env "
                                         f"and any other file holding it")
        # the whole environment
        if name == "printenv":
            names = _operands(args)
            if not names:
                deny("print-environment", "prints every environment variable, credentials included")
            elif any(_credential_var(n) for n in names):
                deny("print-secret-variable", "prints a credential variable")
        elif name == "env" and len(cmd.argv) == 1:
            deny("print-environment", "prints every environment variable, credentials included")
        elif name in ("set", "export", "declare", "typeset") and (not args or set(args) <= {"-p", "-x", "-px", "-xp"}):
            if name != "set" or not args:
                deny("print-environment", "prints the environment, credentials included")
        # echo $SECRET
        if name in ("echo", "printf", "print"):
            for word in cmd.argv[1:]:
                secret_vars = [v for v in word.vars if _credential_var(v)]
                if secret_vars:
                    deny("print-secret-variable", f"prints ${secret_vars[0]}")
                    break
        if cmd.stdin and name in _PRINTERS | {"echo", "printf"}:
            for var in re.findall(r"\$\{?([A-Za-z_]\w*)", cmd.stdin):
                if _credential_var(var):
                    deny("print-secret-variable", f"prints ${var}")
                    break
        # git config credential.*, cloud CLIs printing tokens
        if name == "git":
            ops = [a.lower() for a in args]
            if "config" in ops and any("credential" in a or a.endswith(("password", "token")) for a in ops[ops.index("config") + 1:]):
                deny("print-credential", "reads git's credential configuration")
        if name == "npm" and args[:1] == ("config",) and any("authtoken" in a.lower() or "_auth" in a.lower() for a in args):
            deny("print-credential", "prints an npm auth token")
        if name in ("kubectl", "oc"):
            ops = _operands(args)
            lowered = [a.lower() for a in args]
            if ops[:1] == ["get"] and len(ops) > 1 and ops[1].split("/")[0] in ("secret", "secrets") and any(
                    a in ("-o", "--output") or a.startswith(("-o", "--output=")) for a in lowered):
                deny("print-credential", "prints Kubernetes secret values")
        for prog, needles, why in _SECRET_PRINTING_CALLS:
            if name == prog and _contains_seq(args, needles):
                if prog == "heroku" and needles == ("config",) and _operands(args)[:1] != ["config"]:
                    continue
                if prog == "vault" and needles == ("read",) and _operands(args)[:1] != ["read"]:
                    continue
                deny("print-credential", why)
                break
        # python -c "print(open('.env').read())", node -e "console.log(process.env)"
        flags = _INTERPRETERS.get(name)
        if flags:
            for i, a in enumerate(args[:-1]):
                if a in flags:
                    code = args[i + 1]
                    if _CRED_NAME_IN_CODE.search(code):
                        deny("read-credential-file", "reads a credential file")
                    elif _ENV_DUMP_IN_CODE.search(code):
                        deny("print-environment", "prints the whole environment")
                    break
        return out


_SEARCH_VALUE_OPTS = frozenset({"-A", "-B", "-C", "-m", "-f", "-d", "-D", "-g", "-t", "-T", "--glob", "--type",
                                "--type-not", "--include", "--exclude", "--exclude-dir", "--max-count", "--context",
                                "--after-context", "--before-context", "--file", "-M", "--max-columns", "-j"})


def _credential_search(name: str, args: tuple[str, ...]) -> str | None:
    """The credential-like pattern of a recursive search over the whole tree (`grep -rn API_KEY .`,
    `rg DATABASE_URL`, `git grep SECRET`), or None. Searching one subdirectory is not flagged."""
    if name == "git":
        ops = _operands(args)
        if not ops or ops[0] != "grep":
            return None
        args = args[args.index("grep") + 1:]
    elif name in ("grep", "egrep", "fgrep", "zgrep"):
        flags = _flag_set(args)
        if not (flags & {"-r", "-R", "--recursive", "--dereference-recursive"} or "recurse" in args):
            return None
    elif name not in ("rg", "ag", "ack", "pt", "sift", "ugrep"):
        return None
    if any(".env" in a and ("exclude" in a or a.startswith("!") or "-g" in a) for a in args):
        return None
    patterns: list[str] = []
    operands: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-e", "--regexp") and i + 1 < len(args):
            patterns.append(args[i + 1])
            i += 2
            continue
        if a in _SEARCH_VALUE_OPTS:
            i += 2
            continue
        if a.startswith("-") and a != "-":
            i += 1
            continue
        operands.append(a)
        i += 1
    if not patterns and operands:
        patterns.append(operands.pop(0))
    paths = operands or ["."]
    broad = all(p in ("", ".", "./", "..", "*", "../") or p.startswith(("/", "~", "$")) for p in paths)
    if not broad:
        return None
    for pattern in patterns:
        for word in re.findall(r"[A-Za-z][A-Za-z0-9_]{2,}", pattern):
            if _credential_var(word) or word.lower() in ("password", "passwd", "secret", "token", "apikey"):
                return pattern
    return None


def _program_matches(cmd: Command, prog: str) -> bool:
    """`rails db:drop`, `bin/rails db:drop`, `python manage.py flush`, `php artisan db:wipe`."""
    if cmd.name == prog:
        return True
    if prog in ("manage.py", "artisan", "django-admin") and cmd.name.startswith(("python", "php", "pypy")):
        ops = _operands(cmd.args)
        return bool(ops) and ops[0].rsplit("/", 1)[-1] == prog
    if prog in ("rails", "rake") and cmd.name in ("bundle", "bin/rails"):
        return prog in cmd.args[:2]
    return False


_URL_WITH_PASSWORD_VAR = LazyRe(r"(?i)(?:database|db|redis|mongo(?:db)?|postgres(?:ql)?|pg|mysql|amqp|rabbitmq|"
                                    r"broker|celery_broker)_?(?:url|uri)$|connection_?string|(?:^|_)dsn$")


def _credential_var(name: str) -> bool:
    """Does a variable's name say it holds a credential? (URLs of databases usually carry one.)"""
    from ..engine.filters import credential_key

    return name not in _NOT_SECRET_VARS and (credential_key(name) or bool(_URL_WITH_PASSWORD_VAR.search(name)))


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


def _dangerous_sql(text: str) -> str | None:
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
    flags = _flag_set(rest)
    ops = _operands(rest)
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
    ops = [o.lower() for o in _operands(args)]
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


def _patch_added_text(patch: str) -> str:
    """The lines an apply_patch (or unified diff) adds."""
    return "\n".join(line[1:] for line in patch.splitlines() if line.startswith("+") and not line.startswith("+++"))


def patch_paths(patch: str) -> list[str]:
    paths = re.findall(r"(?m)^\*\*\* (?:Add|Update|Delete) File: (.+?)\s*$", patch)
    paths += re.findall(r"(?m)^\*\*\* Move to: (.+?)\s*$", patch)
    paths += re.findall(r"(?m)^\+\+\+ (?:b/)?(.+?)\s*$", patch)
    return [p for p in paths if p != "/dev/null"]


def patch_added_text(patch: str) -> str:
    return _patch_added_text(patch)


def _strings(value: Any, limit: int = 100_000) -> Iterable[str]:
    """Every string in a JSON value (object values and keys are both searched for strings)."""
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
    return list(_strings(value))


def _items(value: Any) -> Iterable[tuple[str, str]]:
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
