"""The whole hook suite against the core hook alone: `pre-commit run --all-files` on a real
repository of ≥ 1,000 files (CPython stdlib text plus the files the context hooks own).

Uses `repo: local` hooks with `language: system` pointing at this interpreter's console scripts,
so the figures are the hooks' own cost, not pre-commit installing environments.

    python bench/hook_suite.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from _timing import median_run, stdlib_dir, stdlib_text_files

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


def write_config(root: Path, hooks: list[str]) -> None:
    bindir = Path(sys.executable).parent
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
        rows = {}
        for label, hooks in (("credwall hook alone", ["credwall"]), ("all five credwall hooks", HOOKS)):
            write_config(root, hooks)
            wall, rss, code = median_run([pre_commit, "run", "--all-files"], args.runs, cwd=str(root), env=env)
            rows[label] = wall
            print(f"{label:<26} median {wall:6.2f} s   exit {code}")
        print(f"suite / core = {rows['all five credwall hooks'] / rows['credwall hook alone']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
