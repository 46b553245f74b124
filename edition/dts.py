"""A static Distributed Text Services API (DTS 1.0, Level 0) under ``dts/``.

DTS Level 0 may be served as plain files, so every request the API answers is one file, and the URI
templates are *path style* (RFC 6570 ``{/var}`` and ``{;var}``, as in the spec's example for static
sites) with a file suffix, so that any static server finds the file and sends a JSON or XML
content type.  Paths are relative to the site root; ``ID`` is a document id, ``REF`` a paragraph id::

    dts/index.json                          entry point
    dts/collection{/id}{;nav}.json          collection endpoint
      dts/collection.json                     the root collection (the edition): no id
      dts/collection/edition.json             the same, by its id
      dts/collection/ID.json                  one document, a Resource
      …;nav=children.json, …;nav=parents.json   the same with members as children or parents
    dts/navigation/{resource}{;down}{/ref}.json   navigation endpoint (one tree: paragraphs)
      dts/navigation/ID;down=1.json           every paragraph (also ;down=-1)
      dts/navigation/ID/REF.json              one paragraph, no members
      dts/navigation/ID;down=0/REF.json       one paragraph and its siblings (every paragraph)
      dts/navigation/ID;down=1/REF.json       one paragraph and its subtree, i.e. itself (also ;down=-1)
    dts/document/{resource}{/ref}.xml       document endpoint (TEI)
      dts/document/ID.xml                     the TEI source, byte for byte
      dts/document/ID/REF.xml                 one paragraph in <dts:wrapper> inside <TEI>

Not served, as Level 0 allows or as no file can answer: ``start``/``end`` ranges (the templates leave
them out), ``page`` (nothing is paginated), ``tree`` (only the default tree), ``mediaType`` (TEI
only), and ``down`` other than -1, 0 and 1 (the tree is one level deep, so 1 and -1 say it all).
Requests the spec answers with 400 (navigation with neither ``ref`` nor ``down``) have no file.

Links inside each file are relative to that file, or absolute when ``base_url`` is set.
Identifiers are plain strings, as the spec requires of path-style APIs.
"""

from __future__ import annotations

import json
import posixpath
from copy import deepcopy
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from .errors import Diagnostic, ERROR, SourceError
from .model import Document, Edition
from .tei import TEI_NS, XML_ID, load_tei, q

DTS_VERSION = "1.0"
CONTEXT = "https://dtsapi.org/context/v1.0.json"
DTS_NS = "https://w3id.org/api/dts#"
TEI_MEDIA_TYPE = "application/tei+xml"
ROOT_ID = "edition"  # the root collection's id; no document may use it
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


def write_dts(site, edition: Edition, config) -> None:
    """Write the DTS entry point, collections, navigation and documents of *edition* via *site*."""
    _check_ids(edition, Path(config.root))
    api = StaticDts(site, edition, config)
    api.entry()
    api.root_collection()
    for doc in edition.documents:
        api.resource_collection(doc)
        api.navigation(doc)
        api.document(doc)


def _check_ids(edition: Edition, root: Path) -> None:
    for doc in edition.documents:
        if doc.id == ROOT_ID:
            path = Path(doc.source_path)
            shown = path.relative_to(root) if path.is_relative_to(root) else path
            diagnostic = Diagnostic(shown.as_posix(), 1, 1, ERROR,
                                    f'document id "{ROOT_ID}" is the id of the DTS root collection; '
                                    "rename the document", "dts.reserved-id")
            raise SourceError(str(diagnostic), [diagnostic])


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


