"""Streaming: a byte stream or a file redacted in bounded memory, results in input order.

The input is read in chunks of about CHUNK_BYTES split at newlines; a line longer than that is
cut into pieces. Each chunk is scanned with CONTEXT_BYTES of its neighbours on either side and
owns the matches that *start* in it, so a secret that straddles a cut (a PEM block across two
chunks, a token at a piece boundary of a huge line) is still found, exactly once. Above one
chunk, chunks go to a process pool (one worker per core) and come back in order; a regular
file is cut by the workers themselves and its unchanged bytes copied by the kernel. Also here:
where the output goes (Output) and rewriting a file in place with a backup.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable, Iterator, NamedTuple

from .redactor import LABEL, Redactor, Span

if TYPE_CHECKING:
    from typing import IO, Any

# Chunks this size keep both cores busy with little IPC overhead, and bound memory: about
# (2 x workers + 2) chunks are in flight at once.
CHUNK_BYTES = 2 * 1024 * 1024
# What each chunk sees of its neighbours: more than the longest single match the rules allow
# (the matcher's own window is 8 KiB either side of a keyword) and than a 120-line PEM block
# (finders.PEM_REACH is half of it).
CONTEXT_BYTES = 32 * 1024

class _Task(NamedTuple):
    base: int  # absolute offset of data[0] in the stream
    data: bytes  # the bytes scanned: the owned range plus context either side
    lo: int  # the owned range within data: matches starting in [lo, hi) belong to this task
    hi: int


def _tasks(read: Callable[[int], bytes], chunk: int = CHUNK_BYTES,
           context: int = CONTEXT_BYTES) -> Iterator[_Task]:
    """Cut a byte stream into tasks. Owned ranges end at a newline, except inside a line
    longer than `chunk`, which is cut every `chunk` bytes. Holds at most chunk + 2 x context
    (+ one read) bytes."""
    buf = bytearray()
    base = 0  # stream offset of buf[0]
    own = 0  # stream offset where the next owned range starts
    eof = False
    while True:
        while not eof and base + len(buf) < own + chunk + context:
            block = read(chunk)
            if block:
                buf += block
            else:
                eof = True
        end = base + len(buf)
        if own >= end:
            return
        target = own + chunk
        if eof and end <= target:
            cut = end
        else:
            newline = buf.rfind(b"\n", own - base, min(target, end) - base)
            cut = base + newline + 1 if newline >= 0 else min(target, end)
        start = max(base, own - context)
        stop = min(end, cut + context)
        yield _Task(start, bytes(memoryview(buf)[start - base:stop - base]), own - start, cut - start)
        own = cut
        drop = max(0, own - context - base)
        if drop:
            del buf[:drop]
            base += drop


class Stats:
    """What one run read and redacted."""

    def __init__(self) -> None:
        from collections import Counter

        self.bytes = 0
        self.labels: Counter[str] = Counter()

    @property
    def redactions(self) -> int:
        return sum(self.labels.values())


class Output:
    """Where redacted bytes go: a binary stream, or nowhere (--check). Unchanged spans of a
    regular input file are copied by the kernel (sendfile) when the stream has a descriptor."""

    def __init__(self, stream: IO[bytes] | None) -> None:
        self.stream = stream
        self.fd: int | None = None
        if stream is not None:
            try:
                self.fd = stream.fileno()
            except (AttributeError, OSError, ValueError):  # BytesIO, pytest's capture
                self.fd = None
        self._sendfile = self.fd is not None and hasattr(os, "sendfile")

    def write(self, data: Any) -> None:
        if self.stream is not None:
            self.stream.write(data)

    def copy(self, in_fd: int, offset: int, count: int) -> None:
        """Bytes [offset, offset + count) of the file in_fd, unchanged."""
        if self.stream is None or count <= 0:
            return
        if self._sendfile:
            assert self.fd is not None
            self.stream.flush()
            try:
                while count > 0:
                    sent = os.sendfile(self.fd, in_fd, offset, count)
                    if sent == 0:
                        return  # the file shrank under us
                    offset += sent
                    count -= sent
                return
            except OSError as exc:
                import errno

                if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSOCK,
                                     errno.EBADF, errno.EXDEV):
                    raise
                self._sendfile = False  # a terminal, an O_APPEND file: copy by hand from here
        while count > 0:
            block = os.pread(in_fd, min(count, 1 << 20), offset)
            if not block:
                return
            self.stream.write(block)
            offset += len(block)
            count -= len(block)

    def flush(self) -> None:
        if self.stream is not None:
            self.stream.flush()


def _write_task(task: _Task, edits: list[Span], cursor: int, out: Output, stats: Stats) -> int:
    """Write the owned range of task with its edits (stream offsets) applied, from `cursor`
    (an edit of the previous task may reach into this one). Returns the new cursor."""
    data = memoryview(task.data)
    owned_end = task.base + task.hi
    stats.bytes += task.hi - task.lo
    for edit in edits:
        if edit.end <= cursor:
            continue
        start = max(edit.start, cursor)
        if start > cursor:
            out.write(data[cursor - task.base:start - task.base])
        out.write(LABEL.format(edit.label).encode())
        stats.labels[edit.label] += 1
        cursor = edit.end
    if cursor < owned_end:
        out.write(data[cursor - task.base:owned_end - task.base])
        cursor = owned_end
    return cursor


_worker: Redactor | None = None  # set in pool workers (inherited through fork)


def _worker_init(redactor: Redactor) -> None:
    global _worker
    _worker = redactor
    import gc

    gc.disable()  # short-lived workers that make no cycles worth collecting


def _worker_edits(data: bytes, lo: int, hi: int) -> tuple[list[Span], int]:
    assert _worker is not None
    before = _worker.timeouts
    edits = _worker.edits(data, lo, hi)
    _worker.matcher.flush_caches()  # a worker leaves without exit handlers
    return edits, _worker.timeouts - before


def redact_stream(redactor: Redactor, read: Callable[[int], bytes], out: Output,
                  jobs: int | None = None, chunk: int = CHUNK_BYTES,
                  context: int = CONTEXT_BYTES) -> Stats:
    """Redact a byte stream (a pipe): `read(n)` returns up to n bytes (b"" at the end). Above
    one chunk, with jobs > 1, chunks go to a process pool and come back in order."""
    stats = Stats()
    tasks = _tasks(read, chunk, context)
    first = next(tasks, None)
    if first is None:
        return stats
    second = next(tasks, None)
    jobs = jobs or os.cpu_count() or 1
    cursor = 0
    if second is None or jobs < 2 or not _can_fork():
        for task in _chain(first, second, tasks):
            edits = [e._replace(start=e.start + task.base, end=e.end + task.base)
                     for e in redactor.edits(task.data, task.lo, task.hi)]
            cursor = _write_task(task, edits, cursor, out, stats)
        return stats
    from collections import deque

    pending: deque[tuple[_Task, Any]] = deque()
    with _pool(redactor, jobs) as pool:
        def drain_one() -> None:
            nonlocal cursor
            task, future = pending.popleft()
            relative, timeouts = future.result()
            redactor.timeouts += timeouts
            edits = [e._replace(start=e.start + task.base, end=e.end + task.base) for e in relative]
            cursor = _write_task(task, edits, cursor, out, stats)

        for task in _chain(first, second, tasks):
            pending.append((task, pool.submit(_worker_edits, task.data, task.lo, task.hi)))
            if len(pending) >= 2 * jobs + 2:  # bounded: constant memory
                drain_one()
        while pending:
            drain_one()
    return stats


def _pool(redactor: Redactor, jobs: int) -> Any:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_init, initargs=(redactor,))


def _chain(first: _Task, second: _Task | None, rest: Iterator[_Task]) -> Iterator[_Task]:
    yield first
    if second is not None:
        yield second
        yield from rest


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


# A regular file is cut by the workers themselves: task k owns [cut(k), cut(k + 1)), where
# cut(k) follows the first newline at or after k x chunk - 1, searched up to half a chunk on
# (else k x chunk itself: a huge line). Each worker reads its own range with pread, so no
# chunk crosses a pipe, and the parent copies the unchanged bytes with sendfile.

def _cut(fd: int, k: int, tasks: int, size: int, chunk: int) -> int:
    if k <= 0:
        return 0
    if k >= tasks:
        return size
    nominal = k * chunk
    pos = nominal - 1
    limit = min(size, pos + chunk // 2)
    while pos < limit:
        block = os.pread(fd, min(4096, limit - pos), pos)
        if not block:
            break
        newline = block.find(b"\n")
        if newline >= 0:
            return pos + newline + 1
        pos += len(block)
    return nominal


def _file_task(redactor: Redactor, fd: int, k: int, tasks: int, size: int, chunk: int,
               context: int) -> tuple[int, int, list[Span]]:
    """(owned start, owned end, edits in file offsets) of task k."""
    lo = _cut(fd, k, tasks, size, chunk)
    hi = _cut(fd, k + 1, tasks, size, chunk)
    if hi <= lo:
        return lo, lo, []
    base = max(0, lo - context)
    data = os.pread(fd, min(size, hi + context) - base, base)
    edits = redactor.edits(data, lo - base, min(hi - base, len(data)))
    return lo, hi, [e._replace(start=e.start + base, end=e.end + base) for e in edits]


def _worker_file_task(fd: int, k: int, tasks: int, size: int, chunk: int,
                      context: int) -> tuple[int, int, list[Span], int]:
    assert _worker is not None
    before = _worker.timeouts
    lo, hi, edits = _file_task(_worker, fd, k, tasks, size, chunk, context)
    _worker.matcher.flush_caches()
    return lo, hi, edits, _worker.timeouts - before


def _redact_fd(redactor: Redactor, fd: int, size: int, out: Output, jobs: int,
               chunk: int = CHUNK_BYTES, context: int = CONTEXT_BYTES) -> Stats:
    """A regular file of `size` bytes (what is appended later is not read) by a process pool."""
    stats = Stats()
    tasks = -(-size // chunk)
    cursor = 0

    def emit(lo: int, hi: int, edits: list[Span]) -> None:
        nonlocal cursor
        stats.bytes += hi - lo
        for edit in edits:
            if edit.end <= cursor:
                continue
            start = max(edit.start, cursor)
            out.copy(fd, cursor, start - cursor)
            out.write(LABEL.format(edit.label).encode())
            stats.labels[edit.label] += 1
            cursor = edit.end
        if cursor < hi:
            out.copy(fd, cursor, hi - cursor)
            cursor = hi

    from collections import deque

    pending: deque[Any] = deque()
    with _pool(redactor, jobs) as pool:
        for k in range(tasks):
            pending.append(pool.submit(_worker_file_task, fd, k, tasks, size, chunk, context))
            if len(pending) >= 2 * jobs + 2:
                lo, hi, edits, timeouts = pending.popleft().result()
                redactor.timeouts += timeouts
                emit(lo, hi, edits)
        while pending:
            lo, hi, edits, timeouts = pending.popleft().result()
            redactor.timeouts += timeouts
            emit(lo, hi, edits)
    return stats


def redact_file(redactor: Redactor, path: str, out: Output, jobs: int | None = None) -> Stats:
    """One file: a large regular file by the process pool, anything else streamed."""
    import stat

    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        jobs = jobs or os.cpu_count() or 1
        if stat.S_ISREG(st.st_mode) and st.st_size > CHUNK_BYTES and jobs > 1 and _can_fork():
            return _redact_fd(redactor, fh.fileno(), st.st_size, out, jobs)
        return redact_stream(redactor, fh.read, out, jobs)


def redact_in_place(redactor: Redactor, path: str, backup: bool = True, jobs: int | None = None) -> Stats:
    """Rewrite path with its secrets redacted (a temporary file renamed over it, mode kept).
    With backup, the original stays as PATH.bak. A file with nothing to redact is left alone
    (and gets no backup)."""
    import stat
    import tempfile

    real = os.path.realpath(path)  # a symlink stays a link to the redacted file
    st = os.stat(real)
    if not stat.S_ISREG(st.st_mode):
        raise OSError(f"{path}: not a regular file")
    fd, tmp = tempfile.mkstemp(prefix=".credwall-redact-", dir=os.path.dirname(real) or ".")
    try:
        with os.fdopen(fd, "wb") as out:
            stats = redact_file(redactor, real, Output(out), jobs)
        if not stats.redactions:
            os.unlink(tmp)
            return stats
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if backup:
            bak = path + ".bak"
            if os.path.lexists(bak):
                os.unlink(bak)
            try:
                os.link(real, bak)  # the original inode becomes the backup: instant, exact
            except OSError:
                import shutil

                shutil.copy2(real, bak)
        os.replace(tmp, real)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return stats
