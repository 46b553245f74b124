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
once per folder and spliced into every file that holds it (:mod:`edition.dts_navigation`), and files
written with one ``open``, ``write`` and ``close`` each (:mod:`edition.dts_files`).  The TEI of the
document endpoint is made in :mod:`edition.dts_tei`; this module writes the collections.
"""

from __future__ import annotations

import posixpath
import weakref
from pathlib import Path

from .dts_files import CONTEXT, DTS_VERSION, Output, json_file, quote_path, relative_link, response
from .dts_navigation import CITATION_TREES, write_navigation
from .dts_tei import DTS_NS, write_memo_text, write_volume_text  # noqa: F401  (DTS_NS: the tests read it here)
from .errors import Diagnostic, ERROR, SourceError
from .model import Document, Edition, Volume

TEI_MEDIA_TYPE = "application/tei+xml"
ROOT_ID = "edition"  # the root collection's id; no document or volume may use it
NAVS = (None, "children", "parents")

ENTRY = "dts/index.json"
COLLECTION = "dts/collection{/id}{;nav}.json"
NAVIGATION = "dts/navigation/{resource}{;down}{/ref}.json"
DOCUMENT = "dts/document/{resource}{/ref}.xml"


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
        out = Output(self.site)
        here = "dts"
        out.write(ENTRY, json_file({
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
                out.write(collection_path(id, nav), response({
                    **self.root(here), "member": [] if nav == "parents" else members}))
        here = "dts/collection"
        for volume in volumes:
            children = [self.resource(doc, here) for doc in _published(volume)]
            for nav in NAVS:
                out.write(collection_path(volume.id, nav), response({
                    **self.volume(volume, here),
                    "member": [self.root(here)] if nav == "parents" else children}))

    def children(self) -> tuple[list[Document], list[Volume]]:
        """The root collection's members: the edition's own documents, then its volumes."""
        return [doc for doc in self.edition.documents if doc.volume is None], list(self.edition.volumes)

    # -- the files of one document -----------------------------------------------------------------

    def write_document(self, doc: Document) -> None:
        out = Output(self.site)
        self.write_resource(out, doc)
        write_navigation(self, out, doc)
        if doc.volume is None:
            write_memo_text(out, doc)
        else:
            write_volume_text(out, doc)

    def write_resource(self, out: Output, doc: Document) -> None:
        here = "dts/collection"
        resource = self.resource(doc, here)
        parent = self.root(here) if doc.volume is None else self.volume(doc.volume, here)
        for nav in NAVS:
            out.write(collection_path(doc.id, nav),
                      response({**resource, **({"member": [parent]} if nav == "parents" else {})}))

    # -- the objects -----------------------------------------------------------------------------

    def root(self, here: str) -> dict:
        config = self.config
        if self._root_children is None:
            own, volumes = self.children()
            self._root_children = self.edition.members if self.edition.members is not None else len(own) + len(volumes)
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
            return f"{self.base_url}/{quote_path(target)}"
        return relative_link(target, here)

    def own_link(self, path: str) -> str:
        """The URL of file *path* in that file: ``link(path, dirname(path))``, which every response needs."""
        return f"{self.base_url}/{quote_path(path)}" if self.base_url else quote_path(path.rpartition("/")[2])


def _published(volume: Volume) -> list[Document]:
    return [doc for doc in volume.documents if not doc.withdrawn]
