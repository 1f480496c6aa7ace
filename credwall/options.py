"""What the `credwall` command and every hook share on the command line: the argument parser
(usage errors exit 2), the output options, and the exit codes."""

from __future__ import annotations

import argparse
import os
import sys

TYPE_CHECKING = False  # `typing` costs ~3 ms; the commit path imports it only after git has started
if TYPE_CHECKING:
    from typing import Any, NoReturn, TextIO

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github", "junit")


class _StdoutUntilReaderLeaves:
    """sys.stdout for a command's output, where a closed pipe is not an error.

    `credwall scan . | head` closes the pipe while credwall still writes. On the first broken
    pipe the rest of the output is dropped, and stdout is pointed at /dev/null so that the
    interpreter's last flush stays quiet too; the command goes on to its summary on stderr and
    its own exit code (findings still exit 1). Only the writes made through this object are
    covered: a broken pipe to a subprocess stays an error."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream  # None: nobody reads the output (any more)

    def write(self, text: str) -> int:
        stream = self._stream
        if stream is not None:
            try:
                stream.write(text)
            except BrokenPipeError:
                self._reader_left(stream)
        return len(text)

    def flush(self) -> None:
        stream = self._stream
        if stream is not None:
            try:
                stream.flush()
            except BrokenPipeError:
                self._reader_left(stream)

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()

    def _reader_left(self, stream: TextIO) -> None:
        self._stream = None
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, stream.fileno())
            finally:
                os.close(devnull)
        except (OSError, ValueError):  # no file descriptor (a test's capture): nothing to silence
            pass


def command_stdout() -> TextIO:
    """Where a command writes its output (a report, a listing, a pack): sys.stdout, except that
    a reader who stops reading early ends the output quietly (see `_StdoutUntilReaderLeaves`)."""
    # Duck-typed: the writers call only write, flush and isatty.
    return _StdoutUntilReaderLeaves(sys.stdout)  # type: ignore[return-value]


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter asks `shutil` for the terminal width, and importing shutil (with
    bz2 and lzma) costs 2 ms on every commit; os.get_terminal_size answers the same."""

    def __init__(self, prog: str) -> None:
        try:
            columns = os.get_terminal_size(sys.stderr.fileno()).columns
        except (OSError, ValueError):
            columns = int(os.environ.get("COLUMNS", "80")) if os.environ.get("COLUMNS", "").isdigit() else 80
        super().__init__(prog, width=max(columns - 2, 40))


class Parser(argparse.ArgumentParser):
    """argparse with credwall's exit code (2) for usage errors and a shutil-free formatter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:  # argparse exits 2 too; keep its message short
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog.split()[0]}: error: {message}\n")


def add_output_options(parser: argparse.ArgumentParser, gitleaks_aliases: bool = False) -> None:
    """--format, --color, --config, --baseline / --no-baseline; `gitleaks_aliases` adds gitleaks'
    names for --format (-f, --report-format) on the scan commands."""
    names = ("--format", "-f", "--report-format") if gitleaks_aliases else ("--format",)
    parser.add_argument(*names, dest="format", choices=("auto", *FORMATS), default="auto",
                        help="auto: github annotations under GitHub Actions when not on a terminal, else text")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    parser.add_argument("--config", metavar="FILE", default=None,
                        help="a .credwall.toml or pyproject.toml (default: the nearest one, walking up)")
    baseline = parser.add_mutually_exclusive_group()
    baseline.add_argument("--baseline", metavar="FILE", default=None,
                          help="suppress the findings recorded in this baseline (default: the config's `baseline`)")
    baseline.add_argument("--no-baseline", action="store_true",
                          help="ignore the baseline: report every finding, the accepted ones too")
