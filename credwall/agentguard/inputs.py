"""What one command hands the next, for the commands that run others on it: the names a
pipeline's previous stage prints (a static `echo`/`printf`, `find`, `fd`, `git ls-files`, with
line filters such as `grep` passing a subset on) as `xargs` reads them, the paths `find -exec`
and `fd -x` put in place of `{}`, and a static text piped into a shell or interpreter. Paths are
words with a FilePattern when only their names are known; anything else is a placeholder whose
value is unknown."""

from __future__ import annotations

import posixpath

from .expand import ShellState, _printf
from .shell import QUOTED, Command, FilePattern, Part, Word

_FIND_NAME_TESTS = frozenset({"-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-regex", "-iregex"})
_FD_VALUE_OPTS = frozenset({"-d", "--max-depth", "--min-depth", "--exact-depth", "-t", "--type", "-E", "--exclude",
                            "-j", "--threads", "-S", "--size", "--changed-within", "--changed-before", "-o",
                            "--owner", "--max-results", "--base-directory", "--path-separator", "-c", "--color"})
# Commands that pass on some of the lines they read (a subset of file names stays file names).
_LINE_FILTERS = frozenset({"grep", "egrep", "fgrep", "head", "tail", "sort", "uniq", "shuf", "tac"})


def placeholder() -> Word:
    """An argument whose value arrives at run time (xargs input, find's {})."""
    return Word("<stdin>", dynamic=True)


def producer(shell: ShellState, prev: Command | None, separator: str | None = None) -> list[Word]:
    """Words for the names a pipeline's previous stage prints, as xargs will read them."""
    if prev is None:
        return [placeholder()]
    name, args = prev.name, prev.args
    if name in _LINE_FILTERS and len(_file_operands(name, args)) == 0:
        return producer(shell, prev.piped_from, separator)  # a subset of what came in
    if name in ("echo", "printf"):
        if any(w.dynamic for w in prev.argv[1:]) or not args:
            return [placeholder()]
        if name == "echo":
            flags = 0
            while flags < len(args) and args[flags] in ("-n", "-e", "-E"):
                flags += 1
            text = " ".join(args[flags:])
        else:
            from .expand import _printf

            text = _printf(args[0], list(args[1:]))
        names = text.split(separator) if separator else text.split()
        return [Word(n, quoted=True, parts=(Part(QUOTED, n),)) for n in names if n][:256] or [placeholder()]
    if name == "find":
        return find_set(shell, list(prev.argv))
    if name in ("fd", "fdfind"):
        return fd_set(shell, list(prev.argv))
    if name == "git" and args[:1] == ("ls-files",) and not {"-o", "--others"} & set(args):
        specs = [a for a in args[1:] if not a.startswith("-")]
        if specs:
            root = shell.dir or ""
            return [Word("./{}", parts=(Part(QUOTED, "./{}"),),
                         pattern=FilePattern(root, spec.rsplit("/", 1)[-1], True, True)) for spec in specs]
    return [placeholder()]

def _root(shell: ShellState, word: Word) -> str:
    """A search root as an absolute path, or "" when the directory is not known here."""
    if word.dynamic:
        return ""
    if word.text.startswith("/"):
        return posixpath.normpath(word.text)
    if shell.dir is None:
        return ""
    return posixpath.normpath(posixpath.join(shell.dir, word.text))

