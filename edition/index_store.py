"""The indexes between builds: per entity, the lines of every document that mentions it.

One changed memo touches the index entries it mentions, before and after the change, not whole
indexes.  So the lines of each entity's page (see :func:`edition.index.document_locators`) are kept
in the cache, one entry per entity, and a small record per output directory says, per source, a
hash of its lines for each entity it mentions, and where each entity's lines are.  A rebuild reads
and rewrites the entries of the entities whose lines from its changed sources differ, and renders
only their pages: an edit of a memo's text touches none.

If the record does not belong to the previous build into the same output directory, everything
starts from nothing; if an entity's lines were lost from the cache, they are gathered again from
every source that mentions it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .cache import Cache, digest
from .index import unpack_locators

Where = tuple[str, int]  # (the source's path, the document's position in it)
Part = tuple[tuple[str, str], int, str]  # (the document's sort key, how many locators, its line)
_SEP, _ENTRY = "\x1f", "\x1e"


@dataclass
class EntryState:
    key: str  # where its lines are in the cache
    documents: int
    locators: int


class IndexStore:
    """The index entries of the edition built into one output directory."""

    def __init__(self, cache: Cache, out_dir: Path, previous_build: str | None):
        self.cache = cache
        self.name = digest("index", str(Path(out_dir).resolve()))
        record = cache.get("meta", self.name) if previous_build else None
        if not (isinstance(record, dict) and record.get("build") == previous_build):
            record = {"sources": {}, "entries": {}}
        # source key → its path, and per entity it mentions a hash of its lines (packed)
        self.sources: dict[str, tuple[str, str]] = record["sources"]
        self.entries: dict[str, EntryState] = record["entries"]
        self.changed: dict[str, dict[Where, Part]] = {}  # entity → its lines, for those this build changed
        self._replaced: list[str] = []

    def update(self, sources: list[tuple[str, str, list]], lines: Callable[[str], dict[int, str]]) -> set[str]:
        """Bring the entries up to *sources* (key, path and document summaries of each); return the
        entities whose lines changed.  *lines* gives a source's packed lines by the position of each
        published document.

        Only the entities whose lines from a changed source differ are touched: a memo whose text
        changed but whose mentions did not touches none.
        """
        before: dict[str, dict[str, str]] = {}  # path → entity → hash of its lines, for changed sources
        for key in self.sources.keys() - {key for key, _, _ in sources}:
            path, hashes = self.sources.pop(key)
            before[path] = _unpack(hashes)
        added: dict[str, dict[Where, Part]] = {}
        after: dict[str, dict[str, str]] = {}
        for key, path, docs in sources:
            if key not in self.sources:
                after[path] = _collect(path, docs, lines(key), added)
                self.sources[key] = (path, _pack(after[path]))
        touched = {ref for path in before.keys() | after.keys()
                   for ref, old, new in _pairs(before.get(path, {}), after.get(path, {})) if old != new}
        gone = {path for path in before if path not in after or before[path] != after[path]}
        for ref in sorted(touched):
            new = added.get(ref, {})
            self._update(ref, gone, new, sorted({(path, after[path][ref]) for path, _ in new}), sources, lines)
        return set(self.changed)

    def _update(self, ref: str, gone: set[str], added: dict[Where, Part], hashes: list, sources, lines) -> None:
        state = self.entries.get(ref)
        parts = self._load(ref, state, sources, lines) if state else {}
        removed = sorted(where for where in parts if where[0] in gone)  # changed or removed
        for where in removed:
            del parts[where]
        parts.update(added)
        if not parts:
            self.entries.pop(ref, None)
            return
        # a key for these lines: from the last one and the change, the added lines by their sources' hashes
        key = digest(self.name, ref, state.key if state else None, removed, hashes)
        self.entries[ref] = EntryState(key, len(parts), sum(part[1] for part in parts.values()))
        self.changed[ref] = parts
        if state:
            self._replaced.append(state.key)

    def _load(self, ref: str, state: EntryState, sources, lines) -> dict[Where, Part]:
        found = self.cache.get("entry", state.key)
        if isinstance(found, dict):
            return found
        gathered: dict[str, dict[Where, Part]] = {}  # lost: from every source that mentions it
        for key, path, docs in sources:
            if ref in _unpack(self.sources.get(key, ("", ""))[1]):
                _collect(path, docs, lines(key), gathered)
        return gathered.get(ref, {})

    def lines(self, ref: str) -> list[str]:
        """The lines of *ref*'s page, in the documents' order."""
        parts = self.changed.get(ref)
        if parts is None:
            state = self.entries.get(ref)
            parts = (self.cache.get("entry", state.key) or {}) if state else {}
        return [html for _, _, html in sorted(parts.values())]

    def keep_lines(self) -> None:
        """Put the lines this build changed into the cache now, and let go of them (a cold build's are
        all of them); :meth:`lines` reads them back.  The record that names them is written by
        :meth:`save`, once the build is through."""
        for ref, parts in self.changed.items():
            self.cache.put("entry", self.entries[ref].key, parts)
        self.changed.clear()

    def found(self) -> dict[str, tuple[int, int]]:
        """Per entity mentioned: in how many documents, and how many locators."""
        return {ref: (state.documents, state.locators) for ref, state in self.entries.items()}

    def save(self, build: str) -> None:
        """Record the entries as those of *build*; drop the lines they replaced."""
        self.keep_lines()
        self.cache.put("meta", self.name, {"build": build, "sources": self.sources, "entries": self.entries})
        for key in self._replaced:
            self.cache.path("entry", key).unlink(missing_ok=True)
        self._replaced.clear()


def _collect(path: str, docs: list, packed: dict[int, str], into: dict[str, dict[Where, Part]]) -> dict[str, str]:
    """Add the lines of the source at *path* to *into* (entity → lines); return a hash of each entity's lines."""
    mine: dict[str, list] = {}
    for position, doc in enumerate(docs):
        if doc.withdrawn or position not in packed:
            continue
        for ref, count, html in unpack_locators(packed[position]):
            part = ((doc.date, doc.id), count, html)
            into.setdefault(ref, {})[(path, position)] = part
            mine.setdefault(ref, []).append((position, part))
    return {ref: hashlib.blake2b(repr(found).encode("utf-8"), digest_size=8).hexdigest() for ref, found in mine.items()}


def _pack(hashes: dict[str, str]) -> str:
    return _ENTRY.join(f"{ref}{_SEP}{value}" for ref, value in sorted(hashes.items()))


def _unpack(packed: str) -> dict[str, str]:
    return dict(entry.split(_SEP) for entry in packed.split(_ENTRY) if entry)


def _pairs(before: dict[str, str], after: dict[str, str]):
    return ((ref, before.get(ref), after.get(ref)) for ref in before.keys() | after.keys())
