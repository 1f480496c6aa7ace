"""History scan: a repository of a few thousand commits of real text, scanned whole.

The repository is built with `git fast-import` from the CPython standard library: the first
commits add stdlib files a few at a time, the rest edit them (a span of lines replaced by lines
from another stdlib file), as a project's history does. A few synthetic tokens (tests/tokens.py)
are added and later removed, so both tools must dig into history to report them.

`credwall scan --history` (whole process, run in the repository) beside `betterleaks git`,
interleaved runs: median wall and CPU time (git's included) with their range [min-max],
commits/s and MB/s of `git log -p` text, peak RSS of the largest process. `--against BINDIR`
adds another install's credwall in the same rounds (a before/after comparison). `--gitpython` also times reading the same commits through GitPython's object API
(`repo.iter_commits` + `commit.diff(parent, create_patch=True)`), the alternative to
streaming one `git log -p`.

    python bench/history.py [--commits 2400] [--runs 5] [--gitpython] [--keep DIR] [--against BINDIR]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import against_env, anchor, interleaved_runs, stdlib_dir, stdlib_text_files, tool

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))  # tests.tokens

def build_repo(path: Path, commits: int, seed: int = 7) -> tuple[int, int]:
    """Create the repository at path; returns (commits, planted tokens)."""
    from tests import tokens

    rng = random.Random(seed)
    root = stdlib_dir()
    sources = [p for p in stdlib_text_files(limit_bytes=200_000) if p.suffix == ".py"]
    rng.shuffle(sources)
    texts = {str(p.relative_to(root)): p.read_bytes().decode("utf-8", "replace").splitlines(keepends=True)
             for p in sources[:1500]}
    names = list(texts)
    tree: dict[str, list[str]] = {}
    adds = max(1, commits // 4)
    planted = 0
    stream = bytearray()

    def blob(name: str) -> None:
        data = "".join(tree[name]).encode()
        stream.extend(b"M 100644 inline %s\ndata %d\n%s\n" % (name.encode(), len(data), data))

    pending_removals: dict[int, str] = {}
    for n in range(commits):
        when = 1_600_000_000 + n * 3600
        message = f"change {n}".encode()
        stream.extend(b"commit refs/heads/main\n")
        stream.extend(b"author Dev %d <dev%d@example.invalid> %d +0000\n" % (n % 7, n % 7, when))
        stream.extend(b"committer Dev <dev@example.invalid> %d +0000\ndata %d\n%s\n" % (when, len(message), message))
        if n < adds:  # add a few files
            for _ in range(rng.randint(1, 2)):
                if not names:
                    break
                name = names.pop()
                tree[name] = texts[name]
                blob(name)
        else:  # edit one to three files: replace a span with lines of another stdlib file
            for name in rng.sample(sorted(tree), min(len(tree), rng.randint(1, 3))):
                lines = list(tree[name])
                donor = texts[rng.choice(list(texts))]
                at = rng.randrange(0, max(1, len(lines)))
                take = rng.randint(1, 12)
                start = rng.randrange(0, max(1, len(donor) - take))
                lines[at:at + rng.randint(0, 6)] = donor[start:start + take]
                if n % 200 == 0:  # plant a token; removed again 50 commits later
                    lines.insert(at, f"GITHUB_TOKEN = '{tokens.github_classic(seed=1000 + n)}'\n")
                    pending_removals[n + 50] = name
                    planted += 1
                tree[name] = lines
                blob(name)
        victim = pending_removals.pop(n, None)
        if victim is not None:
            tree[victim] = [line for line in tree[victim] if not line.startswith("GITHUB_TOKEN = ")]
            blob(victim)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=path, input=bytes(stream), check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=path, check=True)
    return commits, planted


def patch_bytes(repo: Path) -> int:
    proc = subprocess.run(["git", "log", "-p", "-U0", "--no-color", "--format=%H"], cwd=repo,
                          capture_output=True, check=True)
    return len(proc.stdout)


def gitpython_read(repo: Path) -> tuple[float, int, int]:
    """(seconds, commits, patch bytes) reading every commit's patch through GitPython."""
    import git  # GitPython, imported only here

    started = time.perf_counter()
    commits = size = 0
    repository = git.Repo(repo)
    for commit in repository.iter_commits("HEAD"):
        parent = commit.parents[0] if commit.parents else git.NULL_TREE
        for diff in parent.diff(commit, create_patch=True, unified=0) if commit.parents else \
                commit.diff(git.NULL_TREE, create_patch=True, unified=0, R=True):
            size += len(diff.diff or b"")
        commits += 1
    return time.perf_counter() - started, commits, size


