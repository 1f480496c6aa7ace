"""Throughput: the CPython standard library's text files (no site-packages), scanned whole.

`credwall scan DIR` beside `betterleaks fs DIR` (and optionally detect-secrets), on a copy of
the files in a temp dir so every tool reads the same tree. credwall runs twice: with the keyword
gate it picks (Hyperscan when `credwall[fast]` is installed) and with the portable default
(CREDWALL_GATE=aho-corasick). Commands run in turn each round (interleaved: load drift on a
shared machine hits all alike); each row gives the median wall and CPU time with the range
[min-max] over the rounds, and the peak RSS of the largest process.

    python bench/throughput.py [--runs 7] [--detect-secrets]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from _timing import anchor, interleaved_runs, median_run, stdlib_dir, stdlib_text_files, tool


def gate_in_use() -> str:
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return "aho-corasick (hyperscan not installed)"
    return "hyperscan"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
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
        print(f"corpus: {len(files):,} files, {total / 1e6:.1f} MB from {src_root}; load {os.getloadavg()[0]:.2f}")
        scan = [tool("credwall"), "scan", "--format", "json", str(root)]
        cmds = {f"credwall scan, gate {gate_in_use()}": scan,
                "credwall scan, gate aho-corasick": scan,
                "credwall scan --jobs 1, aho-corasick": [*scan[:2], "--jobs", "1", *scan[2:]]}
        default_env = {**os.environ, "CREDWALL_GATE": "aho-corasick"}
        envs = {"credwall scan, gate aho-corasick": default_env, "credwall scan --jobs 1, aho-corasick": default_env}
        betterleaks = anchor("betterleaks")
        if betterleaks:
            cmds["betterleaks fs"] = [betterleaks, "fs", "--no-banner", "-l", "error", str(root)]
        results = interleaved_runs(cmds, args.runs, envs=envs)
        for label, runs in results.items():
            print(f"{label:<44} {runs.describe()}  {total / 1e6 / runs.wall():6.1f} MB/s  exit {runs.code}")
        if args.detect_secrets and anchor("detect-secrets"):
            wall, rss, code = median_run([anchor("detect-secrets"), "scan", "--all-files", str(root)], 1, warmup=0)
            print(f"{'detect-secrets scan --all-files':<44} wall {wall:.2f} s  peak RSS {rss / 1024:5.1f} MiB  exit {code}")
        if betterleaks:
            reference = results["betterleaks fs"]
            for label in list(cmds)[:2]:
                print(f"{label} / betterleaks: wall {results[label].wall() / reference.wall():.2f}x, "
                      f"CPU {results[label].cpu() / reference.cpu():.2f}x (goal <= 0.5x wall)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
