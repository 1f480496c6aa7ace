"""Output formats: SARIF validated against the official 2.1.0 schema, GitHub workflow commands,
JUnit XML; no format ever carries a full secret."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests import tokens
from tests.conftest import REPO_ROOT

SCHEMA = json.loads((REPO_ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    secrets = {"src/app.py": tokens.github_classic(seed=101), "odd name é.env": tokens.stripe_live(seed=102)}
    for rel, secret in secrets.items():
        path = tmp_path / "tree" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# x\nkey = '{secret}'\n")
    monkeypatch.chdir(tmp_path)
    return secrets


def test_sarif_is_valid_and_complete(tree, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import jsonschema

    code, out, err = run_cli("scan", "--format", "sarif", "tree", str(tmp_path / "tree" / "src"))
    assert code == 1
    sarif = json.loads(out)
    jsonschema.Draft7Validator(SCHEMA).validate(sarif)
    run = sarif["runs"][0]
    results = run["results"]
    assert len(results) == 3  # two relative, one absolute
    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results)
    assert "tree/odd%20name%20%C3%A9.env" in uris and any(u.startswith("file:///") for u in uris)
    for r in results:
        assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        assert len(r["partialFingerprints"]["credwallFingerprint/v1"]) == 64
        assert r["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    for secret in tree.values():
        assert secret not in out + err


def test_sarif_reports_scan_errors_as_unsuccessful(run_cli, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import jsonschema

    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli("scan", "--format", "sarif", "missing.txt")
    assert code == 2
    sarif = json.loads(out)
    jsonschema.Draft7Validator(SCHEMA).validate(sarif)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "no such file" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_github_annotations(tree, run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli("scan", "--format", "github", "tree")
    assert code == 1
    lines = [line for line in out.splitlines() if line.startswith("::error ")]
    assert len(lines) == 2
    assert "file=tree/src/app.py,line=2,col=8," in out
    assert "title=credwall github-pat::" in out
    for secret in tree.values():
        assert secret not in out


def test_github_format_is_chosen_under_actions(tree, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out, _ = run_cli("scan", "tree")
    assert out.startswith("::error ")
    monkeypatch.delenv("GITHUB_ACTIONS")
    _, out, _ = run_cli("scan", "tree")
    assert not out.startswith("::")


def test_github_escapes_workflow_command_syntax() -> None:
    from credwall.report import _gh_data, _gh_property

    assert _gh_property("a,b:c%d\ne") == "a%2Cb%3Ac%25d%0Ae"
    assert _gh_data("50%\r\n") == "50%25%0D%0A"


def test_junit(tree, run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli("scan", "--format", "junit", "tree")
    assert code == 1
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None and suite.get("failures") == "2" and suite.get("tests") == "2"
    assert len(suite.findall("testcase/failure")) == 2
    for secret in tree.values():
        assert secret not in out


def test_junit_clean_run_has_one_passing_case(tmp_path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.txt").write_text("fine\n")
    code, out, _ = run_cli("scan", "--format", "junit", "ok.txt")
    assert code == 0
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None and suite.get("tests") == "1" and suite.get("failures") == "0"


def test_advisory_findings_are_reported_apart_and_fail_only_when_configured(tmp_path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An advisory rule (a practice to review, not a credential) is listed under `advisories`,
    not `findings`; it fails the run only with `advisories = "fail"`, and `off` drops it."""
    import json

    monkeypatch.chdir(tmp_path)
    (tmp_path / "practice.yaml").write_text(
        "family: practice\nrules:\n  - id: debug-print-of-a-secret\n    description: a secret printed\n"
        "    keywords: [print(api_key]\n    regex: '(?P<secret>print\\(api_key\\))'\n    confidence: medium\n"
        "    advisory: true\n    examples: [{text: 'print(api_key)', secret: 'print(api_key)'}]\n"
        "    negative_examples: ['print(api_key_name)']\n")
    (tmp_path / "app.py").write_text("api_key = load()\nprint(api_key)\n")
    for mode, code_expected in (("report", 0), ("fail", 1)):
        (tmp_path / ".credwall.toml").write_text(f'extra_rules = ["practice.yaml"]\nadvisories = "{mode}"\n'
                                                 'exclude = ["practice.yaml", ".credwall.toml"]\n')
        code, out, err = run_cli("scan", "--format", "json", ".")
        report = json.loads(out)
        assert code == code_expected, err
        assert report["findings"] == [] and [a["rule_id"] for a in report["advisories"]] == ["debug-print-of-a-secret"]
        assert report["advisories"][0]["advisory"] is True and "1 advisory" in err
    code, out, err = run_cli("scan", ".")
    assert "[advisory]" in out and "no secrets found" in err
    (tmp_path / ".credwall.toml").write_text('extra_rules = ["practice.yaml"]\nadvisories = "off"\n'
                                             'exclude = ["practice.yaml", ".credwall.toml"]\n')
    code, out, err = run_cli("scan", "--format", "json", ".")
    assert (code, json.loads(out)["advisories"]) == (0, []) and "1 advisories turned off" in err
