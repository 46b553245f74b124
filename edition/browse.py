"""Browsing by participant: who took part in which meeting, gathered from the delegations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from .model import Document, Edition


@dataclass
class Participation:
    doc: Document
    delegation: str
    role: str = ""
    occupation: str = ""
    link: str = ""  # the document's date and title, linked (HTML)


@dataclass
class ParticipantEntry:
    """One person and the documents recording a meeting they took part in."""

    anchor: str
    name: str
    sort: str
    ref: str = ""
    description: str = ""
    participations: list[Participation] = field(default_factory=list)


    @property
    def html(self) -> Markup:
        """The participations as list items (joined here: an edition of 10,000 memos has some 70,000)."""
        return Markup("\n".join(f"<li>{part.link}: {_part(part)}</li>" for part in self.participations))


def _link(doc: Document) -> str:
    """The document as the list shows it: its date and title, linked."""
    return (f'<a href="{escape(doc.url)}"><time datetime="{escape(doc.date)}">'
            f'{escape(doc.date_label or "undated")}</time> — {escape(doc.title)}</a>')


def _part(part: Participation) -> str:
    role = f", {escape(part.role)}" if part.role else ""
    occupation = f' <span class="occupation">({escape(part.occupation)})</span>' if part.occupation else ""
    return f"{escape(part.delegation)}{role}{occupation}"


def participants(edition: Edition) -> list[ParticipantEntry]:
    """Every participant of the edition's documents, by sort name; unlinked names stand alone."""
    entries: dict[str, ParticipantEntry] = {}
    for doc in edition.documents:
        link = _link(doc)  # once per document, shared by its participants
        for group in doc.delegations:
            for person in group.participants:
                key = person.ref or f"name:{person.name}"
                if key not in entries:
                    entries[key] = _entry(person, edition)
                entries[key].participations.append(Participation(doc, group.label, person.role, person.occupation,
                                                                 link))
    _unique_anchors(entries.values())
    return sorted(entries.values(), key=lambda e: (e.sort.casefold(), e.anchor))


def write_participants(site, edition: Edition) -> None:
    """Write ``participants.html``: the documents by participant."""
    site.page("participants.html", "participants.html", participants=participants(edition))


def _entry(person, edition: Edition) -> ParticipantEntry:
    entity = edition.entities.get(person.ref)
    if entity is None:
        return ParticipantEntry(_slug(person.name), person.name, person.name)
    return ParticipantEntry(entity.id, entity.name, entity.sort, person.ref, entity.description)


def _unique_anchors(entries) -> None:
    seen: set[str] = set()
    for entry in entries:
        base, n = entry.anchor or "participant", 1
        while entry.anchor in seen or not entry.anchor:
            n += 1
            entry.anchor = f"{base}-{n}"
        seen.add(entry.anchor)


def _slug(name: str) -> str:
    return "name-" + re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
