"""Readers chosen by what a source file contains: one TEI file → documents (and its own entities).

An edition's own memorandum yields one :class:`~edition.model.Document`.  Other
encodings plug in as a row of :data:`READERS` — a test on the parsed tree and a
reader — and map their TEI into the same model, so the renderer has no special
cases.  A file that cannot be read is reported and skipped: the rest builds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from lxml import etree

from .errors import Diagnostic, SourceError
from .frus import is_frus, read_volume
from .model import Document, Entity, Volume
from .reader import read_document
from .tei import load_tei


@dataclass
class SourceResult:
    """What one source file contributes to the edition."""

    path: Path
    documents: list[Document] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)  # entities the file defines itself
    diagnostics: list[Diagnostic] = field(default_factory=list)
    volumes: list[Volume] = field(default_factory=list)  # collections the file publishes (a FRUS volume)


Reader = Callable[[etree._ElementTree, Path, dict, str], SourceResult]


def read_memo(tree: etree._ElementTree, path: Path, entities: dict[str, Entity], shown: str) -> SourceResult:
    """An edition memorandum: one document."""
    doc, diagnostics = read_document(tree, path, entities, shown)
    return SourceResult(path, [doc], {}, diagnostics)


READERS: list[tuple[Callable[[etree._ElementTree], bool], Reader]] = [
    (is_frus, read_volume),
    (lambda tree: True, read_memo),
]


def read_source(path: Path, entities: dict[str, Entity], shown: str) -> SourceResult:
    """Parse *path* with the hardened parser and hand it to the first reader that accepts it."""
    try:
        tree = load_tei(path)
    except SourceError as exc:
        return SourceResult(path, diagnostics=exc.diagnostics)
    reader = next(read for accepts, read in READERS if accepts(tree))
    return reader(tree, path, entities, shown)
