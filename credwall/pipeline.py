"""The pipeline every entry point runs on a file:

    read -> decode -> classify -> analyse (parse once, match once) -> filters
         -> path allowlists -> inline allows            (-> baseline -> report, per scan)

`credwall scan`, every hook, `--staged`, `--history` and the push hook, `baseline create`, the
agent guard and `audit` all come here, so one file gets one answer: the same rule ids, lines,
columns and fingerprints whichever way it was reached.

A change (the staged diff, a commit, a push) is judged on the file it produces: the findings
that touch the lines it adds are kept, and a finding about the whole file (a committed `.env`,
a key file by its name) when the change adds content to it. A plain-text file's change is
analysed from its hunks alone (a 40-line change to a 5,000-line file matches 40 lines); every
other kind of file is analysed whole, since its structure decides what a value means.
"""

from __future__ import annotations

from .analysers.registry import TEXT, analyser, kind_of, needs_whole_file
from .engine.analysis import FILE, Analysis, resolve
from .engine.decode import decode
from .engine.filters import built_bundle, inline_allowed
from .engine.findings import ScanError
from .engine.matcher import ScanTimeout

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection

    from .engine.analysis import Keep
    from .engine.decode import View
    from .engine.findings import Finding, ScanResult
    from .engine.matcher import Match, Matcher
    from .sources.diff import FileDiff

__all__ = ["analyse_change", "analyse_file", "analyse_text", "needs_whole_file"]


def analyse_file(matcher: Matcher, path: str, data: bytes, result: ScanResult, *,
                 kinds: Collection[str] | None = None, change: FileDiff | None = None) -> bool:
    """Analyse one file's bytes into result. `kinds`: analyse only files of these kinds (a hook
    that checks a part); False when the file is not one of them. `change`: the diff that
    produced this content; only what it adds is kept."""
    decoded = decode(data)
    kind = kind_of(path, decoded.text)
    if kinds is not None and kind not in kinds:
        return False
    if decoded.note:
        result.notes[decoded.note] += 1
    keep = _keep_added(change) if change is not None else None
    findings = _analyse(matcher, path, kind, data, decoded.text, result, keep=keep, views=decoded.views)
    if findings is not None:
        result.files += 1
        result.bytes += len(data)
        result.findings.extend(findings)
    return True


def analyse_change(matcher: Matcher, path: str, change: FileDiff, result: ScanResult) -> None:
    """A plain-text file's change from its hunks alone (each hunk's new side, with its context),
    keeping the findings that touch an added line. Callers send every other kind of file, and
    any file git calls binary, through `analyse_file` with its whole new content."""
    found: list[Finding] = []
    size = 0
    keep = _keep_added(change)
    for window in change.windows:
        decoded = decode(window.data, at_start=window.first_line == 1)
        if decoded.note:
            result.notes[decoded.note] += 1
        findings = _analyse(matcher, path, TEXT, window.data, decoded.text, result,
                            line_offset=window.first_line - 1, keep=keep, views=decoded.views)
        if findings is None:
            return
        found.extend(findings)
        size += len(window.data)
    result.files += 1
    result.bytes += size
    result.findings.extend(found)


def analyse_text(matcher: Matcher, path: str, text: str, result: ScanResult) -> list[Finding]:
    """Findings for text that will become the file at `path` (an agent's Write), judged as that
    file is: an `.mcp.json` as an MCP config, a `.env` as an env file."""
    data = text.encode("utf-8", "surrogatepass")
    kind = kind_of(path, text)
    return _analyse(matcher, path, kind, data, text, result) or []


_ANSI_ESCAPE = None  # compiled on first use: ESC [ … final byte, ESC ] … BEL/ST (terminal colours, titles)


def _without_escapes(text: str) -> str:
    """The text with terminal escape sequences blanked (same length, so offsets hold): in
    `\x1b[32mghp_…` the `m` would otherwise glue itself to the token, and rules that want a
    boundary before a token would miss it."""
    global _ANSI_ESCAPE
    if "\x1b" not in text:
        return text
    if _ANSI_ESCAPE is None:
        import re

        _ANSI_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
    return _ANSI_ESCAPE.sub(lambda m: " " * len(m.group()), text)


