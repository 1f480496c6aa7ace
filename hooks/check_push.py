"""The `credwall-push` pre-push hook: scans the commits a push sends, with the same engine,
configuration and baseline as every other entry point (what a push sends: credwall/push.py).

Exit 0 clean (or nothing to push), 1 findings, 2 any error: a push it could not check is
refused."""

from __future__ import annotations

import argparse
import gc
import os
import sys

from credwall.options import EXIT_CLEAN, EXIT_ERROR, Parser, add_output_options

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

HOOK_ID = "credwall-push"


def main(argv: Sequence[str] | None = None) -> int:
    gc.disable()  # short-lived: see credwall.cli.main
    parser = Parser(prog=HOOK_ID, description=__doc__.splitlines()[0])
    parser.add_argument("--from-ref", metavar="REV", help="the remote's old tip (default: $PRE_COMMIT_FROM_REF)")
    parser.add_argument("--to-ref", metavar="REV", help="what is pushed (default: $PRE_COMMIT_TO_REF, else HEAD)")
    parser.add_argument("--remote", metavar="NAME", help="commits this remote has are not scanned "
                                                          "(default: $PRE_COMMIT_REMOTE_NAME, else every remote)")
    parser.add_argument("filenames", nargs="*", help=argparse.SUPPRESS)  # pass_filenames: false; ignored
    add_output_options(parser)
    args = parser.parse_args(argv)
    try:
        from credwall.engine.session import Engine
        from credwall.push import advise, scan_push
        from credwall.report import emit

        engine = Engine.load(args.config, args.baseline, use_baseline=not args.no_baseline)
        result = scan_push(engine, os.environ, args.from_ref, args.to_ref, args.remote)
        if result is None:
            print(f"{HOOK_ID}: nothing to scan: the push deletes a ref", file=sys.stderr)
            return EXIT_CLEAN
        if result.empty is not None:
            print(f"{HOOK_ID}: nothing to scan: every commit being pushed is already on the remote", file=sys.stderr)
            return EXIT_CLEAN
        code = emit(result, args.format, args.color, engine)
        advise(result)
        return code
    except Exception as exc:  # fail closed: a push we could not check is refused
        print(f"{HOOK_ID}: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(f"{HOOK_ID}: the push was not checked, so it is refused", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
