"""Code that an interpreter runs from the command string: `python3 -c`, `node -e`/`-p`,
`perl -ne`, `ruby -e`, `php -r`, a here-document (`python3 - <<'EOF'`) or a static text piped
in (`cat <<'EOF' | python3`). Read after joining its string literals (`open('.e' + 'nv')`):

- which credential files it names, whether it dumps the environment or prints a credential
  variable (exposure);
- which shell commands it hands to a shell (`os.system`, `subprocess.run(…, shell=True)`,
  `system(…)`, backticks, `execSync`), parsed like any other command;
- which trees it deletes recursively (`shutil.rmtree`, `fs.rmSync(…, {recursive})`,
  `FileUtils.rm_rf`, `rimraf`, `remove_tree`).

A script in a file (`python3 deploy.py`) is not opened: the guard reads the command string.
"""

from __future__ import annotations

import re
import shlex

from .literals import with_joined_literals
from .lazyre import LazyRe
from .inputs import piped_text
from .shell import Command

# interpreter -> the options whose value is code
INTERPRETERS: dict[str, tuple[str, ...]] = {
    "python": ("-c",), "python3": ("-c",), "python2": ("-c",), "pypy": ("-c",), "pypy3": ("-c",),
    "node": ("-e", "-p", "--eval", "--print"), "nodejs": ("-e", "-p", "--eval", "--print"), "deno": ("eval",),
    "bun": ("-e", "--eval", "-p", "--print"), "ruby": ("-e",), "perl": ("-e", "-E"), "php": ("-r",),
    "lua": ("-e",), "osascript": ("-e",), "pwsh": ("-c", "-command"), "powershell": ("-c", "-command"),
    "Rscript": ("-e",), "julia": ("-e",), "tclsh": (),
}
_SHELL_STYLE = frozenset({"perl", "ruby", "php"})  # backticks run a shell command

_CRED_NAME = LazyRe(
    r"""(?:^|[\s'"/(=,`])(?:\.env(?:\.(?!example|sample|template|dist)[\w.-]+)?|\.envrc|id_rsa|id_ed25519|id_ecdsa"""
    r"""|\.aws/credentials|\.netrc|\.git-credentials|\.npmrc|\.pypirc|\.pgpass|\.docker/config\.json"""
    r"""|\.kube/config|[\w.-]+\.pem|[\w.-]+\.key|proc/self/environ)(?=$|[\s'"`)/,;])""")
_ENV_DUMP = LazyRe(
    r"(?:print|pprint|dump|json\.dumps|console\.log|console\.dir|JSON\.stringify|puts|p|pp|echo|print_r|var_dump|say)"
    r"\s*\(?\s*(?:dict\(\s*)?(?:os\.environ(?:\.copy\(\))?|process\.env|ENV(?:\.to_h)?|\$_ENV|\$_SERVER|%ENV|getenv\(\))"
    r"\s*\)?\s*(?:\)|;|$)"
    r"|os\.environ\.items\(\)|for\s+\w+\s+in\s+os\.environ|Object\.(?:entries|keys|values)\(process\.env\)"
    r"|keys\s+%ENV|\$ENV\{\s*\$_\s*\}|ENV\.(?:each|map|to_a|inspect)|getenv\(\s*\)")
_BARE_ENV = LazyRe(r"^\s*(?:process\.env|JSON\.stringify\(\s*process\.env\s*\)|Deno\.env\.toObject\(\))\s*;?\s*$")
_ENV_READ = LazyRe(
    r"""(?:os\.environ\s*\[\s*|os\.environ\.get\(\s*|os\.getenv\(\s*|getenv\(\s*|ENV\s*\[\s*|ENV\.fetch\(\s*"""
    r"""|System\.getenv\(\s*|Deno\.env\.get\(\s*|process\.env\s*\[\s*)['"]([A-Za-z_]\w*)['"]"""
    r"""|process\.env\.([A-Za-z_]\w*)|\$ENV\{\s*['"]?([A-Za-z_]\w*)""")
_PRINTS = LazyRe(r"\b(?:print|printf|puts|console\.(?:log|error|info|dir)|echo|say|pp?|write|dump|var_dump|print_r)\b"
                 r"|\bsys\.stdout|\bSTDOUT")
