"""The keyword gate's scan loop: `credwall.engine.gate` beside the loops it was chosen from.

Every loop runs one pyahocorasick automaton over the built-in rules' keywords plus the
redactor's; they differ only in the Python work per hit:
  - gate      credwall.engine.gate.AhoCorasickGate: each keyword's value is a list the loop
              appends end offsets to; starts and indices are worked out once per keyword
  - tuple     the matcher's loop before the gate: value (length, indices), per hit a start
              offset and a dict append per index (its lists can come out of text order)
  - tuple+sort  the same, with the lists of indices whose keywords differ in length sorted
  - ids       value an int keyword id, per hit a dict append of end offsets per id
  - scan only the automaton's own iteration with an empty loop body: the floor under them all

Workloads, each timed in CPU seconds as the best of --rounds (loops interleaved, so the
machine's other load hits them alike): the CPython stdlib's text files concatenated into one
text; the same files one call each (a hook scanning a tree); a synthetic log in 2 MiB chunks
(hits on most lines: `http`, `key`, `token`), the one `bench/redact.py` writes to /tmp, made
here if missing; and 2 MiB of nothing but keywords, where the per-hit work is all there is.

    python bench/gate.py [--rounds 7] [--log-mb 32]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from _timing import stdlib_text_files

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))  # tests.tokens, for the log generator


def keyword_map() -> dict[str, tuple[int, ...]]:
    from credwall.engine.matcher import rule_keywords
    from credwall.engine.rules import load_rules
    from credwall.redact.finders import EXTRA_KEYWORDS

    rules = load_rules(use_cache=False)
    keywords = rule_keywords(rules)
    for offset, kind in enumerate(EXTRA_KEYWORDS):
        for keyword in EXTRA_KEYWORDS[kind]:
            keywords[keyword] = keywords.get(keyword, ()) + (len(rules) + offset,)
    return keywords


def tuple_loop(keywords: dict[str, tuple[int, ...]]) -> Callable[[str], dict[int, list[int]]]:
    import ahocorasick

    from credwall.engine.gate import lower

    automaton = ahocorasick.Automaton()
    for keyword, indices in keywords.items():
        automaton.add_word(keyword, (len(keyword), tuple(sorted(set(indices)))))
    automaton.make_automaton()

    def hits(text: str) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for end, (length, indices) in automaton.iter(lower(text)):
            start = end - length + 1
            for index in indices:
                positions = out.get(index)
                if positions is None:
                    out[index] = [start]
                else:
                    positions.append(start)
        return out

    return hits


def sorted_tuple_loop(keywords: dict[str, tuple[int, ...]]) -> Callable[[str], dict[int, list[int]]]:
    """The tuple loop made right: indices whose keywords differ in length get their hits
    sorted into text order afterwards."""
    import ahocorasick

    from credwall.engine.gate import lower

    automaton = ahocorasick.Automaton()
    lengths: dict[int, set[int]] = {}
    for keyword, indices in keywords.items():
        automaton.add_word(keyword, (len(keyword), tuple(sorted(set(indices)))))
        for index in indices:
            lengths.setdefault(index, set()).add(len(keyword))
    automaton.make_automaton()
    mixed = frozenset(i for i, ls in lengths.items() if len(ls) > 1)

    def hits(text: str) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for end, (length, indices) in automaton.iter(lower(text)):
            start = end - length + 1
            for index in indices:
                positions = out.get(index)
                if positions is None:
                    out[index] = [start]
                else:
                    positions.append(start)
        for index in mixed.intersection(out):
            out[index].sort()
        return out

    return hits


def id_loop(keywords: dict[str, tuple[int, ...]]) -> Callable[[str], dict[int, list[int]]]:
    import ahocorasick

    from credwall.engine.gate import lower

    automaton = ahocorasick.Automaton()
    meta: list[tuple[int, tuple[int, ...]]] = []
    for keyword, indices in keywords.items():
        automaton.add_word(keyword, len(meta))
        meta.append((len(keyword) - 1, tuple(sorted(set(indices)))))
    automaton.make_automaton()

    def hits(text: str) -> dict[int, list[int]]:
        per_id: dict[int, list[int]] = {}
        for end, kid in automaton.iter(lower(text)):
            ends = per_id.get(kid)
            if ends is None:
                per_id[kid] = [end]
            else:
                ends.append(end)
        lists: dict[int, list[list[int]]] = {}
        for kid, ends in per_id.items():
            shift, indices = meta[kid]
            starts = [end - shift for end in ends]
            for index in indices:
                lists.setdefault(index, []).append(list(starts))
        return {i: ls[0] if len(ls) == 1 else sorted(p for s in ls for p in s) for i, ls in lists.items()}

    return hits


def scan_only(keywords: dict[str, tuple[int, ...]]) -> Callable[[str], dict[int, list[int]]]:
    import ahocorasick

    from credwall.engine.gate import lower

    automaton = ahocorasick.Automaton()
    for keyword in keywords:
        automaton.add_word(keyword, None)
    automaton.make_automaton()

    def hits(text: str) -> dict[int, list[int]]:
        for _ in automaton.iter(lower(text)):
            pass
        return {}

    return hits


def log_chunks(mb: int) -> list[str]:
    path = Path(tempfile.gettempdir()) / "credwall-bench-redact-200mb-400.log"
    if not path.exists():
        path = Path(tempfile.gettempdir()) / f"credwall-bench-gate-{mb}mb.log"
        if not path.exists():
            import redact as redact_bench  # bench/redact.py's generator

            redact_bench.generate(path, mb * 1_000_000, 400)
    with open(path, "rb") as fh:
        text = fh.read(mb * 1_000_000).decode("utf-8", "surrogateescape")
    step = 2 * 1024 * 1024
    return [text[i:i + step] for i in range(0, len(text), step)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--log-mb", type=int, default=32)
    args = parser.parse_args()
    from credwall.engine.gate import build_gate

    keywords = keyword_map()
    files = [p.read_text("utf-8", "replace") for p in stdlib_text_files()]
    whole = "\n".join(files)
    chunks = log_chunks(args.log_mb)
    import random

    rng = random.Random(1)
    words = sorted(keywords)
    dense = " ".join(rng.choice(words) for _ in range(300_000))[:2 * 1024 * 1024]
    loops = {"gate": build_gate(keywords, "aho-corasick").hits, "tuple": tuple_loop(keywords),
             "tuple+sort": sorted_tuple_loop(keywords), "ids": id_loop(keywords),
             "scan only": scan_only(keywords)}
    try:
        loops["hyperscan"] = build_gate(keywords, "hyperscan").hits
    except Exception as exc:  # noqa: BLE001 - not installed: say so, time the rest
        print(f"(no hyperscan column: {exc})")
    workloads: dict[str, Callable[[Callable[[str], object]], object]] = {
        "stdlib, one text": lambda hits: hits(whole),
        "stdlib, per file": lambda hits: [hits(t) for t in files],
        "log, 2 MiB chunks": lambda hits: [hits(c) for c in chunks],
        "keywords only, 2 MiB": lambda hits: hits(dense),
    }
    reference = loops["tuple"](whole)
    for name, hits in [*list(loops.items())[:4], *[(n, h) for n, h in loops.items() if n == "hyperscan"]]:
        # same answers (the tuple loop's lists are not all sorted)
        got = hits(whole)
        assert {i: sorted(p) for i, p in got.items()} == {i: sorted(p) for i, p in reference.items()}, name
    print(f"{len(keywords)} keywords; stdlib {len(files):,} files, {len(whole) / 1e6:.1f} M characters, "
          f"{sum(map(len, reference.values())):,} hits; log {sum(map(len, chunks)) / 1e6:.1f} M characters, "
          f"{sum(len(p) for c in chunks[:1] for p in loops['gate'](c).values()):,} hits per chunk")
    best = {(w, name): float("inf") for w in workloads for name in loops}
    for _ in range(args.rounds):
        for w, work in workloads.items():
            for name, hits in loops.items():
                started = time.process_time()
                work(hits)
                best[(w, name)] = min(best[(w, name)], time.process_time() - started)
    print(f"{'':20}" + "".join(f"{name:>12}" for name in loops))
    for w in workloads:
        print(f"{w:20}" + "".join(f"{best[(w, name)] * 1000:9.0f} ms" for name in loops))
    print("(CPU ms, best of %d rounds)" % args.rounds)
    alternatives(keywords, files, args.rounds)
    return 0


def alternatives(keywords: dict[str, tuple[int, ...]], files: list[str], rounds: int) -> None:
    """The other ways to a faster gate, on the stdlib per file (CPU ms, best of rounds):
    fewer, longer keywords (Aho-Corasick with the keywords of 4+ characters only: what dropping
    the short ones would buy, at the cost of what they find); the lower-casing alone, which a
    bytes-level scan avoids; and Hyperscan reading the files through mmap instead of the
    decoded text (no decode, no encode: the floor of a bytes-level pipeline)."""
    import mmap

    from credwall.engine.gate import build_gate, lower

    long_only = {k: v for k, v in keywords.items() if len(k) >= 4}
    candidates: dict[str, Callable[[], object]] = {
        f"aho-corasick, {len(long_only)} keywords of 4+ chars": lambda: [build_long(t) for t in files],
        "lower() alone (what bytes-level scans skip)": lambda: [lower(t) for t in files],
    }
    build_long = build_gate(long_only, "aho-corasick").hits
    paths = stdlib_text_files()
    try:
        import hyperscan

        from credwall.engine.hsgate import HyperscanGate

        gate = HyperscanGate(keywords)
        db, scratch = gate._db, gate._scratch

        def on_match(*_: object) -> None:
            return None

        def scan_mmap() -> None:
            for path in paths:
                with open(path, "rb") as fh:
                    if path.stat().st_size == 0:
                        continue
                    with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
                        db.scan(bytes(view), match_event_handler=on_match, scratch=scratch)

        def scan_read() -> None:
            for path in paths:
                db.scan(path.read_bytes(), match_event_handler=on_match, scratch=scratch)

        candidates["hyperscan over read() bytes, no decode"] = scan_read
        candidates["hyperscan over mmap'ed bytes, no decode"] = scan_mmap
        candidates["hyperscan gate on the decoded text"] = lambda: [gate.hits(t) for t in files]
        del hyperscan
    except ImportError:
        pass
    best = {name: float("inf") for name in candidates}
    for _ in range(rounds):
        for name, work in candidates.items():
            started = time.process_time()
            work()
            best[name] = min(best[name], time.process_time() - started)
    print("alternatives, stdlib per file:")
    for name, seconds in best.items():
        print(f"  {name:<48} {seconds * 1000:7.0f} ms")


if __name__ == "__main__":
    raise SystemExit(main())
