"""The DTS navigation endpoint: the citation tree of a document (one level: its paragraphs).

A document has about 5 n files here for n paragraphs, and the ``;down=0`` files repeat its n units
each, so each paragraph's unit is serialised once per folder and spliced into every file that holds it.
"""

from __future__ import annotations

from .dts_files import Output, RESPONSE_START, dumps, quote_path
from .model import Document

CITE_TYPE = "paragraph"
CITATION_TREES = [{"@type": "CitationTree",
                   "citeStructure": [{"@type": "CiteStructure", "citeType": CITE_TYPE}]}]
DOWNS = (-1, 1)  # both mean "to the bottom" in a one-level tree


def navigation_path(resource: str, down: int | None = None, ref: str | None = None) -> str:
    """``navigation_path("x", 0, "p3")`` → ``dts/navigation/x;down=0/p3.json``."""
    return (f"dts/navigation/{resource}" + (f";down={down}" if down is not None else "")
            + (f"/{ref}" if ref else "") + ".json")


def write_navigation(api, out: Output, doc: Document) -> None:
    """Every navigation file of *doc*, with the links and brief Resource of *api* (an ``edition.dts._Api``)."""
    top, below = "dts/navigation", f"dts/navigation/{doc.id}"  # ;down=N/REF folders are siblings of below
    ids = [para.id for para in doc.paragraphs]

    def units(here: str) -> list[str]:
        page = api.link(doc.url, here)
        return [dumps(_unit(ident, f"{page}#{quote_path(ident)}")) for ident in ids]

    def write(path: str, resource: str, ref: str = "", members: str = "") -> None:
        parts = [RESPONSE_START, '"@id":', dumps(api.own_link(path)), ',"@type":"Navigation","resource":',
                 resource]
        if ref:
            parts += [',"ref":', ref]
        if members:
            parts += [',"member":', members]
        parts.append("}\n")
        out.write(path, "".join(parts).encode("utf-8"))

    resource, members = dumps(api.resource(doc, top, brief=True)), units(top)
    every = "[" + ",".join(members) + "]"
    for down in DOWNS:
        write(navigation_path(doc.id, down), resource, members=every)
    if not api.base_url:  # relative links change one folder down; absolute ones do not
        resource, members = dumps(api.resource(doc, below, brief=True)), units(below)
        every = "[" + ",".join(members) + "]"
    for ident, unit in zip(ids, members):
        write(navigation_path(doc.id, ref=ident), resource, ref=unit)
        write(navigation_path(doc.id, 0, ident), resource, ref=unit, members=every)
        for down in DOWNS:
            write(navigation_path(doc.id, down, ident), resource, ref=unit, members=f"[{unit}]")


def _unit(ident: str, href: str) -> dict:
    return {"identifier": ident, "@type": "CitableUnit", "level": 1, "parent": None, "citeType": CITE_TYPE,
            "@id": href}
