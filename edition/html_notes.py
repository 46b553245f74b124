"""TEI → HTML rules for what the translator records besides rendering: mentions and footnotes.

A tagged mention becomes a link to its index entry and a :class:`~edition.model.Mention` for the
indexes; a ``<note>`` becomes a numbered reference and a :class:`~edition.model.Note` for the notes list.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .authority import split_ref
from .html_tags import WRAPPERS
from .html_translator import Translator, element, handles
from .model import Mention, Note
from .tei import XML_ID, localname, normalize_space


def link_entity(t: Translator, el, ref: str) -> Markup:
    """A tagged mention → a link to its index entry, recorded for the index."""
    entity = t.entities.get(ref)
    tag, cls = WRAPPERS[localname(el)]
    if entity is None:
        t.warn(el, f"<{localname(el)}> @ref {ref!r} is not in the authority files; rendered unlinked",
               "ref.unresolved")
        return t.wrap(tag, el, f"{cls} unresolved")
    text = normalize_space("".join(el.itertext()))
    t.mentions.append(Mention(ref, entity.kind, text, t.doc_id, t.anchor, t.anchor_label, el.sourceline or 0))
    if t.linking:  # recorded for the index; a link inside a link is not HTML
        return t.wrap("span", el, f"{cls} mention-nested", data_ref=ref)
    t.linking += 1
    try:
        inner = t.wrap(tag, el, cls) if tag != "span" else t.inline_content(el)
    finally:
        t.linking -= 1
    href = f"{t.index_base}{entity.kind}s.html#{entity.id}"
    return element("a", inner, cls=f"mention {entity.kind}", href=href, title=entity.name, data_ref=ref)


def _has_prefixed_ref(el) -> bool:
    return split_ref(el.get("ref") or "") is not None


@handles("persName", "placeName", "orgName", "term", "title", when=_has_prefixed_ref)
def mention(t: Translator, el) -> Markup:
    """``<persName ref="person:reagan">The President</persName>`` → ``<a class="mention person" …>``."""
    return link_entity(t, el, el.get("ref"))


@handles("persName", "gloss", "term", "placeName", "orgName",
         when=lambda el: (el.get("corresp") or el.get("target") or "").startswith("#"))
def local_pointer(t: Translator, el) -> Markup:
    """A FRUS-style ``@corresp="#p_X"`` pointer: an index link if the reader resolved it, else text and a warning."""
    pointer = el.get("corresp") or el.get("target")
    if pointer in t.pointers:
        return link_entity(t, el, t.pointers[pointer])
    tag, cls = WRAPPERS[localname(el)]
    t.warn(el, f"<{localname(el)}> points to {pointer!r}, which is not in this document; rendered unlinked",
           "ref.unresolved")
    return t.wrap(tag, el, f"{cls} unresolved")


@handles("note")
def footnote(t: Translator, el) -> Markup:
    """``<note xml:id="n1">…</note>`` → a numbered note reference; the note goes to the notes list."""
    n = len(t.notes) + 1
    ident = el.get(XML_ID) or f"{t.doc_id}-note{n}"
    label = el.get("n") or ("Source" if el.get("type") == "source" else str(n))
    saved = (t.inline, t.anchor, t.anchor_label)
    t.inline = 0
    try:
        html = t.content(el)
    finally:
        t.inline, t.anchor, t.anchor_label = saved
    t.notes.append(Note(ident, n, html, t.anchor, label, t.aliases.get(ident, []), el.get("type") or ""))
    link = element("a", escape(label), id=f"{ident}-ref", href=f"#{ident}", role="doc-noteref",
                   aria_label=f"Note {label}")
    return element("sup", link, cls=f"note-ref note-{el.get('type') or 'note'}")
