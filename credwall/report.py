"""Reporting: text for people; JSON, SARIF 2.1.0, GitHub annotations and JUnit XML for
machines. Secrets appear only masked, in every format."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, TextIO

from .engine.findings import CACHE_REBUILT_NOTE

if TYPE_CHECKING:
    from .engine.findings import Finding, ScanResult
    from .engine.rules import Rule
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
        parts.append(f"{len(advisories)} {'advisory' if len(advisories) == 1 else 'advisories'} "
                     "(practices to review, not credentials)")
    if result.errors:
        head = f"{_plural(len(result.errors), 'error')}: scan INCOMPLETE"
    elif findings:
        files = len({f.path for f in findings})
        head = f"{_plural(len(findings), 'finding')} in {_plural(files, 'file')}"
    else:
        head = "no secrets found"
    return f"credwall: {head}; " + "; ".join(parts)


def write_text(result: ScanResult, out: TextIO, err: TextIO, color: bool = False,
               engine: Engine | None = None) -> None:
    """One line per finding; under a finding whose message gives no advice of its own (a
    provider rule on plain text), the rule's one-line fix (credwall/remedies.py). Then errors,
    how to allow a false positive (once), and the summary, on `err`."""
    from .remedies import remedy_for

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    rules = _rules_by_id(engine)
    findings, advisories = _split(result)
    for f in findings + advisories:
        where = paint(_BOLD, f"{f.path}:{f.line}:{f.column}")
        conf = paint(_RED if f.confidence == "high" else _YELLOW, f.confidence)
        if f.advisory:
            conf = paint(_DIM, "advisory")
        commit = paint(_DIM, f" (commit {f.commit[:12]}, {f.author}, {f.date})") if f.commit else ""
        out.write(f"{where}: {f.rule_id} {f.message} [{conf}] {paint(_DIM, f.secret_masked)}{commit}\n")
        rule = rules.get(f.rule_id)
        if rule is None or f.message == rule.description:  # an analyser's message carries its own advice
            out.write(f"    fix: {remedy_for(rule).fix}\n")
    for e in result.errors:
        err.write(f"credwall: error: {e.path}: {e.reason}\n")
    if result.findings:
        from .remedies import ALLOW_HINT

        err.write(f"credwall: {ALLOW_HINT}\n")
    err.write(summary(result) + "\n")


def _rules_by_id(engine: Engine | None) -> dict[str, Rule]:
    """The rules in force by id (analyser rules too), or the built-in ones without an engine."""
    if engine is not None:
        return engine.matcher.rules_by_id
    from .engine.rules import load_rules

    return {r.id: r for r in load_rules()}


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
# GitHub code scanning ranks alerts by `security-severity`: >= 9.0 critical, 7.0-8.9 high,
# 4.0-6.9 medium. A credential a rule is sure of is a live key to something: critical.
SECURITY_SEVERITY = {"high": "9.0", "medium": "7.0", "low": "4.0"}
_CWE_798 = "external/cwe/cwe-798"  # Use of Hard-coded Credentials


def _artifact_uri(path: str) -> dict[str, str]:
    """A SARIF artifactLocation: relative paths stay relative (resolved against the checkout by
    the viewer), absolute ones become file:// URIs; both percent-encoded."""
    from urllib.parse import quote

    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return {"uri": "file://" + quote(posix)}
    return {"uri": quote(posix[2:] if posix.startswith("./") else posix)}


def rule_help_uri(rule: Rule | None) -> str | None:
    """docs/rules.md's section for a built-in rule; a pack's own rule: its first reference."""
    from . import RULES_DOC_URL

    if rule is None:
        return None
    if rule.id in _builtin_rule_ids():
        return f"{RULES_DOC_URL}#{rule.id}"
    return rule.references[0] if rule.references else None


_BUILTIN_IDS: frozenset[str] | None = None


def _builtin_rule_ids() -> frozenset[str]:
    global _BUILTIN_IDS
    if _BUILTIN_IDS is None:
        from .engine.rules import load_rules

        _BUILTIN_IDS = frozenset(r.id for r in load_rules())
    return _BUILTIN_IDS


def sarif_rule(rule_id: str, rule: Rule | None, finding: Finding) -> dict[str, object]:
    """A reportingDescriptor: what the rule finds, why it matters, how to fix it (text and
    markdown), where it is documented, and the severity GitHub ranks alerts by."""
    from .remedies import ALLOW_HINT, remedy_for

    description = (rule.description if rule is not None else finding.message).rstrip(".")
    confidence = rule.confidence if rule is not None else finding.confidence
    remedy = remedy_for(rule)
    help_uri = rule_help_uri(rule)
    full = f"{description}. Confidence: {confidence}" + (f"; family: {rule.family}" if rule is not None else "") + "."
    text = (f"{description}.\n\nWhy it matters: {remedy.why}\n\nHow to fix: {remedy.fix}.\n\n"
            f"{ALLOW_HINT[0].upper() + ALLOW_HINT[1:]}.")
    markdown = (f"**{description}.**\n\n**Why it matters:** {remedy.why}\n\n**How to fix:** {remedy.fix}.\n\n"
                f"{ALLOW_HINT[0].upper() + ALLOW_HINT[1:]}."
                + (f"\n\n[Rule reference]({help_uri})" if help_uri else ""))
    tags = ["security", "secrets", _CWE_798]
    if rule is not None:
        for tag in (rule.family, *rule.tags):
            if tag and tag not in tags:
                tags.append(tag)
    descriptor: dict[str, object] = {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.split("-")),
        "shortDescription": {"text": description},
        "fullDescription": {"text": full},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": _LEVELS.get(confidence, "error")},
        "properties": {"tags": tags, "precision": {"high": "high", "medium": "medium"}.get(confidence, "low"),
                       "security-severity": SECURITY_SEVERITY.get(confidence, "7.0")},
    }
    if help_uri:
        descriptor["helpUri"] = help_uri
    return descriptor


