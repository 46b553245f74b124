"""TEI element → HTML fragment, through a table of rules.

Lookup order for an element: predicated rules (:func:`handles` with ``when``)
→ the element's default handler → a :data:`WRAPPERS` row → :data:`UNWRAP` →
:data:`OMIT` → unknown: render the content and warn with the line.  Text is
never dropped.  All text goes through :func:`markupsafe.escape`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from lxml import etree
from markupsafe import Markup, escape
from markupsafe import _escape_inner as _escape  # str → escaped str, without a Markup per call

from .authority import MENTION_KIND, split_ref
from .errors import Diagnostic, WARNING
from .model import Entity, Mention, Note, Page, Paragraph
from .tei import TEI_NS, XML_ID, XML_LANG, localname, normalize_space

# (block tag, inline tag, css class): blocks degrade to spans inside phrase content
BLOCKS = {
    "div": ("section", "span", "div"),
    "p": ("p", "span", "p"),
    "ab": ("p", "span", "ab"),
    "opener": ("div", "span", "opener"),
    "closer": ("div", "span", "closer"),
    "postscript": ("div", "span", "postscript"),
    "dateline": ("p", "span", "dateline"),
    "salute": ("p", "span", "salute"),
    "signed": ("p", "span", "signed"),
    "byline": ("p", "span", "byline"),
    "argument": ("div", "span", "argument"),
    "epigraph": ("div", "span", "epigraph"),
    "lg": ("div", "span", "lg"),
    "l": ("div", "span", "l"),
    "sp": ("div", "span", "sp"),
    "speaker": ("p", "span", "speaker"),
    "figure": ("figure", "span", "figure"),
    "figDesc": ("figcaption", "span", "figdesc"),
    "trailer": ("p", "span", "trailer"),
    "front": ("div", "span", "front"),
    "body": ("div", "span", "body"),
    "back": ("div", "span", "back"),
    "text": ("div", "span", "text"),
    "group": ("div", "span", "group"),
    "titlePage": ("div", "span", "titlepage"),
    "docTitle": ("p", "span", "doctitle"),
    "titlePart": ("span", "span", "titlepart"),
    "docImprint": ("p", "span", "docimprint"),
    "docEdition": ("p", "span", "docedition"),
    "floatingText": ("div", "span", "floatingtext"),
}
WRAPPERS = {
    "hi": ("span", "hi"),
    "emph": ("em", "emph"),
    "foreign": ("i", "foreign"),
    "title": ("cite", "title"),
    "q": ("q", "q"),
    "said": ("q", "said"),
    "mentioned": ("span", "mentioned"),
    "soCalled": ("q", "socalled"),
    "label": ("span", "label"),
    "seg": ("span", "seg"),
    "del": ("del", "del"),
    "add": ("ins", "add"),
    "sic": ("span", "sic"),
    "corr": ("span", "corr"),
    "orig": ("span", "orig"),
    "reg": ("span", "reg"),
    "abbr": ("abbr", "abbr"),
    "expan": ("span", "expan"),
    "unclear": ("span", "unclear"),
    "supplied": ("span", "supplied"),
    "num": ("span", "num"),
    "measure": ("span", "measure"),
    "name": ("span", "name"),
    "persName": ("span", "persname"),
    "placeName": ("span", "placename"),
    "orgName": ("span", "orgname"),
    "geogName": ("span", "geogname"),
    "roleName": ("span", "rolename"),
    "forename": ("span", "forename"),
    "surname": ("span", "surname"),
    "addName": ("span", "addname"),
    "term": ("dfn", "term"),
    "gloss": ("span", "gloss"),
    "rs": ("span", "rs"),
    "bibl": ("span", "bibl"),
    "author": ("span", "author"),
    "editor": ("span", "editor"),
    "publisher": ("span", "publisher"),
    "pubPlace": ("span", "pubplace"),
    "biblScope": ("span", "biblscope"),
    "idno": ("span", "idno"),
    "time": ("span", "time"),
    "stamp": ("span", "stamp"),
    "affiliation": ("span", "affiliation"),
    "occupation": ("span", "occupation"),
    "cit": ("span", "cit"),
    "citedRange": ("span", "citedrange"),
    "damage": ("span", "damage"),
    "retrace": ("span", "retrace"),
    "subst": ("span", "subst"),
    "docDate": ("span", "docdate"),
    "docAuthor": ("span", "docauthor"),
    "row": ("span", "row"),  # rows and cells of a table inside a paragraph (table() renders its own)
    "cell": ("span", "cell"),
}
UNWRAP = {"w", "c", "pc", "choice", "ptr"}
# elements of other namespaces that TEI customisations use as divisions (Clark name → BLOCKS row)
NAMESPACED_BLOCKS = {
    "{http://history.state.gov/frus/ns/1.0}attachment": ("section", "span", "attachment"),
}
OMIT = {"teiHeader", "facsimile", "standOff"}
RENDS = {"italic": "i", "bold": "b", "underline": "u", "strikethrough": "s", "smallcaps": "sc",
         "superscript": "sup", "subscript": "sub", "caps": "caps", "uppercase": "caps",
         "flushleft": "flushleft", "center": "center", "right": "right"}
SAFE_URL = re.compile(r"^(https?://|mailto:|#)", re.IGNORECASE)
FRUS_REF = re.compile(r"^(frus[\w-]+)(?:#(\w+))?$")
HSG = "https://history.state.gov/historicaldocuments/"

Handler = Callable[["Translator", etree._Element], Markup]
_RULES: dict[str, list[tuple[Callable | None, Handler]]] = {}


def handles(*names: str, when: Callable[[etree._Element], bool] | None = None):
    """Register a handler for TEI elements *names* (optionally only *when* it applies)."""

    def register(fn: Handler) -> Handler:
        for name in names:
            rules = _RULES.setdefault(name, [])
            rules.insert(0 if when else len(rules), (when, fn))
        return fn

    return register


@dataclass
class Translator:
    """Render one TEI document; keeps the per-document state (notes, mentions, pages)."""

    doc_id: str
    path: str
    entities: dict[str, Entity] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    index_base: str = "../indexes/"
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    aliases: dict[str, list[str]] = field(default_factory=dict)  # id → earlier ids that land on it
    # local pointers the reader resolved: "#p_HC1" → "person:vol-p_HC1" (an entity ref)
    pointers: dict[str, str] = field(default_factory=dict)
    # link targets the reader resolved ("#d15", "vol#pg_3" → "d15.html#pg_3"); when set, a "#…"
    # target missing from it has nothing to land on and is rendered unlinked
    links: dict[str, str] | None = None
    anchor: str = "heading"
    anchor_label: str = "heading"
    inline: int = 0
    linking: int = 0  # >0 inside a mention's link, where a nested mention cannot be a link too
    numbered: int = 0  # >0 inside the body, where paragraphs are numbered

    # -- walking ---------------------------------------------------------
    def render(self, el) -> Markup:
        """Render one node: an element via its rule; comments and PIs vanish."""
        if not isinstance(el.tag, str):
            return Markup("")
        if not el.tag.startswith(f"{{{TEI_NS}}}"):
            if el.tag in NAMESPACED_BLOCKS:
                return self.block(el, *NAMESPACED_BLOCKS[el.tag])
            return self.unknown(el)
        name = localname(el)
        for when, fn in _RULES.get(name, ()):
            if when is None or when(el):
                return fn(self, el)
        if name in WRAPPERS:
            tag, cls = WRAPPERS[name]
            return self.wrap(tag, el, cls)
        if name in BLOCKS:
            return self.block(el, *BLOCKS[name])
        if name in UNWRAP:
            return self.content(el)
        if name in OMIT:
            return Markup("")
        return self.unknown(el)

    def content(self, el) -> Markup:
        """Render the text, children and their tails of *el*."""
        parts = [_escape(el.text)] if el.text else []
        for child in el:
            parts.append(self.render(child))  # Markup: already safe
            if child.tail:
                parts.append(_escape(child.tail))
        return Markup("".join(parts))

    def inline_content(self, el) -> Markup:
        self.inline += 1
        try:
            return self.content(el)
        finally:
            self.inline -= 1

    def unknown(self, el) -> Markup:
        name = el.prefix + ":" + localname(el) if el.prefix else localname(el)
        self.warn(el, f"no rule for <{name}>; its content is rendered as plain text", "html.unknown-element")
        return self.wrap("span", el, f"tei-{localname(el).lower()}")

    def warn(self, el, message: str, code: str) -> None:
        self.diagnostics.append(Diagnostic(self.path, el.sourceline or 0, 0, WARNING, message, code))

    # -- building blocks -------------------------------------------------
    def wrap(self, tag: str, el, cls: str, **attrs) -> Markup:
        classes = " ".join(filter(None, [cls, *self.rend_classes(el)]))
        return element(tag, self.inline_content(el), cls=classes, id=el.get(XML_ID), lang=el.get(XML_LANG), **attrs)

    def block(self, el, block_tag: str, inline_tag: str, cls: str) -> Markup:
        if self.inline:
            return element(inline_tag, self.content(el), cls=f"{cls} block", id=el.get(XML_ID))
        typ = el.get("type")
        classes = " ".join(filter(None, [cls, typ and f"{cls}-{typ}", *self.rend_classes(el)]))
        inner = self.inline_content(el) if block_tag == "p" else self.content(el)
        return element(block_tag, inner, cls=classes, id=el.get(XML_ID), lang=el.get(XML_LANG))

    def old_anchors(self, ident: str) -> Markup:
        """Empty targets for the ids that used to name this element, so old citations still land."""
        return Markup("").join(element("span", Markup(""), cls="old-anchor", id=old,
                                        title=f"formerly cited as #{old}")
                               for old in self.aliases.get(ident, ()))

    def rend_classes(self, el) -> list[str]:
        return [f"r-{RENDS[r]}" for r in (el.get("rend") or "").split() if r in RENDS]

    def link_entity(self, el, ref: str) -> Markup:
        """A tagged mention → a link to its index entry, recorded for the index."""
        entity = self.entities.get(ref)
        kind = MENTION_KIND.get(localname(el), "term")
        tag, cls = WRAPPERS[localname(el)]
        if entity is None:
            self.warn(el, f"<{localname(el)}> @ref {ref!r} is not in the authority files; rendered unlinked",
                      "ref.unresolved")
            return self.wrap(tag, el, f"{cls} unresolved")
        text = normalize_space("".join(el.itertext()))
        self.mentions.append(Mention(ref, entity.kind, text, self.doc_id, self.anchor, self.anchor_label,
                                     el.sourceline or 0))
        if self.linking:  # recorded for the index; a link inside a link is not HTML
            return self.wrap("span", el, f"{cls} mention-nested", data_ref=ref)
        self.linking += 1
        try:
            inner = self.wrap(tag, el, cls) if tag != "span" else self.inline_content(el)
        finally:
            self.linking -= 1
        href = f"{self.index_base}{entity.kind}s.html#{entity.id}"
        return element("a", inner, cls=f"mention {entity.kind}", href=href, title=entity.name,
                       data_ref=ref)


    def resolve(self, target: str) -> str | None:
        """The href of a link *target*: as the reader resolved it, else if it is safe; None if neither."""
        if self.links is not None:
            if target in self.links:
                return self.links[target]
            if target.startswith("#"):
                return None
        return safe_href(target)


def element(tag: str, inner: Markup, cls: str | None = None, **attrs) -> Markup:
    """Build ``<tag class=… attrs>inner</tag>``, escaping every attribute value."""
    pairs = [("class", cls)] + [(k.rstrip("_").replace("_", "-"), v) for k, v in attrs.items()]
    rendered = "".join(f' {k}="{_escape(str(v))}"' for k, v in pairs if v not in (None, ""))
    return Markup(f"<{tag}{rendered}>{escape(inner)}</{tag}>")


def void(tag: str, cls: str | None = None, **attrs) -> Markup:
    pairs = [("class", cls)] + [(k.replace("_", "-"), v) for k, v in attrs.items()]
    return Markup(f"<{tag}" + "".join(f' {k}="{escape(v)}"' for k, v in pairs if v not in (None, "")) + ">")


def safe_href(target: str) -> str | None:
    """Return *target* if it is safe to link to (http, https, mailto, #), a FRUS id as its URL, else None."""
    target = target.strip()
    if SAFE_URL.match(target):
        return target
    frus = FRUS_REF.match(target)
    if frus:
        volume, doc = frus.groups()
        return f"{HSG}{volume}/{doc}" if doc else f"{HSG}{volume}"
    return None


# -- rules -------------------------------------------------------------

def _has_prefixed_ref(el) -> bool:
    return split_ref(el.get("ref") or "") is not None


@handles("persName", "placeName", "orgName", "term", "title", when=_has_prefixed_ref)
def mention(t: Translator, el) -> Markup:
    """``<persName ref="person:reagan">The President</persName>`` → ``<a class="mention person" …>``."""
    return t.link_entity(el, el.get("ref"))


@handles("persName", "gloss", "term", "placeName", "orgName",
         when=lambda el: (el.get("corresp") or el.get("target") or "").startswith("#"))
def local_pointer(t: Translator, el) -> Markup:
    """A FRUS-style ``@corresp="#p_X"`` pointer: an index link if the reader resolved it, else text and a warning."""
    pointer = el.get("corresp") or el.get("target")
    if pointer in t.pointers:
        return t.link_entity(el, t.pointers[pointer])
    tag, cls = WRAPPERS[localname(el)]
    t.warn(el, f"<{localname(el)}> points to {pointer!r}, which is not in this document; rendered unlinked",
           "ref.unresolved")
    return t.wrap(tag, el, f"{cls} unresolved")


@handles("note")
def footnote(t: Translator, el) -> Markup:
    """``<note xml:id="n1">…</note>`` → a numbered note reference; the note goes to the notes list."""
    n = len(t.notes) + 1
    ident = el.get(XML_ID) or f"{t.doc_id}-note{n}"
    label = el.get("n") or ("Source" if el.get("type") == "source" else str(n))
    saved = (t.inline, t.anchor, t.anchor_label)
    t.inline = 0
    try:
        html = t.content(el)
    finally:
        t.inline, t.anchor, t.anchor_label = saved
    t.notes.append(Note(ident, n, html, t.anchor, label, t.aliases.get(ident, []), el.get("type") or ""))
    link = element("a", escape(label), id=f"{ident}-ref", href=f"#{ident}", role="doc-noteref",
                   aria_label=f"Note {label}")
    return element("sup", link, cls=f"note-ref note-{el.get('type') or 'note'}")


@handles("p", when=lambda el: bool(el.get(XML_ID)) and next(el.iterancestors(f"{{{TEI_NS}}}note"), None) is None)
def numbered_paragraph(t: Translator, el) -> Markup:
    """``<p xml:id="p12">`` in the body → ``<p id="p12">`` with a ¶12 permalink."""
    if t.inline or not t.numbered:
        return t.block(el, *BLOCKS["p"])
    n = len(t.paragraphs) + 1
    ident = el.get(XML_ID)
    saved = (t.anchor, t.anchor_label)
    t.anchor, t.anchor_label = ident, f"¶{n}"
    first_page = len(t.pages)
    try:
        inner = t.inline_content(el)
    finally:
        t.anchor, t.anchor_label = saved
    cls_id = (el.get("ana") or "").lstrip("#")
    para = Paragraph(ident, n, inner, cls_id, [p.id for p in t.pages[first_page:]])
    t.paragraphs.append(para)
    permalink = element("a", Markup(f"¶{n}"), cls="pnum", href=f"#{ident}",
                        aria_label=f"Permalink to paragraph {n}")
    cite = element("a", Markup("cite"), cls="pcite", href=f"#cite-{ident}",
                   aria_label=f"Cite paragraph {n} or report a correction")
    classes = " ".join(filter(None, ["para", cls_id and f"ana-{cls_id}", *t.rend_classes(el)]))
    return element("p", t.old_anchors(ident) + permalink + cite + Markup(" ") + inner, cls=classes, id=ident,
                   data_n=str(n))


@handles("body", "div", when=lambda el: localname(el) == "body" or el.get("type") in ("conversation", "document"))
def numbered_region(t: Translator, el) -> Markup:
    """The body numbers its paragraphs; the heading block does not."""
    t.numbered += 1
    try:
        return t.block(el, *BLOCKS[localname(el)])
    finally:
        t.numbered -= 1


@handles("pb")
def page_break(t: Translator, el) -> Markup:
    """``<pb n="2" xml:id="page-2"/>`` → an unobtrusive, linkable page marker."""
    n = el.get("n") or "?"
    inferred = el.get("type") == "inferred"
    ident = el.get(XML_ID) or f"page-{len(t.pages) + 1}"
    t.pages.append(Page(ident, n, inferred))
    label = f"[p. {n}]" if not inferred else f"[p. {n}?]"
    title = f"Page {n}" + (" (number not printed in the source)" if inferred else "")
    link = element("a", escape(label), href=f"#{ident}", title=title)
    return t.old_anchors(ident) + element("span", link, cls="pb" + (" inferred" if inferred else ""), id=ident,
                                          data_page=n)


@handles("fw")
def forme_work(t: Translator, el) -> Markup:
    """``<fw type="stamp">`` → kept out of the reading text but viewable."""
    kind = el.get("type") or "fw"
    tag = "span" if t.inline else "div"
    return element(tag, t.inline_content(el), cls=f"fw fw-{kind}", title=f"{kind} (not part of the text)")


@handles("lb")
def line_break(t: Translator, el) -> Markup:
    return void("br")


@handles("seg", when=lambda el: el.get("type") == "portion")
def portion_mark(t: Translator, el) -> Markup:
    """``<seg type="portion">(S)</seg>`` → a marked span that can be toggled."""
    return element("span", t.inline_content(el), cls="portion")


@handles("date", "origDate")
def date(t: Translator, el) -> Markup:
    """``<date when="1986">`` → ``<time datetime="1986">``."""
    when = el.get("when") or el.get("from")
    if when and _valid_datetime(when):
        return element("time", t.inline_content(el), cls="date", datetime=when)
    return element("span", t.inline_content(el), cls="date")


@handles("ref")
def reference(t: Translator, el) -> Markup:
    """``<ref target="https://…">`` → a link; an unsafe or unknown target → plain text."""
    target = el.get("target") or ""
    href = t.resolve(target)
    if href is None:
        if target.startswith("#") and t.links is not None:
            t.warn(el, f"<ref> target {target!r} is not in this source; rendered as text", "ref.unresolved")
        elif target:
            t.warn(el, f"<ref> target {target!r} is not a safe or known link; rendered as text", "html.unsafe-url")
        return element("span", t.inline_content(el), cls="ref")
    return element("a", t.inline_content(el), cls="ref", href=href)


@handles("gap")
def gap(t: Translator, el) -> Markup:
    return element("span", escape("[…]"), cls="gap", title=el.get("reason") or "omitted")


@handles("head")
def head(t: Translator, el) -> Markup:
    """``<head>`` → a block heading (a span inside phrase content)."""
    if t.inline:
        return element("span", t.content(el), cls="head block")
    typ = el.get("type")
    return element("p", t.inline_content(el), cls=" ".join(filter(None, ["head", typ and f"head-{typ}"])))


@handles("list")
def list_(t: Translator, el) -> Markup:
    """``<list>`` → ``<ul>``; label/item pairs → ``<dl>``; inside a paragraph, spans."""
    typ = el.get("type")
    cls = " ".join(filter(None, ["list", typ and f"list-{typ}"]))
    if t.inline:
        return element("span", t.content(el), cls=f"{cls} block")
    heads, items = [], [escape(el.text or "")]
    glossary = el.find(f"{{{TEI_NS}}}label") is not None
    for child in el:
        if localname(child) == "head":
            heads.append(head(t, child) + escape(child.tail or ""))
        else:
            items.append(_list_child(t, child, glossary) + escape(child.tail or ""))
    heads, items = Markup("").join(heads), Markup("").join(items)
    if glossary:
        return heads + element("dl", items, cls=cls)
    return element("div", heads + element("ul", items), cls=cls)


def _list_child(t: Translator, child, glossary: bool) -> Markup:
    name = localname(child)
    if name == "label" and glossary:
        return element("dt", t.inline_content(child))
    if name == "item":
        return element("dd" if glossary else "li", t.content(child), id=child.get(XML_ID))
    # pbs, notes, comments and stray elements between items: keep them, inside an item
    rendered = t.render(child)
    if not rendered:
        return rendered
    return element("dd" if glossary else "li", rendered, cls="list-aside")


@handles("quote")
def quote(t: Translator, el) -> Markup:
    if t.inline:
        return element("q", t.inline_content(el), cls="quote")
    return element("blockquote", t.content(el), cls="quote")


@handles("table")
def table(t: Translator, el) -> Markup:
    if t.inline:
        return element("span", t.content(el), cls="table block")
    saved, t.inline = t.inline, 0
    try:
        # the whitespace between rows and cells is kept: it separates their words in the page's text
        rows = Markup("").join(_row(t, row) + escape(row.tail or "") for row in el.iterfind(f"{{{TEI_NS}}}row"))
        heads = Markup("").join(element("caption", t.inline_content(h)) for h in el.iterfind(f"{{{TEI_NS}}}head"))
    finally:
        t.inline = saved
    return element("table", heads + element("tbody", rows), cls="table")


def _row(t: Translator, row) -> Markup:
    cells = []
    for cell in row.iterfind(f"{{{TEI_NS}}}cell"):
        tag = "th" if cell.get("role") == "label" or row.get("role") == "label" else "td"
        cells.append(element(tag, t.content(cell), colspan=cell.get("cols"), rowspan=cell.get("rows"))
                     + escape(cell.tail or ""))
    return element("tr", escape(row.text or "") + Markup("").join(cells))


@handles("item")
def stray_item(t: Translator, el) -> Markup:
    return element("span", t.content(el), cls="item block")


@handles("graphic")
def graphic(t: Translator, el) -> Markup:
    return Markup("")


def _valid_datetime(value: str) -> bool:
    return bool(re.fullmatch(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?)?)?)?", value))