def find_set(shell: ShellState, argv: list[Word]) -> list[Word]:
    """Words for the paths `find` prints: `ROOT/{}`, with the names its tests allow."""
    i = 1
    while i < len(argv) and argv[i].text in ("-H", "-L", "-P"):
        i += 1
    roots: list[Word] = []
    while i < len(argv) and not argv[i].text.startswith(("-", "(", "!")):
        roots.append(argv[i])
        i += 1
    names: list[tuple[str, bool, bool]] = []  # (pattern, regex, case-insensitive)
    directories = negate = False
    while i < len(argv) and argv[i].text not in ("-exec", "-execdir", "-ok", "-okdir"):
        test = argv[i].text
        value = argv[i + 1].text if i + 1 < len(argv) else ""
        if test in ("!", "-not"):
            negate = True
            i += 1
            continue
        if test in _FIND_NAME_TESTS and i + 1 < len(argv):
            if not negate:
                regex = "regex" in test
                names.append((value if regex else value.rsplit("/", 1)[-1], regex, test.startswith("-i")))
            i += 2
        elif test == "-type" and i + 1 < len(argv):
            directories = value == "d" and not negate
            i += 2
        else:
            i += 1
        negate = False
    out: list[Word] = []
    for root in roots or [Word(".")]:
        text = root.text.rstrip("/") + "/{}"
        base = Word(text, root.vars, root.dynamic, root.quoted, (Part(QUOTED, text),))
        if directories:
            out.append(base)
            continue
        path = _root(shell, root)
        for pattern, regex, fold in names or [("*", False, False)]:
            out.append(base._replace(pattern=FilePattern(path, pattern.lower() if fold else pattern, True, True, regex)))
    return out

def fd_set(shell: ShellState, argv: list[Word]) -> list[Word]:
    """Words for the paths `fd` prints: a regex (or `-e`/`-g`) over names under its roots."""
    hidden = False
    patterns: list[tuple[str, bool]] = []
    positional: list[Word] = []
    i = 1
    while i < len(argv):
        a = argv[i].text
        if a in ("-x", "--exec", "-X", "--exec-batch"):
            break
        if a in ("-H", "--hidden", "-u", "--unrestricted", "-uu"):
            hidden = True
        elif a in ("-e", "--extension") and i + 1 < len(argv):
            patterns.append(("*." + argv[i + 1].text.lstrip("."), False))
            i += 1
        elif a in ("-g", "--glob"):
            patterns.append((argv[i + 1].text if i + 1 < len(argv) else "*", False))
            i += 1
        elif a in _FD_VALUE_OPTS:
            i += 1
        elif not a.startswith("-"):
            positional.append(argv[i])
        i += 1
    if positional and not any(g for g, _ in patterns if g != "*"):
        patterns.insert(0, (positional.pop(0).text, True))
    out: list[Word] = []
    for root in positional or [Word(".")]:
        text = root.text.rstrip("/") + "/{}"
        base = Word(text, root.vars, root.dynamic, root.quoted, (Part(QUOTED, text),))
        for pattern, regex in patterns or [("", True)]:
            out.append(base._replace(pattern=FilePattern(_root(shell, root), pattern or "*", True, hidden,
                                                         regex and bool(pattern))))
    return out


def piped_text(prev: Command | None) -> str | None:
    """What the previous stage of a pipeline prints, when the command string shows it: the
    words of a static `echo`/`printf`, or a here-document handed to `cat`."""
    if prev is None:
        return None
    if prev.name in ("echo", "printf") and prev.argv[1:] and not any(w.dynamic for w in prev.argv[1:]):
        args = [w.text for w in prev.argv[1:]]
        if prev.name == "printf":
            return _printf(args[0], args[1:])
        return " ".join(a for a in args if a not in ("-n", "-e", "-E"))
    if prev.name == "cat" and prev.stdin is not None and not prev.args:
        return prev.stdin
    return None


def fill(template: list[Word], marker: str, inputs: list[Word]) -> list[Word]:
    """The command with the inputs put where the marker is (or after it, when it has none)."""
    if not any(marker in w.text for w in template):
        return template + inputs
    out: list[Word] = []
    for w in template:
        if marker not in w.text:
            out.append(w)
            continue
        for value in inputs:
            text = w.text.replace(marker, value.text)
            out.append(Word(text, value.vars, value.dynamic, True, (Part(QUOTED, text),), value.pattern))
    return out


def _file_operands(name: str, args: tuple[str, ...]) -> list[str]:
    """Operands of a line filter that are files (a filter with none reads its stdin)."""
    operands = [a for a in args if not (a.startswith("-") and len(a) > 1)]
    if name in ("grep", "egrep", "fgrep") and not any(a in ("-e", "-f") or a.startswith(("-e", "-f")) for a in args):
        operands = operands[1:]  # the pattern
    if name in ("head", "tail"):
        operands = [a for a in operands if not a.isdigit()]
    return operands
