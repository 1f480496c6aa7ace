"""The wheel carries hooks/ and patterns/ inside the credwall package, and no bare `hooks`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A fresh clone of this checkout (uncommitted edits included) after `pip install .`'s
    build step: (the clone, the directory holding the wheel). Built from a clean copy: a stale
    build/lib in the checkout would mask a missing package."""
    tmp_path = tmp_path_factory.mktemp("clone")
    source = tmp_path / "src"
    shutil.copytree(REPO_ROOT, source, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", ".venv"))
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t")
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "snapshot", "--no-verify"]):
        subprocess.run(cmd, cwd=source, env=env, check=True, capture_output=True)
    clone = tmp_path / "credwall"
    subprocess.run(["git", "clone", "-q", str(source), str(clone)], check=True, capture_output=True)
    wheels = tmp_path / "wheels"
    # What `pip install .` does first: build the wheel in the clone, leaving build/ and *.egg-info there.
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(wheels),
                           str(clone)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return clone, wheels


def test_a_fresh_clone_scans_clean_after_pip_install(fresh_clone: tuple[Path, Path]) -> None:
    """README's first command, `pip install . && credwall scan .`: the rule packs' examples and the
    test fixtures are excluded by the project's .credwall.toml, and build/ (which the install
    just wrote, rule packs included) is skipped because git ignores it."""
    clone, _ = fresh_clone
    assert (clone / "build").is_dir()
    proc = subprocess.run([sys.executable, "-m", "credwall", "scan", "."], cwd=clone, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    assert "no secrets found" in proc.stderr and "ignored by git" in proc.stderr, proc.stderr
    assert "excluded by config" in proc.stderr
    with_ignored = subprocess.run([sys.executable, "-m", "credwall", "scan", "--include-ignored", "--format", "json",
                                   "."], cwd=clone, capture_output=True, text=True, check=False)
    assert with_ignored.returncode == 1 and 'build/lib/credwall/patterns/' in with_ignored.stdout  # the flag brings build/ back


def test_wheel_contents(fresh_clone: tuple[Path, Path]) -> None:
    _, tmp_path = fresh_clone
    [wheel] = tmp_path.glob("credwall-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    packs = sorted(p.name for p in (REPO_ROOT / "patterns").glob("*.yaml"))
    assert sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("credwall/patterns/") and n.endswith(".yaml")) == packs
    assert "credwall/patterns/ruleset.marshal" in names  # the packs' parsed form (setup.py)
    assert "credwall/hooks/check_secrets.py" in names
    assert "credwall/patterns/documented-examples.txt" in names  # the documented-example filter's list
    assert "credwall/agentguard/cli.py" in names  # the agent guard ships too
    assert "credwall/importers/gitleaks/reader.py" in names
    # every subpackage is listed in pyproject's `packages` (a new one is easily forgotten)
    for init in sorted((REPO_ROOT / "credwall").glob("**/__init__.py")):
        assert "credwall/" + init.relative_to(REPO_ROOT / "credwall").as_posix() in names, init.parent.name
    assert not any(n.startswith("hooks/") or n.startswith("patterns/") for n in names)


def test_every_hook_entry_is_a_console_script() -> None:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    scripts = (REPO_ROOT / "pyproject.toml").read_text()
    readme = (REPO_ROOT / "README.md").read_text()
    for hook in hooks:
        assert f"\n{hook['entry'].split()[0]} = " in scripts
        assert f"`{hook['id']}`" in readme
