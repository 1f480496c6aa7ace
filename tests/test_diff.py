from __future__ import annotations

from credwall.sources.diff import parse_unified_diff, unquote_path

SAMPLE = b"""diff --git a/app.py b/app.py
index 1111111..2222222 100644
--- a/app.py
+++ b/app.py
@@ -3,0 +4,2 @@ def f():
+x = 1
+y = 2
@@ -10 +12 @@
-old
+new
@@ -20,3 +21,0 @@
-gone
-gone
-gone
diff --git a/new.txt b/new.txt
new file mode 100644
--- /dev/null
+++ b/new.txt
@@ -0,0 +1,3 @@
++++ not a header
+--- nor this
+diff --git inside content
diff --git a/img.png b/img.png
new file mode 100644
index 0000000..3333333
Binary files /dev/null and b/img.png differ
diff --git "a/sp ace\\303\\251.txt" "b/sp ace\\303\\251.txt"
--- "a/sp ace\\303\\251.txt"
+++ "b/sp ace\\303\\251.txt"
@@ -1 +1 @@
-a
+b
\\ No newline at end of file
"""


def test_added_ranges_paths_and_binary() -> None:
    files = {f.path: f for f in parse_unified_diff(SAMPLE.splitlines(keepends=True))}
    assert files[b"app.py"].added == [(4, 5), (12, 12)]
    assert files[b"new.txt"].added == [(1, 3)]
    assert files[b"img.png"].binary
    assert files["sp ace\u00e9.txt".encode()].added == [(1, 1)]
    assert files[b"app.py"].touches(5, 5) and not files[b"app.py"].touches(6, 11)
    # a hunk that only removes lines leaves no window
    assert [(w.first_line, w.data) for w in files[b"app.py"].windows] == [(4, b"x = 1\ny = 2\n"), (12, b"new\n")]
    assert files[b"new.txt"].windows[0].data == b"+++ not a header\n--- nor this\ndiff --git inside content\n"


def test_context_lines_are_in_the_window_but_not_added() -> None:
    patch = (b"diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -10,7 +10,8 @@ def f():\n"
             b" ctx1\n ctx2\n ctx3\n-old\n+new1\n+new2\n ctx4\n ctx5\n ctx6\n")
    [diff] = parse_unified_diff(patch.splitlines(keepends=True))
    assert diff.added == [(13, 14)]
    assert diff.windows == [(10, b"ctx1\nctx2\nctx3\nnew1\nnew2\nctx4\nctx5\nctx6\n")]


def test_unquote_path_escapes() -> None:
    assert unquote_path(b'"tab\\there"') == b"tab\there"
    assert unquote_path(b'"new\\nline"') == b"new\nline"
    assert unquote_path(b'"q\\"uote\\\\"') == b'q"uote\\'
    assert unquote_path(b"plain") == b"plain"


def test_bulk_hunks_read_as_line_by_line_on_real_histories(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The -U0 fast path (whole hunks by their header's counts) against the line-by-line reader,
    on every file patch of a history with the shapes that matter: lines added, removed and
    replaced, a last line without a newline (added, removed, gained), CRLF, empty files,
    deletions, renames and a merge (a combined diff, which takes the slow path)."""
    import random
    import subprocess

    from credwall.sources import git as cgit
    from credwall.sources.history import combined_to_unified, patches

    rng = random.Random(14)
    repo = tmp_path / "r"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)

    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True,
                       capture_output=True)

    words = [b"alpha", b"beta", b"token = x", b"", b"\r", b"key: v"]
    for n in range(60):
        name = f"f{rng.randrange(6)}.txt"
        path = repo / name
        lines = path.read_bytes().split(b"\n") if path.exists() else []
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(lines) + 1)
            if lines and rng.random() < 0.4:
                del lines[min(at, len(lines) - 1)]
            else:
                lines.insert(at, rng.choice(words) + str(rng.randrange(9)).encode())
        data = b"\n".join(lines) + (b"\n" if rng.random() < 0.7 else b"")
        path.write_bytes(data)
        if n % 17 == 16 and path.exists():
            git("mv", name, f"moved{n}.txt")
        if n == 30:
            git("checkout", "-q", "-b", "side")
        if n == 40:
            git("add", "-A")
            git("commit", "-qm", f"c{n}")
            git("checkout", "-q", "main")
            (repo / "main-only.txt").write_bytes(b"x\n")
            git("add", "-A")
            git("commit", "-qm", "main")
            git("merge", "-q", "--no-edit", "side", "-X", "theirs")
            continue
        git("add", "-A")
        git("commit", "-qm", f"c{n}", "--allow-empty")
    compared = bulk_hunks = 0
    for commit, patch in patches(cgit.stream_lines(cgit.history_log_args(["HEAD"]), cwd=str(repo))):
        if patch is None:
            continue
        if commit.parents > 1:
            patch = combined_to_unified(patch, commit.parents)
        fast, slow = parse_unified_diff(patch), parse_unified_diff(patch, bulk=False)
        assert fast == slow, patch
        compared += 1
        bulk_hunks += sum(len(f.windows) for f in fast)
    assert compared > 50 and bulk_hunks > 50
