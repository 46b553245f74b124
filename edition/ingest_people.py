"""The PARTICIPANTS block → delegations of entries; entries matched to the person authority."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from .ingest_read import Line

ROLE_MARK = re.compile(r"\(([^()]*)\)$")
ROLES = {"notetaker": "notetaker", "note-taker": "notetaker", "note taker": "notetaker", "notes": "notetaker",
         "interpreter": "interpreter", "translator": "interpreter"}
SIDE = re.compile(r".*\b(?:[Ss]ide|[Dd]elegation):?|(?:[A-Z][A-Z.&]*)(?: [A-Z][A-Z.&]*)?:?|[A-Z][\w.-]+:?")
OPEN_END = re.compile(r"(?:,|-|\b(?:and|of|for|the|to|on|in|at|with|&))$")
SUFFIX = re.compile(r"(?:Jr|Sr|II|III|IV|Esq)\.?(?=,|$)")
PARTICLES = {"von", "van", "de", "da", "del", "der", "den", "la", "le", "bin", "al", "ibn", "y", "zu", "ten", "ter", "d'"}
FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ß": "ss", "ł": "l", "Ł": "L",
                      "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "ð": "d", "ı": "i"})  # letters NFKD keeps
TITLES = {"the", "president", "vice", "general", "secretary", "ambassador", "minister", "foreign", "deputy",
          "prime", "premier", "senator", "chancellor", "marshal", "admiral", "colonel", "mr.", "mrs.", "ms.", "dr.",
          "assistant", "under", "state", "defense", "chairman", "first", "king", "queen", "prince", "sir"}


@dataclass
class Entry:
    """One participant as printed: its lines, and name, occupation and role read from them."""

    lines: list[Line]
    name: str
    occupation: str
    role_text: str
    role: str = "participant"
    ref: str = ""
    how: str = ""  # how ref was found: "name", "surname", … or "new"


@dataclass
class Delegation:
    label: Line | None
    entries: list[Entry]


@dataclass
class Participants:
    label: Line  # the line with "PARTICIPANTS:"
    delegations: list[Delegation] = field(default_factory=list)

    @property
    def entries(self) -> list[Entry]:
        return [e for d in self.delegations for e in d.entries]


def looks_like_group(block: list[Line]) -> bool:
    """A further group of participants: short lines, no portion marking, no sentence."""
    return (len(block) <= 12 and all(len(line.text) <= 90 for line in block)
            and not re.search(r"\((?:U|C|S|TS|S/NF)\)$", block[-1].text) and not block[0].text[:1].islower())


def parse_participants(groups: list[list[Line]], split_label) -> Participants:
    """Blocks starting with ``PARTICIPANTS:`` → delegations (side line optional) of entries."""
    first = groups[0][0]
    label, rest = split_label(first.text)
    lines0 = ([Line(first.no, rest)] if rest else []) + groups[0][1:]
    result = Participants(Line(first.no, label))
    for lines in [lines0, *groups[1:]]:
        if lines:
            result.delegations.append(delegation(lines))
    return result


def delegation(lines: list[Line]) -> Delegation:
    label = lines[0] if len(lines) > 1 and SIDE.fullmatch(lines[0].text) and not _has_title(lines[0].text) else None
    entries = [entry(group) for group in split_entries(lines[1:] if label else lines)]
    for i, e in enumerate(entries):
        e.role = ROLES.get(e.role_text.lower(), "principal" if i == 0 else "participant")
    return Delegation(label, entries)


def split_entries(lines: list[Line]) -> list[list[Line]]:
    """Group wrapped lines into entries: ``(Notetaker)``, lower case and open ends continue."""
    entries: list[list[Line]] = []
    for line in lines:
        if entries and is_continuation(entries[-1], line.text):
            entries[-1].append(line)
        else:
            entries.append([line])
    return entries


def is_continuation(entry: list[Line], text: str) -> bool:
    previous = entry[-1].text
    if text.startswith("(") or text[:1].islower():
        return True
    if previous.endswith(")"):
        return False
    if OPEN_END.search(previous):
        return True
    return "," in entry[0].text and not _name_like(ROLE_MARK.sub("", text).split(",")[0])


def entry(lines: list[Line]) -> Entry:
    """``Rudolf V. Perina, Director … (Notetaker)`` → name, occupation, role text."""
    text = " ".join(line.text for line in lines)
    mark = ROLE_MARK.search(text)
    role_text = mark.group(1).strip() if mark else ""
    body = text[:mark.start()].strip() if mark else text
    name, occupation = split_name(body)
    if not name:  # only a parenthesis: it is the name as far as we can tell
        name, occupation, role_text = text, "", ""
    return Entry(lines, name, occupation, role_text)


def split_name(text: str) -> tuple[str, str]:
    """``"Thomas W. Simons, Jr., Deputy Assistant"`` → ``("Thomas W. Simons, Jr.", "Deputy Assistant")``."""
    pos = 0
    while (comma := text.find(",", pos)) >= 0:
        if not SUFFIX.match(text[comma + 1:].strip()):
            return text[:comma].strip(), text[comma + 1:].strip(" ,")
        pos = comma + 1
    return text.strip(" ,"), ""


def _name_like(text: str) -> bool:
    words = text.split()
    return bool(words) and all(w[:1].isupper() or w in PARTICLES for w in words)


def _has_title(text: str) -> bool:
    return any(w.lower() in TITLES for w in text.split())


# ----- matching to the authority -----

def norm(name: str) -> str:
    return " ".join(name.casefold().replace(",", " ").split())


def bare_name(name: str) -> str:
    """Drop titles and suffixes: ``"General Secretary Mikhail Gorbachev"`` → ``"Mikhail Gorbachev"``."""
    words = name.replace(",", " ").split()
    while words and words[0].lower() in TITLES:
        words.pop(0)
    return " ".join(w for w in words if not SUFFIX.fullmatch(w))


def match_person(name: str, persons: dict, aliases: dict) -> tuple[str, str] | None:
    """Find the entry for *name*: ``(ref, how)``, or None.  *persons* maps ref → Entity."""
    names: dict[str, set[str]] = {}
    for ref, entity in persons.items():
        for n in entity.names:
            names.setdefault(norm(n), set()).add(ref)
            names.setdefault(norm(bare_name(n)), set()).add(ref)
    for key, how in ((norm(name), "name"), (norm(bare_name(name)), "name without titles")):
        if key and len(names.get(key, ())) == 1:
            return next(iter(names[key])), how
    if len(aliases.get(norm(name), ())) == 1:
        return next(iter(aliases[norm(name)])), "name used for this person in another memo of the same year"
    return _by_surname(name, persons)


def _by_surname(name: str, persons: dict) -> tuple[str, str] | None:
    words = norm(bare_name(name)).split()
    if not words:
        return None
    refs = {ref for ref, entity in persons.items() if words[-1] in _surnames(entity)}
    return (next(iter(refs)), "surname") if len(refs) == 1 else None


def _surnames(entity) -> set[str]:
    """Last words of the preferred and variant names (the sort name is inverted)."""
    return {norm(bare_name(n)).split()[-1] for n in [entity.name, *entity.variants] if norm(bare_name(n))}


def new_id(name: str, taken: set[str]) -> str:
    """A fresh authority id: ``"Jan Ødegård"`` → ``"jan-odegard"`` (``-2`` … if taken)."""
    folded = (bare_name(name) or name).translate(FOLD)
    ascii_ = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    words = [w for w in re.findall(r"[a-z0-9]+", ascii_.lower()) if len(w) > 1 or w.isdigit()]
    base = "-".join(words) or "person"
    base = base if base[0].isalpha() else f"person-{base}"
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    return ident


def person_snippet(ident: str, name: str, doc_id: str) -> str:
    """The minimal authority entry for an unmatched participant."""
    return (f'<person xml:id="{ident}">\n'
            f'  <persName type="preferred">{escape(name)}</persName>\n'
            f'  <note type="description">participant in {escape(doc_id)}; to be described by the editor</note>\n'
            f'</person>')
