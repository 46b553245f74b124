"""The parts of a FRUS volume around its documents: header, people and terms, pages, link targets.

Everything here reads the volume's tree once and returns plain data for :mod:`edition.frus`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .model import Entity
from .tei import NS, TEI_NS, XML_ID, localname, normalize_space

FRUS_NS = "http://history.state.gov/frus/ns/1.0"
DIV, PB, NOTE = (f"{{{TEI_NS}}}{name}" for name in ("div", "pb", "note"))
LISTS = {"persons": ("person", "persName"), "terms": ("term", "term")}


def is_document(el) -> bool:
    return el.tag == DIV and el.get("type") == "document"


def plain(el) -> str:
    """The text of *el* without its notes, spaces normalised."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag != NOTE:
            parts.append(plain(child))
        parts.append(child.tail or "")
    return normalize_space("".join(parts))


@dataclass
class Header:
    id: str
    title: str
    series: str = ""
    subtitle: str = ""  # "1936, Volume III"
    publisher: str = ""
    pub_date: str = ""


def read_header(root: etree._Element, fallback_id: str) -> Header:
    """Volume id and titles from the ``teiHeader``."""
    stmt = root.find("tei:teiHeader/tei:fileDesc", NS)

    def first(xpath: str) -> str:
        el = stmt.find(xpath, NS) if stmt is not None else None
        return plain(el) if el is not None else ""

    ident = root.get(XML_ID) or first("tei:publicationStmt/tei:idno[@type='frus']") or fallback_id
    title = first("tei:titleStmt/tei:title[@type='complete']") or first("tei:titleStmt/tei:title") or ident
    subtitle = ", ".join(filter(None, (first("tei:titleStmt/tei:title[@type='subseries']"),
                                       first("tei:titleStmt/tei:title[@type='volumenumber']"))))
    return Header(ident, title, first("tei:titleStmt/tei:title[@type='series']"), subtitle,
                  first("tei:publicationStmt/tei:publisher"), first("tei:publicationStmt/tei:date"))


def read_entities(root: etree._Element, volume: str, path: str) -> tuple[dict[str, Entity], dict[str, str]]:
    """Entities of the lists ``div[@xml:id='persons']`` / ``'terms'``, and their local pointers → refs."""
    entities, pointers = {}, {}
    for list_id, (kind, name_el) in LISTS.items():
        for div in root.iterfind(f".//tei:div[@xml:id='{list_id}']", NS):
            for item in div.iterfind(".//tei:item", NS):
                entity = _entity(item, kind, name_el, volume, path)
                if entity is not None:
                    local = entity.id[len(volume) + 1:]
                    entities[f"{kind}:{entity.id}"] = entity
                    pointers[f"#{local}"] = f"{kind}:{entity.id}"
    return entities, pointers


def _entity(item, kind: str, name_el: str, volume: str, path: str) -> Entity | None:
    """``<item><hi rend="strong"><persName xml:id="p_X">Doe, J.</persName></hi>, a diplomat</item>``."""
    named = item.find(f".//tei:{name_el}[@xml:id]", NS)
    ident = named.get(XML_ID) if named is not None else item.get(XML_ID)
    if not ident:
        return None
    strong = item.find("tei:hi[@rend='strong']", NS)
    label = strong if strong is not None else named
    name = plain(label).rstrip(",") if label is not None else ""
    whole = plain(item)
    description = whole[len(name):].lstrip(" ,:") if name and whole.startswith(name) else whole
    return Entity(f"{volume}-{ident}", kind, name or whole, name or whole, description,
                  path=path, line=item.sourceline or 0)


@dataclass
class Layout:
    """Where each part of the volume is published."""

    documents: list[etree._Element] = field(default_factory=list)
    leading: dict[int, list] = field(default_factory=dict)  # document index → pbs printed before it
    trailing: list = field(default_factory=list)  # pbs after the last document
    page_of: dict[str, str] = field(default_factory=dict)  # xml:id → page file, relative to the volume


def lay_out(root: etree._Element, volume_page: str = "index.html") -> Layout:
    """Find the documents; give each page break between documents to the document that follows it."""
    layout = Layout()
    text = root.find("tei:text", NS)
    if text is None:
        return layout
    pending: list = []
    for el in text.iter(DIV, PB):
        if is_document(el):
            if _inside_document(el.getparent()):
                continue
            layout.leading[len(layout.documents)] = pending
            pending = []
            layout.documents.append(el)
        elif el.tag == PB and _between_documents(el):
            pending.append(el)
    if layout.documents:
        layout.trailing = pending
    for n, doc in enumerate(layout.documents):
        page = f"{doc.get(XML_ID) or f'document{n + 1}'}.html"
        for el in [*layout.leading[n], *doc.iter()]:
            if isinstance(el.tag, str) and el.get(XML_ID):
                layout.page_of.setdefault(el.get(XML_ID), page)
    last = f"{layout.documents[-1].get(XML_ID)}.html" if layout.documents else volume_page
    for pb in layout.trailing:
        if pb.get(XML_ID):
            layout.page_of[pb.get(XML_ID)] = last
    for el in text.iter():
        if isinstance(el.tag, str) and el.get(XML_ID):
            layout.page_of.setdefault(el.get(XML_ID), volume_page)
    return layout


def _inside_document(el) -> bool:
    while el is not None:
        if is_document(el):
            return True
        el = el.getparent()
    return False


def _between_documents(pb) -> bool:
    """A page break among the divisions of the body, not inside a heading or a document."""
    parent = pb.getparent()
    return localname(parent) in ("div", "body") and not _inside_document(parent) \
        and parent.xpath("ancestor-or-self::tei:body", namespaces=NS) != []


def link_targets(layout: Layout, volume: str, volume_page: str = "index.html") -> dict[str, str]:
    """Every pointer into the volume (``#d15``, ``frus1936v03#pg_3``, ``d15``) → its href from a volume page."""
    links = {volume: volume_page, f"#{volume}": volume_page}
    documents = {doc.get(XML_ID) for doc in layout.documents}
    for ident, page in layout.page_of.items():
        href = page if ident in documents else f"{page}#{ident}"
        links[f"#{ident}"] = links[f"{volume}#{ident}"] = href
        if ident in documents:
            links[ident] = href
    return links
