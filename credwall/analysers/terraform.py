"""Terraform: a `variable` block whose name says credential and whose `default` is a literal
(`variable "stripe_api_key" { default = "sk_live_…" }`) commits the credential with the module,
and pattern rules cannot tie the name (on one line) to the value (on another). Reported as
`terraform-variable-default`; `sensitive = true` does not help, it only hides the value from
plan output. Values elsewhere are left to the pattern rules."""

from __future__ import annotations

import re

from ..engine.filters import credential_key, literal_value_reason

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.analysis import Analysis

_VARIABLE = re.compile(r'(?m)^[ \t]*variable[ \t]+"(?P<name>[^"\n]+)"[ \t]*\{')
_DEFAULT = re.compile(r'(?m)^[ \t]*default[ \t]*=[ \t]*"(?P<value>(?:[^"\\\n]|\\.)*)"')


def analyse(a: Analysis) -> None:
    if a.text is None:
        return
    text = a.text
    for m in _VARIABLE.finditer(text):
        name = m.group("name")
        if not credential_key(name):
            continue
        body_end = _block_end(text, m.end())
        default = _DEFAULT.search(text, m.end(), body_end)
        if default is None:
            continue
        value = default.group("value")
        if literal_value_reason(value) is not None:
            continue
        a.add("terraform-variable-default", default.start("value"), default.end("value"), value,
              f'variable "{name}" has a literal default: pass it at apply time (TF_VAR_{name}, a secrets '
              "manager data source, or a CI secret) and leave the default out; rotate this one")


def _block_end(text: str, start: int) -> int:
    """The offset of the brace closing a block opened just before `start` (strings skipped)."""
    depth, i, n = 1, start, len(text)
    while i < n and depth:
        ch = text[i]
        if ch == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        i += 1
    return i
