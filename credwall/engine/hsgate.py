"""The keyword gate on Hyperscan (`pip install credwall[fast]`): one literal database over
every keyword, scanned over the text's bytes with SIMD instead of one character at a time.

Same hits as the Aho-Corasick gate (gate.py), offset for offset, without lower-casing the text:
- the database matches ASCII case-insensitively (every keyword is lower-case ASCII);
- offsets must index the `str`, so the text is scanned as one byte per character: an ASCII text
  as it is, any other with each non-ASCII character replaced by `?` (no keyword holds one, or
  this gate is not used), except the KELVIN SIGN, which `lower` turns into `k` unless the text
  also holds a U+0130 (see gate.lower). No other character lowers to ASCII.

The compiled database (~30 ms to build for the built-in rules) is kept in the user cache,
which is untrusted input (cachefile; docs/security.md, "The caches"): the entry is found by a
digest of the keywords, Hyperscan's version and the machine; it holds a digest of its bytes;
the loaded database must find every keyword of a probe text, exactly where a plain search finds
them, before it is used. Any mismatch compiles the database from the keywords and rewrites it.
The cache never names code: `hyperscan` is the installed package, found by `import`.
"""

from __future__ import annotations

import marshal
import platform

from . import cachefile
from .gate import KeywordGate, lower, merge_per_index

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping

_CACHE_NAME = "gate.hyperscan"
_FORMAT = 1
_CACHE_ENTRIES = 4  # databases kept (the matcher's, the redactor's, a config's packs, …)
_KELVIN, _DOTTED_I = "\u212a", "\u0130"


def hyperscan_missing(keywords: Mapping[str, tuple[int, ...]]) -> str | None:
    """Why this gate cannot serve these keywords (None when it can)."""
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return "hyperscan is not installed (pip install 'credwall[fast]')"
    except Exception as exc:  # noqa: BLE001 - a broken binary wheel: fall back, say why
        return f"hyperscan cannot be loaded: {exc}"
    if any("?" in keyword for keyword in keywords):
        return "a keyword holds '?', which stands for non-ASCII characters here"
    return None


def scan_bytes(text: str) -> bytes:
    """The text as one byte per character, as the lower-cased text would match ASCII keywords."""
    if text.isascii():
        return text.encode("ascii")
    if _KELVIN in text and _DOTTED_I not in text:
        text = text.replace(_KELVIN, "k")
    return text.encode("ascii", "replace")


