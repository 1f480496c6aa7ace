"""JSON whose strings hide text behind escapes: Jupyter notebooks (cell sources and outputs as
JSON strings, `\\"` around every quoted value), JSON-in-JSON (an env value holding a service
account), API-client exports such as Postman collections and environments.

The pattern rules have already matched the raw text. Here every string whose raw form differs
from its value (it has escapes) is decoded and matched again, each match placed back at its own
characters in the file. Objects of the `{"key": K, "value": V}` shape (Postman variables and
headers, many API clients' exports) are judged like KEY=value: a credential-named key with a
literal value is reported (`json-key-value-credential`).
"""

from __future__ import annotations

from ..engine.filters import credential_key, literal_value_reason
from .structured import StructureError, dotted, load_json
from .values import value_span

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..engine.analysis import Analysis
    from .structured import Leaf

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", '"': '"', "\\": "\\", "/": "/"}


def analyse(a: Analysis) -> None:
    if a.text is None:
        return
    try:
        data, leaves = load_json(a.text)
    except StructureError as exc:
        if a.name.lower().endswith(".ipynb"):
            a.error(f"malformed JSON: {exc}")  # a notebook Jupyter cannot open is not one we checked
        return  # any other JSON-looking file: its raw text has been matched
    text = a.text
    for leaf in leaves:
        raw = text[leaf.start:leaf.end]
        if "\\" in raw and raw.startswith('"'):
            decoded, where = decode_json_string(raw)
            matches = a.scan_value(decoded, leaf.start, leaf.end, lambda i, w=where: leaf.start + w[i])
            a.matches.extend(matches)
    _key_value_pairs(a, data, leaves)


def decode_json_string(raw: str) -> tuple[str, list[int]]:
    """A JSON string literal (quotes included) decoded, and for each decoded character (and one
    past the end) its offset in `raw`."""
    out: list[str] = []
    where: list[int] = []
    i, n = 1, len(raw) - 1
    while i < n:
        ch = raw[i]
        if ch == "\\" and i + 1 < n:
            nxt = raw[i + 1]
            if nxt == "u" and i + 5 < len(raw):
                try:
                    out.append(chr(int(raw[i + 2:i + 6], 16)))
                except ValueError:
                    out.append(nxt)
                where.append(i)
                i += 6
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            where.append(i)
            i += 2
            continue
        out.append(ch)
        where.append(i)
        i += 1
    where.append(n)
    return "".join(out), where


def _key_value_pairs(a: Analysis, data: Any, leaves: list[Leaf]) -> None:
    """`{"key": "API_TOKEN", "value": "…"}` objects: the value judged under the key's name."""
    by_path = {leaf.path: leaf for leaf in leaves}
    for path, obj in _objects(data, ()):
        key, value = obj.get("key"), obj.get("value")
        if not isinstance(key, str) or not isinstance(value, str) or not credential_key(key):
            continue
        leaf = by_path.get(path + ("value",))
        if leaf is None or obj.get("disabled") is True:
            continue
        literal = value.strip()
        for scheme in ("Bearer ", "Basic ", "Token "):
            if literal.startswith(scheme):
                literal = literal[len(scheme):].strip()
        if literal_value_reason(literal) is not None:
            continue
        start, end = value_span(a.text or "", leaf.start, leaf.end, literal)
        a.add("json-key-value-credential", start, end, literal,
              f"{dotted(path)} holds a literal credential under {key!r}: keep it in the tool's secret "
              "store or an environment variable, and rotate it")


def _objects(value: Any, path: tuple[str | int, ...]):  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        yield path, value
        for key, child in value.items():
            yield from _objects(child, path + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _objects(child, path + (i,))
