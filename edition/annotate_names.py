"""The names an editor tags: authority names and variants, plus a document's declared aliases.

A :class:`Gazetteer` finds them in a string: longest name first at the leftmost position,
whole words only, case as written (so the term "soviets" never matches "the Soviets"), a
possessive "'s" left outside.  A name that belongs to several entries is ambiguous and is
reported, not tagged; a document's own aliases (particDesc) win over the authority files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .authority import split_ref
from .model import Entity
from .tei import NS, normalize_space

ARTICLE = re.compile(r"^(?:the|The)\s+")
PERSON_CONTINUES = re.compile(r"\s+[A-Z][a-z]")  # "Ronald Reagan Presidential Library"
POSSESSIVE = re.compile(r"['’]s(?!\w)")
WORD = r"[\w-]"


@dataclass(frozen=True)
class Hit:
    """One name found in a string: characters [start, end) name *refs* (ambiguous if several)."""

    start: int
    end: int
    name: str
    refs: tuple[str, ...]
    possessive: str = ""

    @property
    def ambiguous(self) -> bool:
        return len(self.refs) > 1


@dataclass
class Gazetteer:
    """Names → the refs they may stand for, with one compiled pattern to find them."""

    names: dict[str, set[str]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    _pattern: re.Pattern | None = None

    def add(self, name: str, ref: str) -> None:
        name = normalize_space(name)
        if len(name) > 1:
            self.names.setdefault(name, set()).add(ref)
            self._pattern = None

    def refs(self, name: str) -> tuple[str, ...]:
        key = normalize_space(name)
        if key in self.aliases:
            return (self.aliases[key],)
        return tuple(sorted(self.names.get(key, ())))

    def with_aliases(self, aliases: dict[str, str]) -> "Gazetteer":
        """A copy that also knows a document's aliases."""
        copy = Gazetteer({k: set(v) for k, v in self.names.items()}, dict(aliases))
        for name, ref in aliases.items():
            copy.add(name, ref)
        return copy

    def pattern(self) -> re.Pattern | None:
        if self._pattern is None and self.names:
            alternatives = sorted(self.names, key=lambda n: (-len(n), n))
            body = "|".join(r"\s+".join(map(re.escape, n.split(" "))) for n in alternatives)
            self._pattern = re.compile(rf"(?<!{WORD})(?:{body})(?!{WORD})")
        return self._pattern

    def find(self, text: str, after: str = "") -> list[Hit]:
        """Every name in *text*, leftmost and longest first, not overlapping; *after* is what follows it."""
        pattern = self.pattern()
        hits, pos = [], 0
        while pattern is not None:
            match = pattern.search(text, pos)
            if match is None:
                break
            hit = self._hit(text, match, after)
            if hit is None:
                pos = match.start() + 1
                continue
            hits.append(hit)
            pos = match.end()
        return hits

    def _hit(self, text: str, match, after: str) -> Hit | None:
        refs = self.refs(match.group())
        if not refs:
            return None
        if all(r.startswith("person:") for r in refs) and PERSON_CONTINUES.match(text[match.end():] + after):
            return None
        possessive = POSSESSIVE.match(text, match.end())
        return Hit(match.start(), match.end(), normalize_space(match.group()), refs,
                   possessive.group() if possessive else "")


def entity_names(entity: Entity) -> list[str]:
    """The forms of *entity* to look for: preferred and variant names (not the sort key)."""
    names = [entity.name, *entity.variants]
    if entity.kind != "person":  # the article stays outside place, org, term and work names
        names = [ARTICLE.sub("", n) for n in names]
    return list(dict.fromkeys(n for n in names if n))


def authority_gazetteer(entities: dict[str, Entity]) -> Gazetteer:
    gazetteer = Gazetteer()
    for ref, entity in sorted(entities.items()):
        for name in entity_names(entity):
            gazetteer.add(name, ref)
    return gazetteer


def document_aliases(tree) -> dict[str, str]:
    """``particDesc`` persons' names (``persName``, ``persName type="alias"``) → their ``@corresp``."""
    aliases = {}
    for person in tree.getroot().iterfind(".//tei:teiHeader//tei:particDesc//tei:person[@corresp]", NS):
        ref = person.get("corresp")
        if split_ref(ref) is None:
            continue
        for name in person.iterfind("tei:persName", NS):
            text = normalize_space("".join(name.itertext()))
            if text:
                aliases[text] = ref
    return aliases


def known_forms(entity: Entity, aliases: dict[str, str]) -> set[str]:
    """Every form a tagged mention of *entity* may take, folded for comparison."""
    forms = [entity.name, entity.sort, *entity.variants]
    forms += [name for name, ref in aliases.items() if ref == entity.ref]
    return {fold(f) for f in forms}


def fold(text: str) -> str:
    """Compare names ignoring case, spacing, a leading article and a possessive."""
    text = ARTICLE.sub("", normalize_space(text)).casefold()
    return re.sub(r"['’]s?$", "", text)
