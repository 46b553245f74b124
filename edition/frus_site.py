"""Writing FRUS volumes into the site, and a serial build of an edition with volumes.

:func:`write_volume` is what the edition's ``write_site`` calls per volume (its page and one
copy of its TEI).  :func:`build_serial` is the whole pipeline in one process, without the
search index and the cache, using the build's own reading and page writing: the FRUS tests and ``bench/frus.py`` run it, so they measure
the reader and the pages, not the parallel build's cache (see docs/frus.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .anchors import check_lock
from .authority import load_authorities
from .cite import access_date, cite_document
from .config import Config
from .errors import Reporter
from .frus import neighbours, volumes_of
from .index import build_indexes
from .model import Edition, Volume
from .site import SiteWriter


def write_volume(site: SiteWriter, volume: Volume) -> None:
    """The volume's page (contents, front and back matter) and its TEI, copied once."""
    site.page(volume.url, "volume.html", volume=volume)
    site.copy_file(Path(volume.source_path), f"tei/memos/{volume.tei_name}")


@dataclass
class SerialBuild:
    edition: Edition
    reporter: Reporter
    pages: int
    timings: dict[str, float] = field(default_factory=dict)


def build_serial(config: Config, staging: Path, cite: Callable = cite_document) -> SerialBuild:
    """Validate, read, cite and write *config*'s edition into *staging*, one stage after another."""
    from .build import read_documents, write_document  # build.py imports this module
    from .validate import validate

    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage], clock = now - clock, now

    reporter = validate(config)
    lap("validate")
    entities = load_authorities(config.authority_dir, reporter)
    documents = read_documents(config, entities, reporter)
    check_lock(config, documents, reporter)
    lap("read")
    accessed = access_date()
    for doc in documents:
        doc.citation = cite(doc, config, accessed)
    lap("cite")
    edition = Edition(config.title, documents, entities, build_indexes(documents, entities),
                      volumes=volumes_of(documents))
    site = SiteWriter(config, edition, staging)
    site.copy_static()
    site.page("index.html", "home.html", intro=None)
    for volume in edition.volumes:
        write_volume(site, volume)
    for position, doc in enumerate(documents):
        write_document(site, doc, *neighbours(documents, position))
    for index in edition.indexes:
        site.page(index.url, "entity-index.html", index=index)
    site.page("indexes/index.html", "indexes.html")
    site.page("search.html", "search.html")
    from .browse import write_participants
    write_participants(site, edition)
    lap("write")
    return SerialBuild(edition, reporter, sum(1 for url in site.written if url.endswith(".html")), timings)