def to_sarif(result: ScanResult, suppressed: list[Any] | None = None,
             rules: dict[str, Rule] | None = None) -> dict[str, object]:
    """SARIF 2.1.0: every finding as a result; findings allowed inline, by the config or by the
    baseline as results with `suppressions` (code scanning shows them as dismissed, not gone)."""
    from . import HOMEPAGE, __version__

    rules = rules if rules is not None else _rules_by_id(None)
    rule_index: dict[str, int] = {}
    descriptors: list[dict[str, object]] = []
    results: list[dict[str, object]] = []
    reported = [(f, None) for f in result.findings] + [(s.finding, s) for s in suppressed or ()]
    for f, why in reported:
        if f.rule_id not in rule_index:
            rule_index[f.rule_id] = len(descriptors)
            descriptors.append(sarif_rule(f.rule_id, rules.get(f.rule_id), f))
        item: dict[str, object] = {
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
        }
        if f.commit:
            item["properties"] = {"commit": f.commit, "author": f.author, "date": f.date}
        if why is not None:
            item["suppressions"] = [{"kind": why.kind, "status": "accepted", "justification": why.justification}]
        results.append(item)
    notifications = [{"level": "error", "message": {"text": f"{e.path}: {e.reason}"},
                      "locations": [{"physicalLocation": {"artifactLocation": _artifact_uri(e.path)}}]}
                     for e in result.errors]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "credwall", "version": __version__, "semanticVersion": __version__,
                                "informationUri": HOMEPAGE, "rules": descriptors}},
            "invocations": [{"executionSuccessful": not result.errors,
                             "toolExecutionNotifications": notifications}],
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }


def write_sarif(result: ScanResult, out: TextIO, suppressed: list[Any] | None = None,
                engine: Engine | None = None) -> None:
    import json

    json.dump(to_sarif(result, suppressed, _rules_by_id(engine)), out, indent=2, ensure_ascii=False)
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


_WRITERS = {"json": write_json, "junit": write_junit, "github": write_github}


# --- one run's report ---------------------------------------------------------------------------

def emit(result: ScanResult, fmt: str, color: str, engine: Engine | None = None, whole_tree: bool = False, *,
         output: str | None = None, exit_findings: int = 1) -> int:
    """Apply the engine's suppressions (fingerprints the config allows, the baseline), write the
    report in the chosen format to stdout or to `output` (a file), and return the exit code:
    2 when the scan is incomplete, `exit_findings` (1) when something was found, else 0."""
    from .options import EXIT_CLEAN, EXIT_ERROR, command_stdout

    suppressed: list[Any] = []
    if engine is not None:
        note = engine.suppress(result, whole_tree, keep=suppressed if fmt == "sarif" else None)
        if note:
            sys.stderr.write(note + "\n")
    _printable_paths(result)
    out = command_stdout() if output is None else _open_report(output)
    try:
        if fmt == "auto":
            in_actions = os.environ.get("GITHUB_ACTIONS") == "true" and not out.isatty()
            fmt = "github" if in_actions else "text"
        if fmt == "sarif":
            write_sarif(result, out, suppressed=suppressed, engine=engine)
        elif fmt in _WRITERS:
            _WRITERS[fmt](result, out)
        else:
            use_color = color == "always" or (color == "auto" and out.isatty() and "NO_COLOR" not in os.environ)
            write_text(result, out, sys.stderr, color=use_color, engine=engine)
        if fmt not in ("github", "text"):  # machine formats keep stdout clean; the summary goes to stderr
            sys.stderr.write(summary(result) + "\n")
        out.flush()  # a reader that has gone shows here, not later as an error
    finally:
        if output is not None:
            out.close()
    if output is not None:
        sys.stderr.write(f"credwall: report written to {output}\n")
    if result.errors:
        return EXIT_ERROR
    failing = result.findings if engine is not None and engine.config.advisories == "fail" else _split(result)[0]
    return exit_findings if failing else EXIT_CLEAN


def _open_report(path: str) -> TextIO:
    from .errors import CredwallError

    try:
        return open(path, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise CredwallError(f"{path}: cannot write the report: {exc.strerror or exc}") from None


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
