"""A static Distributed Text Services API (DTS 1.0, Level 0) under ``dts/``.

DTS Level 0 may be served as plain files, so every request the API answers is one file, and the URI
templates are *path style* (RFC 6570 ``{/var}`` and ``{;var}``, as in the spec's example for static
sites) with a file suffix, so that any static server finds the file and sends a JSON or XML
content type.  Paths are relative to the site root; ``ID`` is a document id, ``VOL`` a FRUS volume's
id, ``REF`` a paragraph id::

    dts/index.json                          entry point
    dts/collection{/id}{;nav}.json          collection endpoint
      dts/collection.json                     the root collection (the edition): no id
      dts/collection/edition.json             the same, by its id
      dts/collection/VOL.json                 a volume: a Collection of its documents
      dts/collection/ID.json                  one document, a Resource
      …;nav=children.json, …;nav=parents.json   the same with members as children or parents
    dts/navigation/{resource}{;down}{/ref}.json   navigation endpoint (one tree: paragraphs)
      dts/navigation/ID;down=1.json           every paragraph (also ;down=-1)
      dts/navigation/ID/REF.json              one paragraph, no members
      dts/navigation/ID;down=0/REF.json       one paragraph and its siblings (every paragraph)
      dts/navigation/ID;down=1/REF.json       one paragraph and its subtree, i.e. itself (also ;down=-1)
    dts/document/{resource}{/ref}.xml       document endpoint (TEI)
      dts/document/ID.xml                     a memo: its TEI source, byte for byte;
                                              a volume's document: its <div> in <dts:wrapper>
      dts/document/ID/REF.xml                 one paragraph in <dts:wrapper> inside <TEI>

The root collection's members are the edition's own documents, then its volumes; a volume's members
are its documents.  Not served, as Level 0 allows or as no file can answer: ``start``/``end`` ranges
(the templates leave them out), ``page`` (nothing is paginated), ``tree`` (only the default tree),
``mediaType`` (TEI only), and ``down`` other than -1, 0 and 1 (the tree is one level deep, so 1 and
-1 say it all).  Requests the spec answers with 400 (navigation with neither ``ref`` nor ``down``)
have no file.

Links inside each file are relative to that file, or absolute when ``base_url`` is set.
Identifiers are plain strings, as the spec requires of path-style APIs.

A document has about 5 n + 6 files for n paragraphs, and the ``;down=0`` files repeat its n units
each, so writing is made cheap: compact JSON from the C encoder, each paragraph's unit serialised
once per folder and spliced into every file that holds it, and files written with one ``open``,
``write`` and ``close`` each.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import weakref
from collections import OrderedDict
from copy import deepcopy
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from .errors import Diagnostic, ERROR, SourceError
from .frus_anchors import citable_paragraphs, document_local_id, locked_paragraphs, number_paragraphs
from .frus_volume import lay_out
from .model import Document, Edition, Volume
from .tei import TEI_NS, XML_ID, parse_bytes, parse_file, q

DTS_VERSION = "1.0"
CONTEXT = "https://dtsapi.org/context/v1.0.json"
DTS_NS = "https://w3id.org/api/dts#"
TEI_MEDIA_TYPE = "application/tei+xml"
ROOT_ID = "edition"  # the root collection's id; no document or volume may use it
CITE_TYPE = "paragraph"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
NAVS = (None, "children", "parents")
DOWNS = (-1, 1)  # both mean "to the bottom" in a one-level tree

ENTRY = "dts/index.json"
COLLECTION = "dts/collection{/id}{;nav}.json"
NAVIGATION = "dts/navigation/{resource}{;down}{/ref}.json"
DOCUMENT = "dts/document/{resource}{/ref}.xml"
CITATION_TREES = [{"@type": "CitationTree",
                   "citeStructure": [{"@type": "CiteStructure", "citeType": CITE_TYPE}]}]

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # the C encoder
_RESPONSE = f'{{"@context":{_dumps(CONTEXT)},"dtsVersion":{_dumps(DTS_VERSION)},'  # how every JSON file starts
_WRAPPER_START = f'<TEI xmlns="{TEI_NS}"><dts:wrapper xmlns:dts="{DTS_NS}">'.encode()
_WRAPPER_END = b"</dts:wrapper></TEI>\n"


# -- what build.py calls -----------------------------------------------------------------------------

def write_dts(site, edition: Edition, config) -> None:
    """The whole API of *edition*: :func:`write_edition_api`, then :func:`write_document_api` per document."""
    _check_ids(edition, Path(config.root))
    api = _Api(site, edition, config)
    api.write_edition()
    for doc in edition.documents:
        api.write_document(doc)


def write_edition_api(site, edition: Edition) -> None:
    """The entry point, the root collection and each volume's collection: the files that list documents."""
    _Api(site, edition, site.config).write_edition()


