"""The `credwall` command: `scan`, `rules`, `baseline`, `config`, `check-ignores`, `audit`, and
the hand-offs to `agent-hook`, `install-agent-hooks` and `redact`. Argument parsing and dispatch
only: what a command does lives in its module (scan, history, baseline, report, audit, …), and
what every entry point loads (configuration, rules, baseline) in credwall.engine.session.

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
    from typing import Sequence

    from .config import Config
    from .engine.session import Engine

from .options import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, Parser, add_output_options, command_stdout


COMMANDS = ("scan", "git", "dir", "stdin", "fleet", "rules", "baseline", "check-ignores", "audit", "agent-hook",
            "install-agent-hooks", "doctor", "redact", "config")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with `command` only that subcommand's parser (argparse costs
    ~0.5 ms a subcommand, most of it gettext looking for a catalog: a commit hook pays it)."""

    def wanted(name: str) -> bool:
        return command is None or command == name

    parser = Parser(prog="credwall", description="Find credentials before they land in git.")
    parser.add_argument("--version", action="version", version=f"credwall {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    if wanted("scan"):
        scan = sub.add_parser("scan", help="scan files, directories, stdin (-) or the staged change")
        scan.add_argument("paths", nargs="*", metavar="PATH", help="files or directories; - reads stdin")
        scan.add_argument("--staged", action="store_true", help="scan the lines added by the staged change")
        scan.add_argument("--history", action="store_true", help="scan the lines every commit added (git log -p)")
        _add_history_options(scan)
        _add_scan_options(scan)

    if wanted("git"):
        # gitleaks' subcommands, for hands used to them (docs/adopting.md maps every option).
        git_cmd = sub.add_parser("git", help="gitleaks-style: the history of the repository at PATH (scan --history), "
                                             "or with --staged the staged change (scan --staged)")
        git_cmd.add_argument("source", nargs="?", metavar="PATH", default=None,
                             help="a directory in the repository (default: .); the scan runs as if started there")
        git_cmd.add_argument("-s", "--source", dest="source_option", metavar="PATH", default=None, help=argparse.SUPPRESS)
        git_cmd.add_argument("--staged", action="store_true", help="the staged change instead of the history")
        _add_history_options(git_cmd)
        _add_scan_options(git_cmd)
    if wanted("dir"):
        dir_cmd = sub.add_parser("dir", help="gitleaks-style: files and directories, no history (scan PATH ...)")
        dir_cmd.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
        dir_cmd.add_argument("-s", "--source", dest="source_option", metavar="PATH", default=None, help=argparse.SUPPRESS)
        _add_scan_options(dir_cmd)
    if wanted("stdin"):
        stdin_cmd = sub.add_parser("stdin", help="gitleaks-style: standard input (scan -)")
        _add_scan_options(stdin_cmd)

    if wanted("fleet"):
        fleet = sub.add_parser("fleet", help="scan the history of many repositories on a process pool, Dask or Ray: one report")
        fleet.add_argument("--repos", metavar="FILE", required=True,
                           help="one repository per line: a local path or a URL your git can clone")
        fleet.add_argument("--engine", choices=("local", "dask", "ray"), default="local",
                           help="local: a process pool; dask / ray: a cluster (pip install 'credwall[dask]' / '[ray]')")
        fleet.add_argument("--scheduler", metavar="ADDRESS", default=None,
                           help="the Dask scheduler (tcp://host:8786) or Ray address to use (default: a local cluster)")
        fleet.add_argument("--state", metavar="DIR", default=None,
                           help="finished repositories are recorded here and skipped on a rerun (default: .credwall-fleet beside FILE)")
        fleet.add_argument("--all-branches", action="store_true", help="every ref of each repository, not only HEAD")
        fleet.add_argument("--range-commits", type=int, default=None, metavar="N",
                           help="split a local repository's history into tasks of N commits (default 50,000)")
        add_output_options(fleet)
        fleet.add_argument("--jobs", type=int, default=None, help="workers of a local pool or cluster (default: CPU count)")

    if wanted("rules"):
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

    if wanted("baseline"):
        baseline = sub.add_parser("baseline", help="record the current findings so that only new ones fail")
        baseline_sub = baseline.add_subparsers(dest="baseline_command", required=True, parser_class=Parser)
        for name, text in (("create", "scan the tree and write a new baseline"),
                           ("update", "rescan: keep entries that still match, add new ones, drop the rest")):
            cmd = baseline_sub.add_parser(name, help=text)
            cmd.add_argument("file", nargs="?", default=None, help="the baseline (default: the config's, else .credwall-baseline.jsonl)")
            cmd.add_argument("--config", metavar="FILE", default=None)
            cmd.add_argument("--jobs", type=int, default=None)
            cmd.add_argument("--include-ignored", action="store_true", help="also record files git ignores")
            if name == "create":
                cmd.add_argument("--write-config", action="store_true",
                                 help="also set `baseline` in the configuration (.credwall.toml, created if missing), "
                                      "so scans and hooks use it")
        tri = baseline_sub.add_parser("triage", help="walk the baseline's entries and mark each a true or false positive "
                                                     "(detect-secrets' `audit`)")
        tri.add_argument("file", nargs="?", default=None, help="the baseline (default: the config's, else .credwall-baseline.jsonl)")
        tri.add_argument("--all", action="store_true", dest="everything", help="also entries that already have a verdict")
        tri.add_argument("--config", metavar="FILE", default=None)
        imp = baseline_sub.add_parser("import", help="import a detect-secrets .secrets.baseline")
        imp.add_argument("source", help="the detect-secrets baseline")
        imp.add_argument("file", nargs="?", default=None, help="the credwall baseline to write or extend")
        imp.add_argument("--config", metavar="FILE", default=None)

    if wanted("check-ignores"):
        ignores = sub.add_parser("check-ignores", help="do .gitignore and the AI tools' ignore files cover secret files?")
        ignores.add_argument("--fix", action="store_true", help="add the missing entries (idempotent)")
        ignores.add_argument("--config", metavar="FILE", default=None)

    if wanted("audit"):
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

    if command is None:  # these four are handed over before parsing
        # Listed for --help; `main` hands these to credwall.agentguard before parsing.
        sub.add_parser("agent-hook", help="verdict for one agent hook event (JSON on stdin): see docs/agent-guard.md",
                       add_help=False)
        sub.add_parser("install-agent-hooks", help="install the agent guard into Claude Code, Cursor, Codex, Copilot, "
                                                   "VS Code", add_help=False)
        sub.add_parser("doctor", help="check that every installed agent guard hook runs and denies", add_help=False)
        sub.add_parser("redact", help="copy text (stdin or files) with every secret replaced by [REDACTED:rule-id]",
                       add_help=False)

    if wanted("config"):
        config = sub.add_parser("config", help="show the configuration in force")
        config_sub = config.add_subparsers(dest="config_command", required=True, parser_class=Parser)
        show = config_sub.add_parser("show", help="print the resolved configuration and where each value came from")
        show.add_argument("--config", metavar="FILE", default=None)
    return parser


def _add_history_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", metavar="REV", help="with --history: only commits after REV (REV..HEAD)")
    parser.add_argument("--range", metavar="A..B", dest="rev_range", help="with --history: this revision range")
    parser.add_argument("--all-branches", action="store_true", help="with --history: every branch and tag")
    parser.add_argument("--log-opts", metavar="OPTS", default=None,
                        help="gitleaks' git log options, where credwall has them: a range A..B, REV.. or --all")


def _add_scan_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--include-ignored", action="store_true",
                        help="in a git work tree, also scan the files git ignores (skipped by default)")
    add_output_options(parser, gitleaks_aliases=True)
    parser.add_argument("-o", "--output", "-r", "--report-path", dest="output", metavar="FILE", default=None,
                        help="write the report to FILE instead of stdout (the summary stays on stderr)")
    parser.add_argument("--exit-code", type=int, default=EXIT_FINDINGS, metavar="N",
                        help="exit code when there are findings (default 1; errors are always 2)")
    parser.add_argument("--max-target-megabytes", type=float, default=None, metavar="N",
                        help="skip files larger than N MiB (default: the config's max_file_mib, 100)")
    parser.add_argument("--redact", nargs="?", const=100, type=int, default=None, metavar="PERCENT",
                        help="accepted for gitleaks users: credwall always masks secrets")
    parser.add_argument("--no-color", dest="color", action="store_const", const="never", help="same as --color never")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: CPU count)")