class HyperscanGate(KeywordGate):
    """Not for use from several threads at once (one scratch space, one set of buckets)."""

    engine = "hyperscan"

    def __init__(self, keywords: Mapping[str, tuple[int, ...]]) -> None:
        import hyperscan

        self._words = sorted(keywords)
        # Per keyword id: its hits' end offsets during a scan, with its length and indices.
        self._buckets = [_Bucket(len(w), tuple(sorted(set(keywords[w])))) for w in self._words]
        self._rebuilt = 0
        self._db = self._database(hyperscan) if self._words else None
        self._scratch = hyperscan.Scratch(self._db) if self._db is not None else None

    def take_rebuilt(self) -> int:
        count, self._rebuilt = self._rebuilt, 0
        return count

    def hits(self, text: str, lowered: str | None = None) -> dict[int, list[int]]:
        if self._db is None or not text:
            return {}
        buckets = self._buckets
        touched: list[_Bucket] = []

        def on_match(kid: int, start: int, end: int, flags: int, context: Any) -> None:
            bucket = buckets[kid]
            if not bucket:
                touched.append(bucket)
            bucket.append(end)  # returns None: a true value would stop the scan

        per_index: dict[int, list[list[int]]] = {}
        try:
            self._db.scan(scan_bytes(text), match_event_handler=on_match, scratch=self._scratch)
            for bucket in touched:
                shift = bucket.shift
                starts = [end - shift for end in bucket]
                for k, index in enumerate(bucket.indices):
                    own = starts if k == 0 else starts.copy()
                    lists = per_index.get(index)
                    if lists is None:
                        per_index[index] = [own]
                    else:
                        lists.append(own)
        finally:
            for bucket in touched:
                bucket.clear()
        return merge_per_index(per_index)

    # -- the database and its cache -------------------------------------------------------------
    def _database(self, hyperscan: Any) -> Any:
        path = cachefile.cache_file(_CACHE_NAME)
        key = self._key(hyperscan)
        entries = _read_entries(path) if path else {}
        entry = entries.get(key)
        if entry is not None:
            db = self._from_entry(hyperscan, entry)
            if db is not None:
                return db
            self._rebuilt += 1
        db = self._compile(hyperscan)
        if path:
            try:
                payload = hyperscan.dumpb(db)
            except Exception:  # noqa: BLE001 - an unserialisable database: just don't cache it
                return db
            entries.pop(key, None)
            kept = dict(list(entries.items())[-(_CACHE_ENTRIES - 1):])
            kept[key] = (cachefile.digest(payload), payload)
            cachefile.write_atomic(path, marshal.dumps({"format": _FORMAT, "entries": kept}))
        return db

    def _key(self, hyperscan: Any) -> bytes:
        """What the database is built from: the keywords (ids are positions in sorted order),
        the flags, Hyperscan's version and the machine it was built for."""
        return cachefile.digest(b"hyperscan", str(_FORMAT).encode(), str(hyperscan.__version__).encode(),
                                platform.machine().encode(), "\n".join(self._words).encode("ascii"))

    def _compile(self, hyperscan: Any) -> Any:
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(expressions=[w.encode("ascii") for w in self._words], ids=list(range(len(self._words))),
                   elements=len(self._words), flags=hyperscan.HS_FLAG_CASELESS, literal=True)
        return db

    def _from_entry(self, hyperscan: Any, entry: Any) -> Any:
        """The cached database, if its bytes are intact and it finds the probe's keywords."""
        try:
            payload_digest, payload = entry
            if type(payload) is not bytes or cachefile.digest(payload) != payload_digest:
                return None
            db = hyperscan.loadb(payload, hyperscan.HS_MODE_BLOCK)
            return db if self._finds_probe(hyperscan, db) else None
        except Exception:  # noqa: BLE001 - damaged, or built for another platform
            return None

    def _finds_probe(self, hyperscan: Any, db: Any) -> bool:
        """Does the database report exactly the (keyword, end) pairs a plain search finds in a
        text made of every keyword, lower- and upper-case? Stops a damaged or swapped database;
        a crafted one that knows the probe can pass (docs/security.md)."""
        probe = "\n".join(self._words) + "\n" + "\n".join(w.upper() for w in self._words)
        lowered = lower(probe)
        expected = set()
        for kid, word in enumerate(self._words):
            at = lowered.find(word)
            while at >= 0:
                expected.add((kid, at + len(word)))
                at = lowered.find(word, at + 1)
        found: set[tuple[int, int]] = set()

        def on_match(kid: int, start: int, end: int, flags: int, context: Any) -> None:
            found.add((kid, end))

        db.scan(probe.encode("ascii"), match_event_handler=on_match, scratch=hyperscan.Scratch(db))
        return found == expected


class _Bucket(list[int]):
    """One keyword's hit end offsets (exclusive, as Hyperscan reports them) during a scan."""

    __slots__ = ("shift", "indices")

    def __init__(self, length: int, indices: tuple[int, ...]) -> None:
        super().__init__()
        self.shift = length  # exclusive end offset -> start offset
        self.indices = indices


def _read_entries(path: str) -> dict[bytes, Any]:
    """The cache file's entries (key -> (digest, database bytes)); {} for anything unexpected."""
    data = cachefile.read(path)
    if data is None:
        return {}
    try:
        loaded = marshal.loads(data)
        if type(loaded) is not dict or loaded.get("format") != _FORMAT:
            return {}
        entries = loaded.get("entries")
        return entries if type(entries) is dict else {}
    except Exception:  # noqa: BLE001 - any damage means "no cache"
        return {}
