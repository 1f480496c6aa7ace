"""History scans (credwall.sources.history) on real repositories: what each commit added, with the
commit, author and date; ranges, branches, merges, an empty repository, the progress bar."""

from __future__ import annotations

import io
import os
import subprocess

import pytest

from credwall import history
from credwall.sources.git import GitError
from credwall.history import HistoryError, scan_history
from credwall.progress import ProgressBar, terminal_progress
from credwall.scan import scan_paths
from tests import tokens
from tests.conftest import GitRepo


def _sha(repo: GitRepo, rev: str = "HEAD") -> str:
    return repo.git("rev-parse", rev).strip()


def _commit(repo: GitRepo, name: str, content: str | bytes, message: str = "change") -> str:
    repo.stage(name, content)
    repo.commit(message)
    return _sha(repo)


def _where(result: history.HistoryResult) -> list[tuple[str | None, str, int]]:
    return [(f.commit, f.path, f.line) for f in result.findings]


def test_a_token_added_then_removed_is_found_in_history_not_in_the_tree(git_repo, matcher) -> None:  # type: ignore[no-untyped-def]
    secret = tokens.github_classic(seed=301)
    _commit(git_repo, "app.py", "import os\n")
    added = _commit(git_repo, "app.py", f"import os\nTOKEN = '{secret}'\n", "add token")
    _commit(git_repo, "app.py", "import os\nTOKEN = os.environ['TOKEN']\n", "remove token")

    tree = scan_paths(matcher, [str(git_repo.path)])
    assert tree.findings == [] and not tree.errors

    result = scan_history(matcher, str(git_repo.path))
    assert not result.errors
    assert result.commits == 3
    [finding] = result.findings
    assert (finding.rule_id, finding.path, finding.line, finding.column) == ("github-pat", "app.py", 2, 10)
    assert finding.commit == added
    assert finding.author == "Dev <dev@example.invalid>"
    date = git_repo.git("log", "-1", "--format=%aI", added).strip()
    assert finding.date == date and "T" in date
    assert secret not in repr(finding)
    assert finding.to_json()["commit"] == added


def test_since_scans_only_the_commits_after_rev(git_repo, matcher) -> None:  # type: ignore[no-untyped-def]
    old = _commit(git_repo, "a.py", f"A = '{tokens.github_classic(seed=311)}'\n")
    base = _commit(git_repo, "b.py", "pass\n")
    new = _commit(git_repo, "c.py", f"C = '{tokens.github_classic(seed=312)}'\n")

    assert [c for c, _, _ in _where(scan_history(matcher, str(git_repo.path)))] == [old, new]
    since = scan_history(matcher, str(git_repo.path), since=base)
    assert _where(since) == [(new, "c.py", 1)]
    assert since.commits == 1
    nothing = scan_history(matcher, str(git_repo.path), since="HEAD")
    assert nothing.findings == [] and nothing.empty == "no commits in the selected range"


def test_range_is_passed_as_given(git_repo, matcher) -> None:  # type: ignore[no-untyped-def]
    first = _commit(git_repo, "a.py", f"A = '{tokens.github_classic(seed=321)}'\n")
    second = _commit(git_repo, "b.py", f"B = '{tokens.github_classic(seed=322)}'\n")
    _commit(git_repo, "c.py", f"C = '{tokens.github_classic(seed=323)}'\n")

    assert _where(scan_history(matcher, str(git_repo.path), rev_range=f"{first}..{second}")) == [(second, "b.py", 1)]
    # One revision: it and its history.
    assert [p for _, p, _ in _where(scan_history(matcher, str(git_repo.path), rev_range=second))] == ["a.py", "b.py"]


def test_all_branches_reaches_commits_head_does_not(git_repo, matcher) -> None:  # type: ignore[no-untyped-def]
    _commit(git_repo, "README", "hello\n")
    git_repo.git("checkout", "-q", "-b", "topic")
    on_topic = _commit(git_repo, "deploy.sh", f"export AWS_ACCESS_KEY_ID={tokens.aws_key_id(seed=331)}\n")
    git_repo.git("checkout", "-q", "main")

    assert scan_history(matcher, str(git_repo.path)).findings == []
    everything = scan_history(matcher, str(git_repo.path), all_branches=True)
    assert [(c, p) for c, p, _ in _where(everything)] == [(on_topic, "deploy.sh")]
    assert everything.commits == 2


