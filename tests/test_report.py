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


# --- SARIF for code scanning: help, severity, suppressions -------------------------------------

def test_sarif_rules_carry_help_severity_and_a_documented_help_uri(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    import jsonschema

    from credwall import HOMEPAGE, RULES_DOC_URL

    git_repo.write("app.py", f"key = '{tokens.github_classic(seed=111)}'\n")
    git_repo.write(".env", f"STRIPE_KEY={tokens.stripe_live(seed=112)}\nPASSWORD={tokens.password(seed=113)}\n")
    code, out, _ = run_cli("scan", "--format", "sarif", ".")
    assert code == 1
    sarif = json.loads(out)
    jsonschema.Draft7Validator(SCHEMA).validate(sarif)
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == HOMEPAGE
    rules_doc = (REPO_ROOT / "docs" / "rules.md").read_text()
    assert len(driver["rules"]) >= 3
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert "Why it matters:" in rule["help"]["text"] and "How to fix:" in rule["help"]["text"]
        assert "**How to fix:**" in rule["help"]["markdown"]
        assert float(rule["properties"]["security-severity"]) >= 4.0
        assert {"security", "secrets", "external/cwe/cwe-798"} <= set(rule["properties"]["tags"])
        assert rule["helpUri"] == f"{RULES_DOC_URL}#{rule['id']}"
        assert f"### `{rule['id']}`" in rules_doc  # the anchor exists
    by_id = {r["id"]: r for r in driver["rules"]}
    assert by_id["github-pat"]["properties"]["security-severity"] == "9.0"
    assert "untrack the file" in by_id["env-file-value"]["help"]["text"]


def test_every_built_in_rule_has_help_and_an_anchor_in_rules_md() -> None:
    from credwall.engine.findings import Finding
    from credwall.engine.rules import load_rules
    from credwall.report import sarif_rule

    rules_doc = (REPO_ROOT / "docs" / "rules.md").read_text()
    for rule in load_rules():
        finding = Finding(rule.id, "x", 1, 1, 1, 2, rule.confidence, "0" * 64, "…", rule.description)
        descriptor = sarif_rule(rule.id, rule, finding)
        assert descriptor["helpUri"].endswith(f"#{rule.id}") and f"### `{rule.id}`" in rules_doc
        assert descriptor["help"]["text"] and descriptor["properties"]["security-severity"]  # type: ignore[index]


def test_sarif_reports_baselined_allowed_and_inline_findings_as_suppressed(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    import jsonschema

    git_repo.write("old.py", f"key = '{tokens.github_classic(seed=114)}'\n")
    assert run_cli("baseline", "create", "--write-config")[0] == 0
    toml = git_repo.path / ".credwall.toml"
    _, out, _ = run_cli("scan", "--no-baseline", "--format", "json", "old.py")
    git_repo.write("allowed.py", f"key = '{tokens.github_classic(seed=115)}'\n")
    _, out, _ = run_cli("scan", "--format", "json", "allowed.py")
    fingerprint = json.loads(out)["findings"][0]["fingerprint"]
    toml.write_text(toml.read_text() + f'\n[[allow]]\nfingerprint = "{fingerprint}"\nreason = "public demo key"\n')
    git_repo.write("inline.py", f"key = '{tokens.github_classic(seed=116)}'  # credwall:allow\n")
    git_repo.write("new.py", f"key = '{tokens.github_classic(seed=117)}'\n")
    code, out, err = run_cli("scan", "--format", "sarif", ".")
    assert code == 1, err
    sarif = json.loads(out)
    jsonschema.Draft7Validator(SCHEMA).validate(sarif)
    results = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in sarif["runs"][0]["results"]}
    assert "suppressions" not in results["new.py"]
    assert results["old.py"]["suppressions"] == [{"kind": "external", "status": "accepted",
                                                  "justification": "in the baseline .credwall-baseline.jsonl"}]
    assert results["allowed.py"]["suppressions"][0]["justification"] == "allowed by config: public demo key"
    assert results["inline.py"]["suppressions"][0]["kind"] == "inSource"
    for seed in (114, 115, 116, 117):
        assert tokens.github_classic(seed=seed) not in out


def test_text_findings_carry_a_one_line_fix(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    git_repo.write("app.py", f"key = '{tokens.github_classic(seed=118)}'\n")
    git_repo.write("db.py", f"url = 'postgres://app:{tokens.rand(20, seed=119)}@db.internal:5432/app'\n")
    git_repo.write(".mcp.json", '{"mcpServers": {"gh": {"command": "npx", "env": {"GITHUB_TOKEN": "%s"}}}}'
                   % tokens.github_classic(seed=120))
    code, out, err = run_cli("scan", "--color", "never", ".")
    assert code == 1
    lines = out.splitlines()
    app = lines.index(next(line for line in lines if line.startswith("./app.py:1:")))
    assert lines[app + 1] == ("    fix: rotate it at the provider (it is in git history now), then read it at run time "
                              "from the environment or a secret manager")
    db = lines.index(next(line for line in lines if line.startswith("./db.py:1:")))
    assert lines[db + 1].startswith("    fix: rotate the password, then build the connection string")
    # an analyser's message carries its own advice: no second line
    mcp = lines.index(next(line for line in lines if line.startswith("./.mcp.json:1:")))
    assert '${GITHUB_TOKEN}' in lines[mcp] and (mcp + 1 == len(lines) or not lines[mcp + 1].startswith("    fix:"))
    assert "a false positive? put `# credwall:allow` on its line" in err
