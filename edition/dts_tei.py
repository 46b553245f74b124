"""The DTS document endpoint: the TEI of a memo, of a FRUS volume's document and of each paragraph.

A memo's file is its TEI source byte for byte; a volume's document is its ``<div>``, and a paragraph
its ``<p>``, each wrapped in ``<TEI><dts:wrapper>``.  A volume is read once per process however the
build orders the documents of several volumes (:func:`volume_document`).
"""

from __future__ import annotations

from collections import OrderedDict
from copy import deepcopy
from pathlib import Path

from lxml import etree

from .dts_files import Output
from .frus_anchors import citable_paragraphs, document_local_id, locked_paragraphs, number_paragraphs
from .frus_volume import lay_out
from .model import Document
from .tei import TEI_NS, XML_ID, parse_bytes, parse_file, q

DTS_NS = "https://w3id.org/api/dts#"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_WRAPPER_START = f'<TEI xmlns="{TEI_NS}"><dts:wrapper xmlns:dts="{DTS_NS}">'.encode()
_WRAPPER_END = b"</dts:wrapper></TEI>\n"


def document_path(resource: str, ref: str | None = None) -> str:
    """``document_path("x", "p3")`` → ``dts/document/x/p3.xml``."""
    return f"dts/document/{resource}" + (f"/{ref}" if ref else "") + ".xml"


def write_memo_text(out: Output, doc: Document) -> None:
    """The TEI source as it is, and each paragraph wrapped."""
    source = Path(doc.source_path).read_bytes()
    out.write(document_path(doc.id), source)
    wanted = {para.id for para in doc.paragraphs}
    found = {p.get(XML_ID): p for p in parse_bytes(source, doc.source_path).getroot().iter(q("p"))
             if p.get(XML_ID) in wanted}
    for para in doc.paragraphs:
        out.write(document_path(doc.id, para.id), tei_fragment(found[para.id]))


def write_volume_text(out: Output, doc: Document) -> None:
    """The document's ``<div>`` wrapped, as is a volume's part, and each paragraph wrapped."""
    div = volume_document(doc)
    out.write(document_path(doc.id), tei_fragment(div))
    found = {p.get(XML_ID): p for p in citable_paragraphs(div)}
    for para in doc.paragraphs:
        out.write(document_path(doc.id, para.id), tei_fragment(found[para.id]))


def tei_fragment(el: etree._Element) -> bytes:
    """``<p xml:id="p3">…</p>`` → ``<TEI><dts:wrapper><p xml:id="p3">…</p></dts:wrapper></TEI>``."""
    if el.nsmap == {None: TEI_NS}:  # the common case: serialise in place, drop the declaration TEI makes
        data = etree.tostring(el, encoding="UTF-8", with_tail=False)
        name = etree.QName(el).localname.encode()
        declared = b"<" + name + f' xmlns="{TEI_NS}"'.encode()
        if data.startswith(declared):
            return XML_DECLARATION + _WRAPPER_START + b"<" + name + data[len(declared):] + _WRAPPER_END
    tei = etree.Element(q("TEI"), nsmap={None: TEI_NS})  # other namespaces: let lxml declare what is used
    wrapper = etree.SubElement(tei, f"{{{DTS_NS}}}wrapper", nsmap={"dts": DTS_NS})
    copy = deepcopy(el)
    copy.tail = None
    wrapper.append(copy)
    return XML_DECLARATION + etree.tostring(tei, encoding="UTF-8") + b"\n"


def volume_document(doc: Document) -> etree._Element:
    """The ``div[@type='document']`` of *doc* in its FRUS volume, its paragraphs with the reader's ids."""
    source = Path(doc.source_path)
    stat = source.stat()
    key = (str(source), doc.volume.id, stat.st_mtime_ns, stat.st_size)
    texts = _VOLUMES.get(key)
    if texts is None:
        texts = _VOLUMES[key] = _volume_documents(source, doc.volume.id)
        while len(_VOLUMES) > 1 and sum(map(_size, _VOLUMES.values())) > _VOLUMES_BYTES:
            _VOLUMES.popitem(last=False)
    _VOLUMES.move_to_end(key)
    return parse_bytes(texts[doc.id], source).getroot()


# Each volume read is kept as its documents' TEI, by document id: about the volume's size, parsed once per
# process however the build orders the documents of several volumes; the least recently used go first.
_VOLUMES: OrderedDict[tuple, dict[str, bytes]] = OrderedDict()
_VOLUMES_BYTES = 256 << 20


def _size(texts: dict[str, bytes]) -> int:
    return sum(map(len, texts.values()))


def _volume_documents(source: Path, volume_id: str) -> dict[str, bytes]:
    # as edition.frus.read_volume names the documents and numbers their paragraphs (the anchor lock's ids)
    locked = locked_paragraphs(source, volume_id)
    documents = {}
    for n, div in enumerate(lay_out(parse_file(source).getroot()).documents):
        local = document_local_id(div, n)
        doc_id = f"{volume_id}-{local}"
        number_paragraphs(div, local, locked.get(doc_id, []))
        documents[doc_id] = etree.tostring(div, encoding="UTF-8", with_tail=False)  # with its namespaces
    return documents
