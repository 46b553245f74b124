"""``build()``: the pipeline in one readable function.

validate → load authorities → read documents → prose pages → indexes → write.
Everything is gathered before anything is written, and ``output/`` is
replaced only when the whole site was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .anchors import check_lock, document_anchors, release as record_release
from .authority import load_authorities
from .cite import access_date, cite_document
from .config import Config
from .dts import write_dts
from .errors import ERROR, WARNING, Reporter, ValidationFailed
from .index import build_indexes
from .model import Document, Edition
from .pages import read_pages
from .readers import read_source
from .site import SiteWriter, staged_output


@dataclass
class BuildResult:
    out_dir: Path
    documents: int
    pages: int
    reporter: Reporter


def build(config: Config, out_dir: Path | None = None, strict: bool = False) -> BuildResult:
    """Validate, model and render the edition at *config* into *out_dir*."""
    reporter = _validated(config, strict)

    entities = load_authorities(config.authority_dir, reporter)
    documents = read_documents(config, entities, reporter)
    check_lock(config, documents, reporter)
    published = [doc for doc in documents if not doc.withdrawn]
    accessed = access_date()
    for doc in published:
        doc.citation = cite_document(doc, config, accessed)
    pages, found = read_pages(config.pages_dir, reporter.display)
    reporter.extend(found)
    edition = Edition(config.title, published, entities, build_indexes(published, entities), pages,
                      withdrawn=[doc for doc in documents if doc.withdrawn])
    _gate(reporter, strict, "the build")

    out_dir = Path(out_dir) if out_dir else config.out_dir
    with staged_output(out_dir) as staging:
        written = write_site(config, edition, staging)
    return BuildResult(out_dir, len(documents), written, reporter)


def release(config: Config) -> tuple[list[str], Reporter]:
    """Validate the sources and record the anchors this release adds to the lock."""
    reporter = _validated(config, strict=False)
    documents = read_documents(config, load_authorities(config.authority_dir, reporter), reporter)
    _gate(reporter, False, "the release")
    return record_release(config, documents), reporter


def _validated(config: Config, strict: bool) -> Reporter:
    from .validate import validate

    reporter = validate(config)
    _gate(reporter, strict, "validation")
    return reporter


def read_documents(config: Config, entities: dict, reporter: Reporter) -> list[Document]:
    """Every document of the edition's sources, in date order; entities the sources define join *entities*."""
    documents = []
    for path in config.memo_files():
        result = read_source(path, entities, reporter.display(path))
        reporter.extend(result.diagnostics)
        entities.update(result.entities)
        documents += result.documents
    return sorted(documents, key=lambda d: (d.date, d.id))


def _gate(reporter: Reporter, strict: bool, stage: str) -> None:
    failing = [d for d in reporter.sorted() if d.severity == ERROR or (strict and d.severity == WARNING)]
    if failing:
        what = "errors" if any(d.severity == ERROR for d in failing) else "warnings (--strict)"
        raise ValidationFailed(f"{stage} found {reporter.summary()}; nothing was written ({what})",
                               reporter.sorted())


def write_site(config: Config, edition: Edition, staging: Path) -> int:
    """Write every page of *edition* into *staging*; return the number of HTML pages."""
    site = SiteWriter(config, edition, staging)
    site.copy_static()
    prose = {page.slug: page for page in edition.pages}
    site.page("index.html", "home.html", intro=prose.get("index"))
    for page in edition.pages:
        if page.slug != "index":
            site.page(page.url, "page.html", page=page)
    for position, doc in enumerate(edition.documents):
        previous = edition.documents[position - 1] if position else None
        following = edition.documents[position + 1] if position + 1 < len(edition.documents) else None
        site.page(doc.url, "document.html", doc=doc, previous=previous, next=following)
        site.copy_file(Path(doc.source_path), f"tei/memos/{doc.tei_name}")
        site.write(f"documents/{doc.id}.bib", doc.citation.bibtex.encode("utf-8"))
        site.write(f"documents/{doc.id}.csl.json", doc.citation.csl_json.encode("utf-8"))
    for doc in edition.withdrawn:
        anchors = [anchor.partition("#")[2] for anchor in document_anchors(doc)[1:]]
        site.page(doc.url, "tombstone.html", doc=doc, anchors=anchors)
        site.copy_file(Path(doc.source_path), f"tei/memos/{doc.tei_name}")
    for path in sorted(config.authority_dir.glob("*.xml")):
        site.copy_file(path, f"tei/authority/{path.name}")
    for index in edition.indexes:
        site.page(index.url, "entity-index.html", index=index)
    site.page("indexes/index.html", "indexes.html")
    from .browse import write_participants
    from .search import write_search_index
    write_participants(site, edition)
    site.page("search.html", "search.html")
    write_dts(site, edition, config)
    write_search_index(staging, edition, config)
    return sum(1 for url in site.written if url.endswith(".html"))