_LITERAL = r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`)"""
_LIST = r"""\[\s*((?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')(?:\s*,\s*(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'))*)\s*,?\s*\]"""
_SHELL_CALL = LazyRe(
    r"(?:\bos\.(?:system|popen)|\bsubprocess\.(?:run|call|check_call|check_output|getoutput|getstatusoutput|Popen)"
    r"|\bcommands\.getoutput|\b(?:system|exec|shell_exec|passthru|popen|proc_open|qx|spawn|spawnSync|execSync|"
    r"execFileSync|execFile|exec_command|run_command|Open3\.\w+|IO\.popen|Kernel\.system|%x)"
    r")\s*[\(\{]?\s*(?:" + _LITERAL + "|" + _LIST + r")(?:\s*,\s*" + _LIST + ")?")
_RECURSIVE_DELETE = LazyRe(
    r"(?:\bshutil\.rmtree|\brmtree|\bremove_tree|\bFileUtils\.(?:rm_rf|rm_r|remove_dir|remove_entry(?:_secure)?)"
    r"|\brimraf(?:\.sync)?|\bfse?\.(?:removeSync|remove|emptyDirSync|emptyDir)"
    r"|(?:\bfs(?:\.promises)?\.(?:rm|rmdir)|\.(?:rmSync|rmdirSync))(?=\s*\([^;\n]*recursive)|\bDir\.rm_rf)"
    r"\s*\(?\s*(" + _LITERAL[1:-1] + r"|[^\s,)]+)")
_UNQUOTE = re.compile(r"\\(.)")


def interpreter_code(cmd: Command) -> str | None:
    """The code this command hands an interpreter in the command string, or None."""
    name = cmd.name
    flags = INTERPRETERS.get(name)
    if flags is None:
        return None
    args = cmd.args
    pieces: list[str] = []
    script_given = False
    i = 0
    while i < len(args):
        a = args[i]
        if a in flags or (name in ("perl", "ruby") and re.fullmatch(r"-[a-zA-Z]*[eE]", a)):
            if i + 1 < len(args):
                pieces.append(args[i + 1])
            i += 2
            continue
        if a.startswith("--eval=") or a.startswith("--print="):
            pieces.append(a.split("=", 1)[1])
        elif a == "-" or a == "--":
            break
        elif not a.startswith("-") and not pieces:
            script_given = True
            break
        i += 1
    if pieces:
        return "\n".join(pieces)
    if script_given:
        return None
    if cmd.stdin is not None:
        return cmd.stdin
    return piped_text(cmd.piped_from)


def reads_files(cmd: Command) -> bool:
    """perl/ruby -n/-p: the code runs over every line of the files named after it."""
    return cmd.name in ("perl", "ruby") and any(re.fullmatch(r"-[a-zA-Z]*[np][a-zA-Z]*", a) for a in cmd.args)


def code_files(cmd: Command) -> list[str]:
    """Operands after the code of `perl -ne CODE FILE…` / `python3 -c CODE FILE…`."""
    flags = INTERPRETERS.get(cmd.name, ())
    args = cmd.args
    for i, a in enumerate(args):
        if a in flags or (cmd.name in ("perl", "ruby") and re.fullmatch(r"-[a-zA-Z]*[eE]", a)):
            return [x for x in args[i + 2:] if not x.startswith("-")]
    return []


def credential_name(code: str) -> str | None:
    """A credential file the code names (after joining its string literals)."""
    m = _CRED_NAME.search(with_joined_literals(code))
    return m.group(0).strip(" \t\n'\"/(=,`") if m else None


def dumps_environment(code: str) -> bool:
    return bool(_ENV_DUMP.search(code) or _BARE_ENV.search(code))


def printed_variables(code: str) -> list[str]:
    """Environment variables the code reads, when it also prints (a one-liner that reads
    $GITHUB_TOKEN and prints is printing it; so is `node -p process.env.X`)."""
    names = _env_names(code)
    if names and (_PRINTS.search(code) or re.fullmatch(r"\s*process\.env\.\w+\s*;?\s*", code)):
        return names
    return []


def _env_names(code: str) -> list[str]:
    return [next(g for g in m.groups() if g) for m in _ENV_READ.get().finditer(code)]


def embedded_shell(code: str, interpreter: str) -> list[str]:
    """Shell command lines the code runs (a list argv is quoted back into one line)."""
    out: list[str] = []
    for m in _SHELL_CALL.get().finditer(code):
        literal, items, extra = m.group(1), m.group(2), m.group(3)
        if literal:
            if literal.startswith("`") and interpreter not in _SHELL_STYLE and interpreter not in ("node", "bun"):
                continue
            words = [_unquote(literal)]
            if extra:  # spawn('rm', ['-rf', x]): the program, then its arguments
                return out + [shlex.join([words[0], *(_unquote(x) for x in _items(extra))])]
            out.append(words[0])
        elif items:
            out.append(shlex.join(_unquote(x) for x in _items(items)))
    if interpreter in _SHELL_STYLE:
        out.extend(_unquote(m.group(0)) for m in re.finditer(r"`[^`\n]+`", code))
    return out


def deleted_trees(code: str) -> list[str | None]:
    """Paths the code deletes recursively: the literal path, or None when it is computed."""
    out: list[str | None] = []
    for m in _RECURSIVE_DELETE.get().finditer(with_joined_literals(code)):
        arg = m.group(1)
        out.append(_unquote(arg) if arg[:1] in "'\"`" else None)
    return out


def _items(text: str) -> list[str]:
    return re.findall(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'""", text)


def _unquote(literal: str) -> str:
    return _UNQUOTE.sub(lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), literal[1:-1])
