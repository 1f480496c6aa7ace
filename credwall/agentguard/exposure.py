"""Commands that put a secret into the agent's context: reading a credential file with a
program that prints or sends it (named plainly, through a glob, or handed over by `find`/`xargs`),
copying, linking, packing or encoding one under a name the guard no longer recognises, printing
the environment or a credential variable, asking a CLI for its token, searching the whole tree
for a credential's name, and interpreter code that does any of these. Each finding is a deny
(once printed, a secret is in the transcript); a file a reading command gets only at run time
is an ask."""

from __future__ import annotations

import os
import posixpath
import re
from typing import Any, Mapping

from .argv import flag_set, has_words, operands
from .code import code_files, credential_name, dumps_environment, interpreter_code, printed_variables, reads_files
from .paths import UNKNOWN, credential_file, pattern_credentials
from .settings import ASK, DENY, Reason
from .lazyre import LazyRe
from .shell import Command, Word

# Programs that print (or send) a file's content when given its name.
_PRINTERS = frozenset({
    "cat", "tac", "less", "more", "most", "head", "tail", "bat", "batcat", "nl", "strings", "xxd", "hexdump",
    "od", "hd", "base64", "base32", "basenc", "grep", "egrep", "fgrep", "rg", "ag", "ack", "zgrep", "awk", "gawk",
    "mawk", "nawk", "cut", "sort", "uniq", "paste", "column", "diff", "colordiff", "cmp", "comm", "jq", "yq",
    "gojq", "dasel", "xmllint", "pr", "fold", "fmt", "rev", "expand", "unexpand", "tr", "iconv", "vis", "look",
    "view", "vimcat", "pygmentize", "highlight", "ccat", "pbcopy", "xclip", "xsel", "wl-copy", "clip.exe", "type",
    "get-content", "gc", "source-highlight", "dotenv-linter", "md5sum", "zcat", "bzcat", "xzcat", "envsubst",
    "sed", "ugrep", "zless", "zmore", "fzf", "glow", "mdcat", "hexyl",
})
_SENDERS = frozenset({"curl", "wget", "http", "https", "xh", "xhs", "scp", "rsync", "nc", "ncat", "netcat",
                      "socat", "sftp", "ftp", "lftp", "rclone", "s3cmd", "gsutil", "aws", "az", "gcloud", "gh",
                      "mail", "mutt", "sendmail", "telnet"})
# First operand is a pattern, program or filter, not a file (unless given by option).
_SEARCHERS = frozenset({"grep", "egrep", "fgrep", "zgrep", "rg", "ag", "ack", "ugrep"})
_PROGRAM_FIRST = frozenset({"awk", "gawk", "mawk", "nawk", "sed", "jq", "yq", "gojq", "look"})
_STDIN_ONLY = frozenset({"tr", "envsubst", "pbcopy", "xclip", "xsel", "wl-copy", "clip.exe", "fzf"})
_PATTERN_OPTIONS = frozenset({"-e", "--regexp", "-f", "--file", "--expression"})
_NAMES_ONLY = frozenset({"-l", "-L", "-c", "-q", "--files-with-matches", "--files-without-match", "--count", "--quiet",
                         "--silent"})
# Copying keeps the content; under another name the guard no longer knows what it holds.
_COPIERS = frozenset({"cp", "mv", "ln", "install", "ditto", "gcp"})
_PACKERS = frozenset({"tar", "bsdtar", "gtar", "zip", "7z", "7za", "7zr", "rar", "gzip", "gunzip", "pigz", "bzip2",
                      "xz", "zstd", "lz4", "compress", "openssl", "gpg", "gpg2", "age", "split", "csplit", "cpio",
                      "ar", "uuencode", "shar", "zipcloak", "rage"})
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


