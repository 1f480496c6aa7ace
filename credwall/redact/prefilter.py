"""Pre-checks for hot rules, read off a rule's regex by the stdlib's sre parser.

A rule whose keyword hits on nearly every line (`http` in an access log, `pat` in `"path":`)
would run its regex on every line. Two necessary conditions let most of those lines go
unsearched:
  - literals every match contains: one missing from the chunk rules the whole chunk out;
  - a skeleton: the pattern with its lookarounds and anchors dropped (which only widens what
    it matches), from its longest literal on, run by the stdlib engine over the whole chunk
    at GB/s. A line where the skeleton finds nothing cannot hold a match.
Any construct the two engines might read differently means no pre-check for that rule
(always safe: the regex then runs on every hit line, as in `credwall scan`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import re

# Non-ASCII letters that case-insensitive matching (`regex` or `re`) equates with ASCII ones
# (İ ı ſ K): where a text holds one, lower() and the engines' folding part ways, and the
# case-insensitive checks stand down. tests/test_redact.py checks this against both engines.
FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"

# `regex`-only syntax, or flags that change what a construct means.
_UNSAFE_SYNTAX = ("\\p", "\\P", "\\X", "\\L", "\\G", "\\K", "\\m", "\\M", "\\Q", "\\h", "\\R",
                  "(?|", "(?V", "(?r", "(?f", "(?w", "(?e", "(?b", "(?p", "(?(", "(?<n", "[[:",
                  "{e", "{i", "{d", "{s")


class Prefilter(NamedTuple):
    exact: tuple[str, ...]  # literals every match contains as written
    folded: tuple[str, ...]  # literals every lower-cased match contains (case-insensitive parts)
    skeleton: Skeleton | None


def _sre() -> Any:
    """The stdlib regex parser (re._parser from 3.11, sre_parse before); it carries the
    opcode constants too."""
    import re

    parser = getattr(re, "_parser", None)
    if parser is None:
        import importlib

        parser = importlib.import_module("sre_parse")
    return parser


def _dedupe_group_names(pattern: str) -> str | None:
    """`regex` allows a group name twice (one per alternative); sre does not. Rename the
    repeats; None when a back-reference names one (it could mean either group)."""
    import re

    names = re.findall(r"\(\?P<(\w+)>", pattern)
    repeated = {n for n in names if names.count(n) > 1}
    if not repeated:
        return pattern
    if any(f"(?P={n})" in pattern for n in repeated):
        return None
    seen: dict[str, int] = {}

    def rename(m: re.Match[str]) -> str:
        name = m.group(1)
        seen[name] = seen.get(name, 0) + 1
        return m.group(0) if seen[name] == 1 else f"(?P<{name}_{seen[name]}>"

    return re.sub(r"\(\?P<(\w+)>", rename, pattern)


def analyse(pattern: str) -> Prefilter | None:
    """The pre-checks for one rule's regex, or None when it cannot be analysed safely."""
    if any(marker in pattern for marker in _UNSAFE_SYNTAX):
        return None
    import re
    import warnings

    source = _dedupe_group_names(pattern)
    if source is None:
        return None
    sre = _sre()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "possible nested set" and friends: not ours
            parsed = sre.parse(source)
    except Exception:  # noqa: BLE001 - the stdlib cannot read it: no pre-check
        return None
    ci = bool(parsed.state.flags & re.IGNORECASE)
    found: list[tuple[str, bool]] = []
    _literals(list(parsed), ci, found)
    # A `{` or `}` may be `regex` syntax the stdlib took for a literal: never rely on one.
    found = [(lit, f) for lit, f in found if lit and "{" not in lit and "}" not in lit]
    exact = tuple(sorted({lit for lit, f in found if not f}, key=len, reverse=True))
    folded = tuple(sorted({lit for lit, f in found if f}, key=len, reverse=True))
    skeleton = _skeleton(list(parsed), ci)
    if not exact and not folded and skeleton is None:
        return None
    return Prefilter(exact, folded, skeleton)


def _literals(items: list[Any], ci: bool, out: list[tuple[str, bool]]) -> None:
    """Append (literal, case_insensitive) for each maximal run of literals that every match
    of the sequence `items` contains."""
    import re

    c = _sre()
    run: list[str] = []
    run_ci = False

    def flush() -> None:
        nonlocal run_ci
        if run:
            out.append(("".join(run), run_ci))
            run.clear()
        run_ci = False

    for op, av in items:
        if op is c.LITERAL:
            ch = chr(av)
            if ci and ch.lower() != ch.upper():
                run.append(ch.lower())
                run_ci = True
            else:
                run.append(ch)
            continue
        flush()
        if op is c.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            _literals(list(sub), _scoped_ci(ci, add_flags, del_flags, re.IGNORECASE), out)
        elif op is getattr(c, "ATOMIC_GROUP", None):
            _literals(list(av), ci, out)
        elif op in _repeat_ops(c):
            low, _high, sub = av
            if low >= 1:
                _literals(list(sub), ci, out)
        elif op is c.BRANCH:
            alternatives: list[list[tuple[str, bool]]] = []
            for alt in av[1]:
                lits: list[tuple[str, bool]] = []
                _literals(list(alt), ci, lits)
                alternatives.append(lits)
            common = _common_literal(alternatives)
            if common is not None:
                out.append(common)
        # anything else (classes, anchors, lookarounds, back-references) only ends the run
    flush()


