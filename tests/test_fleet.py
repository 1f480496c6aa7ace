"""`credwall fleet`: twelve generated repositories through a Dask LocalCluster give the findings
of twelve `credwall scan --history` runs; the local engine through the CLI; a rerun skips the
repositories already finished; bad input is an error with a message."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

from tests import tokens

pytest.importorskip("git", reason="GitPython is not installed (pip install 'credwall[fleet]')")

REPOS = 12


def build_repo(path: Path, n: int) -> None:
    """A repository of a few commits made with `git fast-import`: tokens added and removed again,
    a `.env` and a JSON config (whole-file kinds), a side branch merged back, and the same blob
    at two paths and in two commits."""
    stream = bytearray()
    mark = 0

    def commit(branch: str, files: dict[str, str], parents: list[str] = (), deletes: tuple[str, ...] = ()) -> str:
        nonlocal mark
        mark += 1
        when = 1_700_000_000 + mark * 60
        message = f"commit {mark}".encode()
        stream.extend(b"commit refs/heads/%s\nmark :%d\n" % (branch.encode(), mark))
        stream.extend(b"author Dev <dev@example.invalid> %d +0000\n" % when)
        stream.extend(b"committer Dev <dev@example.invalid> %d +0000\ndata %d\n%s\n" % (when, len(message), message))
        for k, parent in enumerate(parents):
            stream.extend((b"from %s\n" if k == 0 else b"merge %s\n") % parent.encode())
        for name in deletes:
            stream.extend(b"D %s\n" % name.encode())
        for name, text in files.items():
            data = text.encode()
            stream.extend(b"M 100644 inline %s\ndata %d\n%s\n" % (name.encode(), len(data), data))
        return f":{mark}"

    seed = 100 * n
    token = tokens.github_classic(seed=seed)
    key_id, secret = tokens.aws_key_id(seed=seed + 1), tokens.aws_secret(seed=seed + 2)
    config = json.dumps({"service": {"api_key": tokens.stripe_live(seed=seed + 3)}}, indent=2) + "\n"
    first = commit("main", {"README.md": f"repo {n}\n", "app.py": "print('hello')\n"})
    second = commit("main", {"app.py": f"print('hello')\nTOKEN = '{token}'\n", "config.json": config}, [first])
    third = commit("main", {"app.py": "print('hello')\n", ".env": f"AWS_ACCESS_KEY_ID={key_id}\n"}, [second])
    side = commit("side", {"notes.txt": f"aws_secret_access_key = {secret}\n", "copy.json": config}, [second])
    merged = commit("main", {"app.py": "print('hello again')\n"}, [third, side])
    commit("main", {"app.py": f"print('hello')\nTOKEN = '{token}'\n"} if n % 2 else {"README.md": "bye\n"}, [merged])
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=path, input=bytes(stream), check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=path, check=True)


@pytest.fixture(scope="module")
def repos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("fleet")
    paths = []
    for n in range(REPOS):
        path = root / f"repo{n:02d}"
        build_repo(path, n)
        paths.append(path)
    return paths


def _key(finding: dict[str, Any]) -> tuple[Any, ...]:
    return (finding["rule_id"], finding["path"], finding["line"], finding["column"], finding["fingerprint"],
            finding["commit"])


def separate_scans(repos: list[Path], run_cli: Callable[..., tuple[int, str, str]],
                   monkeypatch: pytest.MonkeyPatch) -> set[tuple[Any, ...]]:
    """What `credwall scan --history` reports in each repository, paths prefixed with the repo."""
    expected = set()
    for repo in repos:
        monkeypatch.chdir(repo)
        code, out, err = run_cli("scan", "--history", "--format", "json")
        assert code == 1, err
        for finding in json.loads(out)["findings"]:
            finding["path"] = f"{repo}/{finding['path']}"
            expected.add(_key(finding))
    return expected


def test_twelve_repositories_through_a_dask_local_cluster(repos: list[Path], tmp_path: Path, run_cli,  # type: ignore[no-untyped-def]
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    distributed = pytest.importorskip("distributed", reason="dask's distributed is not installed "
                                                            "(pip install 'credwall[dask]'): the Dask engine is not tested")
    from credwall import report
    from credwall.fleet import DaskEngine, FleetState, run_fleet

    expected = separate_scans(repos, run_cli, monkeypatch)
    assert len(expected) >= 4 * REPOS  # tokens, the .env, the JSON configs, the side branch
    # Worker threads in this process (inproc transport): the suite allows no socket connection,
    # not even the UDP `connect` (no packet sent) by which distributed picks its own address.
    from distributed.comm.inproc import global_manager

    monkeypatch.setattr(global_manager, "_ip", "127.0.0.1")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    client = distributed.Client(cluster)
    try:
        result = run_fleet([str(r) for r in repos], DaskEngine(client=client), FleetState(str(tmp_path / "state")))
        # Each history split into ranges of two commits: more tasks, the same findings.
        ranged = run_fleet([str(r) for r in repos[:4]], DaskEngine(client=client), FleetState(str(tmp_path / "ranged")),
                           range_commits=2)
    finally:
        client.close()
        cluster.close()
    assert not result.errors and not ranged.errors
    got = {_key(f.to_json()) for f in result.findings}
    assert got == expected
    assert len(result.findings) == len(expected)  # and nothing twice
    assert sorted(_key(f.to_json()) for f in ranged.findings) == sorted(
        k for k in expected if any(k[1].startswith(f"{r}/") for r in repos[:4]))
    assert ranged.commits == sum(int(subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=r, capture_output=True,
                                                    text=True, check=True).stdout) for r in repos[:4])
    sarif = report.to_sarif(result)
    assert len(sarif["runs"][0]["results"]) == len(expected)  # type: ignore[index]


def test_the_local_engine_from_the_cli_resumes_after_a_crash(repos: list[Path], tmp_path: Path, run_cli,  # type: ignore[no-untyped-def]
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    chosen = repos[:3]
    expected = separate_scans(chosen, run_cli, monkeypatch)
    listing = tmp_path / "repos.txt"
    listing.write_text("# three of them\n" + "".join(f"{r}\n" for r in chosen[:2]) + "\n")
    state = tmp_path / "state"
    code, out, err = run_cli("fleet", "--repos", str(listing), "--engine", "local", "--jobs", "2",
                             "--state", str(state), "--format", "json")
    assert code == 1, err
    first = {_key(f) for f in json.loads(out)["findings"]}
    assert first and first < expected
    # A finished repository is read from the state directory, not scanned again: moving one
    # away does not change its findings; the newly listed one is scanned.
    moved = tmp_path / "moved"
    shutil.move(str(chosen[0]), moved)
    try:
        listing.write_text("".join(f"{r}\n" for r in chosen))
        code, out, err = run_cli("fleet", "--repos", str(listing), "--state", str(state), "--format", "json")
    finally:
        shutil.move(str(moved), chosen[0])
    assert code == 1, err
    assert "2 of 3 repositories already scanned" in err
    assert {_key(f) for f in json.loads(out)["findings"]} == expected
    # Other options (every branch) make other results: nothing is reused.
    code, out, err = run_cli("fleet", "--repos", str(listing), "--state", str(state), "--all-branches",
                             "--format", "json")
    assert code == 1 and "already scanned" not in err


def test_a_file_url_is_cloned_and_its_findings_name_the_url(repos: list[Path], tmp_path: Path, run_cli,  # type: ignore[no-untyped-def]
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"file://{repos[4]}"
    (tmp_path / "repos.txt").write_text(url + "\n")
    code, out, err = run_cli("fleet", "--repos", str(tmp_path / "repos.txt"), "--format", "json", "--jobs", "1")
    assert code == 1, err
    found = json.loads(out)["findings"]
    expected = separate_scans([repos[4]], run_cli, monkeypatch)
    assert {_key({**f, "path": f["path"].replace(url, str(repos[4]), 1)}) for f in found} == expected
    assert not list((tmp_path / ".credwall-fleet" / "clones").iterdir())  # the clone is removed


@pytest.mark.parametrize("listing, message", [
    (None, "cannot read the repository list"),
    ("# nothing\n\n", "no repositories listed"),
    ("--upload-pack=evil\n", "would read as a git option"),
])
def test_a_bad_repository_list_is_an_error(tmp_path: Path, run_cli, listing: str | None, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "repos.txt"
    if listing is not None:
        path.write_text(listing)
    code, out, err = run_cli("fleet", "--repos", str(path))
    assert code == 2 and message in err and "Traceback" not in err


def test_a_listed_path_that_is_no_repository_fails_the_run_and_is_retried(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "plain").mkdir()
    (tmp_path / "repos.txt").write_text(f"{tmp_path / 'plain'}\n")
    code, out, err = run_cli("fleet", "--repos", str(tmp_path / "repos.txt"), "--jobs", "1", "--format", "json")
    assert code == 2 and "not a git repository" in out + err
    assert not list((tmp_path / ".credwall-fleet").glob("*.json"))  # not recorded as finished


def test_an_engine_that_is_not_installed_is_named(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    (tmp_path / "repos.txt").write_text(f"{tmp_path}\n")
    code, out, err = run_cli("fleet", "--repos", str(tmp_path / "repos.txt"), "--engine", "ray")
    assert code == 2 and "pip install 'credwall[ray]'" in err