def exposures(cmd: Command) -> list[tuple[str, str, str]]:
    """(decision, rule, why) for each way this simple command exposes a secret."""
    name = cmd.name
    args = cmd.args
    out: list[tuple[str, str, str]] = []

    def deny(rule: str, why: str) -> None:
        out.append((DENY, rule, why))

    # reading a credential file with a program that prints (or sends) it
    reader = name in _PRINTERS and not (name == "sed" and any(a.startswith("-i") or a == "--in-place" for a in args))
    reader = reader or reads_files(cmd)
    files = [t for op, t in cmd.redirects if op.endswith("<") or op == "<"] if reader or name in _SENDERS else []
    if name == "dd":
        files += [_word(a[3:]) for a in args if a.startswith("if=")]
        reader = True
    if reader:
        files += _file_words(cmd)
    elif name in _SENDERS:
        files += [_sent(w) for w in _without_filters(cmd.argv[1:])]
    if name == "git" and operands(args)[:1] and operands(args)[0] in ("show", "diff", "log", "blame", "cat-file", "grep"):
        files += [_word(a.split(":", 1)[-1]) for a in operands(args)[1:]]
        reader = True
    verb = "prints" if reader else "sends"
    # grep -l/-c/-q print names or counts: unknown inputs are no reason to ask (a named .env still is)
    names_only = name in _SEARCHERS and bool(flag_set(args) & _NAMES_ONLY)
    judged = _judge(files, unknown_asks=(reader and not names_only) or name in ("scp", "rsync", "sftp"))
    if judged:
        decision, what = judged
        out.append((decision, "read-credential-file", f"{verb} {what}"))
    # cp .env notes.txt, tar czf x.tgz .env, openssl base64 -in .env
    copied = _copied(cmd)
    if copied:
        out.append(copied)
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
    # python -c "print(open('.env').read())", node -e "console.log(process.env)", here-documents
    code = interpreter_code(cmd)
    if code is not None:
        found = credential_name(code)
        if found:
            deny("read-credential-file", f"runs code that reads {found}, a credential file")
        elif dumps_environment(code):
            deny("print-environment", "runs code that prints the whole environment")
        else:
            secret = next((v for v in printed_variables(code) if credential_var(v)), None)
            if secret:
                deny("print-secret-variable", f"runs code that prints ${secret}")
        handed = next((f for f in code_files(cmd) if credential_file(f)), None)
        if handed and not found:
            deny("read-credential-file", f"hands {handed}, a credential file, to code that reads it")
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
    return next((p for p in patterns if credential_pattern(p)), None)


def credential_pattern(pattern: str) -> bool:
    """Does a search pattern look for a credential (`API_KEY`, `DATABASE_URL`, `password`)?"""
    for word in re.findall(r"[A-Za-z][A-Za-z0-9_]{2,}", pattern):
        if credential_var(word) or word.lower() in ("password", "passwd", "secret", "token", "apikey"):
            return True
    return False


_URL_WITH_PASSWORD_VAR = LazyRe(r"(?i)(?:database|db|redis|mongo(?:db)?|postgres(?:ql)?|pg|mysql|amqp|rabbitmq|"
                                r"broker|celery_broker)_?(?:url|uri)$|connection_?string|(?:^|_)dsn$")


def credential_var(name: str) -> bool:
    """Does a variable's name say it holds a credential? (URLs of databases usually carry one.)"""
    from ..engine.filters import credential_key

    return name not in _NOT_SECRET_VARS and (credential_key(name) or bool(_URL_WITH_PASSWORD_VAR.search(name)))


def _word(text: str) -> Word:
    return Word(text)


def _sent(word: Word) -> Word:
    """A sender's argument as the file it may send (`@file`, `name=@file`)."""
    text = word.text
    if text.startswith("@"):
        return word._replace(text=text[1:])
    if "=@" in text:
        return word._replace(text=text.split("=@", 1)[1])
    return word._replace(dynamic=False)  # a URL or a header built from variables is not a file


_FILTER_OPTIONS = ("--exclude", "--include", "--exclude-from", "--include-from", "--filter", "--exclude-dir")


def _without_filters(words: tuple[Word, ...]) -> list[Word]:
    """A sender's arguments minus the patterns of its filters (`rsync --exclude .env` sends
    everything but .env)."""
    out: list[Word] = []
    skip = False
    for w in words:
        if skip:
            skip = False
        elif w.text in _FILTER_OPTIONS:
            skip = True
        elif not w.text.startswith(tuple(f + "=" for f in _FILTER_OPTIONS)):
            out.append(w)
    return out


def _file_words(cmd: Command) -> list[Word]:
    """The words a reading command takes as files: operands, minus the pattern of a search
    and the program of awk/sed/jq, minus values of options where they can be told apart."""
    name = cmd.name
    if name in _STDIN_ONLY:
        return []
    words = list(cmd.argv[1:])
    skip_first = name in _SEARCHERS or name in _PROGRAM_FIRST
    if skip_first and any(w.text in _PATTERN_OPTIONS or w.text.startswith(("--regexp=", "--file=", "--expression="))
                          for w in words):
        skip_first = False
    out: list[Word] = []
    after_dashdash = False
    previous = ""
    for w in words:
        text = w.text
        if not after_dashdash and text == "--":
            after_dashdash = True
            continue
        if not after_dashdash and text.startswith("-") and len(text) > 1 and not w.dynamic:
            previous = text
            continue
        if skip_first:
            skip_first = False
            previous = ""
            continue
        if w.dynamic and re.fullmatch(r"-[A-Za-z]|--[\w-]+", previous) and name not in ("cat", "tac"):
            previous = ""
            continue  # probably the value of an option (`head -n "$N"`)
        out.append(w)
        previous = ""
    return out