def write_document_api(site, doc: Document) -> None:
    """Every file of one published document: its Resource, its navigation and its TEI.

    *doc* is an edition memo or a document of a FRUS volume (``doc.volume`` set); ``site.edition``
    needs only the edition's own documents and its volumes (for the root collection's counts).
    """
    _api(site).write_document(doc)


def _check_ids(edition: Edition, root: Path) -> None:
    """No document or volume may take the root collection's id, and a volume not a document's."""
    documents = {doc.id for doc in edition.documents}
    clashes = [(doc.source_path, f'document id "{doc.id}" is the id of the DTS root collection; '
                                 "rename the document") for doc in edition.documents if doc.id == ROOT_ID]
    clashes += [(volume.source_path, f'volume id "{volume.id}" is the id of the DTS root collection or of a '
                                     "document; rename the volume or the document")
                for volume in edition.volumes if volume.id == ROOT_ID or volume.id in documents]
    if clashes:
        diagnostics = [Diagnostic(_shown(Path(path), root), 1, 1, ERROR, message, "dts.reserved-id")
                       for path, message in clashes]
        raise SourceError(str(diagnostics[0]), diagnostics)


def _shown(path: Path, root: Path) -> str:
    return (path.relative_to(root) if path.is_relative_to(root) else path).as_posix()


def collection_path(id: str | None = None, nav: str | None = None) -> str:
    """``collection_path("x", "parents")`` → ``dts/collection/x;nav=parents.json``."""
    return "dts/collection" + (f"/{id}" if id else "") + (f";nav={nav}" if nav else "") + ".json"


def navigation_path(resource: str, down: int | None = None, ref: str | None = None) -> str:
    """``navigation_path("x", 0, "p3")`` → ``dts/navigation/x;down=0/p3.json``."""
    return (f"dts/navigation/{resource}" + (f";down={down}" if down is not None else "")
            + (f"/{ref}" if ref else "") + ".json")


def document_path(resource: str, ref: str | None = None) -> str:
    """``document_path("x", "p3")`` → ``dts/document/x/p3.xml``."""
    return f"dts/document/{resource}" + (f"/{ref}" if ref else "") + ".xml"


_APIS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _api(site) -> _Api:
    """The writer for *site*, kept while the site is, so what every document repeats is computed once."""
    api = _APIS.get(site)
    if api is None or api.edition is not site.edition:
        api = _APIS[site] = _Api(site, site.edition, site.config)
    return api


# -- the API ---------------------------------------------------------------------------------------

