"""`credwall scan --staged` in real temporary git repositories."""

from __future__ import annotations

import json

import pytest

from tests import tokens


def _staged(run_cli) -> tuple[int, dict, str]:  # type: ignore[no-untyped-def]
    code, out, err = run_cli("scan", "--staged", "--format", "json")
    return code, json.loads(out), err


def _where(report: dict) -> list[tuple[str, int]]:
    return [(f["path"], f["line"]) for f in report["findings"]]


def test_added_file_in_repo_with_no_commits(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    git_repo.stage("app.py", f"a = 1\n\ntoken = '{tokens.github_classic()}'\n")
    code, report, _ = _staged(run_cli)
    assert code == 1
    assert _where(report) == [("app.py", 3)]


def test_only_added_lines_of_a_modified_file(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    old = tokens.github_classic(seed=11)
    git_repo.stage("cfg.py", f"OLD = '{old}'\n" + "x = 1\n" * 5)
    git_repo.commit()
    new = tokens.github_classic(seed=12)
    git_repo.stage("cfg.py", f"OLD = '{old}'\n" + "x = 1\n" * 3 + f"NEW = '{new}'\n" + "x = 1\n" * 2)
    code, report, _ = _staged(run_cli)
    assert code == 1
    assert _where(report) == [("cfg.py", 5)]


def test_pure_rename_adds_nothing_but_rename_with_edit_does(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    body = "line\n" * 20
    git_repo.stage("a.txt", body + f"k = {tokens.github_classic(seed=13)}\n")
    git_repo.commit()
    git_repo.git("mv", "a.txt", "b.txt")
    code, report, err = _staged(run_cli)
    assert code == 0 and report["findings"] == []
    git_repo.stage("b.txt", body + f"k = {tokens.github_classic(seed=13)}\n" + f"z = {tokens.aws_key_id()}\n")
    code, report, _ = _staged(run_cli)
    assert code == 1
    assert _where(report) == [("b.txt", 22)]


def test_deleted_file_is_not_a_finding(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    git_repo.stage("gone.py", f"t = '{tokens.github_classic()}'\n")
    git_repo.commit()
    git_repo.git("rm", "-q", "gone.py")
    code, report, err = _staged(run_cli)
    assert code == 0 and report["findings"] == []
    assert "scanned nothing" in err


def test_binary_file_is_read_for_its_printable_runs(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    git_repo.stage("blob.dat2", b"\x00\x01\x02" + tokens.github_classic().encode())
    git_repo.stage("empty.bin", b"\x00\x01\x02\x03")
    code, report, err = _staged(run_cli)
    assert code == 1
    assert [(f["path"], f["line"], f["column"]) for f in report["findings"]] == [("blob.dat2", 1, 4)]
    assert "2 binary (printable runs read)" in err


def test_crlf_and_no_final_newline(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    git_repo.git("config", "core.autocrlf", "false")
    git_repo.stage("win.ini", f"[a]\r\nx=1\r\ntoken={tokens.github_classic()}")
    code, report, _ = _staged(run_cli)
    assert code == 1
    assert _where(report) == [("win.ini", 3)]
    assert report["findings"][0]["column"] == 7


def test_staged_content_not_working_tree(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    git_repo.stage("a.py", f"t = '{tokens.github_classic()}'\n")
    git_repo.write("a.py", "t = None\n")  # unstaged edit hides nothing
    code, report, _ = _staged(run_cli)
    assert code == 1 and _where(report) == [("a.py", 1)]
    git_repo.stage("b.py", "clean = True\n")
    git_repo.write("b.py", f"t = '{tokens.github_classic(seed=21)}'\n")  # not staged: not this commit
    code, report, _ = _staged(run_cli)
    assert _where(report) == [("a.py", 1)]


@pytest.mark.parametrize("name", ["with space.py", "ünïcødé.py", "tab\there.py", "-leading-dash.py", 'quo"te.py'])
def test_odd_file_names(git_repo, run_cli, name: str) -> None:  # type: ignore[no-untyped-def]
    git_repo.write(name, f"t = '{tokens.github_classic()}'\n")
    git_repo.git("add", "--", name)
    code, report, _ = _staged(run_cli)
    assert code == 1
    assert _where(report) == [(name, 1)]


def test_hostile_user_git_config(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    for key, value in [("color.ui", "always"), ("color.diff", "always"), ("diff.noprefix", "true"),
                       ("diff.mnemonicPrefix", "true"), ("diff.external", "false"), ("core.quotepath", "true"),
                       ("diff.relative", "true"), ("diff.renames", "false")]:
        git_repo.git("config", key, value)
    git_repo.stage("dir/é.py", f"t = '{tokens.github_classic()}'\n")
    code, report, _ = _staged(run_cli)
    assert code == 1
    assert _where(report) == [("dir/é.py", 1)]


def test_paths_are_relative_to_where_you_run(git_repo, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    git_repo.stage("sub/deep/x.py", f"t = '{tokens.github_classic()}'\n")
    monkeypatch.chdir(git_repo.path / "sub")
    code, report, _ = _staged(run_cli)
    assert _where(report) == [("deep/x.py", 1)]


def test_submodule_and_symlink_are_not_read(git_repo, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret_file = tmp_path / "outside.txt"
    secret_file.write_text(f"t = {tokens.github_classic()}\n")
    (git_repo.path / "link").symlink_to(secret_file)
    git_repo.git("add", "link")
    code, report, _ = _staged(run_cli)
    assert code == 0 and report["findings"] == []


def test_outside_a_repo_is_a_clear_error(tmp_path, monkeypatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, out, err = run_cli("scan", "--staged")
    assert code == 2
    assert "needs a git work tree" in err


def test_line_numbers_count_only_newlines(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    # \f, \r, \v and U+2028 are line breaks to str.splitlines but not to git
    body = "a = 1\n\x0c\nb = '\r'\nc = '\u2028'\n" + "pad = 0\n" * 30
    git_repo.stage("odd.py", body)
    git_repo.commit()
    git_repo.stage("odd.py", body + f"t = '{tokens.github_classic()}'\n")
    code, report, _ = _staged(run_cli)
    assert _where(report) == [("odd.py", 35)]


def test_added_line_deep_in_a_file_keeps_its_line_number(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    key = tokens.github_classic()
    git_repo.stage("x.txt", "header\n" * 50 + "end\n")
    git_repo.commit()
    git_repo.stage("x.txt", "header\n" * 50 + f"{key}\n" + "end\n")
    code, report, _ = _staged(run_cli)
    assert _where(report) == [("x.txt", 51)]


def test_utf16_file_that_git_calls_binary_is_still_scanned(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    git_repo.stage("win.ps1", f"# deploy\n$token = '{tokens.github_classic()}'\n".encode("utf-16"))
    code, report, err = _staged(run_cli)
    assert code == 1
    assert _where(report) == [("win.ps1", 2)]
    assert "1 utf-16" in err