def _log_opts(args: argparse.Namespace) -> None:
    """gitleaks' `--log-opts` (free-form `git log` options) as the history options credwall has;
    anything else is a usage error, never silently a different scan."""
    if args.log_opts is None:
        return
    import shlex

    for word in shlex.split(args.log_opts):
        if word in ("--all", "--branches"):
            args.all_branches = True
        elif ".." in word and not word.startswith("-"):
            if word.endswith("..") and not word.endswith("..."):
                args.since = word[:-2]
            else:
                args.rev_range = word
        else:
            raise UsageError(f"--log-opts: {word!r} has no credwall equivalent; credwall takes a range (A..B), "
                             "REV.. (--since) and --all (--all-branches)")


def _from_gitleaks(args: argparse.Namespace) -> argparse.Namespace:
    """`credwall git|dir|stdin …` as the `scan` it is."""
    if args.command == "stdin":
        args.paths, args.staged, args.history = ["-"], False, False
    elif args.command == "dir":
        args.paths = [*([args.source_option] if args.source_option else []), *args.paths]
        args.staged = args.history = False
    elif args.command == "git":
        where = args.source_option or args.source
        if args.source_option and args.source:
            raise UsageError("give the repository once: PATH or --source")
        if where and where != ".":
            if not os.path.isdir(where):
                raise UsageError(f"{where}: not a directory")
            os.chdir(where)
        args.paths, args.history = [], not args.staged
    for name in ("since", "rev_range", "all_branches", "log_opts"):
        if not hasattr(args, name):
            setattr(args, name, None if name != "all_branches" else False)
    return args