def _scoped_ci(ci: bool, add_flags: int, del_flags: int, flag: int) -> bool:
    return (ci or bool(add_flags & flag)) and not del_flags & flag


def _repeat_ops(c: Any) -> tuple[Any, ...]:
    return tuple(op for op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)) if op is not None)


def _common_literal(alternatives: list[list[tuple[str, bool]]]) -> tuple[str, bool] | None:
    """The longest string every alternative of a branch contains, if any (compared as
    written, else lower-cased)."""
    if not alternatives or not all(alternatives):
        return None
    for folded in (False, True):
        if not folded and any(f for alt in alternatives for _, f in alt):
            continue

        def norm(lit: str) -> str:
            return lit.lower() if folded else lit

        best = ""
        for lit, _f in alternatives[0]:
            lit = norm(lit)
            for i in range(len(lit)):
                for j in range(len(lit), i + len(best), -1):
                    piece = lit[i:j]
                    if all(any(piece in norm(other) for other, _ in alt) for alt in alternatives[1:]):
                        best = piece
                        break
        if best:
            return best, folded
    return None


class Skeleton(NamedTuple):
    pattern: re.Pattern[str]
    on_lowered: bool  # searches the lower-cased text (a case-insensitive literal leads it)
    folds: bool  # has case-insensitive parts: trusted only on fold-safe text


def _skeleton(items: list[Any], ci: bool) -> Skeleton | None:
    import re

    c = _sre()
    flat: list[tuple[Any, Any, bool]] = []  # the top-level sequence with its groups inlined

    def inline(seq: list[Any], ci: bool) -> None:
        for op, av in seq:
            if op is c.SUBPATTERN:
                _group, add_flags, del_flags, sub = av
                inline(list(sub), _scoped_ci(ci, add_flags, del_flags, re.IGNORECASE))
            else:
                flat.append((op, av, ci))

    inline(items, ci)
    # Any contiguous piece of the sequence is a necessary condition, and so is any piece with
    # its zero-width assertions dropped. Start at the longest run of literals (the stdlib
    # searches a literal prefix fast, and a long one is rare), else at the first alternation.
    best_start, best_len, best_folded, i = -1, 0, False, 0
    while i < len(flat):
        j = i
        while j < len(flat) and flat[j][0] is c.LITERAL:
            j += 1
        if j > i:
            folded = any(flat[k][2] and _cased(c.LITERAL, flat[k][1]) for k in range(i, j))
            if j - i > best_len:
                best_start, best_len, best_folded = i, j - i, folded
            i = j
        else:
            i += 1
    if best_start < 0:
        best_start = next((k for k, item in enumerate(flat) if item[0] is c.BRANCH), -1)
        best_folded = True
    if best_start < 0:
        return None
    # A run with case-insensitive letters leads a literal prefix only in the lower-cased text.
    lowered = best_folded
    parts: list[str] = []
    folds = lowered
    for op, av, item_ci in flat[best_start:]:
        piece = _serialize(op, av, item_ci, lowered)
        if piece is None:
            break  # a back-reference or the like: the skeleton ends before it
        if not lowered and item_ci and _cased(op, av):
            piece = "(?i:" + piece + ")"
            folds = True
        parts.append(piece)
    try:
        pattern = re.compile("".join(parts))
    except re.error:
        return None
    if pattern.match("") is not None:
        return None  # matches everywhere: no use
    return Skeleton(pattern, lowered, folds)


def _cased(op: Any, av: Any) -> bool:
    """Does case matter to this parsed item (a cased character anywhere in it)?"""
    c = _sre()
    if op in (c.LITERAL, c.NOT_LITERAL):
        return chr(av).lower() != chr(av).upper()
    if op is c.RANGE:
        low, high = av
        return high - low > 512 or any(chr(k).lower() != chr(k).upper() for k in range(low, high + 1))
    return any(_cased(sub_op, sub_av) for sub_op, sub_av in _children(op, av))


def _children(op: Any, av: Any) -> list[tuple[Any, Any]]:
    """The (op, av) items nested in one parsed item."""
    c = _sre()
    if op is c.IN:
        return list(av)
    if op is c.BRANCH:
        return [item for alt in av[1] for item in alt]
    if op is c.SUBPATTERN:
        return list(av[3])
    if op in _repeat_ops(c):
        return list(av[2])
    if op in (c.ASSERT, c.ASSERT_NOT):
        return list(av[1])
    if op is getattr(c, "ATOMIC_GROUP", None):
        return list(av)
    return []


