"""Importing gitleaks/betterleaks TOML rules: the secret group, Go regex syntax, allowlists of
every kind, problems named per rule, the YAML pack round trip, and, when the betterleaks binary
is installed, the same config and text through betterleaks itself."""

from __future__ import annotations

import json
import marshal
import re
import os
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest

from credwall.engine.path_allowlists import PathAllowlist, file_skipped, filter_matches, load_path_allowlists
from credwall.importers.gitleaks import dump_pack, import_gitleaks
from credwall.importers.gitleaks.re2_to_regex import GoRegexError, translate_go_regex
from credwall.importers.gitleaks.reader import NO_KEYWORDS_REASON
from credwall.engine.matcher import Matcher
from credwall.rulecheck import check_rules
from credwall.engine.rules import Allowlist, Rule, RuleError, load_pack, load_rules
from tests.tokens import rand

LOWER = string.ascii_lowercase + string.digits
UPPER = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"

# (id, regex, extra TOML lines): shapes shared by the gitleaks-v8 and the betterleaks-v2 configs.
SHAPES = [
    ("acme-api-key", r"(?i)\b(acme_[a-z0-9]{32})\b", 'keywords = ["acme_"]'),
    ("widget-token", r"""widget[_-]?(?:token|key)\s*[:=]\s*['"]?([a-f0-9]{8})-([A-Za-z0-9]{24})""",
     'keywords = ["widget"]\n{group} = 2'),
    ("zeta-key", r"zeta_((?:live|test)_(([A-Z0-9]{4})-[A-Z0-9]{16}))", 'keywords = ["zeta_"]'),
    ("zetb-key", r"zetb_((?:live|test)_(([A-Z0-9]{4})-[A-Z0-9]{16}))", 'keywords = ["zetb_"]\n{group} = 2'),
    ("kube-pair", r"kube(?:_a=([a-z0-9]{20})|_b=([A-Z0-9]{20}))", 'keywords = ["kube"]'),
    ("plain-id", r"PLN[0-9A-F]{30}", 'keywords = ["pln"]'),
    ("loose-key", r"\bqx9[a-z0-9]{24}\b", ""),
    ("named-then-plain", r"nm_(?P<kind>[a-z]{3})_([A-Za-z0-9]{20})", 'keywords = ["nm_"]\n{group} = 2'),
    ("flag-mid", r"fm_(?i)[a-f0-9]{24}", 'keywords = ["fm_"]'),
    ("posix-class", r"px_([[:alnum:]]{20})\b", 'keywords = ["px_"]'),
    ("entropy-floor", r"ent_([a-z0-9]{12})\b", 'keywords = ["ent_"]\n{entropy}'),
]


def _shapes_toml(flavour: str) -> str:
    out = []
    for rule_id, regex, extra in SHAPES:
        entropy = 'entropy = 2.0' if flavour == "gitleaks" else "filter = '''entropy(finding[\"secret\"]) <= 2.0'''"
        extra = extra.format(group="secretGroup" if flavour == "gitleaks" else "valueGroup", entropy=entropy)
        out.append(f"[[rules]]\nid = \"{rule_id}\"\ndescription = \"{rule_id}\"\nregex = '''{regex}'''\n{extra}\n")
    return "\n".join(out)


GITLEAKS_EXTRA = r"""
[extend]
useDefault = true

[[rules]]
id = "docs-key"
description = "Docs key, with allowlists of every kind"
regex = '''(?i)\b(dock_[a-z0-9]{24})\b'''
keywords = ["dock_"]
tags = ["custom"]
  [[rules.allowlists]]
  description = "the line says so"
  regexTarget = "line"
  regexes = ['''(?i)not-a-secret''']
  [[rules.allowlists]]
  regexTarget = "match"
  regexes = ['''^DOCK_''']
  [[rules.allowlists]]
  condition = "AND"
  stopWords = ["zz"]
  regexes = ['''9$''']
  [[rules.allowlists]]
  paths = ['''(^|/)docs/''']
  [[rules.allowlists]]
  condition = "AND"
  paths = ['''(^|/)samples/''']
  regexes = ['''^dock_0''']

[[rules]]
id = "legacy-allowlist"
description = "Legacy [rules.allowlist]"
regex = '''LGC[0-9A-F]{30}'''
keywords = ["lgc"]
  [rules.allowlist]
  stopwords = ["DEAD"]

[[rules]]
id = "php-only"
description = "Only in PHP files"
path = '''\.php$'''
regex = '''phpk_([a-z0-9]{20})'''
keywords = ["phpk_"]

[[rules]]
id = "pkcs12-file"
description = "PKCS#12 file"
path = '''\.p12$'''

[[rules]]
id = "bad-regex"
description = "Unbalanced"
regex = '''([a-z]{10}'''
keywords = ["x"]

[[rules]]
id = "lookahead"
description = "Not RE2"
regex = '''key(?=[0-9])'''
keywords = ["key"]

[[rules]]
id = "bad-group"
description = "Group out of range"
regex = '''(grp)[0-9]{8}'''
secretGroup = 3
keywords = ["grp"]

[[rules]]
id = "odd-key"
description = "Unknown key"
regex = '''odd_[0-9]{10}'''
keywords = ["odd_"]
severity = "high"

[[allowlists]]
description = "global: fixtures and a sandbox marker"
paths = ['''(^|/)fixtures/''']
stopwords = ["sandbox"]

[[allowlists]]
targetRules = ["widget-token"]
regexTarget = "match"
regexes = ['''[:=]\s*['"]?0{4}''']
"""


