"""Env files: a committed `.env` (any `.env.*` but a template) and env templates
(`.env.example`) that hold real-looking values.

Every KEY=value entry is judged: a credential-named key with a literal value, or a
random-looking value under a key that does not name an identifier, is a credential
(`env-file-value`; in a template `env-template-real-value`); provider rules found in a value
get the key and the advice. A committed `.env` with no credential-looking value is still
reported once, for the file (`env-file-committed`): it will hold one, and it belongs in
`.gitignore` with a placeholder-only `.env.example` committed instead.
"""

from __future__ import annotations

from .dotenv import parse
from .values import credential_value, line_starts, offset, untrack

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.analysis import Analysis

_TEMPLATE_ADVICE = ("templates must hold placeholders only; replace the value with a placeholder or a ${VAR} "
                    "reference, and rotate the credential")


def analyse(a: Analysis) -> None:
    template = a.kind == "env-template"
    if a.text is None:
        if template:
            a.error("not a text file (binary content): cannot check that the template holds placeholders only")
        else:
            a.add_file("env-file-committed", "committed env file (binary content): "
                       + untrack(a.path, "rotate the credentials it held"))
        return
    text = a.text
    starts = line_starts(text)
    noun = f"env template {a.name}" if template else "committed env file"
    a.default_suffix = f", in {noun}: " + (_TEMPLATE_ADVICE if template else untrack(a.path, "rotate the credential"))
    generic = [(m.start, m.end) for m in a.matches if m.rule.generic]
    for entry in parse(text).entries:
        start = starts[entry.line - 1]
        end = starts[entry.end_line] if entry.end_line < len(starts) else len(text)
        advice = _TEMPLATE_ADVICE if template else untrack(a.path, f"rotate {entry.key}")
        a.region(start, end, f", in {entry.key} of {noun}: {advice}")
        generic_here = any(s < end and start < e for s, e in generic)
        if not (credential_value(entry.key, entry.value) or generic_here):
            continue
        value_start = offset(starts, entry.line, entry.column)
        value_end = value_start + len(entry.value) if entry.line == entry.end_line else end
        if template:
            a.add("env-template-real-value", value_start, value_end, entry.value,
                  f"{entry.key} in env template {a.name} holds a real-looking value: templates must hold "
                  f"placeholders only; write an empty value, a placeholder or a ${{VAR}} reference, "
                  f"and rotate the credential if it was real")
        else:
            what = "literal credential" if _credential_key(entry.key) else "credential-looking value"
            a.add("env-file-value", value_start, value_end, entry.value,
                  f"{what} in {entry.key} in committed env file: {untrack(a.path, f'rotate {entry.key}')}")
    if not template:
        a.add_file("env-file-committed", "committed env file (no credential-looking value in it yet): "
                   + untrack(a.path, "commit a placeholder-only .env.example instead"), fallback=True)


def _credential_key(key: str) -> bool:
    from ..engine.filters import credential_key

    return credential_key(key)
