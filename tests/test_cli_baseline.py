"""`credwall baseline create|update|import`, `--baseline`, and `credwall rules import`, end to end."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests import tokens


@pytest.fixture
def repo(git_repo):  # type: ignore[no-untyped-def]
    git_repo.stage("app.py", f"A = '{tokens.github_classic(seed=121)}'\n")
    git_repo.stage("db.py", f"password = '{tokens.password(seed=122)}'\n")
    git_repo.commit()
    return git_repo


def test_create_then_scan_is_clean_then_a_new_secret_fails(repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_cli("baseline", "create")
    assert code == 0 and "wrote 2 entries" in err and "merge=union" in err
    baseline = (repo.path / ".credwall-baseline.jsonl").read_text()
    assert tokens.github_classic(seed=121) not in baseline and tokens.password(seed=122) not in baseline
    code, out, err = run_cli("scan", "--baseline", ".credwall-baseline.jsonl", ".")
    assert code == 0, out
    assert "2 in the baseline" in err
    (repo.path / "new.py").write_text(f"B = '{tokens.github_classic(seed=123)}'\n")
    code, out, _ = run_cli("scan", "--baseline", ".credwall-baseline.jsonl", ".")
    assert code == 1 and out.startswith("./new.py:1:")


def test_config_baseline_key_and_unused_report(repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    run_cli("baseline", "create")
    (repo.path / ".credwall.toml").write_text('baseline = ".credwall-baseline.jsonl"\n')
    (repo.path / "db.py").write_text("password = None\n")  # the finding is gone
    code, _, err = run_cli("scan", ".")
    assert code == 0
    assert "1 baseline entry" in err and "no longer matches anything" in err
    code, _, err = run_cli("baseline", "update")
    assert code == 0 and "1 kept" in err and "1 dropped" in err


def test_the_unused_note_appears_only_on_whole_tree_scans(repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    run_cli("baseline", "create", "--write-config")
    (repo.path / "other.py").write_text("x = 1\n")
    for partial in (["app.py", "other.py"], ["app.py"]):
        code, _, err = run_cli("scan", *partial)  # two files see two files' findings: nothing is stale
        assert code == 0 and "no longer match" not in err, (partial, err)
    (repo.path / "sub").mkdir()
    code, _, err = run_cli("scan", "sub")  # a subdirectory is not the whole tree either
    assert "no longer match" not in err
    code, _, err = run_cli("scan", ".")
    assert code == 0 and "no longer match" not in err  # the whole tree: every entry used
    (repo.path / "db.py").write_text("password = None\n")
    code, _, err = run_cli("scan", ".")
    assert "1 baseline entry" in err and "no longer matches anything" in err


def test_baseline_create_says_the_config_line_or_writes_it(repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_cli("baseline", "create")
    assert code == 0
    assert ('no scan uses this baseline until the configuration names it: add `baseline = ".credwall-baseline.jsonl"` '
            'to .credwall.toml, or run `credwall baseline create --write-config`') in err
    assert not (repo.path / ".credwall.toml").exists()
    code, _, _ = run_cli("scan", ".")
    assert code == 1  # nothing uses it yet, as the note said

    code, _, err = run_cli("baseline", "create", "--write-config")
    assert code == 0 and 'wrote `baseline = ".credwall-baseline.jsonl"` to .credwall.toml' in err
    assert (repo.path / ".credwall.toml").read_text() == 'baseline = ".credwall-baseline.jsonl"\n'
    code, _, err = run_cli("scan", ".")
    assert code == 0 and "2 in the baseline" in err
    code, _, err = run_cli("baseline", "create")  # named now: no note
    assert "configuration names it" not in err and "wrote `" not in err


def test_write_config_changes_only_the_baseline_line(repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    toml = repo.path / ".credwall.toml"
    toml.write_text('# ours\nexclude = ["vendor/"]\nbaseline = "old.jsonl"\n\n[[allow]]\n'
                    'fingerprint = "%s"\nreason = "x"\n' % ("0" * 64))
    code, _, err = run_cli("baseline", "create", "team.jsonl", "--write-config")
    assert code == 0, err
    assert toml.read_text() == ('# ours\nexclude = ["vendor/"]\nbaseline = "team.jsonl"\n\n[[allow]]\n'
                                'fingerprint = "%s"\nreason = "x"\n' % ("0" * 64))
    toml.write_text('[[allow]]\nfingerprint = "%s"\n' % ("0" * 64))  # no top-level key yet: above the table
    assert run_cli("baseline", "create", "--write-config")[0] == 0
    assert toml.read_text().startswith('baseline = ".credwall-baseline.jsonl"\n[[allow]]\n')
    toml.unlink()
    pyproject = repo.path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n\n[tool.credwall]\nexclude = ["vendor/"]\n\n[tool.other]\na = 1\n')
    assert run_cli("baseline", "create", "--write-config")[0] == 0
    assert pyproject.read_text() == ('[project]\nname = "x"\n\n[tool.credwall]\nbaseline = ".credwall-baseline.jsonl"\n'
                                     'exclude = ["vendor/"]\n\n[tool.other]\na = 1\n')
    assert run_cli("scan", ".")[0] == 0


def test_no_baseline_reports_every_finding(repo, run_cli, capsys) -> None:  # type: ignore[no-untyped-def]
    from credwall.hooks.check_secrets import main

    run_cli("baseline", "create", "--write-config")
    assert run_cli("scan", ".")[0] == 0
    code, out, _ = run_cli("scan", "--no-baseline", ".")
    assert code == 1 and "app.py:1:" in out and "db.py:1:" in out
    assert main(["--no-baseline", "app.py"]) == 1
    capsys.readouterr()
    code, _, err = run_cli("scan", "--no-baseline", "--baseline", "x.jsonl", ".")
    assert code == 2 and "not allowed with" in err


def test_hook_honours_the_baseline(repo, capsys) -> None:  # type: ignore[no-untyped-def]
    from credwall.cli import main as cli_main
    from credwall.hooks.check_secrets import main

    assert cli_main(["baseline", "create"]) == 0
    (repo.path / ".credwall.toml").write_text('baseline = ".credwall-baseline.jsonl"\n')
    capsys.readouterr()
    assert main(["app.py", "db.py"]) == 0
    assert "2 in the baseline" in capsys.readouterr().err


def test_missing_or_broken_baseline_is_an_error(repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_cli("scan", "--baseline", "nope.jsonl", ".")
    assert code == 2 and "nope.jsonl: no such baseline" in err
    (repo.path / "bad.jsonl").write_text("not json\n")
    code, _, err = run_cli("scan", "--baseline", "bad.jsonl", ".")
    assert code == 2 and "bad.jsonl" in err and "Traceback" not in err


def test_import_a_real_detect_secrets_baseline(repo, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil
    import sys

    beside = Path(sys.executable).parent / "detect-secrets"  # the test venv's, even if not on PATH
    detect = str(beside) if beside.exists() else shutil.which("detect-secrets")
    if detect is None:
        pytest.skip("detect-secrets is not installed")
    key = tokens.aws_key_id(seed=124)
    (repo.path / "aws.py").write_text(f"KEY = '{key}'\n")
    ds = subprocess.run([detect, "scan", "aws.py"], cwd=repo.path, capture_output=True, text=True, check=True)
    (tmp_path / ".secrets.baseline").write_text(ds.stdout)
    assert json.loads(ds.stdout)["results"]["aws.py"]
    code, out, _ = run_cli("scan", "aws.py")
    assert code == 1 and "aws-access-key-id" in out
    code, _, err = run_cli("baseline", "import", str(tmp_path / ".secrets.baseline"))
    assert code == 0 and "imported" in err
    code, out, err = run_cli("scan", "--baseline", ".credwall-baseline.jsonl", "aws.py")
    assert code == 0, out
    assert "1 in the baseline" in err


def test_rules_import_from_gitleaks_toml(tmp_path: Path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gitleaks.toml").write_text(
        '[[rules]]\nid = "acme-key"\ndescription = "ACME key"\nregex = \'\'\'acme_key\\s*=\\s*"(acme_[a-z0-9]{20})"\'\'\'\n'
        'keywords = ["acme_"]\n\n[[rules]]\nid = "pkcs12"\npath = \'\'\'\\.p12$\'\'\'\n')
    code, out, err = run_cli("rules", "import", "gitleaks.toml", "-o", "acme.yaml")
    assert code == 0, err  # the path-only rule is left out with a warning, named
    assert "warning: rule pkcs12: path-only rule" in err and "imported 1 of 2 rule(s)" in err
    code, _, err = run_cli("rules", "check", "acme.yaml")
    assert code == 0, err
    (tmp_path / ".credwall.toml").write_text('extra_rules = ["acme.yaml"]\n')
    value = "acme_" + tokens.rand(20, "abcdefghijklmnopqrstuvwxyz0123456789", 7)
    (tmp_path / "svc.py").write_text(f'acme_key = "{value}"\n')
    code, out, _ = run_cli("scan", "svc.py")
    assert code == 1 and "acme-key" in out
