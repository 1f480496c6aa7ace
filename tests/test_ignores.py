"""`credwall-ignores` (hooks/check_ignores.py, credwall/ignores.py) in real repositories: every
verdict is git's (`git check-ignore`, `git status`), never a string search of the files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from credwall.hooks.check_ignores import main
from credwall.ignores import (CLAUDE_SETTINGS, DEFAULT_PATTERNS, check_ignores, claude_deny_lines,
                              merge_deny_rules, parse_patterns)
from tests.conftest import REPO_ROOT, GitRepo

# Files a developer or a tool leaves in a work tree, and whether git must ignore each.
SECRET_FILES = [".env", ".env.local", ".env.production", "apps/web/.env", "apps/web/.env.staging",
                "server.pem", "certs/ca.pem", "server.key", "config/master.key", "secrets/db.json",
                "deploy/secrets/token.txt"]
KEPT_FILES = [".env.example", "apps/web/.env.example", "src/app.py"]


def _ignored_by_git(repo: GitRepo, paths: list[str]) -> set[str]:
    """git's own answer, through the user's usual command (not credwall's wrapper)."""
    proc = subprocess.run(["git", "-c", "core.excludesFile=", "check-ignore", "--no-index", "--stdin"], cwd=repo.path,
                          input="\n".join(paths) + "\n", capture_output=True, text=True, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    return set(proc.stdout.split())


def _untracked(repo: GitRepo) -> set[str]:
    out = repo.git("-c", "core.excludesFile=", "status", "--porcelain", "--untracked-files=all")
    return {line[3:] for line in out.splitlines() if line.startswith("??")}


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- .gitignore ------------------------------------------------------------------------------

def test_check_reports_every_missing_entry_and_changes_nothing(git_repo: GitRepo, capsys) -> None:  # type: ignore[no-untyped-def]
    git_repo.write(".gitignore", "node_modules/\n.env\n")
    code, out, err = _run(capsys, "--check")
    assert code == 1
    assert (git_repo.path / ".gitignore").read_text() == "node_modules/\n.env\n"
    assert "`.env.local`, `.env.production`, `nested/.env.local` are not ignored: no pattern matches; add `.env.*`" in out
    assert "add `*.pem`" in out and "add `*.key`" in out and "add `secrets/`" in out
    assert "`.env`" not in out.replace("`.env.*`", "")  # .env is ignored already
    assert "no AI tool detected" in err


def test_fix_appends_in_place_then_git_ignores_every_secret_file(git_repo: GitRepo, capsys) -> None:  # type: ignore[no-untyped-def]
    git_repo.write(".gitignore", "# build output\ndist/\n.env")  # no final newline
    for name in SECRET_FILES + KEPT_FILES:
        git_repo.write(name, "x\n")
    code, out, err = _run(capsys)
    assert code == 1, out + err  # changed a file: the commit stops so it can be reviewed
    assert "updated .gitignore: added .env.*, *.pem, *.key, secrets/, !.env.example" in out
    text = (git_repo.path / ".gitignore").read_text()
    assert text.startswith("# build output\ndist/\n.env\n\n# credwall-ignores:")
    assert _untracked(git_repo) == {".gitignore", *KEPT_FILES}
    assert _ignored_by_git(git_repo, SECRET_FILES + KEPT_FILES) == set(SECRET_FILES)

    code, out, err = _run(capsys)  # idempotent: nothing left to add, nothing written
    assert code == 0, out + err
    assert out == ""
    assert (git_repo.path / ".gitignore").read_text() == text
    assert "every credential path is covered" in err


def test_patterns_are_judged_by_what_they_match_not_how_they_are_spelled(git_repo: GitRepo) -> None:
    git_repo.write(".gitignore", "**/.env*\n!**/.env.example\n**/*.pem\n*.key\n/**/secrets/**\n")
    report = check_ignores(str(git_repo.path), fix=False)
    assert report.problems == () and report.exit_code == 0


def test_a_pattern_in_a_comment_or_overridden_by_a_negation_does_not_count(git_repo: GitRepo) -> None:
    git_repo.write(".gitignore", "# *.pem\n.env\n.env.*\n!.env.example\n!.env.local\n*.key\nsecrets/\n")
    report = check_ignores(str(git_repo.path), fix=False)
    by_path = {p.path: p for p in report.problems}
    assert set(by_path) == {"server.pem", "nested/server.pem", ".env.local", "nested/.env.local"}
    assert by_path[".env.local"].detail == "re-included by `.gitignore:5: !.env.local`"
    assert by_path["server.pem"].detail == "no pattern matches"


def test_crlf_files_stay_crlf_and_existing_lines_keep_their_order(git_repo: GitRepo) -> None:
    git_repo.write(".gitignore", b"build/\r\n.env\r\n*.log\r\n")
    check_ignores(str(git_repo.path), fix=True)
    data = (git_repo.path / ".gitignore").read_bytes()
    assert data.startswith(b"build/\r\n.env\r\n*.log\r\n\r\n# credwall-ignores")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert _ignored_by_git(git_repo, SECRET_FILES) == set(SECRET_FILES)


def test_a_kept_template_stays_tracked_after_new_patterns_are_appended(git_repo: GitRepo) -> None:
    """`!.env.example` written before the fix's `.env.*` would be overridden by it: the fix
    checks again and restores the negation after its own lines."""
    git_repo.write(".gitignore", "!.env.example\n.env\n")
    report = check_ignores(str(git_repo.path), fix=True)
    assert report.problems == ()
    assert _ignored_by_git(git_repo, [".env.example", "apps/.env.example", ".env.local"]) == {".env.local"}
    assert (git_repo.path / ".gitignore").read_text().splitlines()[-1] == "!.env.example"


def test_local_and_global_excludes_do_not_stand_in_for_the_shared_gitignore(git_repo: GitRepo, tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    everything = "\n".join(DEFAULT_PATTERNS) + "\n"
    (git_repo.path / ".git" / "info" / "exclude").write_text(everything)
    global_ignore = tmp_path / "global-ignore"
    global_ignore.write_text(everything)
    global_config = tmp_path / "gitconfig"
    global_config.write_text(f"[core]\n\texcludesFile = {global_ignore}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(global_config))
    report = check_ignores(str(git_repo.path), fix=False)
    env = next(p for p in report.problems if p.path == ".env")
    assert env.detail == "ignored only by `.git/info/exclude:1: .env`, which is not shared"
    assert len(report.problems) == 11  # every plain sample; the template is fine
    assert check_ignores(str(git_repo.path), fix=True).problems == ()
    assert ".env\n" in (git_repo.path / ".gitignore").read_text()


def test_a_nested_gitignore_that_re_includes_is_left_for_a_person(git_repo: GitRepo, capsys) -> None:  # type: ignore[no-untyped-def]
    git_repo.write(".gitignore", "\n".join(DEFAULT_PATTERNS) + "\n")
    git_repo.write("nested/.gitignore", "!.env\n")
    before = (git_repo.path / ".gitignore").read_text()
    code, out, _ = _run(capsys)
    assert code == 1
    assert ("`nested/.env` is not ignored: re-included by `nested/.gitignore:1: !.env`; edit that file by hand"
            in out)
    assert (git_repo.path / ".gitignore").read_text() == before  # appending at the root cannot help


def test_custom_patterns(git_repo: GitRepo) -> None:
    patterns = ("*.p12", "!public.p12", "/config/credentials.yml", "vault/", "**/*.tfstate")
    report = check_ignores(str(git_repo.path), fix=True, patterns=patterns)
    assert report.problems == ()
    assert report.changes[0].added == ("*.p12", "/config/credentials.yml", "vault/", "**/*.tfstate", "!public.p12")
    assert _ignored_by_git(git_repo, ["a.p12", "x/b.p12", "public.p12", "config/credentials.yml",
                                      "app/config/credentials.yml", "vault/k", "x/vault/k", "x/y/t.tfstate"]) == {
        "a.p12", "x/b.p12", "config/credentials.yml", "vault/k", "x/vault/k", "x/y/t.tfstate"}


@pytest.mark.parametrize("bad", ["", " .env", "# comment", "!", "a\nb"])
def test_bad_patterns_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_patterns([bad])


# --- AI tools --------------------------------------------------------------------------------

def test_no_ai_tool_no_agent_files(git_repo: GitRepo) -> None:
    report = check_ignores(str(git_repo.path), fix=True)
    assert report.tools == ()
    assert sorted(p.name for p in git_repo.path.iterdir()) == [".git", ".gitignore"]


@pytest.mark.parametrize(("signal", "ignore_file"), [
    (".cursor/rules/style.mdc", ".cursorignore"), (".cursorrules", ".cursorignore"),
    (".windsurfrules", ".codeiumignore"), ("GEMINI.md", ".geminiignore"), (".gemini/settings.json", ".geminiignore"),
    (".aider.conf.yml", ".aiderignore"), (".aider.chat.history.md", ".aiderignore"),
])
def test_each_tool_gets_its_ignore_file(git_repo: GitRepo, signal: str, ignore_file: str) -> None:
    git_repo.write(signal, "x\n")
    before = check_ignores(str(git_repo.path), fix=False)
    assert {p.file for p in before.problems} == {".gitignore", ignore_file}
    report = check_ignores(str(git_repo.path), fix=True)
    assert report.problems == ()
    assert (git_repo.path / ignore_file).read_text().splitlines()[1:] == [".env", ".env.*", "*.pem", "*.key", "secrets/"]
    assert check_ignores(str(git_repo.path), fix=True).changes == ()


def test_agent_ignore_files_are_judged_with_git_semantics(git_repo: GitRepo) -> None:
    git_repo.write(".gitignore", "\n".join(DEFAULT_PATTERNS) + "\n")
    git_repo.write(".cursorignore", "**/.env*\n**/*.pem\n**/*.key\n**/secrets/\n")  # covers everything
    git_repo.write(".geminiignore", "/.env\n.env.*\n*.pem\n*.key\n# secrets/\nsecrets\n!secrets/\n")
    git_repo.write("GEMINI.md", "# notes\n")
    report = check_ignores(str(git_repo.path), fix=False)
    assert {p.file for p in report.problems} == {".geminiignore"}
    missing = {p.path: p.detail for p in report.problems}
    assert missing == {"nested/.env": "no pattern matches",
                       # `!secrets/` re-includes the directory, so nothing matches the file in it
                       "secrets/credentials.json": "no pattern matches",
                       "nested/secrets/credentials.json": "no pattern matches"}
    check_ignores(str(git_repo.path), fix=True)
    lines = (git_repo.path / ".geminiignore").read_text().splitlines()
    assert lines[:7] == ["/.env", ".env.*", "*.pem", "*.key", "# secrets/", "secrets", "!secrets/"]
    assert lines[7:] == ["", "# credwall-ignores: credentials stay out of Gemini CLI's reach", ".env", "secrets/"]
    assert check_ignores(str(git_repo.path), fix=False).problems == ()


def test_files_users_keep_are_checked_where_they_exist(git_repo: GitRepo) -> None:
    git_repo.write(".claudeignore", ".env\n")
    git_repo.write(".windsurfignore", "*.pem\n")
    git_repo.write(".github/copilot-instructions.md", "Be terse.\n")
    report = check_ignores(str(git_repo.path), fix=True)
    assert set(report.tools) == {"Windsurf", "Claude Code", "GitHub Copilot"}
    changed = {c.file: c for c in report.changes}
    assert set(changed) == {".gitignore", ".codeiumignore", ".windsurfignore", ".claudeignore", CLAUDE_SETTINGS}
    assert changed[".claudeignore"].added == (".env.*", "*.pem", "*.key", "secrets/")
    assert not changed[".windsurfignore"].created and changed[".codeiumignore"].created
    assert not (git_repo.path / ".copilotignore").exists()  # not a file Copilot documents: never created
    assert any("Content exclusion" in note for note in report.notes)


# --- Claude Code settings --------------------------------------------------------------------

def test_claude_settings_are_merged_keeping_keys_order_and_indentation(git_repo: GitRepo) -> None:
    original = {"model": "opus", "permissions": {"allow": ["Bash(npm test)"], "deny": ["Read(./.env)", "WebFetch"],
                                                 "defaultMode": "default"},
                "env": {"LOG_LEVEL": "debug"}, "hooks": {}}
    git_repo.write("CLAUDE.md", "# project\n")
    git_repo.write(CLAUDE_SETTINGS, json.dumps(original, indent=4) + "\n")
    check_ignores(str(git_repo.path), fix=True)
    text = (git_repo.path / CLAUDE_SETTINGS).read_text()
    merged = json.loads(text)
    assert list(merged) == list(original) and merged["env"] == original["env"] and merged["model"] == "opus"
    assert list(merged["permissions"]) == ["allow", "deny", "defaultMode"]
    deny = merged["permissions"]["deny"]
    assert deny[:2] == ["Read(./.env)", "WebFetch"]
    assert deny[2:] == ["Read(./**/.env)", "Read(./.env.*)", "Read(./**/.env.*)", "Read(./*.pem)", "Read(./**/*.pem)",
                        "Read(./*.key)", "Read(./**/*.key)", "Read(./secrets/**)", "Read(./**/secrets/**)"]
    assert text == json.dumps(merged, indent=4) + "\n"  # four spaces, as the file had
    assert check_ignores(str(git_repo.path), fix=True).changes == ()


def test_tab_indented_crlf_settings_stay_so() -> None:
    text = '{\r\n\t"permissions": {\r\n\t\t"allow": []\r\n\t}\r\n}\r\n'
    out = merge_deny_rules(text, ["Read(./.env)"])
    assert out == '{\r\n\t"permissions": {\r\n\t\t"allow": [],\r\n\t\t"deny": [\r\n\t\t\t"Read(./.env)"\r\n\t\t]\r\n\t}\r\n}\r\n'


@pytest.mark.parametrize(("deny", "uncovered"), [
    (["Read"], set()),
    (["Read(**/.env*)", "Read(**/*.pem)", "Read(**/*.key)", "Read(**/secrets/**)"], set()),
    (["Read(./.env)", "Read(./.env.*)", "Read(./*.pem)", "Read(./*.key)", "Read(./secrets/**)"],
     {"nested/.env", "nested/.env.local", "nested/server.pem", "nested/server.key", "nested/secrets/credentials.json"}),
    # Edit rules do not stop reads; `/x` rules are not counted (their base differs by version)
    (["Edit(**/.env*)", "Read(/**/*.pem)", "Read(//etc/**)", "Read(~/.ssh/**)", "Read(**/*.key)", "Read(**/secrets/**)"],
     {".env", "nested/.env", ".env.local", ".env.production", "nested/.env.local", "server.pem", "nested/server.pem"}),
])
def test_read_deny_rules_are_matched_as_gitignore_patterns(git_repo: GitRepo, deny: list[str], uncovered: set[str]) -> None:
    git_repo.write(".gitignore", "\n".join(DEFAULT_PATTERNS) + "\n")
    git_repo.write(CLAUDE_SETTINGS, json.dumps({"permissions": {"deny": deny}}))
    report = check_ignores(str(git_repo.path), fix=False)
    assert {p.path for p in report.problems} == uncovered
    assert all(p.file == CLAUDE_SETTINGS and p.want == "denied" for p in report.problems)


def test_malformed_settings_fail_closed_and_are_not_touched(git_repo: GitRepo, capsys) -> None:  # type: ignore[no-untyped-def]
    git_repo.write(".gitignore", "\n".join(DEFAULT_PATTERNS) + "\n")
    bad = '{"permissions": {"deny": ["Read(./.env)",]}}\n'  # a trailing comma: Claude Code rejects it too
    git_repo.write(CLAUDE_SETTINGS, bad)
    code, _, err = _run(capsys)
    assert code == 2
    assert f"error: {CLAUDE_SETTINGS}: cannot check it: not valid JSON" in err
    assert (git_repo.path / CLAUDE_SETTINGS).read_text() == bad
    git_repo.write(CLAUDE_SETTINGS, '{"permissions": {"deny": "Read(./.env)"}}')
    assert check_ignores(str(git_repo.path), fix=True).errors == (f"{CLAUDE_SETTINGS}: cannot check it: "
                                                                   "`permissions.deny` is not a list",)


def test_claude_deny_lines() -> None:
    assert claude_deny_lines(["Read(./.env)", "Read(secrets/**)", "Read(**/*.pem)", "Read", 7, "Bash(cat .env)",
                              "Read(/abs)", "Read(~/x)", "Read(//x)", "Read(../x)"]) == [
        "/.env", "/secrets/**", "/**/*.pem", "*"]


# --- the hook --------------------------------------------------------------------------------

def test_hook_fixes_then_passes(git_repo: GitRepo, capsys) -> None:  # type: ignore[no-untyped-def]
    git_repo.write("CLAUDE.md", "# project\n")
    git_repo.write(".cursor/mcp.json", "{}\n")
    code, out, err = _run(capsys)
    assert code == 1
    assert "created .gitignore: added .env, .env.*, *.pem, *.key, secrets/, !.env.example" in out
    assert "created .cursorignore" in out and f"created {CLAUDE_SETTINGS}: added Read(./.env)" in out
    assert "changed 3 files: review and stage them, then commit again" in err
    assert _run(capsys)[0] == 0
    assert _run(capsys, "--check")[0] == 0


def test_hook_outside_a_repository_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(capsys)
    assert code == 2 and "not inside a git work tree" in err


def test_hook_is_declared_for_pre_commit() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())}
    hook = hooks["credwall-ignores"]
    assert hook["entry"] == "credwall-ignores" and hook["language"] == "python"
    assert hook["pass_filenames"] is False and hook["always_run"] is True
    assert '\ncredwall-ignores = "credwall.hooks.check_ignores:main"\n' in (REPO_ROOT / "pyproject.toml").read_text()


# --- the hook changes only what the commit touches -------------------------------------------

_COVERED = ".env\n.env.*\n!.env.example\n*.pem\n*.key\nsecrets/\n"


def test_an_unrelated_commit_leaves_ai_tool_files_alone(git_repo: GitRepo, capsys) -> None:  # type: ignore[no-untyped-def]
    """The reported case: an untracked CLAUDE.md made every commit recreate .claude/settings.json."""
    git_repo.stage(".gitignore", _COVERED)
    git_repo.commit()
    git_repo.write("CLAUDE.md", "# my notes\n")  # untracked: one developer's tool
    git_repo.write(".cursorrules", "be brief\n")
    git_repo.stage("src/app.py", "print('hello')\n")
    code, out, err = _run(capsys)
    assert code == 0, out + err
    assert not (git_repo.path / ".claude").exists() and not (git_repo.path / ".cursorignore").exists()
    assert out == ""
    assert "left .cursorignore, .claude/settings.json alone, since this commit does not touch it" in err
    assert "`credwall check-ignores --fix` adds what is missing" in err


def test_a_commit_that_touches_a_tool_fixes_that_tools_file_only(git_repo: GitRepo, capsys) -> None:  # type: ignore[no-untyped-def]
    git_repo.stage(".gitignore", _COVERED)
    git_repo.commit()
    git_repo.write("CLAUDE.md", "# notes\n")
    git_repo.stage(".cursor/rules/style.mdc", "be brief\n")  # the commit adds Cursor's files
    code, out, err = _run(capsys)
    assert code == 1
    assert "created .cursorignore" in out and not (git_repo.path / ".claude").exists()
    assert "left .claude/settings.json alone" in err


def test_gitignore_is_fixed_when_the_commit_adds_a_path_the_policy_names(git_repo: GitRepo, capsys) -> None:  # type: ignore[no-untyped-def]
    git_repo.stage(".gitignore", "node_modules/\n")
    git_repo.commit()
    git_repo.stage("app.py", "x = 1\n")
    code, _, err = _run(capsys)
    assert code == 0 and (git_repo.path / ".gitignore").read_text() == "node_modules/\n"
    assert "left .gitignore alone" in err and "(it would get .env, .env.*" in err
    git_repo.stage(".env.example", "API_KEY=\n")  # a path the policy is about
    code, out, _ = _run(capsys)
    assert code == 1 and "updated .gitignore: added .env, .env.*" in out


def test_fix_and_a_run_with_nothing_staged_fix_everything(git_repo: GitRepo, capsys) -> None:  # type: ignore[no-untyped-def]
    git_repo.stage(".gitignore", _COVERED)
    git_repo.commit()
    git_repo.write("CLAUDE.md", "# notes\n")
    git_repo.stage("src/app.py", "print('hello')\n")
    code, out, _ = _run(capsys, "--fix")  # asked: whatever is staged
    assert code == 1 and f"created {CLAUDE_SETTINGS}" in out
    (git_repo.path / CLAUDE_SETTINGS).unlink()
    git_repo.git("reset", "-q")  # nothing staged (CI's `pre-commit run --all-files`, a manual run)
    code, out, _ = _run(capsys)
    assert code == 1 and f"created {CLAUDE_SETTINGS}" in out
    assert _run(capsys, "--check")[0] == 0
