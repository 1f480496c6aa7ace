from __future__ import annotations

import pytest

from credwall.engine import matcher as matcher_module
from credwall.engine.findings import findings_from_matches, fingerprint, mask
from credwall.engine.matcher import Matcher, ScanTimeout
from credwall.engine.rules import Rule
from tests import tokens


def _rule(**kw: object) -> Rule:
    base = dict(id="t", description="d", regex=r"(?P<secret>Q9[0-9]{8})", confidence="high", keywords=("q9",))
    base.update(kw)
    return Rule(**base)  # type: ignore[arg-type]


def test_regex_compiles_only_when_a_keyword_hits() -> None:
    m = Matcher([_rule()])
    assert m.scan("nothing to see here\n" * 100) == []
    assert m._compiled == {}
    assert [x.secret for x in m.scan("id = Q948213957")] == ["Q948213957"]
    assert list(m._compiled) == [0]


def test_requires_skips_lines_without_a_required_word() -> None:
    # `requires` is a second gate: the regex never runs on a keyword line without one of the
    # words (case-folded, as the regex module folds `(?i)`: the long s of `ſecret` is an s).
    rule = _rule(regex=r"(?i)(?P<secret>Q9[0-9]{8})", requires=("secret",))
    m = Matcher([rule])
    assert m.scan("id = Q948213957") == []
    assert m._compiled == {}  # not even compiled: no region held a required word
    assert [x.secret for x in m.scan("SECRET id = Q948213957")] == ["Q948213957"]
    assert [x.secret for x in m.scan("\u017fecret = Q948213957")] == ["Q948213957"]
    # the word is looked for on the keyword's own line only
    assert m.scan("secret\nid = Q948213957") == []


def test_keyword_must_be_on_the_line_of_the_match() -> None:
    rule = _rule(regex=r"(?P<secret>[0-9]{10})", keywords=("acme",))
    m = Matcher([rule])
    assert m.scan("acme_key = 4821395761") != []
    assert m.scan("acme settings\nkey = 4821395761") == []


def test_multi_line_rule_sees_following_lines() -> None:
    rule = _rule(regex=r"(?s)BEGIN\n(?P<secret>[0-9]{10})\nEND", keywords=("begin",), lines=3)
    m = Matcher([rule])
    found = m.scan("x\nBEGIN\n4821395761\nEND\n")
    assert [f.secret for f in found] == ["4821395761"]


def test_positions_survive_non_ascii_text(matcher: Matcher) -> None:
    token = tokens.github_classic()
    # 'İ' lower-cases to two characters: offsets must still index the original text.
    text = "İİİ ünïcødé\nx = '" + token + "'\n"
    found = findings_from_matches("f", text, matcher.scan(text))
    assert [(f.line, f.column) for f in found] == [(2, 6)]
    assert found[0].rule_id.startswith("github")


def test_specific_rule_beats_generic_on_the_same_secret(matcher: Matcher) -> None:
    text = f'api_key = "{tokens.anthropic_key()}"'
    found = matcher.scan(text)
    assert [m.rule.id for m in found] == ["anthropic-api-key"]


def test_two_secrets_on_one_line_are_both_reported(matcher: Matcher) -> None:
    text = f"creds = {tokens.github_classic(seed=8)} {tokens.github_classic(seed=9)}"
    assert len(matcher.scan(text)) == 2


def test_checksum_rejects_a_corrupted_token(matcher: Matcher) -> None:
    good = tokens.github_classic()
    bad = good[:-1] + ("A" if good[-1] != "A" else "B")
    assert matcher.scan(f"t = {good}") != []
    assert all(not m.rule.id.startswith("github") for m in matcher.scan(f"t = {bad}"))


def test_regex_timeout_is_reported_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matcher_module, "REGEX_TIMEOUT_SECONDS", 0.01)
    evil = _rule(regex=r"(?P<secret>(a|aa)+)+b", keywords=("a",))
    with pytest.raises(ScanTimeout) as info:
        Matcher([evil]).scan("a" * 5000)
    assert info.value.rule_id == "t"


