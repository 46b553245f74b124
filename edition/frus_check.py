"""What the FRUS reader expects of a volume, as located diagnostics (``edition validate``).

FRUS files skip the edition's own RELAX NG and Schematron (they are not in the
edition's profile); they are validated against TEI All with the ``frus:`` additions set
aside (:mod:`edition.frus_tei`) and get these checks, modelled on the Office of the
Historian's own rules (ids, pointers, notes).  See docs/frus.md.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from .errors import ERROR, WARNING, Diagnostic
from .frus_tei import check_tei
from .frus_volume import NOTE, lay_out, plain
from .tei import NS, XML_ID, localname

POINTER_ATTRS = ("target", "corresp")


def check_volume(tree: etree._ElementTree, path: Path) -> list[Diagnostic]:
    """TEI All, then the reader's rules: document ids and headings, unique ids, ``#`` pointers, note ids."""
    root = tree.getroot()
    found: list[Diagnostic] = check_tei(tree, path)

    def report(el, severity: str, message: str, code: str) -> None:
        found.append(Diagnostic(str(path), el.sourceline or 0, 1, severity, message, code))

    ids = _check_ids(root, report)
    for n, div in enumerate(lay_out(root).documents, start=1):
        _check_document(div, n, report)
    for el in root.iter(etree.Element):
        for attr in POINTER_ATTRS:
            for value in (el.get(attr) or "").split():
                if value.startswith("#") and value[1:] not in ids:
                    report(el, WARNING, f"<{localname(el)}> @{attr} \"{value}\" points to no xml:id of this volume; "
                           f"it is rendered unlinked", "frus.pointer-unresolved")
    return found


def _check_ids(root, report) -> set[str]:
    ids: set[str] = set()
    for el in root.iter(etree.Element):
        ident = el.get(XML_ID)
        if ident is None:
            continue
        if ident in ids:
            report(el, ERROR, f"xml:id \"{ident}\" is used twice; ids name pages and anchors", "frus.id-duplicate")
        ids.add(ident)
    return ids


def _check_document(div, n: int, report) -> None:
    ident = div.get(XML_ID)
    if not ident:
        report(div, ERROR, f'document {n} has no xml:id; it names the page (e.g. xml:id="d{n}")', "frus.document-id")
    head = div.find("tei:head", NS)
    if head is None or not plain(head):
        report(div, ERROR, f"document \"{ident or n}\" has no <head>; it is the page's title", "frus.document-head")
    for note in div.iter(NOTE):
        if note.get("type") == "source":
            continue
        if not note.get(XML_ID):
            report(note, WARNING, f"a note of document \"{ident or n}\" has no xml:id; it gets a generated "
                   f"anchor, which may change", "frus.note-id")
        elif ident and not note.get(XML_ID).startswith(ident):
            report(note, WARNING, f"note id \"{note.get(XML_ID)}\" does not start with its document's id "
                   f"\"{ident}\"", "frus.note-id-prefix")
