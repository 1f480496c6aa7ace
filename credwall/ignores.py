"""Ignore rules for credential files: git's, and those of every AI coding tool the repository
shows signs of.

A `.env` that git ignores never reaches a commit; one that an agent's ignore mechanism covers
never reaches its context. `check_ignores` checks both, by matching rather than by reading the
files as text: each policy entry (`.env`, `.env.*`, `!.env.example`, `*.pem`, `*.key`,
`secrets/` by default) comes with sample paths (`.env.local`, `nested/.env`, …), and git's own
matcher (`git check-ignore --no-index`) says whether each is ignored. A pattern written as
`**/.env`, `.env*` or `/.env` is judged for what it does, not for how it is spelled.

- `.gitignore`: every sample of a plain entry must be ignored by a `.gitignore` (not only by
  `.git/info/exclude` or a global excludes file, which the team does not share), and every
  sample of a `!` entry must not be (`.env.example` stays tracked).
- AI tools, when the repository shows signs of one (`.cursor/`, `CLAUDE.md`, `GEMINI.md`,
  `.aider*`, …): its ignore file must exist and ignore every plain entry's samples. These files
  use gitignore syntax, so a scratch repository whose `core.excludesFile` is the tool's file
  judges them with git's semantics. Negations are not required there: hiding `.env.example`
  from an agent is harmless.
- Claude Code has no ignore file: `permissions.deny` `Read(...)` rules in the shared
  `.claude/settings.json` must cover the samples. Read rules follow gitignore semantics; they
  are translated to gitignore lines and judged the same way, reading them as conservatively as
  the documentation allows (`./x` and bare `x` anchored at the project root, `**/x` anywhere;
  `/x`, `//x` and `~/x` rules not counted, since their base differs between versions).

With `fix`, missing entries are appended (existing content and order kept, a missing file
created; JSON settings merged, never dropping a key, in the file's own indentation), and the
check runs again on the result. Nothing else is ever written, and nothing is written without
`fix`.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from typing import Any, Collection, Iterable, NamedTuple, Sequence, TextIO

from .sources import git

HOOK_ID = "credwall-ignores"
# The `[tool.credwall]` key holding the policy (a list of gitignore patterns) when one is set.
CONFIG_KEY = "ignore_patterns"
DEFAULT_PATTERNS = (".env", ".env.*", "!.env.example", "*.pem", "*.key", "secrets/")
GITIGNORE = ".gitignore"
CLAUDE_SETTINGS = ".claude/settings.json"
_HEADER = "# credwall-ignores: credentials stay out of {what}"
_MISSING = "the file does not exist"
_NESTED = "nested/"  # a subdirectory unlikely to be ignored for its own sake

# Samples for the default entries: real names, so messages read naturally.
_SAMPLES = {
    ".env": (".env", "nested/.env"),
    ".env.*": (".env.local", ".env.production", "nested/.env.local"),
    "!.env.example": (".env.example", "nested/.env.example"),
    "*.pem": ("server.pem", "nested/server.pem"),
    "*.key": ("server.key", "nested/server.key"),
    "secrets/": ("secrets/credentials.json", "nested/secrets/credentials.json"),
}


class Entry(NamedTuple):
    """One policy line and the paths that show whether a file obeys it."""

    pattern: str  # gitignore syntax, `!` first for "must stay tracked"
    samples: tuple[str, ...]

    @property
    def negated(self) -> bool:
        return self.pattern.startswith("!")


class Tool(NamedTuple):
    id: str
    name: str
    signals: tuple[str, ...]  # root entries whose presence says the tool is used (`*` globs)
    ignore_file: str | None  # the file the tool documents, created by --fix when missing
    kept_files: tuple[str, ...] = ()  # files some users keep: checked where they exist


TOOLS = (
    Tool("cursor", "Cursor", (".cursor", ".cursorrules", ".cursorignore", ".cursorindexingignore"), ".cursorignore"),
    # Windsurf documents .codeiumignore; a .windsurfignore some users write is checked too.
    Tool("windsurf", "Windsurf", (".windsurf", ".windsurfrules", ".codeium", ".codeiumignore", ".windsurfignore"),
         ".codeiumignore", (".windsurfignore",)),
    Tool("gemini", "Gemini CLI", (".gemini", "GEMINI.md", ".geminiignore"), ".geminiignore"),
    Tool("aider", "Aider", (".aider*",), ".aiderignore"),
    Tool("claude", "Claude Code", (".claude", "CLAUDE.md", "CLAUDE.local.md", ".claudeignore"), None, (".claudeignore",)),
    Tool("copilot", "GitHub Copilot", (".github/copilot-instructions.md", ".github/instructions", ".github/prompts",
                                       ".github/chatmodes", ".copilotignore"), None, (".copilotignore",)),
)
_COPILOT_NOTE = ("GitHub Copilot reads no ignore file from the repository: exclude the same paths under the "
                 "repository's Settings → Copilot → Content exclusion on GitHub")


class Problem(NamedTuple):
    file: str  # the file that should cover the path (it may not exist yet)
    path: str  # the sample path
    want: str  # "ignored", "tracked" (a `!` entry) or "denied" (a Claude Code Read rule)
    entry: str  # the policy entry the sample belongs to
    detail: str  # why, in git's words: "no pattern matches", "re-included by `.gitignore:7: !.env.local`"
    add: tuple[str, ...]  # what would fix it: lines for an ignore file, rules for settings
    fixable: bool  # appending `add` to `file` fixes it (False: another file decides)

    def message(self, paths: Sequence[str] = ()) -> str:
        """One line; `paths` names every sample that shares this problem (default: this one)."""
        paths = paths or (self.path,)
        shown = ", ".join(f"`{p}`" for p in paths)
        plural = len(paths) > 1
        state = {"ignored": "are not ignored" if plural else "is not ignored",
                 "tracked": f"{'are' if plural else 'is'} ignored but must stay tracked",
                 "denied": f"{'are' if plural else 'is'} readable by the agent"}[self.want]
        todo = f"add {', '.join(f'`{a}`' for a in self.add)}" if self.fixable else "edit that file by hand"
        return f"{self.file}: {shown} {state}: {self.detail}; {todo}"


class Change(NamedTuple):
    file: str
    added: tuple[str, ...]  # lines or rules
    created: bool


class Report(NamedTuple):
    root: str
    tools: tuple[str, ...]  # names of the AI tools the repository shows signs of
    checked: tuple[str, ...]  # files checked (relative to root)
    problems: tuple[Problem, ...]  # what is still wrong (after fixing, when fixing)
    changes: tuple[Change, ...]  # what --fix wrote
    errors: tuple[str, ...]  # files that could not be checked: the run fails closed
    notes: tuple[str, ...]
    # Problems in files the commit does not touch, left alone (see `check_ignores`'s `touched`):
    # said in a note, never a failure.
    deferred: tuple[Problem, ...] = ()

    @property
    def exit_code(self) -> int:
        """2 a file could not be checked, 1 problems remain or files were changed, 0 clean."""
        if self.errors:
            return 2
        return 1 if self.problems or self.changes else 0


# --- the policy ------------------------------------------------------------------------------

def parse_patterns(patterns: Iterable[str]) -> list[Entry]:
    """Policy entries with their sample paths; ValueError names a pattern that cannot be one
    (empty, a comment, several lines, a bare `!`)."""
    entries = []
    for pattern in patterns:
        if not isinstance(pattern, str) or not pattern.strip() or pattern.strip() != pattern:
            raise ValueError(f"ignore pattern {pattern!r}: must be a non-empty string without surrounding blanks")
        if pattern.startswith("#") or any(ch in pattern for ch in "\r\n\0") or pattern in ("!", "/", "!/"):
            raise ValueError(f"ignore pattern {pattern!r}: not a gitignore pattern")
        entries.append(Entry(pattern, _SAMPLES.get(pattern) or _derive_samples(pattern)))
    return entries


def patterns_from_config(config: Any) -> tuple[str, ...]:
    """The configured policy (`ignore_patterns` in `[tool.credwall]`), else the default one."""
    value = getattr(config, CONFIG_KEY, None) if config is not None else None
    return tuple(value) if value else DEFAULT_PATTERNS


def _derive_samples(pattern: str) -> tuple[str, ...]:
    """Concrete paths a pattern matches: globs filled in; unanchored patterns also one level
    down, since `.env` must be ignored in `app/` too."""
    body = pattern[1:] if pattern.startswith("!") else pattern
    directory = body.endswith("/")
    body = body.rstrip("/")
    anywhere = body.startswith("**/")
    body = re.sub(r"^(?:\*\*/)+", "", body)
    anchored = not anywhere and (body.startswith("/") or "/" in body)
    body = body.lstrip("/").replace("/**/", "/")
    # [abc] -> a; a negated class [!abc] -> _ (rarely in one)
    body = re.sub(r"\[([!^]?)([^]]+)\]", lambda m: "_" if m.group(1) else m.group(2)[0], body)
    body = body.replace("**", "sample").replace("*", "sample").replace("?", "x").replace("\\", "")
    if directory:
        body += "/credentials.json"
    return (body,) if anchored else (body, _NESTED + body)


def claude_rules(entry: Entry) -> tuple[str, ...]:
    """Claude Code `Read(...)` deny rules that cover an entry: at the root and at any depth."""
    body = entry.pattern.lstrip("!")
    anchored = body.startswith("/") or "/" in body.strip("/")
    directory = body.endswith("/")
    body = body.strip("/")
    if directory:
        body += "/**"
    rules = [f"Read(./{body})"]
    if not anchored and not body.startswith("**/"):
        rules.append(f"Read(./**/{body})")
    return tuple(rules)


def claude_deny_lines(deny: Iterable[Any]) -> list[str]:
    """gitignore lines equivalent to the `Read` rules of a deny list, read conservatively:
    `Read` alone denies everything; `./x` and bare `x` are anchored at the project root;
    rules starting `/`, `//`, `~` or `..` are not counted (their base is not the repository in
    every Claude Code version); Edit/Write rules do not stop reads."""
    lines = []
    for rule in deny:
        if not isinstance(rule, str):
            continue
        rule = rule.strip()
        if rule == "Read":
            lines.append("*")
            continue
        m = re.fullmatch(r"Read\((.*)\)", rule, re.DOTALL)
        if m is None:
            continue
        spec = m.group(1).strip()
        if not spec or "\n" in spec or spec.startswith(("/", "~", "..")):
            continue
        lines.append("/" + (spec[2:] if spec.startswith("./") else spec))
    return lines


# --- detection -------------------------------------------------------------------------------

def detect_tools(root: str) -> list[Tool]:
    """The AI coding tools whose files or folders exist at the repository root."""
    try:
        names = os.listdir(root)
    except OSError:
        return []
    found = []
    for tool in TOOLS:
        for signal in tool.signals:
            if "*" in signal:
                hit = any(fnmatch.fnmatchcase(name, signal) for name in names)
            else:
                hit = os.path.lexists(os.path.join(root, signal))
            if hit:
                found.append(tool)
                break
    return found


# --- checking --------------------------------------------------------------------------------

class _Scratch:
    """An empty repository that judges gitignore-syntax files other than .gitignore: its
    `core.excludesFile` is set to the file, and there is nothing else to match."""

    def __init__(self) -> None:
        self._dir: Any = None

    def verdicts(self, ignore_file: str, paths: Sequence[str]) -> dict[str, git.IgnoreVerdict]:
        if self._dir is None:
            import tempfile

            self._dir = tempfile.TemporaryDirectory(prefix="credwall-ignores-")
            git.init_scratch(os.path.join(self._dir.name, "repo"))
        repo = os.path.join(self._dir.name, "repo")
        return {v.path: v for v in git.check_ignore(repo, paths, excludes_file=os.path.abspath(ignore_file),
                                                    isolated=True)}

    def lines_verdicts(self, lines: Sequence[str], paths: Sequence[str]) -> dict[str, git.IgnoreVerdict]:
        """Verdicts of gitignore lines that exist only in memory (translated deny rules)."""
        self.verdicts(os.devnull, ())  # make sure the directory exists
        path = os.path.join(self._dir.name, "lines")
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write("".join(line + "\n" for line in lines))
        return self.verdicts(path, paths)

    def close(self) -> None:
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None


def _where(verdict: git.IgnoreVerdict, shown: str | None = None) -> str:
    return f"`{shown or verdict.source}:{verdict.line}: {verdict.pattern}`"


def _gitignore_problems(root: str, entries: list[Entry]) -> list[Problem]:
    pairs = [(e, s) for e in entries for s in e.samples]
    verdicts = {v.path: v for v in git.check_ignore(root, [s for _, s in pairs])}
    problems = []
    for entry, sample in pairs:
        v = verdicts.get(sample) or git.IgnoreVerdict(sample, "", 0, "")
        shared = os.path.basename(v.source) == GITIGNORE  # info/exclude is this clone's alone
        if entry.negated:
            if v.ignored and shared:
                problems.append(Problem(GITIGNORE, sample, "tracked", entry.pattern, f"ignored by {_where(v)}",
                                        (entry.pattern,), v.source == GITIGNORE))
            continue
        if v.ignored and shared:
            continue
        if not v.source:
            detail, fixable = "no pattern matches", True
        elif v.ignored:
            detail, fixable = f"ignored only by {_where(v)}, which is not shared", True
        else:
            detail, fixable = f"re-included by {_where(v)}", v.source in (GITIGNORE, "") or not shared
        problems.append(Problem(GITIGNORE, sample, "ignored", entry.pattern, detail, (entry.pattern,), fixable))
    return problems


def _file_problems(scratch: _Scratch, root: str, rel: str, entries: list[Entry]) -> list[Problem]:
    """An agent ignore file against the plain entries."""
    pairs = [(e, s) for e in entries if not e.negated for s in e.samples]
    samples = [s for _, s in pairs]
    path = os.path.join(root, rel)
    if os.path.isfile(path):
        verdicts = scratch.verdicts(path, samples)
    else:
        return [Problem(rel, s, "ignored", e.pattern, _MISSING, (e.pattern,), True) for e, s in pairs]
    problems = []
    for entry, sample in pairs:
        v = verdicts.get(sample)
        if v is not None and v.ignored:
            continue
        detail = f"re-included by {_where(v, rel)}" if v is not None and v.source else "no pattern matches"
        problems.append(Problem(rel, sample, "ignored", entry.pattern, detail, (entry.pattern,), True))
    return problems


class _SettingsError(Exception):
    pass


def _load_settings(text: str) -> dict[str, Any]:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in items]
        duplicated = {k for k in keys if keys.count(k) > 1}
        if duplicated:
            raise _SettingsError(f"duplicate key {sorted(duplicated)[0]!r}")
        return dict(items)

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except ValueError as exc:  # JSONDecodeError, and the BOM complaint
        raise _SettingsError(f"not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise _SettingsError("not a JSON object")
    permissions = data.get("permissions", {})
    if not isinstance(permissions, dict):
        raise _SettingsError("`permissions` is not an object")
    if not isinstance(permissions.get("deny", []), list):
        raise _SettingsError("`permissions.deny` is not a list")
    return data


def _deny_of(data: dict[str, Any] | None) -> list[Any]:
    return list(((data or {}).get("permissions") or {}).get("deny") or [])


def _claude_problems(scratch: _Scratch, entries: list[Entry], deny: list[Any]) -> list[Problem]:
    pairs = [(e, s) for e in entries if not e.negated for s in e.samples]
    verdicts = scratch.lines_verdicts(claude_deny_lines(deny), [s for _, s in pairs])
    present = {r.strip() for r in deny if isinstance(r, str)}
    problems = []
    for entry, sample in pairs:
        v = verdicts.get(sample)
        if v is not None and v.ignored:
            continue
        add = tuple(r for r in claude_rules(entry) if r not in present) or claude_rules(entry)
        problems.append(Problem(CLAUDE_SETTINGS, sample, "denied", entry.pattern,
                                "no `Read(...)` rule in permissions.deny matches", add, True))
    return problems


def _json_indent(text: str) -> int | str | None:
    """The indentation a JSON file is written with, as `json.dumps` takes it."""
    m = re.search(r"\n([ \t]+)[^ \t\r\n]", text)
    if m is not None:
        ws = m.group(1)
        return "\t" if ws.startswith("\t") else len(ws)
    return 0 if "\n" in text.strip() else None


def merge_deny_rules(text: str | None, rules: Sequence[str]) -> str:
    """The settings file with `rules` added to `permissions.deny` (created as needed): every
    other key and value kept in its order, the file's indentation, line ends and final newline
    kept. `text` None: a new file."""
    if text is None:
        return json.dumps({"permissions": {"deny": list(rules)}}, indent=2) + "\n"
    data = _load_settings(text)
    permissions = data.setdefault("permissions", {})
    deny = permissions.setdefault("deny", [])
    deny.extend(r for r in rules if r not in deny)
    out = json.dumps(data, indent=_json_indent(text), ensure_ascii=text.isascii())
    newline = "\r\n" if "\r\n" in text else "\n"
    if newline != "\n":
        out = out.replace("\n", newline)  # only structural newlines: in strings they are escaped
    if text.endswith("\n"):
        out += newline
    return out


# --- fixing ----------------------------------------------------------------------------------

def append_lines(path: str, lines: Sequence[str], what: str) -> bool:
    """Append lines to an ignore file, keeping its bytes and line ends; a header comment marks
    credwall's block the first time. Returns whether the file was created."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        created = False
    except FileNotFoundError:
        data, created = b"", True
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    header = _HEADER.format(what=what).encode()
    out = data
    if out and not out.endswith(b"\n"):
        out += newline
    if header not in data:
        if out.strip():
            out += newline
        out += header + newline
    out += b"".join(line.encode("utf-8") + newline for line in lines)
    if created:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(out)
    return created


