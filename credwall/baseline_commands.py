"""The `credwall baseline` commands: create and update a baseline by scanning the tree it sits
in with the rules in force (the same engine as every scan), and import a detect-secrets one.
The format and matching live in credwall.baseline."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .config import CONFIG_FILE
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


def _same_file(a: str | None, b: str) -> bool:
    return a is not None and os.path.abspath(a) == os.path.abspath(b)


def config_line(config: Config, path: str) -> tuple[str, str]:
    """(the file that should name the baseline, the line to put there): the config in force,
    else a new .credwall.toml beside the baseline's tree root."""
    target = config.file or os.path.join(config.root, CONFIG_FILE)
    rel = os.path.relpath(os.path.abspath(path), os.path.dirname(os.path.abspath(target))).replace(os.sep, "/")
    return target, f'baseline = "{rel}"'


def config_advice(config: Config, path: str, write: bool) -> str | None:
    """After `baseline create`: a baseline the configuration does not name is used by nothing,
    so say the exact line to add, or (`write`, the user's consent) add it. None when the
    configuration already names this file."""
    if _same_file(config.baseline, path):
        return None
    target, line = config_line(config, path)
    shown = os.path.relpath(target)
    if write:
        write_config_key(target, line)
        from .config import load_config

        if not _same_file(load_config(target).baseline, path):  # what every scan will read back
            raise BaselineError(f"{shown}: wrote `{line}` but the configuration does not name {path}")
        return f"wrote `{line}` to {shown}: scans and hooks now use this baseline"
    where = shown if os.path.basename(target) == CONFIG_FILE else f"{shown} under [tool.credwall]"
    now = f" (it names {os.path.relpath(config.baseline)} now)" if config.baseline else ""
    return (f"note: no scan uses this baseline until the configuration names it{now}: add `{line}` to {where}, "
            f"or run `credwall baseline create --write-config`")


def write_config_key(target: str, line: str) -> None:
    """Set `baseline` in a config file, changing only that line: replaced where the credwall
    table has one, else added at the table's top (a `.credwall.toml`'s top level, or right
    under `[tool.credwall]`); a missing `.credwall.toml` is created."""
    import re

    try:
        with open(target, encoding="utf-8") as fh:
            lines = fh.read().splitlines(keepends=True)
    except FileNotFoundError:
        lines = []
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{target}: cannot read: {exc}") from None
    header = re.compile(r"^\s*\[")
    ours = re.compile(r"^\s*\[tool\.credwall\]\s*(#.*)?$")
    start = next((i + 1 for i, text in enumerate(lines) if ours.match(text)), None)
    if start is None:
        if os.path.basename(target) != CONFIG_FILE:
            lines += ["\n" if lines and lines[-1].strip() else "", "[tool.credwall]\n"]
            lines = [text for text in lines if text]
            start = len(lines)
        else:
            start = 0
    # The table's keys end at the next table header (a .credwall.toml's top-level keys, at its first).
    end = next((i for i in range(start, len(lines)) if header.match(lines[i])), len(lines))
    existing = next((i for i in range(start, end) if re.match(r"^\s*baseline\s*=", lines[i])), None)
    if existing is not None:
        lines[existing] = line + "\n"
    else:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        at = start if start else end if end < len(lines) else len(lines)
        lines.insert(at, line + "\n")
    data = "".join(lines)
    tmp = f"{target}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except OSError as exc:
        raise BaselineError(f"{target}: cannot write: {exc.strerror or exc}") from None


def import_into(source: str, path: str) -> str:
    """`baseline import`: a detect-secrets baseline's entries into ours (created or extended)."""
    imported = import_detect_secrets(source, root=os.path.dirname(os.path.abspath(path)))
    combined = load_baseline(path).combined(imported) if os.path.isfile(path) else imported
    write_baseline(combined, path)
    return f"imported {len(imported.entries)} detect-secrets entries"
