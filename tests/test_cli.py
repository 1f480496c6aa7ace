"""The command line contract: JSON shape, exit codes, masking, stdin, bad input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests import tokens


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    secrets = {
        "src/app.py": tokens.github_classic(seed=41),
        "deploy/prod.env": tokens.stripe_live(seed=42),
        "notes.md": tokens.anthropic_key(seed=43),
    }
    for rel, secret in secrets.items():
        path = tmp_path / "tree" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# header\nvalue = \"{secret}\"\n")
    (tmp_path / "tree" / "clean.txt").write_text("nothing here\n")
    monkeypatch.chdir(tmp_path)
    return secrets


def test_json_contract(tree, run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli("scan", "--format", "json", "tree")
    assert code == 1
    report = json.loads(out)
    assert report["version"] == 1
    assert set(report["stats"]) == {"files", "bytes", "seconds", "skipped"}
    assert report["stats"]["files"] == 4
    keys = {"rule_id", "path", "line", "column", "end_column", "confidence", "fingerprint", "secret_masked", "message"}
    assert all(keys <= set(f) for f in report["findings"])
    assert sorted(f["path"] for f in report["findings"]) == sorted(f"tree/{p}" for p in tree)
    assert {f["line"] for f in report["findings"]} == {2}
    assert all(f["column"] == 10 for f in report["findings"])
    assert all(len(f["fingerprint"]) == 64 for f in report["findings"])


def test_no_secret_in_any_output(tree, run_cli) -> None:  # type: ignore[no-untyped-def]
    for fmt in ("text", "json"):
        code, out, err = run_cli("scan", "--format", fmt, "tree")
        assert code == 1
        for secret in tree.values():
            assert secret not in out and secret not in err
            assert secret[-12:] not in out + err  # no tail either: only a masked prefix


def test_absolute_paths_stay_absolute(tree, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli("scan", "--format", "json", str(tmp_path / "tree" / "src"))
    assert [f["path"] for f in json.loads(out)["findings"]] == [str(tmp_path / "tree" / "src" / "app.py")]


def test_exit_codes(tree, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("scan", "tree/clean.txt")[0] == 0
    assert run_cli("scan", "tree")[0] == 1
    code, _, err = run_cli("scan", "no/such/path")
    assert code == 2 and "no such file" in err
    code, _, err = run_cli("scan", "--format", "yaml", "tree")
    assert code == 2


def test_stdin() -> None:
    proc = subprocess.run([sys.executable, "-m", "credwall", "scan", "-", "--format", "json"],
                          input=f"key: {tokens.github_classic()}\n".encode(), capture_output=True, check=False)
    assert proc.returncode == 1, proc.stderr
    assert [(f["path"], f["line"]) for f in json.loads(proc.stdout)["findings"]] == [("-", 1)]


def test_only_vendored_directories_are_skipped_by_name(tmp_path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A walk does not enter node_modules (counted); a lockfile, a file named like an image and a
    binary file are read like any other: a name is no reason to trust a file."""
    monkeypatch.chdir(tmp_path)
    secret = tokens.github_classic()
    for rel in ("package-lock.json", "node_modules/x/index.js", "logo.png"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"t = '{secret}'\n")
    (tmp_path / "data.bin2").write_bytes(b"\x00\x00" + secret.encode())
    code, out, err = run_cli("scan", "--format", "json", ".")
    assert code == 1
    report = json.loads(out)
    assert report["stats"]["skipped"] == {"vendored": 1}
    assert sorted(f["path"] for f in report["findings"]) == ["./data.bin2", "./logo.png", "./package-lock.json"]
    code, out, err = run_cli("scan", "--format", "json", "node_modules/x/index.js")  # named: read
    assert code == 1


