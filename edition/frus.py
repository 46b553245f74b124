"""FRUS volumes → documents, a volume with its contents, and the volume's persons and terms.

A volume of the *Foreign Relations of the United States* as the Office of the Historian
encodes it (TEI P5 with the ``frus:`` namespace) is one file holding hundreds of
``<div type="document">``.  Each becomes a :class:`~edition.model.Document` published at
``documents/{volume}/{dN}.html`` and rendered by the same rules as the edition's own
memoranda; the reader only resolves what the volume points at (its lists of persons
and terms, its documents and pages) and numbers the paragraphs (:mod:`edition.frus_anchors`).
See docs/frus.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from markupsafe import Markup

from .frus_anchors import document_local_id, locked_paragraphs, number_paragraphs
from .frus_volume import (FRUS_NS, Header, Layout, is_document, lay_out, link_targets, plain,
                          read_entities, read_header)
from .html import Translator
from .model import Document, Entity, TocEntry, Volume
from .reader import format_date
from .tei import NS, XML_ID, localname

VOLUME_PAGE = "index.html"
INDEX_BASE = "../../indexes/"  # from documents/{volume}/…


def is_frus(tree: etree._ElementTree) -> bool:
    """A FRUS source: the FRUS namespace is declared, or documents are ``div[@type='document']``."""
    root = tree.getroot()
    if FRUS_NS in root.nsmap.values():
        return True
    return root.find("tei:text/tei:body//tei:div[@type='document']", NS) is not None \
        or root.find("tei:text/tei:front//tei:div[@type='document']", NS) is not None


def read_volume(tree: etree._ElementTree, path: Path, entities: dict[str, Entity], shown: str):
    """Read one FRUS file into its documents, its volume and the entities its lists define."""
    from .readers import SourceResult

    root = tree.getroot()
    header = read_header(root, path.stem)
    own, pointers = read_entities(root, header.id, shown)
    layout = lay_out(root, VOLUME_PAGE)
    volume = Volume(header.id, header.title, f"documents/{header.id}/{VOLUME_PAGE}", header.series,
                    header.subtitle, header.publisher, header.pub_date, str(path), path.name)
    context = _Context(header, {**entities, **own}, pointers, link_targets(layout, header.id, VOLUME_PAGE),
                       locked_paragraphs(path, header.id), shown, path)
    documents, diagnostics = [], []
    for n, div in enumerate(layout.documents):
        doc, found = context.document(div, _pbs(layout, n), volume)
        documents.append(doc)
        volume.documents.append(document_entry(doc))
        diagnostics += found
    diagnostics += _read_matter(root, volume, context, layout)
    # frus_check reports each pointer to no id of the volume (frus.pointer-unresolved), at the same line
    diagnostics = [d for d in diagnostics if d.code != "ref.unresolved"]
    return SourceResult(path, documents, own, diagnostics, [volume])


def document_entry(doc: Document) -> Document:
    """What the volume's contents, DTS collection and neighbours show of *doc*: no text, no notes.

    The volume lists these, not the documents, so a document (or its summary) that refers to its
    volume does not carry every other document of the volume with it.
    """
    return Document(id=doc.id, title=doc.title, subtitle=doc.subtitle, date=doc.date, date_label=doc.date_label,
                    place=doc.place, genre=doc.genre, author=doc.author, source_path=doc.source_path,
                    tei_name=doc.tei_name, path=doc.path, container=doc.container, volume=doc.volume,
                    number=doc.number, withdrawn=doc.withdrawn)


def _pbs(layout: Layout, n: int) -> tuple[list, list]:
    last = n == len(layout.documents) - 1
    return layout.leading.get(n, []), layout.trailing if last else []


class _Context:
    """What every document of one volume is rendered with."""

    def __init__(self, header: Header, entities, pointers, links, locked, shown: str, path: Path):
        self.header, self.entities, self.pointers, self.links = header, entities, pointers, links
        self.locked, self.shown, self.path = locked, shown, path

    def translator(self, doc_id: str) -> Translator:
        return Translator(doc_id, self.shown, self.entities, index_base=INDEX_BASE,
                          pointers=self.pointers, links=self.links)

    def document(self, div, pbs: tuple[list, list], volume: Volume) -> tuple[Document, list]:
        """One ``div[@type='document']`` → a Document; its paragraphs get their (locked) ids."""
        local = document_local_id(div, len(volume.documents))
        doc_id = f"{self.header.id}-{local}"
        assigned, prints = number_paragraphs(div, local, self.locked.get(doc_id, []))
        t = self.translator(doc_id)
        for old, new in assigned.moved.items():
            t.aliases.setdefault(new, []).append(old)
        leading, trailing = pbs
        body = Markup("").join(t.render(pb) for pb in leading) + t.render(div) \
            + Markup("").join(t.render(pb) for pb in trailing)
        doc = Document(id=doc_id, title=_title(div) or local, path=f"documents/{self.header.id}/{local}.html",
                       source_path=str(self.path), tei_name=self.path.name, body=body,
                       container=self.header.title, volume=volume, number=div.get("n") or "")
        doc.subtitle = ", ".join(filter(None, [self.header.series or "Foreign Relations of the United States",
                                                self.header.subtitle, doc.number and f"Document {doc.number}"]))
        doc.genre = "Document"
        _read_dateline(div, doc)
        doc.author = _party(div, "from")
        doc.moved_anchors = {old: (new, 0) for old, new in assigned.moved.items()}
        by_id = dict(zip(assigned.ids, prints))
        for para in t.paragraphs:
            para.fingerprint = by_id.get(para.id, "")
        doc.paragraphs, doc.notes, doc.pages, doc.mentions = t.paragraphs, t.notes, t.pages, t.mentions
        doc.archive_location = "; ".join(plain(n) for n in div.iterfind("tei:note[@type='source']", NS))
        return doc, t.diagnostics


def _title(div) -> str:
    head = div.find("tei:head", NS)
    return plain(head) if head is not None else ""


def _read_dateline(div, doc: Document) -> None:
    """Date and place from the document's own dateline (not an attachment's)."""
    dateline = div.find(".//tei:dateline", NS)
    if dateline is None or dateline.xpath("ancestor::frus:attachment", namespaces={"frus": FRUS_NS}):
        return
    date = dateline.find(".//tei:date", NS)
    if date is not None:
        when = date.get("when") or date.get("from") or date.get("notBefore") or ""
        doc.date, doc.date_label = when[:10], format_date(when[:10]) if when else plain(date)
    place = dateline.find(".//tei:placeName", NS)
    doc.place = plain(place) if place is not None else ""


def _party(div, role: str) -> str:
    """Who sent (``from``) or received (``to``) the document, as its heading tags it."""
    head = div.find("tei:head", NS)
    if head is None:
        return ""
    names = [plain(el) for el in head.iter() if isinstance(el.tag, str) and el.get("type") == role
             and localname(el) in ("persName", "gloss", "orgName")]
    return ", ".join(n for n in names if n)


def _read_matter(root, volume: Volume, context: _Context, layout: Layout) -> list:
    """The contents by division, the front and back matter, and the notes of division headings."""
    t = context.translator(volume.id)
    text = root.find("tei:text", NS)
    if text is None:
        return t.diagnostics
    by_div = {id(doc_div): doc for doc_div, doc in zip(layout.documents, volume.documents)}
    printed = {id(pb) for pbs in [*layout.leading.values(), layout.trailing] for pb in pbs}  # with a document
    known = _Divisions(by_div, printed)
    for part in ("front", "body", "back"):
        el = text.find(f"tei:{part}", NS)
        if el is None:
            continue
        loose = known.documents_in(el)  # documents outside any division (a one-document file)
        volume.toc += [Division("", Markup(""), "documents", loose)] if loose else []
        volume.toc += _toc(t, el, known, whole=part == "body")
    front, back = text.find("tei:front", NS), text.find("tei:back", NS)
    volume.front = _render_outside_toc(t, front)
    volume.back = _render_outside_toc(t, back)
    volume.notes = t.notes
    return t.diagnostics


@dataclass
class Division(TocEntry):
    """A division of the contents with what it holds besides documents and divisions (an editorial note)."""

    matter: Markup = Markup("")


@dataclass
class _Divisions:
    documents: dict[int, Document]  # id() of a document's div → its entry
    printed: set[int]  # id() of the page breaks a document page prints

    def documents_in(self, div) -> list[Document]:
        return [self.documents[id(d)] for d in div.iterfind("tei:div[@type='document']", NS) if id(d) in self.documents]

    def matter(self, el) -> bool:
        """Not the heading, a division, a document or a page break that a document page prints."""
        return isinstance(el.tag, str) and localname(el) not in ("head", "div") and id(el) not in self.printed


def _toc(t: Translator, parent, known: _Divisions, whole: bool) -> list[TocEntry]:
    """The divisions of *parent* that hold documents (with *whole*: every division) → nested entries."""
    entries = []
    for div in parent.iterfind("tei:div", NS):
        if is_document(div) or not (whole or _holds_documents(div)):
            continue
        entry = Division(div.get(XML_ID) or "", _heading(t, div.find("tei:head", NS)), div.get("type") or "")
        entry.documents = known.documents_in(div)
        entry.matter = Markup("").join(t.render(child) for child in div if known.matter(child))
        entry.children = _toc(t, div, known, whole=True)
        entries.append(entry)
    return entries


def _heading(t: Translator, head) -> Markup:
    if head is None:
        return Markup("")
    t.inline += 1
    try:
        return t.content(head)
    finally:
        t.inline -= 1


def _holds_documents(div) -> bool:
    return div.find(".//tei:div[@type='document']", NS) is not None


def _render_outside_toc(t: Translator, part) -> Markup:
    """Front or back matter: everything but the divisions that hold documents."""
    if part is None:
        return Markup("")
    rendered = []
    for child in part:
        if localname(child) == "div" and (is_document(child) or _holds_documents(child)):
            continue
        rendered.append(t.render(child))
    return Markup("").join(rendered)


def volumes_of(documents: list[Document]) -> list[Volume]:
    """The volumes *documents* belong to, in order of first appearance."""
    seen: dict[str, Volume] = {}
    for doc in documents:
        if isinstance(doc.volume, Volume):
            seen.setdefault(doc.volume.id, doc.volume)
    return list(seen.values())


def neighbours(documents: list[Document], position: int) -> tuple[Document | None, Document | None]:
    """Previous and next document: within its volume for a volume's document, else in *documents*."""
    doc = documents[position]
    if isinstance(doc.volume, Volume):
        documents = doc.volume.documents
        position = next(i for i, other in enumerate(documents) if other.id == doc.id)  # doc may be a copy
    previous = documents[position - 1] if position else None
    return previous, documents[position + 1] if position + 1 < len(documents) else None
