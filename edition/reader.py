"""Read one TEI memorandum into a :class:`~edition.model.Document`.

The header gives the metadata; :class:`~edition.html.Translator` renders the
text.  Readers are chosen by what a file contains (a later FRUS adapter plugs
in here), and a file that cannot be read is reported, not fatal to the build.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lxml import etree

from .html import Translator
from .model import Bibl, Delegation, Document, Entity, Mention, Participant
from .tei import NS, XML_ID, normalize_space

MONTHS = ("January February March April May June July August September October November December").split()


def read_document(tree: etree._ElementTree, path: Path, entities: dict[str, Entity],
                  display_path: str | None = None) -> tuple[Document, list]:
    """Build the Document for *tree*; return it with the rendering diagnostics."""
    root = tree.getroot()
    header = root.find("tei:teiHeader", NS)
    doc_id = root.get(XML_ID) or path.stem
    translator = Translator(doc_id, display_path or str(path), entities, categories=_categories(header))
    doc = Document(id=doc_id, title=_title(header, "main") or doc_id, subtitle=_title(header, "sub"),
                   source_path=str(path), tei_name=path.name, categories=translator.categories)
    _read_revisions(header, doc)
    for old, (new, _) in doc.moved_anchors.items():
        translator.aliases.setdefault(new, []).append(old)
    _read_creation(header, doc)
    _read_classification(header, doc)
    doc.delegations = _delegations(header)
    doc.source = _source(header)
    _read_archive(header, doc)
    doc.parallels = _parallels(header)
    text = root.find("tei:text", NS)
    if text is not None:
        front, body = text.find("tei:front", NS), text.find("tei:body", NS)
        doc.front = translator.render(front) if front is not None else doc.front
        doc.body = translator.render(body) if body is not None else doc.body
    doc.paragraphs, doc.notes = translator.paragraphs, translator.notes
    doc.pages, doc.mentions = translator.pages, _header_mentions(header, doc_id, entities) + translator.mentions
    return doc, translator.diagnostics


def _header_mentions(header, doc_id: str, entities: dict[str, Entity]) -> list[Mention]:
    """Participants and tagged names in the header, located at the document's title block."""
    if header is None:
        return []
    found = []
    for el in header.iter():
        ref = el.get("ref") or (el.get("corresp") if etree.QName(el).localname == "person" else None)
        entity = entities.get(ref or "")
        if entity is not None:
            found.append(Mention(ref, entity.kind, _text(el), doc_id, "doc-title", "metadata", el.sourceline or 0))
    return found


def _text(el) -> str:
    return normalize_space("".join(el.itertext())) if el is not None else ""


def _title(header, kind: str) -> str:
    if header is None:
        return ""
    el = header.find(f"tei:fileDesc/tei:titleStmt/tei:title[@type='{kind}']", NS)
    if el is None and kind == "main":
        el = header.find("tei:fileDesc/tei:titleStmt/tei:title", NS)
    return _text(el)


def _categories(header) -> dict[str, str]:
    if header is None:
        return {}
    return {c.get(XML_ID): _text(c.find("tei:catDesc", NS))
            for c in header.iterfind(".//tei:taxonomy//tei:category", NS) if c.get(XML_ID)}


def _read_creation(header, doc: Document) -> None:
    date = header.find("tei:profileDesc/tei:creation/tei:date", NS) if header is not None else None
    if date is None:
        return
    when = date.get("when") or (date.get("from") or "")[:10]
    doc.date = when
    doc.date_label = format_date(when)
    start, end = _clock(date.get("from")), _clock(date.get("to"))
    doc.time_label = f"{start}–{end}" if start and end else start
    place = header.find("tei:profileDesc/tei:creation/tei:placeName", NS)
    doc.place, doc.place_ref = _text(place), (place.get("ref") or "") if place is not None else ""


def format_date(iso: str) -> str:
    """``1988-05-31`` → ``31 May 1988``; partial dates stay partial."""
    parts = iso.split("-")
    try:
        if len(parts) >= 3:
            day = dt.date.fromisoformat(iso[:10])
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return iso
    return iso


def _clock(value: str | None) -> str:
    if not value or "T" not in value:
        return ""
    return value.split("T", 1)[1][:5]


def _read_classification(header, doc: Document) -> None:
    """The original classification and the declassification history, from ``msDesc``."""
    ms = header.find("tei:fileDesc/tei:sourceDesc/tei:msDesc", NS) if header is not None else None
    if ms is None:
        return
    cls = ms.find(".//tei:note[@type='classification']", NS)
    if cls is not None:
        doc.classification = _text(cls)
        doc.classification_id = (cls.get("ana") or "").lstrip("#")
    history = [f"Declassify on: {_text(note)}" for note in ms.iterfind(".//tei:note[@type='declassify-on']", NS)]
    for change in ms.iterfind(".//tei:recordHist/tei:change", NS):
        history.append(_text(change) or f"{change.get('type', 'changed')} {format_date(change.get('when', ''))}")
    doc.declassification = history


def _read_revisions(header, doc: Document) -> None:
    """Declared anchor moves and the withdrawal of the document, from ``revisionDesc``."""
    revisions = header.find("tei:revisionDesc", NS) if header is not None else None
    if revisions is None:
        return
    for change in revisions.iterfind("tei:change[@type='anchor']", NS):
        old, target = change.get("n", ""), (change.get("target") or "").split()
        if old and target:
            doc.moved_anchors[old] = (target[0].lstrip("#"), change.sourceline or 0)
    if revisions.get("status") == "withdrawn":
        change = revisions.find("tei:change[@type='withdrawn']", NS)
        doc.withdrawn = _text(change) if change is not None else "withdrawn"
        doc.withdrawn_when = change.get("when", "") if change is not None else ""


def _read_archive(header, doc: Document) -> None:
    """Citation data: the holding archive, its reference, the originating office and genre."""
    doc.genre = doc.subtitle.split(",")[0].strip()
    if header is None:
        return
    ms = header.find("tei:fileDesc/tei:sourceDesc/tei:msDesc", NS)
    if ms is None:
        return
    doc.archive = _text(ms.find("tei:msIdentifier/tei:institution", NS))
    doc.archive_place = _text(ms.find("tei:msIdentifier/tei:settlement", NS))
    doc.archive_location = _text(ms.find("tei:msIdentifier/tei:idno", NS))
    doc.author = _text(ms.find("tei:history/tei:origin/tei:orgName", NS))


def _source(header) -> list[str]:
    if header is None:
        return []
    ident = header.find(".//tei:sourceDesc/tei:msDesc/tei:msIdentifier", NS)
    if ident is None:
        return [_text(p) for p in header.iterfind("tei:fileDesc/tei:sourceDesc/tei:p", NS)]
    parts = [_text(ident.find(f"tei:{name}", NS)) for name in ("institution", "settlement", "collection")]
    lines = [", ".join(p for p in parts if p)]
    for idno in ident.iterfind(".//tei:idno", NS):
        label = (idno.get("type") or "").upper() if idno.get("type") in ("foia",) else ""
        lines.append(f"{label + ' ' if label else ''}{_text(idno)}")
    return [line for line in lines if line]


def _parallels(header) -> list[Bibl]:
    """Other versions of the document: the citation text, its https link and its id."""
    if header is None:
        return []
    found = []
    for bibl in header.iterfind(".//tei:sourceDesc/tei:listBibl/tei:bibl", NS):
        ref, idno = bibl.find(".//tei:ref", NS), bibl.find(".//tei:idno", NS)
        url = ref.get("target") if ref is not None else None
        found.append(Bibl(_text_without(bibl, ("ref", "idno")).rstrip(" ,;:"),
                          url if url and url.startswith("https://") else None, _text(idno)))
    return found


def _text_without(el, skip: tuple[str, ...]) -> str:
    """The text of *el* without the subtrees of the elements named in *skip*."""
    parts = [el.text or ""]
    for child in el:
        if not (isinstance(child.tag, str) and etree.QName(child).localname in skip):
            parts.append(_text_without(child, skip))
        parts.append(child.tail or "")
    return normalize_space("".join(parts))


def _delegations(header) -> list[Delegation]:
    if header is None:
        return []
    groups = []
    for lp in header.iterfind("tei:profileDesc/tei:particDesc/tei:listPerson", NS):
        label = _text(lp.find("tei:head", NS)) or lp.get("n") or ""
        people = [Participant(_text(p.find("tei:persName", NS)), p.get("corresp") or "", p.get("role") or "",
                              _text(p.find("tei:occupation", NS)))
                  for p in lp.iterfind("tei:person", NS)]
        groups.append(Delegation(label, people))
    return groups
