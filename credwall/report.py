"""Reporting: text for people; JSON, SARIF 2.1.0, GitHub annotations and JUnit XML for
machines. Secrets appear only masked, in every format."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

from .engine.findings import CACHE_REBUILT_NOTE

if TYPE_CHECKING:
    from .engine.findings import Finding, ScanResult
    from .engine.session import Engine

JSON_VERSION = 1
_RED, _YELLOW, _DIM, _BOLD, _RESET = "\033[31m", "\033[33m", "\033[2m", "\033[1m", "\033[0m"


# Findings that were found and deliberately not reported: always counted in the summary.
_SUPPRESSIONS = {"allowed inline": "allowed by inline markers", "allowed by config": "allowed by config",
                 "baselined": "in the baseline", "advisories turned off": "advisories turned off (config)",
                 "generic in built bundle": "keyword=value matches in minified built bundles not reported"}


def _split(result: ScanResult) -> tuple[list[Finding], list[Finding]]:
    """(findings, advisories): credentials, and practices to review."""
    return [f for f in result.findings if not f.advisory], [f for f in result.findings if f.advisory]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(result: ScanResult) -> str:
    kb = result.bytes / 1024
    scanned = f"scanned {_plural(result.files, 'file')} ({kb:,.1f} KiB) in {result.seconds:.2f} s"
    if result.files == 0:
        scanned = "scanned nothing: 0 files"
    parts = [scanned]
    if result.skipped:
        skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(result.skipped.items()))
        parts.append(f"skipped {skipped}")
    decoded = {note: n for note, n in result.notes.items() if note not in _SUPPRESSIONS and note != CACHE_REBUILT_NOTE}
    if decoded:
        parts.append("decoded " + ", ".join(f"{n} {note}" for note, n in sorted(decoded.items())))
    for note, words in _SUPPRESSIONS.items():
        if result.notes.get(note):
            parts.append(f"{result.notes[note]} {words}")
    if result.notes.get(CACHE_REBUILT_NOTE):  # a damaged or tampered regex cache: say so
        rebuilt = result.notes[CACHE_REBUILT_NOTE]
        parts.append(f"{CACHE_REBUILT_NOTE}: {rebuilt} {'entry' if rebuilt == 1 else 'entries'} failed verification")
    findings, advisories = _split(result)
    if advisories:
        parts.append(f"{_plural(len(advisories), 'advisory')} (practices to review, not credentials)"
                     .replace("advisorys", "advisories"))
    if result.errors:
        head = f"{_plural(len(result.errors), 'error')}: scan INCOMPLETE"
    elif findings:
        files = len({f.path for f in findings})
        head = f"{_plural(len(findings), 'finding')} in {_plural(files, 'file')}"
    else:
        head = "no secrets found"
    return f"credwall: {head}; " + "; ".join(parts)


def write_text(result: ScanResult, out: TextIO, err: TextIO, color: bool = False) -> None:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    findings, advisories = _split(result)
    for f in findings + advisories:
        where = paint(_BOLD, f"{f.path}:{f.line}:{f.column}")
        conf = paint(_RED if f.confidence == "high" else _YELLOW, f.confidence)
        if f.advisory:
            conf = paint(_DIM, "advisory")
        commit = paint(_DIM, f" (commit {f.commit[:12]}, {f.author}, {f.date})") if f.commit else ""
        out.write(f"{where}: {f.rule_id} {f.message} [{conf}] {paint(_DIM, f.secret_masked)}{commit}\n")
    for e in result.errors:
        err.write(f"credwall: error: {e.path}: {e.reason}\n")
    err.write(summary(result) + "\n")


def to_json(result: ScanResult) -> dict[str, object]:
    findings, advisories = _split(result)
    return {
        "version": JSON_VERSION,
        "findings": [f.to_json() for f in findings],
        "advisories": [f.to_json() for f in advisories],
        "errors": [{"path": e.path, "reason": e.reason} for e in result.errors],
        "stats": {
            "files": result.files,
            "bytes": result.bytes,
            "seconds": round(result.seconds, 4),
            "skipped": dict(sorted(result.skipped.items())),
        },
    }


def write_json(result: ScanResult, out: TextIO) -> None:
    import json

    json.dump(to_json(result), out, indent=2, ensure_ascii=False)
    out.write("\n")


# --- SARIF 2.1.0 -------------------------------------------------------------------------------

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"high": "error", "medium": "error", "low": "warning"}


def _level(f: Finding) -> str:
    return "note" if f.advisory else _LEVELS.get(f.confidence, "error")


def _artifact_uri(path: str) -> dict[str, str]:
    """A SARIF artifactLocation: relative paths stay relative (resolved against the checkout by
    the viewer), absolute ones become file:// URIs; both percent-encoded."""
    from urllib.parse import quote

    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return {"uri": "file://" + quote(posix)}
    return {"uri": quote(posix[2:] if posix.startswith("./") else posix)}


