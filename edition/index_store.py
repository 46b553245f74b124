"""The indexes between builds: per entity, the lines of every document that mentions it.

One changed memo touches the index entries it mentions, before and after the change, not whole
indexes.  So the lines of each entity's page (see :func:`edition.index.document_locators`) are kept
in the cache, one content-addressed entry per entity, and a small record per output directory says
which entities each source mentions and where each entity's lines are.  A rebuild reads and
rewrites the entries of the entities its changed sources mention, and renders only their pages.

If the record does not belong to the previous build into the same output directory, everything
starts from nothing; if an entity's lines were lost from the cache, they are gathered again from
every source that mentions it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .cache import Cache, digest
from .index import unpack_locators

Where = tuple[str, int]  # (the source's path, the document's position in it)
Part = tuple[tuple[str, str], int, str]  # (the document's sort key, how many locators, its line)
_SEP = "\x1f"


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
        self.sources: dict[str, tuple[str, str]] = record["sources"]  # source key → its path, the entities it mentions
        self.entries: dict[str, EntryState] = record["entries"]
        self.changed: dict[str, dict[Where, Part]] = {}  # entity → its lines, for those this build changed
        self._replaced: list[str] = []

    def update(self, sources: list[tuple[str, str, list]], lines: Callable[[str], dict[int, str]]) -> set[str]:
        """Bring the entries up to *sources* (key, path and document summaries of each); return the
        entities whose lines changed.  *lines* gives a source's packed lines by the position of each
        published document."""
        gone_keys = self.sources.keys() - {key for key, _, _ in sources}
        added: dict[str, dict[Where, Part]] = {}
        for key, path, docs in sources:
            if key not in self.sources:
                self.sources[key] = (path, _SEP.join(sorted(_collect(path, docs, lines(key), added))))
        touched, gone = set(added), set()
        for key in gone_keys:
            path, refs = self.sources.pop(key)
            touched.update(ref for ref in refs.split(_SEP) if ref)
            gone.add(path)
        for ref in touched:
            self._update(ref, gone, added.get(ref, {}), sources, lines)
        return set(self.changed)

    def _update(self, ref: str, gone: set[str], added: dict[Where, Part], sources, lines) -> None:
        state = self.entries.get(ref)
        parts = self._load(ref, state, sources, lines) if state else {}
        parts = {where: part for where, part in parts.items() if where[0] not in gone}  # changed or removed
        parts.update(added)
        if not parts:
            self.entries.pop(ref, None)
            return
        key = digest(self.name, ref, sorted(parts.items()))
        if state and state.key == key:
            return
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
            if ref in self.sources.get(key, ("", ""))[1].split(_SEP):
                _collect(path, docs, lines(key), gathered)
        return gathered.get(ref, {})

    def lines(self, ref: str) -> list[str]:
        """The lines of *ref*'s page, in the documents' order."""
        parts = self.changed.get(ref)
        if parts is None:
            state = self.entries.get(ref)
            parts = (self.cache.get("entry", state.key) or {}) if state else {}
        return [html for _, _, html in sorted(parts.values())]

    def found(self) -> dict[str, tuple[int, int]]:
        """Per entity mentioned: in how many documents, and how many locators."""
        return {ref: (state.documents, state.locators) for ref, state in self.entries.items()}

    def save(self, build: str) -> None:
        """Record the entries as those of *build*; drop the lines they replaced."""
        for ref, parts in self.changed.items():
            self.cache.put("entry", self.entries[ref].key, parts)
        self.cache.put("meta", self.name, {"build": build, "sources": self.sources, "entries": self.entries})
        for key in self._replaced:
            self.cache.path("entry", key).unlink(missing_ok=True)
        self._replaced.clear()


def _collect(path: str, docs: list, packed: dict[int, str], into: dict[str, dict[Where, Part]]) -> set[str]:
    """Add the lines of the source at *path* to *into* (entity → lines); return the entities it mentions."""
    refs = set()
    for position, doc in enumerate(docs):
        if doc.withdrawn or position not in packed:
            continue
        for ref, count, html in unpack_locators(packed[position]):
            into.setdefault(ref, {})[(path, position)] = ((doc.date, doc.id), count, html)
            refs.add(ref)
    return refs