def gitleaks_config(tmp_path: Path) -> Path:
    path = tmp_path / ".gitleaks.toml"
    path.write_text('title = "team rules"\n\n' + _shapes_toml("gitleaks") + GITLEAKS_EXTRA)
    return path


def sample_text() -> tuple[str, dict[str, str]]:
    """A line per shape; returns the text and rule id -> the secret gitleaks reports."""
    acme = "acme_" + rand(32, LOWER, seed=21)
    widget_head, widget = rand(8, HEX, seed=22), rand(24, seed=23)
    zeta = "live_" + rand(4, UPPER, seed=24) + "-" + rand(16, UPPER, seed=25)
    zetb_inner = rand(4, UPPER, seed=26) + "-" + rand(16, UPPER, seed=27)
    kube = rand(20, UPPER, seed=28)
    plain = "PLN" + rand(30, "0123456789ABCDEF", seed=29)
    loose = "qx9" + rand(24, LOWER, seed=30)
    named = rand(20, seed=31)
    flag = "fm_" + rand(24, "0123456789abcdefABCDEF", seed=32)
    posix = rand(20, seed=33)
    entropy_ok = "q7z2k9" * 2
    lines = [
        f"ACME_KEY = {acme}",
        f"widget_token: '{widget_head}-{widget}'",
        f"zeta = zeta_{zeta}",
        f"zetb = zetb_test_{zetb_inner}",
        f"kube_b={kube}",
        f"id: {plain}",
        f"token {loose} end",
        f"nm_abc_{named}",
        f"mid = {flag}",
        f"px_{posix}",
        "low = ent_" + "q7z2" * 3,  # entropy exactly 2.0: gitleaks drops it (<=)
        f"ok = ent_{entropy_ok}",
    ]
    expected = {"acme-api-key": acme, "widget-token": widget, "zeta-key": zeta, "zetb-key": zetb_inner,
                "kube-pair": kube, "plain-id": plain, "loose-key": loose, "named-then-plain": named,
                "flag-mid": flag, "posix-class": posix, "entropy-floor": entropy_ok}
    return "\n".join(lines) + "\n", expected


