"""Throughput: the CPython standard library's text files (no site-packages), scanned whole.

`credwall scan DIR` beside `betterleaks fs DIR` (and optionally detect-secrets), median wall and
peak RSS, on a copy of the files in a temp dir so every tool reads the same tree.

    python bench/throughput.py [--runs 5] [--detect-secrets]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from _timing import anchor, median_run, stdlib_dir, stdlib_text_files, tool


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--detect-secrets", action="store_true", help="also time detect-secrets (slow)")
    args = parser.parse_args()
    files = stdlib_text_files()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "stdlib"
        src_root = stdlib_dir()
        total = 0
        for path in files:
            dest = root / path.relative_to(src_root)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
            total += path.stat().st_size
        print(f"corpus: {len(files):,} files, {total / 1e6:.1f} MB from {src_root}")
        rows = [("credwall scan (2 jobs)", [tool("credwall"), "scan", "--format", "json", str(root)]),
                ("credwall scan --jobs 1", [tool("credwall"), "scan", "--jobs", "1", "--format", "json", str(root)])]
        betterleaks = anchor("betterleaks")
        if betterleaks:
            rows.append(("betterleaks fs", [betterleaks, "fs", "--no-banner", "-l", "error", str(root)]))
        if args.detect_secrets and anchor("detect-secrets"):
            rows.append(("detect-secrets scan --all-files", [anchor("detect-secrets"), "scan", "--all-files", str(root)]))
        results = {}
        for label, cmd in rows:
            runs = 1 if "detect" in label else args.runs
            wall, rss, code = median_run(cmd, runs, warmup=1 if "detect" not in label else 0)
            results[label] = wall
            print(f"{label:<34} median {wall:6.2f} s  {total / 1e6 / wall:6.1f} MB/s  peak RSS {rss / 1024:6.1f} MiB  exit {code}")
        if betterleaks:
            print(f"credwall / betterleaks = {results['credwall scan (2 jobs)'] / results['betterleaks fs']:.2f}x (goal <= 0.5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
