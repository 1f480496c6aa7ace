"""The docs are tests: Sybil collects every fenced block of README.md and docs/*.md as a test item
(tests/docs_harness.py says how each kind of block is run). The real-pre-commit fixtures live here
so that the docs' pre-commit snippets and tests/ share one installed hook environment."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import _IGNORED, REPO_ROOT
from tests.docs_harness import docs_sybil

pytest_collect_file = docs_sybil().pytest()


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This checkout, uncommitted edits included, as a committed repo: pre-commit then installs
    the hook environment once for the whole run."""
    path = tmp_path_factory.mktemp("hook-repo") / "credwall"
    shutil.copytree(REPO_ROOT, path, ignore=_IGNORED)
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t")
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "snapshot", "--no-verify"]):
        subprocess.run(cmd, cwd=path, env=env, check=True, capture_output=True)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=path, capture_output=True, text=True, check=True).stdout.strip()
    return path, sha


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")




