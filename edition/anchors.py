"""The anchor lock: every published citable anchor stays resolvable in every later release.

``tei/anchors.lock`` lists each anchor ever published (document ids, paragraph,
note and page ids) with the release that introduced it, one per line::

    memcon-1988-05-31#p12 0.1.0

A third column, when present, is the paragraph's fingerprint (a hash of its words):
readers that number paragraphs themselves (FRUS, see :mod:`edition.frus_anchors`) use
it to give a paragraph the same id after the source was revised.

A build fails on every locked anchor that no longer exists, unless the sources
say where it went: ``<change type="anchor" n="p12" target="#p12a">`` in the
document's ``revisionDesc`` (a paragraph split, merged or moved), or
``<revisionDesc status="withdrawn">`` for a withdrawn document, which keeps a
tombstone page.  ``edition release`` records the anchors a release adds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .errors import Reporter, ValidationFailed
from .model import Document
from .xmledit import write_atomic

LOCK_NAME = "anchors.lock"
HEADER = (
    "# edition anchor lock: every published citable anchor and the release that introduced it.\n"
    "# Written by `edition release`; commit it with the edition and never remove a line.\n"
)


@dataclass(frozen=True)
class Locked:
    anchor: str  # "doc" or "doc#id"
    release: str
    line: int
    fingerprint: str = ""  # the paragraph's words hashed, for ids assigned by a reader


def lock_path(config: Config) -> Path:
    return config.tei_dir / LOCK_NAME


def read_lock(path: Path) -> list[Locked]:
    """Parse the lock; a missing lock is an empty one."""
    if not path.is_file():
        return []
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        fields = line.split()
        if fields and not line.startswith("#"):
            entries.append(Locked(fields[0], fields[1] if len(fields) > 1 else "?", number,
                                  fields[2] if len(fields) > 2 else ""))
    return entries


def document_anchors(doc: Document) -> list[str]:
    """The citable anchors a document publishes, in page order."""
    ids = doc.anchors.split() if doc.anchors else local_anchors(doc)  # a summary keeps them, packed
    return [doc.id] + [f"{doc.id}#{ident}" for ident in ids]


def local_anchors(doc: Document) -> list[str]:
    """The ids of *doc*'s citable anchors on its page: page breaks, paragraphs, notes."""
    return [p.id for p in doc.pages] + [p.id for p in doc.paragraphs] + [n.id for n in doc.notes]


def check_lock(config: Config, documents: list[Document], reporter: Reporter) -> None:
    """Report each locked anchor that is gone without a declaration; check the declarations."""
    by_id = {doc.id: doc for doc in documents}
    path = reporter.display(lock_path(config))
    for doc in documents:
        if doc.moved_anchors:
            _check_moves(doc, reporter)
    present: dict[str, set[str]] = {}  # the anchors of the documents the lock names, as they are needed
    for entry in read_lock(lock_path(config)):
        doc_id, _, ident = entry.anchor.partition("#")
        doc = by_id.get(doc_id)
        if doc is not None and doc_id not in present:
            present[doc_id] = set(document_anchors(doc))
        if entry.anchor in present.get(doc_id, ()):
            continue
        if doc is None and not ident:  # one error per deleted document, at its own line
            reporter.error(path, entry.line, f"document {doc_id!r} (published in {entry.release}) no longer "
                           f"exists; restore its source and mark it <revisionDesc status=\"withdrawn\"> to "
                           f"leave a tombstone page", "anchor.document-removed", col=1)
        elif doc is not None and not doc.withdrawn and ident not in doc.moved_anchors:
            reporter.error(path, entry.line, f"anchor {entry.anchor!r} (published in {entry.release}) no "
                           f"longer exists in {reporter.display(doc.source_path)}; declare where it went with "
                           f"<change type=\"anchor\" n=\"{ident}\" target=\"#NEW-ID\"/> in its <revisionDesc>",
                           "anchor.removed", col=1)


def _check_moves(doc: Document, reporter: Reporter) -> None:
    targets = {anchor.partition("#")[2] for anchor in document_anchors(doc)}
    for old, (new, line) in doc.moved_anchors.items():
        if new not in targets:
            reporter.error(reporter.display(doc.source_path), line,
                           f"<change type=\"anchor\"> sends {old!r} to \"#{new}\", which is not a paragraph, "
                           f"note or page of {doc.id!r}", "anchor.bad-move")
        elif old in targets:
            reporter.error(reporter.display(doc.source_path), line,
                           f"<change type=\"anchor\"> declares {old!r} moved, but it still exists",
                           "anchor.bad-move")


def release(config: Config, documents: list[Document]) -> list[str]:
    """Add the anchors not yet locked, tagged with the configured version; return them."""
    reporter = Reporter(root=config.root)
    check_lock(config, documents, reporter)
    if reporter.has_errors:
        raise ValidationFailed(f"the anchor lock does not hold: {reporter.summary()}", reporter.sorted())
    path = lock_path(config)
    entries = read_lock(path)
    locked = {e.anchor for e in entries}
    new = [a for doc in documents if not doc.withdrawn for a in document_anchors(doc) if a not in locked]
    prints = {f"{doc.id}#{p.id}": p.fingerprint for doc in documents for p in doc.paragraphs if p.fingerprint}
    lines = ([_line(e.anchor, e.release, e.fingerprint) for e in entries]
             + [_line(a, config.version, prints.get(a, "")) for a in new])
    write_atomic(path, (HEADER + "".join(f"{line}\n" for line in sorted(lines, key=_lock_order))).encode("utf-8"))
    return new


def _line(anchor: str, release: str, fingerprint: str) -> str:
    return f"{anchor} {release} {fingerprint}" if fingerprint else f"{anchor} {release}"


def _lock_order(line: str):
    doc, _, ident = line.split()[0].partition("#")
    kind, digits = ident.rstrip("0123456789"), ident[len(ident.rstrip("0123456789")):]
    return doc, kind, int(digits) if digits else -1, ident