def _found(rules: list[Rule], text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in Matcher(rules).scan(text):
        out.setdefault(m.rule.id, []).append(m.secret)
    return out


# --- the mapping -------------------------------------------------------------------------------

def test_imported_rules_find_what_gitleaks_reports(tmp_path: Path) -> None:
    result = import_gitleaks(gitleaks_config(tmp_path))
    text, expected = sample_text()
    found = _found(result.rules, text)
    assert found == {rule_id: [secret] for rule_id, secret in expected.items()}


def test_problems_name_the_rule_and_why(tmp_path: Path) -> None:
    result = import_gitleaks(gitleaks_config(tmp_path))
    errors = {p.rule_id: p.message for p in result.problems if p.severity == "error"}
    assert set(errors) == {"bad-regex", "lookahead", "bad-group"}
    assert "missing closing )" in errors["bad-regex"]
    assert "lookahead is not RE2 syntax" in errors["lookahead"]
    assert "secretGroup 3, but the regex has 1 capture group" in errors["bad-group"]
    warnings = [str(p) for p in result.problems if p.severity == "warning"]
    assert "warning: rule odd-key: unknown key 'severity' ignored" in warnings
    assert any("useDefault" in w for w in warnings)
    assert str(result.problems[0]).startswith(("warning: ", "error: "))
    imported = {r.id for r in result.rules}
    assert imported.isdisjoint(errors) and {"odd-key", "php-only", "docs-key"} <= imported
    assert "pkcs12-file" not in imported and result.rules_read == len(imported) + 4


def test_path_only_rules_are_left_out_with_a_warning_that_says_what_covers_them(tmp_path: Path) -> None:
    """gitleaks reports a file whose path matches a path-only rule ("file detected"), whatever
    it holds; credwall rules match content. Not an error in the config: a warning, naming the
    path and the hook that judges secret files by name."""
    result = import_gitleaks(gitleaks_config(tmp_path))
    (problem,) = [p for p in result.problems if p.rule_id == "pkcs12-file"]
    assert problem.severity == "warning"
    assert "path-only rule (path `\\.p12$`, no regex) not imported" in problem.message
    assert "credwall-env-files" in problem.message
    assert not any("pkcs12-file" in e.rule_ids for e in result.path_allowlists)


def test_rule_fields(tmp_path: Path) -> None:
    rules = {r.id: r for r in import_gitleaks(gitleaks_config(tmp_path), family="team").rules}
    loose, acme, ent = rules["loose-key"], rules["acme-api-key"], rules["entropy-floor"]
    assert loose.keywords == () and loose.no_keywords_reason == NO_KEYWORDS_REASON
    assert acme.keywords == ("acme_",) and acme.imported and acme.family == "team"
    assert acme.source == ".gitleaks.toml" and acme.confidence == "medium"
    assert ent.entropy is not None and 2.0 < ent.entropy < 2.0000001  # gitleaks: <= drops
    assert rules["docs-key"].tags == ("custom",)
    assert rules["widget-token"].lines > 1  # \s can cross lines, as in gitleaks (whole file)


def test_reserved_ids_and_prefix(tmp_path: Path) -> None:
    config = gitleaks_config(tmp_path)
    clash = import_gitleaks(config, reserved_ids={"acme-api-key"})
    assert "acme-api-key" not in {r.id for r in clash.rules}
    assert any(p.rule_id == "acme-api-key" and p.severity == "error" for p in clash.problems)
    prefixed = import_gitleaks(config, prefix="team-", reserved_ids={"acme-api-key"})
    assert "team-acme-api-key" in {r.id for r in prefixed.rules}
    widget = next(r for r in prefixed.rules if r.id == "team-widget-token")
    assert any(a.target == "match" for a in widget.allowlists)  # targetRules follow the prefix


def test_unreadable_or_invalid_toml_is_a_rule_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rules]\nid = 1\n")
    with pytest.raises(RuleError, match="not valid TOML"):
        import_gitleaks(bad)
    with pytest.raises(RuleError, match="cannot read"):
        import_gitleaks(tmp_path / "missing.toml")


# --- allowlists --------------------------------------------------------------------------------

def test_rule_allowlists_suppress_in_the_matcher(tmp_path: Path) -> None:
    rules = import_gitleaks(gitleaks_config(tmp_path)).rules
    body = rand(24, LOWER, seed=40)
    zz = "zz" + rand(21, LOWER, seed=41) + "9"
    zz_no9 = "zz" + rand(21, LOWER, seed=41) + "x"
    cases = {
        f"key = dock_{body}": True,                                   # reported
        f"key = dock_{body}  # not-a-secret": False,                  # line target
        f"key = DOCK_{body}": False,                                  # match target (upper case)
        f"key = dock_{zz}": False,                                    # AND: stopword and regex
        f"key = dock_{zz_no9}": True,                                 # AND: the regex misses
        f"key = dock_{body[:-1]}9": True,                             # AND: the stopword misses
        f"key = dock_sandbox{body[:17]}": False,                      # global stopword
        f"id: LGC{rand(26, '0123456789ABCDEF', seed=42)}DEAD": False,  # legacy, case-insensitive
        f"id: LGC{rand(30, '0123456789ABCDEF', seed=43)}": True,
        f"widget_key = {'0000' + rand(4, HEX, seed=44)}-{rand(24, seed=45)}": False,  # targetRules
    }
    for line, reported in cases.items():
        assert bool(_found(rules, line + "\n")) is reported, line


