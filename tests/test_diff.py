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
