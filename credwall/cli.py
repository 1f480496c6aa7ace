"""The `credwall` command: `scan`, `rules`, `baseline`, `config`, `check-ignores`, `audit`, and
the hand-offs to `agent-hook`, `install-agent-hooks` and `redact`. It also holds what every
entry point shares: loading the configuration, baseline and matcher, and `emit` (suppressions,
report, exit code).

Exit codes: 0 clean, 1 findings, 2 usage, configuration or scan error. A reader that stops
reading early (`credwall rules list | head -1`) is not an error: the output stops quietly and
the exit code is the command's own, as `git log | head` ends without a word."""

from __future__ import annotations

import argparse
import gc
import os
import sys

from . import __version__
from .errors import CredwallError

# `typing` costs ~3 ms; the commit path imports it only after git has started (see cli/git).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn, Sequence, TextIO

    from .baseline import Baseline
    from .config import Config
    from .engine.matcher import Matcher
    from .engine.scan import ScanResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


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
        self.exit(EXIT_ERROR, f"credwall: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="credwall", description="Find credentials before they land in git.")
    parser.add_argument("--version", action="version", version=f"credwall {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    scan = sub.add_parser("scan", help="scan files, directories, stdin (-) or the staged change")
    scan.add_argument("paths", nargs="*", metavar="PATH", help="files or directories; - reads stdin")
    scan.add_argument("--staged", action="store_true", help="scan the lines added by the staged change")
    scan.add_argument("--history", action="store_true", help="scan the lines every commit added (git log -p)")
    scan.add_argument("--since", metavar="REV", help="with --history: only commits after REV (REV..HEAD)")
    scan.add_argument("--range", metavar="A..B", dest="rev_range", help="with --history: this revision range")
    scan.add_argument("--all-branches", action="store_true", help="with --history: every branch and tag")
    add_output_options(scan)
    scan.add_argument("--jobs", type=int, default=None, help="worker processes (default: CPU count)")

    rules = sub.add_parser("rules", help="list or check the rule packs")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, parser_class=Parser)
    listing = rules_sub.add_parser("list", help="print the rules")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    check = rules_sub.add_parser("check", help="validate rule packs and run their examples")
    check.add_argument("files", nargs="*", help="packs to check (default: the built-in ones)")

    rules_import = rules_sub.add_parser("import", help="convert a gitleaks/betterleaks TOML config into a credwall rule pack")
    rules_import.add_argument("file", help="the gitleaks.toml / betterleaks.toml")
    rules_import.add_argument("-o", "--output", metavar="PACK", help="write the YAML pack here (default: stdout)")
    rules_import.add_argument("--prefix", default="", help="prefix for every imported rule id")
    rules_import.add_argument("--family", default="imported", help="the pack's family name")

    baseline = sub.add_parser("baseline", help="record the current findings so that only new ones fail")
    baseline_sub = baseline.add_subparsers(dest="baseline_command", required=True, parser_class=Parser)
    for name, text in (("create", "scan the tree and write a new baseline"),
                       ("update", "rescan: keep entries that still match, add new ones, drop the rest")):
        cmd = baseline_sub.add_parser(name, help=text)
        cmd.add_argument("file", nargs="?", default=None, help="the baseline (default: the config's, else .credwall-baseline.jsonl)")
        cmd.add_argument("--config", metavar="FILE", default=None)
        cmd.add_argument("--jobs", type=int, default=None)
    imp = baseline_sub.add_parser("import", help="import a detect-secrets .secrets.baseline")
    imp.add_argument("source", help="the detect-secrets baseline")
    imp.add_argument("file", nargs="?", default=None, help="the credwall baseline to write or extend")
    imp.add_argument("--config", metavar="FILE", default=None)

    ignores = sub.add_parser("check-ignores", help="do .gitignore and the AI tools' ignore files cover secret files?")
    ignores.add_argument("--fix", action="store_true", help="add the missing entries (idempotent)")
    ignores.add_argument("--config", metavar="FILE", default=None)

    audit = sub.add_parser("audit", help="read-only inventory of the credentials an agent here could use")
    audit.add_argument("path", nargs="?", default=".", help="the workspace (default: .)")
    audit.add_argument("--home", dest="home", action="store_true", default=True,
                       help="also inventory the home directory and environment (default)")
    audit.add_argument("--no-home", dest="home", action="store_false", help="only the workspace tree")
    audit.add_argument("--format", choices=("auto", "table", "json"), default="auto")
    audit.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    audit.add_argument("--fail-on", choices=("critical", "high", "medium", "low"), default="low",
                       help="exit 1 when an item is at least this severe")
    audit.add_argument("--config", metavar="FILE", default=None)

    # Listed for --help; `main` hands these two to credwall.agentguard before parsing.
    sub.add_parser("agent-hook", help="verdict for one agent hook event (JSON on stdin): see docs/agent-guard.md",
                   add_help=False)
    sub.add_parser("install-agent-hooks", help="install the agent guard into Claude Code, Cursor, Codex, Copilot",
                   add_help=False)
    sub.add_parser("redact", help="copy text (stdin or files) with every secret replaced by [REDACTED:rule-id]",
                   add_help=False)

    config = sub.add_parser("config", help="show the configuration in force")
    config_sub = config.add_subparsers(dest="config_command", required=True, parser_class=Parser)
    show = config_sub.add_parser("show", help="print the resolved configuration and where each value came from")
    show.add_argument("--config", metavar="FILE", default=None)
    return parser


FORMATS = ("text", "json", "sarif", "github", "junit")


def add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("auto", *FORMATS), default="auto",
                        help="auto: github annotations under GitHub Actions when not on a terminal, else text")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    parser.add_argument("--config", metavar="FILE", default=None,
                        help="a .credwall.toml or pyproject.toml (default: the nearest one, walking up)")
    parser.add_argument("--baseline", metavar="FILE", default=None,
                        help="suppress the findings recorded in this baseline (default: the config's `baseline`)")


