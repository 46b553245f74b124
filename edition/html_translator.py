"""The TEI → HTML translator: its per-document state, the rule lookup, and the helpers every rule uses.

Lookup order for an element: predicated rules (:func:`handles` with ``when``) → the element's
default handler → a :data:`~edition.html_tags.WRAPPERS` row → :data:`~edition.html_tags.UNWRAP` →
:data:`~edition.html_tags.OMIT` → unknown: render the content and warn with the line.  The rules
themselves register from their own modules; import :class:`Translator` from :mod:`edition.html`,
which loads them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from lxml import etree
from markupsafe import Markup, escape
from markupsafe import _escape_inner as _escape  # str → escaped str, without a Markup per call

from .errors import Diagnostic, WARNING
from .html_tags import BLOCKS, NAMESPACED_BLOCKS, OMIT, RENDS, UNWRAP, WRAPPERS
from .model import Entity, Mention, Note, Page, Paragraph
from .tei import TEI_NS, XML_ID, XML_LANG, localname

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
