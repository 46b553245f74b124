"""The recognised layout → TEI ``<text>``: front (furniture and heading block) and body (paragraphs).

Every transcript character lands here, in order; the header (``ingest_tei_header``) only copies.
"""

from __future__ import annotations

from lxml import etree

from .ingest_dates import find_date, find_numeric_date, find_time
from .ingest_layout import PORTION, STRUCK, Break, Field, Fw, Layout, Para, split_label
from .ingest_people import Entry, Participants
from .ingest_read import Line
from .tei import TEI_NS, XML_ID

INDENT = "  "
STRUCTURAL = {"TEI", "teiHeader", "fileDesc", "titleStmt", "respStmt", "publicationStmt", "availability",
              "sourceDesc", "msDesc", "msIdentifier", "altIdentifier", "msContents", "physDesc", "objectDesc",
              "supportDesc", "history", "additional", "adminInfo", "recordHist", "encodingDesc", "editorialDecl",
              "classDecl", "taxonomy", "listPrefixDef", "prefixDef", "profileDesc", "creation", "langUsage",
              "particDesc", "listPerson", "person", "revisionDesc", "text", "front", "body", "div", "figure", "list"}
MILESTONES = {"pb", "fw"}


def el(tag: str, attrs: dict | None = None, text: str | None = None, parent=None) -> etree._Element:
    """A TEI element; attributes in the given order (``xml:id`` as ``"xml:id"``)."""
    attrs = {(XML_ID if k == "xml:id" else k): v for k, v in (attrs or {}).items() if v}
    node = etree.Element(f"{{{TEI_NS}}}{tag}", attrs) if parent is None else etree.SubElement(
        parent, f"{{{TEI_NS}}}{tag}", attrs)
    node.text = text
    return node


def append_text(parent, text: str) -> None:
    """Append *text* after the last child of *parent* (or as its text)."""
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def add_text(parent, text: str, spans=()) -> None:
    """Append *text*; ``~~x~~`` becomes ``<del rend="strikethrough">``; *spans* (start, end, make) wrap parts."""
    pos = 0
    for start, end, make in sorted(spans, key=lambda s: s[0]):
        if start < pos:
            continue
        add_plain(parent, text[pos:start])
        child = make(text[start:end])
        parent.append(child)
        pos = end
    add_plain(parent, text[pos:])


def add_plain(parent, text: str) -> None:
    pos = 0
    for match in STRUCK.finditer(text):
        append_text(parent, text[pos:match.start()])
        parent.append(el("del", {"rend": "strikethrough"}, match.group(1)))
        pos = match.end()
    append_text(parent, text[pos:])


def wrap(tag: str, attrs: dict | None = None):
    """A span maker: the text inside the new element, ``~~x~~`` resolved there too."""
    def make(text: str) -> etree._Element:
        node = el(tag, attrs)
        add_plain(node, text)
        return node
    return make


def portion_span(text: str) -> list:
    match = PORTION.search(text)
    return [(match.start(), match.end(), wrap("seg", {"type": "portion"}))] if match else []


def add_lines(parent, lines: list[Line], spans_for=None) -> None:
    """Lines joined by ``<lb/>`` and a newline, as the hand encoding does in heading blocks."""
    for i, line in enumerate(lines):
        if i:
            parent.append(el("lb"))
            append_text(parent, "\n")
        add_text(parent, line.text, portion_span(line.text) if spans_for is None else spans_for(line))


# ----- text -----

def build_text(layout: Layout, paragraph_ids: dict, cls_of) -> etree._Element:
    """``<text>`` with front and body; *cls_of(para)* gives a paragraph's category code."""
    text = el("text")
    text.append(build_front(layout))
    body = el("body", parent=text)
    div = el("div", {"type": "conversation"}, parent=body)
    for item in layout.body:
        if isinstance(item, Para):
            div.append(paragraph(item, paragraph_ids[id(item)], cls_of(item)))
        else:
            add_break(div, item)
    return text


def build_front(layout: Layout) -> etree._Element:
    front = el("front")
    el("pb", {"n": "1", "type": "inferred", "xml:id": "page-1"}, parent=front)
    items = list(layout.front)
    while items and isinstance(items[0], Fw):
        front.append(fw(items.pop(0)))
    if items:
        div = el("div", {"type": "heading"}, parent=front)
        for item, kind in zip(items, heading_kinds(items)):
            div.append(heading_item(item, kind))
    return front


def heading_kinds(items: list) -> list[str]:
    """The element each heading item becomes, demoted to ``p`` where the schema's order needs it."""
    kinds = [_kind(item) for item in items]
    blocks = [i for i, k in enumerate(kinds) if k in ("list", "p")]
    for i, kind in enumerate(kinds):
        late = blocks and blocks[0] < i
        if kind == "head" and late:
            kinds[i] = "p"
        elif kind == "dateline" and late and any(j > i for j in blocks):
            kinds[i] = "p"
    return kinds


def _kind(item) -> str:
    if isinstance(item, Fw):
        return "fw"
    if isinstance(item, Participants) or item.kind == "subject":
        return "list"
    return {"doctype": "head", "dateline": "dateline", "letterhead": "figure"}.get(item.kind, "p")


