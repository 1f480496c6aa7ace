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


def run_hook(hook_id: str, description: str, argv: Sequence[str] | None) -> int:
    """A hook's main. Any error is exit 2 with a message: an error is never a passed commit."""
    gc.disable()  # a short-lived process that makes no cycles worth collecting
    parser = Parser(prog=hook_id, description=description)
    parser.add_argument("filenames", nargs="*", help="files to check (pre-commit passes them)")
    add_output_options(parser)
    args = parser.parse_args(argv)
    try:
        from .sources import git

        root = git.toplevel() if args.filenames else None
        diff = git.start_staged_diff(root) if root is not None else None  # git runs while rules load
        from .analysers.registry import HOOK_KINDS
        from .engine.session import Engine
        from .report import emit
        from .scan import scan_filenames

        engine = Engine.load(args.config, args.baseline)
        config = engine.config
        result = scan_filenames(engine.matcher, args.filenames, root=root, diff=diff, excluded=config.excluder(),
                                max_bytes=config.max_file_bytes, kinds=HOOK_KINDS[hook_id])
        return emit(result, args.format, args.color, engine)
    except KeyboardInterrupt:
        print(f"{hook_id}: interrupted: the commit was not checked", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # fail closed
        print(f"{hook_id}: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR
