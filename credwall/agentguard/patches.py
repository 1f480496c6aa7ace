"""Reading `apply_patch` (Codex's envelope) and unified diffs: the files they touch and the
lines they add, which is what a patch writes."""

from __future__ import annotations

import re


def patch_paths(patch: str) -> list[str]:
    """Every file the patch adds, updates, deletes or moves to."""
    paths = re.findall(r"(?m)^\*\*\* (?:Add|Update|Delete) File: (.+?)\s*$", patch)
    paths += re.findall(r"(?m)^\*\*\* Move to: (.+?)\s*$", patch)
    paths += re.findall(r"(?m)^\+\+\+ (?:b/)?(.+?)\s*$", patch)
    return [p for p in paths if p != "/dev/null"]


def patch_added_text(patch: str) -> str:
    """The lines an apply_patch (or unified diff) adds."""
    return "\n".join(line[1:] for line in patch.splitlines() if line.startswith("+") and not line.startswith("+++"))
