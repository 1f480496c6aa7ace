"""The hook through real pre-commit: `pre-commit try-repo <this checkout> credwall`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import tokens
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit not installed")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _try_repo(repo: Path, home: Path, hook: str = "credwall") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    return subprocess.run(["pre-commit", "try-repo", str(REPO_ROOT), hook], cwd=repo, env=env,
                          capture_output=True, text=True, check=False, timeout=600)


def test_try_repo_blocks_a_staged_token_and_passes_a_clean_change(git_repo, pre_commit_home) -> None:  # type: ignore[no-untyped-def]
    secret = tokens.github_classic()
    git_repo.stage("deploy.sh", f"export GH_TOKEN={secret}\n")
    blocked = _try_repo(git_repo.path, pre_commit_home)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "deploy.sh:1:17: github-classic-pat" in blocked.stdout or "deploy.sh:1:17:" in blocked.stdout
    assert secret not in blocked.stdout + blocked.stderr

    git_repo.git("rm", "-q", "--cached", "deploy.sh")
    (git_repo.path / "deploy.sh").unlink()
    git_repo.stage("hello.py", "print('hello')\n")
    clean = _try_repo(git_repo.path, pre_commit_home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout
