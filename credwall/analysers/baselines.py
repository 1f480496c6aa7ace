"""Secret scanners' baselines (`.credwall-baseline.jsonl`, detect-secrets' `.secrets.baseline`,
`.gitleaksignore`): records of known findings that hold hashes, never secrets. The hashes are
shaped enough like keys to trip generic rules, so a hex value in a hash field (`fingerprint`,
`hashed_secret`, `sha1`) is not reported; everything else in the file is judged like any text,
so a secret written into a baseline is still found."""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.analysis import Analysis

_HASH_FIELD = re.compile(r'"(?:fingerprint|hashed_secret|sha1|sha256|secret_hash)"\s*:\s*"(?P<hash>[0-9a-f]{40}|[0-9a-f]{64})"')


def analyse(a: Analysis) -> None:
    if a.text is None:
        return
    hashes = {(m.start("hash"), m.end("hash")) for m in _HASH_FIELD.finditer(a.text)}
    a.matches = [m for m in a.matches if not any(s <= m.start and m.end <= e for s, e in hashes)]