def test_path_allowlists_for_the_scan_layer(tmp_path: Path) -> None:
    result = import_gitleaks(gitleaks_config(tmp_path))
    entries = result.path_allowlists
    assert PathAllowlist((), ("(?:^|/)fixtures/",)) in entries
    assert PathAllowlist(("php-only",), (r"\.php$",), only=True) in entries
    assert PathAllowlist(("docs-key",), ("(?:^|/)samples/",), Allowlist("secret", ("^dock_0",), (), True)) in entries
    assert file_skipped(entries, "tests/fixtures/keys.txt")
    assert not file_skipped(entries, "src/docs/readme.md")  # a rule's path allowlist, not global

    rules = result.rules
    doc0 = "dock_0" + rand(23, LOWER, seed=50)
    doc1 = "dock_1" + rand(23, LOWER, seed=51)
    php = rand(20, LOWER, seed=52)
    text = f"a = {doc0}\nb = {doc1}\nc = phpk_{php}\n"
    matches = Matcher(rules).scan(text)
    assert len(matches) == 3

    def kept(path: str) -> set[str]:
        return {m.secret for m in filter_matches(entries, path, text, matches)}

    assert kept("src/app.py") == {doc0, doc1}          # php-only needs a .php path
    assert kept("src/app.php") == {doc0, doc1, php}
    assert kept("docs/keys.md") == set()               # docs-key allowed under docs/, php-only not here
    assert kept("samples/keys.md") == {doc1}           # AND: path and ^dock_0
    assert kept(os.path.join(".", "samples", "k.php")) == {doc1, php}


# --- the YAML pack ------------------------------------------------------------------------------

def test_yaml_pack_round_trip(tmp_path: Path) -> None:
    result = import_gitleaks(gitleaks_config(tmp_path))
    pack = tmp_path / "team.yaml"
    pack.write_text(dump_pack(result, source=".gitleaks.toml"))
    text = pack.read_text()
    assert text.startswith("# credwall rule pack imported from .gitleaks.toml")
    assert "imported: true" in text and "examples: []" in text
    assert "# warning: rule pkcs12-file: path-only rule" not in text
    assert "#   warning: rule pkcs12-file: path-only rule (path" in text  # problems as comments
    assert text.count("sandbox") == 1  # the global allowlist, written once at pack level
    loaded = load_pack(pack)
    assert [r._replace(source="") for r in loaded] == [r._replace(source="") for r in result.rules]
    assert load_path_allowlists(pack) == result.path_allowlists
    sample, expected = sample_text()
    assert _found(loaded, sample) == {rule_id: [secret] for rule_id, secret in expected.items()}
    # `rules check`: every regex compiles and has its secret group; only examples are missing
    # (the lead's rulecheck skips "no examples" for rules with `imported`).
    assert all(r.imported for r in loaded)
    assert [p for p in check_rules(loaded) if not p.endswith(": no examples")] == []


def test_yaml_allowlist_validation(tmp_path: Path) -> None:
    head = "family: t\nrules:\n  - id: x\n    description: d\n    regex: '(?P<secret>ab)'\n" \
           "    confidence: high\n    keywords: [ab]\n"
    for allowlist, message in [
        ("    allowlist: {regexes: ['(a']}\n", "bad allowlist regex"),
        ("    allowlist: {regexes: [a], target: file}\n", "target must be one of"),
        ("    allowlist: {target: line}\n", "needs `regexes` or `stopwords`"),
        ("    allowlist: {stopwords: [a], condition: xor}\n", "condition must be"),
        ("    allowlist: {stopwords: [a], paths: [x]}\n", "unknown allowlist key(s) paths"),
    ]:
        path = tmp_path / "p.yaml"
        path.write_text(head + allowlist)
        with pytest.raises(RuleError, match=re.escape(message)):
            load_pack(path)
    path.write_text(head + "    allowlist:\n      - {stopwords: [AB]}\n      - {regexes: [x], target: line, condition: and}\n")
    (rule,) = load_pack(path)
    assert rule.allowlists == (Allowlist("secret", (), ("ab",)), Allowlist("line", ("x",), (), True))


def test_cache_keeps_allowlists(tmp_path: Path) -> None:
    result = import_gitleaks(gitleaks_config(tmp_path))
    rule = next(r for r in result.rules if r.id == "docs-key")
    row = marshal.loads(marshal.dumps(rule.to_cache()))
    assert Rule.from_cache(row) == rule
    assert Rule.from_cache(row).allowlists[0].target == "line"
    pack = tmp_path / "team.yaml"
    pack.write_text(dump_pack(result))
    first = load_rules([str(pack)])
    second = load_rules([str(pack)])  # from the marshal cache
    assert second == first and any(r.allowlists for r in second)


# --- Go regex syntax ---------------------------------------------------------------------------

