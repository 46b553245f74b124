"""``edition authority add``: a new entry in the right authority file, every other byte unchanged."""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

from .authority import KINDS
from .config import Config
from .errors import UsageError
from .tei import XML_ID, parse_bytes
from .xmledit import insert_before_closing

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
LISTS = {
    "person": "tei:text/tei:body/tei:listPerson",
    "place": "tei:text/tei:body/tei:listPlace",
    "org": "tei:text/tei:body/tei:listOrg",
    "term": "tei:text/tei:body/tei:list[@type='terms']",
    "work": "tei:text/tei:body/tei:listBibl[@type='works']",
}
ENTRY = {"person": "person", "place": "place", "org": "org", "term": "item", "work": "bibl"}


def add_entry(config: Config, kind: str, ident: str, name: str, wikidata: str | None = None,
              description: str | None = None) -> Path:
    """Add ``kind:ident`` named *name* to its authority file; return the file."""
    _check(kind, ident, name, wikidata)
    path = config.authority_dir / KINDS[kind].file
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the {kind} authority file: {exc.strerror or exc}") from None
    taken = {el.get(XML_ID) for el in parse_bytes(data, path).getroot().iter() if isinstance(el.tag, str)}
    if ident in taken:
        raise UsageError(f"{path}: xml:id {ident!r} is already taken; choose another id")
    insert_before_closing(path, LISTS[kind], entry_xml(kind, ident, name, wikidata, description), expected=data)
    return path


def entry_xml(kind: str, ident: str, name: str, wikidata: str | None, description: str | None) -> str:
    """The entry as docs/encoding.md shows it, indented by two spaces per level."""
    lines = [f'<{ENTRY[kind]} xml:id="{ident}">',
             f'  <{KINDS[kind].name_el} type="preferred">{escape(name.strip())}</{KINDS[kind].name_el}>']
    if wikidata:
        lines.append(f'  <idno type="wikidata">{wikidata}</idno>')
    lines.append(f'  <note type="description">{escape((description or "").strip())}</note>')
    lines.append(f"</{ENTRY[kind]}>")
    return "\n".join(lines)


def _check(kind: str, ident: str, name: str, wikidata: str | None) -> None:
    if kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    if not ID.match(ident):
        raise UsageError(f"id {ident!r} is malformed; use lower-case ASCII words joined by '-', e.g. henry-jackson")
    if not name.strip():
        raise UsageError("the name is empty; give the entry's preferred name with --name")
    if wikidata is not None and not WIKIDATA.match(wikidata):
        raise UsageError(f"Wikidata id {wikidata!r} is malformed; it looks like Q9960")

