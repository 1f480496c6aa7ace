"""The rule and regex caches are untrusted input: each attack an agent with write access to the
cache directory could try must end in correct findings and a rebuilt cache, never in a
dropped rule, a blind regex, or code loaded from a path the cache names."""

from __future__ import annotations

import marshal
import os
import resource
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import pytest

from credwall.engine import cachefile
from credwall.engine.matcher import CACHE_REBUILT_NOTE, Matcher
from credwall.engine.regexcache import RegexCompiler
from credwall.engine.rulecache import SHIPPED_FORM, load_cached, write_shipped
from credwall.engine.rules import builtin_pack_dir, load_packs, pack_files
from tests.conftest import REPO_ROOT
from tests.tokens import github_classic

BUILTIN_RULES = load_packs(pack_files(builtin_pack_dir()))
IDS = [rule.id for rule in BUILTIN_RULES]
GITHUB = next(rule for rule in BUILTIN_RULES if rule.id == "github-pat")
NEVER_MATCHES = r"(?P<secret>x{1000})"


# --- helpers: what an attacker with write access to the cache directory can do ---------------

def packs_dir(tmp_path: Path, shipped: bool) -> Path:
    """A copy of the built-in packs, as an install lays them out (with the shipped form) or as
    a source checkout does (without)."""
    target = tmp_path / "patterns"
    target.mkdir(parents=True)
    for path in pack_files(builtin_pack_dir()):
        shutil.copy2(path, target)
    if shipped:
        write_shipped(str(target))
    return target


def rules_payload(path: Path) -> tuple[Any, list[Any]]:
    magic, key, digest, payload = marshal.loads(path.read_bytes())
    return key, marshal.loads(payload)


def write_rules_cache(path: Path, key: Any, rows: list[Any], *, fix_digest: bool) -> None:
    """Rows written under a key; with fix_digest the payload digest is recomputed too (a
    deliberate forgery), else the original digest is kept (a careless edit, or damage)."""
    magic, _, digest, _ = marshal.loads(path.read_bytes())
    payload = marshal.dumps(rows, 4)
    path.write_bytes(marshal.dumps((magic, key, cachefile.digest(payload) if fix_digest else digest, payload), 4))


def regex_entries(path: Path) -> dict[str, Any]:
    return dict(marshal.loads(path.read_bytes())["codes"])


def forge_program(cache: Path, victim: str, program_of: str, tmp_path: Path) -> None:
    """Replace the victim pattern's stored program by that of another pattern, consistently
    (arguments keyed to the victim, checksum recomputed), as a deliberate attacker would."""
    donor_cache = tmp_path / "donor.marshal"
    donor = RegexCompiler(str(donor_cache))
    donor.compile(program_of)
    donor.flush()
    _, blob = regex_entries(donor_cache)[program_of]
    args = (victim,) + marshal.loads(blob)[1:]
    blob = marshal.dumps(args)
    data = marshal.loads(cache.read_bytes())
    data["codes"][victim] = (cachefile.checksum(victim.encode(), blob), blob)
    cache.write_bytes(marshal.dumps(data))


def no_tmp_files(directory: Path) -> bool:
    return not list(directory.glob("*.tmp")) if directory.is_dir() else True


# --- the rules cache -------------------------------------------------------------------------

def test_installed_rules_come_from_the_shipped_form_not_the_user_cache(tmp_path: Path) -> None:
    packs = packs_dir(tmp_path, shipped=True)
    cache = tmp_path / "cache" / "rules.marshal"
    loaded = load_cached(pack_files(packs), str(packs), str(cache))
    rules, examples = loaded.rules, loaded.examples
    assert [r.to_cache() for r in rules] == [r.to_cache() for r in BUILTIN_RULES]
    assert not cache.exists()  # nothing of the built-in rules is written to (or read from) it
    assert all(r.examples == () for r in rules)  # examples are decoded per rule, on demand:
    assert [examples(r) for r in rules] == [r.examples for r in BUILTIN_RULES]


