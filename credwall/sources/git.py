"""The only place that runs git. Output is parsed from machine formats and the user's diff and
colour configuration is overridden, so `diff.external`, `color.ui=always`, `diff.noprefix` or
`core.quotepath` cannot change what we read."""

from __future__ import annotations

import os
import subprocess

from ..errors import CredwallError

# No `typing` at run time: this module is imported before git starts on the commit path.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

    from .diff import StagedFile

# Config that would change the text we parse, pinned for every call.
_PINNED_CONFIG = (
    "-c", "core.quotepath=false", "-c", "color.ui=false", "-c", "diff.noprefix=false",
    "-c", "diff.mnemonicPrefix=false", "-c", "diff.relative=false", "-c", "core.safecrlf=false",
)
# -U0: hunks hold just the added lines (git makes them about twice as fast as -U3), so a
# multi-line secret is seen when the change adds all of it, as a pasted key block is.
_DIFF_FLAGS = ("--no-ext-diff", "--no-color", "--no-textconv", "-U0", "--src-prefix=a/",
               "--dst-prefix=b/", "-M", "--diff-filter=ACMRT")


class GitError(CredwallError):
    """git failed or is not there; the message says which command and why."""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # Hooks run inside git: GIT_INDEX_FILE etc. must be kept, but never page or prompt.
    env.update({"GIT_PAGER": "cat", "PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    env.pop("GIT_EXTERNAL_DIFF", None)
    return env


class GitProcess:
    """A git command started now and read later, so a caller can work while git runs."""

    def __init__(self, args: Sequence[str], cwd: str | None = None, input: bytes | None = None) -> None:
        self._args = args
        self._input = input
        try:
            self._proc = subprocess.Popen(["git", *_PINNED_CONFIG, *args], cwd=cwd, env=_env(),
                                          stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH") from None
        except OSError as exc:
            raise GitError(f"cannot run git: {exc}") from None

    def output(self) -> bytes:
        out, err = self._proc.communicate(self._input)
        if self._proc.returncode != 0:
            raise GitError(f"`git {' '.join(self._args[:3])}` failed: {_reason(err, self._proc.returncode)}")
        return out


def _reason(stderr: bytes, code: int) -> str:
    """git's own reason: its `fatal:` line (not a hint that follows it), else its last line."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    fatal = next((line for line in lines if line.startswith(("fatal:", "error:"))), None)
    return fatal or (lines[-1] if lines else f"exit {code}")


def run_git(args: Sequence[str], cwd: str | None = None, input: bytes | None = None) -> bytes:
    return GitProcess(args, cwd, input).output()


def toplevel(cwd: str | None = None) -> str | None:
    """The work tree's root, or None when git says this is not a git work tree. Any other
    failure (git missing, a repository git refuses to use, such as one with "dubious
    ownership") raises GitError: a check that cannot ask git must not decide it is outside one."""
    here = os.path.abspath(cwd or os.curdir)
    if os.path.exists(os.path.join(here, ".git")) and not os.environ.get("GIT_DIR") \
            and not os.environ.get("GIT_WORK_TREE"):
        return here  # the usual case under pre-commit: saves a git process on every commit
    proc = GitProcess(["rev-parse", "--show-toplevel"], cwd=cwd)
    try:
        return os.fsdecode(proc.output().rstrip(b"\n")) or None
    except GitError as exc:
        if "not a git repository" in str(exc) or "not a working tree" in str(exc) \
                or "must be run in a work tree" in str(exc):
            return None
        raise


def start_staged_diff(root: str) -> GitProcess:
    """Start the one git process the staged scan needs; read it with `staged_files`."""
    return GitProcess(["diff", "--cached", "--raw", "--no-abbrev", *_DIFF_FLAGS], cwd=root)


def staged_files(root: str, started: GitProcess | None = None) -> list[StagedFile]:
    """Files with staged additions (or binary changes), with their staged blob ids."""
    return staged_change(root, started)[0]


def staged_change(root: str, started: GitProcess | None = None) -> tuple[list[StagedFile], frozenset[bytes]]:
    """(files with staged additions or binary changes, every path the staged change touches).
    A path in the second but not the first adds no content: a pure rename or mode change, a
    submodule or a symlink.

    One `git diff --cached --raw -p`: the raw lines give modes and blob ids, the patch gives the
    added lines themselves. With no commits yet git compares against the empty tree."""
    from .diff import StagedFile, parse_unified_diff, unquote_path  # imported while git runs

    out = (started or start_staged_diff(root)).output()
    # Lines end at \n only: bytes.splitlines() also splits at a lone \r, which would cut an added
    # line `+\rTOKEN` in two and drop its second half from the hunk.
    lines = out.split(b"\n")
    lines = [line + b"\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    blobs: dict[bytes, tuple[str, str]] = {}
    patch_start = len(lines)
    for n, line in enumerate(lines):
        if not line.startswith(b":"):
            patch_start = n
            break
        meta, _, paths = line.rstrip(b"\n").partition(b"\t")
        fields = meta[1:].split(b" ")
        new_path = unquote_path(paths.split(b"\t")[-1])  # R/C lines carry old<TAB>new
        blobs[new_path] = (fields[1].decode(), fields[3].decode())
    result = []
    for file_diff in parse_unified_diff(lines[patch_start:]):
        mode, blob = blobs.get(file_diff.path, ("", ""))
        # A gitlink (submodule) carries no file text of its own; a symlink's text is its target.
        if not blob or mode == "160000":
            continue
        if file_diff.added or file_diff.binary:
            result.append(StagedFile(path=file_diff.path, blob=blob, diff=file_diff))
    return result, frozenset(blobs)


def read_blobs(root: str, blob_ids: Sequence[str]) -> dict[str, bytes]:
    """Contents of many blobs through one `git cat-file --batch`."""
    if not blob_ids:
        return {}
    out = run_git(["cat-file", "--batch"], cwd=root, input="".join(f"{b}\n" for b in blob_ids).encode())
    contents: dict[str, bytes] = {}
    pos = 0
    for blob in blob_ids:
        eol = out.index(b"\n", pos)
        header = out[pos:eol].split(b" ")
        if len(header) != 3:
            raise GitError(f"cannot read staged blob {blob}: {out[pos:eol].decode('ascii', 'replace')}")
        size = int(header[2])
        contents[blob] = out[eol + 1:eol + 1 + size]
        pos = eol + 1 + size + 1
    return contents


# --- history (credwall/history.py, hooks/check_push.py) ------------------------------------------

if TYPE_CHECKING:
    from typing import Iterator

# Config that changes what `git log` prints, pinned on top of _PINNED_CONFIG: a signature check
# would print gpg output between commits; root commits must show their whole tree as added.
_LOG_CONFIG = ("-c", "log.showSignature=false", "-c", "log.showRoot=true", "-c", "diff.submodule=short")
# One line per commit, starting with NUL (a patch line never does: it starts with a diff tag):
# sha, parents, author name, author email, author date (strict ISO 8601).
HISTORY_HEADER_FORMAT = "%x00%H%x00%P%x00%an%x00%ae%x00%aI"


def history_log_args(revs: Sequence[str]) -> list[str]:
    """`git log -p` over revs, oldest first (parents before children, so the earliest commit
    that added a secret is met first), merges as dense combined diffs (`--cc`: only the lines
    that differ from every parent, i.e. what the merge itself introduced), binary blobs named
    by full ids so they can be read."""
    return ["log", "-p", "--reverse", "--topo-order", "--cc", f"--format={HISTORY_HEADER_FORMAT}",
            "--full-index", *_DIFF_FLAGS, *revs, "--"]


def stream_lines(args: Sequence[str], cwd: str | None = None) -> Iterator[bytes]:
    """Lines of a git command's output (line ends kept), read as git writes them, so memory stays
    bounded by the longest line whatever the output's size. Raises GitError at the end when git
    failed; stopping early (close, an exception in the caller) kills git."""
    import tempfile

    # stderr goes to a file, not a pipe: git could otherwise block on a full stderr pipe while
    # we wait on stdout.
    with tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(["git", *_PINNED_CONFIG, *_LOG_CONFIG, *args], cwd=cwd, env=_env(),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err,
                                    bufsize=1 << 20)
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH") from None
        except OSError as exc:
            raise GitError(f"cannot run git: {exc}") from None
        assert proc.stdout is not None
        _grow_pipe(proc.stdout.fileno())
        finished = False
        try:
            yield from proc.stdout
            finished = True
        finally:
            if not finished:
                proc.kill()
            proc.stdout.close()
            code = proc.wait()
        if code != 0:
            err.seek(0)
            detail = err.read().decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"`git {' '.join(args[:2])}` failed: {detail[-1] if detail else code}")


def _grow_pipe(fd: int) -> None:
    """Let git write ahead while the reader scans: a 1 MiB pipe (Linux; the default 64 KiB
    holds a few commits) means git stalls less often on a busy reader, and the reader less
    often on git. Where the call is not available or refused, the default pipe serves."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass


def count_commits(root: str, revs: Sequence[str]) -> GitProcess:
    """Started `git rev-list --count revs`; `int(p.output())` is the number of commits."""
    return GitProcess(["rev-list", "--count", *revs, "--"], cwd=root)


def has_head(root: str) -> bool:
    """Whether HEAD names a commit (False in a repository with no commits yet)."""
    try:
        run_git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], cwd=root)
    except GitError:
        return False
    return True


def rev_list(root: str, revs: Sequence[str]) -> list[str]:
    """Commit ids `git rev-list revs` names."""
    return run_git(["rev-list", *revs, "--"], cwd=root).decode("ascii").split()


class BlobReader:
    """One `git cat-file --batch` kept open: blobs read one at a time, so a history scan never
    holds more than one blob (git calls them binary; we may find UTF-16 text)."""

    def __init__(self, root: str) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._root = root

    def read(self, blob: str, max_bytes: int) -> bytes | None:
        """The blob's bytes, or None when it is larger than max_bytes (then drained unread)."""
        if self._proc is None:
            try:
                self._proc = subprocess.Popen(["git", *_PINNED_CONFIG, "cat-file", "--batch"], cwd=self._root,
                                              env=_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                              stderr=subprocess.DEVNULL)
            except OSError as exc:
                raise GitError(f"cannot run git: {exc}") from None
        proc = self._proc
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(blob.encode("ascii") + b"\n")
            proc.stdin.flush()
        except BrokenPipeError:
            raise GitError("`git cat-file --batch` exited early") from None
        header = proc.stdout.readline().split()
        if len(header) != 3:
            raise GitError(f"cannot read blob {blob}: {b' '.join(header).decode('ascii', 'replace') or 'git exited'}")
        size = int(header[2])
        if size > max_bytes:
            left = size + 1
            while left:
                chunk = proc.stdout.read(min(left, 1 << 20))
                if not chunk:
                    raise GitError(f"cannot read blob {blob}: git exited")
                left -= len(chunk)
            return None
        data = proc.stdout.read(size + 1)
        return data[:size]

    def close(self) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None and self._proc.stdout is not None
            self._proc.stdin.close()
            self._proc.stdout.close()
            self._proc.wait()
            self._proc = None


def git_dir(root: str) -> str:
    """The repository's git directory; GitError (git's own message) when root is in none."""
    return os.fsdecode(run_git(["rev-parse", "--git-dir"], cwd=root).rstrip(b"\n"))


# --- ignore rules, config, tracked files (credwall/ignores.py, credwall/audit.py) ------------

# Variables that would point git at another repository: dropped for the scratch repositories
# (and their `git init`) that judge agent ignore files, which must never touch the user's one.
_REPO_VARS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
              "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_PREFIX")


class IgnoreVerdict:
    """git's verdict on one path: the last pattern that matched it (none: empty source).
    A plain class: `typing.NamedTuple` would import `typing` on the commit path."""

    __slots__ = ("path", "source", "line", "pattern")

    def __init__(self, path: str, source: str, line: int, pattern: str) -> None:
        self.path = path
        self.source = source  # ".gitignore", "app/.gitignore", ".git/info/exclude", an excludes file
        self.line = line  # of the pattern in source; 0 when none matched
        self.pattern = pattern  # as written, "!" included for a negation

    @property
    def ignored(self) -> bool:
        return bool(self.source) and not self.pattern.startswith("!")

    def __repr__(self) -> str:
        return f"IgnoreVerdict({self.path!r}, {self.source!r}, {self.line}, {self.pattern!r})"


def _run_checked(args: Sequence[str], cwd: str | None, input: bytes | None, ok_codes: tuple[int, ...],
                 isolated: bool = False) -> bytes:
    """Run git; exit codes in ok_codes are answers (check-ignore's and config's 1: "none"),
    anything else a GitError."""
    env = _env()
    if isolated:
        for var in _REPO_VARS:
            env.pop(var, None)
    try:
        proc = subprocess.run(["git", *_PINNED_CONFIG, *args], cwd=cwd, env=env, input=input,
                              stdin=None if input is not None else subprocess.DEVNULL,
                              capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if proc.returncode not in ok_codes:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        shown = " ".join([a for a in args if not a.startswith(("-c", "core."))][:2])
        raise GitError(f"`git {shown}` failed: {detail[-1] if detail else proc.returncode}")
    return proc.stdout


def check_ignore(root: str, paths: Sequence[str], excludes_file: str | None = "", no_index: bool = True,
                 isolated: bool = False) -> list[IgnoreVerdict]:
    """Whether git ignores each path, by git's own rules (`git check-ignore -v -n -z --stdin`).

    `no_index` (the default) judges paths as if untracked, so they need not exist or be new.
    `excludes_file` replaces `core.excludesFile`: empty (the default) means none, so a user's
    global ignore file cannot make a shared `.gitignore` look complete; a scratch repository
    with `excludes_file` set to another tool's ignore file judges that file with git's syntax.
    None keeps the user's own configuration: what their `git add` would do."""
    if not paths:
        return []
    args = ["check-ignore", "-v", "-n", "-z", "--stdin"]
    if no_index:
        args.insert(1, "--no-index")
    if excludes_file is not None:
        args[:0] = ["-c", f"core.excludesFile={excludes_file}"]
    out = _run_checked(args, root, b"".join(os.fsencode(p) + b"\0" for p in paths), (0, 1), isolated)
    fields = out.split(b"\0")
    verdicts = []
    for n in range(0, len(fields) - 3, 4):
        source, line, pattern, path = (os.fsdecode(f) for f in fields[n:n + 4])
        verdicts.append(IgnoreVerdict(path, source, int(line) if line else 0, pattern))
    return verdicts


def init_scratch(path: str) -> None:
    """An empty repository at path (no template: no hooks copied), for judging ignore files."""
    _run_checked(["init", "-q", "--template=", path], None, None, (0,), isolated=True)


def config_entries(pattern: str, cwd: str | None = None, file: str | None = None) -> list[tuple[str, str]]:
    """(key, value) of every config entry whose key matches the regex `pattern`, from one file
    (`--file`, includes followed) or, without one, the repository's own config (`--local`).
    A missing file has no entries."""
    if file is not None and not os.path.isfile(file):
        return []
    source = ["--file", file] if file is not None else ["--local"]
    out = _run_checked(["config", *source, "--includes", "-z", "--get-regexp", pattern], cwd, None, (0, 1))
    entries = []
    for record in out.split(b"\0"):
        if record:
            key, _, value = os.fsdecode(record).partition("\n")
            entries.append((key, value))
    return entries


def tracked_files(root: str) -> set[str]:
    """Paths (relative to root, `/`-separated) that the index tracks."""
    out = run_git(["ls-files", "-z", "--full-name"], cwd=root)
    return {os.fsdecode(p) for p in out.split(b"\0") if p}


def ignored_paths(root: str) -> frozenset[str]:
    """Absolute paths of the untracked files and directories git ignores in the work tree at
    root (.gitignore, .git/info/exclude, core.excludesFile: what `git status` leaves out). A
    directory ignored whole is one entry (`--directory`), so a walk prunes it without
    entering it. Tracked files are never listed, whatever the ignore rules say."""
    out = run_git(["ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"], cwd=root)
    return frozenset(os.path.normpath(os.path.join(root, os.fsdecode(p))) for p in out.split(b"\0") if p)


def staged_names(root: str) -> list[str]:
    """Paths (relative to root, `/`-separated) the staged change adds, modifies or deletes; a
    rename as both its old and its new name."""
    out = run_git(["diff", "--cached", "--name-only", "--no-renames", "-z"], cwd=root)
    return [os.fsdecode(p) for p in out.split(b"\0") if p]