def streaming_read(repo: Path) -> tuple[float, int, int]:
    """(seconds, commits, patch bytes) reading the same through credwall.sources.git.stream_lines."""
    from credwall.sources import git as cgit

    started = time.perf_counter()
    commits = size = 0
    for line in cgit.stream_lines(cgit.history_log_args(["HEAD"]), cwd=str(repo)):
        if line[:1] == b"\0":
            commits += 1
        size += len(line)
    return time.perf_counter() - started, commits, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=2400)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--gitpython", action="store_true", help="also time GitPython's object API")
    parser.add_argument("--keep", metavar="DIR", help="build the repository here and keep it")
    parser.add_argument("--against", metavar="BINDIR", type=Path, help="another install's bin directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(args.keep) if args.keep else Path(tmp) / "history"
        if not (repo / ".git").exists():
            started = time.perf_counter()
            commits, planted = build_repo(repo, args.commits)
            print(f"built {commits:,} commits ({planted} planted tokens) in {time.perf_counter() - started:.1f} s")
        commits = int(subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=repo, capture_output=True,
                                     text=True, check=True).stdout)
        size = patch_bytes(repo)
        print(f"repository: {commits:,} commits, `git log -p -U0` {size / 1e6:.1f} MB, at {repo}")
        if args.gitpython:
            for label, reader in (("stream git log -p", streaming_read), ("GitPython iter_commits+diff", gitpython_read)):
                seconds, n, read = reader(repo)
                print(f"read: {label:<28} {seconds:6.2f} s  {n / seconds:8,.0f} commits/s  ({n:,} commits, {read / 1e6:.1f} MB)")
        load = os.getloadavg()[0]
        print(f"{os.cpu_count()} CPUs, load average {load:.2f} before timing"
              + ("  (busy machine: wall times are inflated)" if load > 0.5 else ""))
        scan = [tool("credwall"), "scan", "--history", "--format", "json"]
        cmds = {"credwall history": scan, "credwall --jobs 1": [*scan, "--jobs", "1"]}
        if args.against:
            cmds[f"credwall history ({args.against.name})"] = [str(args.against / "credwall"), *scan[1:]]
        betterleaks = anchor("betterleaks")
        if betterleaks:
            cmds["betterleaks git"] = [betterleaks, "git", "--no-banner", "-l", "error", "."]
        results = interleaved_runs(cmds, args.runs, cwd=str(repo), warmup=1,
                                   envs=against_env(args.against, list(cmds.items())))
        for label, runs in results.items():
            wall = runs.wall()
            print(f"{label:<28} {runs.describe()}  {commits / wall:7,.0f} commits/s  {size / 1e6 / wall:5.1f} MB/s  "
                  f"exit {runs.code}")
        found = subprocess.run(cmds["credwall history"], cwd=repo, capture_output=True, text=True, check=False)
        import json

        report = json.loads(found.stdout or "{}")
        print(f"credwall findings: {len(report.get('findings', []))} "
              f"({len({f.get('commit') for f in report.get('findings', [])})} commits)")
        if betterleaks:
            out = Path(tmp) / "bl.json"
            subprocess.run([*cmds["betterleaks git"], "-o", str(out)], cwd=repo, capture_output=True, check=False)
            data = json.loads(out.read_text() or "{}") if out.exists() else {}
            leaks = data.get("findings", []) if isinstance(data, dict) else data
            high = sum(1 for leak in leaks if leak.get("confidence") == "high")
            print(f"betterleaks findings: {len(leaks)} ({high} high confidence)")
            ours, theirs = results["credwall history"], results["betterleaks git"]
            print(f"credwall / betterleaks = wall {ours.wall() / theirs.wall():.2f}x, CPU {ours.cpu() / theirs.cpu():.2f}x "
                  f"(goal <= 0.5x wall)")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    raise SystemExit(main())
