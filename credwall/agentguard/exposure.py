"""Commands that put a secret into the agent's context: reading a credential file with a
program that prints or sends it, printing the environment or a credential variable, asking a
CLI for its token, searching the whole tree for a credential's name, and interpreter one-liners
that do any of these. Each finding is a deny: once printed, a secret is in the transcript."""

from __future__ import annotations

import re

from .argv import flag_set, has_words, operands
from .paths import credential_file
from .shell import Command, LazyRe

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


def exposures(cmd: Command) -> list[tuple[str, str]]:
    """(rule, why) for each way this simple command exposes a secret."""
    name = cmd.name
    args = cmd.args
    out: list[tuple[str, str]] = []

    def deny(rule: str, why: str) -> None:
        out.append((rule, why))

    # reading a credential file with a program that prints (or sends) it
    files = [t.text for op, t in cmd.redirects if op.endswith("<") or op == "<"]
    printing = name in _PRINTERS or (name == "sed" and not any(a.startswith("-i") or a == "--in-place" for a in args))
    if name == "dd":
        files += [a[3:] for a in args if a.startswith("if=")]
        printing = True
    if printing or name in _SENDERS:
        for a in args:
            files.append(a[1:] if a.startswith("@") else a.split("=@", 1)[1] if "=@" in a else a)
    if name == "git" and operands(args)[:1] and operands(args)[0] in ("show", "diff", "log", "blame", "cat-file", "grep"):
        files += [a.split(":", 1)[-1] for a in operands(args)[1:]]
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
        names = operands(args)
        if not names:
            deny("print-environment", "prints every environment variable, credentials included")
        elif any(credential_var(n) for n in names):
            deny("print-secret-variable", "prints a credential variable")
    elif name == "env" and len(cmd.argv) == 1:
        deny("print-environment", "prints every environment variable, credentials included")
    elif name in ("set", "export", "declare", "typeset") and (not args or set(args) <= {"-p", "-x", "-px", "-xp"}):
        if name != "set" or not args:
            deny("print-environment", "prints the environment, credentials included")
    # echo $SECRET
    if name in ("echo", "printf", "print"):
        for word in cmd.argv[1:]:
            secret_vars = [v for v in word.vars if credential_var(v)]
            if secret_vars:
                deny("print-secret-variable", f"prints ${secret_vars[0]}")
                break
    if cmd.stdin and name in _PRINTERS | {"echo", "printf"}:
        for var in re.findall(r"\$\{?([A-Za-z_]\w*)", cmd.stdin):
            if credential_var(var):
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
        ops = operands(args)
        lowered = [a.lower() for a in args]
        if ops[:1] == ["get"] and len(ops) > 1 and ops[1].split("/")[0] in ("secret", "secrets") and any(
                a in ("-o", "--output") or a.startswith(("-o", "--output=")) for a in lowered):
            deny("print-credential", "prints Kubernetes secret values")
    for prog, needles, why in _SECRET_PRINTING_CALLS:
        if name == prog and has_words(args, needles):
            if prog == "heroku" and needles == ("config",) and operands(args)[:1] != ["config"]:
                continue
            if prog == "vault" and needles == ("read",) and operands(args)[:1] != ["read"]:
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
        ops = operands(args)
        if not ops or ops[0] != "grep":
            return None
        args = args[args.index("grep") + 1:]
    elif name in ("grep", "egrep", "fgrep", "zgrep"):
        flags = flag_set(args)
        if not (flags & {"-r", "-R", "--recursive", "--dereference-recursive"} or "recurse" in args):
            return None
    elif name not in ("rg", "ag", "ack", "pt", "sift", "ugrep"):
        return None
    if any(".env" in a and ("exclude" in a or a.startswith("!") or "-g" in a) for a in args):
        return None
    patterns: list[str] = []
    given: list[str] = []
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
        given.append(a)
        i += 1
    if not patterns and given:
        patterns.append(given.pop(0))
    paths = given or ["."]
    broad = all(p in ("", ".", "./", "..", "*", "../") or p.startswith(("/", "~", "$")) for p in paths)
    if not broad:
        return None
    for pattern in patterns:
        for word in re.findall(r"[A-Za-z][A-Za-z0-9_]{2,}", pattern):
            if credential_var(word) or word.lower() in ("password", "passwd", "secret", "token", "apikey"):
                return pattern
    return None


_URL_WITH_PASSWORD_VAR = LazyRe(r"(?i)(?:database|db|redis|mongo(?:db)?|postgres(?:ql)?|pg|mysql|amqp|rabbitmq|"
                                r"broker|celery_broker)_?(?:url|uri)$|connection_?string|(?:^|_)dsn$")


def credential_var(name: str) -> bool:
    """Does a variable's name say it holds a credential? (URLs of databases usually carry one.)"""
    from ..engine.filters import credential_key

    return name not in _NOT_SECRET_VARS and (credential_key(name) or bool(_URL_WITH_PASSWORD_VAR.search(name)))
