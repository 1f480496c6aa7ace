"""Kubernetes Secret manifests: a committed `kind: Secret` carries its values in `stringData`
as plain text and in `data` as base64, which no pattern rule can read. Each `data` value is
decoded (at most 64 KiB) and matched like text, the findings placed on the encoded characters
that hold them; a value that is still a literal credential after decoding (not empty, a
placeholder or a reference) is reported as `kubernetes-secret-data`. A SealedSecret's
`encryptedData` is ciphertext meant to be committed and passes."""

from __future__ import annotations

import base64
import binascii

from ..engine.filters import literal_value_reason
from .structured import StructureError, dotted, load_yaml
from .values import value_span

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..engine.analysis import Analysis
    from .structured import Leaf

_MAX_DECODED = 64 * 1024
_ADVICE = ("a committed Secret is readable by anyone with the repository: keep it out of git (External Secrets, "
           "Sealed Secrets, SOPS, a CI-injected Secret) and rotate the value")


def analyse(a: Analysis) -> None:
    if a.text is None:
        return
    try:
        documents, leaves = load_yaml(a.text, every_document=True)
    except StructureError:
        return  # a Helm template or other templated YAML: its raw text has been matched
    secrets = {i for i, doc in enumerate(documents) if _is_secret(doc)}
    sealed = {i for i, doc in enumerate(documents) if isinstance(doc, dict) and doc.get("kind") == "SealedSecret"}
    for leaf in leaves:
        if not leaf.path:
            continue
        if leaf.path[0] in sealed and "encryptedData" in leaf.path:
            _not_text(a, leaf)  # ciphertext, meant to be committed
        elif leaf.path[0] in secrets and len(leaf.path) == 3:
            if leaf.path[1] == "data":
                _not_text(a, leaf)  # base64: what it means is judged decoded
                _encoded(a, leaf)
            elif leaf.path[1] == "stringData":
                _plain(a, leaf, leaf.value)


def _not_text(a: Analysis, leaf: Leaf) -> None:
    """Generic keyword rules read an encoded value as if it were the password itself: drop their
    matches on it (provider formats, such as base64 PEM keys, stay)."""
    a.matches = [m for m in a.matches if m.rule.id and not (m.rule.generic and leaf.start <= m.start < leaf.end)]


def _is_secret(doc: Any) -> bool:
    return isinstance(doc, dict) and doc.get("kind") == "Secret" and str(doc.get("apiVersion", "v1")).startswith("v1")


def _encoded(a: Analysis, leaf: Leaf) -> None:
    raw = "".join(leaf.value.split())
    if not raw or len(raw) > _MAX_DECODED * 4 // 3 + 4:
        return
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        return  # not base64: the raw value was matched as text
    value = data.decode("utf-8", "replace")
    start, end = value_span(a.text or "", leaf.start, leaf.end, leaf.value.strip())
    a.matches.extend(a.scan_value(value, start, end, lambda i: min(start + (i // 3) * 4, end)))
    _plain(a, leaf, value, span=(start, end), encoded=True)


def _plain(a: Analysis, leaf: Leaf, value: str, span: tuple[int, int] | None = None, encoded: bool = False) -> None:
    """A value the Secret holds: reported unless empty, a placeholder, a reference or not
    credential-shaped (a URL or a key block is left to the pattern rules, which read it)."""
    literal = value.strip()
    if literal_value_reason(literal) is not None:
        return
    start, end = span or value_span(a.text or "", leaf.start, leaf.end, literal)
    how = "base64 of " if encoded else ""
    a.add("kubernetes-secret-data", start, end, literal,
          f"{dotted(leaf.path[1:])} of a committed Kubernetes Secret holds {how}a literal value: {_ADVICE}")
