"""Bytes to text: BOM-aware, NUL-aware, never losing a token to an odd byte."""

from __future__ import annotations

import codecs
from typing import NamedTuple

_SNIFF_BYTES = 8192
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class Decoded(NamedTuple):
    text: str | None  # None when the content is not text
    note: str | None = None  # "binary", "utf-16", "lossy" … said in the summary


def decode(data: bytes) -> Decoded:
    """Text of a file's bytes: BOM-aware, NUL means binary, invalid UTF-8 is decoded lossily
    (and counted) rather than skipped, so a stray Latin-1 byte cannot hide a token."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), None if encoding == "utf-8-sig" else encoding)
            except UnicodeDecodeError:
                return Decoded(data.decode(encoding, "replace"), f"{encoding} lossy")
    if b"\0" in data[:_SNIFF_BYTES]:
        return Decoded(None, "binary")
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        return Decoded(data.decode("utf-8", "replace"), "lossy")