def _cmd_history(args: argparse.Namespace) -> int:
    from .history import HistoryError, history_summary, scan_history
    from .progress import terminal_progress
    from .report import emit
    from .sources import git

    if args.paths or args.staged:
        raise UsageError("--history takes no paths and no --staged")
    root = git.toplevel()
    if root is None:
        raise UsageError("--history needs a git repository")
    engine = _engine(args)
    try:
        result = scan_history(engine.matcher, root, rev_range=args.rev_range, since=args.since,
                              all_branches=args.all_branches, progress=terminal_progress(), jobs=args.jobs)
    except HistoryError as exc:
        raise UsageError(str(exc)) from None
    if result.empty is not None and args.format in ("auto", "text") and args.output is None:
        print(history_summary(result), file=sys.stderr)
        return EXIT_CLEAN
    code = emit(result, args.format, args.color, engine, output=args.output, exit_findings=args.exit_code)
    print(history_summary(result), file=sys.stderr)
    return code


def _cmd_fleet(args: argparse.Namespace) -> int:
    from .fleet import RANGE_COMMITS, main_fleet
    from .history import history_summary
    from .report import emit

    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    engine = _engine(args)
    result = main_fleet(args.repos, args.engine, state_dir=args.state, scheduler=args.scheduler, jobs=args.jobs,
                        config_file=args.config, all_branches=args.all_branches,
                        range_commits=RANGE_COMMITS if args.range_commits is None else args.range_commits)
    code = emit(result, args.format, args.color, engine)
    print(history_summary(result), file=sys.stderr)
    return code


def _engine(args: argparse.Namespace) -> Engine:
    from .engine.session import Engine

    engine = Engine.load(args.config, args.baseline, use_baseline=not args.no_baseline)
    if getattr(args, "max_target_megabytes", None) is not None:
        if args.max_target_megabytes <= 0:
            raise UsageError("--max-target-megabytes must be a positive number")
        engine.config = engine.config._replace(max_file_mib=args.max_target_megabytes)
    return engine


def _covers_baseline(paths: list[str], engine: Engine) -> bool:
    """Did the scan walk the whole tree the baseline describes (a directory holding its root)?
    Only then can an entry that matched nothing be called stale: a scan of two files sees two
    files' findings."""
    if engine.baseline is None:
        return False
    root = engine.baseline.root
    for path in paths or ["."]:
        full = os.path.abspath(path)
        if path != "-" and os.path.isdir(full) and (full == root or root.startswith(full.rstrip(os.sep) + os.sep)):
            return True
    return False


