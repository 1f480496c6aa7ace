"""What every file hook shares: pre-commit's file names in, the one pipeline over them, the
report out, an exit code back. A hook module names its hook id; the kinds of file it checks
come from credwall.analysers.registry.HOOK_KINDS (`credwall` checks every kind)."""

from __future__ import annotations

import gc
import sys

from .options import EXIT_ERROR, Parser, add_output_options

TYPE_CHECKING = False  # no `typing` before git starts: see credwall.cli
if TYPE_CHECKING:
    from typing import Sequence


# Options of the file hooks that take their value as the next word (`--config FILE`).
_VALUE_OPTIONS = frozenset({"--format", "--color", "--config", "--baseline"})


def split_argv(argv: Sequence[str]) -> list[str]:
    """pre-commit runs `entry [args from the config] file…` with no `--` between them, so a staged
    file named `-h` or `--format=json` would be read as an option (printing help and passing the
    commit, or changing the report). pre-commit passes only files that exist, so a word naming an
    existing path is a file name, whatever it looks like; any other word starting with `-` is an
    option (with the next word as its value for an option that takes one); the rest are file
    names. Returns the options, `--`, then the file names."""
    import os

    options: list[str] = []
    files: list[str] = []
    words = list(argv)
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            files.extend(words[i + 1:])
            break
        if os.path.lexists(word) or not word.startswith("-") or word == "-":
            files.append(word)
        else:
            options.append(word)
            if word in _VALUE_OPTIONS and i + 1 < len(words):
                options.append(words[i + 1])
                i += 1
        i += 1
    return [*options, "--", *files]


def run_hook(hook_id: str, description: str, argv: Sequence[str] | None) -> int:
    """A hook's main. Any error, or an interrupt, is exit 2 with a message: an error is never a
    passed commit."""
    try:
        return _run_hook(hook_id, description, argv)
    except KeyboardInterrupt:
        print(f"{hook_id}: interrupted: the commit was not checked", file=sys.stderr)
        return EXIT_ERROR


def _run_hook(hook_id: str, description: str, argv: Sequence[str] | None) -> int:
    gc.disable()  # a short-lived process that makes no cycles worth collecting
    parser = Parser(prog=hook_id, description=description)
    parser.add_argument("filenames", nargs="*", help="files to check (pre-commit passes them)")
    add_output_options(parser)
    args = parser.parse_args(split_argv(sys.argv[1:] if argv is None else argv))
    try:
        from .sources import git

        root = git.toplevel() if args.filenames else None
        diff = git.start_staged_diff(root) if root is not None else None  # git runs while rules load
        from .analysers.registry import HOOK_KINDS
        from .engine.session import Engine
        from .report import emit
        from .scan import scan_filenames

        engine = Engine.load(args.config, args.baseline, use_baseline=not args.no_baseline)
        config = engine.config
        result = scan_filenames(engine.matcher, args.filenames, root=root, diff=diff, excluded=config.excluder(),
                                max_bytes=config.max_file_bytes, kinds=HOOK_KINDS[hook_id])
        return emit(result, args.format, args.color, engine)
    except Exception as exc:  # fail closed
        print(f"{hook_id}: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR
