"""The build cache in ``PROJECT/.edition-cache/``: content hashes, pickled per-source results, the last build.

Every key includes :data:`FINGERPRINT` (the tool's version, a hash of its code and the cache format),
so a new tool never reads an old entry.  An entry that cannot be read is deleted and rebuilt, never
trusted: the cache is only ever a shortcut to what the build would compute anyway.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from pathlib import Path

from . import __version__

CACHE_DIR = ".edition-cache"
FORMAT = "1"
_PACKAGE = Path(__file__).resolve().parent
_RACY_NS = 2_000_000_000  # a file changed this soon after it was hashed is hashed again


def digest(*parts) -> str:
    """A short stable hash of *parts* (bytes as they are, anything else by its repr)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _code_hash() -> str:
    files = sorted(_PACKAGE.glob("*.py"))
    return digest(*[(p.name, p.read_bytes()) for p in files])


FINGERPRINT = digest(__version__, FORMAT, _code_hash())


class Cache:
    """Pickled entries by kind and key; hashes of files by their stat.  Read-only unless *writable*."""

    def __init__(self, root: Path, writable: bool = True):
        self.dir = Path(root) / CACHE_DIR
        self.writable = writable
        self._known: dict[str, tuple] | None = None  # the last hash of each file: read when first needed
        self._hashes_dirty = False
        self._hashed: dict[str, str] = {}  # by this Cache: one build sees each file as it first found it

    # -- entries -----------------------------------------------------------------------------

    def path(self, kind: str, key: str) -> Path:
        return self.dir / kind / key[:2] / f"{key}.pickle"

    def get(self, kind: str, key: str):
        """The entry, or None if it is missing or unreadable (then it is removed)."""
        path = self.path(kind, key)
        try:
            with path.open("rb") as handle:
                value = pickle.load(handle)
        except FileNotFoundError:
            return None
        except Exception:  # a corrupt entry is rebuilt, whatever the unpickler made of it
            if self.writable:
                path.unlink(missing_ok=True)
            return None
        return value[1] if isinstance(value, tuple) and len(value) == 2 and value[0] == key else None

    def put(self, kind: str, key: str, value) -> None:
        if not self.writable:
            return
        path = self.path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((key, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    # -- file hashes ---------------------------------------------------------------------------

    def file_hash(self, path: Path) -> str:
        """The content hash of *path*, reusing the last one while size, mtime and inode are unchanged."""
        name = str(path)
        if name in self._hashed:
            return self._hashed[name]
        self._hashed[name] = value = self._file_hash(name)
        return value

    @property
    def _hashes(self) -> dict[str, tuple]:
        if self._known is None:
            self._known = self.get("meta", "hashes") or {}
        return self._known

    def _file_hash(self, name: str) -> str:
        st = os.stat(name)
        stamp = (st.st_size, st.st_mtime_ns, st.st_ino)
        known = self._hashes.get(name)
        if known and known[0] == stamp and known[2] - st.st_mtime_ns > _RACY_NS:
            return known[1]
        with open(name, "rb") as handle:
            value = digest(handle.read())
        self._hashes[name] = (stamp, value, time.time_ns())
        self._hashes_dirty = True
        return value

    def save_hashes(self) -> None:
        if self._hashes_dirty:
            self.put("meta", "hashes", self._hashes)
            self._hashes_dirty = False


class Bundle:
    """Many small entries of one kind kept in a few files: read once, a file written only when it changed.

    An edition of ten thousand memos has ten thousand validation results and summaries; one file
    each would cost a file open per memo on every rebuild, one file for all a rewrite of all of them
    when one memo changes.  Entries are spread over :data:`SHARDS` files by the first digit of their
    key.  Entries not asked for or added since the bundle was read (those of changed or deleted
    sources) are dropped when it is saved.
    """

    SHARDS = "0123456789abcdef"

    def __init__(self, cache: Cache, kind: str):
        self.cache, self.kind = cache, kind
        self._shards: dict[str, dict] = {}
        for shard in self.SHARDS:
            found = cache.get("bundle", f"{kind}-{shard}")
            self._shards[shard] = found if isinstance(found, dict) else {}
        self._used: set[str] = set()
        self._dirty: set[str] = set()

    def _shard(self, key: str) -> str:
        return key[0] if key[:1] in self._shards else self.SHARDS[0]

    def get(self, key: str):
        value = self._shards[self._shard(key)].get(key)
        if value is not None:
            self._used.add(key)
        return value

    def put(self, key: str, value) -> None:
        shard = self._shard(key)
        self._shards[shard][key] = value
        self._used.add(key)
        self._dirty.add(shard)

    def save(self) -> None:
        for shard, entries in self._shards.items():
            if any(key not in self._used for key in entries):
                self._shards[shard] = {key: value for key, value in entries.items() if key in self._used}
                self._dirty.add(shard)
        for shard in sorted(self._dirty):
            self.cache.put("bundle", f"{self.kind}-{shard}", self._shards[shard])
        self._dirty.clear()


class Shelf:
    """Entries of one kind kept in 256 files by the first two digits of their key, each read when first needed.

    For many entries of which a build needs a few: one changed document reads and writes two files of
    a few hundred kilobytes, not all of them.  Keys are hex digests.  *empty* starts from nothing:
    every file is written on :meth:`save`, so entries of an earlier use are dropped.
    """

    SHARDS = [f"{n:02x}" for n in range(256)]
    _NAMES = frozenset(SHARDS)

    def __init__(self, cache: Cache, kind: str, empty: bool = False):
        self.cache, self.kind, self.empty = cache, kind, empty
        self._shards: dict[str, dict] = {shard: {} for shard in self.SHARDS} if empty else {}
        self._dirty: set[str] = set(self.SHARDS) if empty else set()

    def _shard(self, key: str) -> dict:
        name = self._name(key)
        if name not in self._shards:
            found = self.cache.get("bundle", f"{self.kind}-{name}")
            self._shards[name] = found if isinstance(found, dict) else {}
        return self._shards[name]

    def get(self, key: str):
        return self._shard(key).get(key)

    def put(self, key: str, value) -> None:
        self._shard(key)[key] = value
        self._dirty.add(self._name(key))

    def delete(self, key: str) -> None:
        if self._shard(key).pop(key, None) is not None:
            self._dirty.add(self._name(key))

    def _name(self, key: str) -> str:
        return key[:2] if key[:2] in self._NAMES else "00"

    def save(self) -> None:
        for name in sorted(self._dirty):
            self.cache.put("bundle", f"{self.kind}-{name}", self._shards[name])
        self._dirty.clear()