@pytest.mark.parametrize(("go", "group", "text", "secret"), [
    (r"ab(c+)(d+)", 0, "xabccdd", "cc"),                          # default: first group
    (r"ab(c*)(d+)", 0, "xabdd", None),                            # group 1 may be empty: warned
    (r"(?:a(x+)|b(y+))", 0, "byy", "yy"),                         # alternatives: whichever matched
    (r"k(?P<n>[a-z])([0-9]+)", 2, "kq12", "12"),                  # named groups are numbered too
    (r"k((a)(b))", 3, "kab", "b"),
    (r"ab(?i)cd|ef", 0, "EF", "EF"),                              # mid-pattern flags span the group
    (r"ab(?i)cd|ef", 0, "ABcd", None),
    (r"x\Q.*\Ey", 0, "x.*y", "x.*y"),
    (r"[[:upper:]]{2}\d", 0, "ÉÉ1 AB1", "AB1"),                   # POSIX and \d are ASCII in Go
    (r"a\x{41}\101\z", 0, "aAA", "aAA"),
    (r"a{,2}", 0, "a{,2}", "a{,2}"),                              # not a repeat in Go: literal
    (r"[^[:space:]]+", 0, "  abc ", "abc"),
    (r"(?s:.)b", 0, "\nb", "\nb"),
    (r"\pL+", 0, "1éa", "éa"),
])
def test_go_regex_translation(go: str, group: int, text: str, secret: str | None) -> None:
    import regex

    translation = translate_go_regex(go, group)
    m = regex.search(translation.regex, text)
    if secret is None:
        assert translation.warning is not None or m is None or not m.group("secret")
    else:
        assert m is not None and m.group("secret") == secret, translation.regex


@pytest.mark.parametrize(("go", "message"), [
    (r"(a", "missing closing )"), (r"a)", "unexpected )"), (r"a**", "nested repetition"),
    (r"(a)\1", "backreference"), (r"(?<=a)b", "lookbehind"), (r"(?U)a+", "ungreedy"),
    (r"[a", "missing closing ]"), (r"\C", "any byte"), (r"a{1001}", "repeat count"),
    (r"[z-a]", "range"), (r"\q", "invalid escape"), (r"[[:nope:]]", "character class"),
])
def test_go_regex_errors(go: str, message: str) -> None:
    with pytest.raises(GoRegexError, match=re.escape(message)):
        translate_go_regex(go, 0)


def test_betterleaks_filter_expressions(tmp_path: Path) -> None:
    config = tmp_path / "b.toml"
    config.write_text(r'''
prefilter = """matchesAny(attributes["path"], [`(?:^|/)vendor/`])"""
filter = """(matchesAny(finding["secret"], [`^true$`]) || containsAny(finding["secret"], ["XYZ"]))"""
[[rules]]
id = "b1"
description = "b1"
regex = """tok_([a-z0-9]{16})"""
keywords = ["tok_"]
confidence = "high"
filter = """entropy(finding["secret"]) < 3.5 || matchesAny(finding["line"], [`(?i)mock`]) || tokenRatio(finding["secret"]) >= 2.5"""
validate = """http.get("https://example.invalid")"""
''')
    result = import_gitleaks(config)
    (rule,) = result.rules
    assert rule.confidence == "high" and rule.entropy == 3.5
    assert Allowlist("line", ("(?i)mock",)) in rule.allowlists
    assert Allowlist("secret", ("XYZ",)) in rule.allowlists  # containsAny: literal, case kept
    assert PathAllowlist((), ("(?:^|/)vendor/",)) in result.path_allowlists
    messages = [p.message for p in result.problems]
    assert any("tokenRatio" in m for m in messages) and any("network" in m for m in messages)


# --- the command, end to end ----------------------------------------------------------------------

PATH_ONLY_TOML = """\
[[rules]]
id = "acme-key"
description = "ACME key"
regex = '''acme_key\\s*=\\s*"(acme_[a-z0-9]{20})"'''
keywords = ["acme_"]

[[rules]]
id = "pkcs12-file"
description = "PKCS #12 file"
path = '''(?i)\\.p(?:12|fx)$'''
tags = ["file"]
"""


def _credwall(cwd: Path, *args: str, module: str = "credwall") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


