"""`credwall scan DIR` in a git work tree leaves out what git ignores (build output, a local
`.env` kept out of git on purpose), says so in the summary, and `--include-ignored` brings it
back. A directory named on the command line is scanned whatever git says."""

from __future__ import annotations

import json

from tests import tokens


def _tree(git_repo) -> None:  # type: ignore[no-untyped-def]
    git_repo.write(".gitignore", "build/\n*.local\n")
    git_repo.write("src/app.py", "print('hello')\n")
    git_repo.write("build/lib/app.py", f"TOKEN = '{tokens.github_classic(seed=201)}'\n")
    git_repo.write("settings.local", f"TOKEN = '{tokens.github_classic(seed=202)}'\n")
    git_repo.git("add", ".gitignore", "src/app.py")


def _paths(out: str) -> set[str]:
    return {f["path"].removeprefix("./") for f in json.loads(out)["findings"]}


def test_scan_skips_what_git_ignores_and_says_so(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    _tree(git_repo)
    code, out, err = run_cli("scan", "--format", "json", ".")
    assert code == 0 and _paths(out) == set()
    assert "2 ignored by git (--include-ignored scans them)" in err  # build/ (one directory) and settings.local


def test_include_ignored_scans_them(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    _tree(git_repo)
    code, out, _ = run_cli("scan", "--include-ignored", "--format", "json", ".")
    assert code == 1 and _paths(out) == {"build/lib/app.py", "settings.local"}


def test_a_tracked_file_is_scanned_even_if_a_pattern_matches_it(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    _tree(git_repo)
    git_repo.git("add", "-f", "settings.local")
    code, out, _ = run_cli("scan", "--format", "json", ".")
    assert code == 1 and _paths(out) == {"settings.local"}


def test_a_directory_named_on_the_command_line_is_scanned(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    _tree(git_repo)
    code, out, _ = run_cli("scan", "--format", "json", "build")
    assert code == 1 and _paths(out) == {"build/lib/app.py"}
    code, out, _ = run_cli("scan", "--format", "json", "settings.local")  # a file named: always read
    assert code == 1


def test_outside_a_work_tree_everything_is_scanned(tmp_path, monkeypatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".gitignore").write_text("build/\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "x.py").write_text(f"T = '{tokens.github_classic(seed=203)}'\n")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("scan", "--format", "json", ".")
    assert code == 1 and _paths(out) == {"build/x.py"} and "ignored by git" not in err


def test_baseline_create_leaves_out_what_git_ignores(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    _tree(git_repo)
    code, _, err = run_cli("baseline", "create")
    assert code == 0 and "wrote 0 entries" in err
