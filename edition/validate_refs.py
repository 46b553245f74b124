"""Edition-wide checks: document ids, pointers into the authority files, names of mentions."""

from __future__ import annotations

import difflib
from functools import lru_cache
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .authority import KINDS, split_ref
from .errors import Reporter
from .model import Entity
from .tei import NS, XML_ID, localname, normalize_space

POINTERS = ("ref", "corresp")
_POSSESSIVE = re.compile(r"['’]s$")
_PUNCT = "\"'“”‘’.,;:!?()[]{}"


@dataclass
class Source:
    """One parsed, schema-checked source file, as the edition-wide checks see it."""

    path: Path
    tree: etree._ElementTree
    kind: str  # "memo", "authority", "frus" or "other"

    @property
    def id(self) -> str | None:
        return self.tree.getroot().get(XML_ID)

    @property
    def line(self) -> int:
        return self.tree.getroot().sourceline or 1

    def info(self) -> SourceInfo:
        return SourceInfo(str(self.path), self.id, self.kind, self.line)


@dataclass
class SourceInfo:
    """What the document-id check needs of a source, without its tree (cached for every source: kept small)."""

    path: str
    id: str | None
    kind: str
    line: int


def check_doc_ids(sources: list[Source] | list[SourceInfo], reporter: Reporter) -> None:
    """Every memo's root xml:id is unique across the edition and names its file."""
    seen: dict[str, Source | SourceInfo] = {}
    for source in sources:
        ident = source.id
        if not ident or source.kind != "memo":
            continue
        line = source.line
        if ident in seen:
            reporter.error(source.path, line, f'document id "{ident}" is also used by '
                           f'{reporter.display(seen[ident].path)}; give each memo its own id', "doc.id-duplicate", col=1)
        else:
            seen[ident] = source
        name = Path(source.path).name
        if Path(source.path).stem != ident:
            reporter.warning(source.path, line, f'document id "{ident}" differs from the file name '
                             f'"{name}"; name the file {ident}.xml', "doc.id-filename", col=1)


def check_refs(sources: list[Source], entities: dict[str, Entity], reporter: Reporter) -> set[str]:
    """Resolve every prefixed @ref/@corresp; warn about mentions whose text fits no name."""
    used: set[str] = set()
    hints = _Hints(entities)
    for source in sources:
        if source.kind == "frus":  # its pointers are the volume's own, checked by frus_check
            continue
        aliases = _aliases(source.tree)
        for el, attr, value in _pointers(source.tree):
            target = split_ref(value)
            if target is None:
                continue
            if value not in entities:
                reporter.error(source.path, el.sourceline, _unresolved(el, attr, value, hints), "ref.unresolved", col=1)
                continue
            used.add(value)
            if attr == "ref" and not _names_match(el, entities[value], aliases.get(value, [])):
                reporter.warning(source.path, el.sourceline, _mismatch(el, value, entities[value]),
                                 "ref.name-mismatch", col=1)
    return used


def check_unused(entities: dict[str, Entity], used: set[str], reporter: Reporter) -> None:
    """Warn about authority entries nothing points at."""
    for ref, entity in sorted(entities.items()):
        if ref not in used:
            reporter.warning(entity.path, entity.line, f'{entity.kind} "{ref}" ({entity.name}) is never mentioned; '
                             f"tag a mention of it or remove the entry", "authority.unused", col=1)


def _pointers(tree: etree._ElementTree):
    for el in tree.iter(etree.Element):
        for attr in POINTERS:
            for value in (el.get(attr) or "").split():
                yield el, attr, value


def _aliases(tree: etree._ElementTree) -> dict[str, list[str]]:
    """The document's own names for its participants (``The President``)."""
    aliases: dict[str, list[str]] = defaultdict(list)
    for person in tree.iterfind(".//tei:particDesc//tei:person[@corresp]", NS):
        aliases[person.get("corresp")] += [_text(n) for n in person.iterfind("tei:persName", NS)]
    return aliases


class _Hints:
    """Did-you-mean candidates per kind, from entry ids and names."""

    def __init__(self, entities: dict[str, Entity]):
        self.ids: dict[str, list[str]] = defaultdict(list)
        self.names: dict[str, dict[str, str]] = defaultdict(dict)
        for ref, entity in entities.items():
            self.ids[entity.kind].append(entity.id)
            for name in entity.names:
                self.names[entity.kind].setdefault(_norm(name), ref)

    def suggest(self, kind: str, ident: str, text: str) -> str | None:
        close = difflib.get_close_matches(ident, self.ids[kind], n=1, cutoff=0.6)
        if close:
            return f"{kind}:{close[0]}"
        close = difflib.get_close_matches(_norm(text), list(self.names[kind]), n=1, cutoff=0.6) if text else []
        return self.names[kind][close[0]] if close else None


def _unresolved(el, attr: str, value: str, hints: _Hints) -> str:
    kind, ident = split_ref(value)
    message = f'<{localname(el)}> @{attr} "{value}" is not in the {kind} authority'
    suggestion = hints.suggest(kind, ident, _text(el) if attr == "ref" else "")
    if suggestion:
        return f'{message}; did you mean "{suggestion}"?'
    return f"{message}; add an entry to tei/authority/{KINDS[kind].file} or fix the id"


def _mismatch(el, value: str, entity: Entity) -> str:
    return (f'<{localname(el)}> "{_text(el)}" matches none of the names of "{value}" ({entity.name}); '
            f"check the identification or add the form as a variant name")


def _names_match(el, entity: Entity, aliases: list[str]) -> bool:
    text = _norm(_text(el))
    if not text:
        return True  # an empty mention is sch.empty's business
    names = [_norm(n) for n in [*entity.names, *aliases] if n]
    return any(text == name or _last_word(text) == _last_word(name) for name in names)


_TEXT = etree.XPath(".//text()[not(ancestor::tei:fw)]", namespaces=NS)


def _text(el) -> str:
    return normalize_space("".join(_TEXT(el)))


@lru_cache(maxsize=65536)  # the same names are compared again and again
def _norm(name: str) -> str:
    words = [_POSSESSIVE.sub("", w.strip(_PUNCT)) for w in name.casefold().split()]
    return " ".join(w for w in words if w)


def _last_word(name: str) -> str:
    return name.rsplit(" ", 1)[-1]