def test_merges_report_what_they_introduce_and_branch_secrets_once(git_repo, matcher) -> None:  # type: ignore[no-untyped-def]
    _commit(git_repo, "app.py", "one\ntwo\n")
    git_repo.git("checkout", "-q", "-b", "topic")
    on_branch = _commit(git_repo, "app.py", f"one\ntwo\nK = '{tokens.github_classic(seed=341)}'\n", "branch token")
    git_repo.git("checkout", "-q", "main")
    _commit(git_repo, "other.py", "x = 1\n")
    # An "evil merge": the resolution adds a line neither parent has.
    git_repo.git("merge", "-q", "--no-ff", "--no-commit", "topic")
    evil = tokens.stripe_live(seed=342)
    git_repo.write("app.py", f"one\ntwo\nK = '{tokens.github_classic(seed=341)}'\nS = '{evil}'\n")
    git_repo.git("add", "app.py")
    git_repo.commit("merge topic")
    merge = _sha(git_repo)
    assert len(git_repo.git("rev-list", "--parents", "-1", "HEAD").split()) == 3

    result = scan_history(matcher, str(git_repo.path))
    assert not result.errors
    assert sorted((f.rule_id, f.commit, f.line) for f in result.findings) == sorted(
        [("github-pat", on_branch, 3), ("stripe-secret-key", merge, 4)])
    assert result.repeats == 0  # the merge does not re-report the branch's token
    # Only the merge, from its first parent's side: the branch commit is outside the range.
    only_merge = scan_history(matcher, str(git_repo.path), rev_range=f"{merge}^1..{merge}")
    assert [(f.rule_id, f.commit) for f in only_merge.findings if f.commit == merge] == [("stripe-secret-key", merge)]


def test_a_repository_with_no_commits(git_repo, matcher) -> None:  # type: ignore[no-untyped-def]
    result = scan_history(matcher, str(git_repo.path))
    assert result.empty == "no commits yet: there is no history to scan"
    assert result.findings == [] and result.errors == [] and result.commits == 0
    assert history.history_summary(result) == "credwall: no commits yet: there is no history to scan"
    assert scan_history(matcher, str(git_repo.path), all_branches=True).empty == "no commits in the selected range"


def test_each_secret_once_per_path_in_the_earliest_commit(git_repo, matcher) -> None:  # type: ignore[no-untyped-def]
    secret = tokens.github_classic(seed=351)
    first = _commit(git_repo, "a.py", f"T = '{secret}'\n")
    _commit(git_repo, "a.py", "T = None\n")
    _commit(git_repo, "a.py", f"T = '{secret}'\n", "re-added")
    elsewhere = _commit(git_repo, "b.py", f"T = '{secret}'\n")
    git_repo.git("mv", "a.py", "renamed.py")
    git_repo.commit("rename")  # a rename adds no lines

    result = scan_history(matcher, str(git_repo.path))
    assert _where(result) == [(first, "a.py", 1), (elsewhere, "b.py", 1)]
    assert result.repeats == 1
    assert "1 repeated sighting" in history.history_summary(result)
    assert len(scan_history(matcher, str(git_repo.path), dedupe=False).findings) == 3


