from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO_ROOT


def test_rules_doc_is_up_to_date() -> None:
    proc = subprocess.run([sys.executable, str(REPO_ROOT / "tools" / "gen_rules_doc.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    test_cmd = next(line.split("#")[0].strip() for line in readme.splitlines()
                    if "pytest" in line and line.strip().startswith("pip"))
    assert test_cmd in ci


def test_the_repository_passes_its_own_hook() -> None:
    """Dogfood: every tracked file outside the excluded paths of .pre-commit-config.yaml is clean."""
    import json
    import re

    import yaml

    config = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text())
    [hook] = [h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "credwall"]
    excluded = re.compile(hook["exclude"])
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=False)
    if listed.returncode != 0:
        import pytest

        pytest.skip("not a git checkout")
    files = [f for f in listed.stdout.decode().split("\0") if f and not excluded.search(f)]
    proc = subprocess.run([sys.executable, "-m", "credwall", "scan", "--format", "json", *files],
                          cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    report = json.loads(proc.stdout)
    assert report["findings"] == [], [(f["path"], f["line"], f["rule_id"]) for f in report["findings"]]
    assert proc.returncode == 0 and report["stats"]["files"] > 50


# --- the docs cannot drift: every block is run (tests/docs_harness.py) or marked ---------------

import re  # noqa: E402
import shlex  # noqa: E402

import pytest  # noqa: E402

from tests.docs_harness import EXEMPT  # noqa: E402

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)(?P<info>[^\n`]*)$", re.MULTILINE)
_RUN = {"console", "sh", "toml", "yaml", "json"}  # what the harness runs; text/python only when marked
_SKIP = re.compile(r'<!-- skip: next "(?P<reason>[^"]+)" -->\s*$')


def _pages() -> list[str]:
    return ["README.md"] + sorted(f"docs/{p.name}" for p in (REPO_ROOT / "docs").glob("*.md"))


def _blocks(page: str) -> list[tuple[int, str, str]]:
    """(line, language, the text just above the block) of every fenced block of a page."""
    text = (REPO_ROOT / page).read_text()
    blocks, open_at = [], None
    for match in _FENCE.finditer(text):
        if open_at is None:
            open_at = match
        elif not match.group("info").strip():
            line = text.count("\n", 0, open_at.start()) + 1
            blocks.append((line, open_at.group("info").strip(), text[:open_at.start()].rstrip("\n")[-400:]))
            open_at = None
    return blocks


@pytest.mark.parametrize("page", [p for p in _pages() if p not in EXEMPT])
def test_every_block_is_run_or_marked_illustrative_with_a_reason(page: str) -> None:
    for line, language, before in _blocks(page):
        marked = _SKIP.search(before)
        where = f"{page}:{line}"
        assert language, f"{where}: a block without a language is neither run nor marked"
        assert language in _RUN or marked, f"{where}: a `{language}` block must be marked illustrative, with a reason"
        if marked:
            assert len(marked.group("reason")) > 15, f"{where}: say why it is not run"


def test_exempt_pages_say_why() -> None:
    assert set(EXEMPT) <= set(_pages()) and all(len(reason) > 40 for reason in EXEMPT.values())


def _parses(words: list[str]) -> str | None:
    """None when credwall's own parser accepts the command line, else what it said."""
    import contextlib
    import io

    from credwall.cli import build_parser

    if words[:1] in (["redact"], ["agent-hook"], ["install-agent-hooks"]):  # their own parsers
        return None
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            build_parser().parse_args(words)
    except SystemExit as exc:
        return f"exit {exc.code}: {err.getvalue().strip()}"
    return None


_PLACEHOLDERS = {"PATH": "src", "REV": "v1", "A..B": "main..HEAD", "PACK": "pack.yaml", "FILE": "f.json"}


def _variants(line: str) -> list[list[str]]:
    """A synopsis line as the command lines it stands for: `[a | b]` and `a | b | c` each way."""
    line = re.split(r"\s#\s", line)[0].split(" < ")[0].strip()
    words = line.split()[1:]  # drop "credwall"
    text = " ".join(_PLACEHOLDERS.get(w, w) for w in words)
    group = re.search(r"\[([^\[\]]+)\]", text)
    if group:
        options = [o.strip() for o in group.group(1).split(" | ")]
        return [v for o in options + [""] for v in _variants("credwall " + text[:group.start()] + o + text[group.end():])]
    if " | " in text:
        return [shlex.split(alt) for alt in text.split(" | ")]
    return [shlex.split(text)]


def test_readme_synopsis_matches_the_parser() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    synopsis = readme[readme.index("## Command line"):]
    synopsis = synopsis[synopsis.index("```sh"):synopsis.index("```", synopsis.index("```sh") + 5)]
    lines = [line for line in synopsis.splitlines() if line.startswith("credwall ")]
    assert len(lines) > 15
    for line in lines:
        for words in _variants(line):
            assert _parses(words) is None, (line, words, _parses(words))


def _table_rows() -> list[tuple[str, str]]:
    text = (REPO_ROOT / "docs" / "adopting.md").read_text()
    table = text[text.index("## Coming from gitleaks / detect-secrets"):]
    rows = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            rows.append((cells[0], cells[1]))
    return rows


def _command(cell: str) -> list[str] | None:
    span = re.match(r"`([^`]+)`", cell)
    return shlex.split(span.group(1)) if span and span.group(1).startswith(("credwall ", "gitleaks ")) else None


def test_the_coming_from_table_matches_the_cli() -> None:
    """Every credwall command in the table parses; a row marked "(as is)" parses with the tool's
    own name swapped for credwall's, so the alias really is one."""
    rows = _table_rows()
    assert len(rows) >= 15
    as_is = 0
    for before, after in rows:
        ours = _command(after)
        if ours is not None:
            assert ours[0] == "credwall" and _parses(ours[1:]) is None, (after, _parses(ours[1:]))
        if "(as is)" in after:
            theirs = _command(before)
            if theirs is not None:
                as_is += 1
                assert theirs[0] == "gitleaks" and _parses(theirs[1:]) is None, (before, _parses(theirs[1:]))
                assert ours is not None and ours[1:] == theirs[1:], (before, after)
            else:  # a marker: credwall must honour it as written
                assert before.strip("`").split()[1] in ("gitleaks:allow", "pragma:"), before
    assert as_is >= 10


def test_counts_and_lists_in_prose_match_the_code() -> None:
    """Numbers and lists the code knows: hook ids, report formats, agents."""
    import yaml

    from credwall.agentguard.events import AGENTS
    from credwall.options import FORMATS

    words = {5: "five", 6: "six", 7: "seven", 8: "eight"}
    manifest = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    file_hooks = [h for h in manifest if h.get("types") == ["file"]]
    hooks_md = (REPO_ROOT / "docs" / "hooks.md").read_text()
    assert hooks_md.startswith(f"# Hooks\n\n{words[len(manifest)].capitalize()} hook ids, one engine.")
    assert f"the {words[len(file_hooks)]} file hooks" in hooks_md
    readme = (REPO_ROOT / "README.md").read_text()
    for hook in manifest:  # every hook id in README's table and in hooks.md's
        assert f"`{hook['id']}`" in readme and f"| `{hook['id']}` |" in hooks_md, hook["id"]
    listed = re.search(r"credwall scan --format sarif \.\s+# also: (.*)", readme).group(1)  # type: ignore[union-attr]
    assert {"sarif", *re.findall(r"\b(json|github|junit|text)\b", listed)} | {"text"} == set(FORMATS)
    architecture = (REPO_ROOT / "docs" / "architecture.md").read_text()
    assert "text, JSON, SARIF 2.1.0, GitHub annotations, JUnit" in architecture and len(FORMATS) == 5
    names = {"claude-code": "Claude Code", "cursor": "Cursor", "codex": "Codex", "copilot": "Copilot",
             "vscode": "VS Code agent mode"}
    assert set(AGENTS) == set(names)
    assert "Claude Code, Cursor, Codex, Copilot and VS Code agent mode" in readme


def test_rule_format_reference_names_only_keys_the_loader_knows() -> None:
    import yaml

    from credwall.engine.rules import Rule

    text = (REPO_ROOT / "docs" / "rule-format.md").read_text()
    block = text[text.index("```yaml") + 7:text.index("```", text.index("```yaml") + 7)]
    rule = yaml.safe_load(block.replace("…", "x"))["rules"][0]
    known = set(Rule._fields) | {"examples", "negative_examples", "known_misses"}
    assert set(rule) <= known, set(rule) - known


def test_docs_and_sarif_name_the_same_project_url() -> None:
    from credwall import HOMEPAGE

    assert f'Homepage = "{HOMEPAGE}"' in (REPO_ROOT / "pyproject.toml").read_text()
    for page in _pages():
        text = (REPO_ROOT / page).read_text()
        assert "<you>" not in text and "rev: v0.1.0" not in text, page