def _to_add(problems: list[Problem], done: set[str]) -> list[str]:
    """Fixable problems' additions, each once, leaving out those already tried."""
    out: list[str] = []
    for p in problems:
        if p.fixable:
            out.extend(a for a in p.add if a not in out and a not in done)
    return out


# --- the check -------------------------------------------------------------------------------

def check_ignores(root: str, fix: bool = False, patterns: Sequence[str] = DEFAULT_PATTERNS,
                  touched: Collection[str] | None = None) -> Report:
    """Check (and with `fix`, repair) the ignore rules of the work tree holding `root`.

    `patterns` is the policy (gitignore syntax; `!` marks paths that must stay tracked).
    `touched` (the paths a commit changes, relative to the root): a fixer changes a file only
    when the commit touches what it fixes — `.gitignore` when the commit changes a
    `.gitignore` or a path the policy names (`.env.example`, `server.pem`), a tool's ignore file
    or Claude Code's settings when it changes that file or the tool's own files (`.cursor/…`,
    `CLAUDE.md`). Problems elsewhere are `deferred`: reported in a note, not fixed, not failed
    (an untracked `CLAUDE.md` must not rewrite `.claude/settings.json` on every commit).
    None: everything is in scope (`--fix`, a run with nothing staged, CI).
    Raises `git.GitError` outside a git work tree and ValueError for a bad pattern; a settings
    file that cannot be read is reported in `errors` (exit 2), not fixed."""
    top = git.toplevel(root)
    if top is None:
        raise git.GitError(f"{root}: not inside a git work tree")
    entries = parse_patterns(patterns)
    tools = detect_tools(top)
    problems: list[Problem] = []
    deferred: list[Problem] = []
    changes: list[Change] = []
    errors: list[str] = []
    notes: list[str] = []
    checked = [GITIGNORE]
    scratch = _Scratch()
    in_scope = _scope(scratch, entries, touched)

    # .gitignore: appended to, then checked again; a second round restores a `!` entry that a
    # newly appended plain entry overrode. Lines are never added twice in one run.
    done: set[str] = set()
    added: list[str] = []
    created = not os.path.exists(os.path.join(top, GITIGNORE))
    fixing = fix and in_scope(GITIGNORE, None)
    for _ in range(3):
        found = _gitignore_problems(top, entries)
        todo = _to_add(found, done) if fixing else []
        if not todo:
            break
        append_lines(os.path.join(top, GITIGNORE), todo, "git")
        done.update(todo)
        added.extend(todo)
    (problems if fixing or not fix else deferred).extend(found)
    if added:
        changes.append(Change(GITIGNORE, tuple(added), created))

    try:
        for tool in tools:
            files = [tool.ignore_file] if tool.ignore_file else []
            files += [f for f in tool.kept_files if f not in files and os.path.isfile(os.path.join(top, f))]
            for rel in files:
                checked.append(rel)
                path = os.path.join(top, rel)
                if os.path.lexists(path) and not os.path.isfile(path):
                    errors.append(f"{rel}: not a regular file")
                    continue
                found = _file_problems(scratch, top, rel, entries)
                fixing = fix and in_scope(rel, tool)
                todo = _to_add(found, set()) if fixing else []
                if todo:
                    created = append_lines(path, todo, f"{tool.name}'s reach")
                    changes.append(Change(rel, tuple(todo), created))
                    found = _file_problems(scratch, top, rel, entries)
                (problems if fixing or not fix else deferred).extend(found)
            if tool.id == "claude":
                checked.append(CLAUDE_SETTINGS)
                fixing = fix and in_scope(CLAUDE_SETTINGS, tool)
                _check_claude(scratch, top, entries, fixing, problems if fixing or not fix else deferred,
                              changes, errors)
            if tool.id == "copilot" and not os.path.isfile(os.path.join(top, ".copilotignore")):
                notes.append(_COPILOT_NOTE)
    finally:
        scratch.close()
    return Report(top, tuple(t.name for t in tools), tuple(checked), tuple(problems), tuple(changes),
                  tuple(errors), tuple(notes), tuple(deferred))


