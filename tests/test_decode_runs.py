"""Binary content's printable runs (engine/decode.py) are found on a class-translated copy of the
bytes; they must be exactly the runs the plain class patterns find on the bytes themselves."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from credwall.engine.decode import binary_views

# The definitions the fast patterns must agree with, run by run.
ASCII_RUN = re.compile(rb"[\t\n\r\x1b\x20-\x7e]{8,}")
UTF16LE_RUN = re.compile(rb"(?:[\t\n\r\x20-\x7e]\x00){8,}")
UTF16BE_RUN = re.compile(rb"(?:\x00[\t\n\r\x20-\x7e]){8,}")


def reference_views(data: bytes) -> list[tuple[str, str]]:
    views = []
    for pattern, width, shift, name in ((ASCII_RUN, 1, 0, "printable runs"), (UTF16LE_RUN, 2, 0, "utf-16le runs"),
                                        (UTF16BE_RUN, 2, 1, "utf-16be runs")):
        runs = [m.group() if width == 1 else m.group()[shift::2] for m in pattern.finditer(data)]
        if runs:
            views.append((name, "\n".join(r.decode("ascii") for r in runs)))
    return views


# Bytes that make runs and break them: printable ASCII, NUL, ESC, line breaks, high bytes.
pieces = st.lists(st.sampled_from([b"a", b"Z", b"7", b" ", b"\x00", b"\x1b", b"\n", b"\t", b"\xff", b"\x80", b"\x01",
                                   b"t\x00o\x00k\x00e\x00n\x00", b"\x00k\x00e\x00y\x00s", b"secret=abc"]),
                  max_size=80).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(pieces)
def test_runs_are_those_of_the_class_patterns(data: bytes) -> None:
    got = [(v.name, v.text) for v in binary_views(data)]
    assert got == reference_views(data)


def test_runs_are_located_at_their_bytes() -> None:
    data = b"\x00\x01" + "tok=abcdef12".encode("utf-16-le") + b"\xff\n\x00" + b"plain_text_run"
    views = {v.name: v for v in binary_views(data)}
    assert views["utf-16le runs"].text == "tok=abcdef12"
    assert views["utf-16le runs"].locate(0) == (1, 3)  # byte 2: line 1, column 3
    assert views["printable runs"].text == "plain_text_run"
    assert views["printable runs"].locate(0) == (2, 2)  # after the NUL that follows the line break