def _char(code: int) -> str:
    ch = chr(code)
    return ch if ch.isascii() and ch.isalnum() else f"\\U{code:08x}"


_ANY = "(?s:.)"


def _serialize(op: Any, av: Any, ci: bool, lowered: bool) -> str | None:
    """One parsed item back to stdlib syntax, widened where needed: zero-width assertions
    become nothing, lazy and possessive repeats greedy, `.` any character. For the
    lower-cased text (`lowered`), what an item matches is mapped through lower(): literals
    lower-cased, classes with cased members case-insensitive (negated ones: any character).
    None: cannot (a back-reference, a conditional)."""
    import re

    c = _sre()
    if op is c.LITERAL:
        return _char(ord(chr(av).lower())) if lowered else _char(av)
    if op is c.NOT_LITERAL:
        return _ANY if lowered and _cased(op, av) else "[^" + _char(av) + "]"
    if op is c.ANY:
        return _ANY
    if op is c.IN:
        body = _serialize_class(av)
        if body is None or not (lowered and _cased(op, av)):
            return body
        return _ANY if av and av[0][0] is c.NEGATE else "(?i:" + body + ")"
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return ""
    if op in _repeat_ops(c):
        low, high, sub = av
        inner = _serialize_seq(list(sub), ci, lowered)
        if inner is None:
            return None
        upper = "" if high == c.MAXREPEAT else str(high)
        return f"(?:{inner}){{{low},{upper}}}"
    if op is c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        inner_ci = _scoped_ci(ci, add_flags, del_flags, re.IGNORECASE)
        inner = _serialize_seq(list(sub), inner_ci, lowered)
        if inner is None:
            return None
        if lowered or inner_ci == ci:
            return "(?:" + inner + ")"
        return ("(?i:" if inner_ci else "(?-i:") + inner + ")"
    if op is getattr(c, "ATOMIC_GROUP", None):
        inner = _serialize_seq(list(av), ci, lowered)
        return None if inner is None else "(?:" + inner + ")"
    if op is c.BRANCH:
        alternatives = [_serialize_seq(list(alt), ci, lowered) for alt in av[1]]
        if any(a is None for a in alternatives):
            return None
        return "(?:" + "|".join(a for a in alternatives if a is not None) + ")"
    return None


def _serialize_seq(items: list[Any], ci: bool, lowered: bool) -> str | None:
    parts = []
    for op, av in items:
        piece = _serialize(op, av, ci, lowered)
        if piece is None:
            return None
        parts.append(piece)
    return "".join(parts)


def _serialize_class(items: list[Any]) -> str | None:
    c = _sre()
    categories = {c.CATEGORY_DIGIT: "\\d", c.CATEGORY_NOT_DIGIT: "\\D", c.CATEGORY_SPACE: "\\s",
                  c.CATEGORY_NOT_SPACE: "\\S", c.CATEGORY_WORD: "\\w", c.CATEGORY_NOT_WORD: "\\W"}
    out = ["["]
    for op, av in items:
        if op is c.NEGATE:
            out.append("^")
        elif op is c.LITERAL:
            out.append(_char(av))
        elif op is c.RANGE:
            out.append(_char(av[0]) + "-" + _char(av[1]))
        elif op is c.CATEGORY and av in categories:
            out.append(categories[av])
        else:
            return None
    out.append("]")
    return "".join(out)


def skeleton_lines(text: str, skeleton: re.Pattern[str], limit: int) -> list[tuple[int, int]] | None:
    """[start, end) of the lines the skeleton's matches touch, in order; None past `limit`."""
    spans: list[tuple[int, int]] = []
    for m in skeleton.finditer(text):
        if len(spans) >= limit:
            return None
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        if end < 0:
            end = len(text)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def lines_with(hay: str, literal: str, limit: int) -> list[tuple[int, int]] | None:
    """[start, end) of each line of hay holding literal, in order; None past `limit` lines."""
    spans: list[tuple[int, int]] = []
    pos = hay.find(literal)
    while pos >= 0:
        if len(spans) >= limit:
            return None
        start = hay.rfind("\n", 0, pos) + 1
        end = hay.find("\n", pos + len(literal))
        if end < 0:
            end = len(hay)
        spans.append((start, end))
        pos = hay.find(literal, end)
    return spans


def keep_within(positions: list[int], spans: list[tuple[int, int]]) -> list[int]:
    from bisect import bisect_left, bisect_right

    kept: list[int] = []
    for start, end in spans:
        kept.extend(positions[bisect_left(positions, start):bisect_right(positions, end)])
    return kept
