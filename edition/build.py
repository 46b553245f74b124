"""``build()``: the pipeline in one readable function.

hash the inputs → validate → load authorities → read sources → prose pages → indexes → write.
Everything is gathered before anything is written, and ``output/`` changes only when the whole
site was written.  Sources are validated, read and rendered on a process pool; what an unchanged
input produced last time comes from the cache (:mod:`edition.cache`) and the previous output.

The site is written as *units*, each keyed by a hash of what it shows: a document's files, a search
bundle, an index entry's page, the edition-wide pages together.  A unit whose key the previous build
had is kept as it is, so a rebuild writes only what its change touches.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import posixpath
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from . import parallel
from .anchors import check_lock, document_anchors, local_anchors, release as record_release
from .authority import load_authorities
from .cache import FINGERPRINT, Bundle, Cache, digest
from .cite import access_date, cite_document
from .cite_templates import remember_in
from .config import Config
from .frus import neighbours, volumes_of
from .frus_site import write_volume
from .dts import _check_ids as check_dts_ids, write_document_api, write_edition_api
from .errors import Reporter
from .index import build_indexes, document_locators
from .index_store import IndexStore
from .model import Document, Edition, Index, IndexEntry, Volume
from .inputs import BuildResult, Inputs, gate, input_hashes, unchanged
from .manifest import Files
from .output import last_build, previous_files, record_build, site_shelf, staged_update
from .pages import read_pages
from .readers import SourceResult, read_source
from .search import (Record, document_records, has_records, index_records, shard_count, shard_folder,
                     shard_of)
from .site import SiteWriter


def build(config: Config, out_dir: Path | None = None, strict: bool = False, workers: int | None = None,
          cache: Cache | None = None, inputs: Inputs | None = None) -> BuildResult:
    """Validate, model and render the edition at *config* into *out_dir*, reusing what did not change.

    *cache* and *inputs* (the inputs' hashes) are those of the caller, if it has them already.
    """
    timings: dict[str, float] = {}
    out_dir = Path(out_dir) if out_dir else config.out_dir
    cache = cache or Cache(config.root)
    inputs = inputs or input_hashes(config, cache, access_date())
    accessed = inputs.accessed
    last = last_build(cache, out_dir)
    done = unchanged(config, out_dir, strict, cache, inputs, last)
    if done is not None:  # nothing changed: nothing to do
        return done
    previous = previous_files(cache, out_dir, last)

    with _timed(timings, "validate"):
        reporter = _validated(config, strict, workers, cache)
    entities = load_authorities(config.authority_dir, reporter)
    with _timed(timings, "read"):
        sources, lines = read_sources(config, entities, reporter, workers, cache, inputs)
    for source in sources:
        entities.update(source.result.entities)
    documents = sorted((doc for s in sources for doc in s.result.documents), key=lambda d: (d.date, d.id))
    check_lock(config, documents, reporter)
    published = [doc for doc in documents if not doc.withdrawn]
    pages, found = read_pages(config.pages_dir, reporter.display, cache)
    reporter.extend(found)
    store = IndexStore(cache, out_dir, previous.build if previous else None)
    with _timed(timings, "index"):
        store.update([(s.key, str(s.path), s.result.documents) for s in sources],
                     _lines(cache, sources, lines, entities, reporter))
        store.keep_lines()
    del lines  # a cold build's index lines: a few hundred megabytes at ten thousand memos
    edition = Edition(config.title, published, entities, build_indexes(entities, store.found()), pages,
                      withdrawn=[doc for doc in documents if doc.withdrawn], volumes=volumes_of(published))
    gate(reporter, strict, "the build")
    check_dts_ids(edition, Path(config.root))

    units = plan_units(config, edition, sources, inputs)
    keep = {key for key in units if previous and key in previous.units}
    shelf = previous.shelf if previous else site_shelf(cache, out_dir, empty=True)
    with _timed(timings, "write"), staged_update(out_dir, previous, cache) as stage:
        todo = [unit for key, unit in units.items() if key not in keep]
        written = render_units(config, edition, todo, stage.staging, workers, accessed)
        site = SiteWriter(config, edition, stage.staging)
        kept = set(keep)

        def write_units(planned: dict[str, partial]) -> None:  # each unit whose key is new
            for key, write in planned.items():
                if previous and key in previous.units:
                    kept.add(key)
                else:
                    written[key] = _captured(site, write)

        where = {id(doc): s for s in sources for doc in s.result.documents}
        searched = plan_search(edition, where, inputs)
        records = _record_reader(edition, sources, where, cache, reporter)
        write_units({key: partial(write_search_bundle, config, site, timings, folder, records(docs))
                     for key, (folder, docs) in searched.items()})
        stage.whole = [folder for key, (folder, _) in searched.items() if key in written]
        bundles = [folder for key, (folder, _) in searched.items()
                   if has_records((stage.staging if key in written else stage.out_dir) / folder)]
        write_units({key: partial(write_entry_page, site, store, index, entry)
                     for key, (index, entry) in plan_entry_pages(edition, store, inputs).items()})
        write_units({edition_key(edition, inputs, store, bundles): partial(write_edition_pages, config, edition, site,
                                                                           bundles)})
        rendered = sorted(url for joined in written.values() for url in joined.split("\n") if url.endswith(".html"))
        stage.files = Files.record(inputs.key, shelf, previous, kept, written)
    store.save(inputs.key)
    n_pages = stage.files.pages()
    record_build(cache, out_dir, stage.files, {"inputs": inputs.key, "diagnostics": reporter.diagnostics,
                                               "documents": len(documents), "pages": n_pages, "units": len(units)},
                 previous, last)
    _save_timings(cache, timings)
    return BuildResult(out_dir, len(documents), n_pages, reporter, rendered, len(keep), timings)


def release(config: Config) -> tuple[list[str], Reporter]:
    """Validate the sources and record the anchors this release adds to the lock."""
    reporter = _validated(config, strict=False)
    documents = read_documents(config, load_authorities(config.authority_dir, reporter), reporter)
    gate(reporter, False, "the release")
    return record_release(config, documents), reporter


def _validated(config: Config, strict: bool, workers: int | None = None, cache: Cache | None = None) -> Reporter:
    from .validate import validate

    reporter = validate(config, workers=workers, cache=cache)
    gate(reporter, strict, "validation")
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


# -- reading ---------------------------------------------------------------------------------------

@dataclass
class Source:
    """One source file: the cache key of its full result, and the result without the rendered text."""

    path: Path
    key: str
    result: SourceResult


def read_sources(config: Config, entities: dict, reporter: Reporter, workers: int | None, cache: Cache,
                 inputs: Inputs) -> tuple[list[Source], dict[str, dict[int, str]]]:
    """Read every memo (cached by its hash and the authorities'); keep only what the edition pages need.

    Also return the index lines (:func:`edition.index.document_locators`) of the sources read now,
    by source key and document position."""
    paths = config.memo_files()
    keys = [digest(FINGERPRINT, str(config.root), str(p), inputs.sources[p], inputs.authority, inputs.lock)
            for p in paths]  # FRUS paragraphs take their ids from the anchor lock
    summaries = Bundle(cache, "summaries")
    found = [summaries.get(key) for key in keys]
    todo = [i for i, summary in enumerate(found) if summary is None]
    fresh = parallel.run(_read_one, [(paths[i], keys[i]) for i in todo], workers, _setup_reader,
                         (config.root, entities))
    lines = {}
    for i, (summary, lines[keys[i]]) in zip(todo, fresh):
        found[i] = summary
        summaries.put(keys[i], summary)
    summaries.save()
    sources = [Source(path, key, result) for path, key, result in zip(paths, keys, found)]
    for source in sources:
        reporter.extend(source.result.diagnostics)
    return sources, lines


_WORKER: dict = {}


def _setup_reader(root: Path, entities: dict) -> None:
    _WORKER.update(cache=Cache(root), reporter=Reporter(root=root), entities=entities)


def _read_one(task: tuple[Path, str]) -> tuple[SourceResult, dict[int, str]]:
    """Read one source (in a worker); cache the full result and return its summary and index lines."""
    path, key = task
    cache = _WORKER["cache"]
    result = read_source(path, dict(_WORKER["entities"]), _WORKER["reporter"].display(path))
    cache.put("records", key, _records(result, _WORKER["entities"]))
    volumes: dict[int, str] = {}
    summary = SourceResult(result.path, [summarize(doc, volumes) for doc in result.documents], result.entities,
                           result.diagnostics, *[getattr(result, f) for f in _EXTRA_FIELDS])
    cache.put("read", key, result)
    lines = index_lines(result)
    cache.put("lines", key, lines)
    return summary, lines


def index_lines(result: SourceResult) -> dict[int, str]:
    """The index lines of each published document of *result*, by its position."""
    return {n: document_locators(doc) for n, doc in enumerate(result.documents) if not doc.withdrawn}


def _lines(cache: Cache, sources: list[Source], fresh: dict, entities: dict, reporter: Reporter):
    """The index lines of a source by its key: read now, cached, or from its text."""
    paths = {source.key: source.path for source in sources}

    def lines(key: str) -> dict[int, str]:
        found = fresh.get(key) or cache.get("lines", key)
        if found is None:
            result = cache.get("read", key) or read_source(paths[key], dict(entities), reporter.display(paths[key]))
            found = index_lines(result)
        return found
    return lines


def _records(result: SourceResult, entities: dict) -> dict[str, list[Record] | None]:
    """The search records of each published document of *result*; None where a mention names an entity
    that another source defines (the edition's entities are needed: made when the index is written)."""
    known = {**entities, **result.entities}
    return {doc.id: document_records(doc, known) if all(m.ref in known for m in doc.mentions) else None
            for doc in result.documents if not doc.withdrawn}


_EXTRA_FIELDS = [f for f in SourceResult.__dataclass_fields__ if f not in ("path", "documents", "entities",
                                                                            "diagnostics")]


def summarize(doc: Document, volumes: dict[int, str] | None = None) -> Document:
    """*doc* without its text, notes and mentions: what lists and the anchor lock need.

    An edition holds the summaries of all its documents at once, so they are kept small: the
    anchors as strings; the index lines are cached apart (see :class:`edition.index_store.IndexStore`).
    Its ``summary_key`` hashes what the edition-wide pages may show of it, its volume's pages included
    (*volumes*: the hash of each volume already seen, by ``id``).
    """
    anchors = " ".join(local_anchors(doc))
    doc = copy.copy(doc)
    doc.front = doc.body = Markup("")
    doc.paragraphs, doc.notes, doc.pages, doc.mentions = [], [], [], []
    doc.anchors = anchors
    doc.summary_key = digest(repr(doc), anchors, _volume_key(doc.volume, {} if volumes is None else volumes))
    return doc


def _volume_key(volume: Volume | None, seen: dict[int, str]) -> str | None:
    """A hash of what *volume*'s page shows, made once per volume (*seen*)."""
    if volume is None:
        return None
    if id(volume) not in seen:
        seen[id(volume)] = digest(repr(volume))
    return seen[id(volume)]


def _record_reader(edition: Edition, sources: list[Source], where: dict[int, Source], cache: Cache,
                   reporter: Reporter) -> Callable[[list[Document]], Iterator[Record]]:
    """A function giving the search records of some documents (*where*: each one's source, by ``id``),
    in order, as the read workers left them in the cache.  The records of a source with many documents
    (a volume) are read once for all the bundles that hold its documents."""
    order = {s.key: n for n, s in enumerate(sources)}
    volumes: dict[str, dict] = {}

    def records(documents: list[Document]) -> Iterator[Record]:
        last: tuple = (None, {}, None)
        for doc in sorted(documents, key=lambda d: order[where[id(d)].key]):
            source = where[id(doc)]
            if last[0] != source.key:
                found = volumes.get(source.key) or cache.get("records", source.key) or {}
                if len(source.result.documents) > 1:
                    volumes[source.key] = found
                last = (source.key, found, None)
            made = last[1].get(doc.id)
            if made is None:  # not made when the source was read (or lost): from the document's text
                if last[2] is None:
                    full = cache.get("read", source.key) or read_source(source.path, dict(edition.entities),
                                                                        reporter.display(source.path))
                    last = (*last[:2], {d.id: d for d in full.documents})
                made = document_records(last[2][doc.id], edition.entities)
            yield from made
    return records


# -- edition-wide units: index entries -------------------------------------------------------------
#
# Besides the documents, three kinds of units: a search bundle, an index entry's page, and the
# edition-wide pages together (lists, indexes, the DTS root, static files).  Each is keyed by what
# it shows, and written only when its key is new.

def plan_entry_pages(edition: Edition, store: IndexStore, inputs: Inputs) -> dict[str, tuple[Index, IndexEntry]]:
    """The page of every index entry mentioned in the documents, keyed by everything it shows."""
    shared = digest(inputs.render, inputs.authority, _navigation(edition))
    return {digest(shared, entry.entity.ref, store.entries[entry.entity.ref].key): (index, entry)
            for index in edition.indexes for entry in index.entries if entry.documents}


def write_entry_page(site: SiteWriter, store: IndexStore, index: Index, entry: IndexEntry) -> None:
    site.page(entry.url, "entity-entry.html", index=index, entry=entry,
              lines=Markup("\n".join(store.lines(entry.entity.ref))))  # made of escaped parts


def _captured(site: SiteWriter, write) -> str:
    """What *write* writes through *site*, newline-separated."""
    written, site.written = site.written, []
    try:
        write()
        return "\n".join(site.written)
    finally:
        site.written = written


# -- rendering -------------------------------------------------------------------------------------

@dataclass
class Unit:
    """One document's files: its page (or tombstone), citation downloads, TEI copy and DTS files."""

    key: str
    source_key: str
    position: int  # in the source's documents
    source_path: Path
    previous: Document | None
    next: Document | None


def plan_units(config: Config, edition: Edition, sources: list[Source], inputs: Inputs) -> dict[str, Unit]:
    """The render unit of every document, keyed by everything its files depend on."""
    where = {id(doc): (s, i) for s in sources for i, doc in enumerate(s.result.documents)}
    shared = digest(inputs.render, inputs.authority, sorted(edition.entities), _navigation(edition),
                    [_signature(doc) for doc in edition.documents])
    units = {}
    docs = edition.documents
    for position, doc in enumerate([*docs, *edition.withdrawn]):
        source, index = where[id(doc)]
        published = position < len(docs)
        before, after = neighbours(docs, position) if published else (None, None)
        key = digest(shared, source.key, index, published, _signature(before), _signature(after))
        units[key] = Unit(key, source.key, index, source.path, before, after)
    return units


def _navigation(edition: Edition) -> list:
    """What every page's navigation shows of the edition: the indexes and prose pages it links to."""
    return [[(i.kind, i.title, i.url) for i in edition.indexes], [(p.slug, p.title, p.url) for p in edition.pages]]


def _neighbour(doc: Document | None) -> Document | None:
    """What a document page shows of the previous and next document."""
    if doc is None:
        return None
    return Document(id=doc.id, title=doc.title, subtitle=doc.subtitle, date=doc.date, date_label=doc.date_label,
                    tei_name=doc.tei_name, path=doc.path)


def _signature(doc: Document | None):
    return None if doc is None else (doc.id, doc.title, doc.subtitle, doc.date, doc.date_label, doc.url)


def render_units(config: Config, edition: Edition, units: list[Unit], staging: Path, workers: int | None,
                 accessed) -> dict[str, str]:
    """Render *units* into *staging* on the pool; return the files each wrote (newline-separated)."""
    own = sum(1 for doc in edition.documents if doc.volume is None)
    nav = Edition(edition.title, [], edition.entities, [Index(i.kind, []) for i in edition.indexes], edition.pages,
                  volumes=[Volume(v.id, v.title, v.path) for v in edition.volumes],
                  members=own + len(edition.volumes))  # as the DTS root counts them
    units = sorted((dataclasses.replace(unit, previous=_neighbour(unit.previous), next=_neighbour(unit.next))
                    for unit in units), key=lambda unit: (unit.source_key, unit.position))  # a volume's together
    written = parallel.run(_render_one, units, workers, _setup_renderer, (config, nav, staging, accessed))
    return {unit.key: urls for unit, urls in zip(units, written)}


def _setup_renderer(config: Config, nav: Edition, staging: Path, accessed) -> None:
    cache = Cache(config.root)
    remember_in(cache)
    _WORKER.update(config=config, nav=nav, accessed=accessed, cache=cache,
                   reporter=Reporter(root=config.root), site=SiteWriter(config, nav, staging), last=(None, None))


def _render_one(unit: Unit) -> str:
    """Write one document's files (in a worker); its page sees the edition's navigation, not its indexes."""
    config, nav = _WORKER["config"], _WORKER["nav"]
    key, result = _WORKER.get("last", (None, None))  # a volume is read once for all its documents
    if key != unit.source_key:
        result = _WORKER["cache"].get("read", unit.source_key)
        if result is None:  # the cache lost it: read the source again
            result = read_source(unit.source_path, dict(nav.entities), _WORKER["reporter"].display(unit.source_path))
        _WORKER["last"] = (unit.source_key, result)
    doc = result.documents[unit.position]
    site = _WORKER["site"]  # one per worker: its templates are compiled once
    site.written = []
    if doc.withdrawn:
        write_tombstone(site, doc)
    else:
        doc.citation = cite_document(doc, config, _WORKER["accessed"])
        write_document(site, doc, unit.previous, unit.next)
    return "\n".join(site.written)


def write_document(site: SiteWriter, doc: Document, previous: Document | None, following: Document | None) -> None:
    """A published document's page, citation downloads, TEI copy and DTS files."""
    site.page(doc.url, "document.html", doc=doc, previous=previous, next=following)
    if doc.volume is None:  # a volume's TEI is copied once, with its volume page
        site.copy_file(Path(doc.source_path), f"tei/memos/{doc.tei_name}")
    folder = posixpath.dirname(doc.url)  # the page links its downloads beside it
    site.write(f"{folder}/{doc.id}.bib", doc.citation.bibtex.encode("utf-8"))
    site.write(f"{folder}/{doc.id}.csl.json", doc.citation.csl_json.encode("utf-8"))
    write_document_api(site, doc)


def write_tombstone(site: SiteWriter, doc: Document) -> None:
    anchors = [anchor.partition("#")[2] for anchor in document_anchors(doc)[1:]]
    site.page(doc.url, "tombstone.html", doc=doc, anchors=anchors)
    site.copy_file(Path(doc.source_path), f"tei/memos/{doc.tei_name}")


def edition_key(edition: Edition, inputs: Inputs, store: IndexStore, bundles: list[str]) -> str:
    """Everything the edition-wide pages show: the documents' summaries, the indexes' entries and counts,
    the prose pages, the search bundles, and what every page depends on."""
    return digest("edition", inputs.render, inputs.authority, inputs.lock, bundles, sorted(store.found().items()),
                  [(page.slug, page.title, str(page.body)) for page in edition.pages],
                  [doc.summary_key for doc in [*edition.documents, *edition.withdrawn]])


def write_edition_pages(config: Config, edition: Edition, site: SiteWriter, bundles: list[str]) -> None:
    """The pages that list or index the whole edition, its static files and the DTS root; the search
    page searches *bundles*."""
    site.copy_static()
    prose = {page.slug: page for page in edition.pages}
    site.page("index.html", "home.html", intro=prose.get("index"))
    for page in edition.pages:
        if page.slug != "index":
            site.page(page.url, "page.html", page=page)
    for path in config.authority_files():
        site.copy_file(path, f"tei/authority/{path.name}")
    for index in edition.indexes:
        site.page(index.url, "entity-index.html", index=index)
    site.page("indexes/index.html", "indexes.html")
    for volume in edition.volumes:
        write_volume(site, volume)
    from .browse import write_participants
    write_participants(site, edition)
    site.page("search.html", "search.html", bundles=bundles)
    write_edition_api(site, edition)


# -- search ----------------------------------------------------------------------------------------

def plan_search(edition: Edition, where: dict[int, Source], inputs: Inputs) -> dict[str, tuple[str, list[Document]]]:
    """The search bundles that hold documents: key → (folder, documents).  A bundle's key is everything
    its records come from, so a change re-indexes only the bundle that holds the changed document."""
    count = shard_count(len(edition.documents))
    shards: list[list[Document]] = [[] for _ in range(count)]
    for doc in edition.documents:
        shards[shard_of(doc.id, count)].append(doc)
    return {digest("search", inputs.render, inputs.authority, count, n, [(where[id(d)].key, d.id) for d in docs]):
            (shard_folder(n, count), docs) for n, docs in enumerate(shards) if docs}


def write_search_bundle(config: Config, site: SiteWriter, timings: dict, folder: str,
                        records: Iterable[Record]) -> None:
    """Index *records* into the search bundle in *folder*."""
    with _timed(timings, "search"):
        index_records(site.staging, records, config, folder=folder)
    site.written += sorted(p.relative_to(site.staging).as_posix() for p in (site.staging / folder).rglob("*")
                           if p.is_file())


@contextmanager
def _timed(timings: dict, stage: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started


def _save_timings(cache: Cache, timings: dict) -> None:
    """Keep the stage times of the last build where the benchmark can read them."""
    path = cache.dir / "last-build.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({k: round(v, 4) for k, v in timings.items()}, indent=1) + "\n", encoding="utf-8")
