"""The whole hook suite against the main hook alone: `pre-commit run --all-files` on a real
repository of >= 1,000 files (CPython stdlib text plus the files the context hooks own).

Uses `repo: local` hooks with `language: system` pointing at an install's console scripts, so
the figures are the hooks' own cost, not pre-commit installing environments. `--against BINDIR`
adds the main hook of another install (e.g. a venv of an older commit) as a row; the rows are
timed interleaved, run by run, so a busy machine slows each of them alike.

    python bench/hook_suite.py [--runs 5] [--against /path/to/other/venv/bin]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from _timing import run_once, stdlib_dir, stdlib_text_files

HOOKS = ["credwall", "credwall-env-files", "credwall-mcp", "credwall-agent-files", "credwall-ci"]
ENTRIES = {"credwall": "credwall-hook"}


def build_repo(root: Path, files: int) -> None:
    src = stdlib_dir()
    sources = [p for p in stdlib_text_files() if p.suffix == ".py"][:files]
    for path in sources:
        dest = root / "lib" / path.relative_to(src)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    extra = {
        ".env.example": "API_KEY=\nDATABASE_URL=postgres://user:${DB_PASSWORD}@db/app\n",
        ".mcp.json": '{"mcpServers": {"gh": {"command": "npx", "env": {"GITHUB_TOKEN": "${GITHUB_TOKEN}"}}}}\n',
        "CLAUDE.md": "# Project\nRun `make test`. Secrets come from the environment.\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    env:\n"
                                    "      TOKEN: ${{ secrets.TOKEN }}\n    steps:\n      - run: make test\n",
    }
    for rel, text in extra.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "x", "--no-verify"],
                   cwd=root, check=True)


def write_config(root: Path, hooks: list[str], bindir: Path | None = None) -> None:
    bindir = bindir or Path(sys.executable).parent
    from_yaml = yaml.safe_load((Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text())
    by_id = {h["id"]: h for h in from_yaml}
    local = []
    for hook in hooks:
        spec = dict(by_id[hook])
        spec["entry"] = str(bindir / spec["entry"])
        spec["language"] = "system"
        local.append(spec)
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=1200)
    parser.add_argument("--against", metavar="BINDIR", type=Path, help="another install's bin directory")
    args = parser.parse_args()
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    if not pre_commit:
        print("pre-commit is not installed")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        build_repo(root, args.files)
        count = len(subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True).stdout.splitlines())
        print(f"repository: {count:,} tracked files")
        env = dict(os.environ, PRE_COMMIT_HOME=str(Path(tmp) / "home"))
        setups: list[tuple[str, list[str], Path | None]] = [("credwall hook alone", ["credwall"], None),
                                                            ("all five credwall hooks", HOOKS, None)]
        if args.against:
            setups.append((f"credwall hook alone ({args.against})", ["credwall"], args.against))
        times: dict[str, list[float]] = {label: [] for label, _, _ in setups}
        cpu: dict[str, list[float]] = {label: [] for label, _, _ in setups}
        codes: dict[str, int] = {}
        for run in range(args.runs + 1):  # the first round warms caches and is not counted
            for label, hooks, bindir in setups:
                write_config(root, hooks, bindir)
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                wall, code = run_once([pre_commit, "run", "--all-files"], cwd=str(root), env=env)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                codes[label] = code
                if run:
                    times[label].append(wall)
                    cpu[label].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        # CPU time (user + system of pre-commit and every hook process) moves less than wall time
        # when other work shares the machine.
        rows = {label: statistics.median(values) for label, values in times.items()}
        cpu_rows = {label: statistics.median(values) for label, values in cpu.items()}
        for label, wall in rows.items():
            spread = f"{min(times[label]):.2f}–{max(times[label]):.2f}"
            print(f"{label:<40} wall {wall:6.2f} s ({spread})  cpu {cpu_rows[label]:6.2f} s   exit {codes[label]}")
        core = "credwall hook alone"
        print(f"suite / core = {rows['all five credwall hooks'] / rows[core]:.2f}x wall, "
              f"{cpu_rows['all five credwall hooks'] / cpu_rows[core]:.2f}x cpu")
        if args.against:
            other = setups[-1][0]
            print(f"core / other install's core = {rows[core] / rows[other]:.2f}x wall, "
                  f"{cpu_rows[core] / cpu_rows[other]:.2f}x cpu")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
