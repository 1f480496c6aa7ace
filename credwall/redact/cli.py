"""`credwall redact [FILE ...]`: its arguments, the summary line on stderr, and its exit codes.

Exit codes: 0 done (whether or not anything was redacted); with --check, 1 when something would
be redacted; 2 usage, configuration or read error, or a regex that ran out of time (its line is
then redacted whole, so the output still leaks nothing).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Callable, Sequence

from .redactor import Redactor
from .stream import Output, Stats, redact_file, redact_in_place, redact_stream

if TYPE_CHECKING:
    from typing import Any

EXIT_OK, EXIT_WOULD_REDACT, EXIT_ERROR = 0, 1, 2


def summary(stats: Stats, files: int, check: bool) -> str:
    verb = "would redact" if check else "redacted"
    what = f"{stats.bytes / 1e6:,.1f} MB" + (f" in {files} files" if files > 1 else "")
    if not stats.labels:
        return f"credwall: redact: {what}, nothing to redact"
    detail = ", ".join(f"{label} {count:,}" for label, count in sorted(stats.labels.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"credwall: redact: {what}, {verb} {stats.redactions:,} ({detail})"


def build_parser() -> Any:
    import argparse

    parser = argparse.ArgumentParser(
        prog="credwall redact",
        description="Copy text with every secret replaced by [REDACTED:rule-id]; all other bytes unchanged.")
    parser.add_argument("files", nargs="*", metavar="FILE", help="files to redact (default, or -: stdin)")
    parser.add_argument("-i", "--in-place", action="store_true",
                        help="rewrite each FILE, keeping the original as FILE.bak")
    parser.add_argument("--no-backup", action="store_true", help="with --in-place: keep no FILE.bak")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if anything would be redacted")
    parser.add_argument("--emails", action="store_true", help="also redact e-mail addresses")
    parser.add_argument("--ips", action="store_true", help="also redact IPv4 and IPv6 addresses")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: CPU count)")
    parser.add_argument("--config", metavar="FILE", default=None,
                        help="a .credwall.toml or pyproject.toml (default: the nearest one, walking up)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary line on stderr")
    return parser


def redact_main(argv: Sequence[str] | None = None) -> int:
    """`credwall redact [FILE ...]`: argv is what follows `redact`. Returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    files = args.files or ["-"]
    problems = []
    if args.in_place and "-" in files:
        problems.append("--in-place needs FILE arguments (not stdin)")
    if args.no_backup and not args.in_place:
        problems.append("--no-backup only goes with --in-place")
    if args.in_place and args.check:
        problems.append("--check and --in-place exclude each other")
    if files.count("-") > 1:
        problems.append("stdin (-) can be read only once")
    if args.jobs is not None and args.jobs < 1:
        problems.append("--jobs must be at least 1")
    if problems:
        parser.print_usage(sys.stderr)
        for problem in problems:
            print(f"credwall redact: error: {problem}", file=sys.stderr)
        return EXIT_ERROR
    try:
        from ..engine.session import load_config, load_matcher

        redactor = Redactor(load_matcher(load_config(args.config)), emails=args.emails, ips=args.ips)
    except Exception as exc:  # noqa: BLE001 - a bad config or rule pack: say so, exit 2
        print(f"credwall redact: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    total = Stats()
    errors = 0
    out = Output(None if args.check or args.in_place else sys.stdout.buffer)
    try:
        for name in files:
            try:
                if args.in_place:
                    stats = redact_in_place(redactor, name, backup=not args.no_backup, jobs=args.jobs)
                elif name == "-":
                    stats = redact_stream(redactor, _stdin_reader(), out, args.jobs)
                else:
                    stats = redact_file(redactor, name, out, args.jobs)
            except BrokenPipeError:  # the reader has gone: not this file's fault (handled below)
                raise
            except OSError as exc:
                errors += 1
                reason = exc.strerror or str(exc)
                print(f"credwall redact: error: {name}: {reason}", file=sys.stderr)
                continue
            total.bytes += stats.bytes
            total.labels.update(stats.labels)
        out.flush()
    except BrokenPipeError:  # `credwall redact big.log | head`: the reader has gone
        _silence_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        print("credwall redact: interrupted", file=sys.stderr)
        return EXIT_ERROR
    if redactor.timeouts:
        errors += 1
        print(f"credwall redact: error: a rule's regex ran out of time on {redactor.timeouts} line(s); "
              "they were redacted whole as [REDACTED:timeout]", file=sys.stderr)
    if not args.quiet:
        print(summary(total, len(files), args.check), file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if args.check and total.redactions:
        return EXIT_WOULD_REDACT
    return EXIT_OK


def _stdin_reader() -> Callable[[int], bytes]:
    stdin = sys.stdin.buffer
    return getattr(stdin, "read1", stdin.read)  # read1: take what the pipe has, don't wait to fill


def _silence_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
