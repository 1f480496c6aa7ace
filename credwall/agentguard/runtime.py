"""Commands whose program, script or code is only known when they run, each an ask: a program
name built from variables or substitutions (`$X .env`, `$(echo rm) -rf ~`), a shell or `eval`
given a script computed at run time (`sh -c "$(… | base64 -d)"`), and code piped or streamed
into a shell or interpreter from anywhere the command string does not show: a download (`curl …
| sh`, `bash <(curl …)`) or a decoder. Nothing the guard reads tells what such a command does, so
a person should look first."""

from __future__ import annotations

from .code import INTERPRETERS
from .inputs import piped_text
from .shell import PROCSUB, SUBST, Command, Word

SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "yash", "busybox"})
_DOWNLOADERS = frozenset({"curl", "wget", "fetch", "http", "https", "xh", "xhs", "aria2c", "iwr",
                          "invoke-webrequest", "lynx", "links"})


def runtime_asks(cmd: Command) -> list[tuple[str, str]]:
    """(rule, why) for each part of this command that is only known at run time."""
    out: list[tuple[str, str]] = []
    if cmd.argv and cmd.argv[0].dynamic:
        out.append(("unknown-program", f"runs a program only known at run time ({cmd.argv[0].text!r})"))
        return out
    name = cmd.name
    if name == "eval" and any(w.dynamic for w in cmd.argv[1:]):
        out.append(("unknown-script", "evaluates a script only known at run time"))
    elif name in ("source", "."):
        script = cmd.argv[1] if len(cmd.argv) > 1 else None
        if script is not None and (script.dynamic or _streamed(script)):
            out.append(("remote-code" if _downloads(script) else "unknown-script",
                        f"sources a script {'downloaded from the network' if _downloads(script) else 'only known at run time'}"))
    elif name in SHELLS or name in INTERPRETERS:
        source, script = _script_source(cmd)
        if source == "dynamic":
            remote = script is not None and _downloads(script)
            out.append(("remote-code" if remote else "unknown-script",
                        f"runs a {name} script {'downloaded from the network' if remote else 'only known at run time'}"))
        elif source == "stream":
            remote = script is not None and _downloads(script)
            out.append(("remote-code" if remote else "unknown-script",
                        f"runs {'code downloaded from the network' if remote else 'a script streamed in at run time'}"
                        f" without showing it"))
        elif source == "pipe":
            producer = cmd.piped_from
            remote = producer is not None and producer.name in _DOWNLOADERS
            what = f"code downloaded by {producer.name}" if remote and producer else "code piped in from another command"
            out.append(("remote-code" if remote else "unknown-script", f"runs {what} without showing it"))
    return out


def _script_source(cmd: Command) -> tuple[str | None, Word | None]:
    """Where a shell or interpreter gets its program: dynamic (a -c script known at run time),
    stream (a process substitution), pipe (stdin, from a command whose output is not shown),
    or None (a file, inline code or a here-document: nothing to ask)."""
    name = cmd.name
    code_flags = ("-c",) if name in SHELLS else INTERPRETERS.get(name, ())
    argv = cmd.argv[1:]
    for i, w in enumerate(argv):
        text = w.text
        if text in code_flags or (name in SHELLS and text.startswith("-") and not text.startswith("--") and "c" in text[1:]):
            script = argv[i + 1] if i + 1 < len(argv) else None
            return ("dynamic" if script is not None and script.dynamic and not _streamed(script) else None), script
        if _streamed(w):
            return "stream", w
        if text in ("-", "-s") or text == "--":
            break
        if not text.startswith("-") and not text.startswith("+"):
            return ("dynamic" if w.dynamic else None), w  # a script file
        if name in ("perl", "ruby") and text.startswith("-") and text.endswith(("e", "E")) and len(text) > 1:
            return None, None  # perl -ne CODE
    if cmd.stdin is not None or cmd.piped_from is None:
        return None, None  # a here-document (parsed), or an interactive shell
    if piped_text(cmd.piped_from) is not None or (cmd.piped_from.name == "cat" and cmd.piped_from.args):
        return None, None  # a static text (parsed), or a local file like `bash script.sh`
    return "pipe", None


def _streamed(word: Word) -> bool:
    return any(p.kind == PROCSUB for p in word.parts)


def _downloads(word: Word) -> bool:
    """Does the word's value come from a download (`$(curl …)`, `<(wget …)`)?"""
    return any(p.kind in (PROCSUB, SUBST) and any(d in p.ref.split() for d in _DOWNLOADERS) for p in word.parts)
