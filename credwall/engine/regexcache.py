"""Compiled-regex cache: keeps hook start-up in milliseconds.

Parsing a pattern with the `regex` package is pure Python (about 3 ms a rule, plus ~10 ms to
import the parser). Its C engine only needs the compiled program, so we record the arguments
`regex` passes to its C `compile` once, store them (marshal, keyed on the exact `_regex` binary),
and later build patterns straight from them, loading only the C extension. Any mismatch or
damage falls back to the normal `regex.compile`.
"""

from __future__ import annotations

import marshal
import os
import sys
from array import array
from typing import Any, Collection

_FORMAT = 2
_CODE_INDEX = 2  # position of the compiled program (a list of ints) in the compile arguments


class RegexCompiler:
    def __init__(self, cache_path: str | None, keep: Collection[str] | None = None) -> None:
        self._path = cache_path
        self._keep = keep  # patterns worth storing (the current rules); None keeps all
        self._codes: dict[str, tuple[Any, ...]] = {}
        self._engine: Any = None
        self._binary: tuple[str, int, int] | None = None
        self._load()

    def _load(self) -> None:
        if not self._path:
            return
        try:
            with open(self._path, "rb") as fh:
                data = marshal.loads(fh.read())  # loads(read()): marshal.load(file) is ~7x slower
            if data["format"] != _FORMAT or data["python"] != sys.version:
                return
            so_path, size, mtime = data["binary"]
            st = os.stat(so_path)
            if (st.st_size, st.st_mtime_ns) != (size, mtime):
                return
            self._codes = dict(data["codes"])
            self._binary = (so_path, size, mtime)
        except Exception:  # noqa: BLE001 - any damage means "no cache"
            self._codes = {}

    def _c_engine(self) -> Any:
        """The `_regex` C module, loaded without the pure-Python `regex` package when possible."""
        if self._engine is None:
            existing = sys.modules.get("regex._regex")
            if existing is None and self._binary is not None:
                from importlib.machinery import ExtensionFileLoader, ModuleSpec

                loader = ExtensionFileLoader("regex._regex", self._binary[0])
                module = loader.create_module(ModuleSpec("regex._regex", loader, origin=self._binary[0]))
                loader.exec_module(module)
                sys.modules["regex._regex"] = module  # a later `import regex` reuses it
                existing = module
            self._engine = existing
        return self._engine

    def compile(self, pattern: str) -> Any:
        args = self._codes.get(pattern)
        if args is not None:
            try:
                # The program is stored as packed bytes: unpacking one is microseconds, while
                # unmarshalling every rule's int list cost more than the whole scan.
                program = array("q", args[_CODE_INDEX]).tolist()
                args = args[:_CODE_INDEX] + (program,) + args[_CODE_INDEX + 1:]
                return self._c_engine().compile(*args)
            except Exception:  # noqa: BLE001 - stale or damaged entry: compile normally
                self._codes.pop(pattern, None)
        return self._compile_and_record(pattern)

    def _compile_and_record(self, pattern: str) -> Any:
        import regex
        from regex import _main

        captured: list[tuple[Any, ...]] = []
        real = _main._regex.compile

        def spy(*args: Any) -> Any:
            captured.append(args)
            return real(*args)

        _main._regex.compile = spy
        try:
            compiled = regex.compile(pattern, cache_pattern=False)
        finally:
            _main._regex.compile = real
        if captured and self._path:
            # RegexFlag values are ints underneath; marshal wants plain ints.
            args: list[Any] = [int(a) if isinstance(a, int) else a for a in captured[-1]]
            args[_CODE_INDEX] = array("q", args[_CODE_INDEX]).tobytes()
            self._codes[pattern] = tuple(args)
            self._binary = _binary_identity(_main._regex.__file__)
            self._save()
        return compiled

    def _save(self) -> None:
        assert self._path is not None and self._binary is not None
        codes = self._codes if self._keep is None else {p: a for p, a in self._codes.items() if p in self._keep}
        data = {"format": _FORMAT, "python": sys.version, "binary": self._binary, "codes": codes}
        try:
            write_atomic(self._path, marshal.dumps(data))
        except (OSError, ValueError):
            pass  # unwritable cache or an unmarshallable argument: compile normally next time


def _binary_identity(path: str) -> tuple[str, int, int]:
    st = os.stat(path)
    return (path, st.st_size, st.st_mtime_ns)


def write_atomic(path: str, data: bytes) -> None:
    """Write via a unique temp file and rename, so readers never see half a file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.replace(tmp, path)