def test_forged_user_cache_cannot_drop_a_built_in_rule(tmp_path: Path) -> None:
    """A consistent forgery (right key, right digest, one rule fewer) of the user cache does
    not matter to an installed credwall: its built-in rules never come from there."""
    checkout = packs_dir(tmp_path / "a", shipped=False)
    cache = tmp_path / "cache" / "rules.marshal"
    load_cached(pack_files(checkout), str(checkout), str(cache))
    key, rows = rules_payload(cache)
    write_rules_cache(cache, key, [row for row in rows if row[0] != "github-pat"], fix_digest=True)
    installed = packs_dir(tmp_path / "b", shipped=True)
    assert [r.id for r in load_cached(pack_files(installed), str(installed), str(cache)).rules] == IDS


def test_rule_removed_from_the_user_cache_is_rebuilt(tmp_path: Path) -> None:
    packs = packs_dir(tmp_path, shipped=False)
    cache = tmp_path / "cache" / "rules.marshal"
    load_cached(pack_files(packs), str(packs), str(cache))
    key, rows = rules_payload(cache)
    write_rules_cache(cache, key, [row for row in rows if row[0] != "github-pat"], fix_digest=False)
    assert [r.id for r in load_cached(pack_files(packs), str(packs), str(cache)).rules] == IDS
    assert [row[0] for row in rules_payload(cache)[1]] == IDS  # rewritten whole


