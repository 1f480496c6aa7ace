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

from .lazyre import LazyRe

__all__ = ["LazyRe"]  # where the guard's modules long found it

MAX_DEPTH = 8  # nested bash -c / $(…) levels followed
MAX_COMMANDS = 2000  # simple commands returned for one string, whatever its size

_OPERATOR_CHARS = frozenset(";&|()\n")
_REDIRECT_CHARS = frozenset("<>")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGN_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=")
_KEYWORDS = frozenset({"!", "if", "then", "else", "elif", "do", "while", "until", "{", "}", "fi", "done", "esac"})


# Kinds of the parts of a word: what the shell does with each when it expands the word.
LIT = "lit"  # unquoted text: brace, tilde and pathname expansion apply
QUOTED = "quoted"  # quoted or escaped text: taken as it is
VAR = "var"  # $NAME or ${NAME}: the variable's value (ref = NAME)
SUBST = "subst"  # $(…) or `…`: the command's output (ref = the command)
PROCSUB = "procsub"  # <(…) or >(…): a file that streams the command's output (ref = the command)
EXPR = "expr"  # anything else: ${X:-y}, $1, $@, $((…)) (unknown)


class Part(NamedTuple):
    kind: str
    text: str  # the literal text, or the expansion as written (`$F`, `$(echo x)`)
    quoted: bool = False  # an expansion inside double quotes: no field splitting or globbing
    ref: str = ""  # VAR: the name; SUBST, PROCSUB: the command inside


class FilePattern(NamedTuple):
    """The files a word stands for when only a pattern is known: an unmatched glob in a
    directory that cannot be listed, or what `find`/`fd`/`xargs` hand to a command."""

    root: str  # the directory searched ("" for a glob relative to an unknown directory)
    name: str  # a glob (or, for fd, a regex) over file names; "*" for any
    recursive: bool = False  # any depth below root (find), else root/name
    dotfiles: bool = True  # can the pattern match names that start with a dot without naming the dot
    regex: bool = False  # name is a regular expression (fd), searched in the file name


class Word(NamedTuple):
    """One shell word with quotes removed. `text` keeps expansions as written (`$F`) until
    credwall.agentguard.expand resolves what it can."""

    text: str
    vars: tuple[str, ...] = ()  # parameters this word expands ($X, ${X…}); not inside '…'
    dynamic: bool = False  # holds an expansion or a command substitution whose value is unknown
    quoted: bool = False  # some part was quoted (so a `*` may be literal)
    parts: tuple[Part, ...] = ()  # how the word was written; () for a word made up by the parser
    pattern: FilePattern | None = None  # the files it stands for, when only a pattern is known
    glob: str = ""  # the glob this word is one match of (`*` for each file `rm -rf *` removes)


