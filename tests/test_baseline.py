"""Baselines: create/load/apply/update, the file format under a real `git merge`, and importing a
`.secrets.baseline` written by the real detect-secrets."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from credwall.baseline import (
    DEFAULT_FILENAME, HEADER, Baseline, BaselineError, Entry, apply_baseline, create_baseline,
    ensure_merge_union, import_detect_secrets, load_baseline, unused_note,
    update_baseline, write_baseline,
)
from credwall.engine.matcher import Matcher
from credwall.engine.findings import ScanResult
from credwall.scan import scan_paths
from tests import tokens
from tests.conftest import GitRepo


def scan(matcher: Matcher) -> ScanResult:
    """What `credwall baseline create|update` scans: the whole tree from the working directory."""
    return scan_paths(matcher, ["."], jobs=1)


def token(seed: int) -> str:
    return tokens.github_classic(seed=seed)


def assignment(secret: str) -> str:
    return f'TOKEN = "{secret}"\n'


def create(matcher: Matcher, path: str = DEFAULT_FILENAME) -> Baseline:
    baseline = create_baseline(scan(matcher), os.path.dirname(os.path.abspath(path)))
    write_baseline(baseline, path)
    return baseline


def update(matcher: Matcher, path: str = DEFAULT_FILENAME) -> str:
    new, summary = update_baseline(load_baseline(path), scan(matcher))
    write_baseline(new, path)
    return summary.describe()


# --- round trip, update, unused ------------------------------------------------------------------

def test_round_trip_suppresses_exactly_the_baselined_findings(git_repo: GitRepo, matcher: Matcher) -> None:
    git_repo.write("src/a.py", assignment(token(1)) + assignment(token(2)))
    git_repo.write("b.py", "x = 1\n" + assignment(token(3)))
    created = create(matcher)
    assert len(created) == 3

    loaded = load_baseline(DEFAULT_FILENAME)
    assert loaded == created
    assert [e.path for e in loaded.entries] == ["b.py", "src/a.py", "src/a.py"]
    assert {e.rule_id for e in loaded.entries} == {"github-pat"}

    applied = apply_baseline(scan(matcher), loaded)
    assert (applied.findings, applied.suppressed, applied.unused) == ([], 3, [])

    git_repo.write("c.py", assignment(token(4)))  # a new secret is reported, the old ones are not
    findings, suppressed, unused = apply_baseline(scan(matcher), loaded)
    assert [(f.path, f.secret_masked) for f in findings] == [("./c.py", token(4)[:4] + "…")]
    assert suppressed == 3 and unused == []


def test_update_keeps_adds_and_drops(git_repo: GitRepo, matcher: Matcher) -> None:
    git_repo.write("a.py", assignment(token(1)))
    git_repo.write("b.py", assignment(token(2)))
    create(matcher)
    # A reason written by a person survives updates.
    path = Path(DEFAULT_FILENAME)
    lines = path.read_text().splitlines()
    assert lines[2].startswith('{"path": "b.py"')
    lines[2] = lines[2][:-1] + ', "reason": "test fixture, revoked"}'
    path.write_text("\n".join(lines) + "\n")

    git_repo.write("a.py", "print('no secret here')\n")
    git_repo.write("c.py", assignment(token(3)))
    assert update(matcher) == "1 kept, 1 added, 1 dropped"

    entries = load_baseline(DEFAULT_FILENAME).entries
    assert [(e.path, e.reason) for e in entries] == [("b.py", "test fixture, revoked"), ("c.py", "")]
    assert update(matcher) == "2 kept, 0 added, 0 dropped"


def test_unused_entries_are_reported_not_failed(git_repo: GitRepo, matcher: Matcher) -> None:
    git_repo.write("a.py", assignment(token(1)))
    git_repo.write("b.py", assignment(token(2)))
    create(matcher)
    git_repo.write("a.py", "pass\n")  # the secret was removed (and rotated)

    findings, suppressed, unused = apply_baseline(scan(matcher), load_baseline(DEFAULT_FILENAME))
    assert findings == [] and suppressed == 1
    assert [e.path for e in unused] == ["a.py"]
    note = unused_note(unused, DEFAULT_FILENAME)
    assert note.startswith(f"credwall: note: 1 baseline entry in {DEFAULT_FILENAME} no longer matches anything")
    assert "a.py: github-pat" in note and token(1) not in note


def test_a_moved_file_stays_suppressed(git_repo: GitRepo, matcher: Matcher) -> None:
    git_repo.write("a.py", assignment(token(1)))
    create(matcher)
    os.makedirs("moved")
    os.rename("a.py", "moved/a.py")

    findings, suppressed, unused = apply_baseline(scan(matcher), load_baseline(DEFAULT_FILENAME))
    assert (findings, suppressed, unused) == ([], 1, [])
    # update records the new place: one line replaced by another
    assert update(matcher) == "0 kept, 0 added, 0 dropped, 1 moved with their file"
    assert [e.path for e in load_baseline(DEFAULT_FILENAME).entries] == ["moved/a.py"]


def test_a_moved_entry_follows_its_secret_to_one_file_only(git_repo: GitRepo, matcher: Matcher) -> None:
    git_repo.write("a.py", assignment(token(1)))
    create(matcher)
    os.rename("a.py", "b.py")
    git_repo.write("c.py", assignment(token(1)))  # renamed, and copied once more
    findings, suppressed, unused = apply_baseline(scan(matcher), load_baseline(DEFAULT_FILENAME))
    assert [f.path for f in findings] == ["./c.py"] and suppressed == 1 and unused == []


def test_the_same_secret_in_another_file_is_a_new_finding(git_repo: GitRepo, matcher: Matcher) -> None:
    """An entry names its file: the accepted secret copied into `.env.example` or a new module is
    reported, as detect-secrets and gitleaks do (before, entries matched by fingerprint alone)."""
    git_repo.write("a.py", assignment(token(1)))
    git_repo.write("b.py", assignment(token(2)))
    create(matcher)
    git_repo.write("b.py", assignment(token(1)))  # b now holds a's secret, not its own
    git_repo.write("src/new.py", "import os\n" + assignment(token(1)))

    findings, suppressed, unused = apply_baseline(scan(matcher), load_baseline(DEFAULT_FILENAME))
    assert sorted(f.path for f in findings) == ["./b.py", "./src/new.py"] and suppressed == 1
    assert [e.path for e in unused] == ["b.py"]  # b's own secret is gone
    assert update(matcher) == "1 kept, 2 added, 1 dropped"


def test_a_secret_moving_within_its_file_stays_suppressed(git_repo: GitRepo, matcher: Matcher) -> None:
    git_repo.write("a.py", assignment(token(1)))
    create(matcher)
    git_repo.write("a.py", "import os\n\n\ndef f():\n    pass\n\n" + assignment(token(1)))
    assert apply_baseline(scan(matcher), load_baseline(DEFAULT_FILENAME))[:2] == ([], 1)


def test_a_format_1_baseline_still_loads_and_is_rewritten_as_format_2(git_repo: GitRepo, matcher: Matcher) -> None:
    git_repo.write("a.py", assignment(token(1)))
    current = create(matcher).dumps().splitlines()
    old_header = current[0].replace('"credwall-baseline": 2', '"credwall-baseline": 1')
    Path(DEFAULT_FILENAME).write_text("\n".join([old_header, *current[1:]]) + "\n")
    assert apply_baseline(scan(matcher), load_baseline(DEFAULT_FILENAME)).suppressed == 1
    assert update(matcher) == "1 kept, 0 added, 0 dropped"
    assert Path(DEFAULT_FILENAME).read_text().splitlines()[0] == HEADER == current[0]


def test_an_incomplete_scan_never_writes_a_baseline(git_repo: GitRepo, matcher: Matcher) -> None:
    git_repo.write("a.py", assignment(token(1)))
    result = scan_paths(matcher, ["a.py", "missing.py"], jobs=1)
    with pytest.raises(BaselineError, match="scan incomplete, baseline not written: missing.py"):
        create_baseline(result, ".")
    with pytest.raises(BaselineError, match="scan incomplete"):
        update_baseline(Baseline([], "."), result)


# --- the file: no secrets, stable bytes -----------------------------------------------------------

def test_the_file_holds_no_secret(git_repo: GitRepo, matcher: Matcher) -> None:
    secrets = [token(1), tokens.aws_key_id(), tokens.stripe_live(), tokens.anthropic_key(), tokens.password()]
    git_repo.write("config.py", f'aws_access_key_id = "{secrets[1]}"\nstripe = "{secrets[2]}"\n'
                                f'key = "{secrets[3]}"\npassword = "{secrets[4]}"\n')
    git_repo.write("a.py", assignment(secrets[0]))
    created = create(matcher)
    assert {e.rule_id for e in created.entries} >= {"github-pat", "aws-access-key-id", "anthropic-api-key"}
    assert len(created) == 5

    data = Path(DEFAULT_FILENAME).read_bytes()
    for secret in secrets:
        pieces = {secret[i:i + 6] for i in range(len(secret) - 5)}
        assert not [p for p in pieces if p.encode() in data], secret[:4]
    # The baseline passes credwall itself: fingerprints and masked prefixes are not secrets.
    assert scan_paths(matcher, [DEFAULT_FILENAME], jobs=1).findings == []


def test_the_file_is_sorted_and_free_of_anything_that_changes(git_repo: GitRepo, matcher: Matcher) -> None:
    for n, name in enumerate(["z.py", "a.py", "m/b.py", "m/a.py"]):
        git_repo.write(name, assignment(token(10 + n)) + assignment(token(20 + n)))
    created = create(matcher)
    first = Path(DEFAULT_FILENAME).read_bytes()
    lines = first.decode().splitlines()
    assert lines[0] == HEADER
    entries = [e.sort_key() for e in created.entries]
    assert entries == sorted(entries) and len(entries) == 8
    assert b'"line"' not in first and b"\r" not in first

    # Same findings in any order -> the same bytes; lines added above a secret change nothing.
    shuffled = list(scan(matcher).findings)
    random.Random(5).shuffle(shuffled)
    result = ScanResult()
    result.findings = shuffled
    assert create_baseline(result, ".").dumps().encode() == first
    git_repo.write("a.py", "import os\n\n\n" + assignment(token(11)) + "# moved down\n" + assignment(token(21)))
    assert update(matcher) == "8 kept, 0 added, 0 dropped"
    assert Path(DEFAULT_FILENAME).read_bytes() == first


# --- git merge -----------------------------------------------------------------------------------

def _branch_adding(repo: GitRepo, matcher: Matcher, branch: str, name: str, secret: str) -> None:
    repo.git("checkout", "-q", "-b", branch, "main")
    repo.write(name, assignment(secret))
    update(matcher)
    repo.git("add", "-A")
    repo.commit(f"{branch}: {name}")


@pytest.mark.parametrize("case", ["different gaps", "same gap, merge=union", "same gap, no union"])
def test_two_branches_adding_findings_merge_without_conflict(git_repo: GitRepo, matcher: Matcher,
                                                             case: str) -> None:
    git_repo.write("b.py", assignment(token(1)))
    git_repo.write("d.py", assignment(token(2)))
    create(matcher)
    if case == "same gap, merge=union":
        assert ensure_merge_union(DEFAULT_FILENAME) is True
        assert ensure_merge_union(DEFAULT_FILENAME) is False
        assert Path(".gitattributes").read_text() == f"/{DEFAULT_FILENAME} merge=union\n"
    git_repo.git("add", "-A")
    git_repo.commit("baseline")

    # different gaps: a.py sorts before b.py, e.py after d.py; same gap: both sort after d.py.
    first, second = ("a.py", "e.py") if case == "different gaps" else ("e.py", "f.py")
    _branch_adding(git_repo, matcher, "one", first, token(3))
    _branch_adding(git_repo, matcher, "two", second, token(4))
    git_repo.git("checkout", "-q", "one")
    merge = subprocess.run(["git", "merge", "--no-edit", "two"], cwd=git_repo.path, capture_output=True, text=True)

    if case == "same gap, no union":
        # Why `merge=union` is offered: git conflicts on two insertions at the same place, and
        # the loader then names the problem instead of failing on JSON.
        assert merge.returncode == 1 and "CONFLICT (content)" in merge.stdout
        with pytest.raises(BaselineError, match="unresolved merge conflict.*merge=union"):
            load_baseline(DEFAULT_FILENAME)
        return
    assert merge.returncode == 0, merge.stdout + merge.stderr
    assert "CONFLICT" not in merge.stdout
    merged = load_baseline(DEFAULT_FILENAME)
    assert sorted(e.path for e in merged.entries) == sorted(["b.py", "d.py", first, second])
    assert apply_baseline(scan(matcher), merged)[1:] == (4, [])
    assert update(matcher) == "4 kept, 0 added, 0 dropped"  # and re-sorted if union left them not


# --- detect-secrets ------------------------------------------------------------------------------

def _detect_secrets_baseline(directory: Path, target: Path) -> Path:
    """`detect-secrets scan` run in directory, its baseline written to target."""
    proc = subprocess.run([sys.executable, "-m", "detect_secrets", "scan", "--all-files"], cwd=directory,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    target.write_text(proc.stdout)
    return target


def _hits(matcher: Matcher, baseline: Baseline, names: list[str]) -> dict[str, str]:
    """What a scan gathers when the baseline has imported entries: fingerprint -> sha1 of the
    secrets it saw that those entries list."""
    knowing = Matcher(matcher.rules + matcher.analyser_rules, secret_sha1s=baseline.sha1s())
    return scan_paths(knowing, names, jobs=1).sha1_hits


def test_a_real_detect_secrets_baseline_suppresses_its_findings(git_repo: GitRepo, matcher: Matcher,
                                                                tmp_path: Path) -> None:
    git_repo.write("settings.py", f'aws_access_key_id = "{tokens.aws_key_id()}"\n'
                                  f'aws_secret_access_key = "{tokens.aws_secret()}"\n'
                                  f'password = "{tokens.password()}"\n')
    # Kept outside the scanned tree: credwall's generic rule flags its `"hashed_secret": "<40 hex>"`.
    ds_file = _detect_secrets_baseline(git_repo.path, tmp_path / ".secrets.baseline")
    imported = import_detect_secrets(str(ds_file), root=str(git_repo.path))
    assert imported.entries and all(e.imported and e.path == "settings.py" for e in imported.entries)
    assert any("AWS Access Key" in e.source for e in imported.entries)
    assert b"sha1" in imported.dumps().encode() and tokens.aws_secret().encode() not in imported.dumps().encode()

    git_repo.write("later.py", f'aws_access_key_id = "{tokens.aws_key_id(seed=99)}"\n')  # not in it
    result = scan(matcher)
    assert {f.rule_id for f in result.findings} == {"aws-access-key-id", "aws-secret-access-key",
                                                    "generic-password-assignment"}
    assert apply_baseline(result, imported).suppressed == 0  # a sha1 alone matches no fingerprint

    hits = _hits(matcher, imported, ["settings.py", "later.py"])
    findings, suppressed, unused = apply_baseline(result, imported, hits)
    assert suppressed == 3 and unused == []
    assert [(f.path, f.rule_id) for f in findings] == [("./later.py", "aws-access-key-id")]

    # The first update turns the matched imported entries into native ones.
    new, summary = update_baseline(imported, result, hits)
    assert summary.describe() == "0 kept, 1 added, 0 dropped, 3 converted from detect-secrets"
    assert not any(e.imported for e in new.entries)
    write_baseline(new, DEFAULT_FILENAME)
    assert apply_baseline(scan(matcher), load_baseline(DEFAULT_FILENAME)).suppressed == 4


def test_a_detect_secrets_baseline_combines_with_ours(git_repo: GitRepo, matcher: Matcher,
                                                     tmp_path: Path) -> None:
    git_repo.write("a.py", assignment(token(1)))
    ours = create(matcher)
    ds = tmp_path / ".secrets.baseline"
    ds.write_text('{"version": "1.5.0", "plugins_used": [], "results": {"x.py": ['
                  '{"type": "Secret Keyword", "filename": "x.py", "hashed_secret": "' + "ab" * 20 + '", '
                  '"is_verified": false, "line_number": 3}, {"type": "Hex High Entropy String", '
                  '"filename": "x.py", "hashed_secret": "' + "ab" * 20 + '", "line_number": 3}]}}')
    both = ours.combined(import_detect_secrets(str(ds), root="."))
    write_baseline(both, DEFAULT_FILENAME)
    loaded = load_baseline(DEFAULT_FILENAME)
    assert loaded == both and len(loaded) == 2
    assert loaded.entries[1] == Entry(path="x.py", sha1="ab" * 20,
                                      source="detect-secrets: Hex High Entropy String, Secret Keyword")
    # Matching nothing, the imported entry is unused; the first update drops it.
    applied = apply_baseline(scan(matcher), loaded, {})
    assert applied.suppressed == 1 and [e.path for e in applied.unused] == ["x.py"]
    assert update(matcher) == "1 kept, 0 added, 1 dropped"


# --- errors --------------------------------------------------------------------------------------

_FP = "0" * 64


@pytest.mark.parametrize("content, message", [
    (b"", "empty file, not a credwall baseline"),
    (b"not json\n", ":1: not valid JSON"),
    (b"[]\n", ":1: not a credwall baseline"),
    (b'{"credwall-baseline": 3}\n', ":1: baseline format 3 is not supported"),
    (HEADER.encode() + b'\n{"path": "a.py", "rule_id": "x", "fingerprint": "0f"\n', ":2: not valid JSON"),
    (HEADER.encode() + b'\n\n{"path": "a.py", "rule_id": "x", "fingerprint": "zz"}\n', ":3: 'fingerprint' must be 64"),
    (HEADER.encode() + b'\n{"path": "a.py", "fingerprint": "' + _FP.encode() + b'"}\n', ":2: entry has no 'rule_id'"),
    (HEADER.encode() + b'\n{"rule_id": "x", "fingerprint": "' + _FP.encode() + b'"}\n', ":2: entry has no 'path'"),
    (HEADER.encode() + b'\n{"path": "a", "rule_id": "x", "fingerprint": "' + _FP.encode() + b'", "line": 3}\n',
     ":2: unknown key 'line'"),
    (HEADER.encode() + b'\n{"path": "a", "sha1": "abc"}\n', ":2: 'sha1' must be 40"),
    (HEADER.encode() + b'\n["a"]\n', ":2: an entry must be a JSON object"),
    (HEADER.encode() + b'\n<<<<<<< HEAD\n', ":2: unresolved merge conflict"),
    (b'{\n  "version": "1.5.0",\n  "plugins_used": [],\n  "results": {}\n}\n',
     "this is a detect-secrets baseline; import it with `credwall baseline import"),
    (b"\xff\xfe\x00garbage", "not UTF-8 text"),
])
def test_a_malformed_baseline_is_a_clear_error_naming_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    target = tmp_path / "team.jsonl"
    target.write_bytes(content)
    with pytest.raises(BaselineError) as info:
        load_baseline(str(target))
    assert str(info.value).startswith(str(target))
    assert message in str(info.value)


def test_missing_files_and_bad_imports_are_clear_errors(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.jsonl")
    with pytest.raises(BaselineError, match=f"^{re.escape(missing)}: no such baseline file$"):
        load_baseline(missing)
    with pytest.raises(BaselineError, match="cannot write"):
        write_baseline(Baseline([], str(tmp_path)), str(tmp_path / "no-dir" / "b.jsonl"))
    ds = tmp_path / ".secrets.baseline"
    for content, message in [("{", "not valid JSON"), ("{}", "not a detect-secrets baseline"),
                             ('{"results": {"a": {}}}', "results['a'] must be a list"),
                             ('{"results": {"a": [{"hashed_secret": "xyz"}]}}', "'hashed_secret' must be a sha1")]:
        ds.write_text(content)
        with pytest.raises(BaselineError, match=re.escape(message)) as info:
            import_detect_secrets(str(ds))
        assert str(info.value).startswith(str(ds))
