"""Hook latency: a staged change of 20 files / +800 lines in a real repo.

Whole-process median wall and CPU time of `credwall scan --staged` beside `betterleaks git
--staged` (and the hook entry point `credwall-hook FILES`), same repo, same machine, commands
run in turn each round; [min-max] over the rounds. `--against BINDIR` adds another install's
`credwall scan --staged` (a before/after comparison in the same rounds). Asserts nothing.

    python bench/staged_latency.py [--runs 30] [--against /path/to/other/venv/bin]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from _timing import against_env, anchor, fmt_ms, interleaved_runs, median_run, stdlib_text_files, tool


def build_repo(root: Path, files: int = 20, lines: int = 40) -> list[str]:
    """A repo with one commit of real stdlib text, then 20 files each gaining 40 new lines, staged."""
    sources = [p for p in stdlib_text_files() if p.suffix == ".py" and p.stat().st_size > 20_000][:files]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    names = []
    for i, src in enumerate(sources):
        text = src.read_text("utf-8", "replace").splitlines(keepends=True)
        name = f"pkg/mod_{i:02d}.py"
        names.append(name)
        (root / "pkg").mkdir(exist_ok=True)
        (root / name).write_text("".join(text[lines:]), "utf-8")
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "base"], check=True)
    for i, src in enumerate(sources):
        text = src.read_text("utf-8", "replace").splitlines(keepends=True)
        (root / names[i]).write_text("".join(text), "utf-8")  # +40 lines at the top of each
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    stat = subprocess.run(["git", "-C", str(root), "diff", "--cached", "--shortstat"], capture_output=True, text=True, check=True)
    print(f"staged change: {stat.stdout.strip()}")
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--against", metavar="BINDIR", type=Path, help="another install's bin directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        names = build_repo(repo)
        rows = [("credwall scan --staged", [tool("credwall"), "scan", "--staged"]),
                ("credwall-hook FILES (pre-commit entry)", [tool("credwall-hook"), *names])]
        if args.against:
            rows.append((f"credwall scan --staged ({args.against})", [str(args.against / "credwall"), "scan", "--staged"]))
        betterleaks = anchor("betterleaks")
        if betterleaks:
            rows.append(("betterleaks git --staged", [betterleaks, "git", "--staged", "--no-banner", "-l", "error", "."]))
        fast = {label: cmd for label, cmd in rows}
        measured = interleaved_runs(fast, args.runs, cwd=str(repo), warmup=2, envs=against_env(args.against, rows))
        for label, runs in measured.items():
            print(f"{label:<40} {runs.describe('ms')}  exit {runs.code}")
        detect = anchor("detect-secrets-hook") or shutil.which("detect-secrets-hook")
        if detect:  # seconds a run: a few runs of its own
            wall, rss, code = median_run([detect, *names], 3, cwd=str(repo), warmup=0)
            print(f"{'detect-secrets-hook FILES':<40} wall {fmt_ms(wall)}  peak RSS {rss / 1024:5.1f} MiB  exit {code}")
        if betterleaks:
            ours, theirs = measured["credwall scan --staged"], measured["betterleaks git --staged"]
            print(f"credwall / betterleaks = wall {ours.wall() / theirs.wall():.2f}x, CPU {ours.cpu() / theirs.cpu():.2f}x "
                  f"(goal <= 0.6x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
