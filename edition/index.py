"""Persons, places, organisations, terms and works indexes, built from mentions.

Like the index of a printed book, with a page per entry: an index lists its entries, and each
entry's page lists every document that mentions it and, per document, the paragraphs, each a
locator ("¶12") that links to the paragraph.
"""

from __future__ import annotations

import unicodedata

from markupsafe import escape

from .model import KINDS, Document, Entity, Index, IndexEntry


def build_indexes(entities: dict[str, Entity], found: dict[str, tuple[int, int]]) -> list[Index]:
    """One index per kind of entity; *found* gives, per entity mentioned, in how many documents and how
    many locators (see :class:`edition.index_store.IndexStore`)."""
    indexes = []
    for kind in KINDS:
        entries = sorted((IndexEntry(entity, *found.get(ref, (0, 0))) for ref, entity in entities.items()
                          if entity.kind == kind), key=lambda e: sort_key(e.entity.sort))
        if entries:
            indexes.append(Index(kind, entries))
    return indexes


# between the fields and the entities of packed locators: control characters, never in XML text
_FIELD, _ENTRY = "\x1f", "\x1e"
ENTRY_ROOT = "../../"  # from an entry's page (indexes/persons/reagan.html) to the site's root


def document_locators(doc: Document) -> str:
    """Per entity *doc* mentions: its line on the entity's index page, and how many locators it holds.

    The line names the document (its date and title, linked) and lists the paragraphs that mention
    the entity ("¶3, ¶12 (2×)"), each linked; mentions in the same paragraph make one locator with a
    count.  Computed once per document, in the worker that reads it, and packed into one string (see
    :func:`unpack_locators`), so that index pages are joined, not rendered.
    """
    runs: dict[str, list[list]] = {}
    for mention in doc.mentions:
        found = runs.setdefault(mention.ref, [])
        if found and found[-1][0] == mention.anchor:
            found[-1][2] += 1
        else:
            found.append([mention.anchor, mention.label, 1])
    url = escape(f"{ENTRY_ROOT}{doc.url}")
    head = (f'<a href="{url}">{escape(doc.date_label or doc.id)}</a> '
            f'<span class="doc-title">{escape(doc.title)}</span>: ')
    return _ENTRY.join(f"{ref}{_FIELD}{len(found)}{_FIELD}<li>{head}"
                       + ", ".join(_locator(f"{url}#", *run) for run in found) + "</li>"
                       for ref, found in runs.items())


def unpack_locators(packed: str) -> list[tuple[str, int, str]]:
    """(entity ref, how many locators, the document's line) from :func:`document_locators`."""
    return [(ref, int(count), html) for ref, count, html in
            (entry.split(_FIELD) for entry in packed.split(_ENTRY) if entry)]


def _locator(href: str, anchor: str, label: str, count: int) -> str:
    more = f' <span class="count">({count}×)</span>' if count > 1 else ""
    return f'<a href="{href}{escape(anchor)}">{escape(label)}</a>{more}'


def sort_key(text: str) -> tuple[str, str]:
    """Sort like a book index: case and accents ignored, a leading article skipped."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold().strip()
    for article in ("the ", "a ", "an "):
        if folded.startswith(article):
            folded = folded[len(article):]
            break
    return folded, text
