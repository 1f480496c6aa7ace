"""Plain text: every file no other kind claims (source code, configs, docs, logs). Its findings
are the pattern rules' matches alone, which the pipeline computes for every kind of file, so
there is nothing to add here (the pipeline skips this call for speed)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.analysis import Analysis


def analyse(a: Analysis) -> None:
    """Nothing beyond the pattern rules."""