def _find(matcher: Matcher, path: str, text: str) -> list[Match]:
    matches = matcher.find(_without_escapes(text))
    if matcher.path_filter is not None:
        matches = matcher.path_filter(path, text, matches)
    return matches


# Counted in the summary: keyword = value matches dropped in minified bundles (never silent).
BUILT_BUNDLE_NOTE = "generic in built bundle"


def _without_built_bundle_generics(path: str, text: str, matches: list[Match], result: ScanResult) -> list[Match]:
    """A minified bundle under dist/, build/, static/ is built, not written: keyword = value
    matches there are minifier noise and only counted; provider formats stay (a live key
    shipped in a bundle is a real leak)."""
    if not matches or not any(m.rule.generic for m in matches) or not built_bundle(path, text):
        return matches
    kept = [m for m in matches if not m.rule.generic]
    result.notes[BUILT_BUNDLE_NOTE] += len(matches) - len(kept)
    return kept


def _keep_added(change: FileDiff) -> Keep:
    """What a change adds: the findings on its added lines; for a change git calls binary (no
    lines to tell), everything; a finding about the whole file when the change adds content."""
    changed = bool(change.added) or change.binary

    def keep(scope: str, first: int, last: int) -> bool:
        if scope == FILE or change.binary:
            return changed
        return change.touches(first, last)
    return keep


def _failed(result: ScanResult, path: str, exc: Exception) -> None:
    """Record why a file could not be judged (the run then fails, naming it)."""
    if isinstance(exc, ScanTimeout):
        result.errors.append(ScanError(path, f"incomplete: {exc} (regex time bound)"))
    else:
        result.errors.append(ScanError(path, f"internal error: {type(exc).__name__}: {exc}"))


def _analyse(matcher: Matcher, path: str, kind: str, data: bytes, text: str | None, result: ScanResult,
             line_offset: int = 0, keep: Keep | None = None, views: tuple[View, ...] = ()) -> list[Finding] | None:
    """Match, analyse and resolve one text (and the other views of its bytes); None (and an
    error in result) when it failed."""
    try:
        matches = _without_built_bundle_generics(path, text, _find(matcher, path, text), result) \
            if text is not None else []
    except Exception as exc:  # noqa: BLE001 - one bad file fails the run, naming the file
        return _failed(result, path, exc)
    if not matches and kind == TEXT and not views:
        # Nothing matched and no analyser or view adds anything: the common case of a
        # history's hunks and a tree's files, answered without building an analysis.
        _note_rebuilt(matcher, result)
        return []
    analysis = Analysis(path, kind, data, text, matcher, matcher.rules_by_id,
                        note=lambda what: result.notes.update([what]))
    analysis.matches = matches
    try:
        if kind != TEXT:
            analyser(kind)(analysis)
        seen = {(m.rule.id, m.secret) for m in analysis.matches}
        for view in views:
            for match in _find(matcher, path, view.text):
                if (match.rule.id, match.secret) not in seen and not inline_allowed(view.text, match.start):
                    seen.add((match.rule.id, match.secret))
                    analysis.add_view_match(match, view)
    except Exception as exc:  # noqa: BLE001 - one bad file fails the run, naming the file
        return _failed(result, path, exc)
    _note_rebuilt(matcher, result)
    resolved = resolve(analysis, line_offset, keep, matcher.secret_sha1s)
    for reason in analysis.errors:
        result.errors.append(ScanError(path, reason))
    if resolved.allowed:
        result.notes["allowed inline"] += resolved.allowed
        result.allowed_inline.extend(resolved.allowed_findings)
    if resolved.sha1_hits:
        result.sha1_hits.update(resolved.sha1_hits)
    return resolved.findings


def _note_rebuilt(matcher: Matcher, result: ScanResult) -> None:
    rebuilt = matcher.take_cache_rebuilt()  # cached regex programs that failed verification
    if rebuilt:
        from .engine.matcher import CACHE_REBUILT_NOTE

        result.notes[CACHE_REBUILT_NOTE] += rebuilt
