"""The `credwall` command: `scan`, `rules list`, `rules check`.

Exit codes: 0 clean, 1 findings, 2 usage, configuration or scan error."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from . import __version__

# `typing` costs ~3 ms; the commit path imports it only after git has started (see cli/git).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn, Sequence

    from .config import Config

    from .matcher import Matcher
    from .scan import ScanResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


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
    add_output_options(scan)
    scan.add_argument("--jobs", type=int, default=None, help="worker processes (default: CPU count)")

    rules = sub.add_parser("rules", help="list or check the rule packs")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, parser_class=Parser)
    listing = rules_sub.add_parser("list", help="print the rules")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    check = rules_sub.add_parser("check", help="validate rule packs and run their examples")
    check.add_argument("files", nargs="*", help="packs to check (default: the built-in ones)")

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


def load_config(explicit: str | None = None) -> Config:
    from .config import load_config as load

    return load(explicit)


def load_matcher(config: Config | None = None) -> Matcher:
    """The rules in force (built-in packs, the config's extra packs, minus what it disables),
    compiled once for this process (both caches live in the user cache dir)."""
    import os.path

    from .matcher import Matcher
    from .regexcache import RegexCompiler
    from .rules import builtin_pack_dir, cache_dir, load_rules, pack_files

    if config is None or config.file is None:
        rules = load_rules()
        allow_secret = None
    else:
        rules = config.select_rules(load_rules(pack_files(builtin_pack_dir()) + config.extra_rule_paths()))
        allow_secret = config.secret_allowed()
    compiler = RegexCompiler(os.path.join(cache_dir(), "regex.marshal"), keep={r.regex for r in rules})
    return Matcher(rules, compiler, allow_secret=allow_secret)


def emit(result: ScanResult, fmt: str, color: str, config: Config | None = None) -> int:
    from . import report

    if config is not None:
        from .config import apply_to_findings

        apply_to_findings(result, config)
    if fmt == "auto":
        in_actions = os.environ.get("GITHUB_ACTIONS") == "true" and not sys.stdout.isatty()
        fmt = "github" if in_actions else "text"
    writers = {"json": report.write_json, "sarif": report.write_sarif, "junit": report.write_junit,
               "github": report.write_github}
    if fmt in writers:
        writers[fmt](result, sys.stdout)
        if fmt != "github":  # machine formats keep stdout clean; the summary goes to stderr
            sys.stderr.write(report.summary(result) + "\n")
    else:
        use_color = color == "always" or (color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
        report.write_text(result, sys.stdout, sys.stderr, color=use_color)
    if result.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if result.findings else EXIT_CLEAN


def _cmd_scan(args: argparse.Namespace) -> int:
    if args.staged:
        from . import git

        if args.paths:
            raise UsageError("--staged takes no paths")
        root = git.toplevel()
        if root is None:
            raise UsageError("--staged needs a git work tree")
        diff = git.start_staged_diff(root)  # git works while the scanner imports and loads rules
        from .scan import scan_staged

        config = load_config(args.config)
        result = scan_staged(load_matcher(config), root, display_root=os.getcwd(), diff=diff,
                             excluded=config.path_excluded)
        return emit(result, args.format, args.color, config)
    from .scan import scan_paths, scan_stdin

    config = load_config(args.config)
    if args.paths == ["-"]:
        result = scan_stdin(load_matcher(config), sys.stdin.buffer.read())
    elif "-" in args.paths:
        raise UsageError("- (stdin) cannot be combined with other paths")
    else:
        result = scan_paths(load_matcher(config), args.paths or ["."], jobs=args.jobs,
                            excluded=config.path_excluded)
    return emit(result, args.format, args.color, config)


def _cmd_rules(args: argparse.Namespace) -> int:
    from .rules import builtin_pack_dir, load_packs, load_rules, pack_files

    if args.rules_command == "list":
        rules = load_rules()
        if args.format == "json":
            import json

            json.dump([{"id": r.id, "family": r.family, "confidence": r.confidence,
                        "description": r.description, "keywords": list(r.keywords),
                        "tags": list(r.tags)} for r in rules], sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            width = max(len(r.id) for r in rules)
            for r in rules:
                print(f"{r.id:<{width}}  {r.confidence:<6}  {r.family:<10}  {r.description}")
            print(f"{len(rules)} rules", file=sys.stderr)
        return EXIT_CLEAN
    from .rulecheck import check_rules

    files = args.files or pack_files(builtin_pack_dir())
    missing = [f for f in files if not os.path.isfile(f)]
    if missing:
        raise UsageError(f"no such rule pack: {', '.join(missing)}")
    rules = load_packs(files)
    problems = check_rules(rules)
    for problem in problems:
        print(problem)
    examples = sum(len(r.examples) + len(r.negative_examples) for r in rules)
    verdict = f"{len(problems)} problem(s)" if problems else "all good"
    print(f"credwall: checked {len(rules)} rules in {len(files)} pack(s), {examples} examples: {verdict}",
          file=sys.stderr)
    return EXIT_ERROR if problems else EXIT_CLEAN


class UsageError(Exception):
    pass


def main(argv: Sequence[str] | None = None) -> int:
    # A short-lived process that makes no reference cycles worth collecting: skipping the
    # cyclic GC during imports and rule loading saves a few ms on every commit.
    gc.disable()
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors: keep argparse's code
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    from .git import GitError
    from .rules import RuleError

    from .config import ConfigError

    try:
        if args.command == "scan":
            return _cmd_scan(args)
        if args.command == "config":
            from .config import describe

            sys.stdout.write(describe(load_config(args.config)))
            return EXIT_CLEAN
        return _cmd_rules(args)
    except (UsageError, RuleError, GitError, ConfigError) as exc:
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
