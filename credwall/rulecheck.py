"""`credwall rules check`: every rule compiles, has a `secret` group and a keyword gate, and
every example goes through the full pipeline (keyword gate, regex, checksum, filters) with the
expected result. An analyser rule's examples are whole files (path and text), analysed exactly
as `credwall scan` analyses them. Problems come back as plain sentences naming the pack and the
rule."""

from __future__ import annotations

from .engine.checksums import VALIDATORS
from .engine.filters import LineContext, context_reason, rejection_reason
from .engine.matcher import Matcher
from .engine.rules import SECRET_GROUP, Rule


def _why_missed(rule: Rule, pattern: object, text: str, secret: str) -> str:
    """Which pipeline stage lost an example's secret."""
    lowered = text.lower()
    if rule.keywords and not any(k in lowered for k in rule.keywords):
        return f"keyword gate: none of {list(rule.keywords)} occurs in the example"
    found = [m.group(SECRET_GROUP) for m in pattern.finditer(text)]  # type: ignore[attr-defined]
    if secret not in found:
        return f"regex finds {found!r}" if found else "regex does not match"
    if rule.checksum and not VALIDATORS[rule.checksum](secret):
        return f"checksum {rule.checksum} rejects it"
    reason = None if rule.advisory else \
        rejection_reason(secret, generic=rule.generic, entropy=rule.entropy, min_length=rule.min_length)
    if reason:
        return f"filtered: {reason}"
    at = text.find(secret)
    reason = context_reason(secret, LineContext.of(text, at, at + len(secret)), generic=rule.generic)
    if reason:
        return f"filtered in its line: {reason}"
    return "not reported (keyword too far from the match?)"


def check_rule(rule: Rule, context: list[Rule] | None = None) -> list[str]:
    """Problems of one rule. `context`: the rules its examples are analysed with (an analyser
    rule's file goes through every rule in force, as in a scan; default: the built-in ones)."""
    if rule.analyser:
        return _check_analyser_rule(rule, context)
    import regex

    where = f"{rule.source}: {rule.id}"
    try:
        pattern = regex.compile(rule.regex)
    except regex.error as exc:
        return [f"{where}: bad regex: {exc}"]
    if SECRET_GROUP not in pattern.groupindex:
        return [f"{where}: regex has no named group `(?P<{SECRET_GROUP}>…)`"]
    problems = []
    if not rule.examples and not rule.imported:  # imported (gitleaks) packs come without examples
        problems.append(f"{where}: no examples")
    matcher = Matcher([rule])
    for n, example in enumerate(rule.examples, 1):
        secrets = [m.secret for m in matcher.scan(example.text, advisories=True)]
        if example.secret not in secrets:
            problems.append(f"{where}: example {n} is missed — {_why_missed(rule, pattern, example.text, example.secret)}")
        elif len(secrets) > 1:
            problems.append(f"{where}: example {n} gives {len(secrets)} findings, expected 1")
    for n, negative in enumerate(rule.negative_examples, 1):
        if matcher.scan(negative.text, advisories=True):
            problems.append(f"{where}: negative example {n} is reported")
    for n, miss in enumerate(rule.known_misses, 1):
        if miss.secret and miss.secret in [m.secret for m in matcher.scan(miss.text, advisories=True)]:
            problems.append(f"{where}: known miss {n} is now found — move it to examples")
    return problems


def _check_analyser_rule(rule: Rule, context: list[Rule] | None) -> list[str]:
    from .engine.findings import ScanResult
    from .engine.rules import load_rules
    from .pipeline import analyse_text

    where = f"{rule.source}: {rule.id}"
    rules = list(context) if context is not None else load_rules()
    if rule.id not in {r.id for r in rules}:
        rules.append(rule)
    matcher = Matcher(rules)
    problems = [] if rule.examples else [f"{where}: no examples"]

    def found(path: str, text: str) -> tuple[list[str], list[str]]:
        result = ScanResult()
        findings = analyse_text(matcher, path, text, result)
        return [f.fingerprint for f in findings if f.rule_id == rule.id], [e.reason for e in result.errors]

    from .engine.findings import fingerprint

    for n, example in enumerate(rule.examples, 1):
        prints, errors = found(example.path, example.text)
        if errors:
            problems.append(f"{where}: example {n} ({example.path}) fails: {errors[0]}")
        elif not prints:
            problems.append(f"{where}: example {n} ({example.path}) is missed")
        elif example.secret and fingerprint(rule.id, example.secret) not in prints:
            problems.append(f"{where}: example {n} ({example.path}) reports another value")
    for n, negative in enumerate(rule.negative_examples, 1):
        prints, errors = found(negative.path, negative.text)
        if prints or errors:
            problems.append(f"{where}: negative example {n} ({negative.path}) is reported"
                            + (f" or fails: {errors[0]}" if errors else ""))
    return problems


def check_rules(rules: list[Rule]) -> list[str]:
    problems: list[str] = []
    for rule in rules:
        problems.extend(check_rule(rule, rules))
    return problems
