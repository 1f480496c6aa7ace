"""Every rule's examples and negative examples, through the full pipeline; pack-level checks."""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from credwall.rulecheck import check_rule
from credwall.engine.rules import RuleError, builtin_pack_dir, load_pack, load_rules, pack_files

RULES = load_rules(use_cache=False)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(rule) -> None:  # type: ignore[no-untyped-def]
    assert check_rule(rule) == []


def test_coverage_is_broad() -> None:
    assert len(RULES) >= 150
    families = Counter(r.family for r in RULES)
    assert {"ai", "cloud", "vcs-ci", "payments", "saas", "databases", "keys", "generic"} <= set(families)


def test_every_rule_has_examples_both_ways() -> None:
    thin = [r.id for r in RULES if not r.examples or not r.negative_examples]
    assert thin == []


def test_pack_names_match_families() -> None:
    for path in pack_files(builtin_pack_dir()):
        assert {r.family for r in load_pack(path)} == {Path(path).stem}


def test_keywordless_rules_explain_themselves() -> None:
    assert all(r.keywords or r.no_keywords_reason or r.analyser for r in RULES)


def test_every_rule_id_an_analyser_reports_is_data() -> None:
    """Analysers name their rules by id; each id is a rule in patterns/ (with examples), and
    each analyser rule in patterns/ is reported by some analyser."""
    import credwall.analysers

    source = "".join(p.read_text() for p in Path(credwall.analysers.__file__).parent.glob("*.py"))
    reported = set(re.findall(r'\badd(?:_file)?\(\s*"([a-z0-9-]+)"', source))
    reported |= set(re.findall(r'RULE_ID = "([a-z0-9-]+)"', source))
    reported |= set(re.findall(r'_Slot\(.*"([a-z]+(?:-[a-z0-9]+)+)", message\)', source))
    analyser_rules = {r.id for r in RULES if r.analyser}
    assert reported and reported <= analyser_rules
    literals = set(re.findall(r'"([a-z]+(?:-[a-z0-9]+)+)"', source))
    assert analyser_rules <= literals


@pytest.mark.parametrize(("body", "message"), [
    ("  - id: x\n    description: d\n    analyser: env\n    confidence: high\n"
     "    examples: [{text: 'A=b', secret: b}]\n", "needs the file's `path`"),
    ("  - id: x\n    description: d\n    analyser: sql\n    confidence: high\n", "analyser must be one of"),
    ("  - id: x\n    description: d\n    analyser: env\n    confidence: high\n    keywords: [a]\n",
     "do not apply to an analyser rule"),
    ("  - id: x\n    description: d\n    analyser: env\n    confidence: high\n"
     "    negative_examples: ['A=b']\n", "needs `path` and `text`"),    ("  - id: x\n    description: d\n    regex: '(?P<secret>a)'\n    keywords: [a]\n    confidence: high\n"
     "    requires: [Secret]\n", "`requires` word 'Secret' must be non-empty and lower-case"),
    ("  - id: x\n    description: d\n    analyser: env\n    confidence: high\n    requires: [a]\n",
     "do not apply to an analyser rule"),
])
def test_analyser_rule_format_errors(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(RuleError, match=re.escape(message)):
        load_pack(_write_pack(tmp_path, body))


def test_an_analyser_rule_whose_example_is_missed_is_a_problem(tmp_path: Path) -> None:
    pack = _write_pack(tmp_path, "  - id: env-file-value\n    description: d\n    analyser: env\n    confidence: high\n"
                                 "    examples: [{path: notes.txt, text: 'API_TOKEN=Q9z482913abcDEF7', secret: x}]\n")
    rule = load_pack(pack)[0]
    assert check_rule(rule, [r for r in RULES if r.id != rule.id] + [rule]) == [
        "bad.yaml: env-file-value: example 1 (notes.txt) is missed"]


def _write_pack(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text("family: bad\nrules:\n" + body)
    return path


@pytest.mark.parametrize(("body", "message"), [
    ("  - id: x\n    description: d\n    regex: '(?P<secret>a'\n    confidence: high\n    keywords: [a]\n"
     "    examples: [{text: a, secret: a}]\n", "bad regex"),
    ("  - id: x\n    description: d\n    regex: '(?P<secret>ab)'\n    confidence: high\n"
     "    examples: [{text: ab, secret: ab}]\n", "no keywords"),
    ("  - id: x\n    description: d\n    regex: '(?P<secret>ab)'\n    confidence: sure\n    keywords: [ab]\n",
     "confidence must be one of"),
    ("  - id: x\n    description: d\n    regex: '(?P<secret>ab)'\n    confidence: high\n    keywords: [AB]\n",
     "lower-case"),
    ("  - id: x\n    description: d\n    regex: '(?P<secret>ab)'\n    confidence: high\n    keywords: [ab]\n"
     "    colour: red\n", "unknown key(s) colour"),
    ("  - id: x\n    description: d\n    regex: '(?P<secret>Q9z[0-9]{6})'\n    confidence: high\n    keywords: [zz]\n"
     "    examples: [{text: 'Q9z482913', secret: Q9z482913}]\n", "keyword gate"),
    ("  - id: x\n    description: d\n    regex: '(?P<secret>Q9z[0-9]{6})'\n    confidence: high\n    keywords: [q9z]\n"
     "    examples: [{text: 'Q9z482913', secret: Q9z482913}]\n    negative_examples: ['Q9z777123']\n",
     "negative example 1 is reported"),
])
def test_rules_check_names_the_problem(tmp_path: Path, run_cli, body: str, message: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli("rules", "check", str(_write_pack(tmp_path, body)))
    assert code == 2
    assert message in out + err
    assert "Traceback" not in out + err


def test_rules_check_passes_builtin_packs(run_cli) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_cli("rules", "check")
    assert code == 0, err
    assert "all good" in err


def test_rules_list(run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli("rules", "list")
    assert code == 0
    assert len(out.splitlines()) == len(RULES)
    assert "generic-password-assignment" in out


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    rule = ("  - id: same\n    description: d\n    regex: '(?P<secret>ab)'\n    confidence: high\n"
            "    keywords: [ab]\n")
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("rules:\n" + rule)
    b.write_text("rules:\n" + rule)
    from credwall.engine.rules import load_packs

    with pytest.raises(RuleError, match="already defined"):
        load_packs([a, b])


def test_cache_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDWALL_CACHE_DIR", str(tmp_path / "cache"))
    # Copies of the packs: not the built-in ones, so they always go through the user cache.
    packs = []
    for path in pack_files(builtin_pack_dir()):
        packs.append(str(tmp_path / os.path.basename(path)))
        shutil.copy(path, packs[-1])
    first = load_rules(packs)
    cache = tmp_path / "cache" / "rules.marshal"
    assert cache.exists()
    second = load_rules(packs)
    assert [r.to_cache() for r in first] == [r.to_cache() for r in RULES] == [r.to_cache() for r in second]
    assert second[0].examples == ()  # the user cache never stores examples (secret-shaped strings)
    some_example = next(r for r in RULES if r.examples).examples[0].secret.encode()
    assert some_example not in cache.read_bytes()
    cache.write_bytes(b"garbage")  # a damaged cache is rebuilt, not trusted
    assert [r.id for r in load_rules(packs)] == [r.id for r in first]
