"""The ``teiHeader`` of an imported memorandum: copies of what the transcript says, placed as in the hand encoding."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .ingest_header import Header
from .ingest_people import Participants
from .ingest_tei import append_text, el

CATEGORIES = [("U", "Unclassified"), ("C", "Confidential"), ("S", "Secret"), ("TS", "Top Secret"),
              ("SNF", "Secret/NoForn")]
PREFIXES = [("person", "persons.xml", "a <gi>person</gi> in the persons authority file"),
            ("place", "places.xml", "a <gi>place</gi> in the places authority file"),
            ("org", "orgs.xml", "an <gi>org</gi> in the organisations authority file"),
            ("term", "terms.xml", "an <gi>item</gi> in the terms list of the terms authority file"),
            ("work", "terms.xml", "a <gi>bibl</gi> in the works list of the terms authority file")]


@dataclass
class Meta:
    """Values the header needs beyond :class:`Header`."""

    doc_id: str
    title: str
    subtitle: str
    source: str
    publisher: str
    when: str
    start: str = ""
    end: str = ""
    place_ref: str = ""
    pages: int = 1
    printed_pages: int = 0
    categories: set[str] = field(default_factory=set)


def build_header(header: Header, meta: Meta) -> etree._Element:
    node = el("teiHeader")
    file_desc = el("fileDesc", parent=node)
    file_desc.append(title_stmt(meta))
    file_desc.append(publication_stmt(header, meta))
    source = el("sourceDesc", parent=file_desc)
    source.append(ms_desc(header, meta))
    node.append(encoding_desc(meta))
    node.append(profile_desc(header, meta))
    revision = el("revisionDesc", parent=node)
    el("change", text=f"Imported from the OCR transcript {meta.source} by edition import; "
                      f"to be checked and annotated by the editor.", parent=revision)
    return node


def title_stmt(meta: Meta) -> etree._Element:
    node = el("titleStmt")
    el("title", {"type": "main"}, meta.title, parent=node)
    el("title", {"type": "sub"}, meta.subtitle, parent=node)
    resp = el("respStmt", parent=node)
    el("resp", text="TEI encoding (automatic import from the transcript)", parent=resp)
    el("name", text="edition import", parent=resp)
    return node


def publication_stmt(header: Header, meta: Meta) -> etree._Element:
    node = el("publicationStmt")
    el("publisher", text=meta.publisher, parent=node)
    if header.system is not None:
        el("idno", {"type": "system"}, header.system.text, parent=node)
    return node


def ms_desc(header: Header, meta: Meta) -> etree._Element:
    node = el("msDesc")
    ident = el("msIdentifier", parent=node)
    if header.system is not None:
        el("idno", {"type": "system"}, header.system.text, parent=ident)
    if header.case is not None:
        el("idno", text=header.case.text, parent=el("altIdentifier", {"type": "foia"}, parent=ident))
    extent = f"{meta.pages} pages" if meta.pages != 1 else "1 page"
    extent += f"; {meta.printed_pages} printed page number{'s' if meta.printed_pages != 1 else ''} in the transcript"
    extent += ", the others inferred" if meta.printed_pages < meta.pages else ""
    support = el("supportDesc", parent=el("objectDesc", {"form": "typescript"}, parent=el("physDesc", parent=node)))
    el("extent", text=extent, parent=support)
    node.append(history(header))
    if header.declassified or header.classification:
        node.append(additional(header))
    return node


def history(header: Header) -> etree._Element:
    node = el("history")
    origin = el("origin", parent=node)
    origin.text = header.doctype.capitalize() if header.doctype else "Memorandum"
    if header.date:
        origin.text += " of "
        el("origDate", {"when": header.date.value}, header.date_text, parent=origin).tail = "."
    else:
        origin.text += "; date not recognised in the transcript."
    if header.declassify_on:
        append_text(origin, " ")
        el("note", {"type": "declassify-on"}, header.declassify_on[0], parent=origin)
    return node


def additional(header: Header) -> etree._Element:
    node = el("additional")
    admin = el("adminInfo", parent=node)
    if header.declassified:
        found, stamp = header.declassified
        hist = el("recordHist", parent=admin)
        el("source", text=f"Declassification markings in the transcript (line {stamp.lines[0].no}).", parent=hist)
        case = f", case {header.case.text}" if header.case is not None else ""
        el("change", {"when": found.value, "type": "declassified"},
           f"Declassified{case}, {stamp.text}", parent=hist)
    if header.classification:
        el("note", {"type": "classification", "ana": f"#cls-{header.cls_code}"}, header.classification, parent=admin)
    return node


def encoding_desc(meta: Meta) -> etree._Element:
    node = el("encodingDesc")
    decl = el("editorialDecl", parent=node)
    el("p", text=f"Imported by edition import from the OCR transcript {meta.source}; every character of the "
                 f"transcript is in the text, in order (the escape \\$ and ~~…~~ resolved, the latter as del "
                 f"with rend=\"strikethrough\"). Header values are copies of the text. Not yet checked or "
                 f"annotated by an editor.", parent=decl)
    taxonomy = el("taxonomy", {"xml:id": "classification"}, parent=el("classDecl", parent=node))
    for code, label in CATEGORIES:
        if code != "SNF" or code in meta.categories:
            el("catDesc", text=label, parent=el("category", {"xml:id": f"cls-{code}"}, parent=taxonomy))
    prefixes = el("listPrefixDef", parent=node)
    for ident, file, what in PREFIXES:
        prefix = el("prefixDef", {"ident": ident, "matchPattern": r"([a-z0-9\-]+)",
                                  "replacementPattern": f"../authority/{file}#$1"}, parent=prefixes)
        prefix.append(etree.fromstring(f'<p xmlns="http://www.tei-c.org/ns/1.0">{ident}:ID points to {what}.</p>'))
    return node


def profile_desc(header: Header, meta: Meta) -> etree._Element:
    node = el("profileDesc")
    creation = el("creation", parent=node)
    el("date", {"when": meta.when, "from": meta.start, "to": meta.end}, parent=creation)
    if header.place:
        el("placeName", {"ref": meta.place_ref}, header.place, parent=creation)
    el("language", {"ident": "en"}, "English", parent=el("langUsage", parent=node))
    if header.participants and header.participants.entries:
        node.append(partic_desc(header.participants))
    return node


def partic_desc(participants: Participants) -> etree._Element:
    node = el("particDesc")
    for delegation in participants.delegations:
        label = delegation.label.text.rstrip(":") if delegation.label else ""
        group = el("listPerson", {"type": "delegation", "n": label}, parent=node)
        if label:
            el("head", text=label, parent=group)
        for entry in delegation.entries:
            person = el("person", {"corresp": entry.ref, "role": entry.role}, parent=group)
            el("persName", text=entry.name, parent=person)
            if entry.occupation:
                el("occupation", text=entry.occupation, parent=person)
    return node