class StaticDts:
    """Write the API's files; each object is built for the file it goes in, so links are relative to it."""

    def __init__(self, site, edition: Edition, config):
        self.site, self.edition, self.config = site, edition, config
        self.base_url = (getattr(config, "base_url", "") or "").rstrip("/")

    # -- the endpoints ---------------------------------------------------------------------------

    def entry(self) -> None:
        self.write_json(ENTRY, lambda here: {
            "@context": CONTEXT,
            "@id": self.link(ENTRY, here),
            "@type": "EntryPoint",
            "dtsVersion": DTS_VERSION,
            "collection": self.link(COLLECTION, here),
            "navigation": self.link(NAVIGATION, here),
            "document": self.link(DOCUMENT, here),
        })

    def root_collection(self) -> None:
        for id in (None, ROOT_ID):
            for nav in NAVS:
                self.write_json(collection_path(id, nav), lambda here, nav=nav: self.response({
                    **self.root(here),
                    "member": [] if nav == "parents" else [self.resource(d, here) for d in self.edition.documents],
                }))

    def resource_collection(self, doc: Document) -> None:
        for nav in NAVS:
            self.write_json(collection_path(doc.id, nav), lambda here, nav=nav: self.response({
                **self.resource(doc, here),
                **({"member": [self.root(here)]} if nav == "parents" else {}),
            }))

    def navigation(self, doc: Document) -> None:
        def write(path, ref=None, members=None):
            self.write_json(path, lambda here: self.response({
                "@id": self.link(path, here),
                "@type": "Navigation",
                "resource": self.resource(doc, here, brief=True),
                **({"ref": self.unit(doc, ref, here)} if ref else {}),
                **({"member": [self.unit(doc, p, here) for p in members]} if members is not None else {}),
            }))

        for down in DOWNS:
            write(navigation_path(doc.id, down), members=doc.paragraphs)
        for para in doc.paragraphs:
            write(navigation_path(doc.id, ref=para.id), ref=para)
            write(navigation_path(doc.id, 0, para.id), ref=para, members=doc.paragraphs)
            for down in DOWNS:
                write(navigation_path(doc.id, down, para.id), ref=para, members=[para])

    def document(self, doc: Document) -> None:
        source = Path(doc.source_path)
        self.site.write(document_path(doc.id), source.read_bytes())
        paragraphs = {p.get(XML_ID): p for p in load_tei(source).getroot().iter(q("p"))}
        for para in doc.paragraphs:
            self.site.write(document_path(doc.id, para.id), tei_fragment(paragraphs[para.id]))

    # -- the objects -----------------------------------------------------------------------------

    def response(self, obj: dict) -> dict:
        """Make *obj* a top-level response: ``@context`` and ``dtsVersion`` first."""
        return {"@context": CONTEXT, "dtsVersion": DTS_VERSION, **obj}

    def root(self, here: str) -> dict:
        config = self.config
        return {
            "@id": ROOT_ID,
            "@type": "Collection",
            "title": config.title,
            **({"description": config.subtitle} if config.subtitle else {}),
            "totalParents": 0,
            "totalChildren": len(self.edition.documents),
            "collection": self.link("dts/collection{;nav}.json", here),
            "dublinCore": self.dublin_core(config.title, config.release_date),
            **({"extensions": {"@context": {"schema": "https://schema.org/"}, "schema:version": config.version}}
               if config.version else {}),
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
        return {
            "@id": id,
            "@type": "Resource",
            "title": doc.title,
            **({"description": doc.subtitle} if doc.subtitle else {}),
            "totalParents": 1,
            "totalChildren": 0,
            **links,
            "download": self.link(f"tei/memos/{doc.tei_name}", here),
            "mediaTypes": [TEI_MEDIA_TYPE],
            "citationTrees": CITATION_TREES,
            "dublinCore": self.dublin_core(doc.title, doc.date),
        }

    def unit(self, doc: Document, para, here: str) -> dict:
        return {
            "identifier": para.id,
            "@type": "CitableUnit",
            "level": 1,
            "parent": None,
            "citeType": CITE_TYPE,
            "@id": self.link(f"{doc.url}#{para.id}", here),
        }

    def dublin_core(self, title: str, date: str) -> dict:
        lang = self.config.language
        publisher = self.config.publisher
        return {
            "title": [{"lang": lang, "value": title}],
            **({"date": date} if date else {}),
            "language": [lang],
            **({"publisher": [{"lang": lang, "value": publisher}]} if publisher else {}),
        }

    # -- writing ---------------------------------------------------------------------------------

    def link(self, target: str, here: str) -> str:
        """Site path *target* (it may end in a template or a #fragment) as a URL seen from file *here*."""
        if self.base_url:
            return f"{self.base_url}/{_quote(target)}"
        cut = min((i for i in (target.find("{"), target.find("#")) if i >= 0), default=len(target))
        head, tail = target[:cut], target[cut:]
        folder = posixpath.relpath(posixpath.dirname(head) or ".", posixpath.dirname(here) or ".")
        prefix = "" if folder == "." else f"{folder}/"
        return _quote(prefix + posixpath.basename(head) + tail)

    def write_json(self, path: str, build) -> None:
        text = json.dumps(build(path), ensure_ascii=False, indent=2) + "\n"
        self.site.write(path, text.encode("utf-8"))


def tei_fragment(para: etree._Element) -> bytes:
    """``<p xml:id="p3">…</p>`` → ``<TEI><dts:wrapper><p xml:id="p3">…</p></dts:wrapper></TEI>``."""
    tei = etree.Element(q("TEI"), nsmap={None: TEI_NS})
    wrapper = etree.SubElement(tei, f"{{{DTS_NS}}}wrapper", nsmap={"dts": DTS_NS})
    copy = deepcopy(para)
    copy.tail = None
    wrapper.append(copy)
    return XML_DECLARATION + etree.tostring(tei, encoding="UTF-8") + b"\n"


def _quote(url: str) -> str:
    """Percent-encode what a path may not hold raw (non-ASCII ids); keep template and path syntax."""
    return quote(url, safe="/;=#{},")