class _Api:
    """Build the responses as plain objects and write them; links are relative to the folder written to."""

    def __init__(self, site, edition: Edition, config):
        self.site, self.edition, self.config = site, edition, config
        self.base_url = (getattr(config, "base_url", "") or "").rstrip("/")
        self._root_children: int | None = None

    # -- the files of the edition ------------------------------------------------------------------

    def write_edition(self) -> None:
        out = _Output(self.site)
        here = "dts"
        out.write(ENTRY, _json({
            "@context": CONTEXT,
            "@id": self.link(ENTRY, here),
            "@type": "EntryPoint",
            "dtsVersion": DTS_VERSION,
            "collection": self.link(COLLECTION, here),
            "navigation": self.link(NAVIGATION, here),
            "document": self.link(DOCUMENT, here),
        }))
        own, volumes = self.children()
        for id in (None, ROOT_ID):
            path = collection_path(id)
            here = posixpath.dirname(path)
            members = [self.resource(doc, here) for doc in own] + [self.volume(v, here) for v in volumes]
            for nav in NAVS:
                out.write(collection_path(id, nav), _response({
                    **self.root(here), "member": [] if nav == "parents" else members}))
        here = "dts/collection"
        for volume in volumes:
            children = [self.resource(doc, here) for doc in _published(volume)]
            for nav in NAVS:
                out.write(collection_path(volume.id, nav), _response({
                    **self.volume(volume, here),
                    "member": [self.root(here)] if nav == "parents" else children}))

    def children(self) -> tuple[list[Document], list[Volume]]:
        """The root collection's members: the edition's own documents, then its volumes."""
        return [doc for doc in self.edition.documents if doc.volume is None], list(self.edition.volumes)

    # -- the files of one document -----------------------------------------------------------------

    def write_document(self, doc: Document) -> None:
        out = _Output(self.site)
        self.write_resource(out, doc)
        self.write_navigation(out, doc)
        if doc.volume is None:
            self.write_memo_text(out, doc)
        else:
            self.write_volume_text(out, doc)

    def write_resource(self, out: _Output, doc: Document) -> None:
        here = "dts/collection"
        resource = self.resource(doc, here)
        parent = self.root(here) if doc.volume is None else self.volume(doc.volume, here)
        for nav in NAVS:
            out.write(collection_path(doc.id, nav),
                      _response({**resource, **({"member": [parent]} if nav == "parents" else {})}))

    def write_navigation(self, out: _Output, doc: Document) -> None:
        """Every navigation file of *doc*; each paragraph's unit is serialised once per folder."""
        top, below = "dts/navigation", f"dts/navigation/{doc.id}"  # ;down=N/REF folders are siblings of below
        ids = [para.id for para in doc.paragraphs]

        def units(here: str) -> list[str]:
            page = self.link(doc.url, here)
            return [_dumps(_unit(ident, f"{page}#{_quote(ident)}")) for ident in ids]

        def write(path: str, resource: str, ref: str = "", members: str = "") -> None:
            parts = [_RESPONSE, '"@id":', _dumps(self.own_link(path)), ',"@type":"Navigation","resource":',
                     resource]
            if ref:
                parts += [',"ref":', ref]
            if members:
                parts += [',"member":', members]
            parts.append("}\n")
            out.write(path, "".join(parts).encode("utf-8"))

        resource, members = _dumps(self.resource(doc, top, brief=True)), units(top)
        every = "[" + ",".join(members) + "]"
        for down in DOWNS:
            write(navigation_path(doc.id, down), resource, members=every)
        if not self.base_url:  # relative links change one folder down; absolute ones do not
            resource, members = _dumps(self.resource(doc, below, brief=True)), units(below)
            every = "[" + ",".join(members) + "]"
        for ident, unit in zip(ids, members):
            write(navigation_path(doc.id, ref=ident), resource, ref=unit)
            write(navigation_path(doc.id, 0, ident), resource, ref=unit, members=every)
            for down in DOWNS:
                write(navigation_path(doc.id, down, ident), resource, ref=unit, members=f"[{unit}]")

    def write_memo_text(self, out: _Output, doc: Document) -> None:
        """The TEI source as it is, and each paragraph wrapped."""
        source = Path(doc.source_path).read_bytes()
        out.write(document_path(doc.id), source)
        wanted = {para.id for para in doc.paragraphs}
        found = {p.get(XML_ID): p for p in parse_bytes(source, doc.source_path).getroot().iter(q("p"))
                 if p.get(XML_ID) in wanted}
        for para in doc.paragraphs:
            out.write(document_path(doc.id, para.id), tei_fragment(found[para.id]))

    def write_volume_text(self, out: _Output, doc: Document) -> None:
        """The document's ``<div>`` wrapped, as is a volume's part, and each paragraph wrapped."""
        div = volume_document(doc)
        out.write(document_path(doc.id), tei_fragment(div))
        found = {p.get(XML_ID): p for p in citable_paragraphs(div)}
        for para in doc.paragraphs:
            out.write(document_path(doc.id, para.id), tei_fragment(found[para.id]))

    # -- the objects -----------------------------------------------------------------------------

    def root(self, here: str) -> dict:
        config = self.config
        if self._root_children is None:
            own, volumes = self.children()
            self._root_children = len(own) + len(volumes)
        return {
            "@id": ROOT_ID,
            "@type": "Collection",
            "title": config.title,
            **({"description": config.subtitle} if config.subtitle else {}),
            "totalParents": 0,
            "totalChildren": self._root_children,
            "collection": self.link("dts/collection{;nav}.json", here),
            "dublinCore": self.dublin_core(config.title, config.release_date),
            **({"extensions": {"@context": {"schema": "https://schema.org/"}, "schema:version": config.version}}
               if config.version else {}),
        }

    def volume(self, volume: Volume, here: str) -> dict:
        description = ", ".join(filter(None, [volume.series, volume.subtitle]))
        return {
            "@id": volume.id,
            "@type": "Collection",
            "title": volume.title,
            **({"description": description} if description else {}),
            "totalParents": 1,
            "totalChildren": len(_published(volume)),
            "collection": self.link(f"dts/collection/{volume.id}{{;nav}}.json", here),
            "dublinCore": self.dublin_core(volume.title, volume.pub_date, volume.publisher),
        }

    def resource(self, doc: Document, here: str, brief: bool = False) -> dict:
        """The Resource; *brief* keeps what a navigation response needs (the full one is in the collection)."""
        id = doc.id
        links = {
            "collection": self.link(f"dts/collection/{id}{{;nav}}.json", here),
            "navigation": self.link(f"dts/navigation/{id}{{;down}}{{/ref}}.json", here),
            "document": self.link(f"dts/document/{id}{{/ref}}.xml", here),
        }
        if brief:
            return {"@id": id, "@type": "Resource", "title": doc.title, **links, "citationTrees": CITATION_TREES}
        volume = doc.volume
        return {
            "@id": id,
            "@type": "Resource",
            "title": doc.title,
            **({"description": doc.subtitle} if doc.subtitle else {}),
            "totalParents": 1,
            "totalChildren": 0,
            **links,
            **({"download": self.link(f"tei/memos/{doc.tei_name}", here)} if volume is None else {}),
            "mediaTypes": [TEI_MEDIA_TYPE],
            "citationTrees": CITATION_TREES,
            "dublinCore": self.dublin_core(doc.title, doc.date, volume.publisher if volume is not None else ""),
        }

    def dublin_core(self, title: str, date: str, publisher: str = "") -> dict:
        lang = self.config.language
        publisher = publisher or self.config.publisher
        return {
            "title": [{"lang": lang, "value": title}],
            **({"date": date} if date else {}),
            "language": [lang],
            **({"publisher": [{"lang": lang, "value": publisher}]} if publisher else {}),
        }

    def link(self, target: str, here: str) -> str:
        """Site path *target* (it may end in a template or a #fragment) as a URL seen from folder *here*."""
        if self.base_url:
            return f"{self.base_url}/{_quote(target)}"
        tail = _TAIL.search(target)
        cut = tail.start() if tail else len(target)
        folder, name = posixpath.split(target[:cut])
        if folder != here:
            name = f"{posixpath.relpath(folder or '.', here or '.')}/{name}"
        return _quote(name + target[cut:])

    def own_link(self, path: str) -> str:
        """The URL of file *path* in that file: ``link(path, dirname(path))``, which every response needs."""
        return f"{self.base_url}/{_quote(path)}" if self.base_url else _quote(path.rpartition("/")[2])


