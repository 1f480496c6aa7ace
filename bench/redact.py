"""Redaction throughput: `credwall redact` on a large synthetic log, beside a one-regex `sed -E`.

The log (written once to /tmp, reused while its size and seed match) mixes the line shapes a
service emits: nginx combined access lines, Python-logging application lines, JSON lines and
logfmt lines, with user agents, URLs, IPs, request ids and timestamps. One line in `--every`
(default 400) gets a secret appended: an `Authorization: Bearer` header, a `password=`, a
`Set-Cookie`, a JWT, an AWS key id, a GitHub token or a Stripe key (tests/tokens.py builders,
made at run time). Every few thousand lines a PEM private key block is logged across lines.

Timed, whole process, stdout to /dev/null, median of --runs, with the CPU seconds of the
process tree beside the wall time (the machine may carry other load; MB per CPU-second does not
depend on it):
  - `credwall redact FILE`            (both cores: workers pread their own 2 MiB ranges, the
                                       parent copies unchanged bytes with sendfile)
  - `cat FILE | credwall redact`      (a pipe: the parent hands chunks to the workers)
  - `credwall redact --jobs 1 FILE`   (one core)
  - `sed -E 's/(Bearer )[A-Za-z0-9._-]+/\\1[REDACTED]/g' FILE`
and once, to a file: how many planted secrets each output still holds, and that credwall's
output has the input's line count.

    python bench/redact.py [--mb 500] [--runs 3] [--every 400] [--profile]

`--profile` also profiles the single-process redactor on the first 32 MB (cProfile, top 15).
The CLI wiring (`credwall redact`) is the lead's; this calls credwall.redact.redact_main.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import peak_rss_kib

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))  # tests.tokens

REDACT = "import sys\nfrom credwall.redact import redact_main\nsys.exit(redact_main(sys.argv[1:]))\n"
SED = r"s/(Bearer )[A-Za-z0-9._-]+/\1[REDACTED]/g"


def credwall_redact(*args: str) -> list[str]:
    return [sys.executable, "-c", REDACT, *args]


def generate(path: Path, size: int, every: int, seed: int = 7) -> list[str]:
    """Write about `size` bytes of log to path; returns the planted secrets."""
    from tests import tokens

    rng = random.Random(seed)
    hexd = "0123456789abcdef"
    # Pools of values, drawn from per line: realistic variety at a generator speed of ~50 MB/s.
    ips = [f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}" for _ in range(500)]
    ids = ["".join(rng.choice(hexd) for _ in range(16)) for _ in range(5000)]
    words = ("order cart user cache miss hit processed request completed retry queue worker scheduled "
             "payment invoice shipment session login logout search render template upstream").split()
    paths = ["/api/v1/orders/%d", "/api/v1/users/%d/profile", "/static/app.%s.js", "/healthz", "/login",
             "/api/v2/search?q=%s&page=%d", "/images/p/%d.jpg", "/cart", "/api/v1/path/%s", "/metrics"]
    agents = ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
              "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15",
              "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
              "curl/8.5.0", "python-requests/2.31.0", "Go-http-client/1.1", "kube-probe/1.29"]
    levels = ("INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR")
    planted: list[str] = []

    def url() -> str:
        p = rng.choice(paths)
        if "%d" in p and "%s" in p:
            return p % (rng.choice(words), rng.randint(1, 9))
        if "%d" in p:
            return p % rng.randint(1, 99999)
        if "%s" in p:
            return p % rng.choice(ids)[:8]
        return p

    def secret(n: int) -> str:
        kind = n % 8
        s = rng.randint(0, 1 << 30)
        if kind == 0:
            value = tokens.rand(40, seed=s)
            text = f" Authorization: Bearer {value}"
        elif kind == 1:
            value = tokens.rand(14, seed=s) + "9"
            text = f" password={value}"
        elif kind == 2:
            value = tokens.aws_key_id(seed=s)
            text = f" aws_access_key_id={value}"
        elif kind == 3:
            value = tokens.github_classic(seed=s)
            text = f" token={value}"
        elif kind == 4:
            value = tokens.rand(32, seed=s)
            text = f" Set-Cookie: session={value}; Path=/; HttpOnly"
        elif kind == 5:
            value = tokens.stripe_live(seed=s)
            text = f" stripe_key={value}"
        elif kind == 6:
            import base64
            import json

            def b64(obj: object) -> str:
                return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

            value = b64({"alg": "HS256", "typ": "JWT"}) + "." + b64({"sub": tokens.rand(12, seed=s), "iat": 1700000000}) \
                + "." + tokens.rand(43, tokens._ALNUM + "_-", seed=s + 1)
            text = f" id_token={value}"
        else:
            value = tokens.rand(40, seed=s)
            text = f' "Cookie": "sid={value}"'
        planted.append(value)
        return text

    written = 0
    n = 0
    out: list[str] = []
    with open(path, "wb") as fh:
        while written < size:
            n += 1
            k = rng.random()
            ts = f"2025-03-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z"
            if k < 0.4:
                line = (f'{rng.choice(ips)} - - [12/Mar/2025:{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} +0000] '
                        f'"{rng.choice(("GET", "GET", "POST", "PUT"))} {url()} HTTP/1.1" {rng.choice((200, 200, 200, 304, 404, 500))} '
                        f'{rng.randint(100, 90000)} "https://shop.example.com/cart" "{rng.choice(agents)}"')
            elif k < 0.7:
                line = (f"{ts} {rng.choice(levels)} [worker-{rng.randint(1, 8)}] {rng.choice(words)}.service: "
                        f"{rng.choice(words)} {rng.choice(words)} id={rng.randint(1, 10 ** 6)} in {rng.random() * 100:.1f} ms")
            elif k < 0.9:
                line = ('{"ts":"%s","level":"info","msg":"%s %s","method":"%s","path":"%s","status":%d,'
                        '"duration_ms":%.1f,"request_id":"%s","remote":"%s"}') % (
                    ts, rng.choice(words), rng.choice(words), rng.choice(("GET", "POST")), url(),
                    rng.choice((200, 201, 404)), rng.random() * 50, rng.choice(ids), rng.choice(ips))
            else:
                line = (f'time={ts} level=debug msg="{rng.choice(words)} {rng.choice(words)}" '
                        f"key=user:{rng.randint(1, 9999)} ttl={rng.randint(1, 3600)} remote={rng.choice(ips)}")
            if n % every == 0:
                line += secret(n // every)
            if n % (every * 25) == 0:  # now and then a key pasted into a log, across lines
                key = tokens.pem_private_key(seed=n)
                planted.extend(body for body in key.splitlines()[1:-1])
                line += "\n" + key.rstrip("\n")
            out.append(line)
            written += len(line) + 1
            if len(out) >= 20000:
                fh.write(("\n".join(out) + "\n").encode())
                out = []
        if out:
            fh.write(("\n".join(out) + "\n").encode())
    return planted


def timed(cmd: list[str], runs: int, shell: str | None = None) -> tuple[float, float, int]:
    """(median wall seconds, median CPU seconds of the process tree, exit code); stdout to
    /dev/null. CPU time says what the machine's other load cannot: wall = CPU / cores used."""
    import resource

    walls, cpus = [], []
    code = 0
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        if shell is not None:
            code = subprocess.run(shell, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        else:
            code = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL).returncode
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus), code