def _cmd_scan(args: argparse.Namespace) -> int:
    from .report import emit

    _log_opts(args)
    if args.exit_code == EXIT_ERROR or not 0 <= args.exit_code <= 255:
        raise UsageError(f"--exit-code {args.exit_code}: 0 to 255, and 2 is reserved for errors")
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
        from .scan import scan_staged

        engine = _engine(args)
        result = scan_staged(engine.matcher, root, display_root=os.getcwd(), diff=diff,
                             excluded=engine.config.excluder())
        return emit(result, args.format, args.color, engine, output=args.output, exit_findings=args.exit_code)
    from .scan import scan_paths, scan_stdin

    engine = _engine(args)
    if args.paths == ["-"]:
        result = scan_stdin(engine.matcher, sys.stdin.buffer.read())
    elif "-" in args.paths:
        raise UsageError("- (stdin) cannot be combined with other paths")
    else:
        from .progress import terminal_progress

        result = scan_paths(engine.matcher, args.paths or ["."], jobs=args.jobs, excluded=engine.config.excluder(),
                            max_bytes=engine.config.max_file_bytes, skip_ignored=not args.include_ignored,
                            progress=terminal_progress(label="scan", unit="files"))
    return emit(result, args.format, args.color, engine, whole_tree=_covers_baseline(args.paths, engine),
                output=args.output, exit_findings=args.exit_code)


def _cmd_baseline(args: argparse.Namespace) -> int:
    from . import baseline_commands as bl
    from .engine.session import load_config

    config = load_config(args.config)
    path = bl.default_path(args.file, config)
    if args.baseline_command == "triage":
        return _cmd_triage(args, config, path)
    if args.baseline_command == "import":
        message = bl.import_into(args.source, path)
    else:
        message = bl.record(config, path, update=args.baseline_command == "update", jobs=args.jobs,
                            skip_ignored=not args.include_ignored)
    print(f"credwall: {os.path.relpath(path)}: {message}", file=sys.stderr)
    if args.baseline_command in ("create", "import"):
        advice = bl.config_advice(config, path, write=getattr(args, "write_config", False))
        if advice:
            print(f"credwall: {advice}", file=sys.stderr)
    return EXIT_CLEAN


def _cmd_triage(args: argparse.Namespace, config: Config, path: str) -> int:
    from .baseline import load_baseline
    from .engine.session import Engine
    from .triage import triage, verdict_counts

    if not os.path.isfile(path):
        raise UsageError(f"{path}: no baseline to triage; create one with `credwall baseline create`")
    baseline = load_baseline(path)
    out = command_stdout()
    answered, left = triage(baseline, path, Engine(config, baseline), sys.stdin, out, everything=args.everything)
    out.flush()
    print(f"credwall: {os.path.relpath(path)}: {answered} verdict(s) recorded; {verdict_counts(load_baseline(path))}",
          file=sys.stderr)
    if any(e.verdict == "true-positive" for e in load_baseline(path).entries):
        print("credwall: true positives are real secrets: rotate each at its provider, remove it from the file, "
              "then `credwall baseline update` drops its entry", file=sys.stderr)
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
    from .rulecheck import check_rules

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
    if words[:1] == ["doctor"]:
        from .agentguard.doctor import doctor_main

        return doctor_main(words[1:])
    if words[:1] == ["redact"]:  # a streaming filter with its own options
        from .redact import redact_main

        return redact_main(words[1:])
    try:
        first = words[0] if words else None
        args = build_parser(first if first in COMMANDS else None).parse_args(words)
    except SystemExit as exc:  # --help, --version, usage errors: keep argparse's code
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    try:
        if args.command in ("git", "dir", "stdin"):
            return _cmd_scan(_from_gitleaks(args))
        if args.command == "scan":
            return _cmd_scan(args)
        if args.command == "fleet":
            return _cmd_fleet(args)
        if args.command == "config":
            from .config import describe

            from .engine.session import load_config

            command_stdout().write(describe(load_config(args.config)))
            return EXIT_CLEAN
        if args.command == "baseline":
            return _cmd_baseline(args)
        if args.command == "check-ignores":
            from .ignores import check_ignores, patterns_from_config, write_report

            from .engine.session import load_config

            report = check_ignores(os.getcwd(), fix=args.fix, patterns=patterns_from_config(load_config(args.config)))
            write_report(report, command_stdout(), sys.stderr, prog="credwall")
            return int(report.exit_code)
        if args.command == "audit":
            from .audit import audit, exit_code, render

            from .engine.session import load_config, load_matcher

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
