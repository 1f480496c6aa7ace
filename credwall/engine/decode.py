"""Bytes to text, never losing a token to an odd byte.

- UTF-8 is the default; invalid bytes are decoded lossily (and counted), never skipped.
- A byte-order mark means something only at the start of a file. There the content is decoded
  by it, and the same bytes are also read as UTF-8 (a second view), so `FF FE` followed by
  ASCII, which UTF-16 turns into garbage, cannot hide a token.
- Content with a NUL byte in its first 8 KiB is binary: it has no text of its own, but its
  printable runs are read the way strings(1) does — ASCII runs and UTF-16LE/BE runs — so a token
  in a text file with one NUL, in UTF-16 without a BOM, or appended to an image is still found.

A view is an extra text to match, with a way back to the file's line and column.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from typing import Callable, NamedTuple

_SNIFF_BYTES = 8192
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_MIN_RUN = 8  # shortest printable run worth matching: shorter than every credential format
# The runs are found in a copy of the data with each byte replaced by its class (bytes.translate,
# one table lookup a byte), so that every pattern starts with a literal that `re` skips ahead to:
# 6-14x faster than the class patterns on the data itself ([\t\n\r\x1b\x20-\x7e]{8,} for ASCII —
# ESC, so terminal colours stay blankable —, (?:[\t\n\r\x20-\x7e]\x00){8,} for UTF-16LE and
# (?:\x00[\t\n\r\x20-\x7e]){8,} for UTF-16BE), with the same matches at the same offsets.
_PRINTABLE = b"\t\n\r" + bytes(range(0x20, 0x7F))
_ASCII_CLASSES = bytes(65 if b in _PRINTABLE or b == 0x1B else 88 for b in range(256))  # A / X
_UTF16_CLASSES = bytes(80 if b in _PRINTABLE else 90 if b == 0 else 88 for b in range(256))  # P / Z / X
_ASCII_RUN = re.compile(b"A" * _MIN_RUN + b"A*")
_UTF16LE_RUN = re.compile(b"PZ" * _MIN_RUN + b"(?:PZ)*")
_UTF16BE_RUN = re.compile(b"ZP" * _MIN_RUN + b"(?:ZP)*")

Locate = Callable[[int], "tuple[int, int]"]  # offset in the view -> (line, column) in the file


class View(NamedTuple):
    text: str
    locate: Locate
    name: str  # what the summary says was read this way: "utf-8 beside the BOM", "printable runs"


class Decoded(NamedTuple):
    text: str | None  # None when the content is binary
    note: str | None = None  # "binary", "utf-16", "lossy" … said in the summary
    views: tuple[View, ...] = ()  # more text to match (see the module docstring)


def decode(data: bytes, at_start: bool = True) -> Decoded:
    """The text of a file's bytes. `at_start`: data begins at the file's first byte (False for a
    hunk from the middle of a file, where a BOM-looking pair of bytes is just two bytes)."""
    if at_start:
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                raw = View(*_utf8_view(data), name="utf-8 beside the BOM")
                if encoding == "utf-8-sig":
                    try:
                        return Decoded(data.decode(encoding))
                    except UnicodeDecodeError:
                        return Decoded(data.decode(encoding, "replace"), "utf-8 lossy")
                try:
                    return Decoded(data.decode(encoding), encoding, (raw,))
                except UnicodeDecodeError:
                    return Decoded(data.decode(encoding, "replace"), f"{encoding} lossy", (raw,))
    if b"\0" in data[:_SNIFF_BYTES]:
        return Decoded(None, "binary (printable runs read)", binary_views(data))
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        return Decoded(data.decode("utf-8", "replace"), "lossy")


def _utf8_view(data: bytes) -> tuple[str, Locate]:
    from .findings import LineIndex

    text = data.decode("utf-8", "replace")
    return text, LineIndex(text).locate


def binary_views(data: bytes) -> tuple[View, ...]:
    """Printable ASCII runs, and UTF-16LE / UTF-16BE runs, each as one view whose runs are
    joined by newlines and located back at their bytes in the file."""
    def view(pattern: re.Pattern[bytes], classes: bytes, width: int, shift: int, name: str) -> View | None:
        starts: list[int] = []  # view offset where each run starts
        origins: list[int] = []  # its byte offset in the data
        pieces: list[str] = []
        offset = 0
        for m in pattern.finditer(classes):
            chunk = data[m.start():m.end()]
            text = chunk.decode("ascii") if width == 1 else chunk[shift::2].decode("ascii")
            starts.append(offset)
            origins.append(m.start() + shift)
            pieces.append(text)
            offset += len(text) + 1
        if not pieces:
            return None

        def locate(position: int) -> tuple[int, int]:
            run = bisect_right(starts, position) - 1
            byte = origins[run] + (position - starts[run]) * width
            # Counted on demand: findings are few, and a large binary holds many newline bytes.
            return data.count(b"\n", 0, byte) + 1, byte - (data.rfind(b"\n", 0, byte) + 1) + 1
        return View("\n".join(pieces), locate, name)

    ascii_classes, utf16_classes = data.translate(_ASCII_CLASSES), data.translate(_UTF16_CLASSES)
    found = (view(_ASCII_RUN, ascii_classes, 1, 0, "printable runs"),
             view(_UTF16LE_RUN, utf16_classes, 2, 0, "utf-16le runs"),
             view(_UTF16BE_RUN, utf16_classes, 2, 1, "utf-16be runs"))
    return tuple(v for v in found if v is not None)
