"""Paragraph ids for sources that have none (FRUS), kept stable across revisions by the anchor lock.

A FRUS paragraph gets ``d12p3`` — its document's id, ``p`` and its position.  Positions
shift when the Office of the Historian inserts or removes a paragraph, so ``edition
release`` records each paragraph's *fingerprint* (a hash of its words) in
``tei/anchors.lock``.  On the next read the locked fingerprints are aligned with the
current ones (:class:`difflib.SequenceMatcher`): a paragraph whose words are unchanged
keeps its locked id wherever it moved; a corrected paragraph in the same place keeps its
id too; an inserted paragraph gets a new number after the highest ever used; a removed
paragraph's id becomes an alias of its nearest surviving neighbour, so old citations land.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from lxml import etree

from .anchors import LOCK_NAME, read_lock
from .tei import TEI_NS, XML_ID

P, NOTE = f"{{{TEI_NS}}}p", f"{{{TEI_NS}}}note"
_NUMBER = re.compile(r"p(\d+)$")


def citable_paragraphs(div: etree._Element) -> list[etree._Element]:
    """The paragraphs of *div* in document order, not those inside another paragraph or a note."""
    found = []
    for child in div:
        if child.tag == P:
            found.append(child)
        elif isinstance(child.tag, str) and child.tag != NOTE:
            found += citable_paragraphs(child)
    return found


def fingerprint(p: etree._Element) -> str:
    """A short hash of the paragraph's words, notes excluded."""
    return hashlib.sha1(" ".join(_words(p)).encode("utf-8")).hexdigest()[:12]


def _words(el) -> list[str]:
    parts = [el.text or ""]
    for child in el:
        if child.tag != NOTE and isinstance(child.tag, str):
            parts.append(" ".join(_words(child)))
        parts.append(child.tail or "")
    return "".join(parts).split()


@dataclass
class Assigned:
    ids: list[str]
    moved: dict[str, str] = field(default_factory=dict)  # locked id that is gone → where it now lands


def assign_ids(prefix: str, prints: list[str], locked: list[tuple[str, str]]) -> Assigned:
    """Ids for paragraphs with fingerprints *prints*, reusing the (id, fingerprint) pairs *locked*."""
    if not locked:
        return Assigned([f"{prefix}p{n}" for n in range(1, len(prints) + 1)])
    used = [int(m.group(1)) for ident, _ in locked if (m := _NUMBER.search(ident))]
    fresh = iter(range(max(used, default=0) + 1, 1 << 30))
    ids: list[str | None] = [None] * len(prints)
    gone: list[tuple[str, int]] = []  # locked id, position in the new sequence it was nearest to
    matcher = SequenceMatcher(None, [fp for _, fp in locked], prints, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        paired = min(i2 - i1, j2 - j1) if op in ("equal", "replace") else 0
        for k in range(paired):
            ids[j1 + k] = locked[i1 + k][0]
        gone += [(locked[i][0], j1 + paired) for i in range(i1 + paired, i2)]
    by_print = {fp: ident for ident, fp in locked}
    for j, ident in enumerate(ids):  # a paragraph moved elsewhere keeps its id
        if ident is None and any(old == by_print.get(prints[j]) for old, _ in gone):
            ids[j] = by_print[prints[j]]
            gone = [(old, at) for old, at in gone if old != ids[j]]
    ids = [ident or f"{prefix}p{next(fresh)}" for ident in ids]
    moved = {old: ids[min(at, len(ids) - 1)] for old, at in gone if ids}
    return Assigned(ids, moved)


def document_local_id(div: etree._Element, n: int) -> str:
    """The id of the *n*-th (from 0) ``div[@type='document']`` of its volume, as its URL and anchors use it."""
    return div.get(XML_ID) or f"document{n + 1}"


def number_paragraphs(div: etree._Element, local: str, locked: list[tuple[str, str]]) -> tuple[Assigned, list[str]]:
    """Give the citable paragraphs of a document *div* their ids (locked ones kept), in the tree in memory.

    The reader (edition.frus) and the DTS API (edition.dts) both number paragraphs through here, so
    a paragraph has the same id on its page and in the API.  Returns the assignment and the
    paragraphs' fingerprints.
    """
    paragraphs = citable_paragraphs(div)
    prints = [fingerprint(p) for p in paragraphs]
    assigned = assign_ids(local, prints, locked)
    for p, ident in zip(paragraphs, assigned.ids):
        p.set(XML_ID, ident)  # the published TEI is the file as given
    return assigned, prints


def locked_paragraphs(source: Path, volume_id: str) -> dict[str, list[tuple[str, str]]]:
    """The fingerprinted anchors of *volume_id* in the lock of the edition holding *source*, by document."""
    lock = _lock_for(source)
    found: dict[str, list[tuple[str, str]]] = {}
    if lock is None:
        return found
    for entry in read_lock(lock):
        doc_id, _, ident = entry.anchor.partition("#")
        if entry.fingerprint and ident and doc_id.startswith(f"{volume_id}-"):
            found.setdefault(doc_id, []).append((ident, entry.fingerprint))
    return found


def _lock_for(source: Path) -> Path | None:
    """``PROJECT/tei/anchors.lock`` for a source anywhere under ``PROJECT/tei/``."""
    for parent in Path(source).resolve().parents:
        if parent.name == "tei":
            lock = parent / LOCK_NAME
            return lock if lock.is_file() else None
    return None