def test_findings_locate_and_hide_the_secret() -> None:
    m = Matcher([_rule()])
    text = "first line\n  key: Q948213957 tail\n"
    [f] = findings_from_matches("cfg.yaml", text, m.scan(text))
    assert (f.path, f.line, f.column, f.end_line, f.end_column) == ("cfg.yaml", 2, 8, 2, 18)
    assert f.fingerprint == fingerprint("t", "Q948213957")
    assert "Q948213957" not in repr(f)
    assert f.secret_masked == "Q9…"


@pytest.mark.parametrize(("secret", "masked"), [("abcdefghijklmnop", "abcd…"), ("abcdefgh", "ab…"), ("abc", "…")])
def test_mask_never_shows_more_than_a_quarter(secret: str, masked: str) -> None:
    assert mask(secret) == masked


@pytest.mark.parametrize("marker", ["# credwall:allow", "# gitleaks:allow", "// betterleaks:allow",
                                    "# pragma: allowlist secret"])
def test_inline_allow_markers(matcher: Matcher, marker: str) -> None:
    token = tokens.github_classic()
    kept, allowed = matcher.scan_with_allowed(f"a = '{token}'  {marker}\nb = '{token}'\n")
    assert (len(kept), allowed) == (1, 1)
    assert kept[0].start > kept[0].secret.__len__()  # the second line's token is the one kept


def test_detect_secrets_nextline_marker(matcher: Matcher) -> None:
    token = tokens.github_classic()
    text = f"# pragma: allowlist nextline secret\na = '{token}'\n"
    assert matcher.scan_with_allowed(text) == ([], 1)


def test_allowed_findings_are_counted_in_the_summary(tmp_path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(f"t = '{tokens.github_classic()}'  # credwall:allow\n")
    code, _, err = run_cli("scan", "a.py")
    assert code == 0 and "1 allowed by inline markers" in err


def test_a_token_just_past_an_earlier_hits_window_is_found(matcher: Matcher) -> None:
    from credwall.engine.matcher import WINDOW

    token = tokens.github_classic()
    decoy = "ghp_" + "!" * 10  # a keyword hit that is no token
    text = decoy + "a" * (WINDOW - len(decoy) - 20) + " " + token + " " + "b" * 20_000 + "\n"
    assert [m.secret for m in matcher.scan(text)] == [token]


def test_overlap_resolution_scales_and_keeps_the_best(matcher: Matcher) -> None:
    from credwall.engine.matcher import resolve_overlaps

    text = " ".join(f"t{i}={tokens.github_classic(seed=i)}" for i in range(3000))
    found = matcher.scan(text)
    assert len(found) == 3000 and len(resolve_overlaps(found + found)) == 3000


def test_witness_characters_cover_every_code_point_that_folds_into_a_label() -> None:
    # The shortcut for rules keyed on non-ASCII words skips a text holding none of their
    # "witness" characters. Sound only if every character whose case folding yields a word's
    # first non-ASCII letter is among them: checked here against all of Unicode.
    from credwall.engine.matcher import _witnesses
    from credwall.engine.rules import load_rules

    keyed = [r.requires for r in load_rules() if r.requires and not r.keywords]
    assert keyed, "a keywordless rule with non-ASCII `requires` words is shipped"
    for words in keyed:
        firsts = {next(c for c in w if not c.isascii()) for w in words}
        every = {chr(p) for p in range(0x80, 0x110000)
                 if not 0xD800 <= p < 0xE000 and any(f in chr(p).casefold() for f in firsts)}
        assert every <= _witnesses(words)


def test_a_non_ascii_label_is_found_through_an_unusual_case_form() -> None:
    # The Greek kappa symbol folds to kappa: the witness shortcut must not skip it.
    rule = _rule(regex=r"(?i)κωδικ[^:]*:\s*(?P<secret>Q9[0-9]{8})", keywords=(), no_keywords_reason="t",
                 requires=("κωδικ",))
    m = Matcher([rule])
    value = "Q9" + "48213957"  # joined: this file passes the project's own hook
    assert [x.secret for x in m.scan(f"ϰωδικός: {value}")] == [value]
    assert m.scan(f"ωδικός: {value} (no label)") == []