def _unit(ident: str, href: str) -> dict:
    return {"identifier": ident, "@type": "CitableUnit", "level": 1, "parent": None, "citeType": CITE_TYPE,
            "@id": href}


def _response(obj: dict) -> bytes:
    """*obj* as a top-level response: ``@context`` and ``dtsVersion`` first."""
    return _json({"@context": CONTEXT, "dtsVersion": DTS_VERSION, **obj})


def _json(obj: dict) -> bytes:
    return (_dumps(obj) + "\n").encode("utf-8")


def _published(volume: Volume) -> list[Document]:
    return [doc for doc in volume.documents if not doc.withdrawn]


_TAIL = re.compile(r"[{#]")  # where a link's template or fragment starts
_PLAIN = re.compile(r"[A-Za-z0-9_.~/;=#{},-]*")


def _quote(url: str) -> str:
    """Percent-encode what a path may not hold raw (non-ASCII ids); keep template and path syntax."""
    return url if _PLAIN.fullmatch(url) else quote(url, safe="/;=#{},")


# -- TEI -------------------------------------------------------------------------------------------

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


# -- writing ---------------------------------------------------------------------------------------

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


class _Output:
    """Write files as ``SiteWriter.write`` does (into its staging folder, recorded in ``written``), cheaply.

    One ``open``, ``write`` and ``close`` per file, each folder made once: a document has ~250 files.
    """

    def __init__(self, site):
        self.site, self.root = site, os.fspath(site.staging)
        self.folders: set[str] = set()

    def write(self, url: str, data: bytes) -> None:
        folder = url.rpartition("/")[0]
        if folder not in self.folders:
            os.makedirs(f"{self.root}/{folder}", exist_ok=True)
            self.folders.add(folder)
        fd = os.open(f"{self.root}/{url}", _FLAGS, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        self.site.written.append(url)
