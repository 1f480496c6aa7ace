"""Detection quality on the generated evaluation corpus: precision and recall per class.

    python bench/detection.py [--seed 12] [--keep DIR] [--misses]

Generates the corpus (bench/detection_corpus.py) into a temp dir, runs
`credwall scan --format json DIR`, and scores it line by line: a finding on a labelled secret's
file and line is a true positive; a labelled secret with no finding there is a miss; any other
finding is a false alarm of its file's class. Prints a table per class and overall; `--misses`
also lists each miss and false alarm (masked, as credwall reports them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from detection_corpus import generate  # noqa: E402


def credwall_findings(root: Path) -> tuple[list[dict[str, object]], int]:
    """(findings about values, findings about whole files). A whole-file finding (a committed
    `.env`, a key file by its name: rules with `scope: file`) says the file should not be in git,
    not that a line holds a secret, so it is counted apart, not scored against the line labels."""
    exe = shutil.which("credwall") or "credwall"
    proc = subprocess.run([exe, "scan", "--format", "json", str(root)], capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"credwall scan failed (exit {proc.returncode}): {proc.stderr.strip()}")
    from credwall.engine.rules import load_rules

    file_scope = {r.id for r in load_rules() if r.scope == "file"}
    findings = list(json.loads(proc.stdout)["findings"])
    values = [f for f in findings if f["rule_id"] not in file_scope]
    return values, len(findings) - len(values)


def score(root: Path, labels: list, findings: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    positives = {(l.path, l.line): l.cls for l in labels if l.secret}
    file_class = {l.path: l.cls for l in labels}
    found: set[tuple[str, int]] = set()
    false_alarms: list[tuple[str, dict[str, object]]] = []
    for finding in findings:
        rel = os.path.relpath(str(finding["path"]), root)
        key = (rel, int(finding["line"]))  # type: ignore[call-overload]
        if key in positives:
            found.add(key)
        elif rel != "labels.jsonl":
            false_alarms.append((file_class.get(rel, "unlabelled"), {**finding, "path": rel}))
    table: dict[str, dict[str, int]] = defaultdict(lambda: {"files": 0, "secrets": 0, "tp": 0, "fp": 0})
    for path, cls in file_class.items():
        table[cls]["files"] += 1
    for key, cls in positives.items():
        table[cls]["secrets"] += 1
        table[cls]["tp"] += key in found
    seen_fp: set[tuple[str, int]] = set()
    for cls, finding in false_alarms:
        line_key = (str(finding["path"]), int(finding["line"]))  # type: ignore[call-overload]
        if line_key not in seen_fp:  # one false alarm per line, as a reviewer sees it
            seen_fp.add(line_key)
            table[cls]["fp"] += 1
    misses = sorted(key for key in positives if key not in found)
    return table, misses, false_alarms


def ratio(num: int, den: int) -> str:
    return f"{num / den:.3f}" if den else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--keep", type=Path, help="generate into this (empty) directory and keep it")
    parser.add_argument("--misses", action="store_true", help="list misses and false alarms")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp) / "corpus"
        labels = generate(root, args.seed)
        findings, whole_files = credwall_findings(root)
        table, misses, false_alarms = score(root, labels, findings)
    print(f"{'class':<26}{'files':>6}{'secrets':>8}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}")
    totals = {"files": 0, "secrets": 0, "tp": 0, "fp": 0}
    for cls in sorted(table, key=lambda c: (table[c]["secrets"] == 0, c)):
        row = table[cls]
        for k in totals:
            totals[k] += row[k]
        fn = row["secrets"] - row["tp"]
        print(f"{cls:<26}{row['files']:>6}{row['secrets']:>8}{row['tp']:>5}{row['fp']:>5}{fn:>5}"
              f"{ratio(row['tp'], row['tp'] + row['fp']):>11}{ratio(row['tp'], row['secrets']):>8}")
    fn = totals["secrets"] - totals["tp"]
    print(f"{'OVERALL':<26}{totals['files']:>6}{totals['secrets']:>8}{totals['tp']:>5}{totals['fp']:>5}{fn:>5}"
          f"{ratio(totals['tp'], totals['tp'] + totals['fp']):>11}{ratio(totals['tp'], totals['secrets']):>8}")
    negatives = sum(1 for row in table.values() if row["secrets"] == 0)
    print(f"{len(table)} classes ({negatives} of hard negatives only); seed {args.seed}; "
          f"{whole_files} findings about whole files (committed env or key files) counted apart")
    if args.misses:
        for path, line in misses:
            print(f"MISS {path}:{line}")
        by_line: dict[tuple[str, str, int], list[str]] = defaultdict(list)
        for cls, finding in false_alarms:
            by_line[(cls, str(finding["path"]), int(finding["line"]))].append(  # type: ignore[call-overload]
                f"{finding['rule_id']} {finding['secret_masked']}")
        for (cls, path, line), what in sorted(by_line.items()):
            more = f" (+{len(what) - 3} more)" if len(what) > 3 else ""
            print(f"FP   [{cls}] {path}:{line} {'; '.join(what[:3])}{more}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
