"""Hostile and unusual input: odd file names, long single lines, NUL bytes, git layouts
(worktrees, detached HEAD, submodules, LFS pointers). Never a traceback, never a silent pass."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests import tokens


def _staged_json(run_cli) -> tuple[int, dict, str]:  # type: ignore[no-untyped-def]
    code, out, err = run_cli("scan", "--staged", "--format", "json")
    return code, json.loads(out), err


@pytest.mark.parametrize("name", [b"new\nline.py", b"caf\xe9-latin1.py", b" leading-space.py", b"--help"])
def test_odd_names_in_a_directory_scan(tmp_path: Path, run_cli, monkeypatch, name: bytes) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    with open(os.path.join(os.fsencode(tmp_path / "d"), name), "w") as fh:
        fh.write(f"t = '{tokens.github_classic()}'\n")
    code, out, err = run_cli("scan", "--format", "json", "d")
    assert code == 1, err
    [finding] = json.loads(out)["findings"]
    shown = name.decode("utf-8", "backslashreplace")  # undecodable bytes are shown as \xNN
    assert finding["path"] == os.path.join("d", shown)


@pytest.mark.parametrize("name", [b"new\nline.py", b"caf\xe9-latin1.py"])
def test_odd_names_in_the_staged_change(git_repo, run_cli, name: bytes) -> None:  # type: ignore[no-untyped-def]
    path = os.path.join(os.fsencode(git_repo.path), name)
    with open(path, "w") as fh:
        fh.write(f"t = '{tokens.github_classic()}'\n")
    subprocess.run([b"git", b"add", b"--", name], cwd=git_repo.path, check=True)
    code, report, err = _staged_json(run_cli)
    assert code == 1, err
    assert [f["path"] for f in report["findings"]] == [name.decode("utf-8", "backslashreplace")]


def test_a_token_deep_in_a_long_single_line(tmp_path: Path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    filler = "var a=function(){return token+http+key};" * 60_000  # ~2.4 MB of keyword soup, one line
    token = tokens.github_classic()
    (tmp_path / "bundle.min.js").write_text(filler + f'x="{token}";' + filler + "\n")
    code, out, err = run_cli("scan", "--format", "json", "bundle.min.js")
    assert code == 1, err
    [finding] = json.loads(out)["findings"]
    assert finding["line"] == 1 and finding["column"] == len(filler) + 4


def test_nul_bytes_after_the_sniff_window_do_not_hide_text(tmp_path: Path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    data = b"x = 1\n" * 2000 + b"\x00\x00 junk\n" + f"t = '{tokens.github_classic()}'\n".encode()
    (tmp_path / "mixed.txt").write_bytes(data)
    code, out, _ = run_cli("scan", "--format", "json", "mixed.txt")
    assert code == 1
    assert json.loads(out)["findings"][0]["line"] == 2002


def test_worktree_and_detached_head(git_repo, run_cli, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    git_repo.stage("a.txt", "hello\n")
    git_repo.commit()
    worktree = tmp_path / "wt"
    git_repo.git("worktree", "add", "-q", "--detach", str(worktree))
    monkeypatch.chdir(worktree)
    (worktree / "b.py").write_text(f"t = '{tokens.github_classic()}'\n")
    subprocess.run(["git", "add", "b.py"], cwd=worktree, check=True)
    code, report, _ = _staged_json(run_cli)
    assert code == 1 and [f["path"] for f in report["findings"]] == ["b.py"]


def test_submodule_is_not_read_and_lfs_pointer_is_clean(git_repo, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sub = tmp_path / "sub"
    sub.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=sub, check=True)
    (sub / "secret.py").write_text(f"t = '{tokens.github_classic()}'\n")
    subprocess.run(["git", "add", "."], cwd=sub, check=True)
    subprocess.run(["git", "-c", "user.name=a", "-c", "user.email=a@a", "commit", "-qm", "s"], cwd=sub, check=True)
    git_repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "vendor/sub")
    git_repo.stage("model.bin", "version https://git-lfs.github.com/spec/v1\n"
                   "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n")
    code, report, err = _staged_json(run_cli)
    assert code == 0, report
    assert report["findings"] == []


def test_a_repo_with_no_commits_and_nothing_staged(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    code, report, err = _staged_json(run_cli)
    assert code == 0 and report["stats"]["files"] == 0
    assert "scanned nothing" in err


def test_merge_commit_staged_state(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    git_repo.stage("a.txt", "base\n")
    git_repo.commit()
    git_repo.git("checkout", "-q", "-b", "topic")
    git_repo.stage("b.txt", "topic\n")
    git_repo.commit("topic")
    git_repo.git("checkout", "-q", "main")
    git_repo.stage("c.txt", "main\n")
    git_repo.commit("main")
    git_repo.git("merge", "-q", "--no-commit", "--no-ff", "topic")
    git_repo.stage("d.py", f"t = '{tokens.github_classic()}'\n")  # added while the merge is in progress
    code, report, _ = _staged_json(run_cli)
    assert code == 1 and [f["path"] for f in report["findings"]] == ["d.py"]


def test_sparse_checkout(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    git_repo.stage("in/a.txt", "a\n")
    git_repo.stage("out/b.txt", "b\n")
    git_repo.commit()
    git_repo.git("sparse-checkout", "set", "in")
    assert not (git_repo.path / "out").exists()
    git_repo.stage("in/c.py", f"t = '{tokens.github_classic()}'\n")
    code, report, _ = _staged_json(run_cli)
    assert code == 1 and [f["path"] for f in report["findings"]] == ["in/c.py"]
    code, out, _ = run_cli("scan", "--format", "json", ".")
    assert code == 1 and [f["path"] for f in json.loads(out)["findings"]] == ["./in/c.py"]