def _scope(scratch: _Scratch, entries: list[Entry], touched: Collection[str] | None) -> Any:
    """in_scope(file, tool): may a fix change `file` for this commit? (See check_ignores.)"""
    if touched is None:
        return lambda rel, tool: True
    paths = sorted({p.replace(os.sep, "/") for p in touched if p})
    policy = [e.pattern.lstrip("!") for e in entries]
    named = scratch.lines_verdicts(policy, paths) if paths else {}
    gitignore = any(v.ignored for v in named.values()) or any(p.rsplit("/", 1)[-1] == GITIGNORE for p in paths)

    def in_scope(rel: str, tool: Tool | None) -> bool:
        if tool is None:
            return gitignore
        for path in paths:
            if path == rel:
                return True
            for signal in tool.signals:
                if "*" in signal:
                    if fnmatch.fnmatchcase(path.split("/", 1)[0], signal):
                        return True
                elif path == signal or path.startswith(signal + "/"):
                    return True
        return False
    return in_scope


def _check_claude(scratch: _Scratch, root: str, entries: list[Entry], fix: bool, problems: list[Problem],
                  changes: list[Change], errors: list[str]) -> None:
    path = os.path.join(root, CLAUDE_SETTINGS)
    text: str | None = None
    data: dict[str, Any] | None = None
    if os.path.lexists(path):
        try:
            with open(path, encoding="utf-8", newline="") as fh:
                text = fh.read()
            data = _load_settings(text)
        except (OSError, UnicodeDecodeError, _SettingsError) as exc:
            errors.append(f"{CLAUDE_SETTINGS}: cannot check it: {exc}")
            return
    deny = _deny_of(data)
    found = _claude_problems(scratch, entries, deny)
    todo = _to_add(found, set()) if fix else []
    if todo:
        new_text = merge_deny_rules(text, todo)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(new_text)
        changes.append(Change(CLAUDE_SETTINGS, tuple(todo), text is None))
        found = _claude_problems(scratch, entries, _deny_of(_load_settings(new_text)))
    problems.extend(found)