def test_parallel_chunks_give_the_sequential_result(git_repo, matcher, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # fast-import: 40 commits in one process; a token every 7th, the first re-added at 35 in
    # the same file (a repeat across chunks).
    stream = bytearray()
    for n in range(40):
        token = tokens.github_classic(seed=360 + (n // 7 if n != 35 else 0)) if n % 7 == 0 else ""
        body = f"line {n}\n" + (f"T{n} = '{token}'\n" if token else "")
        data = body.encode()
        msg = f"c{n}".encode()
        stream += b"commit refs/heads/main\nauthor A <a@example.invalid> %d +0000\n" % (1_700_000_000 + n)
        stream += b"committer A <a@example.invalid> %d +0000\ndata %d\n%s\n" % (1_700_000_000 + n, len(msg), msg)
        stream += b"M 100644 inline f%d.py\ndata %d\n%s\n" % (n % 5, len(data), data)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=git_repo.path, input=bytes(stream), check=True)
    sequential = scan_history(matcher, str(git_repo.path), jobs=1)
    monkeypatch.setattr(history, "PARALLEL_MIN_COMMITS", 1)
    seen: list[tuple[int, int | None]] = []
    parallel = scan_history(matcher, str(git_repo.path), jobs=2, progress=lambda d, t, b: seen.append((d, t)))
    assert len(sequential.findings) == 5 and sequential.repeats == 1
    assert sequential.commits == parallel.commits == 40
    assert parallel.findings == sequential.findings
    assert (parallel.repeats, parallel.files, parallel.bytes) == (sequential.repeats, sequential.files, sequential.bytes)
    assert seen[-1] == (40, 40)


def test_binary_history_is_decoded_and_odd_paths_survive(git_repo, matcher) -> None:  # type: ignore[no-untyped-def]
    utf16 = _commit(git_repo, "conf/settings.ini", f"token = {tokens.github_classic(seed=371)}\n".encode("utf-16"))
    odd = _commit(git_repo, "dir with space/é.txt", f"key: {tokens.anthropic_key(seed=372)}\n")
    _commit(git_repo, "logo.png", b"\x89PNG\r\n\x1a\n\0\0" + tokens.github_classic(seed=373).encode())

    png = git_repo.git("rev-parse", "HEAD").strip()
    result = scan_history(matcher, str(git_repo.path))
    assert not result.errors
    assert sorted((c, p) for c, p, _ in _where(result)) == sorted([
        (utf16, "conf/settings.ini"), (odd, "dir with space/é.txt"), (png, "logo.png")])  # nothing skipped by name
    assert result.notes["binary (printable runs read)"] == 1


def test_bad_revisions_fail_with_a_message(git_repo, matcher) -> None:  # type: ignore[no-untyped-def]
    _commit(git_repo, "a.py", "pass\n")
    with pytest.raises(GitError, match="nope"):
        scan_history(matcher, str(git_repo.path), since="nope")
    with pytest.raises(HistoryError, match="not a revision"):
        scan_history(matcher, str(git_repo.path), rev_range="--output=/tmp/x")
    with pytest.raises(HistoryError, match="cannot be combined"):
        scan_history(matcher, str(git_repo.path), rev_range="HEAD", all_branches=True)
    with pytest.raises(GitError):
        scan_history(matcher, str(git_repo.path.parent))  # not a repository


def test_history_revisions() -> None:
    assert history.history_revisions() == ["HEAD"]
    assert history.history_revisions(since="v1") == ["HEAD", "^v1"]
    assert history.history_revisions(all_branches=True) == ["--all"]
    assert history.history_revisions(all_branches=True, since="v1") == ["--all", "^v1"]
    assert history.history_revisions(rev_range="a..b") == ["a..b"]


def test_progress_bar_only_on_a_terminal(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("CI", raising=False)
    assert terminal_progress(io.StringIO()) is None
    master, slave = os.openpty()
    try:
        with os.fdopen(slave, "w", closefd=False) as tty:
            bar = terminal_progress(tty)
            assert isinstance(bar, ProgressBar)
            bar.delay = 0.0
            bar(500, 2000, 3_000_000)
            bar.finish()
            written = _drain(master)
    finally:
        os.close(master)
        os.close(slave)
    assert "500/2,000 commits" in written and "MB/s" in written
    assert written.endswith("\r\x1b[K")


def test_progress_bar_stays_quiet_for_short_scans() -> None:
    out = io.StringIO()
    bar = ProgressBar(out)  # default: nothing in the first half second
    bar(1, 2, 10)
    bar.finish()
    assert out.getvalue() == ""


def _drain(fd: int) -> str:
    """Everything written to the terminal so far: a pty hands it over in pieces."""
    import select

    data = b""
    while select.select([fd], [], [], 0.2)[0]:
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data.decode()


def test_a_clean_blob_met_again_is_not_read_again_and_changes_nothing(git_repo, matcher,  # type: ignore[no-untyped-def]
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from credwall.sources import git as cgit

    clean = json.dumps({"name": "app", "debug": False}) + "\n"
    leaky = json.dumps({"name": "app", "api_key": tokens.stripe_live(seed=77)}) + "\n"
    for n in range(4):  # the config flips between a clean and a leaky version, then is copied
        _commit(git_repo, "config.json", clean if n % 2 == 0 else leaky, f"flip {n}")
    _commit(git_repo, "copy/config.json", clean, "copy")
    _commit(git_repo, "config.json", clean.replace("app", "App"), "rename the app")
    _commit(git_repo, "config.json", clean, "and back")

    reads: list[str] = []
    real_read = cgit.BlobReader.read

    def counting(self, blob: str, max_bytes: int) -> bytes | None:  # type: ignore[no-untyped-def]
        reads.append(blob)
        return real_read(self, blob, max_bytes)

    monkeypatch.setattr(cgit.BlobReader, "read", counting)
    remembered = scan_history(matcher, str(git_repo.path), jobs=1)
    read_with_memo = len(reads)
    reads.clear()
    monkeypatch.setattr(history._CommitScanner, "_known_clean", lambda self, blob, path: False)
    monkeypatch.setattr(history._CommitScanner, "_clean_whole", lambda self, blob, path, data: False)
    plain = scan_history(matcher, str(git_repo.path), jobs=1)
    assert [f for f in remembered.findings] == [f for f in plain.findings]
    assert len(remembered.findings) == 1 and remembered.repeats == plain.repeats == 1
    assert (remembered.files, remembered.bytes) == (plain.files, plain.bytes)
    assert read_with_memo < len(reads)  # the clean version's later sightings were not read
