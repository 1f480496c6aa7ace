"""Configuration: discovery and precedence, unknown keys, and each key's effect on a real scan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from credwall.config import ConfigError, load_config
from tests import tokens


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "proj"
    (root / "src").mkdir(parents=True)
    (root / "tests" / "fixtures").mkdir(parents=True)
    (root / "src" / "app.py").write_text(f"TOKEN = '{tokens.github_classic(seed=111)}'\n")
    (root / "tests" / "fixtures" / "sample.py").write_text(f"TOKEN = '{tokens.github_classic(seed=112)}'\n")
    (root / "src" / "db.py").write_text(f"password = '{tokens.password(seed=113)}'\n")
    monkeypatch.chdir(root)
    return root


def _scan(run_cli, *args: str) -> tuple[int, dict, str]:  # type: ignore[no-untyped-def]
    code, out, err = run_cli("scan", "--format", "json", *args)
    return code, json.loads(out) if out.strip() else {}, err


def _rules(report: dict) -> list[tuple[str, str]]:
    return sorted((f["path"], f["rule_id"]) for f in report["findings"])


def test_defaults_without_a_config(proj: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    code, report, _ = _scan(run_cli, ".")
    assert _rules(report) == [("./src/app.py", "github-pat"), ("./src/db.py", "generic-password-assignment"),
                              ("./tests/fixtures/sample.py", "github-pat")]


def test_pyproject_table_and_exclude(proj: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (proj / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.credwall]\nexclude = ["tests/fixtures/**"]\n')
    code, report, err = _scan(run_cli, ".")
    assert ("./tests/fixtures/sample.py", "github-pat") not in _rules(report)
    assert report["stats"]["skipped"] == {"excluded by config": 1}


def test_credwall_toml_beats_pyproject_and_nearest_wins(proj: Path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (proj / "pyproject.toml").write_text('[tool.credwall]\nexclude = ["src/**"]\n')
    (proj / ".credwall.toml").write_text('disable = ["tag:generic"]\n')
    config = load_config()
    assert config.file == str(proj / ".credwall.toml") and config.exclude == ()
    (proj / "src" / ".credwall.toml").write_text('min_confidence = "high"\n')
    monkeypatch.chdir(proj / "src")
    assert load_config().file == str(proj / "src" / ".credwall.toml")
    # --config overrides the search
    assert load_config(str(proj / "pyproject.toml")).exclude == ("src/**",)


def test_disable_by_id_and_tag_and_min_confidence(proj: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (proj / ".credwall.toml").write_text('disable = ["tag:generic"]\n')
    _, report, _ = _scan(run_cli, "src")
    assert _rules(report) == [("src/app.py", "github-pat")]
    (proj / ".credwall.toml").write_text('disable = ["github-pat"]\nmin_confidence = "high"\n')
    code, report, _ = _scan(run_cli, "src")
    assert code == 0 and report["findings"] == []  # generic rules are medium


def test_enable_only(proj: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (proj / ".credwall.toml").write_text('enable = ["generic-password-assignment"]\n')
    _, report, _ = _scan(run_cli, "src")
    assert _rules(report) == [("src/db.py", "generic-password-assignment")]


def test_extra_rules_pack(proj: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (proj / "rules").mkdir()
    example = "acme_" + tokens.rand(24, "abcdefghijklmnopqrstuvwxyz0123456789", 6)
    (proj / "rules" / "internal.yaml").write_text(
        "family: internal\nrules:\n  - id: acme-internal-token\n    description: ACME internal token\n"
        "    keywords: [acme_]\n    regex: '(?P<secret>acme_[a-z0-9]{24})'\n    confidence: high\n"
        f"    examples: [{{text: '{example}', secret: {example}}}]\n")
    (proj / "src" / "svc.py").write_text("T = 'acme_" + tokens.rand(24, "abcdefghijklmnopqrstuvwxyz0123456789", 5) + "'\n")
    (proj / ".credwall.toml").write_text('extra_rules = ["rules/internal.yaml"]\n')
    _, report, _ = _scan(run_cli, "src/svc.py")
    assert _rules(report) == [("src/svc.py", "acme-internal-token")]


def test_allow_by_fingerprint_with_path_and_by_regex(proj: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    _, report, _ = _scan(run_cli, ".")
    app = next(f for f in report["findings"] if f["path"] == "./src/app.py")
    (proj / ".credwall.toml").write_text(
        f'[[allow]]\nfingerprint = "{app["fingerprint"]}"\npath = "src/*.py"\nreason = "rotated"\n')
    code, report, err = _scan(run_cli, ".")
    assert ("./src/app.py", "github-pat") not in _rules(report)
    assert "1 allowed by config" in err
    password = tokens.password(seed=113)
    (proj / ".credwall.toml").write_text(f'allow_regexes = ["^{password[:6]}"]\n')
    _, report, _ = _scan(run_cli, ".")
    assert ("./src/db.py", "generic-password-assignment") not in _rules(report)


@pytest.mark.parametrize(("text", "message"), [
    ('exlcude = ["x"]\n', "unknown key(s) exlcude"),
    ('min_confidence = "very"\n', "min_confidence` must be one of"),
    ('disable = "generic"\n', "`disable` must be a list of strings"),
    ('disable = ["no-such-rule"]\n', "no rule or tag called 'no-such-rule'"),
    ('[[allow]]\nfingerprint = "abc"\n', "64-character sha256"),
    ('[[allow]]\nfingerprint = "' + "a" * 64 + '"\nfile = "x"\n', "allow entry 1: unknown key(s) file"),
    ("this is = = not toml\n", "not valid TOML"),
])
def test_config_errors_name_the_problem(proj: Path, run_cli, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    (proj / ".credwall.toml").write_text(text)
    code, out, err = run_cli("scan", "src")
    assert code == 2
    assert message in err and ".credwall.toml" in err
    assert "Traceback" not in err


def test_config_show_says_where_values_come_from(proj: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (proj / "pyproject.toml").write_text('[tool.credwall]\nexclude = ["tests/**"]\nmin_confidence = "medium"\n')
    code, out, _ = run_cli("config", "show")
    assert code == 0
    assert f'exclude = ["tests/**"]  # {proj / "pyproject.toml"} [tool.credwall]' in out
    assert 'disable = []  # default' in out


def test_hook_respects_the_config(proj: Path, capsys, git_repo) -> None:  # type: ignore[no-untyped-def]
    from credwall.hooks.check_secrets import main

    git_repo.stage("fixtures/sample.py", f"T = '{tokens.github_classic(seed=114)}'\n")
    (git_repo.path / ".credwall.toml").write_text('exclude = ["fixtures/"]\n')
    assert main(["fixtures/sample.py"]) == 0
    assert "skipped 1 excluded by config" in capsys.readouterr().err
    with pytest.raises(ConfigError):
        load_config(str(git_repo.path / "missing.toml"))


def test_max_file_size_knob(proj: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (proj / "big.txt").write_text("x" * 300_000 + f"\nT = '{tokens.github_classic(seed=115)}'\n")
    code, report, err = _scan(run_cli, "big.txt")
    assert code == 1
    (proj / ".credwall.toml").write_text("max_file_mib = 0.25\n")
    code, report, err = _scan(run_cli, "big.txt")
    assert code == 0 and report["stats"]["skipped"] == {"larger than 0.25 MiB (max_file_mib)": 1}
    assert "skipped 1 larger than 0.25 MiB" in err
