"""`credwall baseline triage`: walk a baseline's entries one by one, show where each finding is
(its lines, the secret masked), and record a person's verdict in the baseline itself —
true positive (a real secret: rotate it) or false positive (test data, an example) — with an
optional reason. detect-secrets users know this as `detect-secrets audit`; credwall's `audit`
is the workspace inventory (docs/adopting.md says which is which).

Answers are read a line at a time from stdin, so the walk can be driven by a script or a test
as well as by a person. The baseline is written after every verdict (atomically), so quitting,
an interrupt or the end of input loses nothing already answered. Nothing is ever printed
unmasked: the context shows the finding's lines with the secret replaced by its masked prefix.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable, TextIO

from .baseline import FALSE_POSITIVE, TRUE_POSITIVE, Baseline, Entry, write_baseline

if TYPE_CHECKING:
    from .engine.findings import Finding
    from .engine.session import Engine

_ANSWERS = {"t": TRUE_POSITIVE, "f": FALSE_POSITIVE}
PROMPT = "[t]rue positive (a real secret), [f]alse positive, [s]kip, [q]uit? "
_CONTEXT = 2  # lines shown before and after a finding


class Locator:
    """Where an entry's secret is now: the file scanned with the engine in force (once per file),
    the finding with the entry's fingerprint (or, for an imported detect-secrets entry, sha1)."""

    def __init__(self, engine: Engine, root: str) -> None:
        self.engine = engine
        self.root = root
        self._files: dict[str, tuple[list[Finding], dict[str, str]]] = {}

    def find(self, entry: Entry) -> Finding | None:
        path = os.path.join(self.root, entry.path)
        if path not in self._files:
            from .scan import scan_paths

            if os.path.isfile(path):
                result = scan_paths(self.engine.matcher, [path], jobs=1)
                self._files[path] = (result.findings, result.sha1_hits)
            else:
                self._files[path] = ([], {})
        findings, sha1_hits = self._files[path]
        for finding in findings:
            if entry.imported and sha1_hits.get(finding.fingerprint) == entry.sha1:
                return finding
            if not entry.imported and (finding.rule_id, finding.fingerprint) == (entry.rule_id, entry.fingerprint):
                return finding
        return None


def context(path: str, finding: Finding) -> list[str]:
    """The finding's lines and a few around them, numbered, with the secret's span masked."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return []
    first, last = finding.line, finding.end_line
    shown = []
    for number in range(max(1, first - _CONTEXT), min(len(lines), last + _CONTEXT) + 1):
        text = lines[number - 1]
        if first <= number <= last:
            start = finding.column - 1 if number == first else 0
            end = finding.end_column - 1 if number == last else len(text)
            text = text[:start] + (finding.secret_masked if number == first else "…") + text[end:]
        marker = ">" if first <= number <= last else " "
        shown.append(f"  {marker}{number:>5} | {text}")
    return shown


def triage(baseline: Baseline, path: str, engine: Engine, answers: TextIO, out: TextIO, *,
           everything: bool = False, save: Callable[[Baseline, str], None] = write_baseline) -> tuple[int, int]:
    """Walk the entries without a verdict (`everything`: all of them), asking for one each.
    Returns (entries answered, entries left without a verdict)."""
    locator = Locator(engine, baseline.root)
    todo = [e for e in baseline.entries if everything or not e.verdict]
    answered = 0
    for number, entry in enumerate(todo, 1):
        out.write(f"\n[{number}/{len(todo)}] {entry.describe()}"
                  + (f"  (now: {entry.verdict}{', ' + entry.reason if entry.reason else ''})" if entry.verdict else "")
                  + "\n")
        finding = locator.find(entry)
        if finding is None:
            out.write("  not found in the file any more: `credwall baseline update` drops it\n")
        else:
            out.write(f"  {entry.path}:{finding.line}:{finding.column}: {finding.message}\n")
            for line in context(os.path.join(baseline.root, entry.path), finding):
                out.write(line + "\n")
        verdict = _ask(answers, out)
        if verdict is None:  # quit, or the end of the input
            break
        if verdict == "":
            continue
        out.write("reason (optional, Enter for none): ")
        out.flush()
        reason = answers.readline().strip()
        updated = entry._replace(verdict=verdict, reason=reason or entry.reason)
        baseline = Baseline([updated if e == entry else e for e in baseline.entries], baseline.root)
        save(baseline, path)
        answered += 1
    left = sum(1 for e in baseline.entries if not e.verdict)
    return answered, left


def _ask(answers: TextIO, out: TextIO) -> str | None:
    """The verdict for one entry: a VERDICT, "" to skip, None to stop."""
    while True:
        out.write(PROMPT)
        out.flush()
        line = answers.readline()
        if not line:
            out.write("\n")
            return None
        word = line.strip().lower()[:1]
        if word == "q":
            return None
        if word == "s":
            return ""
        if word in _ANSWERS:
            return _ANSWERS[word]
        out.write("  answer t, f, s or q\n")


def verdict_counts(baseline: Baseline) -> str:
    true = sum(e.verdict == TRUE_POSITIVE for e in baseline.entries)
    false = sum(e.verdict == FALSE_POSITIVE for e in baseline.entries)
    left = len(baseline.entries) - true - false
    return f"{true} true positive, {false} false positive, {left} not triaged"