def to_sarif(result: ScanResult) -> dict[str, object]:
    from . import __version__

    rule_index: dict[str, int] = {}
    rules: list[dict[str, object]] = []
    results: list[dict[str, object]] = []
    for f in result.findings:
        if f.rule_id not in rule_index:
            rule_index[f.rule_id] = len(rules)
            rules.append({
                "id": f.rule_id,
                "shortDescription": {"text": f.message if not f.message.startswith(f.rule_id) else f.rule_id},
                "defaultConfiguration": {"level": _level(f)},
                "properties": {"tags": ["security", "secrets"], "precision": f.confidence},
            })
        results.append({
            "ruleId": f.rule_id,
            "ruleIndex": rule_index[f.rule_id],
            "level": _level(f),
            "message": {"text": f"{f.message} (secret {f.secret_masked})"},
            "locations": [{"physicalLocation": {
                "artifactLocation": _artifact_uri(f.path),
                "region": {"startLine": f.line, "startColumn": f.column,
                           "endLine": f.end_line, "endColumn": max(f.end_column, f.column + 1)},
            }}],
            "partialFingerprints": {"credwallFingerprint/v1": f.fingerprint},
            **({"properties": {"commit": f.commit, "author": f.author, "date": f.date}} if f.commit else {}),
        })
    notifications = [{"level": "error", "message": {"text": f"{e.path}: {e.reason}"},
                      "locations": [{"physicalLocation": {"artifactLocation": _artifact_uri(e.path)}}]}
                     for e in result.errors]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "credwall", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "invocations": [{"executionSuccessful": not result.errors,
                             "toolExecutionNotifications": notifications}],
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }


def write_sarif(result: ScanResult, out: TextIO) -> None:
    import json

    json.dump(to_sarif(result), out, indent=2, ensure_ascii=False)
    out.write("\n")


# --- GitHub Actions workflow commands ----------------------------------------------------------

def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def write_github(result: ScanResult, out: TextIO) -> None:
    """`::error file=…,line=…::…` annotations: they show on the pull request's diff."""
    for f in result.findings:
        command = "notice" if f.advisory else "error" if f.confidence != "low" else "warning"
        props = (f"file={_gh_property(f.path)},line={f.line},col={f.column},endLine={f.end_line},"
                 f"endColumn={f.end_column},title={_gh_property('credwall ' + f.rule_id)}")
        out.write(f"::{command} {props}::{_gh_data(f.message + ' (secret ' + f.secret_masked + ')')}\n")
    for e in result.errors:
        out.write(f"::error file={_gh_property(e.path)},title=credwall scan error::{_gh_data(e.reason)}\n")
    out.write(_gh_data(summary(result)) + "\n")


# --- JUnit XML ---------------------------------------------------------------------------------

def write_junit(result: ScanResult, out: TextIO) -> None:
    """One test case per finding (failed) or per scan error (errored); a clean run is one passed
    case, so CI dashboards show that the scan ran."""
    from xml.sax.saxutils import escape, quoteattr

    cases = []
    findings, advisories = _split(result)
    for f in findings:
        cases.append(f'    <testcase classname={quoteattr(f.path)} name={quoteattr(f"{f.rule_id} at line {f.line}")}>\n'
                     f'      <failure type={quoteattr(f.rule_id)} message={quoteattr(f.message)}>'
                     f'{escape(f"{f.path}:{f.line}:{f.column} {f.rule_id} {f.message} (secret {f.secret_masked})")}'
                     f'</failure>\n    </testcase>')
    for f in advisories:  # a practice to review: shown, not failed
        cases.append(f'    <testcase classname={quoteattr(f.path)} name={quoteattr(f"{f.rule_id} at line {f.line}")}>\n'
                     f'      <skipped message={quoteattr("advisory: " + f.message)}/>\n    </testcase>')
    for e in result.errors:
        cases.append(f'    <testcase classname={quoteattr(e.path)} name="scan">\n'
                     f'      <error message={quoteattr(e.reason)}/>\n    </testcase>')
    if not cases:
        cases.append(f'    <testcase classname="credwall" name={quoteattr(summary(result))}/>')
    tests = max(len(cases), 1)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n'
              f'  <testsuite name="credwall" tests="{tests}" failures="{len(findings)}" '
              f'errors="{len(result.errors)}" time="{result.seconds:.3f}">\n'
              + "\n".join(cases) + "\n  </testsuite>\n</testsuites>\n")


# --- one run's report ---------------------------------------------------------------------------

def emit(result: ScanResult, fmt: str, color: str, engine: Engine | None = None, whole_tree: bool = False) -> int:
    """Apply the engine's suppressions (fingerprints the config allows, the baseline), write the
    report in the chosen format, and return the exit code (2 when the scan is incomplete)."""
    from .options import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, command_stdout

    if engine is not None:
        note = engine.suppress(result, whole_tree)
        if note:
            sys.stderr.write(note + "\n")
    _printable_paths(result)
    out = command_stdout()
    if fmt == "auto":
        in_actions = os.environ.get("GITHUB_ACTIONS") == "true" and not out.isatty()
        fmt = "github" if in_actions else "text"
    writers = {"json": write_json, "sarif": write_sarif, "junit": write_junit, "github": write_github}
    if fmt in writers:
        writers[fmt](result, out)
        if fmt != "github":  # machine formats keep stdout clean; the summary goes to stderr
            sys.stderr.write(summary(result) + "\n")
    else:
        use_color = color == "always" or (color == "auto" and out.isatty() and "NO_COLOR" not in os.environ)
        write_text(result, out, sys.stderr, color=use_color)
    out.flush()  # a reader that has gone shows here, not later as an error
    if result.errors:
        return EXIT_ERROR
    failing = result.findings if engine is not None and engine.config.advisories == "fail" else _split(result)[0]
    return EXIT_FINDINGS if failing else EXIT_CLEAN


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
