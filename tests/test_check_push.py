"""The `credwall-push` pre-push hook: in-process with pre-commit's environment variables, and a
real `git push` through a pre-push hook installed by pre-commit."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from credwall.hooks.check_push import main
from credwall.push import push_revisions
from tests import tokens
from tests.conftest import REPO_ROOT, GitRepo

ZEROS = "0" * 40
_PUSH_ENV = ("PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF", "PRE_COMMIT_REMOTE_NAME", "PRE_COMMIT_LOCAL_BRANCH",
             "PRE_COMMIT_REMOTE_BRANCH", "PRE_COMMIT_REMOTE_URL")


@pytest.fixture
def pushing(git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """git_repo with a local bare remote `origin` holding one clean commit."""
    for var in _PUSH_ENV:
        monkeypatch.delenv(var, raising=False)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git_repo.git("remote", "add", "origin", str(remote))
    git_repo.stage("README", "hello\n")
    git_repo.commit("first")
    git_repo.git("push", "-q", "--no-verify", "origin", "main")
    return git_repo


def _head(repo: GitRepo) -> str:
    return repo.git("rev-parse", "HEAD").strip()


def _env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for key, value in values.items():
        monkeypatch.setenv(f"PRE_COMMIT_{key.upper()}", value)


def test_push_revisions() -> None:
    assert push_revisions("a1", "b2", "origin") == ["b2", "^a1", "--not", "--remotes=origin"]
    assert push_revisions(ZEROS, "b2", "origin") == ["b2", "--not", "--remotes=origin"]  # new branch
    assert push_revisions(None, "b2", None) == ["b2", "--not", "--remotes"]
    assert push_revisions(None, None, "origin", "refs/heads/main") == ["refs/heads/main", "--not", "--remotes=origin"]
    assert push_revisions(None, None, None) == ["HEAD", "--not", "--remotes"]  # by hand
    assert push_revisions("a1", ZEROS, "origin") is None  # a deletion sends nothing
    with pytest.raises(ValueError):
        push_revisions("--output=x", "b2", "origin")


def test_pushed_commits_with_a_token_are_refused(pushing, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    old = _head(pushing)
    secret = tokens.github_classic(seed=401)
    pushing.stage("deploy.sh", f"export GH_TOKEN={secret}\n")
    pushing.commit("add deploy")
    bad = _head(pushing)
    pushing.stage("deploy.sh", "export GH_TOKEN=$GH_TOKEN\n")
    pushing.commit("oops")  # removing it later does not clean the pushed history
    _env(monkeypatch, from_ref=old, to_ref=_head(pushing), remote_name="origin")

    assert main([]) == 1
    out, err = capsys.readouterr()
    assert "deploy.sh:1:17: github-pat" in out
    assert f"{bad[:12]} Dev <dev@example.invalid>" in err and "deploy.sh:1" in err
    assert "credwall: history: 2 commits read" in err
    assert secret not in out + err

    assert main(["--format", "json"]) == 1
    report = yaml.safe_load(capsys.readouterr().out)
    assert [(f["commit"], f["path"]) for f in report["findings"]] == [(bad, "deploy.sh")]


def test_a_clean_push_passes(pushing, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    old = _head(pushing)
    pushing.stage("app.py", "print('hi')\n")
    pushing.commit("clean")
    _env(monkeypatch, from_ref=old, to_ref=_head(pushing), remote_name="origin")
    assert main([]) == 0
    assert "no secrets found" in capsys.readouterr().err


def test_a_new_branch_scans_only_commits_no_remote_has(pushing, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    # A token already on the remote (pushed past the hook) is not the new branch's doing.
    pushing.stage("old.py", f"T = '{tokens.github_classic(seed=411)}'\n")
    pushing.commit("old token")
    pushing.git("push", "-q", "--no-verify", "origin", "main")
    pushing.git("checkout", "-q", "-b", "topic")
    pushing.stage("new.py", "x = 1\n")
    pushing.commit("topic work")
    _env(monkeypatch, from_ref=ZEROS, to_ref=_head(pushing), remote_name="origin")
    assert main([]) == 0
    assert "1 commit read" in capsys.readouterr().err

    pushing.stage("new.py", f"x = '{tokens.stripe_live(seed=412)}'\n")
    pushing.commit("topic token")
    _env(monkeypatch, to_ref=_head(pushing))
    assert main([]) == 1
    out = capsys.readouterr().out
    assert "new.py:1" in out and "old.py" not in out


def test_nothing_to_push_and_deletions_pass(pushing, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    _env(monkeypatch, from_ref=ZEROS, to_ref=_head(pushing), remote_name="origin")
    assert main([]) == 0
    assert "already on the remote" in capsys.readouterr().err
    _env(monkeypatch, from_ref=_head(pushing), to_ref=ZEROS)
    assert main([]) == 0
    assert "deletes a ref" in capsys.readouterr().err


def test_errors_fail_closed(pushing, monkeypatch, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _env(monkeypatch, from_ref=_head(pushing), to_ref="f" * 40, remote_name="origin")  # unknown object
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "credwall-push: error:" in err and "refused" in err and "Traceback" not in err
    _env(monkeypatch, to_ref="--output=/tmp/x")
    assert main([]) == 2
    monkeypatch.chdir(tmp_path)  # not a repository
    for var in _PUSH_ENV:
        monkeypatch.delenv(var, raising=False)
    assert main([]) == 2


# --- through pre-commit ------------------------------------------------------------------------

_IGNORED = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
                                  ".hypothesis", ".mypy_cache", ".venv")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This checkout, uncommitted edits included, as a committed repo (as tests/test_pre_commit.py)."""
    path = tmp_path_factory.mktemp("hook-repo") / "credwall"
    shutil.copytree(REPO_ROOT, path, ignore=_IGNORED)
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t", GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "snapshot", "--no-verify"]):
        subprocess.run(cmd, cwd=path, env=env, check=True, capture_output=True)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=path, capture_output=True, text=True, check=True).stdout.strip()
    return path, sha


