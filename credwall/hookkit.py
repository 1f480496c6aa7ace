"""What every context hook shares: arguments, which files it owns, reading them, failing
closed, reporting. A hook module supplies one function, `check(ctx, path, data)`, that adds
findings for one file; this module does the rest."""

from __future__ import annotations

import gc
import os
import sys
import time

from .cli import EXIT_ERROR, Parser, add_output_options, emit, load_baseline, load_config, load_matcher
from .analysers.registry import enabled_hooks, owned_by

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Iterable, Sequence

    from .baseline import Baseline
    from .config import Config
    from .engine.findings import Finding
    from typing import Any

    from .engine.matcher import Matcher
    from .engine.rules import Rule
    from .analysers.structured import Leaf
    from .engine.scan import ScanResult


class FileCheck:
    """Handed to a hook's check function: the shared matcher and where findings go."""

    def __init__(self, matcher: Matcher, result: ScanResult) -> None:
        self.matcher = matcher
        self.result = result

    def add(self, finding: Finding) -> None:
        self.result.findings.append(finding)

    def scan_text(self, path: str, text: str, line_offset: int = 0) -> list[Finding]:
        """Findings of every rule in text (not yet added)."""
        from .engine.findings import findings_from_matches

        matches = self.matcher.scan(text)
        rebuilt = self.matcher.take_cache_rebuilt()
        if rebuilt:
            from .engine.matcher import CACHE_REBUILT_NOTE

            self.result.notes[CACHE_REBUILT_NOTE] += rebuilt
        if self.matcher.path_filter is not None:
            matches = self.matcher.path_filter(path, text, matches)
        if self.matcher.secret_sha1s:
            from .baseline import imported_hits

            self.result.sha1_hits.update(imported_hits(matches, self.matcher.secret_sha1s))
        return findings_from_matches(path, text, matches, line_offset)

    def error(self, path: str, reason: str) -> None:
        from .engine.scan import ScanError

        self.result.errors.append(ScanError(path, reason))

    def parse(self, path: str, text: str, fmt: str | None = None) -> tuple[Any, list[Leaf]] | None:
        """The document and its leaves (JSON/YAML/TOML by `fmt` or the file name); None, and an
        error naming the file, line and column, when it is malformed."""
        from .analysers.structured import StructureError, format_of, load_json, load_toml, load_yaml

        fmt = fmt or format_of(path)
        try:
            return {"JSON": load_json, "YAML": load_yaml, "TOML": load_toml}[fmt](text)
        except StructureError as exc:
            self.error(path, f"malformed {fmt}: {exc}")
            return None


def run(prog: str, description: str, argv: Sequence[str] | None,
        scan: Callable[[Sequence[str], Config, Baseline | None], ScanResult]) -> int:
    """Every hook's main: file names and output options in, the report out, an exit code back.
    Any error is exit 2 with a message (fail closed: an error is never a passed commit)."""
    gc.disable()  # short-lived process: see credwall.cli.main
    parser = Parser(prog=prog, description=description)
    parser.add_argument("filenames", nargs="*", help="files to check (pre-commit passes them)")
    add_output_options(parser)
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
        baseline = load_baseline(args.baseline, config)
        return emit(scan(args.filenames, config, baseline), args.format, args.color, config, baseline)
    except Exception as exc:
        print(f"{prog}: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR


def run_hook(hook_id: str, description: str, check: Callable[[FileCheck, str, bytes], None],
             argv: Sequence[str] | None) -> int:
    """A context hook: `check` is called once per file the hook owns."""
    return run(hook_id, description, argv,
               lambda names, config, baseline: check_files(hook_id, names, check, config, baseline))


def check_files(hook_id: str, filenames: Sequence[str], check: Callable[[FileCheck, str, bytes], None],
                config: Config | None = None, baseline: Baseline | None = None) -> ScanResult:
    from .sources import git
    from .engine.matcher import ScanTimeout
    from .engine.scan import ScanResult

    started = time.perf_counter()
    result = ScanResult()
    root = git.toplevel() if filenames else None
    mine = owned_by(hook_id, filenames, enabled_hooks(root))
    handed_off = len(filenames) - len(mine)
    if handed_off:
        result.skipped["handled by another credwall hook"] += handed_off
    excluded = config.excluder() if config is not None else None
    if excluded is not None:
        kept = [p for p in mine if not excluded(p)]
        if len(kept) != len(mine):
            result.skipped["excluded by config"] += len(mine) - len(kept)
        mine = kept
    ctx = FileCheck(load_matcher(config, baseline), result)
    for path in mine:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            ctx.error(path, f"cannot read: {exc.strerror or exc}")
            continue
        before = len(result.errors)
        try:
            check(ctx, path, data)
        except ScanTimeout as exc:
            ctx.error(path, f"incomplete: {exc} (regex time bound)")
        except Exception as exc:  # one bad file fails the run, naming the file
            ctx.error(path, f"internal error: {type(exc).__name__}: {exc}")
        if len(result.errors) == before:
            result.files += 1
            result.bytes += len(data)
    result.findings = dedupe(result.findings, ctx.matcher.rules)
    result.seconds = time.perf_counter() - started
    return result


def dedupe(findings: list[Finding], rules: Iterable[Rule]) -> list[Finding]:
    """One finding per problem: where two checks flag overlapping text on the same line (a
    provider rule and a key-name check on one MCP value), keep the more specific one: provider
    rules, then the hooks' structure-aware checks (ids no rule pack defines), then generic
    keyword rules."""
    generic = {rule.id: rule.generic for rule in rules}

    def rank(finding: Finding) -> int:
        if finding.rule_id not in generic:
            return 1
        return 2 if generic[finding.rule_id] else 0

    kept: list[Finding] = []
    for finding in sorted(findings, key=rank):
        if not any(k.path == finding.path and k.line == finding.line
                   and finding.column < k.end_column and k.column < finding.end_column for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: (f.path, f.line, f.column, f.rule_id))


def read_text(ctx: FileCheck, path: str, data: bytes) -> str | None:
    """Decoded text of a file, or None (and an error) when it is not text."""
    from .sources.files import decode

    decoded = decode(data)
    if decoded.text is None:
        ctx.error(path, "not a text file (binary content)")
        return None
    return decoded.text


def relative(path: str) -> str:
    return path.replace(os.sep, "/")
