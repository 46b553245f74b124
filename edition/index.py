"""Persons, places, organisations, terms and works indexes, built from mentions.

Like the index of a printed book: each entry lists every paragraph that
mentions it, as a locator ("31 May 1988, ¶12") that links to the paragraph.
"""

from __future__ import annotations

import unicodedata

from markupsafe import escape

from .model import KINDS, Document, Entity, Index, IndexEntry


def build_indexes(documents: list[Document], entities: dict[str, Entity]) -> list[Index]:
    """Collect the mentions of *documents* into one index per kind of entity."""
    entries = {ref: IndexEntry(entity) for ref, entity in entities.items()}
    for doc in documents:
        for ref, count, html in unpack_locators(doc.locators or document_locators(doc)):
            entry = entries.get(ref)
            if entry is not None:
                entry.parts.append(html)
                entry.count += count
    indexes = []
    for kind in KINDS:
        kind_entries = sorted((e for e in entries.values() if e.entity.kind == kind),
                              key=lambda e: sort_key(e.entity.sort))
        if kind_entries:
            indexes.append(Index(kind, kind_entries))
    return indexes


# between the fields and the entities of packed locators: control characters, never in XML text
_FIELD, _ENTRY = "\x1f", "\x1e"


def document_locators(doc: Document) -> str:
    """Per entity *doc* mentions: its locators here ("31 May 1988, ¶12") as the index pages link them.

    Mentions in the same paragraph make one locator with a count.  Computed once per document, in
    the worker that reads it, and packed into one string (see :func:`unpack_locators`), so that the
    index pages of a large edition are joined from the cache rather than rendered.
    """
    runs: dict[str, list[list]] = {}
    for mention in doc.mentions:
        found = runs.setdefault(mention.ref, [])
        if found and found[-1][0] == mention.anchor:
            found[-1][2] += 1
        else:
            found.append([mention.anchor, mention.label, 1])
    href, where = escape(f"../{doc.url}#"), escape(doc.date_label or doc.id)
    return _ENTRY.join(f"{ref}{_FIELD}{len(found)}{_FIELD}" + "; ".join(_locator(href, where, *run) for run in found)
                       for ref, found in runs.items())


def unpack_locators(packed: str) -> list[tuple[str, int, str]]:
    """(entity ref, how many locators, their HTML) from :func:`document_locators`."""
    return [(ref, int(count), html) for ref, count, html in
            (entry.split(_FIELD) for entry in packed.split(_ENTRY) if entry)]


def _locator(href: str, where: str, anchor: str, label: str, count: int) -> str:
    more = f' <span class="count">({count}×)</span>' if count > 1 else ""
    return f'<a href="{href}{escape(anchor)}">{where}, {escape(label)}</a>{more}'


def sort_key(text: str) -> tuple[str, str]:
    """Sort like a book index: case and accents ignored, a leading article skipped."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold().strip()
    for article in ("the ", "a ", "an "):
        if folded.startswith(article):
            folded = folded[len(article):]
            break
    return folded, text
