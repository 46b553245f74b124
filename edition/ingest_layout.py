"""Recognise a memorandum's layout: a table of line patterns, the heading fields, the body's paragraphs.

The result is a plain model (:class:`Layout`) that keeps every transcript line: furniture lines
(banners, stamps, page numbers) as :class:`Fw`, heading fields as :class:`Field`, the participants
as :class:`~edition.ingest_people.Participants`, the conversation as :class:`Para` and
:class:`Break` (a run of furniture between two stretches of text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .ingest_people import Participants, looks_like_group, parse_participants
from .ingest_read import Line

STRUCK = re.compile(r"~~(.+?)~~")
PORTION = re.compile(r"\((U|C|S|TS|S/NF)\)$")
CLASSIFICATIONS = ("TOP SECRET", "SECRET", "CONFIDENTIAL", "UNCLASSIFIED")

# Page furniture, one pattern per kind of line; the first match wins.
FURNITURE = [
    ("banner", re.compile(r"(?:~~)?(TOP SECRET|SECRET|CONFIDENTIAL|UNCLASSIFIED)"
                          r"(?:\s*[/-]\s*(?:SENSITIVE|NOFORN|EYES ONLY|NODIS|EXDIS))*(?:~~)?")),
    ("docNumber", re.compile(r"SYSTEM (?:I{1,3}|IV)(?:\s+\d{3,6})?")),
    ("declass", re.compile(r"(?:Declassify on|Classified by|Derived from|Reason|DECL(?:ASSIFY)?(?: ON)?)\s*:.*", re.I)),
    ("stamp", re.compile(r"DECLASSIFIED(?:\s.*)?|E\.\s?O\.\s?\d{5}.*|(?:NLR|NLS|NLC|NLB|NLG|NLJ|FOIA|MR)[- #]\S.*"
                         r"|(?:BY|By)\s.*(?:NARA|DATE).*|Authority:?\s.*")),
    ("stamp", re.compile(r"[A-Z]{1,3}\d{2}-\d{2,4}(?:/\d+)?(?:#\d+)?")),  # case number F97-004/2#12
    ("stamp", re.compile(r"\d{1,2}/\d{1,2}/\d{2}(?:\d{2})?")),  # stamp date 8/29/00
    ("number", re.compile(r"(?:-\s*)?\d{1,4}(?:\s*-)?|Page \d{1,4}(?: of \d{1,4})?")),
]
SYSTEM_NUMBER = re.compile(r"\d{3,6}")
DOCTYPE = re.compile(r"MEMORANDUM\b.*")
FIELDS = [  # heading labels at the start of a line
    ("dateline", re.compile(r"DATE,?\s+TIME,?\s+(?:AND|&)\s+PLACE:")),
    ("dateline", re.compile(r"DATE,\s*TIME\b")),  # split label: "AND PLACE:" follows on a later line
    ("dateline", re.compile(r"(?:DATE|TIME|PLACE)(?:\s+(?:AND|&)\s+(?:TIME|PLACE))?:")),
    ("subject", re.compile(r"SUBJECT:")),
    ("participants", re.compile(r"PARTICIPANTS:")),
    ("field", re.compile(r"(?:FROM|TO|THROUGH|THRU|INFO|REF|ATTENDEES):")),
]
LINE_LABEL = re.compile(r"(?:DATE,?\s+TIME(?:,?\s+(?:AND|&)\s+PLACE)?:?|AND PLACE:|"
                        r"(?:DATE|TIME|PLACE)(?:\s+(?:AND|&)\s+(?:TIME|PLACE))?:|SUBJECT:|PARTICIPANTS:|"
                        r"(?:FROM|TO|THROUGH|THRU|INFO|REF|ATTENDEES):)")
CLOSING = re.compile(r"(?:Prepared by|Drafted by|Cleared by|Approved by|Distribution|cc|CC|Clearance)\s*:", re.I)
TERMINAL = re.compile(r"[.?!:;\"')\]]$")


@dataclass
class Fw:
    """A furniture line (or two: ``SYSTEM II`` / ``90512``); its TEI type is decided by position."""

    role: str
    lines: list[Line]
    cls: str = ""
    type: str = ""

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


@dataclass
class Field:
    """A heading element: letterhead, doctype, subject, dateline or another labelled field."""

    kind: str
    lines: list[Line]


@dataclass
class PageBreak:
    n: str
    inferred: bool
    line: int
    id: str = ""


@dataclass
class Break:
    """A run of furniture: footers, the page break (if it is one), headers and the page number."""

    items: list[Fw]
    line: int
    before: list[Fw] = field(default_factory=list)
    pb: PageBreak | None = None
    after: list[Fw] = field(default_factory=list)


@dataclass
class Para:
    """A body paragraph: blocks of lines, with the page breaks that interrupt it."""

    parts: list  # list[list[Line] | Break]
    closing: bool = False

    @property
    def last_line(self) -> Line:
        return [p for p in self.parts if isinstance(p, list)][-1][-1]

    @property
    def first_line(self) -> Line:
        return self.parts[0][0]

    @property
    def marking(self) -> str | None:
        match = PORTION.search(self.last_line.text)
        return match.group(1) if match else None


@dataclass
class Layout:
    front: list  # Fw | Field | Participants
    body: list  # Para | Break
    heading_found: bool = False


def classify(text: str) -> str | None:
    """The furniture kind of a line, or None for text: ``"~~SECRET~~"`` → ``"banner"``."""
    for role, pattern in FURNITURE:
        if pattern.fullmatch(text):
            return role
    return None


def banner_class(text: str) -> str:
    """``"~~TOP SECRET~~"`` → ``"TOP SECRET"``."""
    return next(c for c in CLASSIFICATIONS if c in text)


def field_kind(text: str) -> str | None:
    for kind, pattern in FIELDS:
        if pattern.match(text):
            return kind
    return None


def split_label(text: str) -> tuple[str, str]:
    """``"SUBJECT: Talks (U)"`` → ``("SUBJECT:", "Talks (U)")``; no label → ``("", text)``."""
    match = LINE_LABEL.match(text)
    if not match:
        return "", text
    return match.group(0), text[match.end():].strip()


def parse(lines: list[Line]) -> Layout:
    """Recognise the heading block, then the paragraphs of the body."""
    blocks = split_blocks(lines)
    front, start = parse_front(blocks)
    body_lines = [line for block in blocks[start:] for line in [*block, None]]
    heading = any(isinstance(item, (Field, Participants)) for item in front)
    return Layout(front, parse_body(body_lines), heading)


def split_blocks(lines: list[Line]) -> list[list[Line]]:
    """Lines separated by blank lines."""
    blocks, current = [], []
    for line in lines:
        if line.text:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    return blocks + ([current] if current else [])


def parse_front(blocks: list[list[Line]]) -> tuple[list, int]:
    """The heading block: furniture, letterhead, doctype and labelled fields; return them and where the body starts."""
    front: list = []
    seen_field = False
    i = 0
    while i < len(blocks):
        block = blocks[i]
        kind = field_kind(block[0].text)
        if kind == "participants":
            groups = [block]
            while i + 1 < len(blocks) and _more_participants(blocks[i + 1]):
                i += 1
                groups.append(blocks[i])
            front.append(parse_participants(groups, split_label))
        elif kind:
            front.append(Field(kind, block))
        else:
            items = heading_lines(block, allow_text=not seen_field)
            if items is None:
                break
            front += items
            i += 1
            continue
        seen_field = True
        i += 1
    return front, i


def _more_participants(block: list[Line]) -> bool:
    return not field_kind(block[0].text) and not classify(block[0].text) and looks_like_group(block)


def heading_lines(block: list[Line], allow_text: bool) -> list | None:
    """Furniture, doctype and letterhead lines of a block before the fields; None if it is not one."""
    items: list = []
    lines = iter(enumerate(block))
    for i, line in lines:
        role = classify(line.text)
        if role:
            items.append(furniture(role, block, i))
            if len(items[-1].lines) == 2:
                next(lines)
        elif allow_text and DOCTYPE.fullmatch(line.text):
            items.append(Field("doctype", [line]))
        elif allow_text and (_upper(line.text) or _continues_letterhead(items)):
            if _continues_letterhead(items):
                items[-1].lines.append(line)
            else:
                items.append(Field("letterhead", [line]))
        else:
            return None
    return items


def furniture(role: str, lines: list[Line], i: int) -> Fw:
    """An :class:`Fw` for ``lines[i]``; ``SYSTEM II`` takes its number from the next line."""
    line = lines[i]
    if role == "docNumber" and i + 1 < len(lines) and SYSTEM_NUMBER.fullmatch(lines[i + 1].text):
        return Fw(role, [line, lines[i + 1]])
    return Fw(role, [line], banner_class(line.text) if role == "banner" else "")


def _upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _continues_letterhead(items: list) -> bool:
    return bool(items) and isinstance(items[-1], Field) and items[-1].kind in ("letterhead", "doctype")


def parse_body(lines: list[Line | None]) -> list:
    """Paragraphs and furniture runs; ``None`` in *lines* marks a blank line."""
    body: list = []
    para: Para | None = None
    pending: Break | None = None
    for item in runs(lines):
        if isinstance(item, Break):
            pending = item
            continue
        if para is not None and continues(para, item, pending):
            para.parts += [pending or Break([], item[0].no), item]  # a bare blank line: an unmarked page break
        else:
            body += [p for p in (para, pending) if p is not None]
            closing = CLOSING.match(item[0].text) is not None or (para is not None and para.closing)
            para = Para([item], closing=closing)
        pending = None
    return body + [p for p in (para, pending) if p is not None]


def runs(lines: list[Line | None]):
    """Yield text blocks (lists of lines) and furniture runs (:class:`Break`) in order."""
    text: list[Line] = []
    furn: list[Fw] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        role = classify(line.text) if line is not None else None
        if line is None or role:
            if text:
                yield text
                text = []
        if role:
            window = [line] + ([lines[i + 1]] if i + 1 < len(lines) and lines[i + 1] is not None else [])
            furn.append(furniture(role, window, 0))
            i += len(furn[-1].lines)
            continue
        if line is not None:
            if furn:
                yield Break(furn, furn[0].lines[0].no)
                furn = []
            text.append(line)
            if PORTION.search(line.text):
                yield text
                text = []
        i += 1
    if text:
        yield text
    if furn:
        yield Break(furn, furn[0].lines[0].no)


def continues(para: Para, block: list[Line], between: Break | None) -> bool:
    """Does *block* continue *para*?  A portion marking ends a paragraph; lower case or an open end continues."""
    if para.closing or para.marking or CLOSING.match(block[0].text):
        return False
    last = para.last_line.text
    return block[0].text[:1].islower() or not TERMINAL.search(last)