def load_config(explicit: str | None = None) -> Config:
    from .engine.session import load_config as load

    return load(explicit)


def load_baseline(explicit: str | None, config: Config | None) -> Baseline | None:
    from .engine.session import load_baseline as load

    return load(explicit, config)


def load_matcher(config: Config | None = None, baseline: Baseline | None = None) -> Matcher:
    from .engine.session import load_matcher as load

    return load(config, baseline)


def emit(result: ScanResult, fmt: str, color: str, config: Config | None = None,
         baseline: Baseline | None = None, baseline_file: str | None = None, whole_tree: bool = False) -> int:
    """Apply the configured suppressions (allowed fingerprints, the baseline), write the report
    in the chosen format, and return the exit code."""
    from . import report

    if config is not None:
        from .config import apply_to_findings

        apply_to_findings(result, config)
    if baseline is not None:
        from .baseline import apply_baseline, unused_note

        applied = apply_baseline(result, baseline, result.sha1_hits)
        result.findings = applied.findings
        if applied.suppressed:
            result.notes["baselined"] += applied.suppressed
        if whole_tree and applied.unused:  # a staged scan sees too little to call entries unused
            sys.stderr.write(unused_note(applied.unused, baseline_file or "the baseline") + "\n")
    _printable_paths(result)
    out = command_stdout()
    if fmt == "auto":
        in_actions = os.environ.get("GITHUB_ACTIONS") == "true" and not out.isatty()
        fmt = "github" if in_actions else "text"
    writers = {"json": report.write_json, "sarif": report.write_sarif, "junit": report.write_junit,
               "github": report.write_github}
    if fmt in writers:
        writers[fmt](result, out)
        if fmt != "github":  # machine formats keep stdout clean; the summary goes to stderr
            sys.stderr.write(report.summary(result) + "\n")
    else:
        use_color = color == "always" or (color == "auto" and out.isatty() and "NO_COLOR" not in os.environ)
        report.write_text(result, out, sys.stderr, color=use_color)
    out.flush()  # a reader that has gone shows here, not later as an error
    if result.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if result.findings else EXIT_CLEAN


