"""Compiled-regex cache: keeps hook start-up in milliseconds.

Parsing a pattern with the `regex` package is pure Python (about 3 ms a rule, plus ~10 ms to
import the parser). Its C engine only needs the compiled program, so we record the arguments
`regex` passes to its C `compile` once, store them in the user cache, and later build patterns
straight from them, loading only the C extension.

The cache file is untrusted input (see cachefile):
- it never names code: the `_regex` extension is the one the installed `regex` package would
  import, found by its import spec; the cache records only that binary's identity (real path,
  size, mtime) so that programs built by another one are dropped;
- each entry is keyed by its pattern's text and carries a checksum of its arguments (damage);
- a program built from the cache is unverified until its rule's examples have checked it
  (Matcher); one that fails is dropped, compiled from source, rewritten and counted.
Any mismatch or damage falls back to the normal `regex.compile`.
"""

from __future__ import annotations

import marshal
import os
import sys
from array import array
from typing import Any, Collection

from . import cachefile

_FORMAT = 3
_ARG_COUNT = 11  # arguments of `_regex.compile`
_CODE_INDEX = 2  # position of the compiled program (a list of ints) in them

Entry = tuple[int, bytes]  # (checksum of pattern and arguments, marshalled arguments)


class RegexCompiler:
    def __init__(self, cache_path: str | None, keep: Collection[str] | None = None) -> None:
        self._path = cache_path
        self._keep = keep  # patterns worth storing (the current rules); None keeps all
        self._entries: dict[str, Entry] | None = None  # read on first use
        self._engine: Any = None
        self._spec: Any = None  # of `_regex`, once looked up
        self._unverified: set[str] = set()
        self._new: set[str] = set()  # patterns compiled here and not yet written
        self.rebuilt = 0  # cached entries dropped as damaged

    def compile(self, pattern: str) -> Any:
        """The pattern compiled, from the cache when it holds a sound entry for it."""
        entry = self._cached().get(pattern)
        if entry is not None:
            program = self._from_entry(pattern, entry)
            if program is not None:
                self._unverified.add(pattern)
                return program
            self._drop(pattern)
        return self._compile_and_record(pattern)

    def from_cache(self, pattern: str) -> bool:
        """Was the pattern's last program built from the cache (so not yet trusted)?"""
        return pattern in self._unverified

    def recompile(self, pattern: str) -> Any:
        """A cached program failed verification: drop it and compile from source (which
        rewrites the entry). The caller counts the failure."""
        self._unverified.discard(pattern)
        if self._entries:
            self._entries.pop(pattern, None)
        return self._compile_and_record(pattern)

    def _drop(self, pattern: str) -> None:
        self._unverified.discard(pattern)
        if self._entries:
            self._entries.pop(pattern, None)
        self.rebuilt += 1

    def _cached(self) -> dict[str, Entry]:
        if self._entries is None:
            self._entries = self._load()
        return self._entries

    def _load(self) -> dict[str, Entry]:
        if not self._path:
            return {}
        data = cachefile.read(self._path)
        if data is None:
            return {}
        try:
            loaded = marshal.loads(data)  # loads(read()): marshal.load(file) is ~7x slower
            if loaded["format"] != _FORMAT or loaded["python"] != sys.version:
                return {}
            if loaded["engine"] != self._engine_identity():
                return {}  # programs of another `_regex` build
            codes = loaded["codes"]
            return codes if type(codes) is dict else {}
        except Exception:  # noqa: BLE001 - any damage means "no cache"
            return {}

    def _from_entry(self, pattern: str, entry: Any) -> Any:
        """The C pattern object built from an entry, or None if the entry is not sound."""
        try:
            entry_checksum, blob = entry
            if cachefile.checksum(pattern.encode("utf-8", "surrogatepass"), blob) != entry_checksum:
                return None
            args = marshal.loads(blob)
            if type(args) is not tuple or len(args) != _ARG_COUNT or args[0] != pattern:
                return None
            # The program is stored as packed bytes: unpacking one is microseconds, while
            # unmarshalling every rule's int list cost more than the whole scan.
            program = array("q", args[_CODE_INDEX]).tolist()
            return self._c_engine().compile(*args[:_CODE_INDEX], program, *args[_CODE_INDEX + 1:])
        except Exception:  # noqa: BLE001 - damaged entry: compile normally
            return None

    def _c_engine(self) -> Any:
        """The `_regex` C module, loaded without the pure-Python `regex` package when possible:
        from the installed package's own location, never from a path the cache names."""
        if self._engine is None:
            module = sys.modules.get("regex._regex")
            if module is None:
                spec = self._engine_spec()
                if spec is None:
                    raise ImportError("regex._regex not found")
                module = spec.loader.create_module(spec)
                module.__spec__, module.__loader__ = spec, spec.loader
                spec.loader.exec_module(module)
                sys.modules["regex._regex"] = module  # a later `import regex` reuses it
            self._engine = module
        return self._engine

    def _engine_spec(self) -> Any:
        """The import spec of the `_regex` extension inside the installed `regex` package,
        found as `import regex` would find it (without running the package, which imports the
        parser)."""
        if self._spec is None:
            from importlib.machinery import PathFinder

            package = PathFinder.find_spec("regex")
            locations = package.submodule_search_locations if package is not None else None
            spec = PathFinder.find_spec("regex._regex", list(locations)) if locations else None
            if spec is None or spec.loader is None or not isinstance(spec.origin, str):
                return None
            self._spec = spec
        return self._spec

    def _engine_identity(self) -> tuple[str, int, int] | None:
        """(real path, size, mtime) of the `_regex` binary in use or about to be: computed from
        its real location, compared with the cache's record, never used to load anything."""
        module = sys.modules.get("regex._regex")
        if module is not None:
            origin = getattr(module, "__file__", None)
        else:
            spec = self._engine_spec()
            origin = spec.origin if spec is not None else None
        if not isinstance(origin, str):
            return None
        try:
            real = os.path.realpath(origin)
            st = os.stat(real)
        except OSError:
            return None
        return (real, st.st_size, st.st_mtime_ns)

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
        self._unverified.discard(pattern)
        if captured and self._path and len(captured[-1]) == _ARG_COUNT:
            # RegexFlag values are ints underneath; marshal wants plain ints.
            args: list[Any] = [int(a) if isinstance(a, int) else a for a in captured[-1]]
            args[_CODE_INDEX] = array("q", args[_CODE_INDEX]).tobytes()
            try:
                blob = marshal.dumps(tuple(args))
            except ValueError:
                return compiled  # an unmarshallable argument: compile normally next time
            self._cached()[pattern] = (cachefile.checksum(pattern.encode("utf-8", "surrogatepass"), blob), blob)
            if not self._new:
                import atexit

                atexit.register(self.flush)  # pool workers, which leave by os._exit, flush themselves
            self._new.add(pattern)
        return compiled

    def flush(self) -> None:
        """Write the programs compiled since the last flush, once: writing the whole cache after
        each compile made a cold scan of every rule rewrite a megabyte file hundreds of times.
        Entries another process wrote meanwhile are kept (merged), so parallel workers do not
        erase each other's programs; an entry read back is still verified before use."""
        if not self._new or self._path is None or self._entries is None:
            return
        identity = self._engine_identity()
        if identity is None:
            return
        merged = dict(self._load())
        merged.update(self._entries)
        codes = merged if self._keep is None else {p: e for p, e in merged.items() if p in self._keep}
        data = {"format": _FORMAT, "python": sys.version, "engine": identity, "codes": codes}
        cachefile.write_atomic(self._path, marshal.dumps(data))  # False (unwritable): fine
        self._new.clear()