def _judge(files: list[Word], unknown_asks: bool) -> tuple[str, str] | None:
    """(decision, what) for the first credential among the files, or an ask for one only
    known at run time."""
    unknown: Word | None = None
    for w in files:
        kind = credential_file(w.text) if not w.dynamic else None
        if kind:
            return DENY, f"{w.text}, {kind}"
        if w.pattern is not None:
            found = pattern_credentials(w.pattern)
            if found == UNKNOWN:
                unknown = unknown or w
            elif found:
                return DENY, found
        elif w.dynamic:
            unknown = unknown or w
    if unknown is not None and unknown_asks:
        what = f"files matching {unknown.pattern.name!r} under {unknown.pattern.root or 'a directory not known here'}" \
            if unknown.pattern is not None else f"{unknown.text!r}, a file only known at run time"
        return ASK, f"{what}, which may be a credential file"
    return None


def _copied(cmd: Command) -> tuple[str, str, str] | None:
    """Copying, linking, packing or encoding a credential file."""
    name = cmd.name
    if name in _PACKERS:
        args = cmd.args
        if name in ("tar", "bsdtar", "gtar") and (any(a in ("-x", "--extract", "--get", "-t", "--list") for a in args)
                                                  or (args and not args[0].startswith("-") and re.match(r"[^-]*[xt]", args[0]))):
            return None  # extracting or listing an archive reads the archive, not the files named
        words = [w for w in cmd.argv[1:] if not w.text.startswith("-")]
        words += [_word(a.split("=", 1)[1]) for a in args if a.startswith(("-in=", "--in=", "--input="))]
        words += [cmd.argv[i + 2] for i, a in enumerate(args[:-1]) if a in ("-in", "--in", "-i", "--input")]
        for w in words:
            kind = credential_file(w.text) if not w.dynamic else None
            if kind:
                return DENY, "copy-credential-file", (f"packs or encodes {w.text}, {kind}, into a form whose content "
                                                      f"the guard can no longer recognise")
        return None
    if name not in _COPIERS:
        return None
    ops = [w for w in cmd.argv[1:] if not (w.text.startswith("-") and len(w.text) > 1)]
    target_dir = next((cmd.argv[i + 2].text for i, a in enumerate(cmd.args[:-1]) if a in ("-t", "--target-directory")),
                      None)
    if target_dir is None and len(ops) < 2:
        return None
    sources, dest = (ops, target_dir) if target_dir is not None else (ops[:-1], ops[-1].text)
    for src in sources:
        kind = credential_file(src.text) if not src.dynamic else None
        if not kind:
            continue
        into_dir = target_dir is not None or dest.endswith("/") or len(sources) > 1 or _is_dir(dest, cmd.cwd)
        final = posixpath.join(dest, posixpath.basename(src.text.rstrip("/"))) if into_dir else dest
        if not credential_file(final):
            return DENY, "copy-credential-file", (f"{'links' if name == 'ln' else 'copies'} {src.text}, {kind}, to "
                                                  f"{final}, a name that no longer says it holds credentials")
        if final.startswith(("/", "~", "..")):
            return ASK, "copy-credential-file", f"copies {src.text}, {kind}, out of the project to {final}"
    return None


def _is_dir(path: str, cwd: str | None) -> bool:
    import os

    path = os.path.expanduser(path)
    if not os.path.isabs(path):
        if cwd is None:
            return False
        path = os.path.join(cwd, path)
    return os.path.isdir(path)


def search_reasons(tool: str, args: Mapping[str, Any], path: str, cwd: str | None) -> list[Reason]:
    """A search tool's own exposures: a `glob` (or `include`) that matches credential files
    searches inside them; showing every line that matches a credential's name across the whole
    project prints its values (listing the matching files does not)."""
    from .shell import FilePattern

    for key in ("glob", "include", "includePattern", "pattern_path", "file_pattern"):
        value = args.get(key)
        if not isinstance(value, str) or not value:
            continue
        for glob in _braced(value):
            found = credential_file(glob) or pattern_credentials(FilePattern(cwd or "", glob, True, True))
            if found and found != UNKNOWN:
                return [Reason(DENY, "read-credential-file", f"{tool} with {key} {value!r} searches inside credential "
                                                             f"files ({found}); their values would enter the agent's context")]
    pattern = next((args[k] for k in ("pattern", "query", "regex") if isinstance(args.get(k), str)), "")
    mode = str(args.get("output_mode") or args.get("outputMode") or "content")
    broad = not path or posixpath.normpath(path) in (".", "/", posixpath.normpath(cwd or "."),
                                                      posixpath.normpath(os.path.expanduser("~")))
    if broad and mode == "content" and pattern and credential_pattern(pattern):
        return [Reason(DENY, "read-credential-file",
                       f"{tool} shows every line matching {pattern!r} across the whole project, which prints the "
                       f"value from .env and any other file holding it. Search a directory of code, or list matching "
                       f"files only")]
    return []


def _braced(glob: str) -> list[str]:
    """`*.{env,json}` → [*.env, *.json] (ripgrep globs take braces)."""
    m = re.search(r"\{([^{}]*)\}", glob)
    if not m:
        return [glob]
    return [g for option in m.group(1).split(",") for g in _braced(glob[:m.start()] + option + glob[m.end():])][:32]
