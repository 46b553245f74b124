"""Persons, places, organisations, terms and works indexes, built from mentions.

Like the index of a printed book: each entry lists every paragraph that
mentions it, as a locator ("31 May 1988, ¶12") that links to the paragraph.
"""

from __future__ import annotations

import unicodedata

from .model import KINDS, Document, Entity, Index, IndexEntry, Locator


def build_indexes(documents: list[Document], entities: dict[str, Entity]) -> list[Index]:
    """Collect the mentions of *documents* into one index per kind of entity."""
    entries = {ref: IndexEntry(entity) for ref, entity in entities.items()}
    for doc in documents:
        for mention in doc.mentions:
            entry = entries.get(mention.ref)
            if entry is not None:
                _add_locator(entry, doc, mention.anchor, mention.label)
    indexes = []
    for kind in KINDS:
        kind_entries = sorted((e for e in entries.values() if e.entity.kind == kind),
                              key=lambda e: sort_key(e.entity.sort))
        if kind_entries:
            indexes.append(Index(kind, kind_entries))
    return indexes


def _add_locator(entry: IndexEntry, doc: Document, anchor: str, label: str) -> None:
    last = entry.locators[-1] if entry.locators else None
    if last is not None and last.doc is doc and last.anchor == anchor:
        last.count += 1
    else:
        entry.locators.append(Locator(doc, anchor, label))


def sort_key(text: str) -> tuple[str, str]:
    """Sort like a book index: case and accents ignored, a leading article skipped."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold().strip()
    for article in ("the ", "a ", "an "):
        if folded.startswith(article):
            folded = folded[len(article):]
            break
    return folded, text
