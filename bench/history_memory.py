"""Memory on long histories: peak RSS of `credwall scan --history` on repositories of 10,000 and
100,000 commits (made with `git fast-import`, streamed into it: 50 small files, each commit
editing one or two of them, a token planted every 5,000 commits), beside betterleaks.

Flat memory means the 100k-commit figure is close to the 10k one: credwall holds one file's
patch at a time plus one (fingerprint, path) per reported secret and a bounded memo of clean
blobs.

    python bench/history_memory.py [--commits 10000 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import anchor, run_measured, tool

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))  # tests.tokens


def build(path: Path, commits: int, seed: int = 3) -> None:
    from tests import tokens

    rng = random.Random(seed)
    words = ["alpha", "beta", "gamma", "delta", "value", "config", "return", "import", "self", "data"]
    files = {f"src/mod_{i:02d}.py": [f"# module {i}\n"] for i in range(50)}
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=path, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    out = proc.stdin
    for n in range(commits):
        when = 1_500_000_000 + n * 60
        message = f"change {n}".encode()
        out.write(b"commit refs/heads/main\n")
        out.write(b"author Dev <dev@example.invalid> %d +0000\ncommitter Dev <dev@example.invalid> %d +0000\n" % (when, when))
        out.write(b"data %d\n%s\n" % (len(message), message))
        for name in rng.sample(sorted(files), rng.randint(1, 2)):
            lines = files[name]
            line = " ".join(rng.choice(words) for _ in range(rng.randint(3, 9))) + "\n"
            if n % 5000 == 4999:
                line = f"TOKEN = '{tokens.github_classic(seed=n)}'\n"
            lines.insert(rng.randrange(len(lines) + 1), line)
            if len(lines) > 60:
                del lines[rng.randrange(len(lines))]
            data = "".join(lines).encode()
            out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (name.encode(), len(data), data))
    out.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=path, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--keep", metavar="DIR", help="build the repositories here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(args.keep or tmp)
        for commits in args.commits:
            repo = base / f"history-{commits}"
            if not (repo / ".git").exists():
                build(repo, commits)
            cmds = {"credwall scan --history": [tool("credwall"), "scan", "--history", "--format", "json"],
                    "credwall scan --history --jobs 1": [tool("credwall"), "scan", "--history", "--jobs", "1",
                                                         "--format", "json"]}
            betterleaks = anchor("betterleaks")
            if betterleaks:
                cmds["betterleaks git"] = [betterleaks, "git", "--no-banner", "-l", "error", "."]
            for label, cmd in cmds.items():
                wall, cpu, rss, code = run_measured(cmd, cwd=str(repo))
                print(f"{commits:>7,} commits  {label:<34} wall {wall:6.2f} s  CPU {cpu:6.2f} s  "
                      f"peak RSS {rss / 1024:6.1f} MiB  exit {code}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