def test_truncated_rules_cache_is_rebuilt(tmp_path: Path) -> None:
    packs = packs_dir(tmp_path, shipped=False)
    cache = tmp_path / "cache" / "rules.marshal"
    load_cached(pack_files(packs), str(packs), str(cache))
    cache.write_bytes(cache.read_bytes()[: cache.stat().st_size // 2])
    assert [r.id for r in load_cached(pack_files(packs), str(packs), str(cache)).rules] == IDS
    assert [row[0] for row in rules_payload(cache)[1]] == IDS


EXTRA_PACK = textwrap.dedent("""\
    rules:
      - id: team-token
        description: Team token
        regex: '(?P<secret>tt_[a-z0-9]{{20}})'
        confidence: high
        keywords: [tt_]
        {allowlist}
        examples:
          - text: 'TEAM = "tt_{body}"'
            secret: 'tt_{body}'
    """)
BODY = "k3m9x2p7q1w8e4r6t0y5"


def extra_pack(path: Path, regex_id: str = "team-token", allowlist: str = "") -> Path:
    path.write_text(EXTRA_PACK.format(body=BODY, allowlist=allowlist).replace("team-token", regex_id))
    return path


def test_pack_with_other_content_but_the_same_size_and_mtime_is_reparsed(tmp_path: Path) -> None:
    packs = packs_dir(tmp_path, shipped=True)
    extra = extra_pack(tmp_path / "team.yaml", "team-token")
    cache = tmp_path / "cache" / "rules.marshal"
    paths = pack_files(packs) + [str(extra)]
    assert load_cached(paths, str(packs), str(cache)).rules[-1].id == "team-token"
    stat = extra.stat()
    extra_pack(extra, "team-tokex")  # same length, other content
    os.utime(extra, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert extra.stat().st_size == stat.st_size and extra.stat().st_mtime_ns == stat.st_mtime_ns
    assert load_cached(paths, str(packs), str(cache)).rules[-1].id == "team-tokex"


def test_built_in_pack_edited_in_place_is_not_served_from_the_shipped_form(tmp_path: Path) -> None:
    packs = packs_dir(tmp_path, shipped=True)
    pack = packs / "vcs-ci.yaml"
    original = pack.read_bytes()
    pack.write_bytes(original.replace(b"confidence: high", b"confidence: low ", 1))
    assert pack.read_bytes() != original
    cache = tmp_path / "cache" / "rules.marshal"
    rules = load_cached(pack_files(packs), str(packs), str(cache)).rules
    assert [r.to_cache() for r in rules] == [r.to_cache() for r in load_packs(pack_files(packs))]
    lows = [r.confidence for r in rules].count("low")
    assert lows == [r.confidence for r in BUILTIN_RULES].count("low") + 1  # the edit is in force
    assert cache.exists()  # the edited packs went through the user cache instead


def test_extra_pack_may_not_redefine_a_built_in_rule(tmp_path: Path) -> None:
    from credwall.engine.rules import RuleError

    packs = packs_dir(tmp_path, shipped=True)
    extra = extra_pack(tmp_path / "dup.yaml", "github-pat")
    with pytest.raises(RuleError, match="github-pat.*already defined in vcs-ci.yaml"):
        load_cached(pack_files(packs) + [str(extra)], str(packs), str(tmp_path / "rules.marshal"))


# --- the regex cache -------------------------------------------------------------------------

def test_program_swapped_for_one_that_never_matches_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "regex.marshal"
    token = github_classic()
    text = f'token = "{token}"\n'
    first = Matcher(BUILTIN_RULES, RegexCompiler(str(cache)))
    assert [m.secret for m in first.scan(text)] == [token]
    first.flush_caches()
    forge_program(cache, GITHUB.regex, NEVER_MATCHES, tmp_path)
    assert RegexCompiler(str(cache)).compile(GITHUB.regex).search(text) is None  # the forgery works...

    matcher = Matcher(BUILTIN_RULES, RegexCompiler(str(cache)))
    assert [m.secret for m in matcher.scan(text)] == [token]  # ...yet the finding stands
    assert matcher.take_cache_rebuilt() == 1
    matcher.flush_caches()
    rebuilt = RegexCompiler(str(cache))
    assert rebuilt.compile(GITHUB.regex).search(text).group("secret") == token
    assert rebuilt.from_cache(GITHUB.regex)  # the entry was rewritten, not merely bypassed


def test_allowlist_program_swapped_for_one_that_allows_everything_is_rebuilt(tmp_path: Path) -> None:
    extra = extra_pack(tmp_path / "team.yaml", allowlist="allowlist: {regexes: ['^EXAMPLE']}")
    rules = load_packs([extra])
    cache = tmp_path / "regex.marshal"
    text = f'TEAM = "tt_{BODY}"\n'
    first = Matcher(rules, RegexCompiler(str(cache)))
    assert len(first.scan(text)) == 1
    first.flush_caches()
    forge_program(cache, "^EXAMPLE", "(?s).", tmp_path)
    matcher = Matcher(rules, RegexCompiler(str(cache)))
    assert len(matcher.scan(text)) == 1
    assert matcher.take_cache_rebuilt() == 1


def test_truncated_or_damaged_regex_cache_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "regex.marshal"
    token = github_classic()
    first = Matcher(BUILTIN_RULES, RegexCompiler(str(cache)))
    first.scan(f"x = {token}\n")
    first.flush_caches()
    data = marshal.loads(cache.read_bytes())
    checksum, blob = data["codes"][GITHUB.regex]
    data["codes"][GITHUB.regex] = (checksum, blob[:-9] + b"\x00" * 9)  # a damaged program
    cache.write_bytes(marshal.dumps(data))
    matcher = Matcher(BUILTIN_RULES, RegexCompiler(str(cache)))
    assert [m.secret for m in matcher.scan(f"x = {token}\n")] == [token]
    assert matcher.take_cache_rebuilt() == 1
    matcher.flush_caches()
    cache.write_bytes(cache.read_bytes()[:100])  # truncated
    last = Matcher(BUILTIN_RULES, RegexCompiler(str(cache)))
    assert [m.secret for m in last.scan(f"x = {token}\n")] == [token]
    last.flush_caches()
    assert GITHUB.regex in regex_entries(cache)


LIBRARY = r"""
#include <stdio.h>
#include <stdlib.h>
__attribute__((constructor)) static void ran(void) {
    const char *marker = getenv("CREDWALL_TEST_MARKER");
    if (marker) { FILE *f = fopen(marker, "w"); if (f) { fputs("loaded", f); fclose(f); } }
}
"""


@pytest.mark.parametrize("layout", ["current", "previous"])
def test_cache_naming_a_library_never_loads_it(tmp_path: Path, layout: str) -> None:
    """A cache that points at a shared library (its constructor would leave a marker file):
    in the current layout (as the engine's identity) or the previous one (as the path to load)."""
    if shutil.which("cc") is None:
        pytest.skip("no C compiler to build the library")
    library = tmp_path / "evil.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(library), "-x", "c", "-"], input=LIBRARY,
                   text=True, check=True)
    cache = tmp_path / "regex.marshal"
    writer = RegexCompiler(str(cache))
    writer.compile(GITHUB.regex)
    writer.flush()
    data = marshal.loads(cache.read_bytes())
    st = library.stat()
    if layout == "current":
        data["engine"] = (str(library), st.st_size, st.st_mtime_ns)
    else:  # what the cache used to hold: the library path, loaded with ExtensionFileLoader
        codes = {p: marshal.loads(blob) for p, (_, blob) in data["codes"].items()}
        data = {"format": 2, "python": sys.version, "binary": (str(library), st.st_size, st.st_mtime_ns),
                "codes": codes}
    cache.write_bytes(marshal.dumps(data))
    marker = tmp_path / "marker"
    token = github_classic()
    code = ("import sys; from credwall.engine.regexcache import RegexCompiler; "
            f"p = RegexCompiler({str(cache)!r}).compile({GITHUB.regex!r}); "
            f"print(p.search({token!r}).group('secret')); print(sys.modules['regex._regex'].__file__)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, CREDWALL_TEST_MARKER=str(marker)))
    assert not marker.exists(), "the library named by the cache was loaded"
    assert proc.returncode == 0, proc.stderr
    found, engine = proc.stdout.split()
    assert found == token
    import regex

    assert os.path.realpath(engine) == os.path.realpath(regex._regex.__file__)


# --- writing --------------------------------------------------------------------------------

def test_cache_dir_that_is_a_file_leaves_nothing_and_scans(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a directory")
    assert cachefile.write_atomic(str(blocker / "regex.marshal"), b"data") is False
    target = tmp_path / "t.txt"
    token = github_classic()
    target.write_text(f"t = {token}\n")
    proc = subprocess.run([sys.executable, "-m", "credwall", "scan", str(target)], capture_output=True, text=True,
                          env=dict(os.environ, CREDWALL_CACHE_DIR=str(blocker)))
    assert proc.returncode == 1, proc.stderr  # found, despite no usable cache
    assert "github-pat" in proc.stdout
    assert blocker.read_text() == "not a directory"


def _file_size_limit(limit: int) -> Any:
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.parametrize("limit", [0, 4096])
def test_file_size_limit_leaves_no_tmp_and_no_short_file(tmp_path: Path, limit: int) -> None:
    """A write that fails at once (EFBIG here, ENOSPC on a full disk) or half way (a short
    write: the rest of the file must not be silently dropped and the stub renamed in place)."""
    cache = tmp_path / "cache"
    code = ("from credwall.engine import cachefile; "
            f"print(cachefile.write_atomic({str(cache / 'big.marshal')!r}, b'x' * 100000))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          preexec_fn=_file_size_limit(limit))
    assert proc.stdout.strip() == "False", proc.stderr
    assert cache.is_dir() and list(cache.iterdir()) == []


@pytest.mark.parametrize("limit", [0, 4096])
def test_scan_under_a_file_size_limit_finds_and_leaves_no_tmp_file(tmp_path: Path, limit: int) -> None:
    target = tmp_path / "t.txt"
    token = github_classic()
    target.write_text(f"t = {token}\n")
    cache = tmp_path / "cache"
    proc = subprocess.run([sys.executable, "-m", "credwall", "scan", str(target)], capture_output=True, text=True,
                          env=dict(os.environ, CREDWALL_CACHE_DIR=str(cache)), preexec_fn=_file_size_limit(limit))
    assert proc.returncode == 1, proc.stderr
    assert "github-pat" in proc.stdout
    assert no_tmp_files(cache), sorted(p.name for p in cache.iterdir())
    for written in cache.iterdir() if cache.is_dir() else ():
        marshal.loads(written.read_bytes())  # whatever is there is whole


def test_planted_tmp_symlink_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    cache = tmp_path / "cache"
    cache.mkdir()
    from _thread import get_ident

    (cache / f"regex.marshal.{os.getpid()}.{get_ident()}.tmp").symlink_to(victim)
    assert cachefile.write_atomic(str(cache / "regex.marshal"), b"data")
    assert victim.read_text() == "keep me"
    assert (cache / "regex.marshal").read_bytes() == b"data" and no_tmp_files(cache)


def test_fifo_in_place_of_a_cache_file_does_not_hang_the_scan(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    os.mkfifo(cache / "rules.marshal")
    os.mkfifo(cache / "regex.marshal")
    target = tmp_path / "t.txt"
    target.write_text(f"t = {github_classic()}\n")
    proc = subprocess.run([sys.executable, "-m", "credwall", "scan", str(target)], capture_output=True, text=True,
                          env=dict(os.environ, CREDWALL_CACHE_DIR=str(cache)), timeout=60)
    assert proc.returncode == 1, proc.stderr


def test_no_cache_means_no_cache_file_read_or_written(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    os.mkfifo(cache / "regex.marshal")  # would hang a reader
    target = tmp_path / "t.txt"
    target.write_text(f"t = {github_classic()}\n")
    proc = subprocess.run([sys.executable, "-m", "credwall", "scan", str(target)], capture_output=True, text=True,
                          env=dict(os.environ, CREDWALL_CACHE_DIR=str(cache), CREDWALL_NO_CACHE="1"), timeout=60)
    assert proc.returncode == 1 and "github-pat" in proc.stdout, proc.stderr
    assert sorted(p.name for p in cache.iterdir()) == ["regex.marshal"]  # nothing added


# --- end to end, as installed ---------------------------------------------------------------

@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built by setup.py's build step and unpacked: credwall exactly as installed."""
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out),
                           str(REPO_ROOT)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    [wheel] = out.glob("credwall-*.whl")
    site = out / "site"
    zipfile.ZipFile(wheel).extractall(site)
    assert (site / "credwall" / "patterns" / SHIPPED_FORM).is_file()
    return site


def _scan_installed(site: Path, cache: Path, target: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CREDWALL_CACHE_DIR=str(cache), PYTHONPATH=str(site))
    return subprocess.run([sys.executable, "-m", "credwall", "scan", str(target)], capture_output=True, text=True,
                          env=env, cwd=target.parent)


def test_installed_scan_verifies_a_swapped_program_and_says_so(installed: Path, tmp_path: Path) -> None:
    target = tmp_path / "t.txt"
    token = github_classic()
    target.write_text(f"t = {token}\n")
    cache = tmp_path / "cache"
    first = _scan_installed(installed, cache, target)
    assert first.returncode == 1 and "github-pat" in first.stdout, first.stderr
    assert sorted(p.name for p in cache.iterdir()) == ["regex.marshal"]  # no rules in the user cache
    forge_program(cache / "regex.marshal", GITHUB.regex, NEVER_MATCHES, tmp_path)
    second = _scan_installed(installed, cache, target)
    assert second.returncode == 1 and "github-pat" in second.stdout, second.stderr
    assert f"{CACHE_REBUILT_NOTE}: 1 entry failed verification" in second.stderr
    third = _scan_installed(installed, cache, target)
    assert third.returncode == 1 and CACHE_REBUILT_NOTE not in third.stderr  # rebuilt for good


def test_installed_scan_ignores_a_forged_rules_cache(installed: Path, tmp_path: Path) -> None:
    """The user cache, forged consistently for the built-in packs without github-pat."""
    checkout = packs_dir(tmp_path, shipped=False)
    cache = tmp_path / "cache"
    load_cached(pack_files(checkout), str(checkout), str(cache / "rules.marshal"))
    key, rows = rules_payload(cache / "rules.marshal")
    write_rules_cache(cache / "rules.marshal", key, [r for r in rows if r[0] != "github-pat"], fix_digest=True)
    target = tmp_path / "t.txt"
    target.write_text(f"t = {github_classic()}\n")
    proc = _scan_installed(installed, cache, target)
    assert proc.returncode == 1 and "github-pat" in proc.stdout, proc.stderr
