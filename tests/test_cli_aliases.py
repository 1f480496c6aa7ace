"""What a gitleaks user types: `-o/--report-path`, `--report-format`, `git` / `dir` / `stdin`,
`--exit-code`, `--max-target-megabytes`, `--log-opts`, `--redact`, `--no-color` — each does what
docs/adopting.md's table says (tests/test_docs.py checks the table against the parser)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests import tokens


def _secret_repo(git_repo):  # type: ignore[no-untyped-def]
    git_repo.write("app.py", "print('hello')\n")
    git_repo.git("add", "app.py")
    git_repo.commit("clean")
    git_repo.write("deploy.sh", f"export GH_TOKEN={tokens.github_classic(seed=401)}\n")
    git_repo.git("add", "deploy.sh")
    git_repo.commit("leak")
    return git_repo


def test_output_writes_the_report_to_a_file(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    _secret_repo(git_repo)
    for flag in ("-o", "--output", "-r", "--report-path"):
        target = git_repo.path / f"report{flag.strip('-')}.json"
        code, out, err = run_cli("scan", "--format", "json", flag, str(target), "deploy.sh")
        assert code == 1 and out == "", flag
        assert json.loads(target.read_text())["findings"][0]["rule_id"] == "github-pat"
        assert f"report written to {target}" in err and "1 finding in 1 file" in err
    code, _, err = run_cli("scan", "-o", str(git_repo.path / "no" / "such" / "dir.json"), ".")
    assert code == 2 and "cannot write the report" in err


def test_report_format_and_f_are_format(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    _secret_repo(git_repo)
    for flag in ("--report-format", "-f"):
        code, out, _ = run_cli("scan", flag, "sarif", "deploy.sh")
        assert code == 1 and json.loads(out)["version"] == "2.1.0"
    code, _, err = run_cli("scan", "--report-format", "csv", ".")
    assert code == 2 and "invalid choice: 'csv'" in err


def test_git_dir_and_stdin_subcommands(git_repo, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _secret_repo(git_repo)
    code, out, err = run_cli("git", "--format", "json")
    found = json.loads(out)["findings"]
    assert code == 1 and [f["path"] for f in found] == ["deploy.sh"] and found[0]["commit"]
    assert "history: 2 commits read" in err
    code, out, _ = run_cli("git", "--log-opts", "HEAD~1..HEAD", "--format", "json")
    assert code == 1 and len(json.loads(out)["findings"]) == 1
    code, out, _ = run_cli("git", "--log-opts", "HEAD..", "--format", "json")
    assert code == 0 and json.loads(out)["findings"] == []
    code, _, err = run_cli("git", "--log-opts=--author=x")
    assert code == 2 and "--author=x' has no credwall equivalent" in err
    assert run_cli("git", "--log-opts=--all", "--format", "json")[0] == 1
    code, out, _ = run_cli("dir", "--format", "json", ".")
    assert code == 1 and [f["path"] for f in json.loads(out)["findings"]] == ["./deploy.sh"]
    proc = subprocess.run([sys.executable, "-m", "credwall", "stdin", "--format", "json"], cwd=git_repo.path,
                          input=f"t = '{tokens.github_classic(seed=402)}'\n", capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 1 and json.loads(proc.stdout)["findings"][0]["path"] == "-"
    git_repo.write("staged.py", f"k = '{tokens.github_classic(seed=403)}'\n")
    git_repo.git("add", "staged.py")
    code, out, _ = run_cli("git", "--staged", "--format", "json")
    assert code == 1 and [f["path"] for f in json.loads(out)["findings"]] == ["staged.py"]


def test_git_takes_the_repository_as_a_path(git_repo, run_cli, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _secret_repo(git_repo)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli("git", str(git_repo.path), "--format", "json")
    assert code == 1 and len(json.loads(out)["findings"]) == 1


def test_exit_code_max_target_megabytes_redact_and_no_color(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    _secret_repo(git_repo)
    assert run_cli("scan", "--exit-code", "0", ".")[0] == 0
    assert run_cli("scan", "--exit-code", "7", ".")[0] == 7
    assert run_cli("scan", "--exit-code", "2", ".")[0] == 2  # refused: 2 means an error
    assert run_cli("scan", "--exit-code", "7", "missing.txt")[0] == 2  # errors stay 2
    git_repo.write("big.txt", "x" * 300_000 + f"\nk = '{tokens.github_classic(seed=404)}'\n")
    code, _, err = run_cli("scan", "--max-target-megabytes", "0.25", "big.txt", "app.py")
    assert code == 0 and "skipped 1 larger than 0.25 MiB" in err
    code, out, _ = run_cli("scan", "--redact", "--no-color", "deploy.sh")
    assert code == 1 and "ghp_…" in out and "\033[" not in out and tokens.github_classic(seed=401) not in out
    assert run_cli("scan", "--redact=100", "deploy.sh")[0] == 1