class Command(NamedTuple):
    """One simple command, after wrappers are unwrapped."""

    argv: tuple[Word, ...]
    assigns: tuple[str, ...] = ()  # NAME=value words before the program (and from `env`)
    redirects: tuple[tuple[str, Word], ...] = ()  # (operator, target), e.g. (">", out.txt)
    stdin: str | None = None  # here-document or here-string text
    piped_from: Command | None = None  # the previous stage of a pipeline, if any
    via: tuple[str, ...] = ()  # wrappers it came through: "sudo", "bash -c", "ssh prod-db", …
    depth: int = 0
    cwd: str | None = None  # the directory it runs in, when the hook's cwd and the `cd`s tell

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
            start = self.i - 1
            self._substitution(self.i + 1, ")")
            inner = self.substitutions[-1]
            self.current.words.append(Word("<(…)", dynamic=True, parts=(Part(PROCSUB, s[start:self.i], False, inner),)))
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

    def _dollar(self, parts: list[Part], names: list[str], quoted: bool) -> None:
        """At a `$`: append the part it starts (an expansion, or a lone `$` as text)."""
        s, i = self.s, self.i
        nxt = s[i + 1] if i + 1 < self.n else ""
        if s.startswith("$((", i):
            self._substitution(i + 3, ")")
            if self.i < self.n and s[self.i] == ")":
                self.i += 1
            self.substitutions.pop()  # arithmetic, not a command
            parts.append(Part(EXPR, s[i:self.i], quoted))
            return
        if nxt == "(":
            self._substitution(i + 2, ")")
            parts.append(Part(SUBST, s[i:self.i], quoted, self.substitutions[-1]))
            return
        if nxt == "{":
            end = s.find("}", i + 2)
            end = self.n if end < 0 else end + 1
            inner = s[i + 2:end - 1]
            name = _NAME_RE.match(inner.lstrip("!#"))
            if name:
                names.append(name.group(0))
            self.i = end
            if _NAME_RE.fullmatch(inner):
                parts.append(Part(VAR, s[i:end], quoted, inner))
            else:
                parts.append(Part(EXPR, s[i:end], quoted))
            return
        name = _NAME_RE.match(s, i + 1)
        if name:
            names.append(name.group(0))
            parts.append(Part(VAR, s[i:name.end()], quoted, name.group(0)))
            self.i = name.end()
            return
        if nxt and nxt in "@*#?$!-0123456789":
            parts.append(Part(EXPR, s[i:i + 2], quoted))
            self.i = i + 2
            return
        _literal(parts, "$", quoted)
        self.i = i + 1

    def _backticks(self, parts: list[Part], quoted: bool) -> None:
        start = self.i
        self._substitution(self.i + 1, "`")
        parts.append(Part(SUBST, self.s[start:self.i], quoted, self.substitutions[-1]))

    def _word(self) -> Word | None:
        s = self.s
        parts: list[Part] = []
        names: list[str] = []
        quoted = False
        while self.i < self.n:
            c = s[self.i]
            if c in " \t\r\n" or c in _OPERATOR_CHARS or c in _REDIRECT_CHARS:
                break
            if c == "\\":
                if self.i + 1 < self.n and s[self.i + 1] == "\n":
                    self.i += 2
                    continue
                _literal(parts, s[self.i + 1:self.i + 2], True)
                self.i += 2
                quoted = True
            elif c == "'":
                end = s.find("'", self.i + 1)
                end = self.n if end < 0 else end
                _literal(parts, s[self.i + 1:end], True)
                self.i = end + 1
                quoted = True
            elif c == "$" and s.startswith("$'", self.i):
                end = self.i + 2
                while end < self.n and s[end] != "'":
                    end += 2 if s[end] == "\\" else 1
                _literal(parts, _ansi_c(s[self.i + 2:end]), True)
                self.i = end + 1
                quoted = True
            elif c == '"':
                quoted = True
                self.i += 1
                while self.i < self.n and s[self.i] != '"':
                    d = s[self.i]
                    if d == "\\" and self.i + 1 < self.n and s[self.i + 1] in '$`"\\\n':
                        if s[self.i + 1] != "\n":
                            _literal(parts, s[self.i + 1], True)
                        self.i += 2
                    elif d == "$":
                        self._dollar(parts, names, True)
                    elif d == "`":
                        self._backticks(parts, True)
                    else:
                        _literal(parts, d, True)
                        self.i += 1
                self.i += 1
            elif c == "$":
                self._dollar(parts, names, False)
            elif c == "`":
                self._backticks(parts, False)
            else:
                _literal(parts, c, False)
                self.i += 1
        if not parts and not quoted:
            if self.i < self.n and s[self.i] not in " \t\r\n" and s[self.i] not in _OPERATOR_CHARS \
                    and s[self.i] not in _REDIRECT_CHARS:
                self.i += 1  # never loop on a character nothing consumes
            return None
        dynamic = any(p.kind not in (LIT, QUOTED) for p in parts)
        return Word("".join(p.text for p in parts), tuple(names), dynamic, quoted, tuple(parts))


def _literal(parts: list[Part], text: str, quoted: bool) -> None:
    """Append literal text, merged into the previous part when it is of the same kind."""
    if not text:
        return
    kind = QUOTED if quoted else LIT
    if parts and parts[-1].kind == kind:
        parts[-1] = Part(kind, parts[-1].text + text)
    else:
        parts.append(Part(kind, text))


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
    "xargs": ((), frozenset({"-I", "-L", "-n", "-P", "-s", "-d", "-E", "-a", "--arg-file", "--delimiter",
                             "--max-args", "--max-procs", "--max-lines", "--max-chars"})),
    "chroot": ((), frozenset({"--userspec", "--groups"})),
}
_SSH_VALUE_OPTS = frozenset("-b -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w -B -P".split())
_DOCKER_EXEC_VALUE_OPTS = frozenset({"-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file", "--detach-keys",
                                     "--index"})
_DOCKER_RUN_VALUE_OPTS = _DOCKER_EXEC_VALUE_OPTS | frozenset(
    "-v --volume -p --publish --name --network --net --entrypoint --mount -l --label --platform --pull -m --memory "
    "--cpus --hostname -h --add-host --device --restart --log-driver --log-opt --cap-add --cap-drop --security-opt "
    "--tmpfs --ulimit --gpus --runtime --ipc --pid --shm-size --stop-signal --dns --link --volumes-from --cidfile "
    "--label-file -a --attach --expose --ip --group-add --cpu-shares -c --memory-swap --userns --uts".split())



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


