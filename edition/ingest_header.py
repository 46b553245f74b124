"""Header data derived from the recognised layout: every value a copy of transcript text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .ingest_dates import Found, TimeRange, find_date, find_numeric_date, find_time, place_zone
from .ingest_layout import PORTION, Break, Field, Fw, Layout, Para, split_label
from .ingest_people import Participants

CLS_CODES = {"TOP SECRET": "TS", "SECRET": "S", "CONFIDENTIAL": "C", "UNCLASSIFIED": "U"}
CASE = re.compile(r"[A-Z]{1,3}\d{2}-\d{2,4}(?:/\d+)?(?:#\d+)?|(?:NLR|NLS|NLC|NLB|NLG|NLJ|FOIA|MR)[- #]\S.*")
SMALL_WORDS = {"of", "for", "the", "and", "on", "to", "with", "a", "an", "in"}


@dataclass
class Header:
    """What the heading block and the stamps say about the document."""

    classification: str = ""  # the banner's word, e.g. SECRET
    doctype: str = ""
    subject: str = ""
    system: Fw | None = None
    case: Fw | None = None
    declassified: tuple[Found, Fw] | None = None
    declassify_on: tuple[str, Fw] | None = None
    date: Found | None = None
    date_text: str = ""
    date_line: int = 0
    time: TimeRange | None = None
    place: str = ""
    participants: Participants | None = None

    @property
    def cls_code(self) -> str:
        return CLS_CODES.get(self.classification, "")

    @property
    def city_zone(self) -> tuple[str, str] | None:
        return place_zone(self.place) if self.place else None


def derive(layout: Layout) -> Header:
    """Fill a :class:`Header` from the layout's fields and furniture."""
    header = Header()
    furniture = list(all_fw(layout))
    banners = [fw for fw in furniture if fw.role == "banner"]
    header.classification = banners[0].cls if banners else ""
    header.system = next((fw for fw in furniture if fw.role == "docNumber"), None)
    header.case = next((fw for fw in furniture if fw.role == "stamp" and CASE.fullmatch(fw.text)), None)
    header.declassified = _declassified(furniture)
    header.declassify_on = _declassify_on(furniture)
    for item in layout.front:
        _read_field(header, item)
    return header


def all_fw(layout: Layout):
    """Every furniture line of the document, in order."""
    for item in layout.front:
        if isinstance(item, Fw):
            yield item
    for item in layout.body:
        parts = item.parts if isinstance(item, Para) else [item]
        for part in parts:
            if isinstance(part, Break):
                yield from part.items


def _read_field(header: Header, item) -> None:
    if isinstance(item, Participants) and header.participants is None:
        header.participants = item
    elif isinstance(item, Field) and item.kind == "doctype" and not header.doctype:
        header.doctype = " ".join(line.text for line in item.lines)
    elif isinstance(item, Field) and item.kind == "subject" and not header.subject:
        header.subject = without_marking(" ".join(split_label(line.text)[1] for line in item.lines))
    elif isinstance(item, Field) and item.kind == "dateline":
        _read_dateline(header, item)


def _read_dateline(header: Header, item: Field) -> None:
    values = [(split_label(line.text), line) for line in item.lines]
    text = without_marking(" ".join(value for (_, value), _ in values))
    date = find_date(text)
    if date and not header.date:
        header.date, header.date_text = date, text[date.start:date.end]
        header.date_line = next((line.no for (_, v), line in values if find_date(v)), item.lines[0].no)
    time = find_time(text[date.end:] if date else text)
    if time and not header.time:
        header.time = time
    header.place = header.place or _place(values, text, date, time)


def _place(values, text: str, date: Found | None, time: TimeRange | None) -> str:
    """The PLACE: value, else what follows the date and time on a combined date line."""
    for i, ((label, value), _) in enumerate(values):
        if "PLACE" in label and not label.startswith(("DATE", "AND")):
            rest = [v for (lab, v), _ in values[i + 1:] if not lab]
            return without_marking(" ".join([value, *rest])).strip(" ,.;")
    if not any("PLACE" in label for (label, _), _ in values):
        return ""
    cut = (date.end if date else 0) + (time.span[1] if time else 0)
    return text[cut:].strip(" ,.;")


def _declassified(furniture: list[Fw]) -> tuple[Found, Fw] | None:
    """The release date: a ``BY … NARA, DATE …`` line, else the first stamped date."""
    dated = [(find_numeric_date(fw.text), fw) for fw in furniture if fw.role == "stamp"]
    dated = [(found, fw) for found, fw in dated if found]
    nara = [pair for pair in dated if re.search(r"NARA|DATE", pair[1].text)]
    return (nara or dated or [None])[0]


def _declassify_on(furniture: list[Fw]) -> tuple[str, Fw] | None:
    for fw in furniture:
        match = re.match(r"(?:Declassify on|DECL(?:ASSIFY)?(?: ON)?)\s*:\s*\**\s*(.+)", fw.text, re.I)
        if match and fw.role == "declass":
            return match.group(1).strip(), fw
    return None


def without_marking(text: str) -> str:
    return " ".join(PORTION.sub("", text.strip()).split())


def title_case(text: str) -> str:
    """``"MEMORANDUM OF CONVERSATION"`` → ``"Memorandum of Conversation"``."""
    words = text.lower().split()
    return " ".join(w if i and w in SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words))