# --- output ----------------------------------------------------------------------------------

def write_report(report: Report, out: TextIO, err: TextIO, prog: str = HOOK_ID) -> None:
    """Problems and changes on `out`, one line each (a missing file once, not per path); notes,
    errors and a summary line on `err`."""
    missing: dict[str, list[Problem]] = {}
    grouped: dict[tuple[str, str, str, str, bool], list[Problem]] = {}
    for p in report.problems:
        if p.detail == _MISSING:
            missing.setdefault(p.file, []).append(p)
        else:
            grouped.setdefault((p.file, p.want, p.entry, p.detail, p.fixable), []).append(p)
    for same in grouped.values():
        out.write(f"{prog}: {same[0].message([p.path for p in same])}\n")
    for rel, found in missing.items():
        entries = list(dict.fromkeys(p.entry for p in found))
        shown = ", ".join(f"`{p.path}`" for p in found[:3]) + (", …" if len(found) > 3 else "")
        out.write(f"{prog}: {rel} does not exist, so nothing keeps {shown} from the agent: create it with "
                  f"{', '.join(f'`{e}`' for e in entries)}\n")
    for change in report.changes:
        verb = "created" if change.created else "updated"
        out.write(f"{prog}: {verb} {change.file}: added {', '.join(change.added)}\n")
    for note in report.notes:
        err.write(f"{prog}: note: {note}\n")
    if report.deferred:
        files = list(dict.fromkeys(p.file for p in report.deferred))
        adds = list(dict.fromkeys(a for p in report.deferred if p.fixable for a in p.add))
        err.write(f"{prog}: note: left {', '.join(files)} alone, since this commit does not touch it"
                  + (f" (it would get {', '.join(adds[:6])}{', …' if len(adds) > 6 else ''})" if adds else "")
                  + "; `credwall check-ignores --fix` adds what is missing\n")
    for error in report.errors:
        err.write(f"{prog}: error: {error}\n")
    err.write(summary(report, prog) + "\n")


def summary(report: Report, prog: str = HOOK_ID) -> str:
    tools = f" (AI tools: {', '.join(report.tools)})" if report.tools else " (no AI tool detected)"
    parts = [f"checked {', '.join(report.checked)}{tools}"]
    if report.changes:
        files = len(report.changes)
        parts.append(f"changed {files} file{'s' if files != 1 else ''}: review and stage "
                     f"{'them' if files != 1 else 'it'}, then commit again")
    if report.errors:
        head = f"{len(report.errors)} file(s) could not be checked"
    elif report.problems:
        files = len({p.file for p in report.problems})
        head = f"{len(report.problems)} path(s) not covered in {files} file(s)"
    elif report.changes:
        head = "fixed"
    else:
        head = "every credential path is covered"
    return f"{prog}: {head}; " + "; ".join(parts)
