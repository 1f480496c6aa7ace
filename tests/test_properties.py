"""Property-based tests (hypothesis) for the parsers and the matcher: random input never
crashes them, and what they must find they find wherever it sits."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credwall.sources.diff import parse_unified_diff
from credwall.engine.findings import findings_from_matches, mask
from credwall.engine.matcher import Matcher
from credwall.engine.rules import load_rules
from credwall.analysers.structured import StructureError, load_json, load_toml, load_yaml
from tests import tokens

MATCHER = Matcher(load_rules(use_cache=False))
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Text around a token: anything printable, but a token-boundary character next to the token.
filler = st.text(alphabet=string.printable + "éü€\u2028", max_size=300).filter(
    lambda s: "allow" not in s)  # an inline allow marker beside the token silences it, by design


@SETTINGS
@given(st.text(min_size=1, max_size=200))
def test_mask_never_reveals_more_than_a_quarter(secret: str) -> None:
    masked = mask(secret)
    assert masked.endswith("…")
    assert len(masked) - 1 <= len(secret) // 4
    assert secret not in masked or len(secret) == 0


@SETTINGS
@given(filler, filler, st.sampled_from([" ", "\n", "=", ":", "'", '"', "(", ",", "\t"]),
       st.sampled_from([" ", "\n", "'", '"', ")", ",", ";", "\t"]))
def test_a_token_is_found_wherever_it_sits(before: str, after: str, left: str, right: str) -> None:
    token = tokens.github_classic(seed=7)
    text = before + left + token + right + after
    found = findings_from_matches("f", text, MATCHER.scan(text))
    hits = [f for f in found if f.rule_id == "github-pat"]
    assert len(hits) == 1
    start = len(before) + len(left)
    assert hits[0].line == text.count("\n", 0, start) + 1
    assert hits[0].column == start - (text.rfind("\n", 0, start) + 1) + 1


@SETTINGS
@given(st.text(max_size=2000))
def test_random_text_never_crashes_the_matcher(text: str) -> None:
    for match in MATCHER.scan(text):
        assert text[match.start:match.end] == match.secret


@st.composite
def diffs(draw: st.DrawFn) -> tuple[bytes, list[tuple[int, int]], list[tuple[int, bytes]]]:
    """A one-file -U0 patch with random hunks, and the added ranges/windows it must parse to."""
    line = st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"").replace(b"\r", b"") + b"\n")
    out = [b"diff --git a/f b/f\n", b"--- a/f\n", b"+++ b/f\n"]
    added: list[tuple[int, int]] = []
    windows: list[tuple[int, bytes]] = []
    new_line = 1
    for _ in range(draw(st.integers(0, 6))):
        new_line += draw(st.integers(0, 50))
        removed = draw(st.lists(line, max_size=3))
        new = draw(st.lists(line, max_size=5))
        out.append(b"@@ -%d,%d +%d,%d @@\n" % (new_line, len(removed), new_line, len(new)))
        out += [b"-" + r for r in removed] + [b"+" + n for n in new]
        if new:
            added.append((new_line, new_line + len(new) - 1))
            windows.append((new_line, b"".join(new)))
        new_line += len(new)
    return b"".join(out), added, windows


@SETTINGS
@given(diffs())
def test_diff_parser_recovers_added_lines(case: tuple[bytes, list[tuple[int, int]], list[tuple[int, bytes]]]) -> None:
    patch, added, windows = case
    files = parse_unified_diff(patch.splitlines(keepends=True))
    if not added:
        assert files == [] or files[0].added == []
        return
    [diff] = files
    # adjacent hunks may merge into one range; the set of added lines is what matters
    assert {n for a, b in diff.added for n in range(a, b + 1)} == {n for a, b in added for n in range(a, b + 1)}
    assert [(w.first_line, w.data) for w in diff.windows] == windows


@SETTINGS
@given(st.binary(max_size=500))
def test_diff_parser_never_crashes(data: bytes) -> None:
    parse_unified_diff(data.splitlines(keepends=True))


@SETTINGS
@given(st.text(max_size=400))
def test_structured_loaders_fail_only_with_structure_errors(text: str) -> None:
    for load in (load_json, load_yaml, load_toml):
        try:
            load(text)
        except StructureError:
            pass


@SETTINGS
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
                    max_leaves=20))
def test_json_loader_agrees_with_the_json_module(value: object) -> None:
    import json

    text = json.dumps(value, indent=1)
    loaded, leaves = load_json(text)
    assert loaded == value
    for leaf in leaves:  # every leaf's line holds the start of its value
        assert 1 <= leaf.line <= text.count("\n") + 1
