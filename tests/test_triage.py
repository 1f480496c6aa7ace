"""`credwall baseline triage`, driven through stdin as a person would answer it: verdicts and
reasons land in the baseline, context is shown masked, quitting keeps what was answered."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests import tokens


def _triage(cwd, answers: str, *args: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run([sys.executable, "-m", "credwall", "baseline", "triage", *args], cwd=cwd, input=answers,
                          capture_output=True, text=True, check=False, env=dict(os.environ))


def _entries(path) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    lines = path.read_text().splitlines()
    assert json.loads(lines[0])["credwall-baseline"] == 2
    return [json.loads(line) for line in lines[1:]]


def _repo(git_repo, run_cli):  # type: ignore[no-untyped-def]
    git_repo.write("a.py", "import os\n\nA = '%s'\nprint(A)\n" % tokens.github_classic(seed=301))
    git_repo.write("b.py", "B = '%s'\n" % tokens.github_classic(seed=302))
    git_repo.write("c.py", "C = '%s'\n" % tokens.github_classic(seed=303))
    assert run_cli("baseline", "create", "--write-config")[0] == 0
    return git_repo.path / ".credwall-baseline.jsonl"


def test_verdicts_and_reasons_are_stored_in_the_baseline(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    baseline = _repo(git_repo, run_cli)
    proc = _triage(git_repo.path, "t\nrotated on 2026-12-01\nf\n\ns\n")
    assert proc.returncode == 0, proc.stderr
    assert [(e["path"], e.get("verdict"), e.get("reason")) for e in _entries(baseline)] == [
        ("a.py", "true-positive", "rotated on 2026-12-01"), ("b.py", "false-positive", None), ("c.py", None, None)]
    assert "[1/3] a.py: github-pat" in proc.stdout and "[3/3] c.py" in proc.stdout
    # context: the lines around the finding, the secret masked, never shown
    assert "  >    3 | A = 'ghp_…'" in proc.stdout and "       4 | print(A)" in proc.stdout
    for seed in (301, 302, 303):
        assert tokens.github_classic(seed=seed) not in proc.stdout + proc.stderr
    assert "2 verdict(s) recorded; 1 true positive, 1 false positive, 1 not triaged" in proc.stderr
    assert "rotate each at its provider" in proc.stderr
    # the next walk asks only about the entry still without a verdict; scans still suppress all
    again = _triage(git_repo.path, "f\nexample\n")
    assert "[1/1] c.py" in again.stdout and "0 not triaged" in again.stderr
    assert run_cli("scan", ".")[0] == 0


def test_quit_and_end_of_input_keep_what_was_answered(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    baseline = _repo(git_repo, run_cli)
    proc = _triage(git_repo.path, "x\nf\n\nq\n")
    assert "answer t, f, s or q" in proc.stdout
    assert [e.get("verdict") for e in _entries(baseline)] == ["false-positive", None, None]
    proc = _triage(git_repo.path, "")  # no input at all: nothing changes, no error
    assert proc.returncode == 0 and "0 verdict(s) recorded" in proc.stderr
    proc = _triage(git_repo.path, "t\n\nt\n\nt\n\n", "--all")  # --all revisits decided entries
    assert [e.get("verdict") for e in _entries(baseline)] == ["true-positive"] * 3


def test_verdicts_survive_update_and_a_rename(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    baseline = _repo(git_repo, run_cli)
    _triage(git_repo.path, "f\ntest fixture\n")
    os.rename(git_repo.path / "a.py", git_repo.path / "renamed.py")
    code, _, err = run_cli("baseline", "update")
    assert code == 0 and "1 moved with their file" in err
    [moved] = [e for e in _entries(baseline) if e["path"] == "renamed.py"]
    assert (moved["verdict"], moved["reason"]) == ("false-positive", "test fixture")


def test_a_missing_baseline_or_entry_is_said(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    proc = _triage(git_repo.path, "")
    assert proc.returncode == 2 and "no baseline to triage" in proc.stderr
    _repo(git_repo, run_cli)
    (git_repo.path / "b.py").write_text("B = None\n")
    proc = _triage(git_repo.path, "s\ns\ns\n")
    assert "not found in the file any more" in proc.stdout