class _Unwrapper:
    def __init__(self, cwd: str | None = None) -> None:
        from .expand import ShellState

        self.out: list[Command] = []
        self.truncated = False  # something was not inspected (too deep, too many commands)
        self.shell = ShellState(cwd)

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
                words = list(raw.words)
                while words and words[0].text in _KEYWORDS and not words[0].quoted:
                    words.pop(0)
                self.shell.statement(words)
                cmd = Command(tuple(self._expand(words)), (), tuple(self._expand_redirects(raw.redirects)), raw.stdin,
                              previous, via, depth, self.shell.dir)
                previous = cmd
                self.unwrap(cmd)

    def _expand(self, words: list[Word]) -> list[Word]:
        """The command's words as the shell hands them over; `NAME=value` prefixes as written."""
        out: list[Word] = []
        for index, word in enumerate(words):
            if index == len(out) and _ASSIGN_RE.match(word.text) and not word.quoted:
                out.append(word)
            else:
                out.extend(self.shell.expand(word))
        return out

    def _expand_redirects(self, redirects: list[tuple[str, Word]]) -> list[tuple[str, Word]]:
        out = []
        for op, target in redirects:
            fields = self.shell.expand(target) if not op.endswith("&") else [target]
            out.append((op, fields[0] if len(fields) == 1 else target._replace(dynamic=True)))
        return out

    def _elsewhere(self, text: str, depth: int, via: tuple[str, ...]) -> None:
        """Parse a command that runs on another machine or in a container: its relative paths
        do not point at this directory."""
        saved = self.shell.dir
        self.shell.dir = None
        try:
            self.parse(text, depth, via)
        finally:
            self.shell.dir = saved

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
                    inner = self._xargs(argv[:rest], inner, cmd.piped_from)
                argv, via = inner, via + (name,)
                continue
            if name in _SHELLS:
                self._shell(current, name)
                return
            if name == "eval":
                if any(w.dynamic for w in argv[1:]):
                    self.add(current)  # a script only known at run time
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
            if name in ("ssh", "docker", "podman", "kubectl", "oc", "find", "fd", "fdfind", "parallel"):
                self._remote_or_nested(current, name)
                return
            self.add(current)
            self._interpreter(current, name)
            return

    def _xargs(self, options: list[Word], template: list[Word], prev: Command | None) -> list[Word]:
        """xargs's command with its input in place: `-I R` puts each input where R is, else
        the inputs go at the end."""
        words = [w.text for w in options]
        marker = separator = None
        for i, w in enumerate(words):
            if w == "-I" and i + 1 < len(words):
                marker = words[i + 1]
            elif w.startswith("-I") and len(w) > 2:
                marker = w[2:]
            elif w in ("-i", "--replace"):  # GNU: the replace string is optional and attached
                marker = "{}"
            elif w.startswith("-i"):
                marker = w[2:]
            elif w.startswith("--replace="):
                marker = w.split("=", 1)[1]
            elif w in ("-0", "--null"):
                separator = "\0"
            elif w in ("-d", "--delimiter") and i + 1 < len(words):
                separator = words[i + 1].replace("\\n", "\n")
        from .inputs import fill, placeholder, producer

        if any(w in ("-a", "--arg-file") or w.startswith("--arg-file=") for w in words):
            inputs = [placeholder()]
        else:
            inputs = producer(self.shell, prev, separator)
        return fill(template, marker, inputs) if marker else template + inputs

    def _interpreter(self, cmd: Command, name: str) -> None:
        """Shell commands that inline interpreter code runs (`os.system('…')`, `system("…")`)."""
        from .code import INTERPRETERS, embedded_shell, interpreter_code

        if name not in INTERPRETERS:
            return
        code = interpreter_code(cmd)
        if code:
            for line in embedded_shell(code, name):
                self.parse(line, cmd.depth + 1, cmd.via + (f"{name} code",))

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
                    if argv[i + 1].dynamic:
                        self.add(cmd)  # a script only known at run time
                    self.parse(argv[i + 1].text, cmd.depth + 1, cmd.via + (f"{name} -c",))
                return
            if word == "-s" or word == "-":
                break  # the script comes on stdin
            if not word.startswith("-") and not word.startswith("+"):
                self.add(cmd)  # `bash script.sh`: the script is not read
                return
        from .inputs import piped_text

        script = cmd.stdin if cmd.stdin is not None else piped_text(cmd.piped_from)
        if script is not None:  # bash <<EOF … EOF, bash <<< '…', echo '…' | bash
            self.parse(script, cmd.depth + 1, cmd.via + (name,))
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
                self._elsewhere(" ".join(w.text for w in argv[host + 1:]), cmd.depth + 1,
                                cmd.via + (f"ssh {argv[host].text}",))
            return
        if name in ("docker", "podman"):
            self._container(cmd, name, argv)
            return
        if name in ("kubectl", "oc"):
            words = [w.text for w in argv]
            if "exec" in words and "--" in words:
                inner = argv[words.index("--") + 1:]
                if inner:
                    self.unwrap(cmd._replace(argv=tuple(inner), piped_from=None, assigns=(),
                                             via=cmd.via + (f"{name} exec",), depth=cmd.depth + 1))
            return
        if name == "parallel":
            self._parallel(cmd, argv)
            return
        flags = ("-exec", "-execdir", "-ok", "-okdir") if name == "find" else ("-x", "--exec", "-X", "--exec-batch")
        from .inputs import fd_set, find_set

        found = find_set(self.shell, argv) if name == "find" else fd_set(self.shell, argv)
        i = 1
        while i < len(argv):
            if argv[i].text in flags:
                end = i + 1
                while end < len(argv) and argv[end].text not in (";", "+"):
                    end += 1
                nested: list[Word] = []
                for w in argv[i + 1:end]:
                    nested.extend(found if "{}" in w.text else [w])
                if name == "fd" and not any("{}" in w.text for w in argv[i + 1:end]):
                    nested.extend(found)  # fd appends the path
                if nested:
                    self.unwrap(cmd._replace(argv=tuple(nested), piped_from=None, assigns=(),
                                             via=cmd.via + (f"{name} -exec",), depth=cmd.depth + 1))
                i = end + 1
            else:
                i += 1

    def _container(self, cmd: Command, name: str, argv: list[Word]) -> None:
        """`docker exec CONTAINER cmd…`, `docker run [options] IMAGE cmd…`, `docker compose
        run|exec SERVICE cmd…`: the command inside."""
        words = [w.text for w in argv]
        sub = 2 if len(words) > 2 and words[1] in ("compose", "container") else 1
        if len(words) <= sub or words[sub] not in ("exec", "run"):
            return
        value_opts = _DOCKER_EXEC_VALUE_OPTS if words[sub] == "exec" else _DOCKER_RUN_VALUE_OPTS
        target = _skip_options(argv, sub + 1, value_opts)
        inner = argv[target + 1:]
        entry = next((argv[i + 1] for i in range(sub + 1, target) if words[i] == "--entrypoint"), None)
        entry = entry or next((Word(w.split("=", 1)[1]) for w in words[sub + 1:target] if w.startswith("--entrypoint=")), None)
        if entry is not None:
            inner = [entry, *inner]
        if target < len(argv) and inner:
            self.unwrap(cmd._replace(argv=tuple(inner), piped_from=None, assigns=(),
                                     via=cmd.via + (f"{name} {words[sub]} {argv[target].text}",), depth=cmd.depth + 1))

    def _parallel(self, cmd: Command, argv: list[Word]) -> None:
        """`parallel cmd {} ::: a b`: the command once with every input in place."""
        from .inputs import fill, producer

        words = [w.text for w in argv]
        start = _skip_options(argv, 1, frozenset({"-j", "--jobs", "-S", "--sshlogin", "--delay", "--timeout"}))
        end = next((i for i in range(start, len(words)) if words[i] in (":::", "::::", ":::+")), len(words))
        template = argv[start:end]
        if end < len(words) and words[end] == ":::":
            inputs = [w for w in argv[end + 1:] if w.text not in (":::", "::::", ":::+")]
        else:
            inputs = producer(self.shell, cmd.piped_from)
        nested = fill(template, "{}", inputs)
        if nested:
            self.unwrap(cmd._replace(argv=tuple(nested), piped_from=None, assigns=(),
                                     via=cmd.via + ("parallel",), depth=cmd.depth + 1))

def parse_all(text: str, cwd: str | None = None) -> tuple[list[Command], bool]:
    """(every simple command the string would run, whether some part was too deeply nested or
    too long to inspect). Wrappers are unwrapped, substitutions included, and words expanded
    as far as the string tells (globs against the real directory `cwd`)."""
    unwrapper = _Unwrapper(cwd)
    unwrapper.parse(text, 0, ())
    return unwrapper.out, unwrapper.truncated


def parse(text: str, cwd: str | None = None) -> list[Command]:
    return parse_all(text, cwd)[0]
