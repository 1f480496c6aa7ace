"""A long fuzz run (hypothesis with a large budget) over the parsers, the matcher and the commit
path: the diff parser, the dotenv parser, the JSONC/YAML/TOML loaders, the MCP analyser on
random configs, masking and the matcher, and a staged change whose token is wrapped in odd bytes
(BOMs, NULs, CR/LF, invalid UTF-8, zero-width characters) committed to a real git index. Prints
inputs tried and failures found.

    python tools/fuzz.py [--examples 20000] [--staged-examples 2000] [--only staged]

The parser targets assert "no exception other than the documented ones"; the staged target
asserts that the token is still reported or the scan fails (exit 2) — never a clean pass. The
unit tests in tests/test_properties.py assert the semantic properties on a small budget for CI.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20_000)
    parser.add_argument("--staged-examples", type=int, default=2_000, help="the staged target commits to git: slower")
    parser.add_argument("--only", choices=("diff", "decode", "structured", "mcp", "matcher", "staged"))
    args = parser.parse_args()

    from credwall.analysers.dotenv import parse as parse_dotenv
    from credwall.analysers.structured import StructureError, load_json, load_toml, load_yaml
    from credwall.engine.decode import decode
    from credwall.engine.findings import ScanResult, findings_from_matches, mask
    from credwall.engine.matcher import Matcher
    from credwall.engine.rules import load_rules
    from credwall.pipeline import analyse_text
    from credwall.sources.diff import parse_unified_diff

    matcher = Matcher(load_rules())
    budget = settings(max_examples=args.examples, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
    tried: dict[str, int] = {}

    def count(name: str) -> None:
        tried[name] = tried.get(name, 0) + 1

    @budget
    @given(st.binary(max_size=4000))
    def fuzz_diff(data: bytes) -> None:
        count("diff parser")
        parse_unified_diff(data.splitlines(keepends=True))

    @budget
    @given(st.binary(max_size=4000))
    def fuzz_decode_and_dotenv(data: bytes) -> None:
        count("decode + dotenv parser")
        decoded = decode(data)
        if decoded.text is not None:
            parse_dotenv(decoded.text)

    json_like = st.text(alphabet='{}[]:,"\\/*\n tfnul0123456789.eE+-abc', max_size=600)

    @budget
    @given(st.one_of(st.text(max_size=1500), json_like))
    def fuzz_structured(text: str) -> None:
        count("JSONC/YAML/TOML loaders")
        for load in (load_json, load_yaml, load_toml):
            try:
                load(text)
            except StructureError:
                pass

    @budget
    @given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=60),
                        lambda c: st.lists(c, max_size=5) | st.dictionaries(
                            st.sampled_from(["mcpServers", "servers", "env", "headers", "args", "url", "command",
                                             "inputs", "GITHUB_TOKEN", "api_key", "x"]) | st.text(max_size=10),
                            c, max_size=5), max_leaves=40))
    def fuzz_mcp(value: object) -> None:
        count("MCP inspector")
        import json

        text = json.dumps({"mcpServers": {"s": value}} if not isinstance(value, dict) else value)
        result = ScanResult()
        analyse_text(matcher, ".mcp.json", text, result)
        assert not result.errors, result.errors  # valid JSON: analysed without an error

    @budget
    @given(st.text(max_size=3000))
    def fuzz_matcher(text: str) -> None:
        count("matcher + findings + masking")
        for finding in findings_from_matches("f", text, matcher.scan(text)):
            assert finding.line >= 1
        mask(text)

    fuzz_staged = _staged_target(matcher, args.staged_examples, count)
    targets = {"diff": fuzz_diff, "decode": fuzz_decode_and_dotenv, "structured": fuzz_structured, "mcp": fuzz_mcp,
               "matcher": fuzz_matcher, "staged": fuzz_staged}
    failures = 0
    for key, target in targets.items():
        if args.only and key != args.only:
            continue
        started = time.perf_counter()
        try:
            target()
            outcome = "no failure"
        except Exception:  # a crash found: print it, keep fuzzing the other targets
            failures += 1
            outcome = "FAILED:\n" + traceback.format_exc(limit=6)
        name = target.__name__
        print(f"{name:<26} {outcome}  ({time.perf_counter() - started:.0f} s)")
    print("inputs tried: " + ", ".join(f"{k} {v:,}" for k, v in tried.items()))
    print(f"targets failed: {failures}")
    return 1 if failures else 0


# Bytes an author might put around a token to make a scanner look away.
ODD_BYTES = [b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b"\x00", b"\x00\x00", b"\r", b"\n",
             b"\r\n", b"\xc3", b"\xff", b"\x80", b"\xed\xa0\x80", "\u200b".encode(), "\ufeff".encode(),
             "\u2060".encode(), "\u202e".encode(), b"\t", b"\x1b[0m", b" ", b"'", b'"', b"\\"]
NAMES = ["a.txt", "b.py", ".env.local", "c.json", "deploy.yaml", "-h", "--format=json", "notes.md", "x.png", "CLAUDE.md"]


def _staged_target(matcher, budget_examples: int, count):  # type: ignore[no-untyped-def]
    """A real repository; each example stages one file whose token sits among odd bytes, then
    scans the staged change as the commit hook does."""
    import subprocess
    import tempfile

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from credwall.engine.findings import fingerprint
    from credwall.scan import scan_staged
    from tests.tokens import github_classic

    token = github_classic(seed=700)
    expected = fingerprint("github-pat", token)
    root = tempfile.mkdtemp(prefix="credwall-fuzz-")
    env = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "init", "-q", root], check=True, env=env)
    odd = st.lists(st.sampled_from(ODD_BYTES), max_size=4).map(b"".join)

    @settings(max_examples=budget_examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(name=st.sampled_from(NAMES), before=odd, after=odd, lines=st.integers(0, 3), key=st.sampled_from(
        [b"", b"key = ", b"GITHUB_TOKEN=", b'"token": "']))
    def fuzz_staged(name: str, before: bytes, after: bytes, lines: int, key: bytes) -> None:
        count("staged change, odd bytes around a token")
        content = b"line\n" * lines + before + key + token.encode() + after + b"\n"
        path = os.path.join(root, name)
        with open(path, "wb") as fh:
            fh.write(content)
        subprocess.run(["git", "-C", root, "add", "--", name], check=True, env=env)
        try:
            result = scan_staged(matcher, root)
            assert result.errors or any(f.fingerprint == expected for f in result.findings), (name, content)
        finally:
            subprocess.run(["git", "-C", root, "rm", "-q", "--cached", "--", name], check=True, env=env)
            os.unlink(path)
    return fuzz_staged


if __name__ == "__main__":
    raise SystemExit(main())