def count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 24), b""))


def leftovers(output: Path, planted: list[str]) -> int:
    """How many planted secrets still appear in output (streamed, so memory stays small)."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for i, value in enumerate(planted):
        automaton.add_word(value, i)
    automaton.make_automaton()
    seen: set[int] = set()
    with open(output, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 24), b""):
            # Lines never hold a secret across a block edge here: cut blocks at newlines.
            tail = block.rfind(b"\n") + 1
            rest = block[tail:]
            text = block[:tail].decode("utf-8", "replace")
            seen.update(i for _, i in automaton.iter(text))
            if rest:
                fh.seek(-len(rest), os.SEEK_CUR)
    return len(seen)


def profile(path: Path, mb: int = 32) -> None:
    import cProfile
    import pstats

    from credwall.engine.session import load_matcher
    from credwall.redact import Redactor

    redactor = Redactor(load_matcher())
    with open(path, "rb") as fh:
        data = fh.read(mb * 1024 * 1024)
    data = data[:data.rfind(b"\n") + 1]
    chunks = [data[i:i + 4 * 1024 * 1024] for i in range(0, len(data), 4 * 1024 * 1024)]
    redactor.edits(chunks[0])  # warm: rules' regexes compiled, pre-checks analysed
    started = time.perf_counter()
    prof = cProfile.Profile()
    prof.enable()
    for chunk in chunks:
        redactor.edits(chunk)
    prof.disable()
    wall = time.perf_counter() - started
    print(f"\nprofile: one process, {len(data) / 1e6:.0f} MB in {wall:.2f} s under cProfile")
    pstats.Stats(prof).sort_stats("tottime").print_stats(15)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=500, help="log size in MB (default 500)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--every", type=int, default=400, help="one secret every N lines")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-rss", action="store_true", help="skip the extra run that measures peak RSS")
    args = parser.parse_args()
    path = Path(tempfile.gettempdir()) / f"credwall-bench-redact-{args.mb}mb-{args.every}.log"
    sidecar = path.with_suffix(".planted")
    started = time.perf_counter()
    if path.exists() and sidecar.exists():
        planted = sidecar.read_text().splitlines()
        how = "reused"
    else:
        planted = generate(path, args.mb * 1_000_000, args.every)
        sidecar.write_text("\n".join(planted) + "\n")
        how = f"generated in {time.perf_counter() - started:.0f} s"
    size = path.stat().st_size
    lines = count_lines(path)
    print(f"log: {path} {size / 1e6:,.0f} MB, {lines:,} lines, {len(planted):,} planted secrets ({how})")
    print(f"cpus: {os.cpu_count()}, load average {os.getloadavg()[0]:.2f} before the runs")

    out = path.with_suffix(".redacted")
    with open(out, "wb") as sink:
        subprocess.run(credwall_redact(str(path)), stdout=sink, check=False)
    out_lines = count_lines(out)
    sed_out = path.with_suffix(".sed")
    sed = shutil.which("sed")
    if sed:
        with open(sed_out, "wb") as sink:
            subprocess.run([sed, "-E", SED, str(path)], stdout=sink, check=False)
    print(f"credwall output: {out_lines:,} lines (input {lines:,}); planted secrets left: "
          f"{leftovers(out, planted):,} of {len(planted):,}")
    if sed:
        print(f"sed output: planted secrets left: {leftovers(sed_out, planted):,} of {len(planted):,}")
    for leftover in (out, sed_out):
        leftover.unlink(missing_ok=True)

    rows: list[tuple[str, list[str], str | None]] = [
        ("credwall redact FILE", credwall_redact(str(path)), None),
        ("cat FILE | credwall redact", [], f"cat {path} | {sys.executable} -c '{REDACT}' > /dev/null"),
        ("credwall redact --jobs 1 FILE", credwall_redact("--jobs", "1", str(path)), None),
    ]
    if sed:
        rows.append((f"sed -E '{SED}'", [sed, "-E", SED, str(path)], None))
    print()
    for label, cmd, shell in rows:
        wall, cpu, code = timed(cmd, args.runs, shell)
        rss = peak_rss_kib(cmd) if cmd and not args.no_rss else 0
        rss_text = f"peak RSS {rss / 1024:6.1f} MiB" if rss else " " * 20
        print(f"{label:<52} {wall:6.2f} s {size / 1e6 / wall:7.1f} MB/s  CPU {cpu:6.2f} s "
              f"({size / 1e6 / cpu:6.1f} MB per CPU-s)  {rss_text}  exit {code}")
    print(f"load average {os.getloadavg()[0]:.2f} after the runs")
    if args.profile:
        profile(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
