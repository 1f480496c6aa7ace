"""The keyword gate answers exactly what a naive substring search answers."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credwall.engine.gate import GateError, build_gate, lower
from credwall.engine.matcher import Matcher
from credwall.engine.rules import load_rules

# A small alphabet, so keywords overlap, nest and repeat; the text adds upper case, line breaks,
# non-ASCII letters whose lower case is ASCII (K, the Kelvin sign), is two characters (İ) or
# is not ASCII at all, and a lone surrogate (what surrogateescape decoding makes of a bad byte).
KEYWORD_CHARS = "abk-@ "
TEXT_CHARS = KEYWORD_CHARS + "ABK\n\u212a\u0130\u00e9\u00df\u017f\udcff"  # \udcff: an undecodable byte


def naive_hits(keywords: dict[str, tuple[int, ...]], text: str) -> dict[int, list[int]]:
    """Every offset where a keyword starts in the lower-cased text, per index, sorted. The text
    is lowered offset for offset: str.lower(), or ASCII letters only where that would change
    its length."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c.lower() if "A" <= c <= "Z" else c for c in text)
    hits: dict[int, list[int]] = {}
    for keyword, indices in keywords.items():
        for start in range(len(lowered)):
            if lowered.startswith(keyword, start):
                for index in set(indices):
                    hits.setdefault(index, []).append(start)
    return {index: sorted(starts) for index, starts in hits.items()}


keyword_maps = st.dictionaries(st.text(KEYWORD_CHARS, min_size=1, max_size=4),
                               st.lists(st.integers(0, 5), min_size=1, max_size=3).map(tuple), max_size=8)


def texts_around(keywords: dict[str, tuple[int, ...]]) -> st.SearchStrategy[str]:
    """Texts made of the keywords themselves (in any case) and random filler."""
    filler = st.text(TEXT_CHARS, max_size=6)
    if not keywords:
        return filler
    keyword = st.sampled_from(sorted(keywords)).flatmap(lambda k: st.sampled_from([k, k.upper(), k.title()]))
    return st.lists(st.one_of(filler, keyword), max_size=16).map("".join)


def _engines() -> list[object]:
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return ["aho-corasick", pytest.param("hyperscan", marks=pytest.mark.skip(
            reason="hyperscan is not installed (pip install 'credwall[fast]')"))]
    return ["aho-corasick", "hyperscan"]


ENGINES = _engines()


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(keyword_maps, st.data())
def test_hits_are_a_naive_substring_search(engine: str, keywords: dict[str, tuple[int, ...]],
                                           data: st.DataObject) -> None:
    gate = build_gate(keywords, engine)
    for text in data.draw(st.lists(texts_around(keywords), min_size=1, max_size=3)):
        # one gate, several texts: nothing carries over from one text to the next
        expected = naive_hits(keywords, text)
        assert gate.hits(text) == expected
        assert gate.hits(text, lower(text)) == expected  # a caller's own lowering, passed on


@pytest.mark.parametrize("engine", ENGINES)
def test_the_offsets_index_the_original_text(engine: str) -> None:
    gate = build_gate({"key": (0,), "token": (1, 2)}, engine)
    text = "\u0130\u0130 KEY=1 \u212aey Token"  # İ lowers to two characters: ASCII lowering only
    assert gate.hits(text) == {0: [3], 1: [13], 2: [13]}
    assert text[3:6] == "KEY" and text[13:18] == "Token"
    assert gate.hits("\u212aey") == {0: [0]}  # the Kelvin sign lowers to k in place


@pytest.mark.parametrize("engine", ENGINES)
def test_each_index_gets_a_list_of_its_own(engine: str) -> None:
    hits = build_gate({"ab": (0, 1)}, engine).hits("ab ab")
    hits[0].append(99)
    assert hits[1] == [0, 3]


@pytest.mark.parametrize("engine", ENGINES)
def test_an_empty_gate_and_an_empty_text_hit_nothing(engine: str) -> None:
    assert build_gate({}, engine).hits("anything") == {}
    assert build_gate({"a": (0,)}, engine).hits("") == {}


def test_an_unknown_gate_engine_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDWALL_GATE", "fastest")
    with pytest.raises(GateError, match="expected one of auto, aho-corasick, hyperscan"):
        build_gate({"a": (0,)})


def test_an_unknown_gate_engine_exits_2_with_a_message(run_cli, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                        tmp_path) -> None:
    (tmp_path / "a.txt").write_text("nothing here\n")
    monkeypatch.setenv("CREDWALL_GATE", "fastest")
    code, out, err = run_cli("scan", str(tmp_path / "a.txt"))
    assert code == 2 and "CREDWALL_GATE='fastest'" in err and "Traceback" not in err


@pytest.mark.parametrize("keyword", ["", "Key", "cl\u00e9"])
def test_keywords_must_be_lower_case_ascii(keyword: str) -> None:
    with pytest.raises(ValueError, match="lower-case ASCII"):
        build_gate({keyword: (0,)})


def test_the_matcher_gates_on_every_rule_keyword() -> None:
    matcher = Matcher(load_rules(use_cache=False))
    rules = matcher.rules  # the pattern rules, which the gate indexes (analyser rules have no keywords)
    text = " ".join(sorted({k for r in rules for k in r.keywords})).upper()
    keywords: dict[str, list[int]] = {}
    for index, rule in enumerate(rules):
        for keyword in rule.keywords:
            keywords.setdefault(keyword, []).append(index)
    assert matcher.keyword_hits(text) == naive_hits({k: tuple(v) for k, v in keywords.items()}, text)
    assert {i for i, r in enumerate(rules) if r.keywords} == set(matcher.keyword_hits(text))