def _run(args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600)


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit not installed")
def test_git_push_through_pre_commit(git_repo, hook_repo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, sha = hook_repo
    home = tmp_path / "pre-commit-home"
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git_repo.git("remote", "add", "origin", str(remote))
    config = {"repos": [{"repo": str(path), "rev": sha, "hooks": [{"id": "credwall-push"}]}]}
    git_repo.stage(".pre-commit-config.yaml", yaml.safe_dump(config))
    git_repo.commit("config")
    installed = _run(["pre-commit", "install", "--hook-type", "pre-push"], git_repo.path, home)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    # A first push that reaches the root commit: pre-commit sets no FROM/TO, the hook scans the
    # branch's commits that the remote lacks.
    secret = tokens.github_classic(seed=421)
    git_repo.stage("deploy.sh", f"export GH_TOKEN={secret}\n")
    git_repo.commit("token")  # --no-verify: the commit hook would have stopped it
    first = _run(["git", "push", "origin", "main"], git_repo.path, home)
    assert first.returncode != 0, first.stdout + first.stderr
    assert "credwall (secrets in the commits being pushed)" in first.stdout + first.stderr
    assert "deploy.sh:1:17: github-pat" in first.stdout + first.stderr
    assert secret not in first.stdout + first.stderr
    assert git_repo.git("ls-remote", str(remote)) == ""  # nothing reached the remote

    git_repo.git("reset", "-q", "--hard", "HEAD~1")
    clean = _run(["git", "push", "origin", "main"], git_repo.path, home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout + clean.stderr

    # An existing branch: FROM..TO.
    git_repo.stage("deploy.sh", f"export GH_TOKEN={secret}\n")
    git_repo.commit("token again")
    refused = _run(["git", "push", "origin", "main"], git_repo.path, home)
    assert refused.returncode != 0 and "deploy.sh:1:17: github-pat" in refused.stdout + refused.stderr

    # Someone pushes it past the hook; a new branch on top is judged by its own commits only.
    assert _run(["git", "push", "--no-verify", "origin", "main"], git_repo.path, home).returncode == 0
    git_repo.git("checkout", "-q", "-b", "topic")
    git_repo.stage("app.py", "print('hi')\n")
    git_repo.commit("topic")
    topic = _run(["git", "push", "origin", "topic"], git_repo.path, home)
    assert topic.returncode == 0, topic.stdout + topic.stderr
