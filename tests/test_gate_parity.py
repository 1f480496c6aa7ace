"""The two keyword gates (Aho-Corasick, Hyperscan) give the same findings: every rule's examples
and negative examples through the whole pipeline, and a large random corpus through the gates
and the matcher. Needs `credwall[fast]`; skipped, saying so, where Hyperscan is not installed."""

from __future__ import annotations

import random
import string

import pytest

from credwall.engine.findings import ScanResult
from credwall.engine.gate import AhoCorasickGate, GateError, build_gate
from credwall.engine.matcher import Matcher, rule_keywords
from credwall.engine.rules import load_rules
from credwall.pipeline import analyse_text
from tests import tokens

hyperscan = pytest.importorskip("hyperscan", reason="hyperscan is not installed (pip install 'credwall[fast]'): "
                                                   "the Hyperscan gate's parity with Aho-Corasick is not checked")

RULES = load_rules(use_cache=False)


def _matcher(engine: str, monkeypatch: pytest.MonkeyPatch) -> Matcher:
    monkeypatch.setenv("CREDWALL_GATE", engine)
    matcher = Matcher(RULES)
    assert matcher.gate.engine == engine
    return matcher


def _findings(matcher: Matcher, path: str, text: str) -> list[tuple[object, ...]]:
    result = ScanResult()
    found = analyse_text(matcher, path, text, result)
    assert not result.errors, result.errors
    return [(f.rule_id, f.line, f.column, f.fingerprint) for f in found]


def _example_files() -> list[tuple[str, str]]:
    files = []
    for rule in RULES:
        for example in (*rule.examples, *rule.negative_examples, *rule.known_misses):
            files.append((example.path or "example.txt", example.text))
    return files


def test_every_rule_example_gives_the_same_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    slow, fast = _matcher("aho-corasick", monkeypatch), _matcher("hyperscan", monkeypatch)
    files = _example_files()
    assert len(files) > 1000
    reported = 0
    for path, text in files:
        expected = _findings(slow, path, text)
        assert _findings(fast, path, text) == expected, (path, text[:80])
        reported += bool(expected)
    assert reported > 500  # the examples do find things: the comparison is not of empty lists


def _random_corpus(size: int, seed: int) -> list[str]:
    """Files of keywords in any case, secret-shaped tokens, assignments, non-ASCII letters (the
    Kelvin sign, U+0130, which changes how a text lowers), lone surrogates and line breaks."""
    rng = random.Random(seed)
    keywords = sorted({k for r in RULES for k in r.keywords})
    makers = [tokens.github_classic, tokens.aws_key_id, tokens.aws_secret, tokens.anthropic_key,
              tokens.stripe_live, tokens.password]
    noise = ["\u212a", "\u0130", "\u00e9", "\u00df", "\u4e2d", "\udcff", "\n", "\r\n", " = ", ": ", '"', "\t"]
    files, current, total = [], [], 0
    while total < size:
        pick = rng.random()
        if pick < 0.35:
            word = rng.choice(keywords)
            part = rng.choice([word, word.upper(), word.title()])
        elif pick < 0.5:
            part = rng.choice(makers)(seed=rng.randrange(1 << 30))
        elif pick < 0.75:
            part = rng.choice(noise)
        else:
            part = "".join(rng.choices(string.ascii_letters + string.digits + "_-/+", k=rng.randrange(1, 40)))
        current.append(part)
        total += len(part)
        if rng.random() < 0.002:
            files.append("".join(current))
            current = []
    files.append("".join(current))
    return files


def test_a_large_random_corpus_gives_the_same_hits_and_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    keywords = rule_keywords(RULES)
    slow, fast = build_gate(keywords, "aho-corasick"), build_gate(keywords, "hyperscan")
    corpus = _random_corpus(4_000_000, seed=14)
    for text in corpus:
        assert fast.hits(text) == slow.hits(text)
    slow_matcher, fast_matcher = _matcher("aho-corasick", monkeypatch), _matcher("hyperscan", monkeypatch)
    reported, size = 0, 0
    for n, text in enumerate(corpus):
        size += len(text)
        if size > 1_000_000:  # the whole pipeline on the first MB (the regexes cost the time)
            break
        expected = _findings(slow_matcher, f"f{n}.txt", text)
        assert _findings(fast_matcher, f"f{n}.txt", text) == expected
        reported += len(expected)
    assert reported > 100


def test_the_auto_gate_moves_large_texts_to_hyperscan_after_a_mebibyte(monkeypatch: pytest.MonkeyPatch) -> None:
    from credwall.engine.gate import SMALL_TEXT

    monkeypatch.delenv("CREDWALL_GATE", raising=False)
    gate = build_gate({"key": (0,)})
    small = "x" * (SMALL_TEXT - 4) + "KEY"
    for _ in range(600):  # over a MiB of small texts: they never count
        assert gate.hits(small) == {0: [len(small) - 3]}
    assert gate.engine == "aho-corasick"
    text = ("x" * 1023 + "\n") * 512 + "KEY"
    assert gate.hits(text) == {0: [len(text) - 3]}
    assert gate.engine == "aho-corasick"  # half a MiB of large text: not yet
    assert gate.hits(text) == {0: [len(text) - 3]}
    assert gate.hits(text) == {0: [len(text) - 3]}
    assert gate.engine == "hyperscan"
    assert gate.hits(small) == {0: [len(small) - 3]}  # small texts still on Aho-Corasick, same hits


def test_a_damaged_or_swapped_cached_database_is_rebuilt(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    import marshal

    from credwall.engine import cachefile, hsgate

    monkeypatch.setenv("CREDWALL_CACHE_DIR", str(tmp_path))
    keywords = {"key": (0,), "token": (1,)}
    build_gate(keywords, "hyperscan")
    path = cachefile.cache_file(hsgate._CACHE_NAME)
    assert path is not None
    stored = marshal.loads(open(path, "rb").read())
    (key, (digest, payload)), = stored["entries"].items()
    # A database built from other keywords, under this key with a matching digest: it loads,
    # but misses the probe, so it is not used.
    other = hsgate.HyperscanGate.__new__(hsgate.HyperscanGate)
    other._words = ["key"]
    swapped = hyperscan.dumpb(other._compile(hyperscan))
    for entry in ((cachefile.digest(swapped), swapped), (digest, payload[:-9] + b"x" * 9), "junk"):
        stored["entries"][key] = entry
        cachefile.write_atomic(path, marshal.dumps(stored))
        gate = build_gate(keywords, "hyperscan")
        assert gate.take_rebuilt() == 1
        assert gate.hits("a TOKEN and a key") == {0: [14], 1: [2]}
        assert build_gate(keywords, "hyperscan").take_rebuilt() == 0  # rewritten sound
    cachefile.write_atomic(path, b"not marshal")
    assert build_gate(keywords, "hyperscan").hits("key") == {0: [0]}


def test_a_keyword_holding_a_question_mark_stays_on_aho_corasick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CREDWALL_GATE", raising=False)
    with pytest.raises(GateError, match="holds '\\?'"):
        build_gate({"a?b": (0,)}, "hyperscan")
    gate = build_gate({"a?b": (0,)})
    gate.hits("x" * (1 << 20) + "A?B")
    assert isinstance(gate._large, AhoCorasickGate)
    assert gate.hits("\u00e9?b a?b") == {0: [4]}
