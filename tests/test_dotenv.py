"""credwall.analysers.dotenv: the loose, never-executing dotenv parser the env-files hook reads with."""

from __future__ import annotations

import pytest

from credwall.analysers.dotenv import Entry, parse
from tests import tokens


def values(text: str) -> dict[str, str]:
    return {e.key: e.value for e in parse(text).entries}


def test_assignment_forms() -> None:
    text = "A=1\nexport B=two\nC = three\nD: four\nE=\n'F'=six\n"
    assert values(text) == {"A": "1", "B": "two", "C": "three", "D": "four", "E": "", "F": "six"}
    exported = {e.key: e.exported for e in parse(text).entries}
    assert exported["B"] is True and exported["A"] is False


def test_quotes_and_escapes() -> None:
    text = ("S='single $HOME \\n raw'\n"
            'D="line\\nnext \\"quoted\\" \\\\ tab\\t end"\n'
            "B=`back tick`\n"
            'U="unknown \\q escape"\n')
    got = values(text)
    assert got["S"] == "single $HOME \\n raw"  # no escapes, no expansion in single quotes
    assert got["D"] == 'line\nnext "quoted" \\ tab\t end'
    assert got["B"] == "back tick"
    assert got["U"] == "unknown \\q escape"
    assert [e.quote for e in parse(text).entries] == ["'", '"', "`", '"']


def test_nothing_is_expanded_or_executed() -> None:
    text = "A=${HOME}\nB=$(rm -rf /)\nC=\"${A}-$B\"\nD=`whoami`\n"
    assert values(text) == {"A": "${HOME}", "B": "$(rm -rf /)", "C": "${A}-$B", "D": "whoami"}


def test_comments() -> None:
    text = "# heading\n  # indented\nA=value # trailing note\nB=abc#def\nC=#abc\nD= # only a note\nE=\"x # y\" # note\n"
    assert values(text) == {"A": "value", "B": "abc#def", "C": "#abc", "D": "", "E": "x # y"}


def test_line_numbers_and_columns_of_keys_and_values() -> None:
    text = "\n# c\nexport TOKEN=abc\n\n  KEY = \"quoted\"\n"
    entries = parse(text).entries
    assert entries == [
        Entry("TOKEN", "abc", 3, 14, 3, "", True),
        Entry("KEY", "quoted", 5, 10, 5, '"', False),
    ]


def test_multiline_pem_value_keeps_line_numbers() -> None:
    pem = tokens.pem_private_key()
    body_lines = pem.count("\n")
    text = f"FIRST=1\nTLS_KEY=\"{pem}\"\nAFTER=2\n"
    entries = parse(text).entries
    assert [(e.key, e.line, e.end_line) for e in entries] == [
        ("FIRST", 1, 1), ("TLS_KEY", 2, 2 + body_lines), ("AFTER", 3 + body_lines, 3 + body_lines)]
    assert entries[1].value == pem
    assert parse(text).malformed == []


def test_single_quoted_multiline_value() -> None:
    text = "K='a\nb'\nL=c\n"
    assert values(text) == {"K": "a\nb", "L": "c"}
    assert parse(text).entries[1].line == 3


def test_crlf() -> None:
    text = "A=1\r\nB=\"two\"\r\nC=\"multi\r\nline\"\r\nD=4 # c\r\n"
    entries = parse(text).entries
    assert {e.key: e.value for e in entries} == {"A": "1", "B": "two", "C": "multi\nline", "D": "4"}
    assert [e.line for e in entries] == [1, 2, 3, 5]


def test_byte_order_mark_and_blank_lines() -> None:
    assert values("\ufeffA=1\n\n   \n\t\nB=2") == {"A": "1", "B": "2"}


def test_malformed_lines_are_skipped_and_recorded() -> None:
    text = "A=1\nsource .env.local\nuse nix\n==\nexport\nB=2\nhttp://host/x\n"
    parsed = parse(text)
    assert {e.key: e.value for e in parsed.entries} == {"A": "1", "B": "2"}
    assert parsed.malformed == [2, 3, 4, 5, 7]


def test_unterminated_quote_does_not_swallow_the_file() -> None:
    text = 'A="open\nB=2\nC="three"\nD=\'x\n# it\'s\nE=5\n'
    got = values(text)
    assert got == {"A": "open", "B": "2", "C": "three", "D": "x", "E": "5"}
    assert [e.line for e in parse(text).entries] == [1, 2, 3, 4, 6]


def test_repeated_keys_are_all_kept() -> None:
    assert [e.value for e in parse("A=1\nA=2\n").entries] == ["1", "2"]


@pytest.mark.parametrize("text", ["", "\n", "=", "'", '"', "A=\"", "A='", "A=`", "export ", "\\", "A=\"\\",
                                  "\x00\x01", "K=\ufffd\ufffd", "A:b", "A:"])
def test_odd_input_never_raises(text: str) -> None:
    parsed = parse(text)
    assert all(isinstance(e.value, str) for e in parsed.entries)


def test_yaml_colon_needs_a_blank_after_it() -> None:
    # `KEY: value` is YAML-ish; `scheme://…` and `a:b` are not assignments.
    assert values("KEY: v\nA:b\nURL: https://x.org/a\n") == {"KEY": "v", "URL": "https://x.org/a"}
