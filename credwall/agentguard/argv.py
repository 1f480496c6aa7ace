"""Reading a command's arguments: its flags, its operands, and whether it is a given program
(`bin/rails`, `python manage.py`). Shared by every shell rule of the guard."""

from __future__ import annotations

import re
from typing import Iterable

from .shell import Command


def flag_set(args: Iterable[str]) -> set[str]:
    """Every flag, with combined short flags split: `-rf` → {-r, -f}, `--force=x` → --force."""
    out: set[str] = set()
    for a in args:
        if a.startswith("--"):
            out.add(a.split("=", 1)[0])
        elif a.startswith("-") and len(a) > 1 and not a[1:2].isdigit():
            out.add(a)
            out.update("-" + c for c in a[1:] if c.isalpha())
    return out


def operands(args: tuple[str, ...]) -> list[str]:
    """Non-option arguments (everything after `--` counts)."""
    out, after = [], False
    for a in args:
        if after:
            out.append(a)
        elif a == "--":
            after = True
        elif not (a.startswith("-") and len(a) > 1):
            out.append(a)
    return out


def components(text: str) -> list[str]:
    """The lower-case alphanumeric runs of text: `deploy:prod-eu` → [deploy, prod, eu]."""
    return [c for c in re.split(r"[^a-z0-9]+", text.lower()) if c]


def has_words(args: tuple[str, ...], needles: tuple[str, ...]) -> bool:
    """Is every needle one of the arguments (case-insensitive, in any order)?"""
    lowered = [a.lower() for a in args]
    return all(n.lower() in lowered for n in needles)


def program_matches(cmd: Command, prog: str) -> bool:
    """`rails db:drop`, `bin/rails db:drop`, `python manage.py flush`, `php artisan db:wipe`."""
    if cmd.name == prog:
        return True
    if prog in ("manage.py", "artisan", "django-admin") and cmd.name.startswith(("python", "php", "pypy")):
        ops = operands(cmd.args)
        return bool(ops) and ops[0].rsplit("/", 1)[-1] == prog
    if prog in ("rails", "rake") and cmd.name in ("bundle", "bin/rails"):
        return prog in cmd.args[:2]
    return False

