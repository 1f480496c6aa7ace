"""A long fuzz run (hypothesis with a large budget) over the parsers and the matcher: the diff
parser, the dotenv parser, the JSONC/YAML/TOML loaders, the MCP inspector (through the hook's
check on random configs), masking and the matcher. Prints inputs tried and failures found.

    python tools/fuzz.py [--examples 20000]

Each target asserts only "no exception other than the documented ones"; the unit tests in
tests/test_properties.py assert the semantic properties on a small budget for CI.
"""

from __future__ import annotations

import argparse
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
    args = parser.parse_args()

    from credwall.sources.diff import parse_unified_diff
    from credwall.analysers.dotenv import parse as parse_dotenv
    from credwall.engine.findings import findings_from_matches, mask
    from credwall.hookkit import FileCheck
    from credwall.engine.matcher import Matcher
    from credwall.analysers.mcp import inspect_mcp
    from credwall.engine.rules import load_rules
    from credwall.scan import ScanResult
    from credwall.engine.decode import decode
    from credwall.analysers.structured import StructureError, load_json, load_toml, load_yaml

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
        data, leaves = load_json(text)
        inspect_mcp(FileCheck(matcher, ScanResult()), ".mcp.json", data, leaves)

    @budget
    @given(st.text(max_size=3000))
    def fuzz_matcher(text: str) -> None:
        count("matcher + findings + masking")
        for finding in findings_from_matches("f", text, matcher.scan(text)):
            assert finding.line >= 1
        mask(text)

    failures = 0
    for target in (fuzz_diff, fuzz_decode_and_dotenv, fuzz_structured, fuzz_mcp, fuzz_matcher):
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


if __name__ == "__main__":
    raise SystemExit(main())
