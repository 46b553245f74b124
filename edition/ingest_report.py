"""The import report: what was recognised, what was inferred, what is left for the editor (with lines)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .ingest_header import Header
from .ingest_layout import Break, Field, Fw, Layout, Para
from .ingest_people import Participants


@dataclass
class Report:
    recognised: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)
    paragraphs: int = 0
    pages: int = 0
    participants: int = 0


def describe(layout: Layout, header: Header, pages: list, ids: dict, new: list, date_note: str, meta) -> Report:
    """Say what the import did, line by line."""
    paras = [p for p in layout.body if isinstance(p, Para)]
    report = Report(paragraphs=len(paras), pages=len(pages),
                    participants=len(header.participants.entries) if header.participants else 0)
    _front(report, layout.front)
    _header(report, header, meta, date_note)
    _paragraphs(report, paras, ids, header)
    _pages(report, layout, ids)
    _participants(report, header.participants, new)
    return report


def _front(report: Report, front: list) -> None:
    for item in front:
        if isinstance(item, Fw):
            struck = " (struck through)" if item.text.startswith("~~") else ""
            report.recognised.append(f"line {item.lines[0].no}: {item.type} {item.text.replace('~~', '')}{struck}")
        elif isinstance(item, Field) and item.kind == "field":
            report.todo.append(f"line {item.lines[0].no}: {item.lines[0].text!r} kept as a heading paragraph")
        elif isinstance(item, Field):
            report.recognised.append(f"line {item.lines[0].no}: {item.kind} {item.lines[0].text!r}")
    if not any(isinstance(item, (Field, Participants)) for item in front):
        report.todo.append("line 1: no heading recognised (subject, participants, date); title, date and "
                           "participants must be supplied by the editor")


def _header(report: Report, header: Header, meta, date_note: str) -> None:
    if header.date:
        report.recognised.append(f"line {header.date_line}: date {header.date.value}"
                                 + (f", time {meta.start[11:16]}–{meta.end[11:16]}" if header.time else "")
                                 + (f", place {header.place!r}" if header.place else ""))
    if date_note:
        report.todo.append(f"line 1: {date_note}")
    if header.city_zone and header.time:
        report.inferred.append(f"line {header.date_line}: local time offset from the place "
                               f"({header.city_zone[0]}, {header.city_zone[1]}): {meta.start[19:] or 'unknown'}")
    elif header.time:
        report.todo.append(f"line {header.date_line}: time range has no offset (place not in the table); add it if known")
    if header.place and not meta.place_ref:
        report.todo.append(f"line {header.date_line}: place {header.place!r} not linked to the places authority")
    if not header.subject and (header.date or header.participants):
        report.todo.append("line 1: no subject; the title is the placeholder \"Untitled memorandum\"")
    if header.case is not None:
        report.recognised.append(f"line {header.case.lines[0].no}: declassification case {header.case.text}")
    if header.declassified:
        found, fw = header.declassified
        report.recognised.append(f"line {fw.lines[0].no}: declassified {found.value} ({fw.text})")
    if header.declassify_on:
        report.recognised.append(f"line {header.declassify_on[1].lines[0].no}: declassify on {header.declassify_on[0]}")


def _paragraphs(report: Report, paras: list[Para], ids: dict, header: Header) -> None:
    markings = Counter(p.marking for p in paras if p.marking)
    summary = ", ".join(f"({m}) {n}" for m, n in sorted(markings.items()))
    report.recognised.append(f"{len(paras)} paragraphs (p1–p{len(paras)}); portion markings: {summary or 'none'}")
    default = header.cls_code or "U"
    for p in paras:
        where = f"line {p.first_line.no}: {ids[id(p)]}"
        if p.closing:
            report.todo.append(f"{where}: closing lines ({p.first_line.text!r}) encoded as a paragraph, "
                               f"@ana #cls-{default}; the schema has no closer")
        elif not p.marking:
            report.inferred.append(f"{where}: no portion marking; @ana #cls-{default} from the document's classification")


def _pages(report: Report, layout: Layout, ids: dict) -> None:
    for item in layout.body:
        parts = item.parts if isinstance(item, Para) else [item]
        for part in parts:
            if isinstance(part, Break):
                _break(report, part, ids.get(id(item)))


def _break(report: Report, brk: Break, para_id: str | None) -> None:
    where = f"line {brk.line}"
    inside = f" inside {para_id} (continued across the break)" if para_id else ""
    if brk.pb is None:
        return
    if brk.pb.inferred:
        evidence = "banners or stamps" if brk.items else "a blank line within a sentence"
        report.inferred.append(f"{where}: page break {brk.pb.n}{inside}, inferred from {evidence}")
    else:
        report.recognised.append(f"line {brk.pb.line}: page number {brk.pb.n}{inside}")
    for fw in brk.items:
        if fw.role == "number" and fw.type == "stamp":
            report.todo.append(f"line {fw.lines[0].no}: number {fw.text!r} is not the page number; kept as a stamp")
        elif fw.role == "stamp" and fw.cls:
            report.inferred.append(f"line {fw.lines[0].no}: {fw.text.replace('~~', '')!r} taken as a stamp "
                                   f"(the document's classification differs)")


def _participants(report: Report, participants: Participants | None, new: list) -> None:
    if participants is None:
        return
    sides = [d.label.text if d.label else "(no side heading)" for d in participants.delegations]
    report.recognised.append(f"line {participants.label.no}: {len(participants.entries)} participants in "
                             f"{len(sides)} delegations: {', '.join(sides)}")
    for entry in participants.entries:
        role = f"role {entry.role}" + ("" if entry.role_text else " (inferred from the position)")
        if entry.how != "new":
            report.inferred.append(f"line {entry.lines[0].no}: {entry.name!r} → {entry.ref} (by {entry.how}); {role}")
        else:
            report.inferred.append(f"line {entry.lines[0].no}: {entry.name!r}: {role}")
    for ident, name, line in new:
        report.todo.append(f"line {line}: {name!r} is not in the person authority; added as person:{ident} "
                           f"with a placeholder description")
