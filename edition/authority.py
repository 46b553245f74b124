"""Authority files → :class:`~edition.model.Entity` objects, and pointer syntax.

A mention points at an entry with a private URI: ``person:reagan`` means the
entry ``xml:id="reagan"`` in ``tei/authority/persons.xml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .model import Entity, Identifier
from .tei import NS, XML_ID, check_tei_root, normalize_space, parse_file
from .errors import Reporter, SourceError


@dataclass(frozen=True)
class Kind:
    """How one kind of entity is encoded."""

    name: str  # pointer prefix and model kind
    file: str  # authority file name
    entry: str  # XPath (relative to body) of the entries
    name_el: str  # element holding names inside an entry
    mention: str  # element that mentions it in a document


KINDS = {
    k.name: k
    for k in (
        Kind("person", "persons.xml", ".//tei:listPerson/tei:person", "persName", "persName"),
        Kind("place", "places.xml", ".//tei:listPlace/tei:place", "placeName", "placeName"),
        Kind("org", "orgs.xml", ".//tei:listOrg/tei:org", "orgName", "orgName"),
        Kind("term", "terms.xml", ".//tei:list[@type='terms']/tei:item", "term", "term"),
        Kind("work", "terms.xml", ".//tei:listBibl[@type='works']/tei:bibl", "title", "title"),
    )
}
MENTION_KIND = {k.mention: k.name for k in KINDS.values()}

IDNO_URLS = {
    "wikidata": "https://www.wikidata.org/wiki/{}",
    "viaf": "https://viaf.org/viaf/{}",
    "loc": "https://id.loc.gov/authorities/names/{}",
    "geonames": "https://www.geonames.org/{}",
}


def split_ref(ref: str) -> tuple[str, str] | None:
    """``"person:reagan"`` → ``("person", "reagan")``; None if not a known prefix."""
    prefix, sep, ident = ref.partition(":")
    if not sep or prefix not in KINDS or not ident:
        return None
    return prefix, ident


def load_authorities(authority_dir: Path, reporter: Reporter) -> dict[str, Entity]:
    """Read every authority file; map ``kind:id`` to its entity."""
    entities: dict[str, Entity] = {}
    trees = {}
    for kind in KINDS.values():
        path = authority_dir / kind.file
        if not path.is_file():
            continue
        if path not in trees:
            trees[path] = _parse(path, reporter)
        if trees[path] is None:
            continue
        for el in trees[path].getroot().iterfind(f"tei:text/tei:body/{kind.entry}", NS):
            entity = read_entity(el, kind, path)
            if entity is not None:
                entities[entity.ref] = entity
    return entities


def _parse(path: Path, reporter: Reporter):
    try:
        tree = parse_file(path)
    except SourceError as exc:
        reporter.extend(exc.diagnostics)
        return None
    problems = check_tei_root(tree, path)
    reporter.extend(problems)
    return None if problems else tree


def read_entity(el, kind: Kind, path: Path) -> Entity | None:
    """Build an Entity from one ``person``/``place``/… element."""
    ident = el.get(XML_ID)
    if not ident:
        return None
    names = {"preferred": [], "variant": [], "sort": []}
    for name_el in el.iterfind(f"tei:{kind.name_el}", NS):
        names.setdefault(name_el.get("type", "variant"), []).append(normalize_space("".join(name_el.itertext())))
    preferred = (names["preferred"] or names["variant"] or [ident])[0]
    return Entity(
        id=ident,
        kind=kind.name,
        name=preferred,
        sort=(names["sort"] or [preferred])[0],
        description=_text(el.find("tei:note[@type='description']", NS)),
        variants=names["variant"],
        dates=_dates(el),
        identifiers=[_identifier(i) for i in el.iterfind("tei:idno", NS) if (i.text or "").strip()],
        path=str(path),
        line=el.sourceline or 0,
    )


def _text(el) -> str:
    return normalize_space("".join(el.itertext())) if el is not None else ""


def _dates(el) -> str:
    birth, death = el.find("tei:birth", NS), el.find("tei:death", NS)
    years = [_year(d) for d in (birth, death)]
    if any(years):
        return "–".join(y or "?" for y in years)
    date = el.find("tei:date", NS)
    return _year(date) or ""


def _year(el) -> str:
    if el is None:
        return ""
    when = el.get("when") or ""
    return when[:4] if when[:4].isdigit() else ""


def _identifier(el) -> Identifier:
    kind, value = el.get("type", ""), el.text.strip()
    template = IDNO_URLS.get(kind)
    url = template.format(value) if template else (value if value.startswith("https://") else None)
    return Identifier(kind, value, url)