def test_encodings(tmp_path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    secret = tokens.github_classic()
    (tmp_path / "u16.txt").write_bytes(f"x\nt = {secret}\n".encode("utf-16"))
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9\nt = " + secret.encode() + b"\n")
    code, out, err = run_cli("scan", "--format", "json", ".")
    assert code == 1
    assert sorted((f["path"], f["line"]) for f in json.loads(out)["findings"]) == [("./latin1.txt", 2), ("./u16.txt", 2)]
    assert "1 lossy" in err and "1 utf-16" in err


def test_parallel_scan_matches_serial(tmp_path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from credwall import scan

    monkeypatch.chdir(tmp_path)
    for i in range(30):
        (tmp_path / f"f{i}.py").write_text("x = 1\n" * 2000 + f"t = '{tokens.github_classic(seed=i)}'\n")
    serial = json.loads(run_cli("scan", "--format", "json", "--jobs", "1", ".")[1])
    monkeypatch.setattr(scan, "_PARALLEL_MIN_BYTES", 1)
    parallel = json.loads(run_cli("scan", "--format", "json", "--jobs", "2", ".")[1])
    assert serial["findings"] == parallel["findings"]
    assert len(serial["findings"]) == 30


def test_text_output_has_no_colour_when_piped(tree, run_cli) -> None:  # type: ignore[no-untyped-def]
    _, out, _ = run_cli("scan", "tree")
    assert "\033[" not in out
    _, out, _ = run_cli("scan", "--color", "always", "tree")
    assert "\033[" in out


def test_symlinks_are_not_followed(tmp_path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "creds").write_text(f"t = {tokens.github_classic()}\n")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "link").symlink_to(outside / "creds")
    (tree / "dirlink").symlink_to(outside)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("scan", "--format", "json", "tree")
    assert code == 0
    report = json.loads(out)
    assert report["findings"] == [] and report["stats"]["skipped"] == {"symlink": 2}


def test_history_finds_what_the_tree_no_longer_has(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    secret = tokens.github_classic(seed=131)
    git_repo.stage("deploy.sh", f"export GH_TOKEN={secret}\n")
    git_repo.commit("add deploy script")
    added = git_repo.git("rev-parse", "HEAD").strip()
    git_repo.stage("deploy.sh", "export GH_TOKEN=$GH_TOKEN\n")
    git_repo.commit("use the environment")
    assert run_cli("scan", ".")[0] == 0
    code, out, err = run_cli("scan", "--history", "--format", "json")
    assert code == 1
    [finding] = json.loads(out)["findings"]
    assert (finding["path"], finding["line"], finding["commit"]) == ("deploy.sh", 1, added)
    assert finding["author"].startswith("Dev") and finding["date"][:4].isdigit()
    assert secret not in out + err
    code, out, _ = run_cli("scan", "--history")
    assert f"(commit {added[:12]}" in out
    assert run_cli("scan", "--history", "--since", added)[0] == 0  # only the later commit
    assert run_cli("scan", "--since", added)[0] == 2  # --since needs --history


def test_check_ignores_command_fixes_idempotently(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli("check-ignores")
    assert code == 1 and ".env" in out + err
    assert not (git_repo.path / ".gitignore").exists()  # reporting changes nothing
    code, _, _ = run_cli("check-ignores", "--fix")
    assert code == 1 and ".env" in (git_repo.path / ".gitignore").read_text()  # changed files: fails, like fixers
    assert run_cli("check-ignores")[0] == 0
    before = (git_repo.path / ".gitignore").read_text()
    assert run_cli("check-ignores", "--fix")[0] == 0 and (git_repo.path / ".gitignore").read_text() == before


def test_audit_command_json_never_prints_values(tmp_path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    secret = tokens.stripe_live(seed=141)
    (tmp_path / ".env.production").write_text(f"STRIPE_SECRET_KEY={secret}\n")
    code, out, err = run_cli("audit", "--no-home", "--format", "json", ".")
    assert code == 1
    report = json.loads(out)
    assert report["version"] == 1 and any(".env.production" in i["where"] for i in report["items"])
    assert secret not in out + err and secret[-10:] not in out + err


def test_agent_hook_through_the_main_command(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    secret = tokens.github_classic(seed=151)
    event = {"hook_event_name": "PreToolUse", "tool_name": "Write",
             "tool_input": {"file_path": str(tmp_path / "deploy.sh"), "content": f"export GH_TOKEN={secret}\n"}}
    proc = subprocess.run([sys.executable, "-m", "credwall", "agent-hook", "--agent", "claude-code"],
                          input=json.dumps(event).encode(), capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr
    verdict = json.loads(proc.stdout)
    assert verdict["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert secret.encode() not in proc.stdout + proc.stderr


def test_agent_config_table_is_validated(tmp_path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".credwall.toml").write_text('[agent]\nprotected_environments = ["prod"]\nfail_closd = true\n')
    code, _, err = run_cli("scan", ".")
    assert code == 2 and "fail_closd" in err


# --- a reader that stops reading (`credwall … | head`) -----------------------------------------

@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A git work tree with enough findings that a text report outgrows a pipe's buffer."""
    root = tmp_path / "proj"
    (root / "src").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    lines = [f'token_{n} = "{tokens.github_classic(seed=1000 + n)}"\n' for n in range(1200)]
    (root / "src" / "keys.py").write_text("".join(lines))
    (root / "big.log").write_text("".join(f"line {n} Authorization: Bearer {tokens.rand(40, seed=n)}\n"
                                          for n in range(3000)))
    (root / "gitleaks.toml").write_text("[[rules]]\nid = 'acme'\nregex = '''acme_([a-z0-9]{20})'''\n"
                                        "keywords = ['acme_']\n")
    return root


def _credwall(cwd: Path, args: list[str], stdout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "credwall", *args], cwd=cwd, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=120, check=False)


@pytest.mark.parametrize("args", [
    ["rules", "list"], ["rules", "list", "--format", "json"], ["rules", "check"],
    ["rules", "import", "gitleaks.toml"], ["config", "show"], ["--help"],
    ["scan", "--format", "text", "."], ["scan", "--format", "json", "."], ["scan", "--format", "sarif", "."],
    ["baseline", "create"], ["redact", "big.log"], ["check-ignores"],
    ["audit", "--no-home", "--format", "json", "."],
], ids=lambda args: " ".join(args))
def test_a_closed_stdout_is_not_an_error(project: Path, args: list[str]) -> None:
    """stdout is a real pipe whose reader has already gone: every write fails with EPIPE.
    credwall ends quietly (no traceback, no "internal error", no "Exception ignored") with
    the exit code it gives when the output is read: a scan with findings still exits 1."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        closed = _credwall(project, args, stdout=write_end)
    finally:
        os.close(write_end)
    (project / ".credwall-baseline.jsonl").unlink(missing_ok=True)  # baseline create: start afresh
    read = _credwall(project, args, stdout=subprocess.PIPE)
    assert read.stdout or args[:2] in (["baseline", "create"], ["rules", "check"])  # output that broke
    for word in ("Traceback", "internal error", "Exception ignored", "BrokenPipe", "Broken pipe"):
        assert word not in closed.stderr, closed.stderr
    assert closed.returncode == read.returncode, closed.stderr
    assert closed.returncode == (1 if args[0] == "scan" else read.returncode)


def test_head_stops_a_long_report_quietly(project: Path) -> None:
    """`credwall scan . | head -1`: the reader takes one line of a report larger than the pipe's
    buffer and closes it while credwall is still writing. credwall still prints its summary on
    stderr and exits 1 for the findings."""
    proc = subprocess.Popen([sys.executable, "-m", "credwall", "scan", "--format", "text", "."], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 1, err
    assert first.startswith("./") and "[" in first  # a finding line
    assert re.search(r"credwall: \d{4} findings in 2 files;", err), err  # the summary still printed
    assert "Traceback" not in err and "internal error" not in err and "Exception ignored" not in err
