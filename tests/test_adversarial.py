"""Every rule stays bounded on hostile input: long lines of its own keywords, whitespace and
`=`/quote storms, near-miss tokens. The regex time bound is the assertion (a rule that takes
longer raises ScanTimeout, which fails the test naming the rule), not a wall-clock timer."""

from __future__ import annotations

import pytest

from credwall.engine import matcher as matcher_module
from credwall.engine.matcher import Matcher, ScanTimeout
from credwall.engine.rules import load_rules

RULES = load_rules(use_cache=False)
LINE = 20_000  # characters per hostile line: one line, so every rule's region is all of it


def _hostile_inputs(keyword: str) -> list[str]:
    unit = keyword or "key"
    return [
        (unit + " ") * (LINE // (len(unit) + 1)),                      # the keyword, over and over
        unit + "=" * LINE,                                           # `=` storm after a keyword
        unit + '="' + "'\"" * (LINE // 2),                           # quote storm
        unit + " " * LINE + "x",                                     # a long run of spaces
        (unit + "A1b2C3d4E5f6G7h8_-") * (LINE // (len(unit) + 18)),  # near-miss token soup
        unit + ":" + "a" * LINE,                                     # one endless token
    ]


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_is_bounded_on_hostile_input(rule, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(matcher_module, "REGEX_TIMEOUT_SECONDS", 1.0)
    single = Matcher([rule])
    for keyword in rule.keywords[:3] or ("",):
        for text in _hostile_inputs(keyword):
            try:
                single.scan(text)
            except ScanTimeout:  # pragma: no cover - the failure we are looking for
                pytest.fail(f"{rule.id} needs more than 1 s on a {len(text):,}-character hostile line")
