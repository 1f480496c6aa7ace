"""Path allowlists while scanning (credwall.engine.path_allowlists): a pack's entries validated,
files skipped whole, findings dropped or kept by path, and the same through a real `credwall scan`
of a project whose config names the pack."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from credwall.engine.matcher import Matcher
from credwall.engine.path_allowlists import PathAllowlist, file_skipped, filter_matches, load_path_allowlists
from credwall.engine.rules import Allowlist, Rule, RuleError
from tests.tokens import rand

LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"
RULE = Rule(id="r", description="d", regex=r"key=(?P<secret>[a-z0-9]{12})", confidence="high", keywords=("key=",))

PACK_HEAD = ("family: t\nimported: true\nrules:\n  - id: acme-key\n    description: ACME key\n"
             "    keywords: [acme_]\n    regex: '(?P<secret>acme_[a-z0-9]{20})'\n    confidence: high\n"
             "    examples: []\n")


def test_allowlist_match_target_at_the_scan_layer() -> None:
    entry = PathAllowlist(("r",), ("^gen/",), Allowlist("match", ("^key=0",), (), True))
    text = "key=0" + rand(11, LOWER, seed=60) + "\nkey=1" + rand(11, LOWER, seed=61) + "\n"
    matches = Matcher([RULE]).scan(text)
    assert [m.secret[0] for m in filter_matches([entry], "gen/x", text, matches)] == ["1"]
    assert len(filter_matches([entry], "src/x", text, matches)) == 2


def test_only_keeps_a_rule_to_its_paths_and_global_entries_skip_files() -> None:
    only = PathAllowlist(("r",), (r"\.env$",), only=True)
    text = "key=" + rand(12, LOWER, seed=62) + "\n"
    matches = Matcher([RULE]).scan(text)
    assert filter_matches([only], "app/.env", text, matches) == matches
    assert filter_matches([only], "app/main.py", text, matches) == []
    everywhere = PathAllowlist((), ("^vendor/",))
    assert file_skipped([everywhere], "vendor/lib.py") and file_skipped([everywhere], "./vendor/lib.py")
    assert not file_skipped([everywhere], "src/vendor/lib.py")
    assert not file_skipped([only], "app/.env")  # a rule's entry never skips the whole file
    assert not file_skipped([PathAllowlist((), ("^vendor/",), Allowlist("secret", ("x",)))], "vendor/a")


@pytest.mark.parametrize(("section", "message"), [
    ("path_allowlists: {paths: [a]}\n", "`path_allowlists` must be a list"),
    ("path_allowlists: [x]\n", "each path_allowlists entry must be a mapping"),
    ("path_allowlists:\n  - {rules: [acme-key]}\n", "needs `paths`"),
    ("path_allowlists:\n  - {paths: ['(a']}\n", "bad path_allowlists regex '(a'"),
    ("path_allowlists:\n  - {paths: [a], where: b}\n", "unknown path_allowlists key(s) where"),
    ("path_allowlists:\n  - {paths: [a], regexes: [b], target: file}\n", "target must be secret, match or line"),
])
def test_pack_entries_are_validated(tmp_path: Path, section: str, message: str) -> None:
    pack = tmp_path / "p.yaml"
    pack.write_text(PACK_HEAD + section)
    with pytest.raises(RuleError, match=re.escape(message)):
        load_path_allowlists(pack)


def test_pack_entries_load(tmp_path: Path) -> None:
    pack = tmp_path / "p.yaml"
    assert load_path_allowlists(_write(pack, PACK_HEAD)) == []
    _write(pack, PACK_HEAD + "path_allowlists:\n  - {paths: ['^vendor/']}\n"
           "  - {rules: [acme-key], paths: ['^docs/'], regexes: ['^acme_0'], condition: and}\n"
           "  - {rules: [acme-key], paths: ['\\.py$'], only: true}\n")
    assert load_path_allowlists(pack) == [
        PathAllowlist((), ("^vendor/",)),
        PathAllowlist(("acme-key",), ("^docs/",), Allowlist("secret", ("^acme_0",), (), True)),
        PathAllowlist(("acme-key",), (r"\.py$",), only=True),
    ]


def test_a_scan_applies_the_packs_path_allowlists(tmp_path: Path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Config.excluder skips vendor/ unread; the matcher's path filter drops docs/ findings
    starting acme_0 and keeps acme-key to .py files."""
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "acme.yaml", PACK_HEAD + "path_allowlists:\n  - {paths: ['^vendor/']}\n"
           "  - {rules: [acme-key], paths: ['^docs/'], regexes: ['^acme_0'], condition: and}\n"
           "  - {rules: [acme-key], paths: ['\\.(py|md)$'], only: true}\n")
    (tmp_path / ".credwall.toml").write_text('extra_rules = ["acme.yaml"]\n')
    zero, one = "acme_0" + rand(19, LOWER, seed=70), "acme_1" + rand(19, LOWER, seed=71)
    for name in ("vendor/lib.py", "docs/keys.md", "src/app.py", "src/app.txt"):
        _write(tmp_path / name, f"a = '{zero}'\nb = '{one}'\n")
    code, out, err = run_cli("scan", "--format", "json", ".")
    found = sorted((f["path"], f["line"]) for f in json.loads(out)["findings"] if f["rule_id"] == "acme-key")
    assert code == 1, err
    assert found == [("./docs/keys.md", 2), ("./src/app.py", 1), ("./src/app.py", 2)]
    assert "excluded by config" in err  # vendor/lib.py, never read


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_rules_check_loads_the_path_allowlists_too(tmp_path: Path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A scan loads a pack's path_allowlists, so `rules check` does too: a bad one fails there."""
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "ok.yaml", PACK_HEAD + "path_allowlists:\n  - {paths: ['^vendor/']}\n")
    assert run_cli("rules", "check", "ok.yaml")[0] == 0
    _write(tmp_path / "bad.yaml", PACK_HEAD + "path_allowlists:\n  - {paths: ['(vendor']}\n")
    code, _, err = run_cli("rules", "check", "bad.yaml")
    assert code == 2 and "bad.yaml: bad path_allowlists regex '(vendor'" in err
