"""Fail closed against an adversary: the odd bytes, file names and git states that once let a
staged secret reach HEAD with every hook green. Each commit-path case commits through real
pre-commit in a throwaway repository: the commit must be refused (or the hook exit 2)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests import tokens
from tests.conftest import GitRepo

needs_pre_commit = pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit not installed")


def _install(repo: GitRepo, hook_repo: tuple[Path, str], home: Path, hooks: list[str] | None = None) -> None:
    path, sha = hook_repo
    ids = hooks or ["credwall"]
    config = {"repos": [{"repo": str(path), "rev": sha, "hooks": [{"id": h} for h in ids]}]}
    (repo.path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    repo.git("add", ".pre-commit-config.yaml")
    env = dict(os.environ, PRE_COMMIT_HOME=str(home))
    subprocess.run(["pre-commit", "install"], cwd=repo.path, env=env, check=True, capture_output=True)


def _commit(repo: GitRepo, home: Path, message: str = "change") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    return subprocess.run(["git", "commit", "-qm", message], cwd=repo.path, env=env, capture_output=True,
                          text=True, check=False, timeout=600)


def _refused(proc: subprocess.CompletedProcess[str], repo: GitRepo, secret: str, *where: str) -> None:
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert repo.git("rev-list", "--all").strip() == "", "a commit was made"
    for fragment in where:
        assert fragment in output, (fragment, output)
    assert secret not in output


# --- through real pre-commit ---------------------------------------------------------------------

@needs_pre_commit
def test_bytes_that_look_like_a_bom_do_not_hide_a_line(git_repo, hook_repo, pre_commit_home) -> None:  # type: ignore[no-untyped-def]
    token = tokens.github_classic(seed=601)
    _install(git_repo, hook_repo, pre_commit_home)
    git_repo.stage("middle.txt", b"first line\n\xff\xfetoken = " + token.encode() + b"\n")
    git_repo.stage("start.txt", b"\xff\xfeapi = " + token.encode() + b"\n")
    _refused(_commit(git_repo, pre_commit_home), git_repo, token, "middle.txt:2:", "start.txt:1:")


@needs_pre_commit
def test_file_names_that_look_like_options_are_files(git_repo, hook_repo, pre_commit_home) -> None:  # type: ignore[no-untyped-def]
    token = tokens.github_classic(seed=602)
    _install(git_repo, hook_repo, pre_commit_home)
    git_repo.stage("-h", f"a = '{token}'\n")
    git_repo.stage("--format=json", f"b = '{token}'\n")
    _refused(_commit(git_repo, pre_commit_home), git_repo, token, "-h:1:", "--format=json:1:")


@needs_pre_commit
def test_nul_bytes_and_utf16_without_bom_do_not_make_a_file_skippable(git_repo, hook_repo, pre_commit_home) -> None:  # type: ignore[no-untyped-def]
    token = tokens.github_classic(seed=603)
    _install(git_repo, hook_repo, pre_commit_home)
    git_repo.stage("notes.txt", b"header\x00\nkey = " + token.encode() + b"\n")
    git_repo.stage("win.ps1", f"$token = '{token}'\n".encode("utf-16-le"))
    git_repo.stage("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00" + token.encode())
    _refused(_commit(git_repo, pre_commit_home), git_repo, token, "notes.txt:2:", "win.ps1:1:", "logo.png:")


@needs_pre_commit
def test_a_rename_of_a_committed_secret_adds_nothing(git_repo, hook_repo, pre_commit_home) -> None:  # type: ignore[no-untyped-def]
    token = tokens.github_classic(seed=604)
    git_repo.stage("old.py", f"K = '{token}'\n")
    git_repo.commit("already there (history is another check's business)")
    _install(git_repo, hook_repo, pre_commit_home)
    git_repo.git("mv", "old.py", "new.py")
    git_repo.git("update-index", "--chmod=+x", "new.py")
    proc = _commit(git_repo, pre_commit_home, "rename")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@needs_pre_commit
def test_adding_a_submodule_does_not_walk_it(git_repo, hook_repo, pre_commit_home, tmp_path) -> None:  # type: ignore[no-untyped-def]
    token = tokens.github_classic(seed=605)
    sub = GitRepo(tmp_path / "sub")
    sub.path.mkdir()
    sub.git("init", "-q")
    sub.stage("creds.py", f"K = '{token}'\n")
    sub.git("-c", "user.name=s", "-c", "user.email=s@s", "commit", "-qm", "sub", "--no-verify")
    _install(git_repo, hook_repo, pre_commit_home)
    git_repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub.path), "vendor/sub")
    proc = _commit(git_repo, pre_commit_home, "add submodule")
    assert proc.returncode == 0, proc.stdout + proc.stderr  # its files are its own repository's


@needs_pre_commit
def test_a_whole_file_over_the_size_limit_fails_the_commit(git_repo, hook_repo, pre_commit_home) -> None:  # type: ignore[no-untyped-def]
    token = tokens.github_classic(seed=606)
    _install(git_repo, hook_repo, pre_commit_home)
    (git_repo.path / ".credwall.toml").write_text("max_file_mib = 0.001\n")  # about 1 KiB
    git_repo.git("add", ".credwall.toml")
    git_repo.stage("settings.json", '{"pad": "' + "x" * 2000 + '", "token": "' + token + '"}\n')
    proc = _commit(git_repo, pre_commit_home)
    _refused(proc, git_repo, token, "settings.json: larger than", "fails closed")


# --- direct runs ---------------------------------------------------------------------------------

def test_the_index_is_judged_not_the_working_tree(git_repo, capsys) -> None:  # type: ignore[no-untyped-def]
    """A secret only in the index (the working copy cleaned after `git add`) is what the commit
    would hold: every hook judges the staged content."""
    from credwall.hooks import check_mcp, check_secrets

    literal = tokens.rand(26, seed=607) + "8P"
    git_repo.stage(".mcp.json", '{"mcpServers": {"db": {"command": "db-mcp", "env": {"DB_TOKEN": "%s"}}}}\n' % literal)
    git_repo.write(".mcp.json", '{"mcpServers": {"db": {"command": "db-mcp", "env": {"DB_TOKEN": "${DB_TOKEN}"}}}}\n')
    for hook in (check_mcp, check_secrets):
        assert hook.main([".mcp.json"]) == 1
        assert ".mcp.json:1:" in capsys.readouterr().out


def test_a_fifo_in_a_files_place_is_an_error_not_a_hang(git_repo) -> None:  # type: ignore[no-untyped-def]
    os.mkfifo(git_repo.path / ".mcp.json")
    for hook in ("check_mcp", "check_secrets"):
        proc = subprocess.run([sys.executable, "-m", f"credwall.hooks.{hook}", ".mcp.json"], cwd=git_repo.path,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2, proc.stderr
        assert "not a regular file" in proc.stderr


def test_git_missing_is_an_error_not_a_plain_scan(git_repo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (git_repo.path / "sub").mkdir()
    git_repo.write("sub/a.py", "x = 1\n")
    bindir = tmp_path / "bin"  # a PATH without git
    bindir.mkdir()
    proc = subprocess.run([sys.executable, "-m", "credwall.hooks.check_secrets", "a.py"],
                          cwd=git_repo.path / "sub", capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PATH=str(bindir)))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "git is not installed or not on PATH" in proc.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="needs to give the repository to another user")
def test_a_repository_git_refuses_is_an_error(git_repo) -> None:  # type: ignore[no-untyped-def]
    (git_repo.path / "sub").mkdir()
    git_repo.write("sub/a.py", "x = 1\n")
    subprocess.run(["chown", "-R", "nobody", str(git_repo.path)], check=True)
    proc = subprocess.run([sys.executable, "-m", "credwall.hooks.check_secrets", "a.py"], cwd=git_repo.path / "sub",
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "dubious ownership" in proc.stderr


def test_an_interrupt_is_exit_2_with_a_line(tmp_path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(("password = 'aB3$" + "x" * 60 + "'\n") * 400_000)  # keyword hits everywhere: slow to scan
    proc = subprocess.Popen([sys.executable, "-m", "credwall.hooks.check_secrets", str(big)], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    if proc.returncode == 0 or proc.returncode == 1:
        pytest.skip("the scan finished before the interrupt arrived")
    assert proc.returncode == 2, err
    assert "interrupted: the commit was not checked" in err and "Traceback" not in err


# --- a small version of tools/fuzz.py's `staged` target, for CI ----------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ODD = [b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\x00", b"\r", b"\r\n", b"\xc3", b"\x80", "\u200b".encode(),
        "\ufeff".encode(), b"\x1b[0m", b"\t", b'"']


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=st.sampled_from(["a.txt", "b.py", ".env.local", "c.json", "-h", "x.png"]),
       before=st.lists(st.sampled_from(_ODD), max_size=3).map(b"".join),
       after=st.lists(st.sampled_from(_ODD), max_size=3).map(b"".join), lines=st.integers(0, 2))
def test_odd_bytes_around_a_staged_token_never_hide_it(tmp_path_factory, name, before, after, lines) -> None:  # type: ignore[no-untyped-def]
    from credwall.engine.findings import fingerprint
    from credwall.engine.matcher import Matcher
    from credwall.engine.rules import load_rules
    from credwall.scan import scan_staged

    token = tokens.github_classic(seed=610)
    root = tmp_path_factory.mktemp("odd")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / name).write_bytes(b"line\n" * lines + before + b"key = " + token.encode() + after + b"\n")
    subprocess.run(["git", "-C", str(root), "add", "--", name], check=True)
    result = scan_staged(Matcher(load_rules()), str(root))
    assert result.errors or any(f.fingerprint == fingerprint("github-pat", token) for f in result.findings)
