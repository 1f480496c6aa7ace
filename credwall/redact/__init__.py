"""`credwall redact`: a streaming filter that replaces secrets with `[REDACTED:rule-id]`.

Everything the rules find (the shared matcher), plus what logs carry outside any rule's
keywords: `Authorization:` values, `Bearer` tokens, `Cookie`/`Set-Cookie` values, JWTs,
`password=`-style key-values, private-key blocks and, on request, e-mail addresses and IP
addresses. Every other byte is written back unchanged: the output is the input's own bytes with
the secret spans cut out, never a re-encoding, so invalid UTF-8, NULs and CRLF pass through as
they came.

Unlike `credwall scan`, redaction ignores inline allow markers: a log line can carry text an
attacker controls, and `credwall:allow` in a user agent must not unmask the header beside it.

The modules, one job each:
  finders    the log finders (headers, cookies, JWTs, key=values, key blocks, e-mails, IPs)
  prefilter  pre-checks for hot rules, read off their regexes (`analyse`)
  redactor   `Redactor`: the spans to redact in one text, and applying them to bytes
  stream     chunks with context, the process pool, Output, files and in-place rewriting
  cli        `redact_main`: arguments, summary line, exit codes
"""

from __future__ import annotations

from .cli import redact_main
from .prefilter import analyse
from .redactor import LABEL, Redactor, Span, apply_edits
from .stream import CHUNK_BYTES, CONTEXT_BYTES, Output, Stats, redact_file, redact_in_place, redact_stream

__all__ = ["CHUNK_BYTES", "CONTEXT_BYTES", "LABEL", "Output", "Redactor", "Span", "Stats", "analyse",
           "apply_edits", "redact_file", "redact_in_place", "redact_main", "redact_stream"]
