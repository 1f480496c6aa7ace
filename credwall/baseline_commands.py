"""The `credwall baseline` commands: create and update a baseline by scanning the tree it sits
in with the rules in force (the same engine as every scan), and import a detect-secrets one.
The format and matching live in credwall.baseline."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .baseline import (DEFAULT_FILENAME, BaselineError, create_baseline, ensure_merge_union, import_detect_secrets,
                       load_baseline, update_baseline, write_baseline)

if TYPE_CHECKING:
    from .config import Config


def default_path(explicit: str | None, config: Config) -> str:
    """--file, else the config's `baseline`, else .credwall-baseline.jsonl beside the config."""
    return explicit or config.baseline or os.path.join(config.root, DEFAULT_FILENAME)


def record(config: Config, path: str, *, update: bool, jobs: int | None = None, skip_ignored: bool = True) -> str:
    """`baseline create` / `update`: scan the tree holding the baseline with the rules in force
    and write every finding (update keeps the old entries' reasons). Returns what changed."""
    from .engine.session import Engine
    from .scan import scan_paths
    from .sources import git

    root = os.path.dirname(os.path.abspath(path))
    old = None
    if update:
        if not os.path.isfile(path):
            raise BaselineError(f"{path}: no baseline to update; create it with `credwall baseline create {path}`")
        old = load_baseline(path)
    engine = Engine(config, old)
    result = scan_paths(engine.matcher, [root], jobs=jobs, excluded=config.excluder(),
                        max_bytes=config.max_file_bytes, skip_ignored=skip_ignored)
    from .config import apply_to_findings

    apply_to_findings(result, config)
    if old is None:
        new = create_baseline(result, root)
        message = f"wrote {len(new.entries)} entries"
    else:
        new, summary = update_baseline(old, result, result.sha1_hits)
        message = summary.describe()
    write_baseline(new, path)
    if git.toplevel(root) is not None and ensure_merge_union(path):
        message += "; added merge=union for it to .gitattributes (branches' baselines merge cleanly)"
    return message


def import_into(source: str, path: str) -> str:
    """`baseline import`: a detect-secrets baseline's entries into ours (created or extended)."""
    imported = import_detect_secrets(source, root=os.path.dirname(os.path.abspath(path)))
    combined = load_baseline(path).combined(imported) if os.path.isfile(path) else imported
    write_baseline(combined, path)
    return f"imported {len(imported.entries)} detect-secrets entries"
