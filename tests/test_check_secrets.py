"""The `credwall` hook module (hooks/check_secrets.py), called in-process as pre-commit would."""

from __future__ import annotations

from credwall.hooks.check_secrets import main
from tests import tokens


def test_staged_file_reports_only_added_lines(git_repo, capsys) -> None:  # type: ignore[no-untyped-def]
    old = tokens.github_classic(seed=31)
    git_repo.stage("a.py", f"OLD = '{old}'\n")
    git_repo.commit()
    git_repo.stage("a.py", f"OLD = '{old}'\nNEW = '{tokens.github_classic(seed=32)}'\n")
    assert main(["a.py"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("a.py:2:")
    assert "a.py:1:" not in out


def test_unstaged_file_is_scanned_whole(git_repo, capsys) -> None:  # type: ignore[no-untyped-def]
    git_repo.stage("a.py", f"OLD = '{tokens.github_classic(seed=31)}'\n")
    git_repo.commit()  # as in `pre-commit run --all-files`: nothing staged, whole file checked
    assert main(["a.py"]) == 1
    assert capsys.readouterr().out.startswith("a.py:1:")


def test_clean_change_passes_and_says_what_it_scanned(git_repo, capsys) -> None:  # type: ignore[no-untyped-def]
    git_repo.stage("a.py", "print('hello')\n")
    assert main(["a.py"]) == 0
    assert "no secrets found; scanned 1 file" in capsys.readouterr().err


def test_nothing_scanned_is_said(git_repo, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main([]) == 0
    assert "scanned nothing" in capsys.readouterr().err


def test_a_binary_file_is_read_for_its_printable_runs(git_repo, capsys) -> None:  # type: ignore[no-untyped-def]
    """No file is skipped by its name: an image is binary content, and a token appended to it
    (or in a text file with one NUL byte) is still found, at its line."""
    token = tokens.github_classic(seed=38)
    git_repo.stage("pic.png", b"\x89PNG\r\n\x1a\n\x00\x00IHDR\n" + token.encode() + b"\n")
    git_repo.stage("notes.txt", b"header\x00\nsecond line\nkey = " + token.encode() + b"\n")
    assert main(["pic.png", "notes.txt"]) == 1
    out, err = capsys.readouterr()
    assert "pic.png:4:1: github-pat" in out and "notes.txt:3:7: github-pat" in out
    assert "2 binary (printable runs read)" in err and token not in out + err


def test_missing_file_fails_closed(git_repo, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["does-not-exist.py"]) == 2
    assert "does-not-exist.py: no such file" in capsys.readouterr().err


def test_outside_git_scans_whole_files(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "x.env").write_text(f"STRIPE={tokens.stripe_live()}\n")
    assert main(["x.env"]) == 1
    assert "x.env:1:" in capsys.readouterr().out


def test_pre_commit_file_names_that_look_like_options_stay_file_names(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from credwall.hookkit import split_argv

    monkeypatch.chdir(tmp_path)
    for name in ("-h", "--config", "evil.toml"):  # staged files an author named to look like options
        (tmp_path / name).write_text("x\n")
    # pre-commit: args from the config, then the staged files (which exist)
    assert split_argv(["--format=json", "--color", "never", "-h", "--config", "evil.toml", "a.py"]) == [
        "--format=json", "--color", "never", "--", "-h", "--config", "evil.toml", "a.py"]
    # by hand: options after files still work, and `--` is respected
    assert split_argv(["a.py", "--baseline", "b.jsonl"]) == ["--baseline", "b.jsonl", "--", "a.py"]
    assert split_argv(["--", "--help"]) == ["--", "--help"]
    (tmp_path / "--format=json").write_text("x\n")  # a file named like the user's option: read as a file
    assert split_argv(["--format=json", "a.py"]) == ["--", "--format=json", "a.py"]