def printable(text: str) -> str:
    """A file name's undecodable bytes (kept by os.fsdecode as lone surrogates) as \\xNN, so
    every output format stays valid UTF-8 and a terminal never gets an encoding error."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _printable_paths(result: ScanResult) -> None:
    result.findings = [f if printable(f.path) == f.path else f._replace(path=printable(f.path))
                       for f in result.findings]
    result.errors = [e if printable(e.path) == e.path else e._replace(path=printable(e.path))
                     for e in result.errors]


def _cmd_history(args: argparse.Namespace) -> int:
    from .sources import git
    from .sources.history import HistoryError, history_summary, scan_history, terminal_progress

    if args.paths or args.staged:
        raise UsageError("--history takes no paths and no --staged")
    root = git.toplevel()
    if root is None:
        raise UsageError("--history needs a git repository")
    config = load_config(args.config)
    baseline = load_baseline(args.baseline, config)
    try:
        result = scan_history(load_matcher(config, baseline), root, rev_range=args.rev_range, since=args.since,
                              all_branches=args.all_branches, progress=terminal_progress(), jobs=args.jobs)
    except HistoryError as exc:
        raise UsageError(str(exc)) from None
    if result.empty is not None:
        print(history_summary(result), file=sys.stderr)
        return EXIT_CLEAN
    code = emit(result, args.format, args.color, config, baseline)
    print(history_summary(result), file=sys.stderr)
    return code


def _cmd_scan(args: argparse.Namespace) -> int:
    if args.history:
        return _cmd_history(args)
    if (args.since or args.rev_range or args.all_branches):
        raise UsageError("--since, --range and --all-branches go with --history")
    if args.staged:
        from .sources import git

        if args.paths:
            raise UsageError("--staged takes no paths")
        root = git.toplevel()
        if root is None:
            raise UsageError("--staged needs a git work tree")
        diff = git.start_staged_diff(root)  # git works while the scanner imports and loads rules
        from .engine.scan import scan_staged

        config = load_config(args.config)
        baseline = load_baseline(args.baseline, config)
        result = scan_staged(load_matcher(config, baseline), root, display_root=os.getcwd(), diff=diff,
                             excluded=config.excluder())
        return emit(result, args.format, args.color, config, baseline)
    from .engine.scan import scan_paths, scan_stdin

    config = load_config(args.config)
    baseline = load_baseline(args.baseline, config)
    matcher = load_matcher(config, baseline)
    if args.paths == ["-"]:
        result = scan_stdin(matcher, sys.stdin.buffer.read())
    elif "-" in args.paths:
        raise UsageError("- (stdin) cannot be combined with other paths")
    else:
        result = scan_paths(matcher, args.paths or ["."], jobs=args.jobs, excluded=config.excluder(),
                            max_bytes=config.max_file_bytes)
    whole_tree = args.paths != ["-"]
    return emit(result, args.format, args.color, config, baseline,
                args.baseline or config.baseline, whole_tree=whole_tree)


def _baseline_path(explicit: str | None, config: Config) -> str:
    from .baseline import DEFAULT_FILENAME

    return explicit or config.baseline or os.path.join(config.root, DEFAULT_FILENAME)


def _cmd_baseline(args: argparse.Namespace) -> int:
    from . import baseline as bl

    config = load_config(args.config)
    path = _baseline_path(args.file, config)
    if args.baseline_command == "import":
        imported = bl.import_detect_secrets(args.source, root=os.path.dirname(os.path.abspath(path)))
        combined = bl.load_baseline(path).combined(imported) if os.path.isfile(path) else imported
        bl.write_baseline(combined, path)
        print(f"credwall: imported {len(imported.entries)} detect-secrets entries into {path}", file=sys.stderr)
        return EXIT_CLEAN
    from .engine.scan import scan_paths

    root = os.path.dirname(os.path.abspath(path))
    old = None
    if args.baseline_command == "update":
        if not os.path.isfile(path):
            raise bl.BaselineError(f"{path}: no baseline to update; create it with `credwall baseline create {path}`")
        old = bl.load_baseline(path)
    result = scan_paths(load_matcher(config, old), [root], jobs=args.jobs, excluded=config.excluder())
    if config.allow:
        from .config import apply_to_findings

        apply_to_findings(result, config)
    if old is None:
        new = bl.create_baseline(result, root)
        message = f"wrote {len(new.entries)} entries"
    else:
        new, summary = bl.update_baseline(old, result, result.sha1_hits)
        message = summary.describe()
    bl.write_baseline(new, path)
    from .sources import git

    if git.toplevel(root) is not None and bl.ensure_merge_union(path):
        message += "; added merge=union for it to .gitattributes (branches' baselines merge cleanly)"
    print(f"credwall: {path}: {message}", file=sys.stderr)
    return EXIT_CLEAN


def _cmd_rules_import(args: argparse.Namespace) -> int:
    from .importers.gitleaks import dump_pack, import_gitleaks
    from .engine.rules import load_rules

    imported = import_gitleaks(args.file, prefix=args.prefix, family=args.family,
                               reserved_ids={r.id for r in load_rules()})
    pack = dump_pack(imported, source=os.path.basename(args.file), family=args.family)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(pack)
    else:
        command_stdout().write(pack)
    for problem in imported.problems:
        print(f"credwall: {problem}", file=sys.stderr)
    errors = sum(p.severity == "error" for p in imported.problems)
    warnings = len(imported.problems) - errors
    left_out = imported.rules_read - len(imported.rules)
    print(f"credwall: imported {len(imported.rules)} of {imported.rules_read} rule(s) from {args.file}"
          + (f" ({left_out} left out, said why above)" if left_out else "")
          + f"; {errors} error(s), {warnings} warning(s)" + (f"; wrote {args.output}" if args.output else ""),
          file=sys.stderr)
    # Warnings (rules left out on purpose, e.g. path-only ones) still give a usable pack: exit 0.
    # Errors mean the config holds rules that credwall could not read as gitleaks would: exit 2.
    return EXIT_ERROR if errors else EXIT_CLEAN


def _cmd_rules(args: argparse.Namespace) -> int:
    from .engine.rules import builtin_pack_dir, load_packs, load_rules, pack_files

    if args.rules_command == "import":
        return _cmd_rules_import(args)

    out = command_stdout()
    if args.rules_command == "list":
        rules = load_rules()
        if args.format == "json":
            import json

            json.dump([{"id": r.id, "family": r.family, "confidence": r.confidence,
                        "description": r.description, "keywords": list(r.keywords),
                        "tags": list(r.tags)} for r in rules], out, indent=2)
            out.write("\n")
        else:
            width = max(len(r.id) for r in rules)
            for r in rules:
                print(f"{r.id:<{width}}  {r.confidence:<6}  {r.family:<10}  {r.description}", file=out)
            print(f"{len(rules)} rules", file=sys.stderr)
        return EXIT_CLEAN
    from .engine.rulecheck import check_rules

    files = args.files or pack_files(builtin_pack_dir())
    missing = [f for f in files if not os.path.isfile(f)]
    if missing:
        raise UsageError(f"no such rule pack: {', '.join(missing)}")
    rules = load_packs(files)
    from .engine.path_allowlists import load_path_allowlists

    for pack in files:  # what a scan also loads from the pack: a bad entry fails here, not there
        load_path_allowlists(pack)
    problems = check_rules(rules)
    for problem in problems:
        print(problem, file=out)
    examples = sum(len(r.examples) + len(r.negative_examples) for r in rules)
    verdict = f"{len(problems)} problem(s)" if problems else "all good"
    print(f"credwall: checked {len(rules)} rules in {len(files)} pack(s), {examples} examples: {verdict}",
          file=sys.stderr)
    return EXIT_ERROR if problems else EXIT_CLEAN


class UsageError(CredwallError):
    """The command line does not make sense (exit 2)."""


def main(argv: Sequence[str] | None = None) -> int:
    code = _run(argv)
    # What is still buffered (argparse's --help, the tail of a report) goes out now, where a
    # reader that has gone is not an error, rather than at exit as "Exception ignored".
    command_stdout().flush()
    return code


def _run(argv: Sequence[str] | None) -> int:
    # A short-lived process that makes no reference cycles worth collecting: skipping the
    # cyclic GC during imports and rule loading saves a few ms on every commit.
    gc.disable()
    words = list(sys.argv[1:] if argv is None else argv)
    # The agent guard runs on every tool call of an agent: it skips this parser entirely.
    if words[:1] == ["agent-hook"]:
        from .agentguard.cli import hook_main

        return hook_main(words[1:])
    if words[:1] == ["install-agent-hooks"]:
        from .agentguard.cli import install_main

        return install_main(words[1:])
    if words[:1] == ["redact"]:  # a streaming filter with its own options
        from .redact import redact_main

        return redact_main(words[1:])
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors: keep argparse's code
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    try:
        if args.command == "scan":
            return _cmd_scan(args)
        if args.command == "config":
            from .config import describe

            command_stdout().write(describe(load_config(args.config)))
            return EXIT_CLEAN
        if args.command == "baseline":
            return _cmd_baseline(args)
        if args.command == "check-ignores":
            from .ignores import check_ignores, patterns_from_config, write_report

            report = check_ignores(os.getcwd(), fix=args.fix, patterns=patterns_from_config(load_config(args.config)))
            write_report(report, command_stdout(), sys.stderr, prog="credwall")
            return int(report.exit_code)
        if args.command == "audit":
            from .audit import audit, exit_code, render

            items = audit(args.path, os.path.expanduser("~") if args.home else None, os.environ,
                          load_matcher(load_config(args.config)))
            out = command_stdout()
            color = args.color == "always" or (args.color == "auto" and out.isatty())
            render(items, out, args.format, color=color)
            return exit_code(items, args.fail_on)
        return _cmd_rules(args)
    except CredwallError as exc:
        print(f"credwall: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("credwall: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # fail closed: never a traceback, never a pass
        print(f"credwall: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