def heading_item(item, kind: str) -> etree._Element:
    if kind == "fw":
        return fw(item)
    if isinstance(item, Participants):
        return participants(item)
    if kind == "list":
        return subject(item)
    if kind == "figure":
        figure = el("figure", {"type": "letterhead"})
        add_lines(el("p", {"rend": "letterhead"}, parent=figure), item.lines)
        return figure
    node = el({"head": "head", "dateline": "dateline"}.get(kind, "p"), {"type": "doctype"} if kind == "head" else {})
    _ana(node, item.lines[-1].text)
    add_lines(node, item.lines, lambda line: labelled_spans(line.text))
    return node


def _ana(node, last_text: str) -> None:
    match = PORTION.search(last_text)
    if match and node.tag.endswith(("dateline", "item")):
        node.set("ana", "#cls-" + match.group(1).replace("/", ""))


def labelled_spans(text: str) -> list:
    """A heading line's label as ``<seg type="label">``, its date and time tagged, its marking."""
    label, _ = split_label(text)
    spans = [(0, len(label), wrap("seg", {"type": "label"}))] if label else []
    date = find_date(text)
    if date and date.start >= len(label):
        spans.append((date.start, date.end, wrap("date", {"when": date.value})))
    time = find_time(text[date.end:] if date else text)
    if time and (label.startswith(("DATE", "TIME")) or date):
        offset = date.end if date else 0
        attrs = {"from": time.start, "to": time.end} if time.end else {"when": time.start}
        spans.append((time.span[0] + offset, time.span[1] + offset, wrap("time", attrs)))
    return spans + portion_span(text)


def subject(item: Field) -> etree._Element:
    node = el("list", {"type": "subject"})
    label, rest = split_label(item.lines[0].text)
    el("label", text=label, parent=node)
    entry = el("item", parent=node)
    _ana(entry, item.lines[-1].text)
    add_lines(entry, [Line(item.lines[0].no, rest), *item.lines[1:]])
    return node


def participants(item: Participants) -> etree._Element:
    node = el("list", {"type": "participants"})
    el("label", text=item.label.text, parent=node)
    for i, delegation in enumerate(item.delegations):
        if i:
            el("label", parent=node)
        group = el("list", {"type": "delegation", "n": delegation.label.text.rstrip(":") if delegation.label else ""},
                   parent=el("item", parent=node))
        if delegation.label:
            el("head", text=delegation.label.text, parent=group)
        for entry in delegation.entries:
            group.append(participant(entry))
    return node


def participant(entry: Entry) -> etree._Element:
    """``<item><persName ref="person:…">Name</persName>, role…</item>``."""
    node = el("item")
    first = entry.lines[0].text
    ref = {"ref": entry.ref} if entry.ref else {}
    name_span = [(0, len(entry.name), wrap("persName", ref))] if first.startswith(entry.name) else []
    add_lines(node, entry.lines, lambda line: name_span if line is entry.lines[0] else portion_span(line.text))
    return node


def fw(item: Fw) -> etree._Element:
    node = el("fw", {"type": item.type})
    spans = []
    if item.role == "stamp" and (found := find_numeric_date(item.text)):
        spans = [(found.start, found.end, wrap("date", {"when": found.value}))]
    if len(item.lines) > 1:
        add_lines(node, item.lines, lambda line: [])
    else:
        add_text(node, item.text, spans)
    return node


def paragraph(para: Para, ident: str, cls: str) -> etree._Element:
    node = el("p", {"xml:id": ident, "ana": f"#cls-{cls}"})
    for part in para.parts:
        if isinstance(part, Break):
            add_break(node, part)
            continue
        for line in part:
            if len(node) or node.text:
                append_text(node, "\n")
            add_text(node, line.text, portion_span(line.text) if line is para.last_line else [])
    return node


def add_break(parent, brk: Break) -> None:
    """Footer fws, the pb, header and page-number fws, in source order."""
    for item in brk.before:
        parent.append(fw(item))
    if brk.pb is not None:
        attrs = {"n": brk.pb.n, "type": "inferred" if brk.pb.inferred else "", "xml:id": brk.pb.id}
        el("pb", attrs, parent=parent)
    for item in brk.after:
        parent.append(fw(item))


# ----- layout of the serialised file -----

def indent(node, level: int = 0) -> None:
    """Indent structural elements two spaces a level; inside paragraphs put milestones on their own lines."""
    name = etree.QName(node).localname
    if name == "p" and any(etree.QName(c).localname in MILESTONES for c in node):
        _indent_milestones(node, level)
    if name not in STRUCTURAL and not (name == "item" and len(node) == 1 and node[0].tag.endswith("}list")):
        return
    if not len(node) or (node.text or "").strip():
        return
    pad = "\n" + INDENT * (level + 1)
    node.text = pad
    for child in node:
        child.tail = pad
        indent(child, level + 1)
    node[-1].tail = "\n" + INDENT * level


def _indent_milestones(p, level: int) -> None:
    pad = "\n" + INDENT * (level + 1)
    for child in p:
        if etree.QName(child).localname not in MILESTONES:
            continue
        previous = child.getprevious()
        if previous is None:
            p.text = (p.text or "").rstrip() + pad
        else:
            previous.tail = (previous.tail or "").rstrip() + pad
        child.tail = pad + (child.tail or "").lstrip()
