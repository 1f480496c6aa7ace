"""Shell command parsing for the agent guard: a command string → the simple commands it runs.

Nothing is ever executed or expanded. The lexer understands the parts of POSIX shell syntax that
decide *which programs run with which words*: quoting (single, double, `$'…'`, backslashes),
operators (`&&`, `||`, `;`, `|`, `|&`, `&`, newlines, subshell parentheses), redirections
(`>`, `2>&1`, `<`, here-documents and here-strings), comments, and command substitution
(`$(…)`, backticks, `<(…)`) whose inner commands are parsed too. Words keep `$VAR` text
verbatim; each word records which variables it expands and whether it holds anything dynamic.

Wrappers are then unwrapped so the policy sees the program that really runs: `sudo`, `env X=1`,
`nohup`, `timeout`, `nice`, `xargs`, `exec`, `command`, package runners (`npx`, `uv run`, …),
`bash -c '…'` / `sh -c` / `eval` / `su -c` (their script is parsed recursively), `ssh host cmd`,
`docker exec`, `kubectl exec -- cmd`, `find -exec`. Parsing is lenient: an unterminated quote
ends at the end of the text (the shell would refuse it, but a guard must still see inside).
"""

from __future__ import annotations

import re
from typing import NamedTuple

class LazyRe:
    """A regex compiled on first use: the hook is a new process on every tool call, and most
    rules' patterns are never needed for a given call."""

    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    def get(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        return self.get().search(text)

    def match(self, text: str) -> re.Match[str] | None:
        return self.get().match(text)


MAX_DEPTH = 8  # nested bash -c / $(…) levels followed
MAX_COMMANDS = 2000  # simple commands returned for one string, whatever its size

_OPERATOR_CHARS = frozenset(";&|()\n")
_REDIRECT_CHARS = frozenset("<>")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGN_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=")
_KEYWORDS = frozenset({"!", "if", "then", "else", "elif", "do", "while", "until", "{", "}", "fi", "done", "esac"})


class Word(NamedTuple):
    """One shell word with quotes removed and nothing expanded."""

    text: str
    vars: tuple[str, ...] = ()  # parameters this word expands ($X, ${X…}); not inside '…'
    dynamic: bool = False  # holds an expansion or a command substitution: its value is unknown
    quoted: bool = False  # some part was quoted (so a `*` may be literal)


class Command(NamedTuple):
    """One simple command, after wrappers are unwrapped."""

    argv: tuple[Word, ...]
    assigns: tuple[str, ...] = ()  # NAME=value words before the program (and from `env`)
    redirects: tuple[tuple[str, Word], ...] = ()  # (operator, target), e.g. (">", out.txt)
    stdin: str | None = None  # here-document or here-string text
    piped_from: Command | None = None  # the previous stage of a pipeline, if any
    via: tuple[str, ...] = ()  # wrappers it came through: "sudo", "bash -c", "ssh prod-db", …
    depth: int = 0

    @property
    def name(self) -> str:
        """The program's base name (`/usr/bin/rm` and `\\rm` are `rm`)."""
        return program_name(self.argv[0].text) if self.argv else ""

    @property
    def args(self) -> tuple[str, ...]:
        return tuple(w.text for w in self.argv[1:])

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(w.text for w in self.argv)

    def text(self) -> str:
        """The command as one line, for messages and user patterns (quotes normalised)."""
        return " ".join(_quote(w.text) for w in self.argv)


def program_name(word: str) -> str:
    """`/usr/bin/rm` → `rm`, `\\rm` → `rm`, `prisma@5` (npx) → `prisma`."""
    name = word.lstrip("\\").rsplit("/", 1)[-1]
    at = name.find("@", 1)
    return name[:at] if at > 0 else name


def _quote(text: str) -> str:
    """For display only: words with spaces or quotes in double quotes, the rest as they are."""
    if text and not re.search(r"[\s'\"]", text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- lexing -------------------------------------------------------------------------------------


class _Raw:
    """A simple command as the lexer builds it."""

    __slots__ = ("words", "redirects", "heredocs", "stdin")

    def __init__(self) -> None:
        self.words: list[Word] = []
        self.redirects: list[tuple[str, Word]] = []
        self.heredocs: list[tuple[str, bool]] = []  # (delimiter, strip leading tabs)
        self.stdin: str | None = None


class _Lexer:
    """One pass over a command string: pipelines of raw simple commands, plus the inner texts
    of command substitutions (parsed by the caller)."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.n = len(text)
        self.substitutions: list[str] = []
        self.pipelines: list[list[_Raw]] = [[]]
        self.current = _Raw()
        self.pending_heredocs: list[_Raw] = []

    # structure -------------------------------------------------------------------------------

    def _end_command(self, piped: bool) -> None:
        raw = self.current
        if raw.words or raw.redirects:
            self.pipelines[-1].append(raw)
            if raw.heredocs:
                self.pending_heredocs.append(raw)
        self.current = _Raw()
        if not piped and self.pipelines[-1]:
            self.pipelines.append([])

    def run(self) -> list[list[_Raw]]:
        s = self.s
        while self.i < self.n:
            ch = s[self.i]
            if ch in " \t\r":
                self.i += 1
            elif ch == "\\" and s.startswith("\\\n", self.i):
                self.i += 2
            elif ch == "#" and self._word_start():
                end = s.find("\n", self.i)
                self.i = self.n if end < 0 else end
            elif ch == "\n":
                self.i += 1
                self._end_command(piped=False)
                self._read_heredoc_bodies()
            elif ch in _REDIRECT_CHARS or s.startswith("&>", self.i):
                self._redirect("")
            elif ch in _OPERATOR_CHARS:
                self._operator()
            else:
                word = self._word()
                if word is None:
                    continue
                nxt = s[self.i] if self.i < self.n else ""
                if word.text.isdigit() and not word.quoted and nxt in _REDIRECT_CHARS:
                    self._redirect(word.text)  # 2>file, 1>&2
                else:
                    self.current.words.append(word)
        self._end_command(piped=False)
        return [p for p in self.pipelines if p]

    def _word_start(self) -> bool:
        return self.i == 0 or self.s[self.i - 1] in " \t\r\n;&|()"

    def _operator(self) -> None:
        s, i = self.s, self.i
        two = s[i:i + 2]
        if two in ("&&", "||", ";;"):
            self.i += 2
            self._end_command(piped=False)
        elif two == "|&":
            self.i += 2
            self._end_command(piped=True)
        elif s[i] == "|":
            self.i += 1
            self._end_command(piped=True)
        else:  # ; & ( )
            self.i += 1
            self._end_command(piped=False)

    def _redirect(self, fd: str) -> None:
        s = self.s
        start = self.i
        for op in ("<<<", "<<-", "&>>", "<<", ">>", ">|", "<>", ">&", "<&", "&>", "<", ">"):
            if s.startswith(op, self.i):
                self.i += len(op)
                break
        op = fd + s[start:self.i]
        if s.startswith("(", self.i) and op in ("<", ">"):  # <(…) process substitution
            self._substitution(self.i + 1, ")")
            self.current.words.append(Word("<(…)", dynamic=True))
            return
        while self.i < self.n and s[self.i] in " \t":
            self.i += 1
        target = self._word() or Word("")
        if op.endswith("<<") or op.endswith("<<-"):
            self.current.heredocs.append((target.text, op.endswith("-")))
        elif op.endswith("<<<"):
            self.current.stdin = (self.current.stdin or "") + target.text + "\n"
        else:
            self.current.redirects.append((op, target))

    def _read_heredoc_bodies(self) -> None:
        """Here-document bodies start on the line after their operator."""
        s = self.s
        for raw in self.pending_heredocs:
            for delimiter, strip_tabs in raw.heredocs:
                lines = []
                while self.i < self.n:
                    end = s.find("\n", self.i)
                    line = s[self.i:] if end < 0 else s[self.i:end]
                    self.i = self.n if end < 0 else end + 1
                    check = line.lstrip("\t") if strip_tabs else line
                    if check == delimiter:
                        break
                    lines.append(check)
                raw.stdin = (raw.stdin or "") + "\n".join(lines) + "\n"
            raw.heredocs = []
        self.pending_heredocs = []

    # words -----------------------------------------------------------------------------------

    def _substitution(self, start: int, closer: str) -> int:
        """Record the inner text of `$(…)`, `<(…)` or `` `…` `` starting at `start`; return the
        index after the closer (or the end of the text)."""
        s = self.s
        if closer == "`":
            end = start
            while end < self.n and s[end] != "`":
                end += 2 if s[end] == "\\" else 1
            self.substitutions.append(s[start:end].replace("\\`", "`"))
            self.i = min(end + 1, self.n)
            return self.i
        depth, j, quote = 1, start, ""
        while j < self.n:
            c = s[j]
            if quote == "'":
                if c == "'":
                    quote = ""
            elif c == "\\":
                j += 1
            elif quote == '"':
                if c == '"':
                    quote = ""
            elif c in "'\"":
                quote = c
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        self.substitutions.append(s[start:j])
        self.i = min(j + 1, self.n)
        return self.i

    def _dollar(self, buf: list[str], names: list[str]) -> bool:
        """At a `$`: append its text to buf; return True when it expands to something unknown."""
        s, i = self.s, self.i
        nxt = s[i + 1] if i + 1 < self.n else ""
        if s.startswith("$((", i):
            start = i
            self._substitution(i + 3, ")")
            if self.i < self.n and s[self.i] == ")":
                self.i += 1
            buf.append(s[start:self.i])
            self.substitutions.pop()  # arithmetic, not a command
            return True
        if nxt == "(":
            start = i
            self._substitution(i + 2, ")")
            buf.append(s[start:self.i])
            return True
        if nxt == "{":
            end = s.find("}", i + 2)
            end = self.n if end < 0 else end + 1
            inner = s[i + 2:end - 1]
            name = _NAME_RE.match(inner.lstrip("!#"))
            if name:
                names.append(name.group(0))
            buf.append(s[i:end])
            self.i = end
            return True
        name = _NAME_RE.match(s, i + 1)
        if name:
            names.append(name.group(0))
            buf.append(s[i:name.end()])
            self.i = name.end()
            return True
        if nxt and nxt in "@*#?$!-0123456789":
            buf.append(s[i:i + 2])
            self.i = i + 2
            return True
        buf.append("$")
        self.i = i + 1
        return False

    def _word(self) -> Word | None:
        s = self.s
        buf: list[str] = []
        names: list[str] = []
        dynamic = quoted = False
        while self.i < self.n:
            c = s[self.i]
            if c in " \t\r\n" or c in _OPERATOR_CHARS or c in _REDIRECT_CHARS:
                break
            if c == "\\":
                if self.i + 1 < self.n and s[self.i + 1] == "\n":
                    self.i += 2
                    continue
                buf.append(s[self.i + 1:self.i + 2])
                self.i += 2
                quoted = True
            elif c == "'":
                end = s.find("'", self.i + 1)
                end = self.n if end < 0 else end
                buf.append(s[self.i + 1:end])
                self.i = end + 1
                quoted = True
            elif c == "$" and s.startswith("$'", self.i):
                end = self.i + 2
                while end < self.n and s[end] != "'":
                    end += 2 if s[end] == "\\" else 1
                buf.append(_ansi_c(s[self.i + 2:end]))
                self.i = end + 1
                quoted = True
            elif c == '"':
                quoted = True
                self.i += 1
                while self.i < self.n and s[self.i] != '"':
                    d = s[self.i]
                    if d == "\\" and self.i + 1 < self.n and s[self.i + 1] in '$`"\\\n':
                        if s[self.i + 1] != "\n":
                            buf.append(s[self.i + 1])
                        self.i += 2
                    elif d == "$":
                        dynamic |= self._dollar(buf, names)
                    elif d == "`":
                        start = self.i
                        self._substitution(self.i + 1, "`")
                        buf.append(s[start:self.i])
                        dynamic = True
                    else:
                        buf.append(d)
                        self.i += 1
                self.i += 1
            elif c == "$":
                dynamic |= self._dollar(buf, names)
            elif c == "`":
                start = self.i
                self._substitution(self.i + 1, "`")
                buf.append(s[start:self.i])
                dynamic = True
            else:
                buf.append(c)
                self.i += 1
        if not buf and not quoted:
            if self.i < self.n and s[self.i] not in " \t\r\n" and s[self.i] not in _OPERATOR_CHARS \
                    and s[self.i] not in _REDIRECT_CHARS:
                self.i += 1  # never loop on a character nothing consumes
            return None
        return Word("".join(buf), tuple(names), dynamic, quoted)


def _ansi_c(body: str) -> str:
    """$'…' quoting: the common escapes (enough to read `$'rm\\x20-rf'` as `rm -rf`)."""
    def sub(m: re.Match[str]) -> str:
        esc = m.group(1)
        simple = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "e": "\x1b", "a": "\a",
                  "b": "\b", "f": "\f", "v": "\v"}
        if esc in simple:
            return simple[esc]
        if esc[0] == "x":
            return chr(int(esc[1:], 16))
        if esc[0] in "uU":
            return chr(int(esc[1:], 16))
        if esc[0] in "01234567":
            return chr(int(esc, 8) & 0xFF)
        return esc
    return re.sub(r"\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|.)", sub, body)


# --- unwrapping ---------------------------------------------------------------------------------

_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "yash", "busybox"})
# wrapper -> options that take a value (the wrapped command follows the options)
_SIMPLE_WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-T", "-U", "-R", "--user", "--group",
                       "--host", "--prompt", "--close-from", "--chdir", "--role", "--type", "--other-user",
                       "--command-timeout", "--chroot"}),
    "doas": frozenset({"-u", "-C"}),
    "run0": frozenset({"-u", "--user", "-D", "--chdir"}),
    "nohup": frozenset(),
    "time": frozenset({"-f", "-o", "--format", "--output"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "ionice": frozenset({"-c", "-n", "-p", "--class", "--classdata"}),
    "stdbuf": frozenset({"-i", "-o", "-e", "--input", "--output", "--error"}),
    "exec": frozenset({"-a"}),
    "builtin": frozenset(),
    "caffeinate": frozenset({"-t", "-w"}),
    "unbuffer": frozenset(),
    "setsid": frozenset(),
    "chronic": frozenset(),
    "torsocks": frozenset(),
    "proxychains": frozenset({"-f"}),
    "proxychains4": frozenset({"-f"}),
    "strace": frozenset({"-e", "-o", "-p", "-s", "-u"}),
    "ltrace": frozenset({"-e", "-o", "-p", "-s", "-u"}),
    "firejail": frozenset(),
    "catchsegv": frozenset(),
}
# runners whose next word is a program (after their options, or after `--` when present)
_RUNNERS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    # name: (sub-command words that must follow, options that take a value)
    "npx": ((), frozenset({"-p", "--package", "-c", "--call"})),
    "bunx": ((), frozenset({"-p", "--package"})),
    "pnpx": ((), frozenset()),
    "uvx": ((), frozenset({"--from", "--with", "--python", "-p"})),
    "pipx": (("run",), frozenset({"--spec", "--python"})),
    "uv": (("run",), frozenset({"--with", "--python", "-p", "--project", "--directory", "--env-file", "--group",
                                "--extra", "--package"})),
    "poetry": (("run",), frozenset()),
    "pipenv": (("run",), frozenset()),
    "pdm": (("run",), frozenset()),
    "hatch": (("run",), frozenset()),
    "rye": (("run",), frozenset()),
    "bundle": (("exec",), frozenset()),
    "pnpm": (("dlx", "exec"), frozenset()),
    "yarn": (("dlx", "exec"), frozenset()),
    "npm": (("exec", "x"), frozenset({"-c", "--call", "-p", "--package"})),
    "dotenv": ((), frozenset({"-e", "-v", "-c"})),
    "op": (("run",), frozenset({"--env-file"})),
    "doppler": (("run",), frozenset({"-p", "--project", "-c", "--config", "--command"})),
    "infisical": (("run",), frozenset({"--env", "--path", "--projectId", "--command"})),
    "aws-vault": (("exec",), frozenset({"-d", "--duration", "-r", "--region"})),
    "direnv": (("exec",), frozenset()),
    "mise": (("exec", "x"), frozenset()),
    "asdf": (("exec",), frozenset()),
    "chamber": (("exec",), frozenset()),
    "with-contenv": ((), frozenset()),
    "flock": ((), frozenset({"-w", "--timeout", "-E", "--conflict-exit-code"})),
    "timeout": ((), frozenset({"-s", "--signal", "-k", "--kill-after"})),
    "watch": ((), frozenset({"-n", "--interval", "-d", "--differences", "-g", "-x"})),
    "xargs": ((), frozenset({"-I", "-i", "-L", "-l", "-n", "-P", "-s", "-d", "-E", "-e", "-a", "--arg-file",
                             "--delimiter", "--max-args", "--max-procs", "--max-lines", "--replace", "--max-chars",
                             "--eof"})),
    "chroot": ((), frozenset({"--userspec", "--groups"})),
}
_SSH_VALUE_OPTS = frozenset("-b -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w -B -P".split())
_DOCKER_EXEC_VALUE_OPTS = frozenset({"-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file", "--detach-keys",
                                     "--index"})


def _skip_options(argv: list[Word], start: int, value_opts: frozenset[str]) -> int:
    """Index of the first operand after options (a `--` ends options and is skipped)."""
    i = start
    while i < len(argv):
        word = argv[i].text
        if word == "--":
            return i + 1
        if not word.startswith("-") or word == "-":
            return i
        if word in value_opts:
            i += 2
            continue
        # -n10, --user=root, combined short flags: no separate value
        i += 1
    return i


def _placeholder() -> Word:
    """An argument whose value arrives at run time (xargs input, find's {})."""
    return Word("<stdin>", dynamic=True)


class _Unwrapper:
    def __init__(self) -> None:
        self.out: list[Command] = []
        self.truncated = False  # something was not inspected (too deep, too many commands)

    def add(self, cmd: Command) -> None:
        if len(self.out) < MAX_COMMANDS:
            self.out.append(cmd)
        else:
            self.truncated = True

    def parse(self, text: str, depth: int, via: tuple[str, ...]) -> None:
        if not text.strip():
            return
        if depth > MAX_DEPTH or len(self.out) >= MAX_COMMANDS:
            self.truncated = True
            return
        lexer = _Lexer(text)
        pipelines = lexer.run()
        for inner in lexer.substitutions:
            self.parse(inner, depth + 1, via + ("$(…)",))
        for pipeline in pipelines:
            previous: Command | None = None
            for raw in pipeline:
                cmd = Command(tuple(raw.words), (), tuple(raw.redirects), raw.stdin, previous, via, depth)
                previous = cmd
                self.unwrap(cmd)

    def unwrap(self, cmd: Command) -> None:
        """Strip assignments and wrappers; emit the command(s) that really run."""
        argv = list(cmd.argv)
        assigns = list(cmd.assigns)
        via = cmd.via
        while True:
            while argv and _ASSIGN_RE.match(argv[0].text):
                assigns.append(argv.pop(0).text)
            while argv and argv[0].text in _KEYWORDS and not argv[0].quoted:
                argv.pop(0)
            if not argv:
                if assigns or cmd.redirects:
                    self.add(cmd._replace(argv=(), assigns=tuple(assigns)))
                return
            name = program_name(argv[0].text)
            current = cmd._replace(argv=tuple(argv), assigns=tuple(assigns), via=via)
            if name in _SIMPLE_WRAPPERS:
                if name == "sudo" and any(w.text in ("-i", "-s", "--login", "--shell") for w in argv[1:2]) \
                        and len(argv) == 2:
                    self.add(current)
                    return
                rest = _skip_options(argv, 1, _SIMPLE_WRAPPERS[name])
                if rest >= len(argv):
                    self.add(current)
                    return
                argv, via = argv[rest:], via + (name,)
                continue
            if name == "env":
                rest, split = self._env_options(argv)
                if split is not None:  # env -S 'cmd args'
                    self.parse(split, cmd.depth + 1, via + ("env -S",))
                    return
                while rest < len(argv) and "=" in argv[rest].text and _ASSIGN_RE.match(argv[rest].text):
                    assigns.append(argv[rest].text)
                    rest += 1
                if rest >= len(argv):  # bare `env`: prints the environment
                    self.add(current._replace(argv=(argv[0],), assigns=tuple(assigns)))
                    return
                argv, via = argv[rest:], via + ("env",)
                continue
            if name == "command":
                if any(w.text in ("-v", "-V") for w in argv[1:2]):
                    self.add(current)
                    return
                rest = _skip_options(argv, 1, frozenset())
                if rest >= len(argv):
                    return
                argv, via = argv[rest:], via + ("command",)
                continue
            if name in _RUNNERS:
                subcommands, value_opts = _RUNNERS[name]
                start = 1
                if subcommands:
                    first = _skip_options(argv, 1, value_opts)
                    if first >= len(argv) or argv[first].text not in subcommands:
                        self.add(current)  # e.g. `npm install`, `uv pip …`: not a runner call
                        return
                    start = first + 1
                if name in ("timeout",):
                    rest = _skip_options(argv, start, value_opts) + 1  # then DURATION
                else:
                    dashdash = next((i for i in range(start, len(argv)) if argv[i].text == "--"), None)
                    rest = dashdash + 1 if dashdash is not None and name not in ("xargs", "watch") \
                        else _skip_options(argv, start, value_opts)
                if name == "flock" and rest < len(argv):
                    rest += 1  # the lock file
                if rest >= len(argv):
                    if name == "xargs":  # bare xargs runs echo
                        return
                    self.add(current)
                    return
                inner = argv[rest:]
                if name == "watch":  # watch runs its words through `sh -c`
                    self.parse(" ".join(w.text for w in inner), cmd.depth + 1, via + ("watch",))
                    return
                if name == "xargs":
                    inner = inner + [_placeholder()]
                argv, via = inner, via + (name,)
                continue
            if name in _SHELLS:
                self._shell(current, name)
                return
            if name == "eval":
                self.parse(" ".join(w.text for w in argv[1:]), cmd.depth + 1, via + ("eval",))
                return
            if name == "su":
                for i, w in enumerate(argv[1:-1], 1):
                    if w.text in ("-c", "--command"):
                        self.parse(argv[i + 1].text, cmd.depth + 1, via + ("su -c",))
                        return
                    if w.text.startswith("--command="):
                        self.parse(w.text.split("=", 1)[1], cmd.depth + 1, via + ("su -c",))
                        return
                self.add(current)
                return
            if name in ("ssh", "docker", "podman", "kubectl", "oc", "find", "fd", "parallel"):
                self._remote_or_nested(current, name)
                return
            self.add(current)
            return

    def _env_options(self, argv: list[Word]) -> tuple[int, str | None]:
        i = 1
        while i < len(argv):
            word = argv[i].text
            if word == "--":
                return i + 1, None
            if word in ("-S", "--split-string"):
                return i, " ".join(w.text for w in argv[i + 1:])
            if word.startswith("--split-string="):
                return i, word.split("=", 1)[1] + " " + " ".join(w.text for w in argv[i + 1:])
            if word in ("-u", "--unset", "-C", "--chdir"):
                i += 2
                continue
            if word.startswith("-") and word != "-":
                i += 1
                continue
            return i, None
        return i, None

    def _shell(self, cmd: Command, name: str) -> None:
        argv = list(cmd.argv)
        start = 2 if name == "busybox" and len(argv) > 1 and argv[1].text in _SHELLS else 1
        for i in range(start, len(argv)):
            word = argv[i].text
            if word == "--":
                break
            if word.startswith("-") and not word.startswith("--") and "c" in word[1:]:
                if i + 1 < len(argv):
                    self.parse(argv[i + 1].text, cmd.depth + 1, cmd.via + (f"{name} -c",))
                return
            if not word.startswith("-") and not word.startswith("+"):
                self.add(cmd)  # `bash script.sh`: the script is not read
                return
        if cmd.stdin is not None:  # bash <<EOF … EOF, bash <<< '…'
            self.parse(cmd.stdin, cmd.depth + 1, cmd.via + (name,))
            return
        self.add(cmd)  # `curl … | bash`, an interactive shell: nothing to see

    def _remote_or_nested(self, cmd: Command, name: str) -> None:
        """Commands that run another command elsewhere: keep the outer one (it names the host,
        container or cluster) and parse the inner one too."""
        self.add(cmd)
        argv = list(cmd.argv)
        if name == "ssh":
            host = _skip_options(argv, 1, _SSH_VALUE_OPTS)
            if host + 1 < len(argv):
                self.parse(" ".join(w.text for w in argv[host + 1:]), cmd.depth + 1,
                           cmd.via + (f"ssh {argv[host].text}",))
            return
        if name in ("docker", "podman"):
            words = [w.text for w in argv]
            sub = 2 if len(words) > 2 and words[1] in ("compose", "container") else 1
            if len(words) > sub and words[sub] == "exec":
                target = _skip_options(argv, sub + 1, _DOCKER_EXEC_VALUE_OPTS)
                if target + 1 < len(argv):
                    self.unwrap(cmd._replace(argv=tuple(argv[target + 1:]), piped_from=None, assigns=(),
                                             via=cmd.via + (f"{name} exec {argv[target].text}",),
                                             depth=cmd.depth + 1))
            return
        if name in ("kubectl", "oc"):
            words = [w.text for w in argv]
            if "exec" in words and "--" in words:
                inner = argv[words.index("--") + 1:]
                if inner:
                    self.unwrap(cmd._replace(argv=tuple(inner), piped_from=None, assigns=(),
                                             via=cmd.via + (f"{name} exec",), depth=cmd.depth + 1))
            return
        if name in ("find", "fd", "parallel"):
            flags = ("-exec", "-execdir", "-ok", "-okdir") if name == "find" else ("-x", "--exec", "-X", "--exec-batch")
            found = [_placeholder()]
            if name == "find":  # `{}` is a path under one of find's starting points
                roots = []
                for w in argv[1:]:
                    if w.text.startswith(("-", "(", "!")):
                        break
                    roots.append(w)
                found = [Word(r.text.rstrip("/") + "/{}", r.vars, r.dynamic, r.quoted) for r in roots or [Word(".")]]
            i = 1
            while i < len(argv):
                if argv[i].text in flags or (name == "parallel" and i == 1):
                    start = i + 1 if name != "parallel" else i
                    end = start
                    while end < len(argv) and argv[end].text not in (";", "+", ":::"):
                        end += 1
                    nested: list[Word] = []
                    for w in argv[start:end]:
                        nested.extend(found if "{}" in w.text else [w])
                    if name == "parallel" and not any(w.dynamic for w in nested):
                        nested.append(_placeholder())
                    if nested:
                        self.unwrap(cmd._replace(argv=tuple(nested), piped_from=None, assigns=(),
                                                 via=cmd.via + (f"{name} -exec",), depth=cmd.depth + 1))
                    i = end + 1
                    if name == "parallel":
                        return
                else:
                    i += 1


def parse_all(text: str) -> tuple[list[Command], bool]:
    """(every simple command the string would run, whether some part was too deeply nested or
    too long to inspect). Wrappers are unwrapped and substitutions included."""
    unwrapper = _Unwrapper()
    unwrapper.parse(text, 0, ())
    return unwrapper.out, unwrapper.truncated


def parse(text: str) -> list[Command]:
    return parse_all(text)[0]