def test_rules_import_with_a_path_only_rule_end_to_end(tmp_path: Path) -> None:
    """`credwall rules import gitleaks.toml -o rules.yaml` where one rule is path-only: exit 0,
    the rule named as left out and why; the pack passes `rules check` and a scan with it finds
    the content rule's secret; the file the path-only rule was about is reported by the
    credwall-env-files hook, as the warning says."""
    (tmp_path / "gitleaks.toml").write_text(PATH_ONLY_TOML)
    imported = _credwall(tmp_path, "rules", "import", "gitleaks.toml", "-o", "rules.yaml")
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == "" and "Traceback" not in imported.stderr
    assert "credwall: warning: rule pkcs12-file: path-only rule (path `(?i)\\.p(?:12|fx)$`" in imported.stderr
    assert "credwall-env-files" in imported.stderr
    assert ("imported 1 of 2 rule(s) from gitleaks.toml (1 left out, said why above); 0 error(s), "
            "1 warning(s); wrote rules.yaml") in imported.stderr

    check = _credwall(tmp_path, "rules", "check", "rules.yaml")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "checked 1 rules in 1 pack(s)" in check.stderr

    (tmp_path / ".credwall.toml").write_text('extra_rules = ["rules.yaml"]\n')
    (tmp_path / "svc.py").write_text('acme_key = "acme_' + rand(20, LOWER, seed=80) + '"\n')
    scan = _credwall(tmp_path, "scan", "--format", "json", "svc.py")
    assert scan.returncode == 1, scan.stderr
    assert "acme-key" in {f["rule_id"] for f in json.loads(scan.stdout)["findings"]}

    (tmp_path / "store.p12").write_bytes(b"\x30\x82\x01\x0a\x02\x01\x03" + bytes(range(256)))
    keystore = _credwall(tmp_path, "store.p12", module="credwall.hooks.check_env_files")
    assert keystore.returncode == 1 and "keystore-file" in keystore.stdout


@pytest.mark.parametrize("toml", [
    # Nothing importable: every rule path-only, one with a global allowlist aimed at it.
    "[[rules]]\nid = 'p12'\npath = '[.]p12$'\n[[rules]]\nid = 'jks'\npath = '[.]jks$'\n"
    "[[allowlists]]\ntargetRules = ['p12']\nregexes = ['x']\n",
    # betterleaks filters with empty lists: never true, so nothing to drop (no empty allowlist).
    "filter = 'containsAny(finding[\"line\"], [])'\n[[rules]]\nid = 'tok'\nregex = 'tok_([a-z0-9]{16})'\n"
    "keywords = ['tok_']\nfilter = 'matchesAny(finding[\"secret\"], []) || matchesAny(attributes[\"path\"], [])'\n",
])
def test_the_written_pack_always_loads(tmp_path: Path, toml: str) -> None:
    config = tmp_path / "gitleaks.toml"
    config.write_text(toml)
    result = import_gitleaks(config)
    assert [p for p in result.problems if p.severity == "error"] == []
    pack = tmp_path / "pack.yaml"
    pack.write_text(dump_pack(result, source=config.name))
    rules = load_pack(pack)
    assert [r.id for r in rules] == [r.id for r in result.rules]
    assert all(r.allowlists == () for r in rules)
    assert check_rules(rules) == []
    assert load_path_allowlists(pack) == result.path_allowlists == []


# --- against betterleaks itself -----------------------------------------------------------------

BETTERLEAKS = shutil.which("betterleaks") or "/tmp/anchors/bin/betterleaks"


@pytest.mark.skipif(not os.access(BETTERLEAKS, os.X_OK), reason="betterleaks is not installed")
def test_same_secrets_as_betterleaks(tmp_path: Path) -> None:
    """The shared shapes in betterleaks' own format (valueGroup, filter): betterleaks and
    credwall (importing either format) report the same rule ids and secrets."""
    config = tmp_path / "betterleaks.toml"
    config.write_text(_shapes_toml("betterleaks"))
    text, expected = sample_text()
    proc = subprocess.run(
        [BETTERLEAKS, "stdin", "-c", str(config), "--no-banner", "--no-color", "--max-decode-depth=0",
         "--exit-code=0", "-o", "-", "-l", "error"],
        input=text, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    theirs: dict[str, list[str]] = {}
    for finding in json.loads(proc.stdout)["findings"]:
        theirs.setdefault(finding["rule_id"], []).append(finding["match"]["value"])
    assert theirs == {rule_id: [secret] for rule_id, secret in expected.items()}
    ours = import_gitleaks(config)
    assert [p for p in ours.problems if p.severity == "error"] == []
    assert _found(ours.rules, text) == theirs
    assert _found(import_gitleaks(gitleaks_config(tmp_path)).rules, text) == theirs
